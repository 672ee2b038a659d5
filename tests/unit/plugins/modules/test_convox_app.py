# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_app and convox_app_info in-process against the emulator: request sequences and budgets."""

from __future__ import annotations

import json

import pytest

from ansible_collections.convox.convox.plugins.modules import convox_app, convox_app_info


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, wait_interval=0.1)
    args.update(extra)
    return args


def writes(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests() if entry['method'] != 'GET']


def test_create_waits_until_running_then_a_rerun_is_one_read(rack, run_module):
    result, failed = run_module(convox_app.main, connection(rack, name='demo'))
    assert not failed, result
    assert result['changed'] is True
    assert result['app']['status'] == 'running'
    assert writes(rack) == [('POST', '/apps')]

    rack.clear_requests()
    again, failed = run_module(convox_app.main, connection(rack, name='demo'))
    assert not failed and again['changed'] is False
    assert [(entry['method'], entry['path']) for entry in rack.requests()] == [('GET', '/apps/demo')]


def test_check_mode_predicts_and_sends_no_write(rack, run_module):
    result, failed = run_module(convox_app.main, connection(rack, name='demo', locked=True, _ansible_check_mode=True,
                                                            _ansible_diff=True))
    assert not failed and result['changed'] is True
    assert result['diff'] == {'before': {'state': 'absent'}, 'after': {'state': 'present', 'locked': True}}
    assert 'app' not in result
    assert writes(rack) == []


def test_lock_then_delete_is_refused_then_unlock_and_delete(rack, run_module):
    run_module(convox_app.main, connection(rack, name='demo', locked=True))
    assert rack.state  # white-box reads below go through the API only

    rack.clear_requests()
    refused, failed = run_module(convox_app.main, connection(rack, name='demo', state='absent'))
    assert failed and refused['changed'] is False
    assert 'app demo is locked' in refused['msg'] and 'locked: false' in refused['msg']
    assert writes(rack) == []

    deleted, failed = run_module(convox_app.main, connection(rack, name='demo', state='absent', locked=False, _ansible_diff=True))
    assert not failed and deleted['changed'] is True
    assert 'app' not in deleted
    assert deleted['diff']['before'] == {'state': 'present', 'locked': True}
    assert deleted['diff']['after'] == {'state': 'absent'}
    assert writes(rack) == [('PUT', '/apps/demo'), ('DELETE', '/apps/demo')]

    gone, failed = run_module(convox_app.main, connection(rack, name='demo', state='absent'))
    assert not failed and gone['changed'] is False


def test_parameters_are_one_encoded_field_and_verified(rack, run_module):
    run_module(convox_app.main, connection(rack, name='demo'))
    rack.clear_requests()
    result, failed = run_module(convox_app.main, connection(rack, name='demo', parameters={'BuildCpu': 256, 'BuildMem': '512'},
                                                            _ansible_diff=True))
    assert not failed, result
    assert result['app']['parameters'] == {'BuildCpu': '256', 'BuildMem': '512'}
    assert result['diff']['after']['parameters'] == {'BuildCpu': '256', 'BuildMem': '512'}
    put = [entry for entry in rack.requests() if entry['method'] == 'PUT']
    assert len(put) == 1 and put[0]['form'] == ['parameters']

    rack.clear_requests()
    again, failed = run_module(convox_app.main, connection(rack, name='demo', parameters={'BuildCpu': '256'}))
    assert again['changed'] is False and len(rack.requests()) == 1


def test_unknown_v3_parameter_fails_before_any_write(rack, run_module):
    run_module(convox_app.main, connection(rack, name='demo'))
    rack.clear_requests()
    result, failed = run_module(convox_app.main, connection(rack, name='demo', parameters={'Bogus': '1'}))
    assert failed
    assert 'BuildCpu, BuildLabels, BuildMem' in result['msg'] and 'Bogus' in result['msg']
    assert writes(rack) == []


def test_unknown_v3_parameter_on_create_fails_before_the_app_exists(rack, run_module):
    result, failed = run_module(convox_app.main, connection(rack, name='demo', parameters={'Bogus': '1'}))
    assert failed and result['changed'] is False
    assert writes(rack) == []


def test_an_app_being_deleted_counts_as_absent(emulator, run_module):
    slow = emulator(deploy_seconds=2)
    run_module(convox_app.main, connection(slow, name='demo'))
    deleting, failed = run_module(convox_app.main, connection(slow, name='demo', state='absent', wait=False))
    assert not failed and deleting['changed'] is True
    slow.clear_requests()
    again, failed = run_module(convox_app.main, connection(slow, name='demo', state='absent', wait=False))
    assert not failed and again['changed'] is False
    assert writes(slow) == []
    recreated, failed = run_module(convox_app.main, connection(slow, name='demo'))
    assert not failed and recreated['changed'] is True and recreated['app']['status'] == 'running'


def test_reserved_and_invalid_names(rack, run_module):
    reserved, failed = run_module(convox_app.main, connection(rack, name='system'))
    assert failed and 'app name is reserved' in reserved['msg'] and reserved['status_code'] == 400
    invalid, failed = run_module(convox_app.main, connection(rack, name='Bad_Name'))
    assert failed and "invalid app name 'Bad_Name'" in invalid['msg']
    assert [entry['path'] for entry in rack.requests()] == ['/apps/system', '/apps']


def test_cancel_only_changes_an_updating_app(rack, run_module):
    run_module(convox_app.main, connection(rack, name='demo'))
    idle, failed = run_module(convox_app.main, connection(rack, name='demo', cancel=True))
    assert not failed and idle['changed'] is False and idle['cancelled'] is False

    # Lock without waiting: the app re-deploys (updating), then cancel it.
    run_module(convox_app.main, connection(rack, name='demo', locked=True, wait=False))
    rack.clear_requests()
    cancelled, failed = run_module(convox_app.main, connection(rack, name='demo', cancel=True))
    assert not failed, cancelled
    assert cancelled['changed'] is True and cancelled['cancelled'] is True
    assert cancelled['app']['status'] == 'running'
    assert ('POST', '/apps/demo/cancel') in writes(rack)


def test_wait_timeout_reports_the_last_status(emulator, run_module):
    slow = emulator(deploy_seconds=30)
    result, failed = run_module(convox_app.main, connection(slow, name='demo', wait_timeout=1))
    assert failed
    assert result['changed'] is True
    assert result['last_status'] == 'updating'
    assert 'timed out after 1s waiting for app demo to be running; last status: updating' in result['msg']


@pytest.mark.parametrize('wait_options, message', [
    (dict(wait_timeout=-1), 'wait_timeout must be a number of seconds from 0 to 86400'),
    (dict(wait_timeout=86401), 'wait_timeout must be a number of seconds from 0 to 86400'),
    (dict(wait_interval=0), 'wait_interval must be a number of seconds from 0.1 to 300'),
])
def test_wait_options_out_of_bounds_fail_before_any_request(rack, run_module, wait_options, message):
    # Before: the app was created, and only the wait after it failed on the option.
    args = connection(rack, name='demo', **wait_options)
    result, failed = run_module(convox_app.main, args)
    assert failed and result['changed'] is False
    assert result['msg'] == message
    assert rack.requests() == []


@pytest.fixture(scope='module')
def v2_rack(emulator):
    return emulator(rack_version='20240101000000')


def test_v2_rack_takes_its_own_parameters(v2_rack, run_module):
    v2_rack.reset()
    result, failed = run_module(convox_app.main, connection(v2_rack, name='demo', parameters={'Internal': 'Yes'}))
    assert not failed, result
    assert result['app']['parameters']['Internal'] == 'Yes'


def test_info_lists_and_reads_one(rack, run_module):
    run_module(convox_app.main, connection(rack, name='demo'))
    listed, failed = run_module(convox_app_info.main, dict(host=rack.url, api_key=rack.password))
    assert [app['name'] for app in listed['apps']] == ['demo']
    one, failed = run_module(convox_app_info.main, dict(host=rack.url, api_key=rack.password, name='demo'))
    assert one['exists'] is True and one['app']['name'] == 'demo'
    missing, failed = run_module(convox_app_info.main, dict(host=rack.url, api_key=rack.password, name='nope'))
    assert not failed and missing['exists'] is False and 'app' not in missing
    assert rack.password not in json.dumps(missing)
