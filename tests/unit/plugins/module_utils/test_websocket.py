# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The websocket client (``_websocket``) and the process and log calls on it, against the rack emulator.

The marker parser is tested alone (split at every position); everything else goes over real websockets to
the in-process emulator, whose faults cut streams and split markers and whose request log tells what
reached the "rack". One thing the emulator cannot produce - a UTF-8 character split across two frames -
is fed through a stand-in connection.
"""

from __future__ import annotations

import base64
import io
import itertools
import socket
import time
from urllib.parse import quote

import pytest
import websocket

from ansible_collections.convox.convox.plugins.module_utils import _websocket
from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxAPIError,
    ConvoxConnectionError,
    ConvoxError,
    ConvoxGatewayError,
    ConvoxMissingLibraryError,
    ConvoxNotFoundError,
    ConvoxResponseError,
    ConvoxStreamCutError,
    ConvoxStreamError,
    ConvoxStreamTimeoutError,
    ConvoxTimeoutError,
    ConvoxTLSError,
)
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings, RetrySettings
from ansible_collections.convox.convox.plugins.module_utils._websocket import EXIT_MARKER, ExitMarkerParser, RackStream
from ansible_collections.convox.convox.plugins.module_utils._wire import encode_duration, parse_duration


# ---------------------------------------------------------------------------------------
# The exit-code marker on a rolling buffer
# ---------------------------------------------------------------------------------------

def parse(pieces):
    parser = ExitMarkerParser()
    output = ''.join(parser.feed(piece) for piece in pieces) + parser.finish()
    return output, parser.code, parser.trailer


STREAMS = [
    ('hello\nworld\n', 0, ''),
    ('', 3, ''),
    ('F1E49A85 is not the marker\n', 137, ''),
    ('almost F1E49A85-0AD7-4AEF-A618-C249C6E6568D:x not a code\n', 2, ''),
    ('an unfinished F1E49A85-0AD7-4AEF', 255, 'ERROR: late\n'),
    ('', 0, 'ERROR: pods "web-x" not found\n'),
    ('no newline at the end', -1, ''),
]


@pytest.mark.parametrize('output, code, trailer', STREAMS)
def test_the_marker_is_found_wherever_one_cut_splits_the_stream(output, code, trailer):
    stream = '%s%s%d\n%s' % (output, EXIT_MARKER, code, trailer)
    for cut in range(len(stream) + 1):
        assert parse([stream[:cut], stream[cut:]]) == (output, code, trailer), cut


@pytest.mark.parametrize('output, code, trailer', STREAMS[:4])
def test_the_marker_is_found_wherever_two_cuts_split_it(output, code, trailer):
    stream = '%s%s%d\n%s' % (output, EXIT_MARKER, code, trailer)
    start = len(output)
    for first, second in itertools.combinations(range(start - 2, len(stream) + 1), 2):
        first = max(first, 0)
        assert parse([stream[:first], stream[first:second], stream[second:]]) == (output, code, trailer), (first, second)


def test_the_marker_is_found_one_character_at_a_time():
    stream = 'line one\nline two\n%s42\nERROR: after\n' % EXIT_MARKER
    assert parse(list(stream)) == ('line one\nline two\n', 42, 'ERROR: after\n')


def test_output_is_released_as_soon_as_it_cannot_be_a_marker():
    parser = ExitMarkerParser()
    assert parser.feed('progress 1\n') == 'progress 1\n'
    assert parser.feed('done F1E4') == 'done '  # 'F1E4' may start the marker: held back
    assert parser.feed('X') == 'F1E4X'
    assert parser.feed(EXIT_MARKER[:20]) == ''
    assert parser.finish() == EXIT_MARKER[:20], 'without a marker the held text is output'


def test_a_stream_without_a_marker_has_no_code():
    assert parse(['all output\n', 'no marker\n']) == ('all output\nno marker\n', None, '')
    parser = ExitMarkerParser()
    parser.feed('out ' + EXIT_MARKER + '1')
    assert parser.finish(keep_partial=False) == '' and parser.code is None


def test_errors_after_the_marker():
    parser = ExitMarkerParser()
    parser.feed('%s0\nERROR: one\nERROR: two\n' % EXIT_MARKER)
    assert parser.trailer_errors() == ['one', 'two']


# ---------------------------------------------------------------------------------------
# Durations (the Since option)
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, seconds', [(90, 90.0), ('90', 90.0), ('90s', 90.0), ('10m', 600.0), ('1h30m', 5400.0),
                                            ('2d', 172800.0), ('1.5h', 5400.0), ('500ms', 0.5), (0, 0.0)])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize('value', ['', 'soon', '10x', '-5m', '1h 30m', 'm', True, '1e3h', '106752d', 1e300, '99999999999999999999d'])
def test_parse_duration_refuses_what_is_not_a_duration(value):
    with pytest.raises(ConvoxError):
        parse_duration(value, 'since')


def test_parse_duration_takes_the_longest_go_duration():
    assert parse_duration('106751d') == 106751 * 86400.0


def test_encode_duration_is_whole_seconds_rounded_away_from_zero():
    assert (encode_duration(600), encode_duration(-600), encode_duration(0.5), encode_duration(-0.5), encode_duration(None)) == \
        ('600s', '-600s', '1s', '-1s', None)


# ---------------------------------------------------------------------------------------
# Against the emulator
# ---------------------------------------------------------------------------------------

def make_client(rack, **settings):
    settings.setdefault('timeout', 5.0)
    retries = settings.pop('retries', None)
    warnings = []
    client = ConvoxClient(ConnectionSettings(rack.url, settings.pop('password', rack.password), retries=RetrySettings.from_options(retries),
                                             **settings),
                          warn=warnings.append, sleep=lambda seconds: None)
    client.warnings = warnings
    return client


@pytest.fixture
def client(rack):
    with make_client(rack) as connected:
        yield connected


@pytest.fixture
def holder(rack, client, deploy):
    """A running one-off process of web (``sleep 300``, like convox run's holder) with a run environment."""
    deploy(rack, env={'FROM_RELEASE': 'release-value'})
    process = client.process_run('demo', 'web', command='sleep 300', environment={'RUN_ONLY': 'run value'})
    deadline = time.monotonic() + 10
    while client.process_get('demo', process['id'])['status'] != 'running':
        assert time.monotonic() < deadline
        time.sleep(0.05)
    rack.clear_requests()
    return process['id']


def sockets(rack, suffix):
    return [entry for entry in rack.requests() if entry['path'].endswith(suffix)]


def test_exec_output_and_exit_code(rack, client, holder):
    assert client.process_exec('demo', holder, 'sh -c "echo $RUN_ONLY / $FROM_RELEASE; exit 3"', timeout=5) == (3, 'run value / release-value\n')
    (entry,) = sockets(rack, '/exec')
    assert entry['status'] == 101 and entry['method'] == 'GET'
    headers = entry['headers']
    assert (headers['Tty'], headers['Disable-Stdin'], headers['Upgrade']) == ('false', 'true', 'websocket')
    assert headers['Command'] == 'sh -c "echo $RUN_ONLY / $FROM_RELEASE; exit 3"'
    assert headers['User-Agent'].startswith('convox.convox/') and headers['Authorization'] == 'convox'
    assert 'Entrypoint' not in headers


def test_exec_without_tty_keeps_newlines_and_entrypoint_is_sent_when_asked(rack, client, holder):
    assert client.process_exec('demo', holder, 'sh -c "echo a; echo b"', entrypoint=True) == (0, 'a\nb\n')
    assert sockets(rack, '/exec')[0]['headers']['Entrypoint'] == 'true'


def test_a_multi_line_command_travels_in_the_query(rack, client, holder):
    assert client.process_exec('demo', holder, 'sh -c "echo one\necho two"') == (0, 'one\ntwo\n')
    (entry,) = sockets(rack, '/exec')
    assert entry['query'] == {'command': 'sh -c "echo one\necho two"'} and 'Command' not in entry['headers']


def test_the_stream_ends_at_the_eof_frame_and_the_client_drops_the_socket(rack, client, holder):
    # After EOF the rack sends nothing and never closes: reading must stop at the EOF frame, not wait.
    stream = client.open_stream('/apps/demo/processes/%s/exec' % holder, headers={'Command': 'echo hi', 'Tty': False, 'Disable-Stdin': True},
                                timeout=30, acts=True)
    started = time.monotonic()
    with stream:
        assert list(stream.texts()) == ['hi\n', EXIT_MARKER + '0\n']
        assert stream.ended and stream.frames == 2
    assert time.monotonic() - started < 5
    assert stream._connection is None


def test_a_read_only_jwt_gets_the_racks_error_frame_and_no_marker(rack, client, holder):
    token = client.jwt_token('read', 1)
    with make_client(rack, password=token, username='jwt') as reader:
        with pytest.raises(ConvoxStreamError) as caught:
            reader.process_exec('demo', holder, 'echo hi')
    error = caught.value
    assert error.rack_error == 'process exec requires write access' and error.exit_code is None
    assert error.may_have_acted is False
    assert 'read-only JWT' in str(error) and token not in str(error)
    assert sockets(rack, '/exec')[0]['status'] == 101, 'the upgrade succeeds; the refusal comes inside the socket'


def test_a_wrong_password_is_an_error_frame_with_advice(rack, holder):
    with make_client(rack, password='not-the-password') as stranger:
        with pytest.raises(ConvoxStreamError) as caught:
            stranger.process_exec('demo', holder, 'echo hi')
    assert caught.value.rack_error == 'invalid authentication'
    assert 'check the API key' in str(caught.value) and 'not-the-password' not in str(caught.value)


@pytest.mark.parametrize('command, code, message', [
    ('nosuch --flag', 1, 'executable file not found in $PATH'),
    ('exit 3', 1, 'exec: "exit": executable file not found'),
    ('sh -c "unterminated', 0, 'Unterminated double-quoted string'),
])
def test_an_error_frame_after_the_marker_is_a_failure_whatever_the_code(client, holder, command, code, message):
    with pytest.raises(ConvoxStreamError) as caught:
        client.process_exec('demo', holder, command)
    assert caught.value.exit_code == code and message in caught.value.rack_error
    assert 'the command did not run' in str(caught.value)


def test_exec_into_a_process_that_does_not_exist(client, holder):
    with pytest.raises(ConvoxStreamError) as caught:
        client.process_exec('demo', 'web-nosuch-pod', 'echo hi')
    assert caught.value.exit_code == 0 and caught.value.rack_error == 'pods "web-nosuch-pod" not found'


def test_a_stream_cut_before_the_marker_is_never_exit_0(rack, client, holder):
    rack.add_faults([{'path': '/exec$', 'ws_cut': True}])
    with pytest.raises(ConvoxStreamCutError) as caught:
        client.process_exec('demo', holder, 'sh -c "echo partial; exit 0"')
    assert caught.value.output == 'partial\n'
    assert 'exit code of the command is unknown' in str(caught.value)
    assert isinstance(caught.value, ConvoxConnectionError) and caught.value.may_have_acted


def test_a_cut_inside_a_split_marker_leaves_no_marker_in_the_output(rack, client, holder):
    rack.add_faults([{'path': '/exec$', 'ws_split_marker': 4, 'ws_cut': 3}])
    with pytest.raises(ConvoxStreamCutError) as caught:
        client.process_exec('demo', holder, 'echo out')
    assert caught.value.output == 'out\n'


@pytest.mark.parametrize('pieces', [2, 3, 7, 45])
def test_a_marker_split_across_frames_is_read_right(rack, client, holder, pieces):
    rack.add_faults([{'path': '/exec$', 'ws_split_marker': pieces}])
    assert client.process_exec('demo', holder, 'sh -c "echo split; exit 42"') == (42, 'split\n')
    assert sockets(rack, '/exec')[0]['fault'] is True


def test_a_command_stopped_midway_exits_137(rack, client, holder):
    import threading
    timer = threading.Timer(0.5, lambda: make_client(rack).process_stop('demo', holder))
    timer.start()
    try:
        assert client.process_exec('demo', holder, 'sleep 30', timeout=10) == (137, '')
    finally:
        timer.cancel()


def test_every_read_is_bounded_by_the_deadline(client, holder):
    started = time.monotonic()
    with pytest.raises(ConvoxStreamTimeoutError) as caught:
        client.process_exec('demo', holder, 'sh -c "echo before; sleep 30"', timeout=1.0)
    assert 0.9 < time.monotonic() - started < 4
    assert caught.value.output == 'before\n' and 'did not finish within 1s' in str(caught.value)


def test_pings_keep_an_idle_stream_alive_and_expect_no_pong(rack, client, holder, monkeypatch):
    monkeypatch.setattr(_websocket, 'PING_INTERVAL', 0.1)
    pings = []
    original = websocket.WebSocket.ping
    monkeypatch.setattr(websocket.WebSocket, 'ping', lambda self, payload='': (pings.append(time.monotonic()), original(self, payload))[1])
    assert client.process_exec('demo', holder, 'sh -c "sleep 1; echo awake"', timeout=10) == (0, 'awake\n')
    assert len(pings) >= 5


def test_the_handshake_is_bounded_too(rack, client, holder):
    rack.add_faults([{'path': '/logs$', 'delay': 3}])
    started = time.monotonic()
    with pytest.raises(ConvoxTimeoutError) as caught:
        client.app_logs('demo', timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert 'no websocket upgrade' in str(caught.value) and 'within 0.5s' in str(caught.value)


def test_stdin_disabled_so_cat_ends(client, holder):
    assert client.process_exec('demo', holder, 'cat', timeout=5) == (0, '')


# -- handshakes, retries, TLS, consoles -----------------------------------------------------------

def test_log_handshakes_are_retried_like_reads_exec_only_when_nothing_can_have_run(rack, client, holder):
    rack.add_faults([{'path': '/logs$', 'status': 503, 'times': 2}])
    assert client.app_logs('demo', since=600).complete
    assert client.retry_count == 2 and len(client.warnings) == 2 and 'websocket' in client.warnings[0]
    rack.add_faults([{'path': '/exec$', 'status': 503, 'times': 1}])
    with pytest.raises(ConvoxGatewayError):
        client.process_exec('demo', holder, 'echo once')
    assert client.retry_count == 2
    rack.add_faults([{'path': '/exec$', 'status': 429, 'times': 1}])
    assert client.process_exec('demo', holder, 'echo twice') == (0, 'twice\n')
    assert client.retry_count == 3


def test_a_refused_handshake_reports_the_racks_reason(rack, client, holder):
    body = "Bad Request\nERROR: websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header\n"
    rack.add_faults([{'path': '/exec$', 'status': 400, 'body': body, 'content_type': 'text/plain; charset=utf-8'}])
    with pytest.raises(ConvoxAPIError) as caught:
        client.process_exec('demo', holder, 'echo hi')
    assert caught.value.status_code == 400
    assert caught.value.message.startswith("websocket: the client is not using the websocket protocol")


def test_redirects_are_refused_not_followed(rack, client, holder):
    rack.add_faults([{'path': '/logs$', 'status': 302, 'headers': {'Location': 'https://elsewhere.example/apps/demo/logs'}}])
    with pytest.raises(ConvoxAPIError) as caught:
        client.app_logs('demo')
    assert caught.value.status_code == 302 and 'elsewhere.example' in str(caught.value)
    assert len(sockets(rack, '/logs')) == 1


def closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_a_refused_connection_is_retried_then_reported():
    port = closed_port()
    with ConvoxClient(ConnectionSettings('http://127.0.0.1:%d' % port, 'pw', timeout=2,
                                         retries=RetrySettings(max_retries=2, backoff_base=0)), sleep=lambda s: None) as client:
        with pytest.raises(ConvoxConnectionError) as caught:
            client.process_exec('demo', 'web-1', 'echo hi')
        assert client.retry_count == 2
    assert 'connection refused' in str(caught.value) and caught.value.may_have_acted is False


@pytest.fixture(scope='module')
def tls_rack(emulator):
    return emulator(tls=True)


def test_wss_with_the_racks_ca_or_without_verification(tls_rack):
    tls_rack.reset()
    for verify in (tls_rack.ca_cert, False):
        with ConvoxClient(ConnectionSettings(tls_rack.url, tls_rack.password, verify=verify, timeout=5)) as client:
            client.app_create('tls-%s' % ('ca' if verify else 'off'))
            read = client.app_logs('tls-%s' % ('ca' if verify else 'off'), timeout=0.5)
            assert read.lines == [] and not read.complete, 'an app that never logged keeps retrying: ended by the timeout'
    assert {entry['status'] for entry in tls_rack.requests() if entry['path'].endswith('/logs')} == {101}


def test_wss_with_an_unknown_ca_fails_with_advice(tls_rack):
    with ConvoxClient(ConnectionSettings(tls_rack.url, tls_rack.password, timeout=5)) as client:
        with pytest.raises(ConvoxTLSError) as caught:
            client.app_logs('demo')
    assert 'validate_certs: false' in str(caught.value) and 'ca_path' in str(caught.value)
    assert client.retry_count == 0


def test_wss_to_a_plain_http_rack_is_explained(rack):
    with ConvoxClient(ConnectionSettings(rack.url.replace('http://', 'https://'), rack.password, timeout=5,
                                         retries=RetrySettings(max_retries=0))) as client:
        with pytest.raises(ConvoxTLSError) as caught:
            client.app_logs('demo')
    assert 'TLS' in str(caught.value)


@pytest.fixture(scope='module')
def console_rack(emulator):
    return emulator(console='acme/production')


def test_console_streams_carry_the_rack_header(console_rack):
    console_rack.reset()
    with ConvoxClient(ConnectionSettings(console_rack.url, console_rack.password, rack='acme/production', actor='ci-bot', timeout=5)) as client:
        client.app_create('console-app')
        assert client.app_logs('console-app', timeout=0.3).lines == []
    (entry,) = [entry for entry in console_rack.requests() if entry['path'].endswith('/logs')]
    assert entry['status'] == 101 and entry['headers']['Rack'] == 'acme/production' and entry['headers']['X-Convox-Actor'] == 'ci-bot'


def test_console_without_rack_or_with_a_wrong_one(console_rack):
    with ConvoxClient(ConnectionSettings(console_rack.url, console_rack.password, timeout=5)) as client:
        with pytest.raises(ConvoxResponseError) as caught:
            client.app_logs('demo')
    assert 'HTML page' in str(caught.value) and '`rack` to ORG/RACK' in str(caught.value)
    with ConvoxClient(ConnectionSettings(console_rack.url, console_rack.password, rack='acme/staging', timeout=5)) as client:
        with pytest.raises(ConvoxNotFoundError) as caught:
            client.app_logs('demo')
    assert 'rack not found: acme/staging' in str(caught.value)


def test_the_key_never_appears_in_stream_errors(rack, holder):
    password = rack.password
    forms = (password, quote(password, safe=''), base64.b64encode(('convox:%s' % password).encode()).decode())
    errors = []
    rack.add_faults([{'path': '/exec$', 'ws_cut': True}, {'path': '/logs$', 'status': 500, 'body': 'boom %s' % password}])
    with make_client(rack) as client:
        for call in (lambda: client.process_exec('demo', holder, 'echo hi'), lambda: client.app_logs('demo')):
            with pytest.raises(ConvoxError) as caught:
                call()
            errors.append(caught.value)
    with make_client(rack, password='wrong-%s' % password) as stranger:
        with pytest.raises(ConvoxStreamError) as caught:
            stranger.process_exec('demo', holder, 'echo hi')
        errors.append(caught.value)
    for error in errors:
        for text in (str(error), repr(error), error.message):
            assert not any(form in text for form in forms), text


def test_without_websocket_client_streams_fail_clearly(rack, monkeypatch):
    monkeypatch.setattr(_websocket, 'HAS_WEBSOCKET', False)
    with make_client(rack) as client:
        assert client.app_list() == []
        with pytest.raises(ConvoxMissingLibraryError) as caught:
            client.app_logs('demo')
    assert caught.value.library == 'websocket-client' and 'pip install websocket-client' in str(caught.value)


# -- log streams ----------------------------------------------------------------------------

def test_app_logs_hold_every_process_with_their_origin(rack, client, holder):
    one_off = client.process_run('demo', 'worker', command='echo from a one-off')
    time.sleep(0.5)
    read = client.app_logs('demo', since=600)
    assert read.complete and not read.truncated
    assert 'from a one-off' in read.lines
    entry = read.entries[read.lines.index('from a one-off')]
    assert (entry['service'], entry['process']) == ('worker', one_off['id']) and entry['time'].endswith('Z')
    (request,) = sockets(rack, '/apps/demo/logs')
    assert (request['headers']['Follow'], request['headers']['Prefix'], request['headers']['Since']) == ('false', 'true', '600s')
    assert [line for line in read.lines if line.startswith('emulator: web process')], 'service processes log too'


def test_app_logs_filter_and_since(rack, client, holder):
    client.process_run('demo', 'worker', command='sh -c "echo keep this; echo drop that"')
    time.sleep(0.5)
    assert client.app_logs('demo', since=600, filter='keep').lines == ['keep this']
    assert sockets(rack, '/apps/demo/logs')[0]['headers']['Filter'] == 'keep'


def test_service_logs_leave_one_off_processes_out(client, holder):
    client.process_run('demo', 'web', command='echo not a service line')
    time.sleep(0.5)
    read = client.service_logs('demo', 'web', since=600)
    assert read.complete and read.lines and all(line.startswith('emulator: web process') for line in read.lines)
    assert {entry['service'] for entry in read.entries} == {'web'} and all(entry['process'].startswith('web-') for entry in read.entries)


def test_service_logs_of_a_service_without_processes(client, holder):
    with pytest.raises(ConvoxStreamError) as caught:
        client.service_logs('demo', 'nosuch')
    assert caught.value.rack_error == 'no resources found in dev-demo namespace'


def test_process_logs_count_since_backwards_and_end_with_the_process(rack, client, holder):
    ended = client.process_run('demo', 'worker', command='sh -c "echo one; echo two"')
    time.sleep(0.6)
    read = client.process_logs('demo', ended['id'], since=600, timeout=5)
    assert read.lines == ['one', 'two'] and read.complete
    assert sockets(rack, '/processes/%s/logs' % ended['id'])[0]['headers']['Since'] == '-600s'


def test_process_logs_of_a_running_process_end_at_the_timeout(client, holder):
    started = time.monotonic()
    read = client.process_logs('demo', holder, since=600, timeout=1.0)
    assert not read.complete and read.lines == []
    assert time.monotonic() - started < 3


def test_the_log_of_a_process_the_rack_deleted_ends_at_its_status_line(rack, client, holder):
    # The rack says "waiting for build pod..." every second for ten minutes when the pod is gone.
    started = time.monotonic()
    read = client.process_logs('demo', 'worker-deleted', since=600, timeout=20)
    assert read.gone and read.complete and read.lines == []
    assert time.monotonic() - started < 5


def test_a_pending_process_log_leaves_the_racks_heartbeat_out(rack, client, holder, monkeypatch):
    from convox_emulator.areas import logs as log_routes
    monkeypatch.setattr(log_routes, 'POD_HEARTBEAT_SECONDS', 0.05)
    monkeypatch.setattr(log_routes, 'POD_TICK_SECONDS', 0.1)
    pending = client.process_run('demo', 'worker', command='sh -c "echo late"')
    read = client.process_logs('demo', pending['id'], since=600, timeout=5)
    assert read.lines == ['late'] and read.complete and not read.gone


def test_max_lines_keeps_the_last_ones(client, holder):
    client.process_run('demo', 'worker', command='sh -c "echo 1; echo 2; echo 3; echo 4; echo 5"')
    time.sleep(0.5)
    read = client.app_logs('demo', since=600, keep=2)
    assert read.total > 2 and read.truncated and len(read.lines) == 2 and read.lines[-1] == '5'


def test_a_cut_log_stream_is_an_error_not_a_short_log(rack, client, holder):
    rack.add_faults([{'path': '/logs$', 'ws_cut': 1}])
    with pytest.raises(ConvoxStreamCutError) as caught:
        client.app_logs('demo', since=600)
    assert 'after 1 log lines' in str(caught.value)


def test_the_log_of_a_failed_build_is_content_even_its_error_line(rack, client, holder):
    url = client.object_store('demo', 'tmp/broken.tgz', io.BytesIO(b'not a tarball'))
    build = client.build_create('demo', url)
    deadline = time.monotonic() + 10
    while client.build_get('demo', build['id'])['status'] not in ('failed', 'complete'):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    read = client.build_logs('demo', build['id'])
    assert read.complete and read.lines and read.lines[-1].startswith('ERROR: ')
    assert read.entries[-1]['time'] is None


def test_the_log_of_a_build_whose_log_object_is_gone(rack, client, holder):
    build = client.build_list('demo')[0]
    key = build['logs'].split('://', 1)[1].split('/', 1)[1]
    client.request('DELETE', '/apps/demo/objects/' + key)
    read = client.build_logs('demo', build['id'])
    # The rack's error frame on this route cannot be told from the log's own ERROR lines: it is returned as a line.
    assert read.lines == ['ERROR: object not found: /%s' % key]


# -- a UTF-8 character split across frames (the emulator writes whole characters) ----------------

class _Frames:
    """A stand-in connection that hands out prepared frames (what a real rack may do, the emulator does not)."""

    def __init__(self, frames):
        self.frames = list(frames)

    def settimeout(self, seconds):
        pass

    def recv_data(self, control_frame=False):
        return self.frames.pop(0)

    def shutdown(self):
        pass


def test_utf8_split_across_frames_is_decoded_whole(rack):
    text = websocket.ABNF.OPCODE_TEXT
    encoded = 'caf\u00e9 \u2713\n'.encode('utf-8')
    frames = [(text, encoded[:4]), (text, encoded[4:8]), (text, encoded[8:] + (EXIT_MARKER + '0\n').encode()),
              (websocket.ABNF.OPCODE_BINARY, b'')]
    with make_client(rack) as client:
        stream = RackStream(client, _Frames(frames), '/apps/demo/processes/p/exec', time.monotonic() + 5, 5)
        assert stream.read_exec() == (0, 'caf\u00e9 \u2713\n')
