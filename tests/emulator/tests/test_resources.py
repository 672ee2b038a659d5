# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""System (rack) resources, ``/resources``: v3 webhooks (transcript rows 57-65) and v2 CloudFormation resources with links."""

import re

import pytest

from emulator_helpers import Api, pretty

TRANSCRIPT_TYPES = '[{"name":"webhook","parameters":[{"default":"","description":"url to which to post rack events","name":"Url"}]}]'
NON_ROUTABLE = 'url: URL resolves to a non-routable address; if you intended an in-cluster Prometheus, use a *.svc.cluster.local hostname'
UNRESOLVED = ('url: hostname did not resolve (lookup %s on 10.255.255.53:53: no such host); set a publicly resolvable hostname or use a '
              '*.svc.cluster.local hostname for in-cluster targets')


def webhook(api, url, **fields):
    return api.post('/resources', data=dict(kind='webhook', parameters='Url=%s' % url, **fields))


def test_transcript_webhooks(api):
    assert api.get('/resources').content == b'[]\n'                              # 57
    response = api.request('OPTIONS', '/resources')                             # 58
    assert (response.status_code, response.content) == (200, pretty(TRANSCRIPT_TYPES))
    response = api.post('/resources', data={'kind': 'webhook', 'parameters': 'Url=http%3A%2F%2Fx'})   # 59
    assert (response.status_code, response.json()) == (400, {'error': UNRESOLVED % 'x'})
    response = webhook(api, 'http://93.184.216.34/hook')                        # 60
    assert response.status_code == 200
    created = response.json()
    assert re.fullmatch(r'webhook-[0-9a-f]{6}', created['name'])
    assert response.content == pretty('{"name":"%s","parameters":{"Url":"http://93.184.216.34/hook"},"status":"running","type":"webhook",'
                                      '"url":""}' % created['name'])
    response = webhook(api, 'http://127.0.0.1:9/hook')                          # 61
    assert (response.status_code, response.json()) == (400, {'error': NON_ROUTABLE})
    response = webhook(api, 'https://hooks.example.com/x', name='hook1')        # 62
    assert (response.status_code, response.json()['name']) == (200, 'hook1')
    response = api.post('/resources', data={'kind': 'postgres'})                # 63
    assert (response.status_code, response.json()) == (400, {'error': 'rack resource type unknown: postgres'})
    assert [item['name'] for item in api.get('/resources').json()] == ['hook1', created['name']]     # 64
    response = api.get('/resources/nope')                                       # 65
    assert (response.status_code, response.content) == (404, b'{"error":"no such resource: nope"}\n')
    assert api.get('/resources/hook1').json() == {'name': 'hook1', 'parameters': {'Url': 'https://hooks.example.com/x'}, 'status': 'running',
                                                  'type': 'webhook', 'url': ''}


@pytest.mark.parametrize('url, error', [
    ('http://10.1.2.3/', NON_ROUTABLE),
    ('http://172.16.0.1/', NON_ROUTABLE),
    ('http://192.168.1.1:8080/', NON_ROUTABLE),
    ('http://169.254.169.254/latest/meta-data', NON_ROUTABLE),
    ('http://100.64.0.1/', NON_ROUTABLE),
    ('http://0.0.0.0/', NON_ROUTABLE),
    ('http://[::1]:9/', NON_ROUTABLE),
    ('http://[::ffff:127.0.0.1]/', NON_ROUTABLE),
    ('http://[fd00::1]/', NON_ROUTABLE),
    ('http://LocalHost:9/', NON_ROUTABLE),
    ('http://api.localhost/', NON_ROUTABLE),
    ('ftp://example.com/', 'url: URL must use http or https scheme'),
    ('example.com/hook', 'url: URL must use http or https scheme'),
    ('http:///hook', 'url: URL must include a host (e.g. http://prom.example.com:9090)'),
    ('http://hooks.test/x', UNRESOLVED % 'hooks.test'),
    ('http://bad_name.example.com/', UNRESOLVED % 'bad_name.example.com'),
    ('http://8.8.8.8/', None),
    ('http://[2001:4860:4860::8888]/', None),
    ('https://user:pw@hooks.slack.com/services/T0/B0/X', None),
    ('http://prometheus.monitoring.svc.cluster.local:9090/', None),
])
def test_webhook_url_guard(api, url, error):
    response = webhook(api, url.replace('%', '%25').replace('&', '%26'))
    if error is None:
        assert response.status_code == 200, response.text
        assert response.json()['parameters'] == {'Url': url}
    else:
        assert (response.status_code, response.json()) == (400, {'error': error})


def test_webhook_create_errors(api, text_api):
    response = api.post('/resources', data={'kind': 'webhook', 'parameters': 'url=http://8.8.8.8'})
    assert (response.status_code, response.json()) == (400, {'error': 'parameter required: Url'})
    assert api.post('/resources', data={'kind': 'webhook'}).json() == {'error': 'parameter required: Url'}
    assert webhook(api, '').json() == {'error': 'url required'}
    response = api.post('/resources', data={'kind': 'webhook', 'parameters': 'Url=%zz'})
    assert (response.status_code, response.json()) == (500, {'error': 'invalid URL escape "%zz"'})
    assert api.post('/resources', data={'type': 'webhook', 'url': 'http://8.8.8.8'}).json() == {'error': 'rack resource type unknown: '}
    assert webhook(api, 'http://8.8.8.8', name='hook').status_code == 200
    response = webhook(api, 'http://8.8.4.4', name='hook')
    assert (response.status_code, response.json()) == (409, {'error': 'webhook already exists: hook'})
    response = webhook(api, 'http://8.8.4.4', name='bad/name')
    assert response.status_code == 500
    assert response.json()['error'].startswith('ConfigMap "webhooks" is invalid: data[bad/name]: Invalid value: "bad/name": a valid config key')
    assert text_api.post('/resources', data={'kind': 'redis'}).content == b'rack resource type unknown: redis\n'
    assert api.post('/resources', headers={'kind': 'webhook'}, data={'parameters': 'Url=http://8.8.8.8'}).status_code == 200


def test_v3_refuses_update_and_links(api):
    webhook(api, 'http://8.8.8.8', name='hook')
    for method, path, data in (('PUT', '/resources/hook', {'parameters': 'Url=http://1.1.1.1'}), ('PUT', '/resources/nope', {}),
                               ('POST', '/resources/hook/links', {'app': 'demo'}), ('DELETE', '/resources/hook/links/demo', None)):
        response = api.request(method, path, data=data)
        assert (response.status_code, response.json()) == (400, {'error': 'unavailable on v3 racks'})
    response = api.put('/resources/hook', data={'parameters': 'Url=%zz'})
    assert (response.status_code, response.json()) == (500, {'error': 'invalid URL escape "%zz"'})


def test_delete(api):
    webhook(api, 'http://8.8.8.8', name='hook')
    response = api.delete('/resources/hook')
    assert (response.status_code, response.content) == (200, b'ok\n')
    assert api.get('/resources/hook').status_code == 404
    assert api.delete('/resources/hook').json() == {'error': 'no such resource: hook'}
    assert api.get('/resources').content == b'[]\n'


def test_resource_types_need_write(api, rack):
    token = api.post('/system/jwt/token', data={'role': 'read', 'durationInHour': '1'}).json()['token']
    reader = Api(rack, user='jwt', password=token)
    assert reader.get('/resources').status_code == 200
    response = reader.request('OPTIONS', '/resources')
    assert (response.status_code, response.json()) == (401, {'error': 'you are unauthorized to access this'})


# ---------------------------------------------------------------- v2 racks (the v2 fixture is in conftest.py)

def advance(v2):
    v2.rack.state.clock.advance(1)


def test_v2_types(v2):
    types = v2.request('OPTIONS', '/resources').json()
    assert [item['name'] for item in types] == ['memcached', 'mysql', 'postgres', 'redis', 's3', 'sns', 'sqs', 'syslog', 'valkey', 'webhook']
    postgres = next(item for item in types if item['name'] == 'postgres')['parameters']
    assert [item['name'] for item in postgres] == sorted(item['name'] for item in postgres)
    assert {'default': '(generated)', 'description': 'Server password', 'name': 'Password'} in postgres
    assert not {'Private', 'Subnets', 'Vpc', 'Version'} & {item['name'] for item in postgres}
    syslog = next(item for item in types if item['name'] == 'syslog')['parameters']
    assert [item['name'] for item in syslog] == ['Format', 'Url']


def test_v2_postgres_lifecycle(v2):
    response = v2.post('/resources', data={'kind': 'postgres', 'name': 'db',
                                           'parameters': 'database=main&multi-az=&Bogus=1&EngineVersion=13&allocated-storage=30'})
    assert response.status_code == 200, response.text
    # cfParams: keys camelized (multi-az is MultiAZ; CamelCase keys stay), empty values are "false", keys outside the template dropped.
    assert response.json() == {'name': 'db', 'parameters': {'AllocatedStorage': '30', 'Database': 'main', 'EngineVersion': '13', 'MultiAZ': 'false'},
                               'type': 'postgres', 'url': ''}
    created = v2.get('/resources/db').json()
    assert (created['status'], created['url']) == ('creating', 'postgres://:@:/')
    assert created['parameters']['Database'] == 'main' and created['parameters']['Username'] == 'postgres'
    assert 'Password' not in created['parameters'] and 'Bogus' not in created['parameters']
    response = v2.put('/resources/db', data={'parameters': 'InstanceType=db.t3.large'})
    assert (response.status_code, response.text) == (500, 'ValidationError: Stack:convox-db is in CREATE_IN_PROGRESS state and can not be updated.\n')
    advance(v2)
    running = v2.get('/resources/db').json()
    assert running['status'] == 'running'
    assert re.fullmatch(r'postgres://postgres:[0-9a-f]{30}@convox-db\.[0-9a-f]{6}\.us-east-1\.rds\.amazonaws\.com:5432/main', running['url'])
    answer = v2.put('/resources/db', data={'parameters': 'InstanceType=db.t3.large'}).json()
    assert answer == running
    updated = v2.get('/resources/db').json()
    assert (updated['status'], updated['parameters']['InstanceType']) == ('updating', 'db.t3.large')
    advance(v2)
    assert v2.get('/resources/db').json()['status'] == 'running'
    assert v2.delete('/resources/db').text == 'ok\n'
    assert v2.get('/resources/db').json()['status'] == 'deleting'
    advance(v2)
    response = v2.get('/resources/db')
    assert (response.status_code, response.text) == (500, 'ValidationError: Stack with id convox-db does not exist\n')


def test_v2_create_errors_and_defaults(v2):
    assert re.fullmatch(r'redis-\d{4}', v2.post('/resources', data={'kind': 'redis'}).json()['name'])
    v2.post('/resources', data={'kind': 'redis', 'name': 'cache'})
    response = v2.post('/resources', data={'kind': 'redis', 'name': 'cache'})
    assert (response.status_code, response.text) == (500, 'resource named cache already exists\n')
    assert v2.post('/resources', data={'kind': 'mongo'}).text == 'invalid resource type: mongo\n'
    assert v2.post('/resources', data={'kind': 'webhook'}).text == 'must specify a URL\n'
    response = v2.post('/resources', data={'kind': 'syslog', 'parameters': 'Url=http://logs.example.com:514'})
    assert (response.status_code, response.text) == (500, 'invalid URL scheme: http. Allowed schemes are: tcp, tcp+tls, udp\n')
    hook = v2.post('/resources', data={'kind': 'webhook', 'name': 'hook', 'parameters': 'Url=http://127.0.0.1/x'}).json()
    assert hook['parameters'] == {'Url': 'http://127.0.0.1/x'}
    advance(v2)
    assert v2.get('/resources/hook').json()['url'] == 'http://127.0.0.1/x'
    v2.put('/resources/hook', data={'parameters': 'Url=http://other.example.com/'})
    assert v2.get('/resources/hook').json()['parameters']['Url'] == 'http://127.0.0.1/x'
    assert [item['name'] for item in v2.get('/resources').json()][:2] == ['cache', 'hook']


def test_v2_classic_create_form(v2):
    """The old client sends ``type`` and the parameters as top-level fields."""
    response = v2.post('/resources', data={'type': 'syslog', 'name': 'logs', 'url': 'tcp+tls://logs.example.com:11235', 'private': ''})
    assert response.status_code == 200, response.text
    assert response.json()['parameters'] == {'Url': 'tcp+tls://logs.example.com:11235'}
    advance(v2)
    logs = v2.get('/resources/logs').json()
    assert (logs['type'], logs['url']) == ('syslog', 'tcp+tls://logs.example.com:11235')
    assert logs['parameters']['Format'] == '<22>1 {DATE} {GROUP} {SERVICE} {CONTAINER} - - {MESSAGE}'


def test_v2_syslog_links(v2):
    clock = v2.rack.state.clock
    v2.post('/apps', data={'name': 'demo'})
    clock.advance(1)
    v2.post('/resources', data={'kind': 'syslog', 'name': 'logs', 'parameters': 'Url=udp://logs.example.com:514'})
    v2.post('/resources', data={'kind': 'sqs', 'name': 'queue'})
    advance(v2)
    response = v2.post('/resources/logs/links', data={'app': 'demo'})
    assert response.status_code == 200, response.text
    linked = response.json()
    assert list(linked) == ['name', 'parameters', 'status', 'type', 'url', 'apps']
    assert [app['name'] for app in linked['apps']] == ['demo'] and linked['apps'][0]['generation'] == '2'
    assert v2.get('/resources/logs').json()['status'] == 'updating'
    assert 'apps' not in v2.get('/resources').json()[0]
    response = v2.post('/resources/logs/links', data={'app': 'demo'})
    assert (response.status_code, response.text) == (500, 'resource logs is already linked to app demo\n')
    response = v2.post('/resources/logs/links', data={'app': 'missing'})
    assert (response.status_code, response.text) == (404, 'app not found: missing\n')
    response = v2.post('/resources/queue/links', data={'app': 'demo'})
    assert (response.status_code, response.text) == (500, 'resource type sqs does not have a link strategy\n')
    response = v2.delete('/resources/logs')
    assert (response.status_code, response.text) == (500, 'resource is linked to demo\n')
    advance(v2)
    assert [app['name'] for app in v2.get('/resources/logs').json()['apps']] == ['demo']
    unlinked = v2.delete('/resources/logs/links/demo').json()
    assert 'apps' not in unlinked
    response = v2.delete('/resources/logs/links/demo')
    assert (response.status_code, response.text) == (500, 'resource logs is not linked to app demo\n')
    response = v2.delete('/resources/nope/links/missing')
    assert (response.status_code, response.text) == (404, 'app not found: missing\n')
    advance(v2)
    assert v2.delete('/resources/logs').text == 'ok\n'
