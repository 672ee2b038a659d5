# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Instances: list, terminate, keyroll (convox-api.md 2.8, 3; transcript row 66)."""

import re

from emulator_helpers import create_running_app, deploy_manifest, pretty, role_apis

V3_FIELDS = ['agent', 'cpu', 'cpu-capacity', 'cpu-allocatable', 'gpu-capacity', 'gpu-allocatable', 'id', 'memory', 'memory-capacity',
             'memory-allocatable', 'private-ip', 'processes', 'public-ip', 'status', 'started']


def test_transcript_row_66(api):
    listed = api.get('/instances').json()
    assert [list(item) for item in listed] == [V3_FIELDS]
    node = listed[0]
    expected = ('[{"agent":false,"cpu":0,"cpu-capacity":2,"cpu-allocatable":2,"gpu-capacity":0,"gpu-allocatable":0,"id":"node-1",'
                '"memory":0,"memory-capacity":4096,"memory-allocatable":4096,"private-ip":"10.0.0.1","processes":0,"public-ip":"",'
                '"status":"running","started":"%s"}]' % node['started'])
    assert api.get('/instances').content == pretty(expected)


def test_processes_and_usage_count_on_the_node(api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n    scale:\n      count: 2\n      cpu: 500\n')
    node = api.get('/instances').json()[0]
    assert (node['processes'], node['cpu'], node['memory']) == (2, 1, 1024)


def test_terminate(api, clock, rack, text_api):
    response = api.delete('/instances/nope')
    assert (response.status_code, response.content) == (404, b'{"error":"instance not found: nope"}\n')
    assert text_api.delete('/instances/nope').text == 'instance not found: nope\n'
    assert api.delete('/instances/node-1').content == b'ok\n'
    listed = api.get('/instances').json()
    # The replacement joins at once, Ready after the deploy time; ids stay sorted.
    assert [(item['id'], item['status'], item['private-ip']) for item in listed] == [('node-2', 'pending', '10.0.0.2')]
    clock.advance(rack.state.deploy_ns / 1e9)
    assert api.get('/instances').json()[0]['status'] == 'running'
    assert api.delete('/instances/node-1').status_code == 404


def test_keyroll(api, clock):
    first = api.post('/instances/keyroll').json()
    assert list(first) == ['name', 'private-key']
    assert first['name'] == 'dev-keypair-%d' % (clock.now_ns // 10 ** 9)
    assert re.match(r'-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----\Z', first['private-key'])
    # EC2 refuses a second key pair of the same name (same second).
    response = api.post('/instances/keyroll')
    assert response.status_code == 500
    assert response.json()['error'].startswith("InvalidKeyPair.Duplicate: The keypair '%s' already exists.\n\tstatus code: 400" % first['name'])
    clock.advance(1)
    assert api.post('/instances/keyroll').json()['name'] != first['name']


def test_roles(api, rack):
    apis = role_apis(api, rack)
    assert apis['read'].get('/instances').status_code == 200
    for method, path in (('POST', '/instances/keyroll'), ('DELETE', '/instances/node-1')):
        assert apis['read'].request(method, path).json() == {'error': 'you are unauthorized to access this'}
    assert apis['write'].delete('/instances/node-1').content == b'ok\n'


def test_v2(v2):
    listed = v2.get('/instances').json()
    assert [list(item) for item in listed] == [['agent', 'cpu', 'id', 'memory', 'private-ip', 'processes', 'public-ip', 'status', 'started']] * 3
    assert [item['id'] for item in listed] == sorted(item['id'] for item in listed)
    assert 'i-0a1b2c3d4e5f60718' in [item['id'] for item in listed]
    assert {(item['agent'], item['status'], item['cpu'], item['memory']) for item in listed} == {(True, 'active', 0, 0)}
    assert v2.delete('/instances/i-nope').text == 'instance not found: i-nope\n'
    victim = listed[0]['id']
    assert v2.delete('/instances/%s' % victim).text == 'ok\n'
    after = v2.get('/instances').json()
    assert victim not in [item['id'] for item in after] and len(after) == 3
    # Keyroll answers ok and updates the rack stack with the new key pair.
    assert v2.post('/instances/keyroll').text == 'ok\n'
    system = v2.get('/system').json()
    assert system['status'] == 'updating' and re.match(r'convox-keypair-[0-9]{4}\Z', system['parameters']['Key'])
    v2.put('/system', data={'count': '4'})
    assert len(v2.get('/instances').json()) == 4
