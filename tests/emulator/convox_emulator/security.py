# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Who may call: Basic authentication, rack JWTs, roles, and the console's Rack match (convox-api.md 1.2, 1.4)."""

import base64
import binascii
import hmac

from . import tokens
from .errors import NotFound, Unauthorized
from .routing import Caller


def basic_credentials(header):
    """net/http Request.BasicAuth: (user, password), or ('', '') when absent or malformed."""
    if not header or header[:6].lower() != 'basic ':
        return '', ''
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode('utf-8', errors='replace')
    except (binascii.Error, ValueError):
        return '', ''
    user, sep, password = decoded.partition(':')
    if not sep:
        return '', ''
    return user, password


def password_matches(state, password):
    """Constant-time comparison with the rack password; an empty rack password disables the check."""
    if not state.password:
        return True
    return hmac.compare_digest(password.encode('utf-8'), state.password.encode('utf-8'))


def authenticate(state, request):
    """pkg/api authenticate: user ``jwt`` means a token, any other user the rack password."""
    user, password = basic_credentials(request.headers.get('Authorization'))
    if user == 'jwt':
        with state.lock:
            key = state.jwt_key
        try:
            token_user, role = tokens.verify(key, password)
        except tokens.TokenError as exc:
            raise Unauthorized('invalid authentication: %s' % exc) from None
        return Caller(role=role, user=token_user)
    if not password_matches(state, password):
        headers = {'WWW-Authenticate': 'Basic realm="convox"'} if state.semantics.www_authenticate else None
        raise Unauthorized('invalid authentication', headers)
    actor = (request.headers.get('Convox-Actor') or request.headers.get('X-Convox-Actor') or '').strip()
    return Caller(role=state.semantics.password_role, user=actor or 'rack-password')


def authorize(caller, method):
    """pkg/api Authorize: GET needs r; every other method (HEAD and OPTIONS included) needs w."""
    if not caller.can('r' if method == 'GET' else 'w'):
        raise Unauthorized('you are unauthorized to access this')


def match_console_rack(state, requested):
    """The console matches the Rack header exactly: the CLI resolves a unique substring locally and sends the full ORG/RACK."""
    if requested != state.console:
        raise NotFound('rack not found: %s' % requested)
