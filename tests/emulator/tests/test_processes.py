# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Processes: list, get, stop, run detached (convox-api.md 2.5; transcript rows 50-52), and what the rack counts of them."""

import re

import pytest

from convox_emulator import shellquote
from convox_emulator.errors import ServerError
from emulator_helpers import create_running_app, deploy_manifest

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n    scale: 2\n  worker:\n    command: bin/work "high prio"\n'
PROCESS_FIELDS = ['id', 'app', 'command', 'cpu', 'gpu', 'host', 'image', 'instance', 'memory', 'name', 'ports', 'release', 'started', 'status',
                  'service']
SERVICE_POD = re.compile(r'(web|worker)-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}\Z')
RUN_POD = re.compile(r'web-[bcdfghjklmnpqrstvwxz2456789]{5}\Z')
RFC3339 = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z\Z')


@pytest.fixture
def demo(api, rack, clock):
    create_running_app(api, clock)
    return deploy_manifest(api, rack, clock, MANIFEST)


def processes(api, **query):
    response = api.get('/apps/demo/processes', params=query)
    assert response.status_code == 200, response.text
    return response.json()


def test_each_service_runs_its_count(api, demo):
    listed = processes(api)
    assert [item['name'] for item in listed] == ['web', 'web', 'worker']
    assert [item['id'] for item in listed] == sorted(item['id'] for item in listed)
    web = listed[0]
    assert list(web) == PROCESS_FIELDS
    assert SERVICE_POD.match(web['id']) and listed[1]['id'].split('-')[1] == web['id'].split('-')[1]
    assert (web['app'], web['release'], web['status'], web['service'], web['ports']) == ('demo', demo, 'running', 'web', ['3000'])
    assert (web['cpu'], web['memory'], web['gpu'], web['instance']) == (250, 512, 0, 'node-1')
    assert web['image'].startswith('registry.dev.localdev/demo:web.B') and RFC3339.match(web['started'])
    assert re.fullmatch(r'10\.1\.\d+\.\d+', web['host'])
    worker = listed[2]
    assert (worker['command'], worker['ports']) == ("bin/work 'high prio'", None)
    assert '"cpu": 250,' in api.get('/apps/demo/processes').text


def test_get_and_missing(api, text_api, demo):
    first = processes(api)[0]
    assert api.get('/apps/demo/processes/%s' % first['id']).json() == first       # 51
    response = api.get('/apps/demo/processes/nope')                            # 52
    assert (response.status_code, response.content) == (500, b'{"error":"pods \\"nope\\" not found"}\n')
    assert text_api.get('/apps/demo/processes/nope').content == b'pods "nope" not found\n'
    assert api.delete('/apps/demo/processes/nope').json() == {'error': 'pods "nope" not found'}


def test_missing_app_is_an_empty_namespace(api, rack):
    assert api.get('/apps/missing/processes').content == b'[]\n'
    assert api.get('/apps/missing/processes/web-1').json() == {'error': 'pods "web-1" not found'}
    assert rack.state.processes == {}


def test_filters(api, rack, clock, demo):
    assert [item['name'] for item in processes(api, service='worker')] == ['worker']
    assert processes(api, service='nope') == []
    assert len(processes(api, release=demo)) == 3
    newer = deploy_manifest(api, rack, clock, MANIFEST)
    assert processes(api, release=demo) == []
    assert {item['release'] for item in processes(api)} == {newer}
    assert len(processes(api, release=newer, service='web')) == 2


def test_a_promote_replaces_processes_when_it_completes(api, rack, clock, demo):
    before = processes(api)
    build = rack.state.build_add('demo', manifest=MANIFEST, status='complete')
    release = api.post('/apps/demo/releases', data={'build': build.id}).json()['id']
    api.post('/apps/demo/releases/%s/promote' % release)
    assert processes(api) == before
    clock.advance(1)
    after = processes(api)
    assert {item['release'] for item in after} == {release} and not {item['id'] for item in before} & {item['id'] for item in after}
    assert demo != release


def test_scaling_changes_the_process_set(api, clock, demo):
    web = {item['id'] for item in processes(api, service='web')}
    api.put('/apps/demo/services/web', data={'count': '4'})
    assert {item['id'] for item in processes(api, service='web')} == web
    clock.advance(1)
    grown = {item['id'] for item in processes(api, service='web')}
    assert len(grown) == 4 and web < grown
    api.put('/apps/demo/services/web', data={'count': '1'})
    clock.advance(1)
    shrunk = {item['id'] for item in processes(api, service='web')}
    assert len(shrunk) == 1 and shrunk < grown
    api.put('/apps/demo/services/web', data={'memory': '1024'})
    clock.advance(1)
    resized = processes(api, service='web')
    assert len(resized) == 1 and resized[0]['memory'] == 1024 and resized[0]['id'] not in shrunk
    api.put('/apps/demo/services/worker', data={'count': '0'})
    clock.advance(1)
    assert processes(api, service='worker') == []


def test_stopping_a_service_process_gets_it_replaced(api, clock, demo):
    victim = processes(api, service='web')[0]
    response = api.delete('/apps/demo/processes/%s' % victim['id'])
    assert (response.status_code, response.content) == (200, b'ok\n')
    assert api.get('/apps/demo/processes/%s' % victim['id']).status_code == 500
    web = processes(api, service='web')
    assert len(web) == 2 and victim['id'] not in {item['id'] for item in web}
    replacement = next(item for item in web if item['status'] == 'pending')
    assert replacement['id'].split('-')[1] == victim['id'].split('-')[1] and replacement['release'] == demo
    clock.advance(1)
    assert api.get('/apps/demo/processes/%s' % replacement['id']).json()['status'] == 'running'


def test_run_detached(api, rack, clock, demo):
    headers = {'Command': 'sh -c "echo $GREETING; sleep 1"', 'Environment': 'GREETING=hello%20world&EMPTY=&A=1&A=2', 'Cpu': '100', 'Memory': '64'}
    response = api.post('/apps/demo/services/web/processes', headers=headers)
    assert response.status_code == 200, response.text
    process = response.json()
    assert list(process) == PROCESS_FIELDS and RUN_POD.match(process['id'])
    assert (process['status'], process['release'], process['name'], process['service']) == ('pending', demo, 'web', 'web')
    assert (process['command'], process['cpu'], process['memory'], process['ports']) == ("sh -c 'echo $GREETING; sleep 1'", 100, 64, None)
    assert process['image'] == processes(api, service='web')[0]['image']
    assert rack.state.processes['demo'][process['id']].environment == {'GREETING': 'hello world', 'EMPTY': '', 'A': '1'}
    assert process['id'] in {item['id'] for item in processes(api)}
    clock.advance(1)
    assert api.get('/apps/demo/processes/%s' % process['id']).json()['status'] == 'running'
    assert api.delete('/apps/demo/processes/%s' % process['id']).content == b'ok\n'
    assert process['id'] not in {item['id'] for item in processes(api)} and len(processes(api)) == 3


def test_run_options(api, rack, clock, demo):
    first = api.post('/apps/demo/services/worker/processes').json()
    assert (first['command'], first['cpu'], first['image'].rsplit(':', 1)[1][:7]) == ("bin/work 'high prio'", 0, 'worker.')
    older = api.post('/apps/demo/releases', data={'env': 'X=1'}).json()['id']
    pinned = api.post('/apps/demo/services/web/processes', headers={'Release': older, 'Image': 'busybox:1'}).json()
    assert (pinned['release'], pinned['image']) == (older, 'busybox:1')
    adhoc = api.post('/apps/demo/services/adhoc/processes', headers={'Image': 'alpine', 'Command': 'true'}).json()
    assert (adhoc['name'], adhoc['command'], adhoc['release']) == ('adhoc', 'true', demo)
    response = api.post('/apps/demo/services/adhoc/processes')
    assert response.status_code == 500
    assert re.fullmatch(r'Pod "adhoc-[a-z0-9]{5}" is invalid: spec\.containers\[0\]\.image: Required value', response.json()['error'])
    assert len(rack.state.processes['demo']) == 6


def test_one_off_processes_end_with_their_command(api, clock, demo):
    """A one-off process runs its command: it ends when the command does, complete or failed, and its pod goes 5 s later."""
    commands = {'long': 'sleep 3600', 'quick': 'echo hi', 'failing': 'sh -c "exit 3"', 'builtin': 'exit 3', 'missing': 'rake db:migrate',
                'default': None}
    ids = {}
    for name, command in commands.items():
        headers = {'Command': command} if command else {}
        ids[name] = api.post('/apps/demo/services/web/processes', headers=headers).json()['id']

    def status(name):
        response = api.get('/apps/demo/processes/%s' % ids[name])
        return response.json()['status'] if response.status_code == 200 else response.json()['error']
    assert {name: status(name) for name in ids} == dict.fromkeys(ids, 'pending')
    clock.advance(1)
    assert {name: status(name) for name in ids} == {'long': 'running', 'quick': 'complete', 'failing': 'failed', 'builtin': 'failed',
                                                    'missing': 'failed', 'default': 'running'}
    listed = {item['id']: item['status'] for item in processes(api)}
    assert listed[ids['quick']] == 'complete' and listed[ids['failing']] == 'failed'
    clock.advance(3598)
    assert {name: status(name) for name in ids} == {
        'long': 'running', 'quick': 'pods "%s" not found' % ids['quick'], 'failing': 'pods "%s" not found' % ids['failing'],
        'builtin': 'pods "%s" not found' % ids['builtin'], 'missing': 'pods "%s" not found' % ids['missing'], 'default': 'running'}
    assert {item['id'] for item in processes(api)} >= {ids['long'], ids['default']} and len(processes(api)) == 5
    clock.advance(2)
    assert status('long') == 'complete'
    clock.advance(5)
    assert status('long') == 'pods "%s" not found' % ids['long'] and status('default') == 'running'


@pytest.mark.parametrize('headers, status, message', [
    ({'Cpu': 'lots'}, 500, 'strconv.Atoi: parsing "lots": invalid syntax'),
    ({'Environment': 'A=%zz'}, 500, 'invalid URL escape "%zz"'),
    ({'Release': 'RMISSING'}, 500, 'releases.convox.com "rmissing" not found'),
    ({'Command': 'echo "unbalanced'}, 500, 'Unterminated double-quoted string'),
])
def test_run_errors(api, demo, headers, status, message):
    response = api.post('/apps/demo/services/web/processes', headers=headers)
    assert (response.status_code, response.json()) == (status, {'error': message})


def test_run_for_a_missing_app(api):
    response = api.post('/apps/missing/services/web/processes', headers={'Image': 'alpine'})
    assert (response.status_code, response.json()) == (404, {'error': 'app not found: missing'})


def test_system_processes_and_capacity(api, clock, demo):
    assert api.get('/system/processes').content == b'[]\n'
    everything = api.get('/system/processes', params={'all': 'true'}).json()
    assert [item['id'] for item in everything] == [item['id'] for item in processes(api)]
    capacity = api.get('/system/capacity').json()
    assert (capacity['process-count'], capacity['process-cpu'], capacity['process-memory']) == (3, 750, 1610)  # MiB requested, reported in 10^6 bytes
    api.put('/apps/demo/services/web', data={'count': '3', 'cpu': '500'})
    clock.advance(1)
    capacity = api.get('/system/capacity').json()
    assert (capacity['process-count'], capacity['process-cpu']) == (4, 1750)


def test_app_delete_takes_its_processes(api, rack, clock, demo):
    assert api.delete('/apps/demo').content == b'ok\n'
    clock.advance(1)
    assert api.get('/apps/demo/processes').content == b'[]\n' and rack.state.processes == {}
    assert api.get('/system/capacity').json()['process-count'] == 0


@pytest.mark.parametrize('command, words, joined', [
    ('echo hi', ['echo', 'hi'], 'echo hi'),
    ("a 'b c' \"d $e\" f\\ g", ['a', 'b c', 'd $e', 'f g'], "a 'b c' 'd $e' 'f g'"),
    ('say "it\'s" ~/x $HOME', ['say', "it's", '~/x', '$HOME'], "say it\\'s \\~/x \\$HOME"),
    ('quote "a \\"b\\" c" \'\'', ['quote', 'a "b" c', ''], "quote 'a \"b\" c' ''"),
    ("it's fine", None, None),
])
def test_shellquote_round_trip(command, words, joined):
    if words is None:
        with pytest.raises(ServerError, match='Unterminated single-quoted string'):
            shellquote.split(command)
        return
    assert shellquote.split(command) == words
    assert shellquote.join(words) == joined
    assert shellquote.join(["don't stop"]) == "'don'\\''t stop'"


def test_v2_processes(v2, v2_rack):
    """convox/rack: ECS task ids, a 404 for a missing process or app, a service must be in the manifest to run."""
    deploy_manifest(v2, v2_rack, v2_rack.state.clock, MANIFEST)
    listed = processes(v2)
    assert len(listed) == 3 and all(re.fullmatch(r'[0-9a-f]{12}', item['id']) for item in listed)
    response = v2.get('/apps/demo/processes/abc')
    assert (response.status_code, response.text) == (404, 'process not found: abc\n')
    response = v2.get('/apps/missing/processes')
    assert (response.status_code, response.text) == (404, 'app not found: missing\n')
    response = v2.post('/apps/demo/services/adhoc/processes', headers={'Image': 'alpine'})
    assert (response.status_code, response.text) == (500, 'service not found: adhoc\n')


def test_v2_process_and_capacity_shapes(v2, v2_rack):
    """convox/rack pkg/structs: Process has task_definition and no gpu/service; Capacity has instance sizes and process-width."""
    deploy_manifest(v2, v2_rack, v2_rack.state.clock, MANIFEST)
    listed = processes(v2)
    for item in listed:
        assert list(item) == ['id', 'app', 'command', 'cpu', 'host', 'image', 'instance', 'memory', 'name', 'ports', 'release', 'started',
                              'status', 'task_definition']
        assert item['task_definition'].startswith('arn:aws:ecs:') and ':task-definition/convox-demo-%s:' % item['name'] in item['task_definition']
    assert list(v2.get('/apps/demo/processes/%s' % listed[0]['id']).json()) == list(listed[0])
    assert list(v2.get('/system/processes?all=true').json()[0]) == list(listed[0])
    capacity = v2.get('/system/capacity').json()
    assert list(capacity) == ['cluster-cpu', 'cluster-memory', 'instance-cpu', 'instance-memory', 'process-count', 'process-cpu',
                              'process-memory', 'process-width']
    assert all(isinstance(value, int) for value in capacity.values())
    width = max(sum(1 for item in listed if item['name'] == name) for name in {item['name'] for item in listed})
    assert (capacity['process-count'], capacity['process-width'], capacity['cluster-cpu']) == (3, width, 3 * capacity['instance-cpu'])
