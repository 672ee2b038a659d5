# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What differs between rack generations, as data chosen once at start-up.

v3 (convox/convox, Kubernetes) is the default. A date-style version such as ``20240101000000``
selects v2 (convox/rack, ECS/CloudFormation). Handlers read these fields instead of branching
on a version string, so a new difference is one new field here.
"""

import dataclasses
import re

from . import admin_rules, golang, rack_resources, workloads
from .errors import NotFound, ServerError, error_for_status

DEFAULT_V3_VERSION = '3.24.6'
# v2 racks up to this version serve /apps/{app}/environment, /apps/{app}/parameters and multipart
# builds instead of the release env and app parameters: not modelled, so refused at start-up.
LAST_UNMODELLED_V2_VERSION = '20180708231844'
_V2_VERSION_RE = re.compile(r'[0-9]{14}\Z')
_RFC1123_LABEL_RE = re.compile(r'[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z')
_RFC1123_MESSAGE = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
                    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")


# Process JSON fields in Go struct order: v3 pkg/structs, v2 convox/rack pkg/structs (ECS tasks, no gpu or service).
PROCESS_FIELDS_V3 = ('id', 'app', 'command', 'cpu', 'gpu', 'host', 'image', 'instance', 'memory', 'name', 'ports', 'release', 'started',
                     'status', 'service')
PROCESS_FIELDS_V2 = ('id', 'app', 'command', 'cpu', 'host', 'image', 'instance', 'memory', 'name', 'ports', 'release', 'started',
                     'status', 'task_definition')
# The emulated v3 cluster: one node of 2 CPUs and 4 GiB (what the observed test rack reported).
V3_CLUSTER_CPU_MILLICORES = 2000
V3_CLUSTER_MEMORY_MB = 4096 * 1024 * 1024 // 1000000
# The emulated v2 cluster: ``count`` ECS instances of the rack type (t3.small: 2 vCPUs of 1024 units, 2048 MB).
V2_INSTANCE_CPU_UNITS = 2048
V2_INSTANCE_MEMORY_MB = 2048


def mib_to_capacity_units(mebibytes):
    """Processes request memory in MiB; v3 Capacity counts memory in units of 10^6 bytes (convox-api.md 3)."""
    return int(mebibytes * 1024 * 1024 // 1000000)


def _v3_capacity(_system, processes):
    return {
        'cluster-cpu': V3_CLUSTER_CPU_MILLICORES,
        'cluster-gpu': 0,
        'cluster-memory': V3_CLUSTER_MEMORY_MB,
        'process-count': len(processes),
        'process-cpu': int(sum(process.cpu for process in processes)),
        'process-gpu': sum(process.gpu for process in processes),
        'process-memory': mib_to_capacity_units(sum(process.memory for process in processes)),
    }


def _v2_capacity(system, processes):
    """convox/rack Capacity: cluster totals over the instances, the largest instance, and the widest service (most processes)."""
    widths = {}
    for process in processes:
        widths[(process.app, process.name)] = widths.get((process.app, process.name), 0) + 1
    return {
        'cluster-cpu': V2_INSTANCE_CPU_UNITS * system.count,
        'cluster-memory': V2_INSTANCE_MEMORY_MB * system.count,
        'instance-cpu': V2_INSTANCE_CPU_UNITS,
        'instance-memory': V2_INSTANCE_MEMORY_MB,
        'process-count': len(processes),
        'process-cpu': int(sum(process.cpu for process in processes)),
        'process-memory': int(sum(process.memory for process in processes)),
        'process-width': max(widths.values(), default=0),
    }


def _v3_release_not_found(release_id):
    # A missing custom resource is a raw Kubernetes error: untyped, so 500, with the id lowercased.
    return ServerError('releases.convox.com %s not found' % golang.quote(release_id.lower()))


def _v3_build_not_found(build_id):
    return ServerError('builds.convox.com %s not found' % golang.quote(build_id.lower()))


def _v2_release_not_found(release_id):
    return NotFound('release not found: %s' % release_id)


def _v2_build_not_found(build_id):
    return NotFound('build not found: %s' % build_id)


def _v3_validate_app_name(name, rack_name):
    """The namespace ``<rack>-<app>`` must be a DNS label; Kubernetes rejects it with this message."""
    namespace = '%s-%s' % (rack_name, name)
    problems = []
    if len(namespace) > 63:
        problems.append('must be no more than 63 characters')
    if not _RFC1123_LABEL_RE.match(namespace):
        problems.append(_RFC1123_MESSAGE)
    if not problems:
        return
    details = ['metadata.name: Invalid value: %s: %s' % (golang.quote(namespace), problem) for problem in problems]
    detail = details[0] if len(details) == 1 else '[%s]' % ', '.join(details)
    raise ServerError('Namespace %s is invalid: %s' % (golang.quote(namespace), detail))


def _v2_validate_app_name(name, rack_name):
    """convox/rack provider/aws validateAppName: untyped errors, so 500."""
    if name.strip() == rack_name.strip():
        raise ServerError('App name cannot be same as Rack name')
    for char in name:
        if char.isalpha() and not char.islower():
            raise ServerError('App name cannot contain Uppercase characters')
        if not char.isalpha() and not char.isdigit() and char not in '-_':
            raise ServerError('App name can only contain lowercase letters, numbers, hyphens and underscores')


@dataclasses.dataclass(frozen=True)
class Semantics:
    """One rack generation's observable behaviour."""

    major: int
    version: str
    generation: str
    provider: str
    rack_name: str
    domain: str
    # Errors are JSON when the client accepts JSON (v3); v2 always answers text.
    json_errors: bool
    # v3 wraps authenticated routes in the nosniff/DENY middleware and sets WWW-Authenticate on 401.
    security_headers: bool
    www_authenticate: bool
    # The role the rack password grants: v3 admin, v2 read-write.
    password_role: str
    # App lifecycle.
    create_status: str
    list_apps_while_creating: bool
    reserved_app_names: tuple
    app_exists_status: int
    # Known app parameter keys with their defaults; None accepts and shows any key (v2 stack parameters).
    app_parameter_defaults: tuple
    # Promote validation errors that v3 types as 400 are untyped (500) on v2.
    promote_check_status: int
    # v3 keeps the description when an env write changes nothing; v2 always writes "env ...".
    describe_unchanged_env: bool
    # GET /apps/{app}/objects: v3 k8s answers 501, v2 lists the S3 keys.
    object_list_supported: bool
    # System.
    system_router_internal: bool
    system_update_unsupported: str
    system_releases_unsupported: str
    # JWT minting: v3 rejects bad durations with 400 and checks the bounds; v2 answers 404 and mints anything.
    jwt_invalid_duration_status: int
    jwt_checks_roles: bool
    release_not_found: object
    build_not_found: object
    validate_app_name: object
    # Services and processes (workloads.WorkloadRules); the rack-resource model (a rack_resources store class).
    workloads: object
    rack_resources: object
    # Process JSON fields (Go struct order); GET /system/capacity as a function of (SystemInfo, processes).
    process_fields: tuple
    capacity: object
    # App.router: the rack's ROUTER env, which terraform sets to the router domain (v3); v2 never sets it.
    app_router: str = ''
    # Rack administration: registries, certificates, instances, configs, budgets, ... (admin_rules.AdminRules).
    admin: object = None
    # Deleting an app that is already being deleted: v3's namespace is terminating (Kubernetes' conflict, a 500);
    # v2's CloudFormation DeleteStack is idempotent (ok).
    redelete_conflicts: bool = True

    def promote_check_error(self, message):
        return error_for_status(self.promote_check_status, message)

    def app_exists_error(self, name):
        return error_for_status(self.app_exists_status, 'app already exists: %s' % name)

    def visible_parameters(self, parameters):
        """App.parameters as GET shows them (v3: known keys with non-empty values)."""
        if self.app_parameter_defaults is None:
            return dict(parameters)
        known = dict(self.app_parameter_defaults)
        return {key: value for key, value in parameters.items() if key in known and value != ''}

    def accepted_parameters(self, requested):
        """The part of a parameters update the rack keeps; v3 drops unknown keys silently."""
        if self.app_parameter_defaults is None:
            return dict(requested)
        known = dict(self.app_parameter_defaults)
        return {key: value for key, value in requested.items() if key in known}

    def initial_parameters(self):
        return dict(self.app_parameter_defaults or ())


def v3(version=DEFAULT_V3_VERSION):
    return Semantics(
        major=3, version=version, generation='3', provider='local', rack_name='dev', domain='dev.localdev',
        json_errors=True, security_headers=True, www_authenticate=True, password_role='rwa',
        create_status='updating', list_apps_while_creating=False, reserved_app_names=('rack', 'system'), app_exists_status=409,
        app_parameter_defaults=(('BuildCpu', ''), ('BuildLabels', ''), ('BuildMem', '')),
        promote_check_status=400, describe_unchanged_env=False, object_list_supported=False,
        system_router_internal=True,
        system_update_unsupported="direct rack doesn't support update, make sure you are not using RACK_URL environment variable",
        system_releases_unsupported='release history is unavailable',
        jwt_invalid_duration_status=400, jwt_checks_roles=True,
        release_not_found=_v3_release_not_found, build_not_found=_v3_build_not_found, validate_app_name=_v3_validate_app_name,
        workloads=workloads.v3_rules(version), rack_resources=rack_resources.WebhookResources,
        process_fields=PROCESS_FIELDS_V3, capacity=_v3_capacity, app_router='dev.localdev', admin=admin_rules.v3_rules(version),
    )


def v2(version):
    return Semantics(
        major=2, version=version, generation='2', provider='aws', rack_name='convox', domain='convox.example.org',
        json_errors=False, security_headers=False, www_authenticate=False, password_role='rw',
        create_status='creating', list_apps_while_creating=True, reserved_app_names=(), app_exists_status=500,
        app_parameter_defaults=None,
        promote_check_status=500, describe_unchanged_env=True, object_list_supported=True,
        system_router_internal=False, system_update_unsupported='', system_releases_unsupported='',
        jwt_invalid_duration_status=404, jwt_checks_roles=False,
        release_not_found=_v2_release_not_found, build_not_found=_v2_build_not_found, validate_app_name=_v2_validate_app_name,
        workloads=workloads.v2_rules(), rack_resources=rack_resources.StackResources,
        process_fields=PROCESS_FIELDS_V2, capacity=_v2_capacity, admin=admin_rules.v2_rules(), redelete_conflicts=False,
    )


def for_version(version=None):
    """The semantics for ``--rack-version``: date-style versions are v2 racks, anything else v3.

    Raises ValueError for v2 versions up to LAST_UNMODELLED_V2_VERSION.
    """
    if not version:
        return v3()
    if _V2_VERSION_RE.match(version):
        if version <= LAST_UNMODELLED_V2_VERSION:
            raise ValueError('--rack-version %s is not supported: v2 racks up to %s (with /environment, /parameters and multipart builds) '
                             'are not modelled; use a newer v2 version such as 20240101000000' % (version, LAST_UNMODELLED_V2_VERSION))
        return v2(version)
    return v3(version)
