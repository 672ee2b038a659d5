# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rack JWTs: minting, roles, verification errors (convox-api.md 1.2; pkg/jwt)."""

import base64
import hashlib
import hmac
import json
import time

import pytest

from convox_emulator import tokens
from emulator_helpers import Api


def mint(api, role, hours='1'):
    response = api.post('/system/jwt/token', data={'role': role, 'durationInHour': hours})
    assert response.status_code == 200, response.text
    assert list(response.json()) == ['token']
    return response.json()['token']


def as_jwt(rack, token):
    return Api(rack, user='jwt', password=token)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def signed(rack, header, claims, key=None):
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(key or rack.state.jwt_key, ('%s.%s' % (head, body)).encode(), hashlib.sha256).digest()
    return '%s.%s.%s' % (head, body, b64(signature))


def test_minted_token_shape(api, rack):
    token = mint(api, 'read', '2')
    header, claims, _signature = token.split('.')
    assert json.loads(base64.urlsafe_b64decode(header + '==')) == {'alg': 'HS256', 'typ': 'JWT'}
    decoded = json.loads(base64.urlsafe_b64decode(claims + '=='))
    assert decoded['role'] == 'r' and decoded['user'] == 'system-read'
    assert abs(decoded['expiresAt'] - (time.time() + 7200)) < 60
    assert tokens.verify(rack.state.jwt_key, token) == ('system-read', 'r')


def test_read_token_reads_but_cannot_write(api, rack):
    reader = as_jwt(rack, mint(api, 'read'))
    assert reader.get('/apps').status_code == 200
    assert reader.get('/auth').status_code == 200
    response = reader.post('/apps', data={'name': 'demo'})
    assert response.status_code == 401
    assert response.json() == {'error': 'you are unauthorized to access this'}
    assert 'WWW-Authenticate' not in response.headers
    # HEAD and OPTIONS count as writes too.
    assert reader.head('/apps/demo/objects/x').status_code == 401


def test_write_token_writes(api, rack):
    writer = as_jwt(rack, mint(api, 'write'))
    assert writer.post('/apps', data={'name': 'demo'}).status_code == 200
    assert writer.get('/apps/demo').status_code == 200


def test_admin_minting_needs_admin(api, rack):
    admin = as_jwt(rack, mint(api, 'admin'))
    writer = as_jwt(rack, mint(api, 'write'))
    response = writer.post('/system/jwt/token', data={'role': 'admin', 'durationInHour': '1'})
    assert response.status_code == 403
    assert response.json() == {'error': 'admin role required to mint admin tokens'}
    assert admin.post('/system/jwt/token', data={'role': 'admin', 'durationInHour': '1'}).status_code == 200
    assert writer.post('/system/jwt/token', data={'role': 'read', 'durationInHour': '1'}).status_code == 200


@pytest.mark.parametrize('role, hours, status, message', [
    ('read', '0', 400, 'duration must be between 1 and 8760 hours'),
    ('read', '8761', 400, 'duration must be between 1 and 8760 hours'),
    ('read', 'x', 400, 'invalid duration'),
    ('read', '', 400, 'invalid duration'),
    ('owner', '1', 400, 'invalid role: must be read, write, or admin'),
    ('', '1', 400, 'invalid role: must be read, write, or admin'),
])
def test_mint_validation(api, role, hours, status, message):
    response = api.post('/system/jwt/token', data={'role': role, 'durationInHour': hours})
    assert response.status_code == status
    assert response.json() == {'error': message}


def test_mint_params_fall_back_to_headers(api):
    response = api.post('/system/jwt/token', headers={'Role': 'read', 'DurationInHour': '1'})
    assert response.status_code == 200


def test_reader_cannot_mint(api, rack):
    reader = as_jwt(rack, mint(api, 'read'))
    response = reader.post('/system/jwt/token', data={'role': 'read', 'durationInHour': '1'})
    assert response.status_code == 401


@pytest.mark.parametrize('token, reason', [
    ('abc', 'token contains an invalid number of segments'),
    ('a.b', 'token contains an invalid number of segments'),
    ('!!.e30.x', 'illegal base64 data at input byte 0'),
])
def test_malformed_tokens(rack, token, reason):
    response = as_jwt(rack, token).get('/apps')
    assert response.status_code == 401
    assert response.json() == {'error': 'invalid authentication: %s' % reason}


def test_rack_password_as_jwt_is_refused(rack):
    response = as_jwt(rack, rack.password).get('/apps')
    assert response.json() == {'error': 'invalid authentication: token contains an invalid number of segments'}


def test_token_verification_reasons(rack):
    future = int(time.time()) + 3600
    good = {'user': 'u', 'role': 'rw', 'expiresAt': future}
    cases = [
        (signed(rack, {'alg': 'HS256'}, good, key=b'other'), 'signature is invalid'),
        (signed(rack, {'alg': 'RS256'}, good), 'unexpected signing method: RS256'),
        (signed(rack, {'alg': 'none'}, good), 'unexpected signing method: none'),
        (signed(rack, {'typ': 'JWT'}, good), 'signing method (alg) is unspecified.'),
        (signed(rack, {'alg': 'HS256'}, {'role': 'rw', 'expiresAt': future}), 'invalid token: user claim missing or wrong type'),
        (signed(rack, {'alg': 'HS256'}, {'user': 'u', 'expiresAt': future}), 'invalid token: role claim missing or wrong type'),
        (signed(rack, {'alg': 'HS256'}, {'user': 'u', 'role': 'rw'}), 'invalid token: expiresAt claim missing or wrong type'),
        (signed(rack, {'alg': 'HS256'}, dict(good, expiresAt=int(time.time()) - 10)), 'token is expired'),
        (signed(rack, {'alg': 'HS256'}, dict(good, exp=int(time.time()) - 10)), 'Token is expired'),
    ]
    for token, reason in cases:
        response = as_jwt(rack, token).get('/apps')
        assert response.status_code == 401, reason
        assert response.json() == {'error': 'invalid authentication: %s' % reason}
    assert as_jwt(rack, signed(rack, {'alg': 'HS256'}, good)).get('/apps').status_code == 200


def test_custom_role_claims_are_honoured(rack):
    future = int(time.time()) + 3600
    nothing = as_jwt(rack, signed(rack, {'alg': 'HS256'}, {'user': 'u', 'role': '', 'expiresAt': future}))
    assert nothing.get('/apps').json() == {'error': 'you are unauthorized to access this'}
    # GET /auth has no role check on the rack.
    assert nothing.get('/auth').status_code == 200


def test_rotate_invalidates_tokens(api, rack):
    token = mint(api, 'admin')
    writer = as_jwt(rack, mint(api, 'write'))
    response = writer.put('/system/jwt/rotate')
    assert response.status_code == 403
    assert response.json() == {'error': 'admin role required'}
    assert as_jwt(rack, token).put('/system/jwt/rotate').content == b'ok\n'
    assert as_jwt(rack, token).get('/apps').json() == {'error': 'invalid authentication: signature is invalid'}
