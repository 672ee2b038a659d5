# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App resources from the active release's manifest (convox-api.md 2.6, transcript row 53)."""

import re

import pytest

from build_helpers import MANIFEST, finished_build, source_tarball
from convox_emulator.testing import EmulatorServer
from emulator_helpers import Api, FakeClock, create_running_app

RESOURCE_FIELDS = ['name', 'status', 'type', 'url']
WITH_RESOURCES = """resources:
  main-db:
    type: postgres
  cache:
    type: redis
  legacy:
    type: mysql
  queue:
    type: memcached
  warehouse:
    type: rds-postgres
  sessions:
    type: elasticache-redis
services:
  web:
    build: .
    port: 3000
    resources: [main-db, cache]
"""


def deploy(api, clock, manifest, app='demo'):
    """Build ``manifest``, promote the build's release and let the deploy finish; returns the release id."""
    build = finished_build(api, clock, app, tarball=source_tarball(manifest=manifest))
    assert build['status'] == 'complete', build
    response = api.post('/apps/%s/releases/%s/promote' % (app, build['release']))
    assert response.status_code == 200, response.text
    clock.advance(1)
    return build['release']


def test_no_release_yet(api, text_api, clock):
    create_running_app(api, clock)
    for path in ('/apps/demo/resources', '/apps/demo/resources/db'):
        response = api.get(path)
        assert (response.status_code, response.content) == (500, b'{"error":"no release for app: demo"}\n')
    assert text_api.get('/apps/demo/resources').text == 'no release for app: demo\n'
    # A release that was never promoted does not count.
    finished_build(api, clock, tarball=source_tarball(manifest=WITH_RESOURCES))
    assert api.get('/apps/demo/resources').json() == {'error': 'no release for app: demo'}


def test_missing_app(api):
    for path in ('/apps/nope/resources', '/apps/nope/resources/db'):
        response = api.get(path)
        assert (response.status_code, response.json()) == (404, {'error': 'app not found: nope'})


def test_transcript_no_resources(api, clock):
    create_running_app(api, clock)
    deploy(api, clock, MANIFEST)
    response = api.get('/apps/demo/resources')                                  # 53
    assert (response.status_code, response.content) == (200, b'[]\n')


def test_list_and_get(api, clock):
    create_running_app(api, clock)
    deploy(api, clock, WITH_RESOURCES)
    listed = api.get('/apps/demo/resources').json()
    # The API sorts Resources by name.
    assert [item['name'] for item in listed] == ['cache', 'legacy', 'main-db', 'queue', 'sessions', 'warehouse']
    assert all(list(item) == RESOURCE_FIELDS for item in listed)
    by_name = {item['name']: item for item in listed}
    assert by_name['cache'] == {'name': 'cache', 'status': 'running', 'type': 'redis', 'url': 'redis://resource-cache.dev-demo.svc.cluster.local:6379'}
    assert re.fullmatch(r'postgres://app:[0-9a-f]{24}@resource-main-db\.dev-demo\.svc\.cluster\.local:5432/app\?sslmode=disable',
                        by_name['main-db']['url'])
    assert re.fullmatch(r'mysql://root:[0-9a-f]{24}@resource-legacy\.dev-demo\.svc\.cluster\.local:3306/app', by_name['legacy']['url'])
    assert by_name['queue']['url'] == 'memcached://resource-queue.dev-demo.svc.cluster.local:11211'
    assert (by_name['warehouse']['status'], by_name['warehouse']['type']) == ('available', 'rds-postgres')
    assert re.fullmatch(r'postgres://app:[0-9a-f]{24}@dev-demo-warehouse\.emulated\.us-east-1\.rds\.amazonaws\.com:5432/app\?sslmode=disable',
                        by_name['warehouse']['url'])
    assert by_name['sessions'] == {'name': 'sessions', 'status': 'running', 'type': 'elasticache-redis',
                                   'url': 'redis://dev-demo-sessions.emulated.use1.cache.amazonaws.com:6379/0'}
    response = api.get('/apps/demo/resources/main-db')
    assert response.status_code == 200 and response.json() == by_name['main-db']
    # Passwords are stable across reads and deploys.
    deploy(api, clock, WITH_RESOURCES)
    assert api.get('/apps/demo/resources/main-db').json()['url'] == by_name['main-db']['url']


def test_missing_resource_is_an_untyped_error(api, clock):
    create_running_app(api, clock)
    deploy(api, clock, WITH_RESOURCES)
    response = api.get('/apps/demo/resources/nope')
    assert (response.status_code, response.json()) == (500, {'error': 'no such resource: nope'})


def test_env_overlay_makes_a_resource_external(api, clock):
    create_running_app(api, clock)
    release = deploy(api, clock, WITH_RESOURCES)
    env = 'MAIN_DB_URL=postgres://user:pw@db.example.com:5432/prod'
    overlaid = api.post('/apps/demo/releases', data={'env': env, 'parent-release': release}).json()
    api.post('/apps/demo/releases/%s/promote' % overlaid['id'])
    clock.advance(1)
    resource = api.get('/apps/demo/resources/main-db').json()
    assert resource == {'name': 'main-db', 'status': 'external', 'type': 'postgres', 'url': 'postgres://user:pw@db.example.com:5432/prod'}
    assert api.get('/apps/demo/resources/cache').json()['status'] == 'running'


def test_new_resources_are_pending_while_the_deploy_rolls_out(api, clock):
    create_running_app(api, clock)
    deploy(api, clock, 'resources:\n  cache:\n    type: redis\nservices:\n  web:\n    build: .\n')
    build = finished_build(api, clock, tarball=source_tarball(manifest=WITH_RESOURCES))
    api.post('/apps/demo/releases/%s/promote' % build['release'])
    statuses = {item['name']: item['status'] for item in api.get('/apps/demo/resources').json()}
    assert (statuses['cache'], statuses['main-db'], statuses['legacy']) == ('running', 'pending', 'pending')
    clock.advance(1)
    assert api.get('/apps/demo/resources/main-db').json()['status'] == 'running'


def test_active_release_with_a_broken_manifest(api, clock):
    create_running_app(api, clock)
    build = api.post('/apps/demo/builds', data={'external': 'true'}).json()
    api.put('/apps/demo/builds/%s' % build['id'], data={'manifest': 'services: [\n', 'status': 'complete'})
    release = api.post('/apps/demo/releases', data={'build': build['id']}).json()
    response = api.post('/apps/demo/releases/%s/promote' % release['id'])
    # The promote itself is refused with the parse error; make the release active white-box to reach the resources route.
    assert response.status_code == 500 and response.json()['error'].startswith('yaml: line 2: ')
    api.rack.state.apps['demo'].release = release['id']
    response = api.get('/apps/demo/resources')
    assert response.status_code == 500 and response.json()['error'].startswith('yaml: line 2: ')


@pytest.fixture(scope='module')
def v2_rack():
    with EmulatorServer(password='pw', rack_version='20240101000000') as rack:
        yield rack


def test_v2_resources_have_no_status(v2_rack):
    v2_rack.reset()
    original, v2_rack.state.clock = v2_rack.state.clock, FakeClock()
    try:
        api = Api(v2_rack)
        api.post('/apps', data={'name': 'demo'})
        v2_rack.state.clock.advance(3)
        deploy(api, v2_rack.state.clock, WITH_RESOURCES)
        cache = api.get('/apps/demo/resources/cache').json()
        assert list(cache) == ['name', 'type', 'url'] and cache['type'] == 'redis'
        response = api.get('/apps/demo/resources/main_db')
        assert (response.status_code, response.text) == (500, 'ValidationError: Resource ResourceMainDb does not exist for stack convox-demo\n')
    finally:
        v2_rack.state.clock = original
