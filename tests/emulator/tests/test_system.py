# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""System routes (convox-api.md 2.7; transcript rows 1, 67, 68)."""

from convox_emulator.state import Process
from convox_emulator.testing import EmulatorServer
from emulator_helpers import Api, pretty

TRANSCRIPT_SYSTEM = ('{"count":0,"domain":"router.dev.localdev","name":"dev","provider":"local","rack-domain":"api.dev.localdev",'
                     '"router-internal":"","region":"","status":"running","type":"","version":"dev"}')


def test_transcript_system_byte_for_byte():
    with EmulatorServer(password='secret', rack_version='dev') as rack:
        response = Api(rack).get('/system')                                     # 1
        assert response.status_code == 200
        assert response.content == pretty(TRANSCRIPT_SYSTEM)
        assert response.headers['Content-Type'] == 'application/json'


def test_default_version(api):
    assert api.get('/system').json()['version'] == '3.24.6'


def test_capacity_is_all_ints(api):
    response = api.get('/system/capacity')
    body = response.json()
    assert list(body) == ['cluster-cpu', 'cluster-gpu', 'cluster-memory', 'process-count', 'process-cpu', 'process-gpu', 'process-memory']
    assert all(isinstance(value, int) for value in body.values())
    assert body['cluster-cpu'] == 2000 and body['process-count'] == 0


def test_system_processes(api, rack):
    assert api.get('/system/processes').content == b'[]\n'                       # 67
    with rack.state.lock:
        rack.state.processes['system'] = {'api-1': Process(id='api-1', app='system', name='api', system=True, cpu=250.0, memory=256.0)}
        rack.state.processes['demo'] = {'web-1': Process(id='web-1', app='demo', name='web', service='web')}
    listed = api.get('/system/processes').json()
    assert [item['id'] for item in listed] == ['api-1']
    assert listed[0]['cpu'] == 250 and '"cpu": 250,' in api.get('/system/processes').text
    assert 'service' not in listed[0]
    everything = api.get('/system/processes', params={'all': 'true'}).json()
    assert [item['id'] for item in everything] == ['web-1', 'api-1']
    assert everything[0]['service'] == 'web'
    capacity = api.get('/system/capacity').json()
    assert (capacity['process-count'], capacity['process-cpu'], capacity['process-memory']) == (2, 250, 268)  # MiB requested, reported in 10^6 bytes


def test_system_update_is_unsupported_on_v3(api):
    response = api.put('/system', data={'version': '3.0.0'})
    assert response.status_code == 501
    assert response.json() == {'error': "direct rack doesn't support update, make sure you are not using RACK_URL environment variable"}
    response = api.put('/system', data={'count': 'many'})
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.Atoi: parsing "many": invalid syntax'})


def test_system_releases_unavailable(api):
    response = api.get('/system/releases')                                      # 68
    assert (response.status_code, response.content) == (501, b'{"error":"release history is unavailable"}\n')


def test_racks_is_console_only(api):
    assert api.get('/racks').status_code == 404
