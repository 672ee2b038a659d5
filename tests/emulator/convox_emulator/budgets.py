# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App budgets and costs (v3 3.24.6+: provider/k8s budget_accumulator.go, budget_shutdown.go; pkg/structs/budget.go).

The rack keeps a budget as namespace annotations: the config (``AppBudget``), the accumulator's state
(``AppBudgetState``) and, once an auto-shutdown is armed, a shutdown state. Here:

- ``GET /apps/{app}/budget``: ``{"config": <AppBudget or null>, "state": <AppBudgetState or null>}``;
  a missing app (namespace) is 404 ``app not found``.
- set: caps, thresholds and actions need the rack parameter ``cost_tracking_enable`` (default false;
  ``--cost-tracking`` / ``EmulatorServer(cost_tracking=True)`` turn it on), else 422 with the rack's
  multi-line hint; a cap, an action or a pricing adjustment needs an admin (403); values are parsed
  and validated with the rack's 400 messages, then defaults applied (threshold 80, ``alert-only``, 1).
- clear (admin), reset (``force_clear_cooldown`` needs admin, ``reset_period`` zeroes the month),
  shutdown-state (``null`` until a shutdown is armed, which the emulator never does), simulate
  (needs a config; eligibility from the active release's services), dismiss-recovery (``no-banner``).
- cost: the AppCost shape; the emulator accumulates no spend (its state stays as reset left it).

``ack_by`` (a deprecated override of the acting user, also read from DELETE bodies) adds the rack's
``Deprecation``/``Sunset``/``Link`` headers.
"""

import datetime
import math
import re

from . import golang
from .errors import BadRequest, Forbidden, NotFound, ServerError, Unprocessable
from .manifest import ManifestError, parse_manifest

EXTENSION_KEY = 'budgets'
AT_CAP_ACTIONS = ('alert-only', 'block-new-deploys', 'auto-shutdown')
DEFAULT_THRESHOLD = 80.0
DEFAULT_ACTION = 'alert-only'
DEFAULT_ADJUSTMENT = 1.0
PRICING_MIN, PRICING_MAX = 0.1, 1.5
COST_TRACKING_MESSAGE = ('rack parameter cost_tracking_enable is false. Budget enforcement (caps, alerts, auto-shutdown) requires '
                         'cost_tracking_enable=true.\n'
                         '  Set on the rack first:\n'
                         '    convox rack params set cost_tracking_enable=true\n'
                         '  Wait ~3 min for the apply to complete, then retry.')
# structs.SunsetDate3250 and the migration guide the rack links to.
SUNSET = 'Thu, 01 Oct 2026 00:00:00 GMT'
DEPRECATION_LINK = '<https://docs.convox.com/migration/ack-by-derivation>; rel="deprecation"; type="text/html"'
PRICING_SOURCE = 'on-demand-static-table'
PRICING_TABLE_VERSION = '2026-04-29'
_FLOAT_RE = re.compile(r'[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9](?:_?[0-9])*(?:[eE][+-]?[0-9]+)?|[0-9]+\.)\Z')
_SPECIAL_FLOATS = {'inf': math.inf, 'infinity': math.inf, 'nan': math.nan}
_STRIPPED_RUNES = {0x2028, 0x2029, 0xfeff, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
                   0x2066, 0x2067, 0x2068, 0x2069}


def parse_float(text):
    """strconv.ParseFloat(text, 64) for decimal input, with Go's error text."""
    body = text.lstrip('+-')
    special = _SPECIAL_FLOATS.get(body.lower())
    if special is not None and len(text) - len(body) <= 1:
        return -special if text.startswith('-') else special
    if '_' in text or not _FLOAT_RE.match(text):
        raise golang.GoError('strconv.ParseFloat: parsing %s: invalid syntax' % golang.quote(text))
    value = float(text)
    if math.isinf(value):
        raise golang.GoError('strconv.ParseFloat: parsing %s: value out of range' % golang.quote(text))
    return value


def sanitize_actor(text):
    """audit.SanitizeActor: control, bidi and zero-width characters dropped, 256 runes at most, ``unknown`` when blank."""
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20 or code == 0x7f or 0x80 <= code <= 0x9f or code in _STRIPPED_RUNES:
            continue
        out.append(char)
        if len(out) >= 256:
            break
    result = ''.join(out)
    return result if result.strip() else 'unknown'


def month_start(now_ns):
    moment = datetime.datetime.fromtimestamp(now_ns // 1000000000, tz=datetime.timezone.utc)
    return int(datetime.datetime(moment.year, moment.month, 1, tzinfo=datetime.timezone.utc).timestamp()) * 1000000000


def config_json(config):
    """structs.AppBudget: the cap always, the rest omitempty."""
    data = {'monthly-cap-usd': config['monthly-cap-usd']}
    for field in ('alert-threshold-percent', 'at-cap-action', 'pricing-adjustment', 'last-cap-mutation-by'):
        if config.get(field):
            data[field] = config[field]
    return data


def state_json(state):
    """structs.AppBudgetState: time.Time fields are structs, so omitempty never drops them."""
    data = {
        'month-start': golang.format_time(state['month-start']),
        'current-month-spend-usd': state['current-month-spend-usd'],
        'current-month-spend-as-of': golang.format_time(state['current-month-spend-as-of']),
        'alert-fired-at-threshold': golang.format_time(state['alert-fired-at-threshold']),
        'alert-fired-at-cap': golang.format_time(state['alert-fired-at-cap']),
    }
    if state['circuit-breaker-tripped']:
        data['circuit-breaker-tripped'] = True
    if state['circuit-breaker-ack-by']:
        data['circuit-breaker-ack-by'] = state['circuit-breaker-ack-by']
    data['circuit-breaker-ack-at'] = golang.format_time(state['circuit-breaker-ack-at'])
    if state['warning-count']:
        data['warning-count'] = state['warning-count']
    if state['per-service-spend-usd']:
        data['per-service-spend-usd'] = dict(sorted(state['per-service-spend-usd'].items()))
    return data


def new_state(now_ns):
    return {'month-start': month_start(now_ns), 'current-month-spend-usd': 0, 'current-month-spend-as-of': None,
            'alert-fired-at-threshold': None, 'alert-fired-at-cap': None, 'circuit-breaker-tripped': False,
            'circuit-breaker-ack-by': '', 'circuit-breaker-ack-at': None, 'warning-count': 0, 'per-service-spend-usd': {}}


def ack_by(ctx):
    """resolveAckByOverride: the JWT user (or the password caller's actor); a non-empty ``ack_by`` overrides it, deprecated."""
    derived = ctx.caller.user.strip() or 'unknown'
    raw = form_value(ctx, 'ack_by').strip()
    if not raw:
        return derived, {}
    return raw, {'Deprecation': 'true', 'Sunset': SUNSET, 'Link': DEPRECATION_LINK}


def form_value(ctx, name):
    """formValue: like c.Value, but an urlencoded DELETE body is parsed too (Go skips bodies on DELETE)."""
    params = ctx.params
    if params.method == 'DELETE':
        for key, value in params.body_pairs:
            if key == name and value:
                return value
    return params.value(name)


class Budgets:
    """Per-app budget annotations."""

    def __init__(self):
        self.apps = {}

    def _app(self, state, app_name):
        with state.lock:
            state.settle()
            if app_name not in state.apps:
                raise NotFound('app not found: %s' % app_name)
            return self.apps.setdefault(app_name, {'config': None, 'state': None})

    def on_app_removed(self, _state, app_name):
        self.apps.pop(app_name, None)

    def get(self, state, app_name):
        record = self._app(state, app_name)
        return {'config': config_json(record['config']) if record['config'] else None,
                'state': state_json(record['state']) if record['state'] else None}

    def set(self, state, app_name, options, actor):
        """AppBudgetSet after the API's admin gate: cost tracking, app, parse, defaults, validate, save."""
        names = ('monthly-cap-usd', 'alert-threshold-percent', 'at-cap-action', 'pricing-adjustment')
        cap, threshold, action, adjustment = (options.get(name) for name in names)
        if (cap is not None or threshold is not None or action is not None) and not getattr(state, 'cost_tracking', False):
            raise Unprocessable(COST_TRACKING_MESSAGE)
        record = self._app(state, app_name)
        previous = record['config'] or {'monthly-cap-usd': 0}
        config = dict(previous)
        if cap is not None:
            config['monthly-cap-usd'] = _number('monthly-cap-usd', cap)
        if threshold is not None:
            config['alert-threshold-percent'] = float(threshold)
        if action is not None:
            config['at-cap-action'] = action
        if adjustment is not None:
            config['pricing-adjustment'] = _number('pricing-adjustment', adjustment)
        if cap is not None:
            config['last-cap-mutation-by'] = sanitize_actor(actor)
        config.setdefault('alert-threshold-percent', 0)
        config['alert-threshold-percent'] = config['alert-threshold-percent'] or DEFAULT_THRESHOLD
        config['at-cap-action'] = config.get('at-cap-action') or DEFAULT_ACTION
        config['pricing-adjustment'] = config.get('pricing-adjustment') or DEFAULT_ADJUSTMENT
        _validate(config)
        budget_state = record['state']
        if (budget_state is not None and budget_state['circuit-breaker-tripped'] and config['monthly-cap-usd'] > previous['monthly-cap-usd']
                and config['monthly-cap-usd'] > budget_state['current-month-spend-usd']):
            # Raising the cap above the spend clears a tripped breaker in the same write.
            budget_state.update({'circuit-breaker-tripped': False, 'alert-fired-at-threshold': None, 'alert-fired-at-cap': None,
                                 'circuit-breaker-ack-by': sanitize_actor(actor), 'circuit-breaker-ack-at': state.clock()})
        record['config'] = config

    def clear(self, state, app_name):
        record = self._app(state, app_name)
        record['config'] = record['state'] = None

    def reset(self, state, app_name, actor, reset_period):
        record = self._app(state, app_name)
        now = state.clock()
        budget_state = record['state'] or new_state(now)
        budget_state.update({'circuit-breaker-tripped': False, 'alert-fired-at-threshold': None, 'alert-fired-at-cap': None,
                             'circuit-breaker-ack-by': sanitize_actor(actor), 'circuit-breaker-ack-at': now})
        if reset_period:
            budget_state.update({'month-start': now, 'current-month-spend-usd': 0, 'current-month-spend-as-of': None,
                                 'per-service-spend-usd': {}})
        record['state'] = budget_state

    def shutdown_state(self, state, app_name):
        """No auto-shutdown is ever armed here: the annotation is absent, so the rack renders nil."""
        self._app(state, app_name)

    def simulate(self, state, app_name):
        record = self._app(state, app_name)
        config = record['config']
        if config is None:
            raise BadRequest('no budget configured for app %s' % app_name)
        app = state.apps[app_name]
        if not app.release:
            raise ServerError('release manifest for app %s: no release for app: %s' % (app_name, app_name))
        release = state.release_get(app_name, app.release)
        try:
            services = parse_manifest(release.manifest, require_services=False).services
        except ManifestError as error:
            raise ServerError('release manifest for app %s: %s' % (app_name, error.message)) from None
        running = _deployments(state, app_name)
        eligibility, names = [], []
        for spec in services:
            if spec.name not in running:
                eligibility.append({'service': spec.name, 'eligible': False, 'reason': 'no deployment yet (pending first deploy)',
                                    'replicas': 0, 'cost-usd-per-hour': 0})
                continue
            eligibility.append({'service': spec.name, 'eligible': True, 'replicas': running[spec.name], 'cost-usd-per-hour': 0})
            names.append(spec.name)
        # largest-cost order: every cost is 0 here, so by name.
        names.sort()
        return {
            'app': app_name, 'at-cap-action': config['at-cap-action'], 'webhook-url': '', 'notify-before-minutes': 30,
            'shutdown-grace-period': '5m0s', 'shutdown-order': 'largest-cost', 'recovery-mode': 'auto-on-reset',
            'eligibility': eligibility, 'would-shut-down-services': names, 'would-shut-down-count': len(names),
            'estimated-cost-saved-usd-per-hour': 0, 'simulated-at': golang.format_time(state.clock()),
        }

    def dismiss_recovery(self, state, app_name):
        self._app(state, app_name)
        return {'app': app_name, 'status': 'no-banner'}

    def cost(self, state, app_name):
        record = self._app(state, app_name)
        budget_state = record['state'] or new_state(state.clock())
        adjustment = (record['config'] or {}).get('pricing-adjustment') or 1.0
        data = {
            'app': app_name, 'month-start': golang.format_time(budget_state['month-start']),
            'as-of': golang.format_time(budget_state['current-month-spend-as-of']),
            'spend-usd': budget_state['current-month-spend-usd'], 'breakdown': [], 'pricing-source': PRICING_SOURCE,
            'pricing-table-version': PRICING_TABLE_VERSION, 'pricing-adjustment': adjustment,
        }
        if budget_state['warning-count']:
            data['warning-count'] = budget_state['warning-count']
        if getattr(state, 'cost_tracking', False):
            data['tracking-enabled'] = True
        return data


def _deployments(state, app_name):
    """Service name -> replicas of the app's Deployments (read from the workloads model, if any)."""
    workloads = state.extensions.get('workloads')
    services = getattr(workloads, 'services', {}).get(app_name, {}) if workloads is not None else {}
    return {name: service.count for name, service in services.items()}


def _number(field, text):
    try:
        value = parse_float(text)
    except golang.GoError as exc:
        raise BadRequest('%s must be a number: %s' % (field, exc)) from None
    if math.isnan(value) or math.isinf(value):
        raise BadRequest('%s must be a finite number' % field)
    return value


def _validate(config):
    """AppBudget.Validate, after ApplyDefaults."""
    if config['monthly-cap-usd'] <= 0:
        raise BadRequest('monthly-cap-usd must be > 0')
    if not 1 <= config['alert-threshold-percent'] <= 100:
        raise BadRequest('alert-threshold-percent must be between 1 and 100')
    if config['at-cap-action'] not in AT_CAP_ACTIONS:
        raise BadRequest('at-cap-action must be "alert-only", "block-new-deploys", or "auto-shutdown"')
    if not PRICING_MIN <= config['pricing-adjustment'] <= PRICING_MAX:
        raise BadRequest('pricing-adjustment must be between 0.1 and 1.5')


def budgets_of(state):
    with state.lock:
        model = state.extensions.get(EXTENSION_KEY)
        if model is None:
            model = state.extensions[EXTENSION_KEY] = Budgets()
            if _on_app_removed not in state.on_app_removed:
                state.on_app_removed.append(_on_app_removed)
        return model


def _on_app_removed(state, app_name):
    model = state.extensions.get(EXTENSION_KEY)
    if model is not None:
        model.on_app_removed(state, app_name)


def require_admin(caller, message):
    if not caller.can('a'):
        raise Forbidden(message)
