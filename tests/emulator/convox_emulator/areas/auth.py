# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""GET /auth (the CLI's login probe) and the rack's JWTs (convox-api.md 1.2)."""

from .. import golang, render, tokens
from ..errors import BadRequest, Forbidden, error_for_status

MAX_JWT_HOURS = 8760


async def auth_check(_ctx):
    return render.ok_response()


async def jwt_token(ctx):
    """POST /system/jwt/token: params role (read|write|admin) and durationInHour, read with c.Value."""
    semantics = ctx.semantics
    role = ctx.params.value('role')
    try:
        hours = golang.atoi(ctx.params.value('durationInHour'))
    except golang.GoError:
        raise error_for_status(semantics.jwt_invalid_duration_status, 'invalid duration') from None
    if semantics.jwt_checks_roles:
        if not 1 <= hours <= MAX_JWT_HOURS:
            raise BadRequest('duration must be between 1 and %d hours' % MAX_JWT_HOURS)
        if role == 'admin' and not ctx.caller.can('a'):
            raise Forbidden('admin role required to mint admin tokens')
        if role not in tokens.ROLES:
            raise BadRequest('invalid role: must be read, write, or admin')
    elif role not in ('read', 'write'):
        # v2 mints only read and write tokens and answers an empty token for anything else.
        return render.json_response({'token': ''})
    with ctx.state.lock:
        key = ctx.state.jwt_key
    return render.json_response({'token': tokens.mint(key, role, hours * 3600)})


async def jwt_rotate(ctx):
    """PUT /system/jwt/rotate: a new sign key; every token minted before stops working."""
    if not ctx.caller.can('a'):
        raise Forbidden('admin role required')
    ctx.state.rotate_jwt_key()
    return render.ok_response()


def register(router, _state):
    router.route('GET', '/auth', auth_check, authorize=False)
    router.route('POST', '/system/jwt/token', jwt_token)
    router.route('PUT', '/system/jwt/rotate', jwt_rotate)
