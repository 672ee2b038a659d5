# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Console-only endpoints, present when the emulator plays a console proxying one rack (--console ORG/RACK).

The console answers these itself, so they need no Rack header. Its JSON uses untagged Go field
names (pkg/console Rack: Name, Organization{Name}, Provider, Status, Version).
"""

from .. import render


async def rack_list(ctx):
    state = ctx.state
    organization, _sep, rack = state.console.partition('/')
    system = state.system_get()
    return render.json_response([{
        'Name': rack,
        'Organization': {'Name': organization},
        'Provider': ctx.semantics.provider,
        'Status': system.status,
        'Version': system.version,
    }])


def register(router, state):
    if state.console:
        router.route('GET', '/racks', rack_list, console_only=True)
