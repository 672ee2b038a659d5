# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rack JWTs (pkg/jwt): HS256 tokens with claims user, role and expiresAt (not the standard exp).

Verification mirrors golang-jwt v4 ``jwt.Parse`` plus the rack's claim checks, so the reason in
``invalid authentication: <reason>`` reads the same as on a real rack.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time

ROLES = {'read': ('system-read', 'r'), 'write': ('system-write', 'rw'), 'admin': ('system-admin', 'rwa')}
_HMAC_ALGORITHMS = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}
# golang-jwt knows these; any of them other than HMAC is refused by the rack's key function.
_KNOWN_ALGORITHMS = set(_HMAC_ALGORITHMS) | {'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'none'}


class TokenError(Exception):
    """Why a token was refused, worded like golang-jwt / pkg/jwt."""


def _b64encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def _b64decode(segment):
    """base64.RawURLEncoding.DecodeString: no padding allowed."""
    for index, char in enumerate(segment):
        if char not in 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_':
            raise TokenError('illegal base64 data at input byte %d' % index)
    if len(segment) % 4 == 1:
        raise TokenError('illegal base64 data at input byte %d' % (len(segment) - 1))
    try:
        return base64.urlsafe_b64decode(segment + '=' * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenError(str(exc)) from None


def _json_segment(segment):
    data = _b64decode(segment)
    try:
        value = json.loads(data.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise TokenError('invalid character looking for beginning of value') from None
    if not isinstance(value, dict):
        raise TokenError('json: cannot unmarshal %s into Go value of type jwt.MapClaims' % type(value).__name__)
    return value


def _compact_json(value):
    # encoding/json sorts map keys; MapClaims is a map.
    return json.dumps(value, separators=(',', ':'), sort_keys=True).encode('utf-8')


def mint(key, role_name, duration_seconds, now=None):
    """JwtManager.ReadToken/WriteToken/AdminToken."""
    user, role = ROLES[role_name]
    expires = int((now if now is not None else time.time()) + duration_seconds)
    header = _b64encode(_compact_json({'alg': 'HS256', 'typ': 'JWT'}))
    claims = _b64encode(_compact_json({'expiresAt': expires, 'role': role, 'user': user}))
    signing_input = ('%s.%s' % (header, claims)).encode('ascii')
    signature = _b64encode(hmac.new(key, signing_input, hashlib.sha256).digest())
    return '%s.%s.%s' % (header, claims, signature)


def verify(key, token, now=None):
    """JwtManager.Verify: returns (user, role) or raises TokenError."""
    now = now if now is not None else time.time()
    parts = token.split('.')
    if len(parts) != 3:
        raise TokenError('token contains an invalid number of segments')
    header = _json_segment(parts[0])
    claims = _json_segment(parts[1])
    algorithm = header.get('alg')
    if not isinstance(algorithm, str):
        raise TokenError('signing method (alg) is unspecified.')
    if algorithm not in _KNOWN_ALGORITHMS:
        raise TokenError('signing method (alg) is unavailable.')
    if algorithm not in _HMAC_ALGORITHMS:
        raise TokenError('unexpected signing method: %s' % algorithm)
    failure = None
    # MapClaims.Valid runs before the signature check; a bad signature's error replaces it.
    expiry = claims.get('exp')
    if isinstance(expiry, (int, float)) and now > expiry:
        failure = 'Token is expired'
    not_before = claims.get('nbf')
    if failure is None and isinstance(not_before, (int, float)) and now < not_before:
        failure = 'Token is not valid yet'
    signature = _b64decode(parts[2])
    expected = hmac.new(key, ('%s.%s' % (parts[0], parts[1])).encode('ascii'), _HMAC_ALGORITHMS[algorithm]).digest()
    if not hmac.compare_digest(signature, expected):
        failure = 'signature is invalid'
    if failure is not None:
        raise TokenError(failure)
    user, role, expires_at = claims.get('user'), claims.get('role'), claims.get('expiresAt')
    if not isinstance(user, str):
        raise TokenError('invalid token: user claim missing or wrong type')
    if not isinstance(role, str):
        raise TokenError('invalid token: role claim missing or wrong type')
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)):
        raise TokenError('invalid token: expiresAt claim missing or wrong type')
    if int(expires_at) < now:
        raise TokenError('token is expired')
    return user, role
