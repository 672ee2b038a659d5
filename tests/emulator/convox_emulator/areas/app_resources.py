# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App resources: the ``resources:`` of the active release's convox.yml (convox-api.md 2.6).

The rack reads them through common.AppManifest: the app must exist (404), must have an active
release (500 ``no release for app: <app>``) whose manifest parses (500). A name missing from the
manifest is pkg/manifest's untyped ``no such resource: <name>`` (500). The API sorts lists by name.

Per resource (provider/k8s/resource.go and its templates):

- url: the resource's ConfigMap ``URL``: an in-cluster host ``resource-<name>.<rack>-<app>.svc.cluster.local``
  for containers, an AWS endpoint for ``rds-*`` and ``elasticache-*``; passwords are random per
  resource and stable for the emulator's lifetime;
- status: ``external`` when the release env sets ``<NAME>_URL`` (the app overlays it; the url is
  then that value), ``available`` for RDS (an AWS DB status), ``pending`` while the deploy that
  introduced it is still rolling out, else ``running``.

v2 racks read CloudFormation outputs instead: no status, and a missing name is CloudFormation's error.
"""

import dataclasses
import re
import secrets

from .. import render
from ..errors import ServerError
from ..manifest import ManifestError, parse_manifest
from ..state import parse_env

EXTENSION_KEY = 'app_resources'
_K8S_NAME_DROPPED = re.compile(r'[^a-z0-9-]')
# ConfigMap URL templates (provider/k8s/template/resource/*.yml.tmpl); {host} is the in-cluster or AWS host.
_URL_TEMPLATES = {
    'postgres': 'postgres://app:{password}@{host}:5432/app?sslmode=disable',
    'postgis': 'postgres://app:{password}@{host}:5432/app?sslmode=disable',
    'mysql': 'mysql://root:{password}@{host}:3306/app',
    'mariadb': 'mysql://root:{password}@{host}:3306/app',
    'redis': 'redis://{host}:6379',
    'memcached': 'memcached://{host}:11211',
    'rds-postgres': 'postgres://app:{password}@{host}:5432/app?sslmode=disable',
    'rds-mysql': 'mysql://app:{password}@{host}:3306/app',
    'rds-mariadb': 'mysql://app:{password}@{host}:3306/app',
    'elasticache-redis': 'redis://{host}:6379/0',
    'elasticache-memcached': 'memcached://{host}:11211',
}


@dataclasses.dataclass(frozen=True)
class ResourceRules:
    """What differs between rack generations for app resources."""

    # v3 sets Resource.status; v2's ResourceList leaves it empty, so omitempty drops it.
    reports_status: bool
    # A name missing from the manifest: pkg/manifest's error (v3) or CloudFormation's (v2 looks the stack resource up).
    cloudformation_missing_error: bool

    def missing(self, semantics, app_name, name):
        if not self.cloudformation_missing_error:
            return ServerError('no such resource: %s' % name)
        logical = 'Resource' + ''.join(part[:1].upper() + part[1:] for part in re.split(r'[-_]', name))
        return ServerError('ValidationError: Resource %s does not exist for stack %s-%s' % (logical, semantics.rack_name, app_name))


V3_RESOURCES = ResourceRules(reports_status=True, cloudformation_missing_error=False)
V2_RESOURCES = ResourceRules(reports_status=False, cloudformation_missing_error=True)


def app_manifest(state, app_name):
    """common.AppManifest: the active release and its parsed manifest, with the rack's errors."""
    with state.lock:
        app = state.app_get(app_name)
        if not app.release:
            raise ServerError('no release for app: %s' % app_name)
        release = state.release_get(app_name, app.release)
        try:
            return parse_manifest(release.manifest, require_services=False), release
        except ManifestError as error:
            raise ServerError(error.message) from None


def _password(state, app_name, resource_name):
    passwords = state.extensions.setdefault(EXTENSION_KEY, {})
    return passwords.setdefault((app_name, resource_name), secrets.token_hex(12))


def _host(state, app_name, spec):
    semantics = state.semantics
    k8s_name = _K8S_NAME_DROPPED.sub('', spec.name.lower())
    if spec.type.startswith('rds-'):
        return '%s-%s-%s.emulated.us-east-1.rds.amazonaws.com' % (semantics.rack_name, app_name, k8s_name)
    if spec.type.startswith('elasticache-'):
        return '%s-%s-%s.emulated.use1.cache.amazonaws.com' % (semantics.rack_name, app_name, k8s_name)
    return 'resource-%s.%s-%s.svc.cluster.local' % (k8s_name, semantics.rack_name, app_name)


def _introduced_by_rollout(state, app, spec):
    """Whether the deploy in progress added this resource (its Deployment has no ready replica yet)."""
    if app.status != 'updating':
        return False
    previous = state.releases.get(app.name, {}).get(app.previous_release)
    if previous is None:
        return True
    try:
        return parse_manifest(previous.manifest, require_services=False).resource(spec.name) is None
    except ManifestError:
        return True


def _resource_json(state, app_name, spec, release):
    template = _URL_TEMPLATES.get(spec.type, '')
    url = template.format(password=_password(state, app_name, spec.name), host=_host(state, app_name, spec))
    overlay = parse_env(release.env).get('%s_URL' % spec.name.upper().replace('-', '_'), '')
    if overlay:
        status, url = 'external', overlay
    elif spec.type.startswith('rds-'):
        status = 'available'
    elif _introduced_by_rollout(state, state.app_get(app_name), spec):
        status = 'pending'
    else:
        status = 'running'
    data = {'name': spec.name}
    if _rules(state).reports_status:
        data['status'] = status
    data.update({'type': spec.type, 'url': url})
    return data


def _rules(state):
    return V2_RESOURCES if state.semantics.major == 2 else V3_RESOURCES


async def resource_list(ctx):
    state, app_name = ctx.state, ctx.var('app')
    with state.lock:
        manifest, release = app_manifest(state, app_name)
        specs = sorted(manifest.resources, key=lambda spec: spec.name)
        return render.json_response([_resource_json(state, app_name, spec, release) for spec in specs])


async def resource_get(ctx):
    state, app_name, name = ctx.state, ctx.var('app'), ctx.var('name')
    with state.lock:
        manifest, release = app_manifest(state, app_name)
        spec = manifest.resource(name)
        if spec is None:
            raise _rules(state).missing(state.semantics, app_name, name)
        return render.json_response(_resource_json(state, app_name, spec, release))


def register(router, _state):
    router.route('GET', '/apps/{app}/resources/{name}', resource_get)
    router.route('GET', '/apps/{app}/resources', resource_list)
