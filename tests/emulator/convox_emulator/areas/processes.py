# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Processes: list, get, stop, run detached, exec (convox-api.md 2.5; transcript rows 50-52). The model is workloads.py, exec is execs.py."""

from .. import execs, render, workloads
from ..errors import Forbidden

# structs.ProcessExecOptions in field order: (header, kind, default tag).
EXEC_OPTIONS = (('Entrypoint', 'bool', None), ('Height', 'int', None), ('Tty', 'bool', 'true'), ('Width', 'int', None),
                ('Disable-Stdin', 'bool', None))


async def process_list(ctx):
    """ProcessList: ``service`` and ``release`` are query options (label filters)."""
    service = ctx.params.query('service')
    release = ctx.params.query('release')
    processes = workloads.workloads_of(ctx.state).process_list(ctx.state, ctx.var('app'), service=service, release=release)
    return render.json_response([process.to_json(ctx.semantics) for process in processes])


async def process_get(ctx):
    process = workloads.workloads_of(ctx.state).process_get(ctx.state, ctx.var('app'), ctx.var('pid'))
    return render.json_response(process.to_json(ctx.semantics))


async def process_stop(ctx):
    workloads.workloads_of(ctx.state).process_stop(ctx.state, ctx.var('app'), ctx.var('pid'))
    return render.ok_response()


async def process_run(ctx):
    """ProcessRun: the options travel as headers (the SDK's run uses them for websockets too); maps are encoded."""
    options = {name: ctx.params.header(name, kind) for name, kind in workloads.RUN_OPTIONS}
    process = workloads.workloads_of(ctx.state).process_run(ctx.state, ctx.var('app'), ctx.var('service'), options)
    return render.json_response(process.to_json(ctx.semantics))


async def process_exec(ctx, socket):
    """ProcessExec: write access (403 as an ERROR frame), the options, then the marker, and the error after it if there is one."""
    if not ctx.caller.can('w'):
        raise Forbidden('process exec requires write access')
    command = ctx.params.value('command')
    options = {name: ctx.params.header(name, kind, default) for name, kind, default in EXEC_OPTIONS}
    code, error = await execs.run_exec(ctx.state, socket, ctx.var('app'), ctx.var('pid'), command, options)
    await socket.marker(code)
    if error is not None:
        raise error


def register(router, state):
    workloads.attach(state)
    router.route('GET', '/apps/{app}/processes', process_list)
    router.route('GET', '/apps/{app}/processes/{pid}', process_get)
    router.route('DELETE', '/apps/{app}/processes/{pid}', process_stop)
    router.route('POST', '/apps/{app}/services/{service}/processes', process_run)
    router.socket('/apps/{app}/processes/{pid}/exec', process_exec)
