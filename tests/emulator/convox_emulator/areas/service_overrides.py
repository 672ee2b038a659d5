# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Console-driven scaling overrides on a service (v3 3.24.6: provider/k8s service_scale_override.go, service_triggers_override.go).

They annotate the service's Deployment, which the Service JSON shows as ``scale-override-active``
and ``triggers-override-active``; a promote keeps them.

- ``POST .../scale-override`` ``active=true|false`` (strconv.ParseBool forms): 400
  ``active form-param is required ("true" or "false")`` when missing, 400 ``active must be "true" or
  "false": strconv.ParseBool: ...`` when unparsable; a missing Deployment is 500
  ``deployments.apps "<service>" not found``.
- ``POST .../triggers/enable`` ``opts=<JSON {"min","max","triggers":[{"type","threshold"}]}>``: 400
  ``invalid opts payload: <json error>``; the options' validation and the rack's refusals (KEDA is
  off, GPU triggers need a GPU service, HPA triggers need min >= 1) are untyped 500s; a missing
  Deployment is 500 ``service not found: <app>/<service>``. CPU and memory triggers become an HPA:
  the service's count is held within min..max.
- ``POST .../triggers/disable``: nothing to do when no override is active; else the override goes and
  the count is reset to the manifest's minimum (1 without one).
- ``POST .../triggers/threshold`` ``type``, ``threshold``: 400 when the threshold is missing or not a
  number; the override must be active (500), and an HPA override takes cpu and memory only.

The handlers' own write-role checks (403) cannot be reached: every POST already needs ``w``.
"""

import json

from .. import golang, render, workloads
from ..budgets import ack_by, form_value, parse_float
from ..errors import BadRequest, ServerError

TRIGGER_TYPES = ('cpu', 'memory', 'gpuUtilization', 'queueDepth')
_PARSE_BOOL = {'1': True, 't': True, 'T': True, 'TRUE': True, 'true': True, 'True': True,
               '0': False, 'f': False, 'F': False, 'FALSE': False, 'false': False, 'False': False}


def _deployment(state, app_name, service_name):
    services = workloads.workloads_of(state).services
    if app_name not in state.apps:
        return None
    return services.get(app_name, {}).get(service_name)


async def scale_override(ctx):
    state, app_name, service_name = ctx.state, ctx.var('app'), ctx.var('service')
    _ack, headers = ack_by(ctx)
    raw = form_value(ctx, 'active').strip()
    if not raw:
        raise BadRequest('active form-param is required ("true" or "false")')
    if raw not in _PARSE_BOOL:
        raise BadRequest('active must be "true" or "false": strconv.ParseBool: parsing %s: invalid syntax' % golang.quote(raw))
    with state.lock:
        state.settle()
        service = _deployment(state, app_name, service_name)
        if service is None:
            raise ServerError('deployments.apps %s not found' % golang.quote(service_name))
        service.scale_override_active = _PARSE_BOOL[raw]
    return _ok(headers)


def _ok(headers):
    response = render.ok_response()
    response.headers.update(headers)
    return response


def _json_error(text):
    """The encoding/json error for a payload Python's decoder refuses (the common cases)."""
    if not text.strip():
        return 'unexpected end of JSON input'
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text):
            return 'unexpected end of JSON input'
        return 'invalid character %s looking for beginning of value' % _go_char(text[exc.pos])
    return ''


def _go_char(char):
    return "'%s'" % char if char != "'" else "'\\''"


def _decode_options(text):
    """json.Unmarshal into structs.ServiceTriggersOptions (unknown fields ignored, names case-insensitive)."""
    message = _json_error(text)
    if message:
        raise BadRequest('invalid opts payload: %s' % message)
    document = json.loads(text)
    if not isinstance(document, dict):
        raise BadRequest('invalid opts payload: json: cannot unmarshal %s into Go value of type structs.ServiceTriggersOptions'
                         % _json_kind(document))
    fields = {key.lower(): value for key, value in document.items()}
    options = {'min': 0, 'max': 0, 'triggers': []}
    for name in ('min', 'max'):
        value = fields.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            if value is not None:
                raise BadRequest('invalid opts payload: json: cannot unmarshal %s into Go struct field ServiceTriggersOptions.%s of type int'
                                 % (_json_kind(value), name))
            value = 0
        options[name] = int(value)
    for trigger in fields.get('triggers') or []:
        if not isinstance(trigger, dict):
            raise BadRequest('invalid opts payload: json: cannot unmarshal %s into Go struct field ServiceTriggersOptions.triggers of type '
                             'structs.TriggerSpec' % _json_kind(trigger))
        lowered = {key.lower(): value for key, value in trigger.items()}
        threshold = lowered.get('threshold', 0)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise BadRequest('invalid opts payload: json: cannot unmarshal %s into Go struct field ServiceTriggersOptions.triggers.threshold '
                             'of type float64' % _json_kind(threshold))
        options['triggers'].append({'type': str(lowered.get('type') or ''), 'threshold': float(threshold)})
    return options


def _json_kind(value):
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    if isinstance(value, dict):
        return 'object'
    return 'null'


def _validate_trigger(trigger):
    """structs.TriggerSpec.Validate (untyped errors)."""
    if trigger['type'] not in TRIGGER_TYPES:
        raise ServerError('unknown trigger type %s' % golang.quote(trigger['type']))
    if trigger['threshold'] <= 0:
        raise ServerError('threshold must be positive')
    if trigger['type'] != 'queueDepth' and trigger['threshold'] > 100:
        raise ServerError('percent triggers must be <= 100')


def _validate(options):
    if options['min'] < 0:
        raise ServerError('min must be >= 0')
    if options['max'] < 1:
        raise ServerError('max must be >= 1')
    if options['max'] < options['min']:
        raise ServerError('max must be >= min')
    if not options['triggers']:
        raise ServerError('at least one trigger is required')
    seen = set()
    for trigger in options['triggers']:
        _validate_trigger(trigger)
        if trigger['type'] in seen:
            raise ServerError('duplicate trigger type %s' % golang.quote(trigger['type']))
        seen.add(trigger['type'])


def _hold_count(state, app_name, service, count):
    if service.count != count:
        service.count = count
        workloads.workloads_of(state).reconcile(state, app_name)


async def triggers_enable(ctx):
    state, app_name, service_name = ctx.state, ctx.var('app'), ctx.var('service')
    options = _decode_options(form_value(ctx, 'opts'))
    _ack, headers = ack_by(ctx)
    _validate(options)
    keda = any(trigger['type'] in ('gpuUtilization', 'queueDepth') for trigger in options['triggers'])
    with state.lock:
        state.settle()
        service = _deployment(state, app_name, service_name)
        if any(trigger['type'] == 'gpuUtilization' for trigger in options['triggers']) and (service is None or service.gpu < 1):
            raise ServerError('GPU autoscale requires the service to declare scale.gpu.count >= 1 in convox.yml')
        if keda:
            # The rack parameter keda_enable defaults to false.
            raise ServerError('GPU and inference queue triggers require KEDA. Run: convox rack params set keda_enable=true')
        if options['min'] < 1:
            raise ServerError('CPU and memory triggers do not support min=0. To scale to zero, add a GPU utilization or inference queue depth '
                              'trigger, or set min to 1 or higher')
        if service is None:
            raise ServerError('service not found: %s/%s' % (app_name, service_name))
        service.triggers_override = {'crd': 'hpa', 'min': options['min'], 'max': options['max'],
                                     'triggers': {trigger['type']: trigger['threshold'] for trigger in options['triggers']}}
        _hold_count(state, app_name, service, min(max(service.count, options['min']), options['max']))
    return _ok(headers)


async def triggers_disable(ctx):
    state, app_name, service_name = ctx.state, ctx.var('app'), ctx.var('service')
    _ack, headers = ack_by(ctx)
    with state.lock:
        state.settle()
        service = _deployment(state, app_name, service_name)
        if service is None:
            raise ServerError('service not found: %s/%s' % (app_name, service_name))
        if service.triggers_override is not None:
            service.triggers_override = None
            _hold_count(state, app_name, service, service.spec.scale_min if service.spec.scale_min > 0 else 1)
    return _ok(headers)


async def triggers_threshold(ctx):
    state, app_name, service_name = ctx.state, ctx.var('app'), ctx.var('service')
    trigger_type = form_value(ctx, 'type').strip()
    raw = form_value(ctx, 'threshold').strip()
    if not raw:
        raise BadRequest('threshold form-param is required')
    try:
        threshold = parse_float(raw)
    except golang.GoError as exc:
        raise BadRequest('invalid threshold: %s' % exc) from None
    _ack, headers = ack_by(ctx)
    _validate_trigger({'type': trigger_type, 'threshold': threshold})
    with state.lock:
        state.settle()
        service = _deployment(state, app_name, service_name)
        if service is None:
            raise ServerError('service not found: %s/%s' % (app_name, service_name))
        if service.triggers_override is None:
            raise ServerError('threshold edits require an active triggers override. Click Enable triggers or Override triggers first')
        if trigger_type not in ('cpu', 'memory'):
            raise ServerError('HPA-backed override supports only cpu and memory triggers')
        service.triggers_override['triggers'][trigger_type] = threshold
    return _ok(headers)


def register(router, state):
    if 'service_overrides' not in state.semantics.admin.features:
        return
    workloads.attach(state)
    router.route('POST', '/apps/{app}/services/{service}/scale-override', scale_override)
    router.route('POST', '/apps/{app}/services/{service}/triggers/disable', triggers_disable)
    router.route('POST', '/apps/{app}/services/{service}/triggers/enable', triggers_enable)
    router.route('POST', '/apps/{app}/services/{service}/triggers/threshold', triggers_threshold)
