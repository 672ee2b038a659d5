# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_app_config in-process against the emulator: base64 on the wire, budgets, check mode, secrecy."""

from __future__ import annotations

import json

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._envmask import read_masked_keys
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.modules import convox_app, convox_app_config

VALUE = 'cfg-Secret-Value-93ab17'
OTHER = 'cfg-Other-Value-5c0de2'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def config(rack, **extra):
    args = dict(app='demo', name='settings', value=VALUE)
    args.update(extra)
    return connection(rack, **args)


def requests(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


@pytest.fixture
def app(rack, run_module):
    created, failed = run_module(convox_app.main, connection(rack, name='demo', wait_interval=0.1))
    assert not failed, created
    rack.clear_requests()
    return 'demo'


def test_create_sends_base64_then_a_rerun_is_one_read(rack, app, run_module):
    result, failed = run_module(convox_app_config.main, config(rack))
    assert not failed, result
    assert result['changed'] is True and result['config'] == {'app': 'demo', 'name': 'settings'}
    assert requests(rack) == [('GET', '/apps/demo/configs/settings'), ('GET', '/apps/demo'),
                              ('PUT', '/apps/demo/configs/settings'), ('GET', '/apps/demo/configs/settings')]
    put = [entry for entry in rack.requests() if entry['method'] == 'PUT'][0]
    assert put['form'] == ['value']
    assert rack.state.extensions['app_configs']['demo']['settings'] == VALUE.encode()
    assert VALUE not in json.dumps(result)

    rack.clear_requests()
    again, failed = run_module(convox_app_config.main, config(rack))
    assert not failed and again['changed'] is False
    assert requests(rack) == [('GET', '/apps/demo/configs/settings')]


def test_check_mode_and_diff_hide_the_value(rack, app, run_module):
    created, failed = run_module(convox_app_config.main, config(rack, _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and created['changed'] is True
    assert created['diff'] == {'before': {'state': 'absent'}, 'after': {'state': 'present', 'value': '<hidden>'}}
    assert 'config' not in created
    assert [method for method, _path in requests(rack)] == ['GET', 'GET']

    run_module(convox_app_config.main, config(rack))
    rack.clear_requests()
    update, failed = run_module(convox_app_config.main, config(rack, value=OTHER, _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and update['changed'] is True
    assert update['diff'] == {'before': {'state': 'present', 'value': '<hidden: old value>'},
                              'after': {'state': 'present', 'value': '<hidden: new value>'}}
    assert requests(rack) == [('GET', '/apps/demo/configs/settings')]
    assert VALUE not in json.dumps(update) and OTHER not in json.dumps(update)


def test_update_and_unicode_and_empty_values(rack, app, run_module):
    run_module(convox_app_config.main, config(rack))
    for value in ('läuft ✓\nzweite Zeile', ''):
        result, failed = run_module(convox_app_config.main, config(rack, value=value))
        assert not failed and result['changed'] is True, result
        assert rack.state.extensions['app_configs']['demo']['settings'] == value.encode('utf-8')
        again, failed = run_module(convox_app_config.main, config(rack, value=value))
        assert again['changed'] is False


def test_a_missing_app_fails_before_any_write_even_in_check_mode(rack, run_module):
    for check_mode in (True, False):
        rack.clear_requests()
        result, failed = run_module(convox_app_config.main, config(rack, app='nope', _ansible_check_mode=check_mode))
        assert failed and result['changed'] is False
        assert 'app not found: nope' in result['msg'] and result['status_code'] == 404
        assert [method for method, _path in requests(rack)] == ['GET', 'GET']


@pytest.mark.parametrize('args,message', [
    (dict(name='Upper'), 'invalid config name'),
    (dict(name='under_score'), 'invalid config name'),
    (dict(app='Bad_App'), 'invalid app name'),
])
def test_bad_names_fail_before_any_request(rack, run_module, args, message):
    result, failed = run_module(convox_app_config.main, config(rack, **args))
    assert failed and message in result['msg']
    assert rack.requests() == []


def test_the_env_mask_config_is_the_cli_format(rack, app, run_module):
    result, failed = run_module(convox_app_config.main, config(rack, name='cli-env-mask', value='API_TOKEN,DATABASE_URL'))
    assert not failed and result['changed'] is True
    client = ConvoxClient(ConnectionSettings(rack.url, rack.password))
    assert read_masked_keys(client, 'demo') == {'API_TOKEN', 'DATABASE_URL'}


def test_a_v2_rack_has_no_app_configs(emulator, run_module):
    v2 = emulator(rack_version='20240101000000')
    run_module(convox_app.main, connection(v2, name='demo', wait_interval=0.1))
    v2.clear_requests()
    result, failed = run_module(convox_app_config.main, config(v2))
    assert failed and result['changed'] is False
    assert 'this rack has no app configs (they need a v3 rack, version 3.19.7 or newer)' in result['msg']
    assert [entry['method'] for entry in v2.requests()] == ['GET']


def test_a_v3_rack_older_than_3_19_7_has_none_either(emulator, run_module):
    old = emulator(rack_version='3.19.6')
    run_module(convox_app.main, connection(old, name='demo', wait_interval=0.1))
    result, failed = run_module(convox_app_config.main, config(old))
    assert failed and 'need a v3 rack, version 3.19.7' in result['msg']
