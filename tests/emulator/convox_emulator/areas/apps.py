# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Apps (convox-api.md 2.1, 6.4, 6.8)."""

import logging

from .. import render
from ..errors import ServerError

LOG = logging.getLogger(__name__)


def _app_json(ctx, app):
    return app.to_json(ctx.semantics, ctx.state.router)


async def app_list(ctx):
    return render.json_response([_app_json(ctx, app) for app in ctx.state.app_list()])


async def app_create(ctx):
    """POST /apps: ``name`` via c.Value (form, then header); generation and timeout are parsed but do not matter on v3."""
    name = ctx.params.value('name')
    generation = ctx.params.param('generation', default='2')
    ctx.params.param('timeout', 'int')
    if ctx.semantics.major == 2:
        if generation not in ('1', '2'):
            raise ServerError('unknown generation')
    else:
        generation = ''
    app = ctx.state.app_create(name, generation)
    return render.json_response(_app_json(ctx, app))


async def app_get(ctx):
    return render.json_response(_app_json(ctx, ctx.state.app_get(ctx.var('name'))))


async def app_update(ctx):
    """PUT /apps/{name}: ``lock`` and ``parameters`` (one url-encoded map); v3 drops unknown keys with a log line only."""
    lock = ctx.params.param('lock', 'bool')
    parameters = ctx.params.param('parameters', 'map')
    if parameters is not None:
        skipped = sorted(set(parameters) - set(ctx.semantics.accepted_parameters(parameters)))
        if skipped:
            LOG.info('Skipping unsupported parameters: %s', ', '.join(skipped))
    ctx.state.app_update(ctx.var('name'), lock=lock, parameters=parameters)
    return render.ok_response()


async def app_delete(ctx):
    ctx.state.app_delete(ctx.var('name'))
    return render.ok_response()


async def app_cancel(ctx):
    ctx.state.app_cancel(ctx.var('name'))
    return render.ok_response()


def register(router, _state):
    router.route('POST', '/apps/{name}/cancel', app_cancel)
    router.route('POST', '/apps', app_create)
    router.route('DELETE', '/apps/{name}', app_delete)
    router.route('GET', '/apps/{name}', app_get)
    router.route('GET', '/apps', app_list)
    router.route('PUT', '/apps/{name}', app_update)
