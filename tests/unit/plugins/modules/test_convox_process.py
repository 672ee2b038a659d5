# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_process and convox_process_info in-process against the emulator: request sequences, check mode, secrets."""

from __future__ import annotations

import json
import time

import pytest

from ansible_collections.convox.convox.plugins.module_utils import _module
from ansible_collections.convox.convox.plugins.modules import convox_process, convox_process_info

SECRET = 'tok-3f9a-very-secret'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, app='demo', wait_interval=0.1)
    args.update(extra)
    return args


def info(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, app='demo')
    args.update(extra)
    return args


def pairs(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


def writes(rack):
    return [pair for pair in pairs(rack) if pair[0] not in ('GET',)]


@pytest.fixture
def app(rack, deploy):
    release = deploy(rack)
    rack.clear_requests()
    return release


# -- detached runs ------------------------------------------------------------------------

def test_a_detached_run_starts_one_process_and_reports_it(rack, run_module, app):
    result, failed = run_module(convox_process.main, connection(rack, service='worker', command='sleep 60', cpu=256, memory=512,
                                                                environment={'TOKEN': SECRET}, _ansible_diff=True))
    assert not failed, result
    assert result['changed'] is True and result['process']['status'] == 'pending'
    assert result['process']['name'] == 'worker' and result['process']['command'] == 'sleep 60'
    assert pairs(rack) == [('POST', '/apps/demo/services/worker/processes')]
    (post,) = rack.requests()
    assert post['headers']['Command'] == 'sleep 60' and 'Environment' not in post['headers']
    assert result['diff']['before'] == {'state': 'absent'}
    assert result['diff']['after'] == {'state': 'present', 'service': 'worker', 'command': 'sleep 60', 'environment': {'TOKEN': '<hidden>'},
                                       'cpu': 256, 'memory': 512}
    assert SECRET not in json.dumps(result)


def test_every_run_starts_another_process(rack, run_module, app):
    first, _failed = run_module(convox_process.main, connection(rack, service='worker', command='sleep 60'))
    second, _failed = run_module(convox_process.main, connection(rack, service='worker', command='sleep 60'))
    assert first['process']['id'] != second['process']['id'] and second['changed']


def test_check_mode_sends_nothing(rack, run_module, app):
    detached, failed = run_module(convox_process.main, connection(rack, service='worker', command='sleep 60', _ansible_check_mode=True))
    assert not failed and detached['changed'] is True and 'process' not in detached
    attached, failed = run_module(convox_process.main, connection(rack, service='web', command='echo hi', wait=True, _ansible_check_mode=True))
    assert not failed and attached['skipped'] is True and attached['changed'] is False and 'rc' not in attached
    assert rack.requests() == []


# -- attached runs ------------------------------------------------------------------------

def holder_sequence(rack):
    """The request log with the holder's status polls folded: POST run, GET process, exec, DELETE."""
    folded = []
    for pair in pairs(rack):
        if not folded or folded[-1] != pair:
            folded.append(pair)
    return folded


def test_an_attached_run_returns_rc_and_output_and_stops_its_holder(rack, run_module, app):
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "echo one; echo two"', wait=True))
    assert not failed, result
    assert (result['rc'], result['stdout'], result['stdout_lines'], result['changed']) == (0, 'one\ntwo', ['one', 'two'], True)
    pid = result['process']['id']
    assert holder_sequence(rack) == [('POST', '/apps/demo/services/web/processes'), ('GET', '/apps/demo/processes/%s' % pid),
                                     ('GET', '/apps/demo/processes/%s/exec' % pid), ('DELETE', '/apps/demo/processes/%s' % pid)]
    assert rack.requests()[0]['headers']['Command'] == 'sleep 600', 'the holder sleeps wait_timeout'


def test_a_non_zero_exit_fails_with_rc_kept(rack, run_module, app):
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "echo nope; exit 2"', wait=True))
    assert failed and result['rc'] == 2 and result['stdout'] == 'nope'
    assert result['msg'] == 'the command exited with code 2' and result['changed'] is True
    assert holder_sequence(rack)[-1][0] == 'DELETE'


def test_expected_rc_accepts_other_codes_and_says_the_task_did_not_fail(rack, run_module, app):
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "exit 2"', wait=True, expected_rc=[0, 2]))
    # ansible-core 2.19+ takes a result with rc != 0 for a failure unless it says otherwise.
    assert not failed and result['failed'] is False and result['rc'] == 2
    other, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "exit 1"', wait=True, expected_rc=[0, 2]))
    assert failed and other['rc'] == 1 and other['msg'] == 'the command exited with code 1, not 0 or 2'


def test_a_missing_marker_fails_with_rc_null(rack, run_module, app):
    rack.add_faults([{'path': '/exec$', 'ws_cut': True}])
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "echo before; exit 0"', wait=True,
                                                                expected_rc=[0, 1, 2]))
    assert failed and result['rc'] is None and result['stdout'] == 'before'
    assert 'exit code of the command is unknown' in result['msg']
    assert holder_sequence(rack)[-1] == ('DELETE', '/apps/demo/processes/%s' % result['process']['id'])


def test_a_split_marker_is_read_right(rack, run_module, app):
    rack.add_faults([{'path': '/exec$', 'ws_split_marker': 5}])
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "exit 7"', wait=True))
    assert failed and result['rc'] == 7


def test_an_error_frame_after_the_marker_fails_even_with_code_0(rack, run_module, app):
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "unbalanced', wait=True))
    assert failed and result['rc'] is None and 'Unterminated double-quoted string' in result['msg']
    assert result['changed'] is False, 'the rack refused the command: nothing ran (the holder was started and stopped)'
    assert holder_sequence(rack)[-1][0] == 'DELETE'


def test_a_timeout_fails_and_stops_the_holder(rack, run_module, app):
    started = time.monotonic()
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "echo slow; sleep 60"', wait=True,
                                                                wait_timeout=2))
    assert failed and time.monotonic() - started < 8
    assert 'timed out after 2s' in result['msg'] and result['rc'] is None and result['stdout'] == 'slow'
    assert rack.requests()[0]['headers']['Command'] == 'sleep 2'
    assert holder_sequence(rack)[-1][0] == 'DELETE'


def test_the_environment_reaches_the_command_and_is_masked(rack, run_module, app, capsys):
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "echo token=${TOKEN:-unset}"', wait=True,
                                                                environment={'TOKEN': SECRET}))
    assert not failed, result
    # Ansible masks the no_log value wherever it appears: the command saw it (else it would print "unset").
    assert result['stdout'] == 'token=********'
    assert SECRET not in json.dumps(result)
    assert all('Environment' not in entry['headers'] for entry in rack.requests())


def test_environment_values_are_masked_as_the_rack_gets_them(rack, run_module, app):
    # Ansible masks a no_log value as given (True); the rack gets and the command prints its wire form (true).
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "echo flag=$FLAG count=$COUNT"',
                                                                wait=True, environment={'FLAG': True, 'COUNT': 73519}))
    assert not failed, result
    assert result['stdout'] == 'flag=******** count=********'
    assert 'true' not in json.dumps(result['stdout_lines']) and '73519' not in json.dumps(result)


def test_on_an_unpromoted_release(rack, run_module, app, deploy):
    newer = deploy(rack, promote=False)
    rack.clear_requests()
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='sh -c "echo $RELEASE"', wait=True, release=newer))
    assert not failed and result['stdout'] == newer and newer != app
    assert rack.requests()[0]['headers']['Release'] == newer


def test_a_read_only_jwt_cannot_start_the_holder(rack, run_module, app):
    from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
    from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
    with ConvoxClient(ConnectionSettings(rack.url, rack.password)) as client:
        token = client.jwt_token('read', 1)
    rack.clear_requests()
    result, failed = run_module(convox_process.main, connection(rack, api_key=token, api_user='jwt', service='web', command='echo hi', wait=True))
    assert failed and result['changed'] is False and 'read-only JWT' in result['msg']
    assert token not in json.dumps(result)


def test_websocket_client_missing_fails_before_any_request(rack, run_module, app, monkeypatch):
    monkeypatch.setattr(_module, 'HAS_WEBSOCKET', False)
    result, failed = run_module(convox_process.main, connection(rack, service='web', command='echo hi', wait=True))
    assert failed and 'websocket-client' in result['msg'] and rack.requests() == []
    # Modules that need no websocket keep working without the library.
    listed, failed = run_module(convox_process_info.main, info(rack))
    assert not failed and listed['processes']


@pytest.mark.parametrize('args, message', [
    (dict(state='absent', id='web-1', service='web'), 'state=absent stops the process id and takes none of service'),
    (dict(state='absent', id='web-1', wait=True, command='true'), 'takes none of command, wait'),
    (dict(id='web-1', service='web'), 'id names a process to stop'),
    (dict(service='web', wait=True), 'wait is True but all of the following are missing: command'),
    (dict(state='absent'), 'state is absent but all of the following are missing: id'),
    (dict(service='Web'), 'invalid service name'),
    (dict(service='web', command='echo', wait=True, wait_timeout=0), 'wait_timeout must be at least 1'),
    (dict(service='web', cpu=0), 'cpu must be a positive number'),
    # An empty command or no accepted exit code used to start a holder and fail afterwards.
    (dict(service='web', command='  ', wait=True), 'command must not be empty with wait=true'),
    (dict(service='web', command='true', wait=True, expected_rc=[]), 'expected_rc must list at least one exit code'),
    # The environment follows the rules of an app's environment (it used to reach the rack as given).
    (dict(service='web', command='env', wait=True, environment={'A=B': 'c'}), 'invalid environment variable name'),
    (dict(service='web', command='env', environment={'': 'c'}), 'invalid environment variable name'),
    (dict(service='web', command='env', environment={'A': ['x']}), 'the value of environment variable A must be a string'),
    (dict(service='web', command='env', wait=True, environment={'A': 'line one\nline two'}),
     'the value of environment variable A holds a line break'),
])
def test_bad_input_fails_clearly_before_any_request(rack, run_module, app, args, message):
    result, failed = run_module(convox_process.main, connection(rack, **args))
    assert failed and message in result['msg'], result['msg']
    assert rack.requests() == []


# -- stop -----------------------------------------------------------------------------------

def test_stop_check_then_apply_then_idempotent(rack, run_module, app):
    started, _failed = run_module(convox_process.main, connection(rack, service='worker', command='sleep 60'))
    pid = started['process']['id']
    rack.clear_requests()
    check, failed = run_module(convox_process.main, connection(rack, id=pid, state='absent', _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and check['changed'] is True
    assert check['diff'] == {'before': {'state': 'present'}, 'after': {'state': 'absent'}}
    assert writes(rack) == []

    stopped, failed = run_module(convox_process.main, connection(rack, id=pid, state='absent'))
    assert not failed and stopped['changed'] is True
    assert writes(rack) == [('DELETE', '/apps/demo/processes/%s' % pid)]

    rack.clear_requests()
    again, failed = run_module(convox_process.main, connection(rack, id=pid, state='absent'))
    assert not failed and again['changed'] is False
    assert pairs(rack) == [('GET', '/apps/demo/processes/%s' % pid)], 'the v3 500 for a missing pod reads as gone'


def test_stopping_a_process_of_a_missing_app_is_no_change(rack, run_module, app):
    result, failed = run_module(convox_process.main, connection(rack, app='nosuch', id='web-1', state='absent'))
    assert not failed and result['changed'] is False


# -- info -----------------------------------------------------------------------------------

def test_process_info_lists_filters_and_reads_one(rack, run_module, app):
    one_off, _failed = run_module(convox_process.main, connection(rack, service='worker', command='sleep 60'))
    listed, failed = run_module(convox_process_info.main, info(rack))
    assert not failed and listed['changed'] is False
    services = sorted(process['name'] for process in listed['processes'])
    assert 'web' in services and 'worker' in services
    web, _failed = run_module(convox_process_info.main, info(rack, service='web'))
    assert web['processes'] and {process['name'] for process in web['processes']} == {'web'}
    on_release, _failed = run_module(convox_process_info.main, info(rack, release=app))
    assert on_release['processes'] and {process['release'] for process in on_release['processes']} == {app}
    one, _failed = run_module(convox_process_info.main, info(rack, id=one_off['process']['id']))
    assert one['exists'] is True and one['process']['id'] == one_off['process']['id']
    missing, failed = run_module(convox_process_info.main, info(rack, id='worker-gone'))
    assert not failed and missing['exists'] is False and 'process' not in missing
    assert writes(rack) == [('POST', '/apps/demo/services/worker/processes')]


def test_process_info_of_a_missing_app_is_empty_as_on_v3(rack, run_module):
    # v3 lists the pods of the app's namespace without looking the app up: none.
    result, failed = run_module(convox_process_info.main, info(rack, app='nosuch'))
    assert not failed and result['processes'] == []
    one, failed = run_module(convox_process_info.main, info(rack, app='nosuch', id='web-1'))
    assert not failed and one['exists'] is False
