# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Websocket routes on the wire (convox-api.md 1.7; vendored stdapi router.go, gorilla/websocket): routing, the
handshake, framing, errors as frames, auth and roles, console mode, the request log and the websocket faults."""

import base64
import os
import time

import pytest
import requests
import websocket

from convox_emulator.testing import EmulatorServer
from emulator_helpers import (BINARY, EXIT_MARKER, TEXT, Api, close_socket, deploy_manifest, open_socket, raw_request, read_frames, split_marker,
                              stream, texts, wait_for)

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'
EXEC_HEADERS = {'Command': 'echo hi', 'Tty': 'false', 'Disable-Stdin': 'true'}


@pytest.fixture
def demo(api, rack, clock):
    deploy_manifest(api, rack, clock, MANIFEST)
    return api.get('/apps/demo/processes').json()[0]['id']


def exec_path(pid):
    return '/apps/demo/processes/%s/exec' % pid


def upgrade_headers(**extra):
    headers = {'Connection': 'Upgrade', 'Upgrade': 'websocket', 'Sec-WebSocket-Version': '13',
               'Sec-WebSocket-Key': base64.b64encode(os.urandom(16)).decode()}
    headers.update(extra)
    return headers


def token(api, role):
    return api.post('/system/jwt/token', data={'role': role, 'durationInHour': '1'}).json()['token']


def test_upgrade_answer_has_only_the_handshake_headers(rack, demo):
    ws = open_socket(rack, exec_path(demo), EXEC_HEADERS)
    try:
        assert ws.getstatus() == 101
        headers = {name.lower() for name in ws.getheaders()}
        # stdapi adds Request-Id (and the security middleware its headers) after the upgrade was written.
        assert {'upgrade', 'connection', 'sec-websocket-accept'} <= headers
        assert not headers & {'request-id', 'x-content-type-options', 'x-frame-options', 'sec-websocket-extensions', 'server'}
        frames = read_frames(ws)
    finally:
        close_socket(ws)
    assert frames == [(TEXT, b'hi\n'), (TEXT, ('%s0\n' % EXIT_MARKER).encode()), (BINARY, b'')]


def test_a_socket_route_takes_only_get_with_the_upgrade_header(api, demo):
    for method, headers, status in (('GET', {}, 404), ('POST', {}, 404), ('DELETE', {}, 404), ('POST', {'Upgrade': 'websocket'}, 405),
                                    ('GET', {'Upgrade': 'WebSocket'}, 404), ('HEAD', {'Upgrade': 'websocket'}, 405)):
        response = api.request(method, '/apps/demo/logs', headers=headers)
        assert (response.status_code, response.content) == (status, b''), (method, headers)
        assert 'Request-Id' not in response.headers and 'Content-Type' not in response.headers
    assert api.get('/system/logs').status_code == 404
    assert api.get(exec_path(demo)).status_code == 404


@pytest.mark.parametrize('change, status, reason', [
    ({'Connection': 'keep-alive'}, 400,
     "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header"),
    ({'Sec-WebSocket-Version': '8'}, 400, "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header"),
    ({'Origin': 'https://elsewhere.example'}, 403, 'websocket: request origin not allowed by Upgrader.CheckOrigin'),
    ({'Sec-WebSocket-Key': 'c2hvcnQ='}, 400,
     "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length"),
])
def test_handshake_refusals_are_gorillas(rack, change, status, reason):
    status_text = {400: 'Bad Request', 403: 'Forbidden'}[status]
    code, headers, body = raw_request(rack, 'GET', '/apps/demo/logs', headers=upgrade_headers(**change))
    assert (code, body) == (status, ('%s\nERROR: %s\n' % (status_text, reason)).encode())
    assert headers['Content-Type'] == 'text/plain; charset=utf-8' and headers['Sec-Websocket-Version'] == '13'
    assert 'Request-Id' not in headers
    assert rack.requests()[-1]['status'] == status


def test_a_same_origin_is_accepted(rack, demo):
    origin = rack.url.replace('http://', 'HTTP://').upper()
    frames = stream(rack, exec_path(demo), EXEC_HEADERS, origin=origin)
    assert split_marker(frames) == ('hi\n', 0, [])
    frames = stream(rack, exec_path(demo), EXEC_HEADERS, suppress_origin=True)
    assert split_marker(frames) == ('hi\n', 0, [])


def test_authentication_failures_are_error_frames(api, rack, demo):
    assert stream(rack, '/apps/demo/logs', password='wrong') == [(TEXT, b'ERROR: invalid authentication\n'), (BINARY, b'')]
    frames = stream(rack, exec_path(demo), EXEC_HEADERS, user='jwt', password='not-a-token')
    assert len(frames) == 2 and texts(frames)[0].startswith('ERROR: invalid authentication: ') and frames[1] == (BINARY, b'')
    assert [entry['status'] for entry in rack.requests()[-2:]] == [101, 101]


def test_exec_needs_the_write_role(api, rack, demo):
    reader = token(api, 'read')
    assert stream(rack, exec_path(demo), EXEC_HEADERS, user='jwt', password=reader) == [
        (TEXT, b'ERROR: process exec requires write access\n'), (BINARY, b'')]
    writer = token(api, 'write')
    assert split_marker(stream(rack, exec_path(demo), EXEC_HEADERS, user='jwt', password=writer)) == ('hi\n', 0, [])


def test_logs_need_only_the_read_role(api, rack, demo):
    reader = token(api, 'read')
    frames = stream(rack, '/apps/demo/logs', {'Follow': 'false'}, user='jwt', password=reader)
    assert frames[-1] == (BINARY, b'') and texts(frames) and not any(text.startswith('ERROR') for text in texts(frames))


def test_after_eof_the_rack_sends_and_answers_nothing(rack, demo):
    ws = open_socket(rack, exec_path(demo), EXEC_HEADERS)
    try:
        assert read_frames(ws)[-1] == (BINARY, b'')
        ws.settimeout(0.5)
        ws.send_close()
        ws.ping()
        with pytest.raises(websocket.WebSocketTimeoutException):
            ws.recv_data(control_frame=True)
    finally:
        close_socket(ws)


def test_request_log_records_the_upgrade(rack, demo):
    rack.clear_requests()
    stream(rack, exec_path(demo), dict(EXEC_HEADERS, Height='40', Width='120', Environment='SECRET=x'))
    entry = rack.requests()[-1]
    assert (entry['method'], entry['path'], entry['status'], entry['fault']) == ('GET', exec_path(demo), 101, False)
    headers = entry['headers']
    assert {name: headers[name] for name in ('Command', 'Tty', 'Disable-Stdin', 'Height', 'Width', 'Upgrade', 'Authorization')} == {
        'Command': 'echo hi', 'Tty': 'false', 'Disable-Stdin': 'true', 'Height': '40', 'Width': '120', 'Upgrade': 'websocket', 'Authorization': 'convox'}
    assert 'Environment' not in headers


def test_the_status_is_logged_while_the_stream_is_open(rack, demo):
    ws = open_socket(rack, '/apps/demo/logs')
    try:
        wait_for(lambda: rack.requests() and rack.requests()[-1]['status'] == 101)
    finally:
        close_socket(ws)


def test_options_come_from_headers_only(rack, demo):
    # The SDK's websocket dialer sends no query string; stdapi reads the exec command with c.Value, which also takes the query.
    frames = stream(rack, exec_path(demo) + '?Tty=false', {'Command': 'echo hi'})
    assert split_marker(frames)[0] == 'hi\r\n'
    frames = stream(rack, exec_path(demo) + '?command=echo+from+query', {'Tty': 'false'})
    assert split_marker(frames)[0] == 'from query\n'


# ---------------------------------------------------------------- faults


def test_ws_cut_drops_the_connection_before_the_marker(rack, demo):
    rack.add_faults([{'path': '/exec$', 'ws_cut': True}])
    ws = open_socket(rack, exec_path(demo), dict(EXEC_HEADERS, Command='sh -c "echo one; echo two"'))
    try:
        assert read_frames(ws) == [(TEXT, b'one\n'), (TEXT, b'two\n'), ('closed', None)]
    finally:
        close_socket(ws)
    entry = rack.requests()[-1]
    assert (entry['status'], entry['fault']) == (101, True)
    # Used up: the next exec is whole.
    assert split_marker(stream(rack, exec_path(demo), EXEC_HEADERS)) == ('hi\n', 0, [])


def test_ws_cut_without_a_marker_drops_the_eof_frame(rack, demo):
    rack.add_faults([{'path': '^/apps/demo/logs$', 'ws_cut': True}])
    frames = stream(rack, '/apps/demo/logs', {'Follow': 'false'})
    assert frames[-1] == ('closed', None) and len(frames) == 2 and frames[0][0] == TEXT


def test_ws_cut_after_a_number_of_frames(rack, demo):
    rack.add_faults([{'path': '/exec$', 'ws_cut': 1}])
    frames = stream(rack, exec_path(demo), dict(EXEC_HEADERS, Command='sh -c "echo one; echo two"'))
    assert frames == [(TEXT, b'one\n'), ('closed', None)]


def test_ws_split_marker(rack, demo):
    rack.add_faults([{'path': '/exec$', 'ws_split_marker': 3}])
    frames = stream(rack, exec_path(demo), dict(EXEC_HEADERS, Command='sh -c "exit 42"'))
    marker = ('%s42\n' % EXIT_MARKER).encode()
    assert [data for _opcode, data in frames[:-1]] == [marker[0:14], marker[14:28], marker[28:]]
    assert split_marker(frames) == ('', 42, [])


def test_ws_split_marker_and_a_cut_inside_it(rack, demo):
    rack.add_faults([{'path': '/exec$', 'ws_split_marker': 2, 'ws_cut': 2}])
    frames = stream(rack, exec_path(demo), EXEC_HEADERS)
    marker = ('%s0\n' % EXIT_MARKER).encode()
    assert frames == [(TEXT, b'hi\n'), (TEXT, marker[:20]), ('closed', None)]


def test_websocket_faults_match_only_upgrades(api, rack, demo):
    rack.add_faults([{'path': '^/apps/demo', 'ws_cut': True}])
    assert api.get('/apps/demo/processes').status_code == 200
    assert len(rack.state.faults.pending()) == 1


def test_http_faults_refuse_the_upgrade(rack, demo):
    rack.add_faults([{'path': '/logs$', 'status': 503, 'body': 'busy'}])
    with pytest.raises(websocket.WebSocketBadStatusException) as raised:
        open_socket(rack, '/apps/demo/logs')
    assert raised.value.status_code == 503


@pytest.mark.parametrize('fault, message', [
    ({'ws_cut': 'yes'}, 'ws_cut must be true or a number of text frames (0 or more)'),
    ({'ws_cut': -1}, 'ws_cut must be true or a number of text frames (0 or more)'),
    ({'ws_split_marker': 1}, 'ws_split_marker must be an integer of at least 2'),
    ({'ws_split_marker': True}, 'ws_split_marker must be an integer of at least 2'),
    ({'ws_cut': True, 'status': 500}, 'websocket faults (ws_cut, ws_split_marker) cannot be combined with status'),
    ({'ws_split_marker': 2, 'reset': True}, 'websocket faults (ws_cut, ws_split_marker) cannot be combined with reset'),
])
def test_bad_websocket_faults(rack, fault, message):
    response = requests.post(rack.url + '/_emulator/faults', json=[dict(fault, path='/exec')], auth=('convox', rack.password), timeout=5)
    assert response.status_code == 400 and message in response.json()['error']


# ---------------------------------------------------------------- open streams and the server


def test_reset_drops_open_streams(rack, demo):
    ws = open_socket(rack, '/apps/demo/logs')
    try:
        wait_for(lambda: rack.requests() and rack.requests()[-1]['status'] == 101)
        rack.reset()
        ws.settimeout(5)
        frames = read_frames(ws)
    finally:
        close_socket(ws)
    assert frames[-1] == ('closed', None)


def test_stopping_the_server_drops_open_streams():
    with EmulatorServer(password='pw') as server:
        api = Api(server)
        api.post('/apps', data={'name': 'demo'})
        ws = open_socket(server, '/apps/demo/logs')
        started = time.monotonic()
    assert time.monotonic() - started < 10
    close_socket(ws)


def test_wss_with_the_emulators_ca():
    with EmulatorServer(password='pw', tls=True) as server:
        frames = stream(server, '/system/logs', sslopt={'ca_certs': server.ca_cert})
        assert frames == [(TEXT, b'ERROR: unimplemented\n'), (BINARY, b'')]


# ---------------------------------------------------------------- console mode


@pytest.fixture(scope='module')
def console():
    with EmulatorServer(password='token', console='acme/production') as server:
        yield server


def test_console_needs_the_rack_header_before_the_upgrade(console):
    console.reset()
    with pytest.raises(websocket.WebSocketBadStatusException) as raised:
        open_socket(console, '/apps/demo/logs')
    assert raised.value.status_code == 200 and b'<!DOCTYPE html>' in raised.value.resp_body
    with pytest.raises(websocket.WebSocketBadStatusException) as raised:
        open_socket(console, '/apps/demo/logs', {'Rack': 'acme/staging'})
    assert (raised.value.status_code, raised.value.resp_body) == (404, b'rack not found: acme/staging\n')
    Api(console, headers={'Rack': 'acme/production'}).post('/apps', data={'name': 'demo'})
    frames = stream(console, '/system/logs', {'Rack': 'acme/production'})
    assert frames == [(TEXT, b'ERROR: unimplemented\n'), (BINARY, b'')]
    assert console.requests()[-1]['headers']['Rack'] == 'acme/production'
