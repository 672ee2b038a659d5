# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App budgets and cost (v3 3.24.6+: pkg/api AppBudget*, provider/k8s budget_accumulator.go, budget_shutdown.go)."""

import pytest

from convox_emulator import budgets, golang
from emulator_helpers import create_running_app, deploy_manifest, role_apis


@pytest.fixture
def demo(api, clock):
    create_running_app(api, clock)


@pytest.fixture
def tracking(rack):
    rack.state.cost_tracking = True
    yield
    rack.state.cost_tracking = False


@pytest.mark.usefixtures('demo')
def test_no_budget(api, text_api):
    # What `convox ps` and `convox services` read on every call.
    response = api.get('/apps/demo/budget')
    assert (response.status_code, response.content) == (200, b'{\n  "config": null,\n  "state": null\n}\n')
    response = api.get('/apps/missing/budget')
    assert (response.status_code, response.json()) == (404, {'error': 'app not found: missing'})
    assert text_api.get('/apps/missing/budget').text == 'app not found: missing\n'
    assert api.get('/apps/demo/budget/shutdown-state').content == b'null\n'
    assert api.post('/apps/demo/budget/dismiss-recovery').json() == {'app': 'demo', 'status': 'no-banner'}


@pytest.mark.usefixtures('demo')
def test_caps_need_cost_tracking(api):
    response = api.post('/apps/demo/budget', data={'monthly-cap-usd': '100'})
    assert (response.status_code, response.json()) == (422, {'error': budgets.COST_TRACKING_MESSAGE})
    assert response.json()['error'].startswith('rack parameter cost_tracking_enable is false.')
    # A pricing adjustment alone passes the tracking check, then a budget without a cap is invalid.
    response = api.post('/apps/demo/budget', data={'pricing-adjustment': '1.2'})
    assert (response.status_code, response.json()) == (400, {'error': 'monthly-cap-usd must be > 0'})


@pytest.mark.usefixtures('demo', 'tracking')
def test_set_get_clear(api):
    response = api.post('/apps/demo/budget', data={'monthly-cap-usd': '250.5'})
    assert (response.status_code, response.content) == (200, b'ok\n')
    assert 'Deprecation' not in response.headers
    assert api.get('/apps/demo/budget').json() == {
        'config': {'monthly-cap-usd': 250.5, 'alert-threshold-percent': 80, 'at-cap-action': 'alert-only', 'pricing-adjustment': 1,
                   'last-cap-mutation-by': 'rack-password'},
        'state': None}
    api.post('/apps/demo/budget', data={'alert-threshold-percent': '50', 'at-cap-action': 'block-new-deploys'})
    config = api.get('/apps/demo/budget').json()['config']
    assert list(config) == ['monthly-cap-usd', 'alert-threshold-percent', 'at-cap-action', 'pricing-adjustment', 'last-cap-mutation-by']
    assert (config['monthly-cap-usd'], config['alert-threshold-percent'], config['at-cap-action']) == (250.5, 50, 'block-new-deploys')
    assert api.delete('/apps/demo/budget').content == b'ok\n'
    assert api.get('/apps/demo/budget').json() == {'config': None, 'state': None}
    assert api.delete('/apps/demo/budget').content == b'ok\n'
    assert api.get('/apps/demo/cost').json()['tracking-enabled'] is True


@pytest.mark.usefixtures('demo', 'tracking')
@pytest.mark.parametrize('data, status, message', [
    ({'monthly-cap-usd': 'lots'}, 400, 'monthly-cap-usd must be a number: strconv.ParseFloat: parsing "lots": invalid syntax'),
    ({'monthly-cap-usd': 'NaN'}, 400, 'monthly-cap-usd must be a finite number'),
    ({'monthly-cap-usd': '1e400'}, 400, 'monthly-cap-usd must be a number: strconv.ParseFloat: parsing "1e400": value out of range'),
    ({'monthly-cap-usd': '-5'}, 400, 'monthly-cap-usd must be > 0'),
    ({'monthly-cap-usd': '5', 'alert-threshold-percent': '101'}, 400, 'alert-threshold-percent must be between 1 and 100'),
    ({'monthly-cap-usd': '5', 'alert-threshold-percent': 'half'}, 500, 'strconv.Atoi: parsing "half": invalid syntax'),
    ({'monthly-cap-usd': '5', 'at-cap-action': 'panic'}, 400, 'at-cap-action must be "alert-only", "block-new-deploys", or "auto-shutdown"'),
    ({'monthly-cap-usd': '5', 'pricing-adjustment': '2'}, 400, 'pricing-adjustment must be between 0.1 and 1.5'),
])
def test_set_errors(api, data, status, message):
    response = api.post('/apps/demo/budget', data=data)
    assert (response.status_code, response.json()) == (status, {'error': message})
    assert api.get('/apps/demo/budget').json()['config'] is None


@pytest.mark.usefixtures('tracking')
def test_missing_app(api):
    assert api.post('/apps/nope/budget', data={'monthly-cap-usd': '5'}).json() == {'error': 'app not found: nope'}
    for method, path in (('DELETE', '/apps/nope/budget'), ('POST', '/apps/nope/budget/reset'), ('GET', '/apps/nope/budget/shutdown-state'),
                         ('POST', '/apps/nope/budget/simulate-shutdown'), ('POST', '/apps/nope/budget/dismiss-recovery'),
                         ('GET', '/apps/nope/cost')):
        response = api.request(method, path)
        assert (response.status_code, response.json()) == (404, {'error': 'app not found: nope'}), path


@pytest.mark.usefixtures('demo', 'tracking')
def test_roles(api, rack):
    apis = role_apis(api, rack)
    assert apis['read'].get('/apps/demo/budget').status_code == 200
    assert apis['read'].post('/apps/demo/budget', data={'alert-threshold-percent': '50'}).status_code == 401
    # A writer may change the threshold only; caps, actions, pricing and clearing need an admin.
    response = apis['write'].post('/apps/demo/budget', data={'monthly-cap-usd': '10'})
    assert (response.status_code, response.json()) == (403, {'error': 'AppBudgetSet: admin role required to set budget cap'})
    assert apis['write'].post('/apps/demo/budget', data={'pricing-adjustment': '1.1'}).status_code == 403
    assert apis['admin'].post('/apps/demo/budget', data={'monthly-cap-usd': '10'}).content == b'ok\n'
    assert api.get('/apps/demo/budget').json()['config']['last-cap-mutation-by'] == 'system-admin'
    assert apis['write'].post('/apps/demo/budget', data={'alert-threshold-percent': '90'}).content == b'ok\n'
    response = apis['write'].delete('/apps/demo/budget')
    assert (response.status_code, response.json()) == (403, {'error': 'AppBudgetClear: admin role required to remove budget config'})
    assert apis['write'].post('/apps/demo/budget/reset').content == b'ok\n'
    response = apis['write'].post('/apps/demo/budget/reset', data={'force_clear_cooldown': 'true'})
    assert response.status_code == 403
    assert response.json()['error'].startswith('AppBudgetReset --force-clear-cooldown requires Admin role')
    assert apis['admin'].delete('/apps/demo/budget').content == b'ok\n'


@pytest.mark.usefixtures('demo', 'tracking')
def test_ack_by_is_deprecated(api):
    response = api.post('/apps/demo/budget', data={'monthly-cap-usd': '5', 'ack_by': 'ops@example.com'})
    assert response.headers['Deprecation'] == 'true'
    assert response.headers['Sunset'] == 'Thu, 01 Oct 2026 00:00:00 GMT'
    assert response.headers['Link'] == '<https://docs.convox.com/migration/ack-by-derivation>; rel="deprecation"; type="text/html"'
    assert api.get('/apps/demo/budget').json()['config']['last-cap-mutation-by'] == 'ops@example.com'
    # DELETE bodies are read for it too.
    assert api.delete('/apps/demo/budget', data={'ack_by': 'ops'}).headers['Deprecation'] == 'true'


@pytest.mark.usefixtures('demo')
def test_reset(api, clock):
    assert api.post('/apps/demo/budget/reset', headers={'Convox-Actor': 'alice'}).content == b'ok\n'
    state = api.get('/apps/demo/budget').json()['state']
    assert list(state) == ['month-start', 'current-month-spend-usd', 'current-month-spend-as-of', 'alert-fired-at-threshold',
                           'alert-fired-at-cap', 'circuit-breaker-ack-by', 'circuit-breaker-ack-at']
    assert state['month-start'] == golang.format_time(budgets.month_start(clock.now_ns))
    assert (state['current-month-spend-usd'], state['alert-fired-at-cap'], state['circuit-breaker-ack-by']) == (0, golang.ZERO_TIME, 'alice')
    assert state['circuit-breaker-ack-at'] == golang.format_time(clock.now_ns)
    clock.advance(5)
    api.post('/apps/demo/budget/reset', data={'reset_period': 'true'})
    assert api.get('/apps/demo/budget').json()['state']['month-start'] == golang.format_time(clock.now_ns)


@pytest.mark.usefixtures('tracking')
def test_simulate(api, rack, clock):
    create_running_app(api, clock)
    response = api.post('/apps/demo/budget/simulate-shutdown')
    assert (response.status_code, response.json()) == (400, {'error': 'no budget configured for app demo'})
    api.post('/apps/demo/budget', data={'monthly-cap-usd': '100', 'at-cap-action': 'auto-shutdown'})
    response = api.post('/apps/demo/budget/simulate-shutdown')
    assert (response.status_code, response.json()) == (500, {'error': 'release manifest for app demo: no release for app: demo'})
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n    scale: 2\n  api:\n    build: .\n')
    result = api.post('/apps/demo/budget/simulate-shutdown').json()
    assert list(result) == ['app', 'at-cap-action', 'webhook-url', 'notify-before-minutes', 'shutdown-grace-period', 'shutdown-order',
                            'recovery-mode', 'eligibility', 'would-shut-down-services', 'would-shut-down-count',
                            'estimated-cost-saved-usd-per-hour', 'simulated-at']
    assert (result['at-cap-action'], result['shutdown-grace-period'], result['shutdown-order'], result['recovery-mode']) == (
        'auto-shutdown', '5m0s', 'largest-cost', 'auto-on-reset')
    assert result['eligibility'] == [{'service': 'web', 'eligible': True, 'replicas': 2, 'cost-usd-per-hour': 0},
                                     {'service': 'api', 'eligible': True, 'replicas': 1, 'cost-usd-per-hour': 0}]
    assert (result['would-shut-down-services'], result['would-shut-down-count']) == (['api', 'web'], 2)


@pytest.mark.usefixtures('demo')
def test_cost(api, clock):
    cost = api.get('/apps/demo/cost').json()
    assert cost == {'app': 'demo', 'month-start': golang.format_time(budgets.month_start(clock.now_ns)), 'as-of': golang.ZERO_TIME,
                    'spend-usd': 0, 'breakdown': [], 'pricing-source': 'on-demand-static-table', 'pricing-table-version': '2026-04-29',
                    'pricing-adjustment': 1}


@pytest.mark.usefixtures('tracking')
def test_budget_goes_with_the_app(api, clock):
    create_running_app(api, clock)
    api.post('/apps/demo/budget', data={'monthly-cap-usd': '5'})
    api.delete('/apps/demo')
    clock.advance(1)
    create_running_app(api, clock)
    assert api.get('/apps/demo/budget').json() == {'config': None, 'state': None}


def test_v2_has_no_budgets(v2):
    v2.post('/apps', data={'name': 'demo'})
    for method, path in (('GET', '/apps/demo/budget'), ('GET', '/apps/demo/cost'), ('POST', '/apps/demo/budget/reset')):
        assert v2.request(method, path).status_code == 404


def test_parse_float_matches_go():
    assert budgets.parse_float('1e3') == 1000 and budgets.parse_float('.5') == 0.5 and budgets.parse_float('5.') == 5
    assert budgets.parse_float('-Inf') == float('-inf') and budgets.parse_float('+infinity') == float('inf')
    for text in (' 1', '1 ', '', '1_000', '0x10', '1e', '--1'):
        with pytest.raises(golang.GoError, match='invalid syntax'):
            budgets.parse_float(text)
