# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Services: list, scale or resize, restart (convox-api.md 2.4, 6.5; transcript row 49). The model is workloads.py."""

from .. import render, workloads


async def service_list(ctx):
    """The active release's services: an empty list before any promote with a manifest."""
    services = workloads.workloads_of(ctx.state).service_list(ctx.state, ctx.var('app'))
    return render.json_response([service.to_json(ctx.semantics, ctx.var('app')) for service in services])


async def service_update(ctx):
    """ServiceUpdate: every option is parsed first (a bad int is a 500), then the Deployment is patched; no release is made."""
    options = {name: ctx.params.param(name, kind) for name, kind in ctx.semantics.workloads.update_options}
    workloads.workloads_of(ctx.state).service_update(ctx.state, ctx.var('app'), ctx.var('name'), options)
    return render.ok_response()


async def service_restart(ctx):
    workloads.workloads_of(ctx.state).service_restart(ctx.state, ctx.var('app'), ctx.var('name'))
    return render.ok_response()


def register(router, state):
    workloads.attach(state)
    router.route('GET', '/apps/{app}/services', service_list)
    router.route('PUT', '/apps/{app}/services/{name}', service_update)
    router.route('POST', '/apps/{app}/services/{name}/restart', service_restart)
