# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Injected faults (DESIGN.md 6): status, Retry-After, delay, reset, truncation, custom bodies, times."""

import time

import pytest
import requests

from emulator_helpers import Api

GATEWAY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'


def test_status_with_retry_after_then_normal(api, rack):
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 503, 'times': 2, 'retry_after': 7}])
    for _attempt in range(2):
        response = api.get('/system')
        assert response.status_code == 503
        assert response.headers['Retry-After'] == '7'
        assert response.content == b''
        assert 'Request-Id' not in response.headers
    assert api.get('/system').status_code == 200
    statuses = [(entry['path'], entry['status'], entry['fault']) for entry in rack.requests()]
    assert statuses == [('/system', 503, True), ('/system', 503, True), ('/system', 200, False)]


def test_faults_apply_before_auth_and_routing(rack):
    rack.add_faults([{'path': '^/nowhere$', 'status': 429}, {'path': '^/apps$', 'status': 502}])
    assert requests.get(rack.url + '/nowhere', timeout=5).status_code == 429
    assert Api(rack, password='wrong').get('/apps').status_code == 502


def test_method_filter_and_default_times(api, rack):
    rack.add_faults([{'method': 'POST', 'path': '/apps', 'status': 500}])
    assert api.get('/apps').status_code == 200
    assert api.post('/apps', data={'name': 'a'}).status_code == 500
    assert api.post('/apps', data={'name': 'a'}).status_code == 200


def test_unlimited_times(api, rack):
    rack.add_faults([{'path': '^/system$', 'status': 504, 'times': None}])
    assert [api.get('/system').status_code for _attempt in range(4)] == [504] * 4
    rack.reset()
    assert api.get('/system').status_code == 200


def test_html_gateway_page(api, rack):
    rack.add_faults([{'path': '^/apps$', 'status': 502, 'body': GATEWAY_PAGE, 'content_type': 'text/html'}])
    response = api.get('/apps')
    assert (response.status_code, response.text, response.headers['Content-Type']) == (502, GATEWAY_PAGE, 'text/html')


def test_delay_then_pass_through(api, rack):
    rack.add_faults([{'path': '^/system$', 'delay': 0.3}])
    started = time.monotonic()
    response = api.get('/system')
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert rack.requests()[-1]['fault'] is True


def test_delay_makes_clients_time_out(api, rack):
    rack.add_faults([{'path': '^/system$', 'delay': 1.0, 'status': 200}])
    with pytest.raises(requests.Timeout):
        api.get('/system', timeout=0.2)


def test_reset_closes_without_response(api, rack):
    rack.add_faults([{'path': '^/apps$', 'reset': True}])
    with pytest.raises(requests.ConnectionError):
        api.get('/apps')
    assert rack.requests()[-1]['status'] is None
    assert api.get('/apps').status_code == 200


def test_truncated_body(api, rack):
    rack.add_faults([{'path': '^/apps$', 'truncate': True, 'body': '[{"name": "par', 'content_type': 'application/json'}])
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.get('/apps').content  # pylint: disable=expression-not-assigned
    assert rack.requests()[-1]['status'] == 200


def test_control_routes_are_not_faulted(api, rack):
    rack.add_faults([{'path': '.*', 'status': 500, 'times': None}])
    response = api.get('/_emulator/requests')
    assert response.status_code == 200


def test_faults_over_http(api):
    response = api.post('/_emulator/faults', json=[{'method': 'GET', 'path': '^/auth$', 'status': 429, 'retry_after': '1'}])
    assert response.status_code == 200
    assert response.json()['added'] == 1
    assert api.get('/_emulator/faults').json()[0]['path'] == '^/auth$'
    assert api.get('/auth').status_code == 429
    assert api.get('/_emulator/faults').json() == []
    api.post('/_emulator/faults', json=[{'path': '^/auth$', 'status': 500}])
    assert api.delete('/_emulator/faults').content == b'ok\n'
    assert api.get('/auth').status_code == 200


@pytest.mark.parametrize('payload, message', [
    ({'path': '/x', 'status': 500}, 'expected a JSON list of faults'),
    ([{'path': '(', 'status': 500}], 'path is not a valid regular expression'),
    ([{'path': '/x'}], 'a fault needs a status, reset, truncate, delay, ws_cut or ws_split_marker'),
    ([{'path': '/x', 'status': 'bad'}], 'status must be an integer from 100 to 599'),
    ([{'path': '/x', 'status': 503.5}], 'status must be an integer from 100 to 599'),
    ([{'path': '/x', 'status': True}], 'status must be an integer from 100 to 599'),
    ([{'path': '/x', 'status': 99}], 'status must be an integer from 100 to 599'),
    ([{'path': '/x', 'status': 600}], 'status must be an integer from 100 to 599'),
    ([{'path': '/x', 'status': 503, 'retry_after': 1.5}], 'retry_after must be an integer or a string'),
    ([{'path': '/x', 'status': 503, 'retry_after': [5]}], 'retry_after must be an integer or a string'),
    ([{'path': '/x', 'status': 503, 'headers': ['X-A: b']}], 'headers must be an object of string names to string values'),
    ([{'path': '/x', 'status': 503, 'headers': {'X-A': 5}}], 'headers must be an object of string names to string values'),
    ([{'path': '/x', 'status': 503, 'content_type': 5}], 'content_type must be a string'),
    ([{'path': '/x', 'status': 500, 'times': 0}], 'times must be at least 1'),
    ([{'path': '/x', 'status': 500, 'colour': 'red'}], 'unknown fault fields: colour'),
])
def test_bad_fault_specs(api, payload, message):
    response = api.post('/_emulator/faults', json=payload)
    assert response.status_code == 400
    assert message in response.json()['error']
    assert api.get('/_emulator/faults').json() == []


def test_valid_retry_after_and_headers(api):
    api.post('/_emulator/faults', json=[{'path': '^/auth$', 'status': 503, 'retry_after': 'Wed, 21 Oct 2015 07:28:00 GMT', 'headers': {'X-A': 'b'}}])
    response = api.get('/auth')
    assert (response.status_code, response.headers['Retry-After'], response.headers['X-A']) == (503, 'Wed, 21 Oct 2015 07:28:00 GMT', 'b')
