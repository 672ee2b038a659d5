# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rack-administration routes through a console (convox-api.md 1.4): the same paths, with ``Rack: ORG/RACK``."""

import base64

import pytest

from convox_emulator.testing import EmulatorServer
from emulator_helpers import Api


@pytest.fixture(scope='module')
def console():
    with EmulatorServer(password='token', console='acme/production') as rack:
        yield rack


@pytest.fixture
def proxied(console):
    console.reset()
    return Api(console, headers={'Rack': 'acme/production'})


@pytest.mark.parametrize('method, path', [('GET', '/registries'), ('GET', '/certificates'), ('GET', '/instances'),
                                          ('GET', '/apps/demo/budget'), ('GET', '/letsencrypt/config')])
def test_without_rack_header_the_console_answers_html(console, method, path):
    response = Api(console).request(method, path)
    assert (response.status_code, response.headers['Content-Type']) == (200, 'text/html; charset=utf-8')


def test_routes_work_through_the_console(proxied):
    proxied.post('/apps', data={'name': 'demo'})
    assert proxied.post('/registries', data={'server': 'r.example.com', 'username': 'u', 'password': 'p'}).status_code == 200
    assert proxied.get('/registries').json()[0]['password'] == 'p'
    assert proxied.put('/apps/demo/configs/cli-env-mask', data={'value': base64.b64encode(b'A').decode()}).content == b'ok\n'
    assert proxied.get('/apps/demo/configs/cli-env-mask').json() == {'name': 'cli-env-mask', 'value': 'A'}
    assert proxied.get('/apps/demo/budget').json() == {'config': None, 'state': None}
    assert [item['id'] for item in proxied.get('/instances').json()] == ['node-1']


def test_unknown_rack(console):
    response = Api(console, headers={'Rack': 'acme/staging'}).get('/registries')
    assert (response.status_code, response.json()) == (404, {'error': 'rack not found: acme/staging'})
