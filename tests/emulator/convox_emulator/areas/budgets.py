# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App budgets and cost (v3 3.24.6+; pkg/api controllers.go AppBudget*, AppCost). The model is budgets.py."""

from .. import budgets, render
from ..budgets import budgets_of, require_admin


def _ok(headers):
    response = render.ok_response()
    response.headers.update(headers)
    return response


def _json(value, headers=None):
    response = render.json_response(value)
    response.headers.update(headers or {})
    return response


async def budget_get(ctx):
    return render.json_response(budgets_of(ctx.state).get(ctx.state, ctx.var('app')))


async def budget_set(ctx):
    actor, headers = budgets.ack_by(ctx)
    params = ctx.params
    options = {'monthly-cap-usd': params.param('monthly-cap-usd'), 'alert-threshold-percent': params.param('alert-threshold-percent', 'int'),
               'at-cap-action': params.param('at-cap-action'), 'pricing-adjustment': params.param('pricing-adjustment')}
    if any(options[name] is not None for name in ('monthly-cap-usd', 'at-cap-action', 'pricing-adjustment')):
        require_admin(ctx.caller, 'AppBudgetSet: admin role required to set budget cap')
    budgets_of(ctx.state).set(ctx.state, ctx.var('app'), options, actor)
    return _ok(headers)


async def budget_clear(ctx):
    require_admin(ctx.caller, 'AppBudgetClear: admin role required to remove budget config')
    _ack, headers = budgets.ack_by(ctx)
    budgets_of(ctx.state).clear(ctx.state, ctx.var('app'))
    return _ok(headers)


async def budget_reset(ctx):
    actor, headers = budgets.ack_by(ctx)
    force_clear = ctx.params.value('force_clear_cooldown') == 'true'
    if force_clear:
        require_admin(ctx.caller, "AppBudgetReset --force-clear-cooldown requires Admin role; current role is 'w'. Contact rack admin or use "
                                  "Admin token.")
    budgets_of(ctx.state).reset(ctx.state, ctx.var('app'), actor, ctx.params.value('reset_period') == 'true')
    return _ok(headers)


async def budget_shutdown_state(ctx):
    budgets_of(ctx.state).shutdown_state(ctx.state, ctx.var('app'))
    return render.json_response(None)


async def budget_simulate(ctx):
    return render.json_response(budgets_of(ctx.state).simulate(ctx.state, ctx.var('app')))


async def budget_dismiss_recovery(ctx):
    _ack, headers = budgets.ack_by(ctx)
    return _json(budgets_of(ctx.state).dismiss_recovery(ctx.state, ctx.var('app')), headers)


async def app_cost(ctx):
    return render.json_response(budgets_of(ctx.state).cost(ctx.state, ctx.var('app')))


def register(router, state):
    if 'budgets' not in state.semantics.admin.features:
        return
    router.route('GET', '/apps/{app}/budget', budget_get)
    router.route('POST', '/apps/{app}/budget', budget_set)
    router.route('DELETE', '/apps/{app}/budget', budget_clear)
    router.route('POST', '/apps/{app}/budget/reset', budget_reset)
    router.route('GET', '/apps/{app}/budget/shutdown-state', budget_shutdown_state)
    router.route('POST', '/apps/{app}/budget/simulate-shutdown', budget_simulate)
    router.route('POST', '/apps/{app}/budget/dismiss-recovery', budget_dismiss_recovery)
    router.route('GET', '/apps/{app}/cost', app_cost)
