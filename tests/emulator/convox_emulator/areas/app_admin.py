# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-app reads v3 adds: balancers, a service's manifest summary, diagnostics (convox-api.md 2.1; transcript rows 54, 56).

- ``GET /apps/{app}/balancers``: the app must exist (404); then the LoadBalancer Services the active
  release's ``balancers:`` made, by name: ``{"name","endpoint","ports":[{"protocol","source","target"}],"service"}``.
  A port written as a number is TCP. The endpoint is the load balancer's ingress address: here the
  first node's address, as a local rack's service load balancer gives it.
- ``GET /apps/{app}/manifest/services/{service}``: common.AppManifest's errors (404 app, 500
  ``no release for app``, a manifest that does not parse), then 500
  ``service <s> not found in manifest for app <a>``; ``environment`` and ``scale`` are omitempty, and
  scale's ``min``/``max`` come from the scale count (a bare count gives both).
- ``GET /apps/{app}/diagnose``: a missing app is 500 ``namespace <ns> not found -- verify rack and
  app names``; the report has an ``overview`` of the services' Deployments, the ``pods`` that are not
  healthy (all with ``all=true``) and a ``summary``. Options are query-only (``checks``, ``services``,
  ``age``, ``all``, ``lines``, ``events``, ``previous``). No logs or events are emulated.
"""

import yaml

from .. import golang, render
from ..errors import ServerError
from ..instances import instances_of
from .app_resources import app_manifest

_NANOS = 1000000000
_PHASES = {'running': 'Running', 'pending': 'Pending', 'complete': 'Succeeded', 'failed': 'Failed'}
_PENDING_HINT = 'Process is waiting to be scheduled -- this usually means the cluster is low on resources'


def _balancers(manifest_text):
    """The ``balancers:`` map of a manifest as pkg/manifest reads it (a source port that is not an integer is skipped here)."""
    try:
        document = yaml.safe_load(manifest_text) or {}
    except yaml.YAMLError:
        return []
    balancers = document.get('balancers') if isinstance(document, dict) else None
    if not isinstance(balancers, dict):
        return []
    found = []
    for name, body in balancers.items():
        body = body if isinstance(body, dict) else {}
        ports = []
        for source, target in (body.get('ports') or {}).items() if isinstance(body.get('ports'), dict) else ():
            try:
                source = int(str(source))
            except ValueError:
                continue
            if isinstance(target, dict):
                protocol, port = target.get('protocol') or 'TCP', target.get('port') or 0
            else:
                protocol, port = 'TCP', target
            ports.append({'protocol': str(protocol), 'source': source, 'target': port if isinstance(port, int) else 0})
        found.append({'name': str(name), 'ports': ports, 'service': str(body.get('service') or '')})
    return found


async def balancer_list(ctx):
    state, app_name = ctx.state, ctx.var('app')
    with state.lock:
        app = state.app_get(app_name)
        release = state.releases.get(app_name, {}).get(app.release) if app.release else None
        endpoint = instances_of(state).nodes[0].private_ip if instances_of(state).nodes else ''
        listed = []
        for balancer in sorted(_balancers(release.manifest if release is not None else ''), key=lambda item: item['name']):
            listed.append({'name': balancer['name'], 'endpoint': endpoint, 'ports': balancer['ports'], 'service': balancer['service']})
        return render.json_response(listed)


async def manifest_service(ctx):
    state, app_name, service = ctx.state, ctx.var('app'), ctx.var('service')
    with state.lock:
        manifest, _release = app_manifest(state, app_name)
        spec = manifest.service(service)
        if spec is None:
            raise ServerError('service %s not found in manifest for app %s' % (service, app_name))
        data = {'name': spec.name}
        if spec.environment:
            data['environment'] = list(spec.environment)
        scale = {}
        if spec.scale_min:
            scale['min'] = spec.scale_min
        if spec.scale_max:
            scale['max'] = spec.scale_max
        if scale:
            data['scale'] = scale
        return render.json_response(data)


def _diagnose_options(ctx):
    params = ctx.params
    return {'checks': params.query('checks'), 'services': params.query('services'), 'age': params.query('age', 'int', default='300'),
            'all': params.query('all', 'bool'), 'lines': params.query('lines', 'int', default='200'),
            'events': params.query('events', 'bool', default='true'), 'previous': params.query('previous', 'bool', default='true')}


def _service_filter(options):
    return {name.strip() for name in (options['services'] or '').split(',')} - {''} if options['services'] else set()


def _overview(state, app_name, options):
    services = getattr(state.extensions.get('workloads'), 'services', {}).get(app_name, {})
    wanted = _service_filter(options)
    processes = list(state.processes.get(app_name, {}).values())
    rows = []
    for name in sorted(services):
        if wanted and name not in wanted:
            continue
        service = services[name]
        template = service.template(app_name)
        mine = [process for process in processes if process.name == name and getattr(process, 'template', '')]
        ready = len([process for process in mine if process.status == 'running'])
        updated = len([process for process in mine if process.template == template])
        desired = service.count
        if desired == 0:
            status = 'scaled-down'
        elif ready == desired and updated == desired:
            status = 'running'
        else:
            status = 'deploying'
        rows.append({'name': name, 'desiredReplicas': desired, 'readyReplicas': ready, 'updatedReplicas': updated, 'status': status})
    return {'services': rows or None}


def _pods(state, app_name, options):
    wanted = _service_filter(options)
    now = state.clock()
    summary = {'total': 0, 'unhealthy': 0, 'notReady': 0, 'new': 0, 'healthy': 0}
    order = {'unhealthy': 0, 'not-ready': 1, 'new': 2, 'healthy': 3}
    pods = []
    for process in state.processes.get(app_name, {}).values():
        service = process.service or process.name
        if wanted and service not in wanted:
            continue
        phase = _PHASES.get(process.status, 'Unknown')
        age = int((now - (process.started_ns or now)) / _NANOS)
        ready = process.status == 'running'
        if phase != 'Running':
            classification = 'unhealthy'
        elif not ready:
            classification = 'not-ready'
        elif age <= options['age']:
            classification = 'new'
        else:
            classification = 'healthy'
        summary[{'not-ready': 'notReady'}.get(classification, classification)] += 1
        summary['total'] += 1
        if classification == 'healthy' and not options['all']:
            continue
        pod = {'name': process.id, 'service': service, 'phase': phase, 'ready': '%d/1' % (1 if ready else 0), 'ageSeconds': age,
               'restarts': 0, 'classification': classification}
        if phase == 'Pending':
            pod.update({'stateDetail': 'ContainerCreating', 'hint': _PENDING_HINT})
        pods.append(pod)
    pods.sort(key=lambda pod: (order[pod['classification']], pod['name']))
    return pods, summary


async def app_diagnose(ctx):
    state, app_name = ctx.state, ctx.var('app')
    options = _diagnose_options(ctx)
    with state.lock:
        state.settle()
        if app_name not in state.apps:
            raise ServerError('namespace %s not found -- verify rack and app names' % state.app_namespace(app_name))
        report = {'namespace': state.app_namespace(app_name), 'rack': state.semantics.rack_name, 'app': app_name,
                  'timestamp': golang.format_time(state.clock())}
        checks = (options['checks'] or '').split(',') if options['checks'] else ['overview', 'init', 'services']
        for check in checks:
            check = check.strip()
            if check == 'overview':
                report['overview'] = _overview(state, app_name, options)
            elif check == 'services':
                pods, summary = _pods(state, app_name, options)
                if pods:
                    report['pods'] = pods
                report['summary'] = summary
        ordered = {key: report[key] for key in ('namespace', 'rack', 'app', 'timestamp', 'overview', 'pods', 'summary') if key in report}
        return render.json_response(ordered)


def register(router, state):
    if not state.semantics.admin.v3_routes:
        return
    features = state.semantics.admin.features
    if 'diagnose' in features:
        router.route('GET', '/apps/{app}/diagnose', app_diagnose)
    if 'manifest_service' in features:
        router.route('GET', '/apps/{app}/manifest/services/{service}', manifest_service)
    router.route('GET', '/apps/{app}/balancers', balancer_list)
