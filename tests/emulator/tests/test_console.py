# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Console mode: the emulator as a console proxying one rack (convox-api.md 1.4)."""

import pytest
import requests

from convox_emulator.testing import EmulatorServer
from emulator_helpers import Api


@pytest.fixture(scope='module')
def console():
    with EmulatorServer(password='token', console='acme/production') as rack:
        yield rack


@pytest.fixture
def fresh_console(console):
    console.reset()
    return console


def test_without_rack_header_the_console_answers_html(fresh_console):
    response = Api(fresh_console).get('/apps')
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'text/html; charset=utf-8'
    assert response.text.startswith('<!DOCTYPE html>')
    assert 'Request-Id' not in response.headers
    # Even without credentials: it is the web app's login page.
    assert requests.get(fresh_console.url + '/apps', timeout=5).headers['Content-Type'].startswith('text/html')


def test_with_rack_header_it_proxies(fresh_console):
    api = Api(fresh_console, headers={'Rack': 'acme/production'})
    assert api.post('/apps', data={'name': 'demo'}).status_code == 200
    response = api.get('/apps/demo')
    assert response.json()['name'] == 'demo'
    assert response.headers['X-Frame-Options'] == 'DENY'
    assert len(response.headers['Request-Id']) == 12


def test_rack_must_match_exactly(fresh_console):
    # The "unique substring" rule is the CLI's local lookup; the console itself wants the full ORG/RACK.
    for partial in ('production', 'acme/prod'):
        response = Api(fresh_console, headers={'Rack': partial}).get('/apps')
        assert (response.status_code, response.json()) == (404, {'error': 'rack not found: %s' % partial})
    assert Api(fresh_console, headers={'Rack': 'acme/production'}).get('/apps').status_code == 200


def test_unknown_rack(fresh_console):
    response = Api(fresh_console, headers={'Rack': 'acme/staging'}).get('/apps')
    assert (response.status_code, response.content) == (404, b'{"error":"rack not found: acme/staging"}\n')
    response = Api(fresh_console, headers={'Rack': 'other/rack'}, accept=None).get('/apps')
    assert (response.status_code, response.content) == (404, b'rack not found: other/rack\n')


def test_bad_token_with_rack_header(fresh_console):
    response = Api(fresh_console, password='wrong', headers={'Rack': 'acme/production'}).get('/apps')
    assert (response.status_code, response.json()) == (401, {'error': 'invalid authentication'})


def test_racks_listing_needs_no_rack_header(fresh_console):
    response = Api(fresh_console).get('/racks')
    assert response.status_code == 200
    assert response.json() == [{'Name': 'production', 'Organization': {'Name': 'acme'}, 'Provider': 'local', 'Status': 'running',
                                'Version': '3.24.6'}]
    assert Api(fresh_console, password='wrong').get('/racks').status_code == 401


def test_control_routes_need_no_rack_header(fresh_console):
    Api(fresh_console, headers={'Rack': 'acme/production'}).get('/apps')
    response = Api(fresh_console).get('/_emulator/requests')
    assert response.status_code == 200
    assert response.json()[0]['headers']['Rack'] == 'acme/production'


def test_check_is_not_gated(fresh_console):
    assert requests.get(fresh_console.url + '/check', timeout=5).content == b'ok'
