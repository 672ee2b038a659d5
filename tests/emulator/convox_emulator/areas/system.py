# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rack itself: info, capacity, rack processes, updates (convox-api.md 2.7)."""

from .. import golang, render
from ..errors import Unimplemented


async def system_get(ctx):
    return render.json_response(ctx.state.system_get().to_json(ctx.semantics))


async def system_update(ctx):
    """PUT /system: options are parsed first (bad ints are 500s), then v3 refuses with 501."""
    params = ctx.params
    count = params.param('count', 'int')
    params.param('force', 'bool')
    parameters = params.param('parameters', 'map')
    rack_type = params.param('type')
    version = params.param('version')
    if ctx.semantics.system_update_unsupported:
        raise Unimplemented(ctx.semantics.system_update_unsupported)
    ctx.state.system_update(count=count, parameters=parameters, rack_type=rack_type, version=version)
    return render.ok_response()


async def system_capacity(ctx):
    """The generation's Capacity: ``semantics.capacity`` computes it from the processes."""
    state = ctx.state
    return render.json_response(ctx.semantics.capacity(state.system_get(), state.process_list()))


async def system_processes(ctx):
    """Rack processes; ``all=true`` adds every app's processes."""
    include_apps = bool(ctx.params.query('all', 'bool'))
    processes = ctx.state.process_list(include_apps=include_apps)
    return render.json_response([process.to_json(ctx.semantics) for process in processes])


async def system_releases(ctx):
    semantics = ctx.semantics
    if semantics.system_releases_unsupported:
        raise Unimplemented(semantics.system_releases_unsupported)
    system = ctx.state.system_get()
    return render.json_response([{
        'id': system.version, 'app': semantics.rack_name, 'build': '', 'env': '', 'manifest': '', 'description': '',
        'created': golang.ZERO_TIME,
    }])


def register(router, _state):
    router.route('GET', '/system/capacity', system_capacity)
    router.route('GET', '/system', system_get)
    router.route('GET', '/system/processes', system_processes)
    router.route('GET', '/system/releases', system_releases)
    router.route('PUT', '/system', system_update)
