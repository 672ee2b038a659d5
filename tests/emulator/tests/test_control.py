# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The request log and the other control routes (DESIGN.md 6)."""

import base64

import pytest
import requests

from emulator_helpers import Api, add_build, create_running_app, deploy_manifest

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'


def test_log_entry_shape(rack):
    api = Api(rack, headers={'User-Agent': 'convox.convox/1.0', 'Version': 'dev'})
    api.post('/apps?x=1&x=2&y=', data={'name': 'demo', 'generation': '2'})
    entry = rack.requests()[0]
    assert entry == {
        'method': 'POST', 'path': '/apps', 'raw_path': '/apps', 'query': {'x': ['1', '2'], 'y': ''}, 'form': ['name', 'generation'],
        'headers': {'Accept': 'application/json', 'User-Agent': 'convox.convox/1.0', 'Content-Type': 'application/x-www-form-urlencoded',
                    'Version': 'dev', 'Authorization': 'convox'},
        'status': 200, 'fault': False,
    }


def test_log_never_holds_secrets(rack):
    Api(rack, user='jwt', password='header.claims.signature').get('/apps')
    Api(rack, password='not-the-password').get('/apps')
    Api(rack).post('/apps/demo/releases', data={'env': 'SECRET=hunter2'})
    # A Basic credential without a colon (a bare token): nothing of it is logged.
    bare = base64.b64encode(b'bare-token-no-colon').decode('ascii')
    requests.get(rack.url + '/apps', headers={'Authorization': 'Basic ' + bare}, timeout=5)
    # Secrets in the query string: values of secret-looking names are masked, others kept.
    query = ('password=qpass1&Pass=qpass2&token=qtoken&client_secret=qsecret&key=qkey&value=qvalue&env=A%3Dqenv&env=B%3Dqenv2'
             '&x_api_key=qapikey&limit=5')
    Api(rack).get('/apps?' + query)
    text = repr(rack.requests())
    for secret in ('header.claims.signature', 'not-the-password', rack.password, 'hunter2', 'bare-token-no-colon', 'qpass1', 'qpass2',
                   'qtoken', 'qsecret', 'qkey', 'qvalue', 'qenv', 'qapikey'):
        assert secret not in text
    entries = rack.requests()
    assert [entry['headers']['Authorization'] for entry in entries] == ['jwt', 'convox', 'convox', '', 'convox']
    assert [entry['status'] for entry in entries] == [401, 401, 404, 401, 200]
    assert entries[-1]['query'] == {'password': '********', 'Pass': '********', 'token': '********', 'client_secret': '********',
                                    'key': '********', 'value': '********', 'env': ['********', '********'], 'x_api_key': '********',
                                    'limit': '5'}


def test_log_covers_unrouted_and_raw_bodies(rack):
    requests.get(rack.url + '/nope', timeout=5)
    Api(rack).post('/apps/demo/objects/k', data=b'raw', headers={'Content-Type': 'application/octet-stream'})
    entries = rack.requests()
    assert [(entry['path'], entry['status'], entry['form']) for entry in entries] == [('/nope', 404, []), ('/apps/demo/objects/k', 200, [])]
    assert 'Authorization' not in entries[0]['headers']


def test_control_requests_are_not_logged_and_need_the_password(rack):
    api = Api(rack)
    api.get('/auth')
    assert len(api.get('/_emulator/requests').json()) == 1
    response = Api(rack, password='wrong').get('/_emulator/requests')
    assert (response.status_code, response.json()) == (401, {'error': 'invalid authentication'})
    # Any user name, including jwt, as long as the password is the rack's.
    assert Api(rack, user='jwt').get('/_emulator/requests').status_code == 200
    assert api.delete('/_emulator/requests').content == b'ok\n'
    assert api.get('/_emulator/requests').json() == []


def test_reset_rotates_the_jwt_key(rack):
    api = Api(rack)
    response = api.post('/system/jwt/token', data={'role': 'read', 'durationInHour': '1'})
    token = response.json()['token']
    assert Api(rack, user='jwt', password=token).get('/apps').status_code == 200
    assert api.post('/_emulator/reset').content == b'ok\n'
    response = Api(rack, user='jwt', password=token).get('/apps')
    assert (response.status_code, response.json()) == (401, {'error': 'invalid authentication: signature is invalid'})


def test_failing_deploy_rolls_back(api, rack, clock):
    """convox-api.md 6.2: updating, then rollback with the previous release, then running with it."""
    create_running_app(api, clock)
    first = deploy_manifest(api, rack, clock, MANIFEST)
    response = api.post('/_emulator/deploys', json={'app': 'demo', 'outcome': 'rollback'})
    assert (response.status_code, response.json()) == (200, {'demo': 'rollback'})
    assert api.get('/_emulator/deploys').json() == {'demo': 'rollback'}
    second = api.post('/apps/demo/releases', data={'build': add_build(rack, 'demo').id}).json()['id']
    assert api.post('/apps/demo/releases/%s/promote' % second).status_code == 200
    assert api.get('/_emulator/deploys').json() == {}
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('updating', second)
    clock.advance(0.25)
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('rollback', first)
    clock.advance(0.2)
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('running', first)
    # Only the next deploy fails.
    assert api.post('/apps/demo/releases/%s/promote' % second, data={'force': 'true'}).status_code == 200
    clock.advance(1)
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('running', second)


def test_failing_deploy_read_late_settles_running_on_the_previous_release(api, rack, clock):
    first = deploy_manifest(api, rack, clock, MANIFEST)
    api.post('/_emulator/deploys', json={'app': 'demo', 'outcome': 'rollback'})
    second = api.post('/apps/demo/releases', data={'build': add_build(rack, 'demo').id}).json()['id']
    api.post('/apps/demo/releases/%s/promote' % second)
    clock.advance(5)
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('running', first)


def test_deploy_outcome_success_clears_and_reset_forgets(api, rack):
    api.post('/_emulator/deploys', json={'app': 'demo', 'outcome': 'rollback'})
    assert api.post('/_emulator/deploys', json={'app': 'demo', 'outcome': 'success'}).json() == {}
    api.post('/_emulator/deploys', json={'app': 'other', 'outcome': 'rollback'})
    rack.reset()
    assert api.get('/_emulator/deploys').json() == {}


@pytest.mark.parametrize('payload, message', [
    ('not json', 'invalid deploy outcome: '),
    ([], 'expected a JSON object with exactly "app" and "outcome"'),
    ({'app': 'demo'}, 'expected a JSON object with exactly "app" and "outcome"'),
    ({'app': '', 'outcome': 'rollback'}, 'app must be a non-empty string'),
    ({'app': 'demo', 'outcome': 'explode'}, 'outcome must be one of rollback, success'),
])
def test_bad_deploy_outcomes(api, payload, message):
    response = api.post('/_emulator/deploys', data=payload) if isinstance(payload, str) else api.post('/_emulator/deploys', json=payload)
    assert response.status_code == 400
    assert message in response.json()['error']


def test_reset_over_http(rack):
    api = Api(rack)
    api.post('/apps', data={'name': 'demo'})
    api.post('/_emulator/faults', json=[{'path': '^/never$', 'status': 500}])
    assert api.post('/_emulator/reset').content == b'ok\n'
    assert rack.state.apps == {}
    assert api.get('/_emulator/requests').json() == []
    assert api.get('/_emulator/faults').json() == []


def test_helper_methods(rack):
    Api(rack).get('/auth')
    assert len(rack.requests()) == 1
    rack.clear_requests()
    assert rack.requests() == []
