# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Metrics: app (501 on v3), service and batched GPU metrics, rack metrics (convox-api.md 2.1, 2.4, 2.7)."""

import pytest

from convox_emulator import golang
from emulator_helpers import create_running_app, deploy_manifest, role_apis

MINUTE = 60 * 10 ** 9


def test_app_metrics_are_unimplemented(api, text_api):
    response = api.get('/apps/demo/metrics')
    assert (response.status_code, response.content) == (501, b'{"error":"unimplemented"}\n')
    assert text_api.get('/apps/demo/metrics').text == 'unimplemented\n'
    # Options are parsed first.
    response = api.get('/apps/demo/metrics', params={'period': 'x'})
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.ParseInt: parsing "x": invalid syntax'})


def test_service_metrics_without_prometheus(api, clock):
    assert api.get('/apps/demo/services/web/metrics').content == b'[]\n'
    end = golang.format_sortable_time(clock.now_ns)
    start = golang.format_sortable_time(clock.now_ns - 3600 * 10 ** 9)
    assert api.get('/apps/demo/services/web/metrics', params={'start': start, 'end': end, 'period': '60'}).json() == []


@pytest.mark.parametrize('query, message', [
    ({'period': '1'}, 'metrics: period must be at least 5s (got 1s)'),
    ({'span': 25 * 3600}, 'metrics: end-start must be at most 24h (got 25h0m0s)'),
    ({'span': -60}, 'metrics: end must be after start'),
    ({'span': 24 * 3600, 'period': '5'}, 'metrics: too many points per series (17280 > 5000); widen period or shrink range'),
])
def test_range_checks(api, clock, query, message):
    params = {}
    if 'span' in query:
        params = {'start': golang.format_sortable_time(clock.now_ns - query['span'] * 10 ** 9), 'end': golang.format_sortable_time(clock.now_ns)}
    if 'period' in query:
        params['period'] = query['period']
    for path in ('/apps/demo/services/web/metrics', '/apps/demo/metrics-by-service'):
        response = api.get(path, params=params)
        assert (response.status_code, response.json()) == (400, {'error': message})


def test_names_are_checked(api):
    response = api.get('/apps/Demo/services/web/metrics')
    assert (response.status_code, response.json()) == (400, {'error': 'metrics: invalid name "Demo" (must match ^[a-z][a-z0-9-]*$)'})
    response = api.get('/apps/demo/metrics-by-service', params={'services': 'web,Bad'})
    assert response.json() == {'error': 'metrics: invalid name "Bad" (must match ^[a-z][a-z0-9-]*$)'}


def test_metrics_by_service(api):
    response = api.get('/apps/demo/metrics-by-service', params={'services': 'web, worker,,'})
    assert response.json() == [{'name': 'web', 'metrics': []}, {'name': 'worker', 'metrics': []}]
    assert api.get('/apps/demo/metrics-by-service').content == b'[]\n'
    many = ','.join('s%d' % index for index in range(101))
    assert api.get('/apps/demo/metrics-by-service', params={'services': many}).json() == {
        'error': 'metrics: too many services (101 > 100); reduce services list'}
    # 100 services over the default 30 minutes at 30 s: 100 * 60 * 8 points fit; at 5 s they do not.
    hundred = ','.join('s%d' % index for index in range(100))
    assert len(api.get('/apps/demo/metrics-by-service', params={'services': hundred}).json()) == 100
    response = api.get('/apps/demo/metrics-by-service', params={'services': hundred, 'period': '5'})
    assert (response.status_code, response.json()) == (400, {'error': 'metrics: aggregate points (288000) exceed cap (50000); reduce services / range'})


def test_system_metrics(api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n    scale:\n      count: 2\n      cpu: 500\n')
    metrics = api.get('/system/metrics').json()
    assert [metric['name'] for metric in metrics] == ['cluster:cpu:utilization', 'cluster:mem:utilization']
    cpu = metrics[0]['values']
    assert len(cpu) == 15 and list(cpu[0]) == ['avg', 'count', 'max', 'min', 'sum', 'time']
    # Two processes of 500m on 2 CPUs, 2 x 512 MiB of 4096 MiB.
    assert {(value['avg'], value['count'], value['max'], value['min'], value['sum']) for value in cpu} == {(50, 1, 50, 50, 50)}
    assert {value['avg'] for value in metrics[1]['values']} == {25}
    latest = clock.now_ns // MINUTE * MINUTE
    assert [value['time'] for value in cpu] == [golang.format_time(latest - (14 - index) * MINUTE) for index in range(15)]
    # period thins the points, newest first; start drops the older ones.
    thinned = api.get('/system/metrics', params={'period': '120'}).json()[0]['values']
    assert [value['time'] for value in thinned] == [golang.format_time(latest - index * 3 * MINUTE) for index in range(5)]
    start = golang.format_sortable_time(latest - 5 * MINUTE)
    assert len(api.get('/system/metrics', params={'start': start}).json()[0]['values']) == 5


def test_roles(api, rack):
    apis = role_apis(api, rack)
    for path in ('/system/metrics', '/apps/demo/services/web/metrics', '/apps/demo/metrics-by-service'):
        assert apis['read'].get(path).status_code == 200


def test_v2(v2):
    v2.post('/apps', data={'name': 'demo'})
    assert v2.get('/apps/demo/metrics').json() == []
    assert v2.get('/apps/missing/metrics').text == 'app not found: missing\n'
    assert v2.get('/apps/demo/services/web/metrics').json() == []
    assert v2.get('/system/metrics').json() == []
    assert v2.get('/apps/demo/metrics-by-service').status_code == 404
