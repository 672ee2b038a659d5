# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App configs: /apps/{app}/configs (v3 provider/k8s app.go; transcript row 55)."""

import base64

import pytest

from emulator_helpers import create_running_app, pretty, role_apis


def b64(text):
    return base64.b64encode(text.encode('utf-8')).decode('ascii')


@pytest.fixture
def demo(api, clock):
    create_running_app(api, clock)


@pytest.mark.usefixtures('demo')
def test_set_get_and_list(api):
    assert api.get('/apps/demo/configs').content == b'[]\n'                        # 55
    response = api.put('/apps/demo/configs/cli-env-mask', data={'value': b64('SECRET,TOKEN')})
    assert (response.status_code, response.content, response.headers['Content-Type']) == (200, b'ok\n', 'text/plain; charset=utf-8')
    response = api.get('/apps/demo/configs/cli-env-mask')
    assert response.content == pretty('{"name":"cli-env-mask","value":"SECRET,TOKEN"}')
    api.put('/apps/demo/configs/alpha', data={'value': b64('a')})
    api.put('/apps/demo/configs/zeta', data={'value': b64('z <&>')})
    listed = api.get('/apps/demo/configs')
    assert [item['name'] for item in listed.json()] == ['alpha', 'cli-env-mask', 'zeta']
    assert '"value": "z \\u003c\\u0026\\u003e"' in listed.text
    # A set overwrites; an empty value is a valid (empty) config.
    api.put('/apps/demo/configs/alpha', data={'value': ''})
    assert api.get('/apps/demo/configs/alpha').json() == {'name': 'alpha', 'value': ''}
    assert api.put('/apps/demo/configs/alpha').content == b'ok\n'


@pytest.mark.usefixtures('demo')
def test_value_may_come_as_a_header_or_query(api):
    assert api.put('/apps/demo/configs/h', headers={'value': b64('from header')}).content == b'ok\n'
    assert api.get('/apps/demo/configs/h').json()['value'] == 'from header'
    assert api.put('/apps/demo/configs/q', params={'value': b64('from query')}).content == b'ok\n'
    assert api.get('/apps/demo/configs/q').json()['value'] == 'from query'


@pytest.mark.usefixtures('demo')
@pytest.mark.parametrize('value, offset', [('abc', 0), ('YQ=', 3), ('YQ===', 4), ('YWJj!', 4), ('Y===', 1), ('not base64', 3)])
def test_bad_base64_is_400_with_go_offset(api, text_api, value, offset):
    response = api.put('/apps/demo/configs/x', data={'value': value})
    message = 'failed to parse base 64 value: illegal base64 data at input byte %d' % offset
    assert (response.status_code, response.json()) == (400, {'error': message})
    response = text_api.put('/apps/demo/configs/x', data={'value': value})
    assert (response.status_code, response.text, response.headers['Content-Type']) == (400, message + '\n', 'text/plain; charset=utf-8')
    assert api.get('/apps/demo/configs/x').status_code == 404


@pytest.mark.usefixtures('demo')
def test_newlines_in_base64_are_ignored(api):
    assert api.put('/apps/demo/configs/x', data={'value': 'YW\nJj\r\n'}).content == b'ok\n'
    assert api.get('/apps/demo/configs/x').json()['value'] == 'abc'


@pytest.mark.usefixtures('demo')
def test_missing_config(api, text_api):
    response = api.get('/apps/demo/configs/nope')
    assert (response.status_code, response.content) == (404, b'{"error":"app config not found: nope"}\n')
    assert text_api.get('/apps/demo/configs/nope').text == 'app config not found: nope\n'


def test_unknown_app(api):
    # Nothing looks the app up: an empty namespace lists nothing, a get is a missing config, a set is the API server's refusal.
    assert api.get('/apps/missing/configs').content == b'[]\n'
    assert api.get('/apps/missing/configs/x').json() == {'error': 'app config not found: x'}
    response = api.put('/apps/missing/configs/x', data={'value': b64('v')})
    assert (response.status_code, response.json()) == (500, {'error': 'failed to set config: namespaces "dev-missing" not found'})
    # The base64 check comes first.
    assert api.put('/apps/missing/configs/x', data={'value': '!'}).status_code == 400


@pytest.mark.usefixtures('demo')
def test_names_must_make_a_secret_name(api):
    response = api.put('/apps/demo/configs/Bad_Name', data={'value': b64('v')})
    assert response.status_code == 500
    assert response.json()['error'].startswith('failed to set config: Secret "cfg-Bad_Name" is invalid: metadata.name: Invalid value: '
                                               '"cfg-Bad_Name": a lowercase RFC 1123 subdomain must consist of')
    assert api.put('/apps/demo/configs/dots.are-fine', data={'value': b64('v')}).content == b'ok\n'


def test_configs_go_with_the_app(api, clock):
    create_running_app(api, clock)
    api.put('/apps/demo/configs/cli-env-mask', data={'value': b64('A')})
    api.delete('/apps/demo')
    # While the namespace terminates its Secrets are still there; a new one cannot be made.
    assert api.get('/apps/demo/configs/cli-env-mask').json()['value'] == 'A'
    assert 'being terminated' in api.put('/apps/demo/configs/other', data={'value': b64('B')}).json()['error']
    clock.advance(1)
    create_running_app(api, clock)
    assert api.get('/apps/demo/configs').json() == []


@pytest.mark.usefixtures('demo')
def test_roles(api, rack):
    apis = role_apis(api, rack)
    api.put('/apps/demo/configs/m', data={'value': b64('v')})
    assert apis['read'].get('/apps/demo/configs/m').json()['value'] == 'v'
    response = apis['read'].put('/apps/demo/configs/m', data={'value': b64('w')})
    assert (response.status_code, response.json()) == (401, {'error': 'you are unauthorized to access this'})
    assert apis['write'].put('/apps/demo/configs/m', data={'value': b64('w')}).content == b'ok\n'
    assert apis['read'].get('/apps/demo/configs').json() == [{'name': 'm', 'value': 'w'}]


def test_v2_has_no_configs(v2):
    v2.post('/apps', data={'name': 'demo'})
    for method in ('GET', 'PUT'):
        response = v2.request(method, '/apps/demo/configs/x')
        assert (response.status_code, response.content, 'Request-Id' in response.headers) == (404, b'', False)
