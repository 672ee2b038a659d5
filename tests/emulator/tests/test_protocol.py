# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Transport: auth, headers, router answers, error formats, parameter decoding (convox-api.md 1, 4, 8.1)."""

import base64
import re

import pytest
import requests

from convox_emulator.testing import EmulatorServer
from emulator_helpers import Api

SECURITY_HEADERS = {'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY'}


def assert_routed(response):
    assert re.fullmatch(r'[0-9a-f]{12}', response.headers['Request-Id'])
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert 'Server' not in response.headers


def test_check_needs_no_auth_and_has_no_request_id(rack):
    response = requests.get(rack.url + '/check', timeout=5)
    assert response.status_code == 200
    assert response.content == b'ok'
    assert response.headers['Content-Type'] == 'text/plain; charset=utf-8'
    assert 'Request-Id' not in response.headers
    assert 'X-Frame-Options' not in response.headers


def test_auth_probe_answers_ok(api):
    response = api.get('/auth')
    assert response.status_code == 200
    assert response.content == b'ok\n'
    assert response.headers['Content-Type'] == 'text/plain; charset=utf-8'
    assert_routed(response)


def test_user_name_is_ignored(rack):
    response = Api(rack, user='someone').get('/system')
    assert response.status_code == 200


@pytest.mark.parametrize('accept, body, content_type', [
    ('application/json', b'{"error":"invalid authentication"}\n', 'application/json'),
    (None, b'invalid authentication\n', 'text/plain; charset=utf-8'),
    ('text/plain', b'invalid authentication\n', 'text/plain; charset=utf-8'),
])
def test_wrong_password(rack, accept, body, content_type):
    response = Api(rack, password='wrong', accept=accept).get('/apps')
    assert response.status_code == 401
    assert response.content == body
    assert response.headers['Content-Type'] == content_type
    assert response.headers['WWW-Authenticate'] == 'Basic realm="convox"'
    assert_routed(response)


def test_missing_authorization(rack):
    response = requests.get(rack.url + '/apps', headers={'Accept': 'application/json'}, timeout=5)
    assert response.status_code == 401
    assert response.json() == {'error': 'invalid authentication'}
    assert response.headers['WWW-Authenticate'] == 'Basic realm="convox"'


@pytest.mark.parametrize('header', ['Bearer abc', 'Basic !!!', 'Basic ' + 'bm9jb2xvbg=='])
def test_malformed_authorization(rack, header):
    response = requests.get(rack.url + '/apps', headers={'Authorization': header}, timeout=5)
    assert response.status_code == 401
    assert response.text == 'invalid authentication\n'


def test_basic_scheme_is_case_insensitive(rack):
    token = base64.b64encode(('convox:%s' % rack.password).encode()).decode()
    response = requests.get(rack.url + '/apps', headers={'Authorization': 'basic ' + token}, timeout=5)
    assert response.status_code == 200


def test_empty_rack_password_admits_everyone():
    with EmulatorServer(password='') as rack:
        response = requests.get(rack.url + '/apps', timeout=5)
        assert response.status_code == 200


@pytest.mark.parametrize('method, path, status', [
    ('PATCH', '/apps', 405),
    ('DELETE', '/system', 405),
    ('HEAD', '/apps', 405),
    ('GET', '/nope', 404),
    ('GET', '/apps/', 404),
    ('GET', '/apps/demo/nothing/here', 404),
    ('POST', '/apps/demo/releases/R1/promote/extra', 404),
])
def test_router_answers_are_empty(rack, method, path, status):
    # No credentials at all: the router answers before authentication.
    response = requests.request(method, rack.url + path, timeout=5)
    assert response.status_code == status
    assert response.content == b''
    if method != 'HEAD':
        # net/http leaves Content-Length out of a bodiless HEAD answer.
        assert response.headers['Content-Length'] == '0'
    for name in ('Content-Type', 'Request-Id', 'Allow', 'X-Frame-Options', 'X-Content-Type-Options', 'Server'):
        assert name not in response.headers


def test_errors_json_when_accept_lists_json(rack):
    for accept in ('application/json', 'text/html, application/json;q=0.9', '*/*;q=0.1,application/json'):
        response = Api(rack, accept=accept).get('/apps/missing')
        assert response.status_code == 404
        assert response.content == b'{"error":"app not found: missing"}\n'
        assert response.headers['Content-Type'] == 'application/json'
        assert_routed(response)


def test_errors_text_otherwise(rack):
    for accept in (None, '*/*', 'text/plain', 'application/jsonx', 'Application/JSON'):
        response = Api(rack, accept=accept).get('/apps/missing')
        assert response.status_code == 404
        assert response.content == b'app not found: missing\n'
        assert response.headers['Content-Type'] == 'text/plain; charset=utf-8'
        assert_routed(response)


def test_success_json_is_indented_whatever_accept(rack):
    response = Api(rack, accept='text/plain').get('/apps')
    assert response.content == b'[]\n'
    assert response.headers['Content-Type'] == 'application/json'


def test_ok_stays_text_with_json_accept(api, clock):
    api.post('/apps', data={'name': 'demo'})
    clock.advance(1)
    response = api.put('/apps/demo', data={'lock': 'false'})
    assert response.content == b'ok\n'
    assert response.headers['Content-Type'] == 'text/plain; charset=utf-8'


def test_request_ids_differ(api):
    ids = {api.get('/auth').headers['Request-Id'] for _attempt in range(5)}
    assert len(ids) == 5


def test_json_escapes_like_go(api):
    api.post('/apps', data={'name': 'demo'})
    response = api.post('/apps/demo/releases', data={'env': 'A=<b>&c\u2028'})
    assert '"env": "A=\\u003cb\\u003e\\u0026c\\u2028"' in response.text


class TestParams:
    def test_int_parse_error_is_500_with_strconv_message(self, api):
        api.post('/apps', data={'name': 'demo'})
        response = api.get('/apps/demo/releases', params={'limit': 'abc'})
        assert response.status_code == 500
        assert response.json() == {'error': 'strconv.Atoi: parsing "abc": invalid syntax'}
        response = api.get('/apps/demo/releases', params={'limit': ' 1'})
        assert response.json() == {'error': 'strconv.Atoi: parsing " 1": invalid syntax'}
        response = api.get('/apps/demo/releases', params={'limit': '99999999999999999999'})
        assert response.json() == {'error': 'strconv.Atoi: parsing "99999999999999999999": value out of range'}

    def test_limit_is_query_only(self, api):
        api.post('/apps', data={'name': 'demo'})
        for _release in range(3):
            api.post('/apps/demo/releases')
        # A body "limit" is a form value, not a query value: ignored.
        response = api.request('GET', '/apps/demo/releases', data={'limit': '1'})
        assert len(response.json()) == 3
        assert len(api.get('/apps/demo/releases?limit=2').json()) == 2

    def test_bool_true_only_for_exact_true(self, api, clock):
        api.post('/apps', data={'name': 'demo'})
        clock.advance(1)
        for value, locked in (('TRUE', False), ('1', False), ('yes', False), ('true', True)):
            api.put('/apps/demo', data={'lock': value})
            clock.advance(1)
            assert api.get('/apps/demo').json()['locked'] is locked

    def test_query_params_count_as_form_values(self, api):
        response = api.post('/apps?name=fromquery')
        assert response.json()['name'] == 'fromquery'

    def test_body_value_wins_over_query(self, api):
        response = api.post('/apps?name=fromquery', data={'name': 'frombody'})
        assert response.json()['name'] == 'frombody'

    def test_get_body_is_not_read(self, api, clock):
        # Go parses bodies only for POST/PUT/PATCH: a DELETE's form body is invisible.
        api.post('/apps', data={'name': 'demo'})
        clock.advance(1)
        response = api.request('DELETE', '/apps/demo', data={'unused': 'x'})
        assert response.status_code == 200

    def test_name_falls_back_to_header(self, api):
        # AppCreate reads name with c.Value: form first, then a header of the same name.
        response = api.post('/apps', headers={'Name': 'viaheader'})
        assert response.json()['name'] == 'viaheader'

    def test_multipart_form(self, api):
        response = api.post('/apps', files={'name': (None, 'multi')})
        assert response.json()['name'] == 'multi'

    @pytest.mark.parametrize('content_type, body', [
        ('multipart/form-data; boundary=xyz', b'garbage'),
        ('multipart/form-data', b'--x\r\n'),
        ('multipart/form-data; boundary=xyz', b'--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nother\r\n--xyz\r\nContent-Disp'),
    ])
    def test_malformed_multipart_is_ignored(self, api, rack, content_type, body):
        # stdapi ignores ParseMultipartForm's error; Go's ReadForm merges nothing, so the query's name is used.
        response = api.post('/apps?name=fromquery', data=body, headers={'Content-Type': content_type})
        assert (response.status_code, response.json()['name']) == (200, 'fromquery')
        assert rack.requests()[-1]['form'] == []

    def test_multipart_file_parts_are_logged_by_name(self, api, rack):
        response = api.post('/apps', files={'name': (None, 'multi'), 'blob': ('blob.bin', b'x' * (5 * 1024 * 1024))})
        assert response.json()['name'] == 'multi'
        assert rack.requests()[-1]['form'] == ['name', 'blob']

    def test_map_param_is_one_encoded_field(self, api, clock):
        api.post('/apps', data={'name': 'demo'})
        clock.advance(1)
        api.put('/apps/demo', data={'parameters': 'BuildCpu=256&BuildMem=512'})
        assert api.get('/apps/demo').json()['parameters'] == {'BuildCpu': '256', 'BuildMem': '512'}

    def test_bad_map_encoding_is_500(self, api, clock):
        api.post('/apps', data={'name': 'demo'})
        clock.advance(1)
        response = api.put('/apps/demo', data={'parameters': 'BuildCpu=%zz'})
        assert response.status_code == 500
        assert response.json() == {'error': 'invalid URL escape "%zz"'}
        response = api.put('/apps/demo', data={'parameters': 'BuildCpu=1;BuildMem=2'})
        assert response.json() == {'error': 'invalid semicolon separator in query'}


def test_encoded_slashes_route_on_the_decoded_path(rack, api):
    """gorilla/mux matches the decoded path: /apps/a%2Fb is /apps/a/b, the router's empty 404 without Request-Id."""
    for path in ('/apps/a%2Fb', '/apps/a%2fb'):
        response = api.get(path)
        assert (response.status_code, response.content) == (404, b'')
        assert 'Request-Id' not in response.headers
    api.post('/apps', data={'name': 'demo'})
    # Decoded, /apps/demo%2Fprocesses is the processes route; an object key keeps its decoded slash.
    assert api.get('/apps/demo%2Fprocesses').json() == []
    response = api.get('/apps/demo/objects/x%2Fy')
    assert (response.status_code, response.json()) == (404, {'error': 'object not found: x/y'})
    entries = rack.requests()
    # (The HTTP client may upper-case the second request's %2f on the wire.)
    assert [(entry['path'], entry['raw_path'].replace('%2f', '%2F')) for entry in entries] == [
        ('/apps/a/b', '/apps/a%2Fb'), ('/apps/a/b', '/apps/a%2Fb'), ('/apps', '/apps'), ('/apps/demo/processes', '/apps/demo%2Fprocesses'),
        ('/apps/demo/objects/x/y', '/apps/demo/objects/x%2Fy')]
