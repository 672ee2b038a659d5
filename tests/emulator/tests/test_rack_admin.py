# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Events, Karpenter cleanup, the Let's Encrypt config, the in-cluster HTTP proxy, JWT sign-key rotation."""

import json

import pytest

from convox_emulator.areas.rack_admin import events_of
from emulator_helpers import Api, mint_token, role_apis

JSON_BODY = {'Content-Type': 'application/json'}


def test_events(api, rack):
    assert api.post('/events', data={'action': 'app:deploy', 'data': 'app=demo&id=R1'}).content == b'ok\n'
    api.post('/events', data={'action': 'app:fail', 'error': 'boom', 'status': 'ignored', 'data': 'ack_by=ops'})
    first, second = events_of(rack.state)
    assert first == {'action': 'app:deploy', 'data': {'actor': 'rack-password', 'app': 'demo', 'id': 'R1', 'rack': 'dev'}, 'status': 'success',
                     'timestamp': first['timestamp']}
    assert (second['status'], second['data']['message'], second['data']['actor']) == ('error', 'boom', 'ops')
    response = api.post('/events', data={'action': 'x', 'data': '%zz'})
    assert (response.status_code, response.json()) == (500, {'error': 'invalid URL escape "%zz"'})


def test_karpenter_cleanup(api, rack):
    assert api.post('/system/karpenter/cleanup').content == b'ok\n'
    assert role_apis(api, rack)['read'].post('/system/karpenter/cleanup').status_code == 401


class TestLetsEncrypt:
    def test_default(self, api):
        assert api.get('/letsencrypt/config').content == b'{\n  "role": "",\n  "solvers": null\n}\n'

    def test_apply(self, api):
        solvers = [{'id': 1, 'dns-zones': ['example.com'], 'route53': {'hosted-zone-id': 'Z1', 'role': 'arn:r'}},
                   {'id': 2, 'dns-zones': ['example.org']}]
        body = {'Role': 'ignored', 'SOLVERS': solvers, 'extra': True}
        assert api.put('/letsencrypt/config', data=json.dumps(body), headers=JSON_BODY).content == b'ok\n'
        config = api.get('/letsencrypt/config').json()
        # The role is always the rack's; a route53 solver without a region gets the rack's (both empty here).
        assert config == {'role': '', 'solvers': [
            {'id': 1, 'dns-zones': ['example.com'], 'route53': {'hosted-zone-id': 'Z1', 'region': '', 'role': 'arn:r'}},
            {'id': 2, 'dns-zones': ['example.org'], 'route53': None}]}

    @pytest.mark.parametrize('body, headers, message', [
        ('', JSON_BODY, 'EOF'),
        ('{"solvers": [', JSON_BODY, 'unexpected EOF'),
        ('nope', JSON_BODY, "invalid character 'n' looking for beginning of value"),
        ('{"solvers": "all"}', JSON_BODY, 'json: cannot unmarshal string into Go struct field LetsEncryptConfig.solvers of type '
                                          '[]*structs.Dns01Solver'),
        ('{"solvers": [{"id": "one"}]}', JSON_BODY, 'json: cannot unmarshal string into Go struct field LetsEncryptConfig.solvers.id of type int'),
        ('[]', JSON_BODY, 'json: cannot unmarshal array into Go value of type structs.LetsEncryptConfig'),
        ('role=x', {'Content-Type': 'application/x-www-form-urlencoded'}, 'EOF'),
    ])
    def test_errors(self, api, body, headers, message):
        response = api.put('/letsencrypt/config', data=body, headers=headers)
        assert (response.status_code, response.json()) == (500, {'error': message})

    def test_solvers_as_a_param(self, api):
        response = api.put('/letsencrypt/config', params={'solvers': 'x'}, data='{}', headers=JSON_BODY)
        assert response.json() == {'error': 'unknown param type: []*structs.Dns01Solver'}

    def test_roles(self, api, rack):
        apis = role_apis(api, rack)
        assert apis['read'].get('/letsencrypt/config').status_code == 200
        assert apis['read'].put('/letsencrypt/config', data='{}', headers=JSON_BODY).status_code == 401


class TestHttpProxy:
    HEADERS = {'X-Host': 'web.demo.svc.cluster.local', 'X-Port': '3000'}

    def test_nothing_behind_it(self, api):
        for method in ('GET', 'POST', 'DELETE'):
            response = api.request(method, '/custom/http/proxy/metrics', headers=self.HEADERS)
            assert (response.status_code, response.content, 'Content-Type' in response.headers) == (502, b'', False)
            assert 'Request-Id' in response.headers

    @pytest.mark.parametrize('headers, message', [
        ({}, 'invalid proxy host'),
        ({'X-Host': 'example.com', 'X-Port': '80'}, 'invalid proxy host'),
        ({'X-Host': 'svc.cluster.local', 'X-Port': '80'}, 'invalid proxy host'),
        ({'X-Host': 'web.demo.local', 'X-Port': '0'}, 'invalid proxy port'),
        ({'X-Host': 'web.demo.local', 'X-Port': 'http'}, 'invalid proxy port'),
    ])
    def test_checks(self, api, headers, message):
        response = api.get('/custom/http/proxy/x', headers=headers)
        assert (response.status_code, response.json()) == (400, {'error': message})

    def test_roles(self, api, rack):
        apis = role_apis(api, rack)
        # GET passes the route check with a read role; the handler wants write.
        response = apis['read'].get('/custom/http/proxy/x', headers=self.HEADERS)
        assert (response.status_code, response.json()) == (403, {'error': 'proxy requires write access'})
        assert apis['read'].post('/custom/http/proxy/x', headers=self.HEADERS).status_code == 401
        assert apis['write'].get('/custom/http/proxy/x', headers=self.HEADERS).status_code == 502


def test_jwt_rotate(api, rack):
    apis = role_apis(api, rack)
    for role in ('read', 'write'):
        response = apis[role].put('/system/jwt/rotate')
        assert response.status_code == (401 if role == 'read' else 403)
    assert apis['admin'].put('/system/jwt/rotate').content == b'ok\n'
    for role in ('read', 'write', 'admin'):
        assert apis[role].get('/apps').json() == {'error': 'invalid authentication: signature is invalid'}
    # The rack password still works, and mints tokens with the new key.
    fresh = Api(rack, user='jwt', password=mint_token(api, 'read'))
    assert fresh.get('/apps').content == b'[]\n'


def test_v2_has_only_events(v2):
    assert v2.post('/events', data={'action': 'x'}).text == 'ok\n'
    for method, path in (('POST', '/system/karpenter/cleanup'), ('GET', '/letsencrypt/config'), ('GET', '/custom/http/proxy/x')):
        assert v2.request(method, path).status_code == 404
