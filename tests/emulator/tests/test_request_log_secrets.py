# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The request log (GET /_emulator/requests) never holds a secret: registry passwords, certificate keys, config values, JWTs."""

import base64

import pytest
import requests

from convox_emulator.testcerts import make_certificate
from emulator_helpers import Api, create_running_app, mint_token


def log_text(api, rack):
    response = api.session.get(rack.url + '/_emulator/requests', timeout=10)
    assert response.status_code == 200
    return response.text


def test_secrets_stay_out_of_the_log(api, rack, clock):
    create_running_app(api, clock)
    password = 'registry-pass-0a1b2c'
    config_value = 'config-secret-3d4e5f'
    cert, key, chain = make_certificate('a.example.com')
    key_body = key.splitlines()[1]
    token = mint_token(api, 'write')
    encoded = base64.b64encode(config_value.encode()).decode()
    # Through the form, the query and the header fallback of c.Value.
    api.post('/registries', data={'server': 'r.example.com', 'username': 'u', 'password': password})
    api.post('/registries', params={'server': 'q.example.com', 'username': 'u', 'password': password})
    api.post('/registries', headers={'server': 'h.example.com', 'username': 'u', 'password': password})
    api.put('/apps/demo/configs/secret', data={'value': encoded})
    api.put('/apps/demo/configs/secret', params={'value': encoded})
    api.post('/certificates', data={'pub': cert, 'key': key, 'chain': chain})
    api.post('/certificates', params={'pub': cert, 'key': key})
    with pytest.raises(requests.ConnectionError):
        # v2's classic names mean nothing to v3: an empty pub, the handler panics (the request is still logged).
        api.post('/certificates', params={'public': cert, 'private': key})
    keyroll = api.post('/instances/keyroll').json()
    jwt_api = Api(rack, user='jwt', password=token)
    jwt_api.get('/registries')
    jwt_api.get('/apps/demo/configs', params={'token': token})
    text = log_text(api, rack)
    for secret in (password, config_value, encoded, key_body, token, token.split('.')[2], keyroll['private-key'].splitlines()[1],
                   rack.password):
        assert secret not in text
    # What the log does keep: field names, masked query values, the Basic user name.
    entries = rack.requests()
    registry_form = next(entry for entry in entries if entry['path'] == '/registries' and entry['form'])
    assert registry_form['form'] == ['server', 'username', 'password']
    query = next(entry for entry in entries if entry['path'] == '/registries' and entry['query'])['query']
    assert query == {'server': 'q.example.com', 'username': 'u', 'password': '********'}
    classic = [entry for entry in entries if entry['path'] == '/certificates' and 'private' in entry['query']][0]['query']
    assert classic['private'] == '********'
    assert [entry['headers']['Authorization'] for entry in entries if entry['path'] == '/apps/demo/configs'] == ['jwt']
