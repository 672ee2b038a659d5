# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The log websockets over real connections: app (CloudWatch), service (kubectl), process, build and system logs, with and
without follow, their options, formats and errors."""

import re
import time

import pytest
import websocket

from build_helpers import create_build, finished_build, source_tarball
from convox_emulator.areas import logs as log_routes
from emulator_helpers import BINARY, TEXT, close_socket, deploy_manifest, open_socket, read_frames, stream, texts

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n    scale: 2\n  worker:\n    build: .\n'
CLOUDWATCH_PREFIX = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ '
KUBELET_TIME = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z'


@pytest.fixture(autouse=True)
def quick_ticks(monkeypatch):
    """The rack's 1 s (and longer) polling periods, shortened: what is polled stays the same."""
    monkeypatch.setattr(log_routes, 'POD_TICK_SECONDS', 0.05)
    monkeypatch.setattr(log_routes, 'BUILD_TICK_SECONDS', 0.05)
    monkeypatch.setattr(log_routes, 'LOG_GROUP_RETRY_SECONDS', 0.02)


@pytest.fixture
def demo(api, rack, clock):
    release = deploy_manifest(api, rack, clock, MANIFEST)
    # The deploy settles (and its pods start, writing their first line) at the next read.
    assert len(api.get('/apps/demo/processes').json()) == 3
    return release


def pods(api, service):
    return sorted(item['id'] for item in api.get('/apps/demo/processes', params={'service': service}).json())


def one_off(api, clock, command, service='web'):
    """A one-off process that has started running its command."""
    process = api.post('/apps/demo/services/%s/processes' % service, headers={'Command': command}).json()
    clock.advance(0.5)
    return process


def start_line(pid, release, service='web'):
    return 'emulator: %s process %s started (release %s)' % (service, pid, release)


def lines(frames):
    assert frames[-1] == (BINARY, b''), frames
    return ''.join(texts(frames)).splitlines()


def still_open(ws, seconds=0.5):
    ws.settimeout(seconds)
    with pytest.raises(websocket.WebSocketTimeoutException):
        ws.recv_data()
    ws.settimeout(10)


# ---------------------------------------------------------------- app logs


def test_app_logs_without_follow(api, rack, demo):
    frames = stream(rack, '/apps/demo/logs', {'Follow': 'false'})
    expected = sorted(start_line(pid, demo) for pid in pods(api, 'web')) + [start_line(pods(api, 'worker')[0], demo, 'worker')]
    assert sorted(lines(frames)) == sorted(expected)
    assert all(opcode == TEXT for opcode, _data in frames[:-1]) and len(frames) == 4


def test_app_log_prefix_is_time_and_stream(api, rack, demo):
    got = lines(stream(rack, '/apps/demo/logs', {'Follow': 'false', 'Prefix': 'true'}))
    for pid in pods(api, 'web'):
        assert any(re.fullmatch(CLOUDWATCH_PREFIX + re.escape('service/web/%s %s' % (pid, start_line(pid, demo))), line) for line in got)


def test_app_logs_carry_one_off_and_build_output(api, rack, clock, demo):
    one_off(api, clock, 'sh -c "echo migrating; echo done"')
    build = finished_build(api, clock)
    got = lines(stream(rack, '/apps/demo/logs', {'Follow': 'false', 'Prefix': 'true'}))
    assert [line.split(' ', 2)[2] for line in got if ' service/web/web-' in line and 'emulator:' not in line] == ['migrating', 'done']
    built = [line for line in got if ' service/build/%s ' % build['process'] in line]
    assert built and built[0].endswith('Building: .')


def test_app_logs_filter(api, rack, clock, demo):
    one_off(api, clock, 'sh -c "echo alpha one; echo beta two; echo alpha three"')
    for pattern, wanted in (('alpha', ['alpha one', 'alpha three']), ('"alpha three"', ['alpha three']), ('?beta ?three', ['beta two', 'alpha three']),
                            ('alpha -three', ['alpha one']), ('Alpha', []), ('{ $.level = "error" }', [])):
        assert lines(stream(rack, '/apps/demo/logs', {'Follow': 'false', 'Filter': pattern})) == wanted, pattern


def test_app_logs_since(api, rack, clock, demo):
    clock.advance(300)
    one_off(api, clock, 'echo recent')
    assert lines(stream(rack, '/apps/demo/logs', {'Follow': 'false'})) == ['recent']
    assert len(lines(stream(rack, '/apps/demo/logs', {'Follow': 'false', 'Since': '10m'}))) == 4


def test_app_logs_follow_until_the_client_leaves(api, rack, clock, demo):
    ws = open_socket(rack, '/apps/demo/logs')
    try:
        assert len([ws.recv_data() for _line in range(3)]) == 3
        still_open(ws)
        one_off(api, clock, 'echo later')
        assert ws.recv_data() == (TEXT, b'later\n')
        still_open(ws)
    finally:
        close_socket(ws)


def test_app_logs_of_an_app_without_a_log_group_end_after_the_retries(api, rack, clock):
    api.post('/apps', data={'name': 'quiet'})
    started = time.monotonic()
    assert stream(rack, '/apps/quiet/logs') == [(BINARY, b'')]
    assert time.monotonic() - started >= (log_routes.LOG_GROUP_RETRIES - 1) * log_routes.LOG_GROUP_RETRY_SECONDS


def test_a_stopped_process_writes_no_more(api, rack, clock, demo):
    process = one_off(api, clock, 'sh -c "echo before; sleep 10; echo after"')
    clock.advance(5)
    assert api.delete('/apps/demo/processes/%s' % process['id']).text == 'ok\n'
    clock.advance(20)
    got = lines(stream(rack, '/apps/demo/logs', {'Follow': 'false'}))
    assert 'before' in got and 'after' not in got


def test_app_logs_outlive_the_app(api, rack, demo):
    assert api.delete('/apps/demo').text == 'ok\n'
    assert len(lines(stream(rack, '/apps/demo/logs', {'Follow': 'false'}))) == 3


def test_log_option_errors(rack, demo):
    assert stream(rack, '/apps/demo/logs', {'Since': 'soon'}) == [(TEXT, b'ERROR: time: invalid duration "soon"\n'), (BINARY, b'')]
    assert stream(rack, '/apps/demo/services/web/logs', {'Tail': 'x'}) == [
        (TEXT, b'ERROR: strconv.Atoi: parsing "x": invalid syntax\n'), (BINARY, b'')]


# ---------------------------------------------------------------- service logs


def test_service_logs_without_follow(api, rack, demo):
    web = pods(api, 'web')
    got = lines(stream(rack, '/apps/demo/services/web/logs', {'Follow': 'false'}))
    assert len(got) == 2
    for pid, line in zip(web, got):
        assert re.fullmatch(re.escape('[pod/%s/demo] ' % pid) + KUBELET_TIME + re.escape(' ' + start_line(pid, demo)), line)
    assert lines(stream(rack, '/apps/demo/services/web/logs', {'Follow': 'false', 'Prefix': 'false'})) == [start_line(pid, demo) for pid in web]
    assert lines(stream(rack, '/apps/demo/services/web/logs', {'Follow': 'false', 'Tail': '0'})) == []


def test_service_logs_leave_one_off_processes_out(api, rack, clock, demo):
    one_off(api, clock, 'echo not a service pod')
    assert 'not a service pod' not in ''.join(lines(stream(rack, '/apps/demo/services/web/logs', {'Follow': 'false', 'Prefix': 'false'})))


def test_service_logs_since(api, rack, clock, demo):
    clock.advance(300)
    assert lines(stream(rack, '/apps/demo/services/web/logs', {'Follow': 'false'})) == []
    assert len(lines(stream(rack, '/apps/demo/services/web/logs', {'Follow': 'false', 'Since': '1h'}))) == 2


def test_service_logs_errors(api, rack, clock, demo):
    assert stream(rack, '/apps/demo/services/nope/logs') == [(TEXT, b'ERROR: no resources found in dev-demo namespace\n'), (BINARY, b'')]
    message = ('ERROR: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the '
               'limit\n')
    assert stream(rack, '/apps/demo/services/web/logs', {'Maxlogrequests': '1'}) == [(TEXT, message.encode()), (BINARY, b'')]
    api.delete('/apps/demo/processes/%s' % pods(api, 'web')[0])
    pending = next(item['id'] for item in api.get('/apps/demo/processes').json() if item['status'] == 'pending')
    frames = stream(rack, '/apps/demo/services/web/logs', {'Follow': 'false'})
    assert texts(frames)[-1] == 'ERROR: container "demo" in pod "%s" is waiting to start: ContainerCreating\n' % pending


def test_service_logs_follow_until_the_pods_end(api, rack, clock, demo):
    ws = open_socket(rack, '/apps/demo/services/web/logs', {'Prefix': 'false'})
    try:
        assert len([ws.recv_data() for _line in range(2)]) == 2
        still_open(ws)
        api.put('/apps/demo/services/web', data={'count': '0'})
        clock.advance(1)
        ws.settimeout(5)
        assert read_frames(ws) == [(BINARY, b'')]
    finally:
        close_socket(ws)


# ---------------------------------------------------------------- process logs


def test_process_logs_stream_until_the_process_ends(api, rack, clock, demo):
    process = one_off(api, clock, 'sh -c "echo one; sleep 10; echo two; exit 2"')
    ws = open_socket(rack, '/apps/demo/processes/%s/logs' % process['id'], {'Since': '-1h', 'Follow': 'false'})
    try:
        assert ws.recv_data() == (TEXT, b'one\n')
        # Follow is ignored: the stream stays open while the process runs.
        still_open(ws)
        clock.advance(10)
        ws.settimeout(5)
        assert read_frames(ws) == [(TEXT, b'two\n'), (BINARY, b'')]
    finally:
        close_socket(ws)
    assert api.get('/apps/demo/processes/%s' % process['id']).json()['status'] == 'failed'


def test_process_logs_default_since_is_added_to_now(api, rack, clock, demo):
    """streamProcessLogs sets SinceTime to now + Since: with the default 2m, nothing written before then shows."""
    process = one_off(api, clock, 'sh -c "echo early; sleep 60; echo still early; sleep 100; echo late"')
    ws = open_socket(rack, '/apps/demo/processes/%s/logs' % process['id'], {'Prefix': 'true'})
    try:
        still_open(ws)
        clock.advance(61)
        still_open(ws)
        clock.advance(100)
        ws.settimeout(5)
        frames = read_frames(ws)
    finally:
        close_socket(ws)
    assert len(frames) == 2 and re.fullmatch(CLOUDWATCH_PREFIX + re.escape('service/web/%s late\n' % process['id']), texts(frames)[0])


def test_process_logs_of_a_finished_process(api, rack, clock, demo):
    process = one_off(api, clock, 'echo hi')
    assert api.get('/apps/demo/processes/%s' % process['id']).json()['status'] == 'complete'
    assert lines(stream(rack, '/apps/demo/processes/%s/logs' % process['id'], {'Since': '-1m'})) == ['hi']


def test_process_logs_wait_for_a_missing_pod(rack, demo):
    ws = open_socket(rack, '/apps/demo/processes/web-nope/logs')
    try:
        assert [ws.recv_data() for _line in range(2)] == [(TEXT, b'waiting for build pod...\n')] * 2
    finally:
        close_socket(ws)


def test_process_logs_wait_while_the_pod_is_pending(api, rack, clock, demo, monkeypatch):
    monkeypatch.setattr(log_routes, 'POD_HEARTBEAT_SECONDS', 0.2)
    process = api.post('/apps/demo/services/web/processes', headers={'Command': 'echo ready'}).json()
    ws = open_socket(rack, '/apps/demo/processes/%s/logs' % process['id'], {'Since': '-1m'})
    try:
        assert ws.recv_data() == (TEXT, b'waiting for build pod to be scheduled...\n')
        clock.advance(1)
        ws.settimeout(5)
        assert read_frames(ws)[-2:] == [(TEXT, b'ready\n'), (BINARY, b'')]
    finally:
        close_socket(ws)


def test_one_off_environment_in_its_logs(api, rack, clock, demo):
    process = api.post('/apps/demo/services/web/processes', headers={'Command': 'env', 'Environment': 'TOKEN=abc'}).json()
    clock.advance(1)
    got = lines(stream(rack, '/apps/demo/processes/%s/logs' % process['id'], {'Since': '-1h'}))
    assert 'TOKEN=abc' in got and 'SERVICE=web' in got and 'RELEASE=%s' % demo in got


# ---------------------------------------------------------------- build logs


def test_build_logs_of_a_running_build(api, rack, clock, demo):
    build = create_build(api).json()
    ws = open_socket(rack, '/apps/demo/builds/%s/logs' % build['id'])
    try:
        printed = []
        ws.settimeout(0.5)
        # What the builder has printed; the stream stays open while the build runs.
        while True:
            try:
                printed.append(ws.recv_data())
            except websocket.WebSocketTimeoutException:
                break
        assert printed[0] == (TEXT, b'Building: .\n')
        clock.advance(1)
        ws.settimeout(5)
        rest = read_frames(ws)
    finally:
        close_socket(ws)
    streamed = ''.join(texts(printed + rest))
    stored = rack.state.object_get('demo', 'build/%s/logs' % build['id']).read().decode()
    assert streamed == stored and rest[-1] == (BINARY, b'')


def test_build_logs_of_a_finished_build_are_its_stored_log(api, rack, clock, demo):
    build = finished_build(api, clock)
    frames = stream(rack, '/apps/demo/builds/%s/logs' % build['id'], {'Prefix': 'true', 'Since': '1s'})
    stored = rack.state.object_get('demo', 'build/%s/logs' % build['id']).read()
    assert frames == [(TEXT, stored), (BINARY, b'')]


def test_build_logs_of_a_failed_build(api, rack, clock, demo):
    build = finished_build(api, clock, tarball=source_tarball(manifest=None))
    frames = stream(rack, '/apps/demo/builds/%s/logs' % build['id'])
    # The stored log's last line starts with "ERROR: " too: it is the log's content, followed by the EOF frame.
    assert len(frames) == 2 and re.fullmatch(r'ERROR: open /tmp/\d+/convox.yml: no such file or directory\n', texts(frames)[0])


def test_build_logs_errors(api, rack, clock, demo):
    assert stream(rack, '/apps/demo/builds/BMISSING/logs') == [(TEXT, b'ERROR: builds.convox.com "bmissing" not found\n'), (BINARY, b'')]
    build = rack.state.build_add('demo', status='complete')
    assert stream(rack, '/apps/demo/builds/%s/logs' % build.id) == [
        (TEXT, ('ERROR: unable to read logs for build: %s\n' % build.id).encode()), (BINARY, b'')]
    build.logs = 'object://demo/build/%s/logs' % build.id
    assert stream(rack, '/apps/demo/builds/%s/logs' % build.id) == [
        (TEXT, ('ERROR: object not found: /build/%s/logs\n' % build.id).encode()), (BINARY, b'')]


def test_build_logs_of_a_created_build_wait_for_it(api, rack, clock, demo, monkeypatch):
    monkeypatch.setattr(log_routes, 'BUILD_HEARTBEAT_SECONDS', 0.2)
    build = api.post('/apps/demo/builds', data={'external': 'true'}).json()
    assert build['status'] == 'created'
    ws = open_socket(rack, '/apps/demo/builds/%s/logs' % build['id'])
    try:
        assert ws.recv_data() == (TEXT, b'waiting for build to start...\n')
        api.put('/apps/demo/builds/%s' % build['id'], data={'status': 'failed'})
        ws.settimeout(5)
        assert read_frames(ws)[-2:] == [(TEXT, b'build failed -- no build logs available\n'), (BINARY, b'')]
    finally:
        close_socket(ws)


# ---------------------------------------------------------------- system logs


def test_system_logs_are_unimplemented_on_v3(rack):
    assert stream(rack, '/system/logs', {'Follow': 'false'}) == [(TEXT, b'ERROR: unimplemented\n'), (BINARY, b'')]
