# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Services: list, scale or resize, restart (convox-api.md 2.4, 6.5; transcript row 49)."""

from convox_emulator.testing import EmulatorServer
from convox_emulator.workloads import RANGE_SCALE_MESSAGE
from emulator_helpers import Api, FakeClock, create_running_app, deploy_manifest, pretty

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'
TWO_SERVICES = ('services:\n  worker:\n    command: bin/work --queue "high prio"\n    scale:\n      count: 0-3\n      cpu: 128\n'
                '      memory: 256\n  web:\n    build: .\n    port: 3000\n    scale: 2\n')
TRANSCRIPT_SERVICES = ('[{"count":1,"cpu":250,"domain":"web.demo.dev.localdev","gpu":0,"gpu-vendor":"","memory":512,"name":"web","nlb":null,'
                       '"ports":[{"balancer":443,"certificate":"","container":3000}],"min":1,"max":1,"scale-override-active":false,'
                       '"triggers-override-active":false}]')


def service(api, name='web', app='demo'):
    return next(item for item in api.get('/apps/%s/services' % app).json() if item['name'] == name)


def test_transcript_services(api, rack, clock):
    response = api.get('/apps/demo/services')
    assert (response.status_code, response.json()) == (404, {'error': 'app not found: demo'})
    create_running_app(api, clock)
    assert api.get('/apps/demo/services').content == b'[]\n'                    # before any promote with a manifest
    deploy_manifest(api, rack, clock, MANIFEST)
    response = api.get('/apps/demo/services')                                   # 49
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'application/json'
    assert response.content == pretty(TRANSCRIPT_SERVICES)


def test_services_follow_the_active_release_only(api, rack, clock):
    create_running_app(api, clock)
    release = deploy_manifest(api, rack, clock, MANIFEST)
    newer = api.post('/apps/demo/releases', data={'env': 'A=1'}).json()
    assert newer['manifest'] == MANIFEST and api.get('/apps/demo').json()['release'] == release
    api.post('/apps/demo/releases', data={'build': rack.state.build_add('demo', manifest=TWO_SERVICES, status='complete').id})
    assert [item['name'] for item in api.get('/apps/demo/services').json()] == ['web']


def test_scale_patches_in_place_without_a_release(api, rack, clock):
    create_running_app(api, clock)
    release = deploy_manifest(api, rack, clock, MANIFEST)
    releases = api.get('/apps/demo/releases').json()
    response = api.put('/apps/demo/services/web', data={'count': '3', 'cpu': '512', 'memory': '1024'})
    assert (response.status_code, response.content) == (200, b'ok\n')
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('updating', release)
    assert (service(api)['count'], service(api)['cpu'], service(api)['memory']) == (3, 512, 1024)
    clock.advance(1)
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('running', release)
    assert api.get('/apps/demo/releases').json() == releases
    for _read in range(2):
        assert (service(api)['count'], service(api)['cpu'], service(api)['memory']) == (3, 512, 1024)
    assert service(api)['min'] == 1 and service(api)['max'] == 1


def test_promote_reapplies_the_manifest_but_keeps_the_running_count(api, rack, clock):
    """provider/k8s release.go: replicas = the running count when non-zero, else the manifest's; resources come from the manifest."""
    create_running_app(api, clock)
    first = deploy_manifest(api, rack, clock, MANIFEST)
    api.put('/apps/demo/services/web', data={'count': '4', 'cpu': '1000', 'memory': '2048'})
    clock.advance(1)
    second = deploy_manifest(api, rack, clock, MANIFEST)
    assert second != first
    assert (service(api)['count'], service(api)['cpu'], service(api)['memory']) == (4, 250, 512)
    api.put('/apps/demo/services/web', data={'count': '0'})
    clock.advance(1)
    deploy_manifest(api, rack, clock, MANIFEST)
    assert service(api)['count'] == 1


def test_update_errors(api, text_api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, MANIFEST)
    response = api.put('/apps/demo/services/web', data={'count': 'three'})
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.Atoi: parsing "three": invalid syntax'})
    response = api.put('/apps/demo/services/nope', data={'cpu': '1.5'})
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.Atoi: parsing "1.5": invalid syntax'})
    response = api.put('/apps/demo/services/nope', data={'count': '1'})
    assert (response.status_code, response.content) == (500, b'{"error":"deployments.apps \\"nope\\" not found"}\n')
    response = text_api.put('/apps/missing/services/web', data={'count': '1'})
    assert (response.status_code, response.content) == (500, b'deployments.apps "web" not found\n')
    response = api.put('/apps/demo/services/web', data={'count': '-1'})
    assert (response.status_code, response.json()) == (500, {
        'error': 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'})
    assert api.get('/apps/demo').json()['status'] == 'running'


def test_min_and_max_without_an_autoscaler(api, rack, clock):
    """A max needs an autoscaler (500, the long message); min 0 could never wake up (400); a lone min sets the replicas."""
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, MANIFEST)
    response = api.put('/apps/demo/services/web', data={'max': '3'})
    assert (response.status_code, response.json()) == (500, {'error': RANGE_SCALE_MESSAGE})
    assert RANGE_SCALE_MESSAGE.startswith('range scaling (min/max) requires an autoscale block in convox.yml; ')
    response = api.put('/apps/demo/services/web', data={'min': '0', 'max': '2'})
    assert response.status_code == 400
    assert response.json()['error'].startswith('cannot set --min 0 on service web: no autoscale mechanism is configured')
    assert api.put('/apps/demo/services/web', data={'min': '2'}).content == b'ok\n'
    clock.advance(1)
    assert (service(api)['count'], service(api)['min'], service(api)['max']) == (2, 1, 1)


def test_gpu_and_vendor(api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, MANIFEST)
    api.put('/apps/demo/services/web', data={'gpu': '1'})
    assert (service(api)['gpu'], service(api)['gpu-vendor']) == (1, 'nvidia')
    api.put('/apps/demo/services/web', data={'gpu': '2', 'gpu-vendor': 'amd.com'})
    assert (service(api)['gpu'], service(api)['gpu-vendor']) == (2, 'amd')
    api.put('/apps/demo/services/web', data={'gpu-vendor': 'amd'})
    assert service(api)['gpu'] == 2


def test_manifest_scale_shapes(api, rack, clock):
    """Deployments list by name; a count range is a classic HPA (autoscale shown); min 0 with no pods is a cold start."""
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, TWO_SERVICES)
    listed = api.get('/apps/demo/services').json()
    assert [item['name'] for item in listed] == ['web', 'worker']
    worker = listed[1]
    assert list(worker) == ['count', 'cpu', 'domain', 'gpu', 'gpu-vendor', 'memory', 'name', 'nlb', 'ports', 'min', 'max', 'cold-start', 'autoscale',
                            'scale-override-active', 'triggers-override-active']
    assert (worker['count'], worker['cpu'], worker['memory'], worker['min'], worker['max']) == (0, 128, 256, 0, 3)
    assert (worker['ports'], worker['cold-start'], worker['autoscale']) == ([], True, {'enabled': True})
    assert (listed[0]['count'], listed[0]['min'], listed[0]['max']) == (2, 2, 2)


def test_restart_replaces_every_process(api, text_api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, TWO_SERVICES)
    before = {item['id'] for item in api.get('/apps/demo/processes', params={'service': 'web'}).json()}
    releases = api.get('/apps/demo/releases').json()
    response = api.post('/apps/demo/services/web/restart')
    assert (response.status_code, response.content) == (200, b'ok\n')
    after = {item['id'] for item in api.get('/apps/demo/processes', params={'service': 'web'}).json()}
    assert len(after) == 2 and not before & after
    assert api.get('/apps/demo').json()['status'] == 'running'
    assert api.get('/apps/demo/releases').json() == releases
    response = api.post('/apps/demo/services/nope/restart')
    assert (response.status_code, response.json()) == (500, {'error': 'no such service: nope'})
    assert text_api.post('/apps/missing/services/web/restart').content == b'app not found: missing\n'
    create_running_app(api, clock, 'empty')
    response = api.post('/apps/empty/services/web/restart')
    assert (response.status_code, response.json()) == (500, {'error': 'no release for app: empty'})


def test_read_only_token_cannot_scale(api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, MANIFEST)
    token = api.post('/system/jwt/token', data={'role': 'read', 'durationInHour': '1'}).json()['token']
    reader = Api(rack, user='jwt', password=token)
    assert reader.get('/apps/demo/services').status_code == 200
    response = reader.put('/apps/demo/services/web', data={'count': '2'})
    assert (response.status_code, response.json()) == (401, {'error': 'you are unauthorized to access this'})


def test_racks_before_3_24_6_omit_the_override_flags():
    with EmulatorServer(password='pw', rack_version='3.24.5') as rack:
        api, clock = Api(rack), FakeClock()
        rack.state.clock = clock
        deploy_manifest(api, rack, clock, MANIFEST)
        assert list(service(api))[-2:] == ['min', 'max']


def test_v2_services(v2, v2_rack):
    """convox/rack: the older Service shape in manifest order, formation errors, count/cpu/memory only; the stack updates."""
    clock = v2_rack.state.clock
    response = v2.get('/apps/missing/services')
    assert (response.status_code, response.text) == (404, 'app not found: missing\n')
    deploy_manifest(v2, v2_rack, clock, TWO_SERVICES)
    listed = v2.get('/apps/demo/services').json()
    assert [item['name'] for item in listed] == ['worker', 'web']
    assert list(listed[1]) == ['count', 'cpu', 'domain', 'memory', 'name', 'nlb', 'ports']
    response = v2.put('/apps/demo/services/nope', data={'count': '1'})
    assert (response.status_code, response.text) == (500, 'could not read formation for service: nope\n')
    response = v2.put('/apps/missing/services/web', data={'count': '1'})
    assert (response.status_code, response.text) == (404, 'app not found: missing\n')
    assert v2.put('/apps/demo/services/web', data={'count': '5', 'max': '9', 'gpu': 'x'}).text == 'ok\n'
    assert v2.get('/apps/demo').json()['status'] == 'updating'
    clock.advance(1)
    assert service(v2)['count'] == 5
    assert len(v2.get('/apps/demo/processes', params={'service': 'web'}).json()) == 5
