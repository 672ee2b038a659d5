# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the emulator's own tests: an HTTP client, a controllable clock, waits and set-up."""

import base64
import http.client
import json
import time
import urllib.parse

import requests
import websocket

# A date-style version: the emulator answers as a v2 (convox/rack) rack.
V2_VERSION = '20240101000000'

TRANSCRIPT_AUTH = ('convox', 'secret')


class Api:
    """A thin requests wrapper: base URL, Basic auth, Accept: application/json unless told otherwise."""

    def __init__(self, rack, user='convox', password=None, accept='application/json', headers=None, verify=True):
        self.rack = rack
        self.session = requests.Session()
        self.session.auth = (user, rack.password if password is None else password)
        # Per request: a session-level verify loses to REQUESTS_CA_BUNDLE from the environment.
        self.verify = verify
        if accept is not None:
            self.session.headers['Accept'] = accept
        self.session.headers.update(headers or {})

    def request(self, method, path, **kwargs):
        kwargs.setdefault('timeout', 10)
        kwargs.setdefault('verify', self.verify)
        return self.session.request(method, self.rack.url + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, **kwargs):
        return self.request('POST', path, **kwargs)

    def put(self, path, **kwargs):
        return self.request('PUT', path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)

    def head(self, path, **kwargs):
        return self.request('HEAD', path, **kwargs)


class FakeClock:
    """Replaces RackState.clock so transitions happen when the test says so."""

    def __init__(self):
        self.now_ns = time.time_ns()

    def __call__(self):
        return self.now_ns

    def advance(self, seconds):
        self.now_ns += int(seconds * 1e9)


def wait_for(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError('condition not met within %s s' % timeout)


def create_running_app(api, clock, name='demo'):
    """POST /apps and let its first deploy finish (with the fake clock)."""
    response = api.post('/apps', data={'name': name})
    assert response.status_code == 200, response.text
    clock.advance(1)
    return response


def add_build(rack, app, manifest='services:\n  web:\n    build: .\n    port: 3000\n', description=''):
    """A completed build, white-box: the builds API is not part of phase 1."""
    return rack.state.build_add(app, manifest=manifest, description=description, status='complete')


def pretty(compact):
    """A transcript body (compact JSON) as the rack sends it: 2-space indent and a newline, order kept."""
    return (json.dumps(json.loads(compact), indent=2, ensure_ascii=False) + '\n').encode('utf-8')


def raw_request(rack, method, path, body=None, headers=None):
    """Send ``path`` byte for byte (requests/urllib3 would normalise '..' segments); returns (status, headers, body)."""
    parsed = urllib.parse.urlsplit(rack.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        all_headers = {'Authorization': 'Basic ' + base64.b64encode(('convox:%s' % rack.password).encode()).decode(),
                       'Accept': 'application/json'}
        all_headers.update(headers or {})
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def deploy_manifest(api, rack, clock, manifest, app='demo'):
    """A running app whose active release carries ``manifest`` (white-box build, then the real release and promote routes)."""
    if app not in rack.state.apps:
        create_running_app(api, clock, app)
    build = add_build(rack, app, manifest)
    release = api.post('/apps/%s/releases' % app, data={'build': build.id}).json()
    response = api.post('/apps/%s/releases/%s/promote' % (app, release['id']))
    assert response.status_code == 200, response.text
    clock.advance(1)
    return release['id']


def mint_token(api, role, hours='1'):
    """A rack JWT of ``role`` (read, write, admin) minted by ``api``'s caller."""
    response = api.post('/system/jwt/token', data={'role': role, 'durationInHour': hours})
    assert response.status_code == 200, response.text
    return response.json()['token']


def role_apis(api, rack):
    """Clients holding a read, a write and an admin JWT (user ``jwt``): {'read': Api, 'write': Api, 'admin': Api}."""
    return {role: Api(rack, user='jwt', password=mint_token(api, role)) for role in ('read', 'write', 'admin')}


# ---------------------------------------------------------------- websockets

EXIT_MARKER = 'F1E49A85-0AD7-4AEF-A618-C249C6E6568D:'
TEXT, BINARY = websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY


def ws_url(rack, path):
    """ws:// or wss:// (the SDK's rule: wss unless the endpoint is http)."""
    return rack.url.replace('http', 'ws', 1) + path


def basic_auth(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


def open_socket(rack, path, headers=None, user='convox', password=None, timeout=10, **options):
    """A websocket-client connection to ``path`` with Basic auth and ``headers`` (a dict); raises on a refused upgrade."""
    lines = ['Authorization: ' + basic_auth(user, rack.password if password is None else password)]
    lines += ['%s: %s' % item for item in (headers or {}).items()]
    return websocket.create_connection(ws_url(rack, path), header=lines, timeout=timeout, **options)


def read_frames(ws, until_eof=True):
    """Data frames as (opcode, bytes) up to and including the empty binary EOF frame.

    A connection that ends before the EOF frame ends the list with ('closed', None).
    """
    frames = []
    while True:
        try:
            opcode, data = ws.recv_data()
        except websocket.WebSocketConnectionClosedException:
            frames.append(('closed', None))
            return frames
        frames.append((opcode, data))
        if until_eof and opcode == BINARY:
            return frames


def close_socket(ws):
    """Drop the connection: after its EOF frame the rack neither sends nor answers a close frame, so a close handshake would only wait."""
    ws.shutdown()


def stream(rack, path, headers=None, **options):
    """Open, read every frame up to EOF, close; returns the frames."""
    ws = open_socket(rack, path, headers, **options)
    try:
        return read_frames(ws)
    finally:
        close_socket(ws)


def texts(frames):
    """The text frames' payloads, decoded."""
    return [data.decode('utf-8') for opcode, data in frames if opcode == TEXT]


def split_marker(frames):
    """(output text, exit code or None, ERROR lines) of an exec stream, checking the frames end with the EOF frame."""
    assert frames[-1] == (BINARY, b''), frames
    text = ''.join(texts(frames))
    errors = [line for line in text.splitlines(True) if line.startswith('ERROR: ')]
    for line in errors:
        text = text.replace(line, '', 1)
    if EXIT_MARKER not in text:
        return text, None, errors
    output, _sep, code = text.rpartition(EXIT_MARKER)
    assert code.endswith('\n'), code
    return output, int(code), errors
