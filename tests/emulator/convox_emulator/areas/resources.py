# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""System (rack) resources under ``/resources`` (convox-api.md 2.6; transcript rows 57-65).

The generation's model (v3 webhooks, v2 CloudFormation stacks) is in rack_resources.py; app
resources (``/apps/{app}/resources``) belong to the builds area.
"""

from .. import rack_resources, render


def _store(ctx):
    return rack_resources.store_of(ctx.state)


async def resource_list(ctx):
    store = _store(ctx)
    return render.json_response([store.render(ctx.state, resource, listed=True) for resource in store.list(ctx.state)])


async def resource_types(ctx):
    """OPTIONS /resources: a write route like every non-GET method."""
    return render.json_response(_store(ctx).types())


async def resource_create(ctx):
    """SystemResourceCreate: ``kind`` through c.Value (form, then header); options parsed before the provider runs."""
    kind = ctx.params.value('kind')
    name = ctx.params.param('name')
    parameters = ctx.params.param('parameters', 'map')
    return render.json_response(_store(ctx).create(ctx.state, kind, name, parameters, ctx.params))


async def resource_get(ctx):
    store = _store(ctx)
    return render.json_response(store.render(ctx.state, store.get(ctx.state, ctx.var('name'))))


async def resource_update(ctx):
    parameters = ctx.params.param('parameters', 'map')
    return render.json_response(_store(ctx).update(ctx.state, ctx.var('name'), parameters))


async def resource_delete(ctx):
    _store(ctx).delete(ctx.state, ctx.var('name'))
    return render.ok_response()


async def resource_link(ctx):
    return render.json_response(_store(ctx).link(ctx.state, ctx.var('name'), ctx.params.value('app')))


async def resource_unlink(ctx):
    return render.json_response(_store(ctx).unlink(ctx.state, ctx.var('name'), ctx.var('app')))


def register(router, _state):
    router.route('GET', '/resources', resource_list)
    router.route('OPTIONS', '/resources', resource_types)
    router.route('POST', '/resources', resource_create)
    router.route('GET', '/resources/{name}', resource_get)
    router.route('PUT', '/resources/{name}', resource_update)
    router.route('DELETE', '/resources/{name}', resource_delete)
    router.route('POST', '/resources/{name}/links', resource_link)
    router.route('DELETE', '/resources/{name}/links/{app}', resource_unlink)
