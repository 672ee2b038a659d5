# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scale-override and triggers overrides on a service (v3 3.24.6: provider/k8s service_*_override.go)."""

import json

import pytest

from emulator_helpers import create_running_app, deploy_manifest, role_apis

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n    scale: 2\n'


@pytest.fixture
def demo(api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, MANIFEST)


def service(api, name='web'):
    return next(item for item in api.get('/apps/demo/services').json() if item['name'] == name)


@pytest.mark.usefixtures('demo')
def test_scale_override(api, rack, clock):
    assert service(api)['scale-override-active'] is False
    assert api.post('/apps/demo/services/web/scale-override', data={'active': 'true'}).content == b'ok\n'
    assert service(api)['scale-override-active'] is True
    # The Deployment's annotation survives a promote.
    deploy_manifest(api, rack, clock, MANIFEST + '    command: serve\n')
    assert service(api)['scale-override-active'] is True
    assert api.post('/apps/demo/services/web/scale-override', data={'active': 'F'}).content == b'ok\n'
    assert service(api)['scale-override-active'] is False


@pytest.mark.usefixtures('demo')
@pytest.mark.parametrize('data, message', [
    ({}, 'active form-param is required ("true" or "false")'),
    ({'active': '  '}, 'active form-param is required ("true" or "false")'),
    ({'active': 'yes'}, 'active must be "true" or "false": strconv.ParseBool: parsing "yes": invalid syntax'),
])
def test_scale_override_errors(api, data, message):
    response = api.post('/apps/demo/services/web/scale-override', data=data)
    assert (response.status_code, response.json()) == (400, {'error': message})


@pytest.mark.usefixtures('demo')
def test_missing_service(api):
    response = api.post('/apps/demo/services/nope/scale-override', data={'active': 'true'})
    assert (response.status_code, response.json()) == (500, {'error': 'deployments.apps "nope" not found'})
    for action in ('disable', 'enable', 'threshold'):
        data = {'opts': json.dumps({'min': 1, 'max': 2, 'triggers': [{'type': 'cpu', 'threshold': 50}]}), 'type': 'cpu', 'threshold': '50'}
        response = api.post('/apps/demo/services/nope/triggers/%s' % action, data=data)
        assert (response.status_code, response.json()) == (500, {'error': 'service not found: demo/nope'}), action


@pytest.mark.usefixtures('demo')
def test_triggers(api):
    opts = json.dumps({'min': 3, 'max': 5, 'triggers': [{'type': 'cpu', 'threshold': 70}, {'type': 'memory', 'threshold': 80}]})
    assert api.post('/apps/demo/services/web/triggers/enable', data={'opts': opts}).content == b'ok\n'
    current = service(api)
    # The HPA holds the count within min..max.
    assert (current['triggers-override-active'], current['count']) == (True, 3)
    assert len([item for item in api.get('/apps/demo/processes').json() if item['name'] == 'web']) == 3
    assert api.post('/apps/demo/services/web/triggers/threshold', data={'type': 'cpu', 'threshold': '55.5'}).content == b'ok\n'
    response = api.post('/apps/demo/services/web/triggers/threshold', data={'type': 'queueDepth', 'threshold': '500'})
    assert (response.status_code, response.json()) == (500, {'error': 'HPA-backed override supports only cpu and memory triggers'})
    assert api.post('/apps/demo/services/web/triggers/disable').content == b'ok\n'
    current = service(api)
    # The count goes back to the manifest's minimum.
    assert (current['triggers-override-active'], current['count']) == (False, 2)
    assert api.post('/apps/demo/services/web/triggers/disable').content == b'ok\n'
    response = api.post('/apps/demo/services/web/triggers/threshold', data={'type': 'cpu', 'threshold': '50'})
    assert response.json() == {'error': 'threshold edits require an active triggers override. Click Enable triggers or Override triggers first'}


@pytest.mark.usefixtures('demo')
@pytest.mark.parametrize('opts, status, message', [
    ('', 400, 'invalid opts payload: unexpected end of JSON input'),
    ('{nope', 400, "invalid opts payload: invalid character 'n' looking for beginning of value"),
    ('{"min": "1"}', 400, 'invalid opts payload: json: cannot unmarshal string into Go struct field ServiceTriggersOptions.min of type int'),
    ('{"min": 0, "max": 0, "triggers": []}', 500, 'max must be >= 1'),
    ('{"min": 3, "max": 2, "triggers": []}', 500, 'max must be >= min'),
    ('{"min": 1, "max": 2, "triggers": []}', 500, 'at least one trigger is required'),
    ('{"min": 1, "max": 2, "triggers": [{"type": "disk", "threshold": 5}]}', 500, 'unknown trigger type "disk"'),
    ('{"min": 1, "max": 2, "triggers": [{"type": "cpu", "threshold": 0}]}', 500, 'threshold must be positive'),
    ('{"min": 1, "max": 2, "triggers": [{"type": "cpu", "threshold": 101}]}', 500, 'percent triggers must be <= 100'),
    ('{"min": 1, "max": 2, "triggers": [{"type": "cpu", "threshold": 5}, {"type": "cpu", "threshold": 6}]}', 500,
     'duplicate trigger type "cpu"'),
    ('{"min": 0, "max": 2, "triggers": [{"type": "cpu", "threshold": 5}]}', 500,
     'CPU and memory triggers do not support min=0. To scale to zero, add a GPU utilization or inference queue depth trigger, or set min '
     'to 1 or higher'),
    ('{"min": 1, "max": 2, "triggers": [{"type": "queueDepth", "threshold": 500}]}', 500,
     'GPU and inference queue triggers require KEDA. Run: convox rack params set keda_enable=true'),
    ('{"min": 1, "max": 2, "triggers": [{"type": "gpuUtilization", "threshold": 50}]}', 500,
     'GPU autoscale requires the service to declare scale.gpu.count >= 1 in convox.yml'),
])
def test_triggers_enable_errors(api, opts, status, message):
    response = api.post('/apps/demo/services/web/triggers/enable', data={'opts': opts})
    assert (response.status_code, response.json()) == (status, {'error': message})
    assert service(api)['triggers-override-active'] is False


@pytest.mark.usefixtures('demo')
@pytest.mark.parametrize('data, status, message', [
    ({'type': 'cpu'}, 400, 'threshold form-param is required'),
    ({'type': 'cpu', 'threshold': 'high'}, 400, 'invalid threshold: strconv.ParseFloat: parsing "high": invalid syntax'),
    ({'type': 'disk', 'threshold': '5'}, 500, 'unknown trigger type "disk"'),
])
def test_threshold_errors(api, data, status, message):
    response = api.post('/apps/demo/services/web/triggers/threshold', data=data)
    assert (response.status_code, response.json()) == (status, {'error': message})


@pytest.mark.usefixtures('demo')
def test_roles(api, rack):
    apis = role_apis(api, rack)
    response = apis['read'].post('/apps/demo/services/web/scale-override', data={'active': 'true'})
    assert (response.status_code, response.json()) == (401, {'error': 'you are unauthorized to access this'})
    assert apis['write'].post('/apps/demo/services/web/scale-override', data={'active': 'true'}).content == b'ok\n'


def test_v2_has_no_overrides(v2):
    v2.post('/apps', data={'name': 'demo'})
    assert v2.post('/apps/demo/services/web/scale-override', data={'active': 'true'}).status_code == 404
