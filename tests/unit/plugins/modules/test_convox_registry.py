# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_registry and convox_registry_info in-process against the emulator: requests, budgets, secrecy."""

from __future__ import annotations

import json

import pytest

from ansible_collections.convox.convox.plugins.modules import convox_registry, convox_registry_info

PASSWORD = 'reg-Pa55word-7f3a9c'
OTHER_PASSWORD = 'reg-Other-Pa55-41d2e8'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def requests(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


def writes(rack):
    return [request for request in requests(rack) if request[0] != 'GET']


def registry(rack, **extra):
    args = dict(server='registry.example.com', username='puller', registry_password=PASSWORD)
    args.update(extra)
    return connection(rack, **args)


def stored(rack):
    return dict(rack.state.extensions.get('registries', {}))


def test_add_then_a_rerun_is_one_read(rack, run_module):
    result, failed = run_module(convox_registry.main, registry(rack))
    assert not failed, result
    assert result['changed'] is True and result['password_changed'] is True
    assert result['registry'] == {'server': 'registry.example.com', 'username': 'puller'}
    assert requests(rack) == [('GET', '/registries'), ('POST', '/registries')]
    assert stored(rack) == {'registry.example.com': 'puller:' + PASSWORD}

    rack.clear_requests()
    again, failed = run_module(convox_registry.main, registry(rack))
    assert not failed and again['changed'] is False and again['password_changed'] is False
    assert requests(rack) == [('GET', '/registries')]


def test_check_mode_predicts_with_the_password_hidden(rack, run_module):
    result, failed = run_module(convox_registry.main, registry(rack, _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and result['changed'] is True
    assert result['diff'] == {'before': {'state': 'absent'},
                              'after': {'state': 'present', 'server': 'registry.example.com', 'username': 'puller',
                                        'password': '<hidden>'}}
    assert 'registry' not in result
    assert writes(rack) == []
    assert PASSWORD not in json.dumps(result)


def test_a_changed_password_is_compared_and_diffed_without_showing_either(rack, run_module):
    run_module(convox_registry.main, registry(rack))
    rack.clear_requests()
    result, failed = run_module(convox_registry.main, registry(rack, registry_password=OTHER_PASSWORD, _ansible_diff=True))
    assert not failed and result['changed'] is True and result['password_changed'] is True
    assert result['diff']['before']['password'] == '<hidden: old value>'
    assert result['diff']['after']['password'] == '<hidden: new value>'
    assert result['diff']['before']['username'] == result['diff']['after']['username'] == 'puller'
    dumped = json.dumps(result)
    assert PASSWORD not in dumped and OTHER_PASSWORD not in dumped
    assert writes(rack) == [('POST', '/registries')]
    assert stored(rack)['registry.example.com'] == 'puller:' + OTHER_PASSWORD


def test_on_create_leaves_an_existing_password(rack, run_module):
    run_module(convox_registry.main, registry(rack))
    rack.clear_requests()
    result, failed = run_module(convox_registry.main, registry(rack, registry_password=OTHER_PASSWORD, update_password='on_create'))
    assert not failed and result['changed'] is False and result['password_changed'] is False
    assert writes(rack) == []
    assert stored(rack)['registry.example.com'] == 'puller:' + PASSWORD

    # A new user name rewrites both: the rack stores them together.
    changed, failed = run_module(convox_registry.main, registry(rack, username='other', registry_password=OTHER_PASSWORD,
                                                                update_password='on_create', _ansible_diff=True))
    assert not failed and changed['changed'] is True and changed['password_changed'] is True
    assert 'password' not in changed['diff']['after']
    assert stored(rack)['registry.example.com'] == 'other:' + OTHER_PASSWORD


def test_on_create_sets_the_password_of_a_new_registry(rack, run_module):
    result, failed = run_module(convox_registry.main, registry(rack, update_password='on_create'))
    assert not failed and result['changed'] is True
    assert stored(rack) == {'registry.example.com': 'puller:' + PASSWORD}


def test_a_password_the_rack_does_not_show_is_written_with_always_only(rack, run_module):
    """A rack that answers an empty password cannot be compared with: 'always' writes, 'on_create' leaves it."""
    rack.state.extensions['registries'] = {'registry.example.com': 'puller:'}
    leave, failed = run_module(convox_registry.main, registry(rack, update_password='on_create'))
    assert not failed and leave['changed'] is False
    rack.clear_requests()
    write, failed = run_module(convox_registry.main, registry(rack))
    assert not failed and write['changed'] is True
    assert writes(rack) == [('POST', '/registries')]


def test_remove_then_remove_again(rack, run_module):
    run_module(convox_registry.main, registry(rack, server='quay.io'))
    run_module(convox_registry.main, registry(rack))
    rack.clear_requests()
    removed, failed = run_module(convox_registry.main, connection(rack, server='quay.io', state='absent', _ansible_diff=True))
    assert not failed and removed['changed'] is True
    assert removed['diff'] == {'before': {'state': 'present', 'server': 'quay.io'}, 'after': {'state': 'absent'}}
    assert requests(rack) == [('GET', '/registries'), ('DELETE', '/registries/quay.io')]
    assert list(stored(rack)) == ['registry.example.com']
    rack.clear_requests()
    again, failed = run_module(convox_registry.main, connection(rack, server='quay.io', state='absent'))
    assert not failed and again['changed'] is False and writes(rack) == []
    assert 'password_changed' not in again


def test_a_server_with_a_path_is_removed_through_an_encoded_path(rack, run_module):
    run_module(convox_registry.main, registry(rack, server='index.docker.io/v1/'))
    rack.clear_requests()
    removed, failed = run_module(convox_registry.main, connection(rack, server='index.docker.io/v1/', state='absent'))
    assert not failed and removed['changed'] is True
    assert [entry['raw_path'] for entry in rack.requests() if entry['method'] == 'DELETE'] == ['/registries/index.docker.io%2Fv1%2F']
    assert stored(rack) == {}


@pytest.mark.parametrize('args,message', [
    (dict(server='https://registry.example.com'), 'without a scheme (registry.example.com, not https://registry.example.com)'),
    (dict(server='bad host'), "invalid registry name 'bad host'"),
    (dict(server='registry.example.com/../x'), 'invalid registry name'),
    (dict(username='a:b'), "cannot contain ':'"),
    (dict(username=''), 'username must not be empty'),
    (dict(registry_password=''), 'registry_password must not be empty'),
])
def test_bad_input_fails_before_any_request(rack, run_module, args, message):
    result, failed = run_module(convox_registry.main, registry(rack, **args))
    assert failed and message in result['msg'], result
    assert rack.requests() == []


def test_state_present_needs_the_credentials(rack, run_module):
    result, failed = run_module(convox_registry.main, connection(rack, server='registry.example.com', username='u'))
    assert failed and 'registry_password' in result['msg']
    assert rack.requests() == []


def test_info_masks_every_password(rack, run_module):
    run_module(convox_registry.main, registry(rack))
    run_module(convox_registry.main, registry(rack, server='quay.io', username='robot', registry_password=OTHER_PASSWORD))
    rack.clear_requests()
    listed, failed = run_module(convox_registry_info.main, connection(rack))
    assert not failed and listed['changed'] is False
    assert listed['registries'] == [{'server': 'quay.io', 'username': 'robot', 'password': '********'},
                                    {'server': 'registry.example.com', 'username': 'puller', 'password': '********'}]
    assert requests(rack) == [('GET', '/registries')]
    one, failed = run_module(convox_registry_info.main, connection(rack, server='quay.io'))
    assert one['exists'] is True and one['registry']['username'] == 'robot'
    missing, failed = run_module(convox_registry_info.main, connection(rack, server='nope.example.com'))
    assert not failed and missing['exists'] is False and 'registry' not in missing
    for result in (listed, one, missing):
        dumped = json.dumps(result)
        assert PASSWORD not in dumped and OTHER_PASSWORD not in dumped


@pytest.fixture(scope='module')
def v2_rack(emulator):
    return emulator(rack_version='20240101000000')


def test_v2_rack_lists_passwords_too_and_is_idempotent(v2_rack, run_module):
    v2_rack.reset()
    created, failed = run_module(convox_registry.main, registry(v2_rack))
    assert not failed and created['changed'] is True
    v2_rack.clear_requests()
    again, failed = run_module(convox_registry.main, registry(v2_rack))
    assert not failed and again['changed'] is False
    assert [entry['method'] for entry in v2_rack.requests()] == ['GET']
    changed, failed = run_module(convox_registry.main, registry(v2_rack, registry_password=OTHER_PASSWORD))
    assert not failed and changed['changed'] is True and changed['password_changed'] is True
    removed, failed = run_module(convox_registry.main, connection(v2_rack, server='registry.example.com', state='absent'))
    assert not failed and removed['changed'] is True
