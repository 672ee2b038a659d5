# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Registries: add or overwrite, list (passwords in clear), remove; the /v2 registry proxy (transcript rows 69-71)."""

import pytest

from emulator_helpers import create_running_app, pretty, role_apis


def test_transcript_add_and_list(api):
    assert api.get('/registries').content == b'[]\n'                              # 69
    response = api.post('/registries', data={'server': 'r.example.com', 'username': 'u', 'password': 'p'})   # 70
    assert (response.status_code, response.content) == (200, pretty('{"server":"r.example.com","username":"u","password":"p"}'))
    assert api.get('/registries').content == pretty('[{"server":"r.example.com","username":"u","password":"p"}]')   # 71


def test_overwrite_sort_and_remove(api, text_api):
    for server in ('zeta.example.com', 'alpha.example.com:5000', 'Mid.example.com'):
        api.post('/registries', data={'server': server, 'username': 'user', 'password': 'pw-%s' % server})
    api.post('/registries', data={'server': 'zeta.example.com', 'username': 'other', 'password': 'new'})
    listed = api.get('/registries').json()
    # Sorted by server, bytewise (upper case first).
    assert [item['server'] for item in listed] == ['Mid.example.com', 'alpha.example.com:5000', 'zeta.example.com']
    assert listed[-1] == {'server': 'zeta.example.com', 'username': 'other', 'password': 'new'}
    assert api.delete('/registries/alpha.example.com:5000').content == b'ok\n'
    assert [item['server'] for item in api.get('/registries').json()] == ['Mid.example.com', 'zeta.example.com']
    response = api.delete('/registries/alpha.example.com:5000')
    assert (response.status_code, response.content) == (404, b'{"error":"no such registry: alpha.example.com:5000"}\n')
    assert text_api.delete('/registries/nope').text == 'no such registry: nope\n'


def test_server_with_a_path(api):
    api.post('/registries', data={'server': 'ghcr.io/acme', 'username': 'u', 'password': 'p'})
    assert api.delete('/registries/ghcr.io/acme').content == b'ok\n'
    assert api.get('/registries').json() == []


def test_values_are_not_checked_and_usernames_split_at_the_first_colon(api):
    response = api.post('/registries')
    assert response.json() == {'server': '', 'username': '', 'password': ''}
    api.post('/registries', data={'server': 'r.example.com', 'username': 'a:b', 'password': 'c'})
    listed = {item['server']: item for item in api.get('/registries').json()}
    assert listed[''] == {'server': '', 'username': '', 'password': ''}
    # The docker config stores base64("a:b:c"); reading it back splits at the first colon.
    assert listed['r.example.com'] == {'server': 'r.example.com', 'username': 'a', 'password': 'b:c'}
    assert api.delete('/registries/').content == b'ok\n'


def test_values_may_come_as_headers(api):
    response = api.post('/registries', headers={'server': 'h.example.com', 'username': 'hu', 'password': 'hp'})
    assert response.json() == {'server': 'h.example.com', 'username': 'hu', 'password': 'hp'}


def test_old_query_form_is_the_routers_405(api):
    api.post('/registries', data={'server': 'r.example.com', 'username': 'u', 'password': 'p'})
    response = api.delete('/registries', params={'server': 'r.example.com'})
    assert (response.status_code, response.content, 'Request-Id' in response.headers) == (405, b'', False)


def test_deleting_the_registries_secret_through_certificates_drops_them_all(api):
    api.post('/registries', data={'server': 'r.example.com', 'username': 'u', 'password': 'p'})
    assert api.delete('/certificates/registries').content == b'ok\n'
    assert api.get('/registries').json() == []


def test_roles(api, rack):
    apis = role_apis(api, rack)
    api.post('/registries', data={'server': 'r.example.com', 'username': 'u', 'password': 'p'})
    assert apis['read'].get('/registries').json()[0]['password'] == 'p'
    for method, path in (('POST', '/registries'), ('DELETE', '/registries/r.example.com')):
        response = apis['read'].request(method, path, data={'server': 'x', 'username': 'u', 'password': 'p'})
        assert (response.status_code, response.json()) == (401, {'error': 'you are unauthorized to access this'})
    assert apis['write'].delete('/registries/r.example.com').content == b'ok\n'


def test_v2(v2):
    response = v2.post('/registries', data={'server': 'r.example.com', 'username': 'u'})
    assert (response.status_code, response.text) == (500, 'password must not be blank\n')
    for field in ('server', 'username'):
        data = {'server': 's', 'username': 'u', 'password': 'p'}
        data[field] = ''
        assert v2.post('/registries', data=data).text == '%s must not be blank\n' % field
    assert v2.post('/registries', data={'server': 'r.example.com', 'username': 'u', 'password': 'p'}).json()['password'] == 'p'
    assert v2.get('/registries').json() == [{'server': 'r.example.com', 'username': 'u', 'password': 'p'}]
    # RegistryRemove deletes a settings object that need not exist.
    assert v2.delete('/registries/nope').text == 'ok\n'
    assert v2.delete('/registries/r.example.com').text == 'ok\n'
    assert v2.get('/registries').json() == []
    assert v2.get('/v2/').status_code == 404


class TestRegistryProxy:
    def test_root(self, api):
        response = api.get('/v2/')
        assert (response.status_code, response.content) == (200, b'')
        assert response.headers['Docker-Distribution-Api-Version'] == 'registry/2.0'
        assert 'Content-Type' not in response.headers and 'Request-Id' in response.headers

    def test_missing_app(self, api, text_api):
        response = api.get('/v2/dev/nope/manifests/latest')
        assert (response.status_code, response.json()) == (403, {'error': '{"errors":[{"message":"app not found: nope"}]}'})
        assert text_api.put('/v2/dev/nope/blobs/uploads/').text == '{"errors":[{"message":"app not found: nope"}]}\n'

    def test_existing_app_has_nothing_behind_it(self, api, clock):
        create_running_app(api, clock)
        response = api.get('/v2/dev/demo/manifests/latest')
        assert (response.status_code, response.content, 'Content-Type' in response.headers) == (502, b'', False)

    @pytest.mark.usefixtures('clock')
    def test_roles(self, api, rack):
        apis = role_apis(api, rack)
        assert apis['read'].get('/v2/').status_code == 200
        assert apis['read'].post('/v2/dev/demo/blobs/uploads/').status_code == 401
