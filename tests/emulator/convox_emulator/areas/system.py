# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rack itself: info, capacity, rack processes, updates (convox-api.md 2.7)."""

from .. import golang, render
from ..errors import Unimplemented

# The emulated cluster: one node of 2 CPUs and 4 GiB (what the observed test rack reported).
CLUSTER_CPU_MILLICORES = 2000
CLUSTER_MEMORY_MB = 4096 * 1024 * 1024 // 1000000


def mib_to_capacity_units(mebibytes):
    """Processes request memory in MiB; Capacity counts memory in units of 10^6 bytes (convox-api.md 3)."""
    return int(mebibytes * 1024 * 1024 // 1000000)


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
    processes = ctx.state.process_list()
    return render.json_response({
        'cluster-cpu': CLUSTER_CPU_MILLICORES,
        'cluster-gpu': 0,
        'cluster-memory': CLUSTER_MEMORY_MB,
        'process-count': len(processes),
        'process-cpu': int(sum(process.cpu for process in processes)),
        'process-gpu': sum(process.gpu for process in processes),
        'process-memory': mib_to_capacity_units(sum(process.memory for process in processes)),
    })


async def system_processes(ctx):
    """Rack processes; ``all=true`` adds every app's processes."""
    include_apps = bool(ctx.params.query('all', 'bool'))
    processes = ctx.state.process_list(include_apps=include_apps)
    return render.json_response([process.to_json() for process in processes])


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
