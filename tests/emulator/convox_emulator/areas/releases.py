# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Releases: environment writes and promotes live here (convox-api.md 2.3, 6.1-6.3)."""

from .. import render, workloads
from ..errors import Forbidden
from ..routing import AbortConnection


async def release_list(ctx):
    """Newest first; ``limit`` is a query option (default 10)."""
    limit = ctx.params.query('limit', 'int', default='10')
    releases = ctx.state.release_list(ctx.var('app'), max(limit, 0))
    if limit < 0:
        # ReleaseList slices rs[0:limit]; a negative limit panics and net/http drops the connection.
        raise AbortConnection()
    return render.json_response([release.to_json() for release in releases])


async def release_create(ctx):
    params = ctx.params
    release = ctx.state.release_create(
        ctx.var('app'),
        build=params.param('build'),
        env=params.param('env'),
        description=params.param('description'),
        parent=params.param('parent-release'),
    )
    return render.json_response(release.to_json())


async def release_get(ctx):
    return render.json_response(ctx.state.release_get(ctx.var('app'), ctx.var('id')).to_json())


async def release_promote(ctx):
    """ReleasePromoteValidate, then the options, then the deploy; one lock so two promotes cannot both pass."""
    state, semantics, params = ctx.state, ctx.semantics, ctx.params
    app_name = ctx.var('app')
    with state.lock:
        app = state.app_get(app_name)
        if params.form('force') != 'true' and app.status != 'running':
            raise Forbidden('app is currently updating')
        release = state.release_get(app_name, ctx.var('id'))
        if not release.manifest.strip():
            raise semantics.promote_check_error('can not promote a release with an empty manifest')
        if app.release:
            active = state.release_get(app_name, app.release)
            if release.created_ns < active.created_ns:
                raise semantics.promote_check_error('can not promote an older release, try rollback')
        for name, kind in (('development', 'bool'), ('force', 'bool'), ('idle', 'bool'), ('min', 'int'), ('max', 'int'), ('timeout', 'int')):
            params.param(name, kind)
        # The provider's ReleasePromote loads the manifest first: a parse error is a 500 and the release does not switch.
        workloads.check_manifest(release)
        state.release_promote(app_name, release.id)
    return render.ok_response()


def register(router, _state):
    router.route('POST', '/apps/{app}/releases', release_create)
    router.route('GET', '/apps/{app}/releases/{id}', release_get)
    router.route('GET', '/apps/{app}/releases', release_list)
    router.route('POST', '/apps/{app}/releases/{id}/promote', release_promote)
