# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_logs_info in-process against the emulator: every route, the Since each route needs, and the bound in time."""

from __future__ import annotations

import io
import time

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.modules import convox_logs_info


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, app='demo')
    args.update(extra)
    return args


@pytest.fixture
def client(rack, deploy):
    deploy(rack)
    with ConvoxClient(ConnectionSettings(rack.url, rack.password, timeout=5)) as connected:
        yield connected


def one_off(client, command, service='worker'):
    process = client.process_run('demo', service, command=command)
    deadline = time.monotonic() + 10
    while (client.process_find('demo', process['id']) or {}).get('status') not in ('complete', 'failed'):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process['id']


def sockets(rack):
    return [entry for entry in rack.requests() if entry['status'] == 101]


def test_app_logs_with_the_process_of_each_line(rack, run_module, client):
    pid = one_off(client, 'sh -c "echo migrated 3 tables"')
    rack.clear_requests()
    result, failed = run_module(convox_logs_info.main, connection(rack, since='10m'))
    assert not failed, result
    assert result['changed'] is False and result['complete'] is True and result['truncated'] is False
    index = result['lines'].index('migrated 3 tables')
    assert result['entries'][index]['process'] == pid and result['entries'][index]['service'] == 'worker'
    (request,) = sockets(rack)
    assert request['path'] == '/apps/demo/logs' and request['headers']['Since'] == '600s' and request['headers']['Follow'] == 'false'
    assert len(rack.requests()) == 1, 'one stream, no other request'


def test_the_default_since_is_2_minutes_and_filter_goes_to_the_rack(rack, run_module, client):
    one_off(client, 'sh -c "echo keep me; echo not this"')
    rack.clear_requests()
    result, failed = run_module(convox_logs_info.main, connection(rack, filter='keep'))
    assert not failed and result['lines'] == ['keep me']
    assert sockets(rack)[0]['headers']['Since'] == '120s' and sockets(rack)[0]['headers']['Filter'] == 'keep'


def test_service_logs_leave_one_off_processes_out(rack, run_module, client):
    one_off(client, 'echo from a one-off', service='web')
    result, failed = run_module(convox_logs_info.main, connection(rack, service='web', since='1h'))
    assert not failed and result['lines']
    assert 'from a one-off' not in result['lines'] and all(entry['service'] == 'web' for entry in result['entries'])


def test_a_service_without_processes_fails_clearly(rack, run_module, client):
    result, failed = run_module(convox_logs_info.main, connection(rack, service='nosuch'))
    assert failed and 'service nosuch of app demo has no processes' in result['msg']


def test_logs_of_a_process_that_ended(rack, run_module, client):
    pid = one_off(client, 'sh -c "echo step 1; echo step 2; exit 1"')
    rack.clear_requests()
    result, failed = run_module(convox_logs_info.main, connection(rack, process=pid, since='1h'))
    assert not failed and result['lines'] == ['step 1', 'step 2'] and result['complete'] is True
    assert [entry['path'] for entry in rack.requests()] == ['/apps/demo/processes/%s' % pid, '/apps/demo/processes/%s/logs' % pid]
    assert sockets(rack)[0]['headers']['Since'] == '-3600s', 'the rack adds Since to now'


def test_logs_of_a_running_process_end_within_the_timeout(rack, run_module, client):
    holder = client.process_run('demo', 'worker', command='sleep 300')
    started = time.monotonic()
    result, failed = run_module(convox_logs_info.main, connection(rack, process=holder['id'], timeout=2))
    assert not failed and result['complete'] is False and result['lines'] == []
    assert time.monotonic() - started < 4


def test_a_missing_process_or_build_is_not_found(rack, run_module, client):
    result, failed = run_module(convox_logs_info.main, connection(rack, process='worker-gone'))
    assert failed and 'process worker-gone of app demo not found' in result['msg']
    result, failed = run_module(convox_logs_info.main, connection(rack, build='BNOSUCHBUILD'))
    assert failed and result['msg'] == 'build BNOSUCHBUILD of app demo not found'


def test_logs_of_a_failed_build_end_with_its_error_line(rack, run_module, client):
    url = client.object_store('demo', 'tmp/no-manifest.tgz', io.BytesIO(b'\x1f\x8b not really gzip'))
    build = client.build_create('demo', url)
    deadline = time.monotonic() + 10
    while client.build_get('demo', build['id'])['status'] != 'failed':
        assert time.monotonic() < deadline
        time.sleep(0.05)
    result, failed = run_module(convox_logs_info.main, connection(rack, build=build['id']))
    assert not failed, result
    assert result['complete'] and result['lines'][-1].startswith('ERROR: ')


def test_max_lines_keeps_the_most_recent(rack, run_module, client):
    one_off(client, 'sh -c "echo a; echo b; echo c; echo d"')
    result, failed = run_module(convox_logs_info.main, connection(rack, since='1h', max_lines=2))
    assert not failed and result['lines'] == ['c', 'd'] and result['truncated'] is True


@pytest.mark.parametrize('args, message', [
    (dict(build='B1', since='1m'), 'mutually exclusive: build|since'),
    (dict(service='web', filter='x'), 'mutually exclusive: filter|service'),
    (dict(service='web', process='web-1'), 'mutually exclusive: service|process|build'),
    (dict(since='soon'), 'since must be a number of seconds or a duration'),
    (dict(max_lines=0), 'max_lines must be from 1 to 1000000'),
    # Beyond what a deque holds: this crashed the module with an OverflowError.
    (dict(max_lines=10 ** 20), 'max_lines must be from 1 to 1000000'),
    # Beyond Go's time.Duration: the rack answered "time: invalid duration" with a 26-digit number.
    (dict(since='99999999999999999999d'), 'since must be at most 9223372036 seconds'),
    (dict(since='1e308'), 'since must be at most 9223372036 seconds'),
    # An empty name (a variable that came out empty) read the whole app's logs instead.
    (dict(service=''), 'missing service name'),
    (dict(process=''), 'missing process name'),
    (dict(build=''), 'missing build name'),
])
def test_bad_input_fails_before_any_request(rack, run_module, args, message):
    rack.clear_requests()
    result, failed = run_module(convox_logs_info.main, connection(rack, **args))
    assert failed and message in result['msg'], result['msg']
    assert rack.requests() == []


def test_a_missing_app_fails_instead_of_returning_no_lines(rack, run_module, client):
    """The rack streams nothing for an app it does not know (until the timeout), as for an app that wrote nothing:
    without a check, a mistyped app name returned no lines and no error."""
    rack.clear_requests()
    result, failed = run_module(convox_logs_info.main, connection(rack, app='demo-typo', timeout=2))
    assert failed and 'app not found: demo-typo' in result['msg'], result
    assert [(entry['method'], entry['path']) for entry in rack.requests()] == [('GET', '/apps/demo-typo/logs'), ('GET', '/apps/demo-typo')]
    quiet, failed = run_module(convox_logs_info.main, connection(rack, filter='no line says this', timeout=2))
    assert not failed and quiet['lines'] == [], quiet
