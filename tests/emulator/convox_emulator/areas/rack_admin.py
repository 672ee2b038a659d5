# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rack-wide odds and ends: events, Karpenter cleanup, the Let's Encrypt DNS config, the in-cluster HTTP proxy.

- ``POST /events`` (``action`` via c.Value, ``data`` an encoded map, ``status``, ``error``): the rack
  posts the event to its webhooks and answers ok; here it is recorded (``events_of(state)``) in the
  shape a webhook receives: action, data (with ``actor`` and ``rack`` added), status (``error`` when
  an error is given, which also becomes ``data.message``; default ``success``), timestamp.
- ``POST /system/karpenter/cleanup`` (v3): no Karpenter nodes or NodePools here: ok.
- ``GET/PUT /letsencrypt/config`` (v3): a JSON body ``{"role", "solvers": [{"id", "dns-zones",
  "route53": {"hosted-zone-id", "region", "role"}}]}`` decoded like encoding/json (names
  case-insensitive, unknown fields ignored; an empty body is 500 ``EOF``, bad JSON 500 with Go's
  message; an urlencoded body is consumed by the form parser first, so it is ``EOF`` too). Defaults
  are applied on both PUT and GET: ``role`` is the rack's cert-manager role (empty on this rack), a
  route53 solver without a region gets the rack's region (empty here). GET before any PUT answers
  ``{"role": "", "solvers": null}``.
- ``/custom/http/proxy/{path}`` (v3, any method): needs a write role (403 ``proxy requires write
  access``: the GET route check passes read tokens), ``X-Host`` ending in ``.local`` or
  ``.svc.cluster.local`` (400 ``invalid proxy host``), ``X-Port`` 1-65535 (400 ``invalid proxy
  port``); nothing runs behind it, so the reverse proxy answers a bare 502.
"""

import json
import re

from .. import golang, render
from ..errors import BadRequest, Forbidden, ServerError
from ..routing import BARE_KEY

EVENTS_KEY = 'events'
LETSENCRYPT_KEY = 'letsencrypt'
_PROXY_HOST_RE = re.compile(r'[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.(local|svc\.cluster\.local)\Z')
_BARE_PROXY_SUFFIXES = ('local', 'svc.cluster.local', 'cluster.local')
# The rack's environment: CERT_MANAGER_ROLE_ARN and AWS_REGION (a local-style rack has neither).
CERT_MANAGER_ROLE = ''
RACK_REGION = ''


def events_of(state):
    with state.lock:
        return state.extensions.setdefault(EVENTS_KEY, [])


async def event_send(ctx):
    action = ctx.params.value('action')
    data = ctx.params.param('data', 'map') or {}
    error = ctx.params.param('error')
    status = ctx.params.param('status')
    data = dict(data)
    if 'actor' not in data:
        data['actor'] = data.get('ack_by') or ctx.caller.user
    event = {'action': action, 'data': data, 'status': status or 'success', 'timestamp': golang.format_time(ctx.state.clock())}
    if error is not None:
        event['status'] = 'error'
        data['message'] = error
    data['rack'] = ctx.semantics.rack_name
    event['data'] = dict(sorted(data.items()))
    events_of(ctx.state).append(event)
    return render.ok_response()


async def karpenter_cleanup(_ctx):
    return render.ok_response()


def _kind(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    return 'object'


def _mismatch(value, path, go_type):
    where = 'Go struct field LetsEncryptConfig.%s' % path if path else 'Go value'
    return ServerError('json: cannot unmarshal %s into %s of type %s' % (_kind(value), where, go_type))


def _fields(document):
    """encoding/json matches object keys to fields case-insensitively; the last matching key wins."""
    return {key.lower(): value for key, value in document.items()}


def _string_or_none(value, path):
    if value is not None and not isinstance(value, str):
        raise _mismatch(value, path, 'string')
    return value


def _decode_solver(value):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _mismatch(value, 'solvers', 'structs.Dns01Solver')
    fields = _fields(value)
    solver = {'id': 0, 'dns-zones': None, 'route53': None}
    identifier = fields.get('id')
    if identifier is not None:
        if isinstance(identifier, bool) or not isinstance(identifier, (int, float)) or identifier != int(identifier):
            raise _mismatch(identifier, 'solvers.id', 'int')
        solver['id'] = int(identifier)
    zones = fields.get('dns-zones')
    if zones is not None:
        if not isinstance(zones, list):
            raise _mismatch(zones, 'solvers.dns-zones', '[]string')
        solver['dns-zones'] = [_string_or_none(zone, 'solvers.dns-zones') or '' for zone in zones]
    route53 = fields.get('route53')
    if route53 is not None:
        if not isinstance(route53, dict):
            raise _mismatch(route53, 'solvers.route53', 'structs.Route53')
        route_fields = _fields(route53)
        solver['route53'] = {name: _string_or_none(route_fields.get(name), 'solvers.route53.%s' % name)
                             for name in ('hosted-zone-id', 'region', 'role')}
    return solver


def _with_defaults(config):
    """LetsEncryptConfig.Defaults: the rack's role, and its region for route53 solvers without one."""
    solvers = None
    if config['solvers'] is not None:
        solvers = []
        for solver in config['solvers']:
            if solver is not None and solver['route53'] is not None and not solver['route53']['region']:
                solver = dict(solver, route53=dict(solver['route53'], region=RACK_REGION))
            solvers.append(solver)
    return {'role': CERT_MANAGER_ROLE, 'solvers': solvers}


async def letsencrypt_get(ctx):
    with ctx.state.lock:
        stored = ctx.state.extensions.get(LETSENCRYPT_KEY) or {'role': '', 'solvers': None}
    return render.json_response(_with_defaults(stored))


async def letsencrypt_apply(ctx):
    if ctx.params.raw_param('solvers') is not None:
        raise ServerError('unknown param type: []*structs.Dns01Solver')
    body = b'' if ctx.params.body_pairs or ctx.request.content_type == 'application/x-www-form-urlencoded' else await ctx.request.read()
    text = body.decode('utf-8', errors='replace')
    if not text.strip():
        raise ServerError('EOF')
    try:
        document, _end = json.JSONDecoder().raw_decode(text.lstrip())
    except json.JSONDecodeError as exc:
        stripped = text.lstrip()
        if exc.pos >= len(stripped):
            raise ServerError('unexpected EOF') from None
        raise ServerError('invalid character %s looking for beginning of value' % _go_char(stripped[exc.pos])) from None
    if not isinstance(document, dict):
        if document is None:
            document = {}
        else:
            raise _mismatch(document, '', 'structs.LetsEncryptConfig')
    fields = _fields(document)
    role = _string_or_none(fields.get('role'), 'role') or ''
    solvers = fields.get('solvers')
    if solvers is not None and not isinstance(solvers, list):
        raise _mismatch(solvers, 'solvers', '[]*structs.Dns01Solver')
    config = {'role': role, 'solvers': [_decode_solver(solver) for solver in solvers] if solvers is not None else None}
    with ctx.state.lock:
        ctx.state.extensions[LETSENCRYPT_KEY] = _with_defaults(config)
    return render.ok_response()


def _go_char(char):
    return "'\\''" if char == "'" else "'%s'" % char


def _allowed_proxy_host(host):
    host = host.strip().lower()
    return host not in _BARE_PROXY_SUFFIXES and bool(_PROXY_HOST_RE.match(host))


async def http_proxy(ctx):
    if not ctx.caller.can('w'):
        raise Forbidden('proxy requires write access')
    if not _allowed_proxy_host(ctx.request.headers.get('X-Host', '').strip()):
        raise BadRequest('invalid proxy host')
    try:
        port = golang.atoi(ctx.request.headers.get('X-Port', ''))
    except golang.GoError:
        port = 0
    if not 1 <= port <= 65535:
        raise BadRequest('invalid proxy port')
    # Nothing listens behind the emulator: httputil.ReverseProxy's error handler answers a bare 502.
    ctx.request[BARE_KEY] = True
    return render.empty_response(502)


def register(router, state):
    router.route('POST', '/events', event_send)
    if not state.semantics.admin.v3_routes:
        return
    features = state.semantics.admin.features
    if 'karpenter' in features:
        router.route('POST', '/system/karpenter/cleanup', karpenter_cleanup)
    if 'letsencrypt' in features:
        router.route('GET', '/letsencrypt/config', letsencrypt_get)
        router.route('PUT', '/letsencrypt/config', letsencrypt_apply)
    if 'http_proxy' in features:
        router.route('ANY', '/custom/http/proxy/{path:.*}', http_proxy)
