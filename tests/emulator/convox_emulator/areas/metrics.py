# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Metrics: app, per-service (GPU), batched per-service and rack metrics (convox-api.md 2.1, 2.4, 2.7).

Options (structs.MetricsOptions) are query-only: ``start``/``end`` in the 20060102.150405.000000000
layout, ``period`` an int64 of seconds, ``metrics`` a comma list; a value that does not parse is a 500.

v3:
- ``/apps/{name}/metrics``: 501 ``unimplemented`` (provider/k8s).
- ``/apps/{app}/services/{service}/metrics`` and ``/apps/{app}/metrics-by-service?services=a,b``
  (3.24.6): names must match ``^[a-z][a-z0-9-]*$`` (400 ``metrics: invalid name ...``); the range is
  checked (end after start, at most 24h, period at least 5s (default 30), at most 5000 points, and
  for the batch at most 100 services and 50000 points); then, with no Prometheus configured (the
  rack parameter ``prometheus_url`` defaults to empty), a service answers ``[]`` and the batch one
  ``{"name": <service>, "metrics": []}`` row per service, in the order asked.
- ``/system/metrics``: the metrics scraper's 15 one-minute points per node, summed, as
  ``cluster:cpu:utilization`` and ``cluster:mem:utilization`` percentages of the allocatable
  resources (here the requests of the running processes); ``period`` thins the points newest first
  and ``start`` drops the older ones, as provider/k8s does.

v2 reads CloudWatch: the emulator has no datapoints, so every metrics route answers ``[]``.
"""

import re

from .. import golang, render
from ..errors import BadRequest, Unimplemented
from ..instances import V3_NODE_CPU, V3_NODE_MEMORY_MIB

_NANOS = 1000000000
_NAME_RE = re.compile(r'[a-z][a-z0-9-]*\Z')
MAX_RANGE_NS = 24 * 3600 * _NANOS
MIN_PERIOD_NS = 5 * _NANOS
DEFAULT_PERIOD = 30
MAX_POINTS = 5000
MAX_SERVICES = 100
MAX_AGGREGATE_POINTS = 50000
GPU_WIRE_METRICS = 8
SCRAPER_POINTS = 15


def go_duration(nanos):
    """time.Duration.String for the whole-second-or-longer durations these messages show (``24h0m1s``, ``1s``)."""
    hours, rest = divmod(nanos, 3600 * _NANOS)
    minutes, rest = divmod(rest, 60 * _NANOS)
    seconds, fraction = divmod(rest, _NANOS)
    text = '%d' % seconds + (('.%09d' % fraction).rstrip('0') if fraction else '') + 's'
    if hours:
        return '%dh%dm%s' % (hours, minutes, text)
    if minutes:
        return '%dm%s' % (minutes, text)
    return text


def _options(ctx):
    params = ctx.params
    return {'end': params.query('end', 'time'), 'metrics': params.query('metrics', 'list'), 'start': params.query('start', 'time'),
            'period': params.query('period', 'int64')}


def _validate_name(name):
    if not _NAME_RE.match(name):
        raise BadRequest('metrics: invalid name %s (must match ^[a-z][a-z0-9-]*$)' % golang.quote(name))


def _validate_range(state, options):
    """validateMetricsRange: fills in end (now), start (end - 30m) and period (30)."""
    if options['end'] is None:
        options['end'] = state.clock()
    if options['start'] is None:
        options['start'] = options['end'] - 30 * 60 * _NANOS
    if options['end'] <= options['start']:
        raise BadRequest('metrics: end must be after start')
    span = options['end'] - options['start']
    if span > MAX_RANGE_NS:
        raise BadRequest('metrics: end-start must be at most 24h (got %s)' % go_duration(span))
    if options['period'] is not None and options['period'] > 0:
        period_ns = options['period'] * _NANOS
    else:
        options['period'] = DEFAULT_PERIOD
        period_ns = DEFAULT_PERIOD * _NANOS
    if period_ns < MIN_PERIOD_NS:
        raise BadRequest('metrics: period must be at least 5s (got %s)' % go_duration(period_ns))
    points = span // period_ns
    if points > MAX_POINTS:
        raise BadRequest('metrics: too many points per series (%d > %d); widen period or shrink range' % (points, MAX_POINTS))
    return span


async def app_metrics(ctx):
    _options(ctx)
    if ctx.semantics.admin.app_metrics_unimplemented:
        raise Unimplemented('unimplemented')
    ctx.state.app_get(ctx.var('name'))
    return render.json_response([])


async def service_metrics(ctx):
    app, service = ctx.var('app'), ctx.var('service') or ctx.var('name')
    if ctx.semantics.major == 2:
        _options(ctx)
        ctx.state.app_get(app)
        return render.json_response([])
    _validate_name(app)
    _validate_name(service)
    options = _options(ctx)
    _validate_range(ctx.state, options)
    return render.json_response([])


async def metrics_by_service(ctx):
    app = ctx.var('app')
    _validate_name(app)
    options = _options(ctx)
    span = _validate_range(ctx.state, options)
    services = []
    for name in (ctx.params.raw_query('services') or '').split(','):
        name = name.strip()
        if not name:
            continue
        _validate_name(name)
        services.append(name)
    if len(services) > MAX_SERVICES:
        raise BadRequest('metrics: too many services (%d > %d); reduce services list' % (len(services), MAX_SERVICES))
    timestamps = max(span // (options['period'] * _NANOS), 1)
    aggregate = len(services) * timestamps * GPU_WIRE_METRICS
    if aggregate > MAX_AGGREGATE_POINTS:
        raise BadRequest('metrics: aggregate points (%d) exceed cap (%d); reduce services / range' % (aggregate, MAX_AGGREGATE_POINTS))
    return render.json_response([{'name': name, 'metrics': []} for name in services])


async def system_metrics(ctx):
    options = _options(ctx)
    if ctx.semantics.major == 2:
        return render.json_response([])
    state = ctx.state
    with state.lock:
        processes = [process for process in state.process_list() if process.status == 'running']
        now = state.clock()
    cpu = sum(process.cpu for process in processes) / (V3_NODE_CPU * 1000) * 100
    memory = sum(process.memory for process in processes) / V3_NODE_MEMORY_MIB * 100
    minute = 60 * _NANOS
    latest = now // minute * minute
    times = [latest - (SCRAPER_POINTS - 1 - index) * minute for index in range(SCRAPER_POINTS)]
    metrics = []
    for name, value in (('cluster:cpu:utilization', cpu), ('cluster:mem:utilization', memory)):
        points = [{'avg': value, 'count': 1, 'max': value, 'min': value, 'sum': value, 'time': moment} for moment in times]
        if options['period'] is not None:
            points = _thin(points, options['period'])
        if options['start'] is not None:
            points = [point for point in points if point['time'] > options['start']]
        metrics.append({'name': name, 'values': [dict(point, time=golang.format_time(point['time'])) for point in points]})
    return render.json_response(metrics)


def _thin(points, period):
    """aggregateMetricByPeriod: newest first, a point within ``period`` seconds of the last kept one is dropped (its values unused)."""
    kept = []
    for point in sorted(points, key=lambda point: point['time'], reverse=True):
        if kept and (kept[-1]['time'] - point['time']) / float(_NANOS) <= period:
            continue
        kept.append(point)
    return kept


def register(router, state):
    router.route('GET', '/apps/{name}/metrics', app_metrics)
    if 'gpu_metrics' in state.semantics.admin.features:
        router.route('GET', '/apps/{app}/metrics-by-service', metrics_by_service)
        router.route('GET', '/apps/{app}/services/{service}/metrics', service_metrics)
    elif not state.semantics.admin.v3_routes:
        router.route('GET', '/apps/{app}/services/{name}/metrics', service_metrics)
    router.route('GET', '/system/metrics', system_metrics)
