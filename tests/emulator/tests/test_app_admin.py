# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Balancers, a service's manifest summary, diagnostics (convox-api.md 2.1; transcript rows 54, 56)."""

import pytest

from emulator_helpers import create_running_app, deploy_manifest, pretty, role_apis

MANIFEST = """services:
  web:
    build: .
    port: 3000
    environment:
      - FOO
      - BAR=baz
    scale:
      count: 1-3
  worker:
    build: .
    scale: 0
balancers:
  zeta:
    service: worker
    ports:
      6000: 6001
  alpha:
    service: web
    ports:
      5000: 3001
      5001:
        port: 3002
        protocol: UDP
"""


@pytest.fixture
def demo(api, clock):
    create_running_app(api, clock)


@pytest.mark.usefixtures('demo')
def test_balancers(api, rack, clock, text_api):
    assert api.get('/apps/demo/balancers').content == b'[]\n'                    # 54 (no release yet)
    deploy_manifest(api, rack, clock, MANIFEST)
    listed = api.get('/apps/demo/balancers').json()
    assert [list(item) for item in listed] == [['name', 'endpoint', 'ports', 'service']] * 2
    assert listed == [
        {'name': 'alpha', 'endpoint': '10.0.0.1', 'ports': [{'protocol': 'TCP', 'source': 5000, 'target': 3001},
                                                            {'protocol': 'UDP', 'source': 5001, 'target': 3002}], 'service': 'web'},
        {'name': 'zeta', 'endpoint': '10.0.0.1', 'ports': [{'protocol': 'TCP', 'source': 6000, 'target': 6001}], 'service': 'worker'},
    ]
    response = text_api.get('/apps/missing/balancers')
    assert (response.status_code, response.text) == (404, 'app not found: missing\n')


@pytest.mark.usefixtures('demo')
def test_manifest_service(api, rack, clock):
    response = api.get('/apps/demo/manifest/services/web')
    assert (response.status_code, response.json()) == (500, {'error': 'no release for app: demo'})    # 56, before a promote
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n')
    assert api.get('/apps/demo/manifest/services/web').content == pretty('{"name":"web","scale":{"min":1,"max":1}}')   # 56
    deploy_manifest(api, rack, clock, MANIFEST)
    expected = {'name': 'web', 'environment': ['FOO', 'BAR=baz'], 'scale': {'min': 1, 'max': 3}}
    assert api.get('/apps/demo/manifest/services/web').json() == expected
    assert api.get('/apps/demo/manifest/services/worker').json() == {'name': 'worker'}
    response = api.get('/apps/demo/manifest/services/nope')
    assert (response.status_code, response.json()) == (500, {'error': 'service nope not found in manifest for app demo'})
    assert api.get('/apps/missing/manifest/services/web').json() == {'error': 'app not found: missing'}


@pytest.mark.usefixtures('demo')
def test_diagnose(api, rack, clock):
    report = api.get('/apps/demo/diagnose').json()
    assert list(report) == ['namespace', 'rack', 'app', 'timestamp', 'overview', 'summary']
    assert (report['namespace'], report['rack'], report['app']) == ('dev-demo', 'dev', 'demo')
    assert report['overview'] == {'services': None}
    assert report['summary'] == {'total': 0, 'unhealthy': 0, 'notReady': 0, 'new': 0, 'healthy': 0}
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n    scale: 2\n')
    report = api.get('/apps/demo/diagnose').json()
    assert report['overview']['services'] == [{'name': 'web', 'desiredReplicas': 2, 'readyReplicas': 2, 'updatedReplicas': 2,
                                               'status': 'running'}]
    # Young pods are "new" and listed; once past the age threshold they are healthy and left out.
    assert [(pod['service'], pod['phase'], pod['ready'], pod['classification']) for pod in report['pods']] == [('web', 'Running', '1/1', 'new')] * 2
    assert list(report['pods'][0]) == ['name', 'service', 'phase', 'ready', 'ageSeconds', 'restarts', 'classification']
    clock.advance(302)
    report = api.get('/apps/demo/diagnose').json()
    assert 'pods' not in report and report['summary'] == {'total': 2, 'unhealthy': 0, 'notReady': 0, 'new': 0, 'healthy': 2}
    assert len(api.get('/apps/demo/diagnose', params={'all': 'true'}).json()['pods']) == 2
    assert list(api.get('/apps/demo/diagnose', params={'checks': 'overview'}).json()) == ['namespace', 'rack', 'app', 'timestamp', 'overview']
    assert api.get('/apps/demo/diagnose', params={'services': 'other', 'all': 'true'}).json()['summary']['total'] == 0
    # A pending pod (a one-off run) is unhealthy, with the scheduling hint.
    api.post('/apps/demo/services/web/processes', headers={'Command': 'sleep 60'})
    pod = api.get('/apps/demo/diagnose').json()['pods'][0]
    assert (pod['phase'], pod['classification'], pod['stateDetail'], pod['ready']) == ('Pending', 'unhealthy', 'ContainerCreating', '0/1')
    assert pod['hint'].startswith('Process is waiting to be scheduled')


def test_diagnose_errors(api):
    response = api.get('/apps/missing/diagnose')
    assert (response.status_code, response.json()) == (500, {'error': 'namespace dev-missing not found -- verify rack and app names'})
    response = api.get('/apps/missing/diagnose', params={'age': 'old'})
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.Atoi: parsing "old": invalid syntax'})


@pytest.mark.usefixtures('demo')
def test_read_role_suffices(api, rack):
    apis = role_apis(api, rack)
    for path in ('/apps/demo/balancers', '/apps/demo/diagnose'):
        assert apis['read'].get(path).status_code == 200


def test_v2_has_none_of_them(v2):
    v2.post('/apps', data={'name': 'demo'})
    for path in ('/apps/demo/balancers', '/apps/demo/diagnose', '/apps/demo/manifest/services/web'):
        assert v2.get(path).status_code == 404
