# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Instances: list, terminate, keyroll (convox-api.md 2.8, 3; transcript row 66). The model is instances.py; the shell is a websocket."""

from .. import instances, render


async def instance_list(ctx):
    return render.json_response(instances.instances_of(ctx.state).list(ctx.state))


async def instance_terminate(ctx):
    instances.instances_of(ctx.state).terminate(ctx.state, ctx.var('id'))
    return render.ok_response()


async def instance_keyroll(ctx):
    key_pair = instances.instances_of(ctx.state).keyroll(ctx.state)
    if key_pair is None:
        return render.ok_response()
    return render.json_response(key_pair)


def register(router, _state):
    router.route('POST', '/instances/keyroll', instance_keyroll)
    router.route('GET', '/instances', instance_list)
    router.route('DELETE', '/instances/{id}', instance_terminate)
