# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What runs for an app: its services (the rack's Deployments) and processes (pods), convox-api.md 2.4, 2.5, 6.5.

Where the state lives:

- services: a ``Workloads`` object in ``state.extensions`` (``workloads_of(state)``), per app;
- processes: ``state.processes[app]`` (shared with builds), so ``/system/processes`` and
  ``/system/capacity`` count them. Service processes are ``WorkloadProcess`` with a ``template``.

How it reacts to the rack (hooks installed by ``attach``):

- on promote: the app's services are re-read from the applied release's manifest. As the k8s
  provider's release template does, a service keeps its running count when it is not zero and
  takes cpu, memory and gpu from the manifest again (``provider/k8s/release.go``).
- on deploy complete (a promote or a scale settling): every service's processes are reconciled the
  way a ReplicaSet does it: a pod template (release, resources, restarts) has a hash; processes of
  the current template are kept up to the count, the others go, new ones start ``running``.
- on settle: processes started on their own (``convox run``, a replacement for a stopped pod) go
  ``pending`` -> ``running`` after the deploy time; a process whose command ends (``ended_ns``) shows
  ``complete`` (status 0) or ``failed``, and is deleted ``POD_CLEANUP_SECONDS`` later, as the rack's pod
  controller deletes Succeeded and Failed pods (provider/k8s controller_pod.go).

Processes over time: a one-off process runs its ``Command`` with the built-in command set
(commands.py), decided at once on a virtual clock: it starts when it turns ``running`` and ends when its
command does (``sleep 3600`` an hour later, ``echo hi`` at once); a missing executable fails it at
once (the container never starts). Without a ``Command`` the process runs the service's own command,
which the emulator cannot run: like a service process, it writes one start line and runs until stopped.
Its output lines are its logs (logs.py). ``process_environment`` is what its commands see: the rack's
variables, the release env and the run's ``Environment``.

What differs between rack generations is a ``WorkloadRules`` table chosen by semantics.py.
"""

import dataclasses
import hashlib
import secrets

from . import commands, golang, logs, shellquote
from .errors import BadRequest, NotFound, ServerError
from .manifest import DEFAULT_GPU_VENDOR, ManifestError, ServiceSpec, parse_manifest
from .state import Process, Release, parse_env

EXTENSION_KEY = 'workloads'
# Kubernetes' rand.String alphabet (no vowels, no confusable digits): pod-template hashes and name suffixes.
K8S_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
# A v2 process id is the last 12 characters of its ECS task id.
ECS_PID_LENGTH = 12
# pkg/manifest/ServicePort: the balancer port of a public service's main port.
BALANCER_PORT = 443
GPU_VENDORS = {'amd': 'amd', 'amd.com': 'amd'}
RANGE_SCALE_MESSAGE = ('range scaling (min/max) requires an autoscale block in convox.yml; set scale.autoscale and re-deploy, click Enable '
                       'triggers in the Console to configure one through the UI, or use --count for a fixed replica count')
WAKE_MESSAGE = ('cannot set --min 0 on service %s: no autoscale mechanism is configured to wake pods back up. Set scale.autoscale.* in '
                'convox.yml and promote a release first, or use --min 1 (or higher)')
# The pod controller deletes a Succeeded or Failed pod this long after it ended.
POD_CLEANUP_SECONDS = 5
_NANOS = 1000000000
# What every container has before the rack's variables (the image's PATH, the pod's hostname).
CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

SERVICE_FIELDS_V3 = ('count', 'cpu', 'domain', 'gpu', 'gpu-vendor', 'memory', 'name', 'nlb', 'ports', 'min', 'max', 'cold-start', 'autoscale',
                     'scale-override-active', 'triggers-override-active')
# Racks before 3.24.6 leave the override flags nil, so omitempty drops them.
SERVICE_FIELDS_V3_PRE_OVERRIDES = SERVICE_FIELDS_V3[:-2]
SERVICE_FIELDS_V2 = ('count', 'cpu', 'domain', 'memory', 'name', 'nlb', 'ports')
UPDATE_OPTIONS_V3 = (('count', 'int'), ('cpu', 'int'), ('gpu', 'int'), ('gpu-vendor', 'str'), ('memory', 'int'), ('min', 'int'), ('max', 'int'))
UPDATE_OPTIONS_V2 = (('count', 'int'), ('cpu', 'int'), ('memory', 'int'))
RUN_OPTIONS = (('Command', 'str'), ('Cpu', 'int'), ('Cpu-Limit', 'int'), ('Environment', 'map'), ('Gpu', 'int'), ('Gpu-Vendor', 'str'),
               ('Height', 'int'), ('Image', 'str'), ('Memory', 'int'), ('Memory-Limit', 'int'), ('Release', 'str'), ('Volumes', 'map'),
               ('Use-Service-Volume', 'bool'), ('Width', 'int'), ('Privileged', 'bool'), ('Node-Labels', 'str'), ('System-Critical', 'bool'))


def _v3_service_not_found(name):
    # The Deployment lookup is a raw Kubernetes error: untyped, so 500.
    return ServerError('deployments.apps %s not found' % golang.quote(name))


def _v2_service_not_found(name):
    return ServerError('could not read formation for service: %s' % name)


def _v3_process_not_found(pid):
    return ServerError('pods %s not found' % golang.quote(pid))


def _v2_process_not_found(pid):
    return NotFound('process not found: %s' % pid)


@dataclasses.dataclass(frozen=True)
class WorkloadRules:  # pylint: disable=too-many-instance-attributes
    """How one rack generation shows and changes services and processes."""

    # Service JSON fields, in Go struct order, that this generation sends.
    service_fields: tuple
    # v3 lists Deployments (name order); v2 walks the manifest.
    services_by_name: bool
    # The ServiceUpdateOptions this generation parses.
    update_options: tuple
    # v2 looks the app up first (404); v3 goes straight to a namespaced lookup, a plain not-found.
    lookups_check_app: bool
    # v2 refuses to run a process for a service missing from the manifest; v3 makes the pod anyway.
    run_requires_service: bool
    # Process ids: Kubernetes pod names (v3) or ECS task ids (v2).
    pod_names: bool
    instance: str
    service_not_found: object
    process_not_found: object


def v3_rules(version):
    return WorkloadRules(
        service_fields=SERVICE_FIELDS_V3 if _at_least(version, (3, 24, 6)) else SERVICE_FIELDS_V3_PRE_OVERRIDES,
        services_by_name=True, update_options=UPDATE_OPTIONS_V3, lookups_check_app=False, run_requires_service=False,
        pod_names=True, instance='node-1', service_not_found=_v3_service_not_found, process_not_found=_v3_process_not_found,
    )


def v2_rules():
    return WorkloadRules(
        service_fields=SERVICE_FIELDS_V2, services_by_name=False, update_options=UPDATE_OPTIONS_V2, lookups_check_app=True,
        run_requires_service=True, pod_names=False, instance='i-0a1b2c3d4e5f60718', service_not_found=_v2_service_not_found,
        process_not_found=_v2_process_not_found,
    )


def _at_least(version, minimum):
    """Semantic version compare; a version that is not x.y.z (``dev``, a branch build) counts as the newest."""
    parts = version.lstrip('v').split('-', 1)[0].split('.')
    if len(parts) < 3 or not all(part.isdigit() for part in parts[:3]):
        return True
    return tuple(int(part) for part in parts[:3]) >= minimum


def _k8s_suffix(length):
    return ''.join(secrets.choice(K8S_NAME_ALPHABET) for _position in range(length))


def _gpu_vendor(vendor):
    """gpuResourceKey then gpuKeyToVendor: anything but amd is an nvidia.com/gpu request."""
    return GPU_VENDORS.get(vendor, DEFAULT_GPU_VENDOR)


def _pod_ip():
    return '10.1.%d.%d' % (secrets.randbelow(256), secrets.randbelow(254) + 1)


def _pod_command(command):
    """A command as a pod shows it: split into args with shellquote, then joined back."""
    return shellquote.join(shellquote.split(command))


def check_manifest(release):
    """manifest.Load as ReleasePromote and ServiceList run it: an unparsable manifest is an untyped error (500) with the parse message."""
    if release is None or not release.manifest.strip():
        return
    try:
        parse_manifest(release.manifest, require_services=False)
    except ManifestError as error:
        raise ServerError(error.message) from None


def _manifest_services(release):
    """The release's services, or none (no release, an empty or unparsable manifest; the routes refuse the latter with check_manifest)."""
    if release is None or not release.manifest.strip():
        return []
    try:
        return parse_manifest(release.manifest).services
    except ManifestError:
        return []


@dataclasses.dataclass
class Service:  # pylint: disable=too-many-instance-attributes
    """A service as its Deployment holds it: the manifest spec plus what scaling changed."""

    spec: ServiceSpec
    release: Release
    count: int
    cpu: int
    memory: int
    gpu: int
    gpu_vendor: str
    # Bumped by a restart: the convox.com/restart annotation makes a new pod template.
    restarts: int = 0
    # Deployment annotations set by POST .../scale-override and .../triggers/enable (areas/service_overrides.py).
    scale_override_active: bool = False
    triggers_override: dict = None

    @classmethod
    def from_spec(cls, spec, release, count):
        vendor = _gpu_vendor(spec.gpu_vendor) if spec.gpu else ''
        return cls(spec=spec, release=release, count=count, cpu=spec.cpu, memory=spec.memory, gpu=spec.gpu, gpu_vendor=vendor)

    @property
    def name(self):
        return self.spec.name

    def command(self):
        try:
            return _pod_command(self.spec.command)
        except ServerError:
            # A manifest command the rack could not split fails its deploy; show it as written.
            return self.spec.command

    def template(self, app_name):
        """The pod-template hash: a new one whenever a pod would differ, like Kubernetes' pod-template-hash."""
        key = '|'.join(str(part) for part in (app_name, self.name, self.release.id, self.release.build, self.cpu, self.memory, self.gpu,
                                              self.gpu_vendor, self.restarts))
        digest = hashlib.sha256(key.encode('utf-8')).digest()
        return ''.join(K8S_NAME_ALPHABET[byte % len(K8S_NAME_ALPHABET)] for byte in digest[:10])

    def image(self, semantics, app_name):
        """Engine RepositoryHost + ``:<service>.<build>``, as the release template tags it."""
        return 'registry.%s/%s:%s.%s' % (semantics.domain, app_name, self.name, self.release.build)

    def to_json(self, semantics, app_name):
        spec = self.spec
        values = {
            'count': self.count,
            'cpu': self.cpu,
            'domain': '%s.%s.%s' % (self.name, app_name, semantics.domain),
            'gpu': self.gpu,
            'gpu-vendor': self.gpu_vendor,
            'memory': self.memory,
            'name': self.name,
            'nlb': None,
            'ports': [{'balancer': BALANCER_PORT, 'certificate': '', 'container': spec.port}] if spec.port else [],
            'min': spec.scale_min,
            'max': spec.scale_max,
            'scale-override-active': self.scale_override_active,
            'triggers-override-active': self.triggers_override is not None,
        }
        if spec.scale_min == 0 and self.count == 0:
            values['cold-start'] = True
        if spec.scale_max > spec.scale_min:
            # A count range without an autoscale block is a classic HPA, shown as autoscale-enabled.
            values['autoscale'] = {'enabled': True}
        return {field: values[field] for field in semantics.workloads.service_fields if field in values}


@dataclasses.dataclass
class WorkloadProcess(Process):
    """A pod the emulator runs: ``template`` is set for a service's pods, empty for one-off ones."""

    template: str = ''
    # When a ``pending`` process becomes ``running``.
    ready_ns: int = 0
    # What ``convox run`` passed in the Environment header (not part of the JSON).
    environment: dict = None
    # The container's whole environment (process_environment), what its commands see.
    env: dict = None


class Workloads:
    """Per-app services; the processes themselves live in ``state.processes``."""

    def __init__(self):
        self.services = {}

    # ------------------------------------------------------------ hooks

    def on_promote(self, _state, app, release):
        """Re-read the services from the applied release; counts carry over (runtime count wins when non-zero)."""
        running = self.services.pop(app.name, {})
        services = {}
        for spec in _manifest_services(release):
            previous = running.get(spec.name)
            count = previous.count if previous is not None and previous.count else spec.scale_count
            services[spec.name] = Service.from_spec(spec, release, count)
            if previous is not None:
                # Annotations patched onto the Deployment survive the release's apply.
                services[spec.name].scale_override_active = previous.scale_override_active
                services[spec.name].triggers_override = previous.triggers_override
        if services:
            self.services[app.name] = services

    def on_deploy_complete(self, state, app, _release):
        self.reconcile(state, app.name)

    @staticmethod
    def on_settle(state):
        now = state.clock()
        cleanup_ns = POD_CLEANUP_SECONDS * _NANOS
        for app_name, processes in list(state.processes.items()):
            for process in list(processes.values()):
                if isinstance(process, WorkloadProcess) and process.status == 'pending' and now >= process.ready_ns:
                    process.status = 'running'
                if process.ended_ns is not None and now >= process.ended_ns:
                    process.status = 'complete' if process.exit_code == 0 else 'failed'
                    if now >= process.ended_ns + cleanup_ns:
                        del processes[process.id]
            if not processes:
                del state.processes[app_name]

    # ------------------------------------------------------------ services

    def service_list(self, state, app_name):
        """The active release's services (404 for a missing app, empty before a promote with a manifest)."""
        with state.lock:
            app = state.app_get(app_name)
            if app.release:
                check_manifest(state.releases.get(app_name, {}).get(app.release))
            services = list(self.services.get(app_name, {}).values())
        if state.semantics.workloads.services_by_name:
            services.sort(key=lambda service: service.name)
        return services

    def service_get(self, state, app_name, name):
        """The Deployment behind a service: a not-found error in the generation's words."""
        with state.lock:
            rules = state.semantics.workloads
            if rules.lookups_check_app:
                state.app_get(app_name)
            service = self.services.get(app_name, {}).get(name)
            if service is None or app_name not in state.apps:
                # A deleted app's services are only forgotten at its next create; its namespace is gone already.
                raise rules.service_not_found(name)
            return service

    def service_update(self, state, app_name, name, options):
        """ServiceUpdate: patch the Deployment in place (no release), then the app rolls out for the deploy time."""
        with state.lock:
            service = self.service_get(state, app_name, name)
            count, minimum, maximum = options.get('count'), options.get('min'), options.get('max')
            if minimum == 0:
                # ensureWakeMechanism: without an autoscaler nothing would ever wake the pods again.
                raise BadRequest(WAKE_MESSAGE % name)
            if maximum is not None:
                # The manifest model has no autoscale blocks, so no ScaledObject could take the range.
                raise ServerError(RANGE_SCALE_MESSAGE)
            if minimum is not None:
                # `convox scale --min N` without an autoscaler patches the replicas (backward compatibility).
                count = minimum if count is None else count
            _check_quantities(name, count, options.get('cpu'), options.get('memory'))
            if count is not None:
                service.count = count
            if options.get('cpu') is not None:
                service.cpu = options['cpu']
            if options.get('memory') is not None:
                service.memory = options['memory']
            if options.get('gpu') is not None:
                service.gpu = options['gpu']
                service.gpu_vendor = _gpu_vendor(options.get('gpu-vendor') or '')
            state.app_rollout(app_name)

    def service_restart(self, state, app_name, name):
        """ServiceRestart: a new pod template, so every process of the service is replaced at once."""
        with state.lock:
            app = state.app_get(app_name)
            if not app.release:
                raise ServerError('no release for app: %s' % app_name)
            service = self.services.get(app_name, {}).get(name)
            if service is None:
                raise ServerError('no such service: %s' % name)
            service.restarts += 1
            self.reconcile(state, app_name)

    # ------------------------------------------------------------ processes

    def reconcile(self, state, app_name):
        """ReplicaSets at work: each service ends with ``count`` processes of its current template."""
        with state.lock:
            processes = state.processes.setdefault(app_name, {})
            services = self.services.get(app_name, {})
            for process in [process for process in processes.values() if isinstance(process, WorkloadProcess) and process.template]:
                service = services.get(process.name)
                if service is None or process.template != service.template(app_name):
                    _delete(state, processes, process.id)
            for service in services.values():
                template = service.template(app_name)
                current = sorted((process for process in processes.values()
                                  if isinstance(process, WorkloadProcess) and process.template == template and process.name == service.name),
                                 key=lambda process: process.started_ns)
                for surplus in current[service.count:]:
                    _delete(state, processes, surplus.id)
                for _missing in range(service.count - len(current)):
                    self._start_service_process(state, app_name, service, template, processes)
            if not processes:
                state.processes.pop(app_name, None)

    def _start_service_process(self, state, app_name, service, template, processes):
        process = WorkloadProcess(
            id=self._new_id(state, processes, service.name, template), app=app_name, name=service.name, command=service.command(),
            cpu=float(service.cpu), gpu=service.gpu, host=_pod_ip(), image=service.image(state.semantics, app_name),
            instance=state.semantics.workloads.instance, memory=float(service.memory),
            ports=[str(service.spec.port)] if service.spec.port else None, release=service.release.id,
            started_ns=state.stamp(), status='running', service=service.name, template=template,
        )
        process.env = process_environment(state, process)
        _write_start_line(process, state.clock())
        processes[process.id] = process
        logs.register(state, process)
        return process

    @staticmethod
    def _ready_at(state):
        # From the clock, not stamp(): stamps only order things and may run ahead of a test's clock.
        return state.clock() + state.deploy_ns

    @staticmethod
    def _new_id(state, taken, service_name, template=''):
        """A pod name (``web-<template>-<5>`` for a ReplicaSet's pod, ``web-<5>`` for a run) or an ECS task id."""
        while True:
            if not state.semantics.workloads.pod_names:
                candidate = secrets.token_hex(ECS_PID_LENGTH // 2)
            elif template:
                candidate = '%s-%s-%s' % (service_name, template, _k8s_suffix(5))
            else:
                candidate = '%s-%s' % (service_name, _k8s_suffix(5))
            if candidate not in taken:
                return candidate

    def process_list(self, state, app_name, service=None, release=None):
        """ProcessList with the ``service`` and ``release`` label filters, sorted by app-name-id."""
        with state.lock:
            if state.semantics.workloads.lookups_check_app:
                state.app_get(app_name)
            state.settle()
            found = [process for process in state.processes.get(app_name, {}).values()
                     if (service is None or process.name == service) and (release is None or process.release == release)]
        return sorted(found, key=Process.sort_key)

    def process_get(self, state, app_name, pid):
        with state.lock:
            if state.semantics.workloads.lookups_check_app:
                state.app_get(app_name)
            state.settle()
            process = state.processes.get(app_name, {}).get(pid)
            if process is None:
                raise state.semantics.workloads.process_not_found(pid)
            return process

    def process_stop(self, state, app_name, pid):
        """Delete the pod; a service's ReplicaSet starts a replacement from the same template."""
        with state.lock:
            stopped = self.process_get(state, app_name, pid)
            processes = state.processes[app_name]
            _delete(state, processes, pid)
            if isinstance(stopped, WorkloadProcess) and stopped.template:
                replacement = dataclasses.replace(stopped, id=self._new_id(state, processes, stopped.name, stopped.template), host=_pod_ip(),
                                                  started_ns=state.stamp(), status='pending', ready_ns=self._ready_at(state), stopped_ns=None)
                replacement.env = dict(stopped.env or {}, HOSTNAME=replacement.id)
                _write_start_line(replacement, replacement.ready_ns)
                processes[replacement.id] = replacement
                logs.register(state, replacement)
            elif not processes:
                state.processes.pop(app_name, None)

    def process_run(self, state, app_name, service_name, options):
        """ProcessRun (detached): a pod from the service's spec and the run options, ``pending`` at first."""
        with state.lock:
            app = state.app_get(app_name)
            release = state.release_get(app_name, options['Release']) if options.get('Release') else None
            if release is None and app.release:
                release = state.release_get(app_name, app.release)
            spec = next((spec for spec in _manifest_services(release) if spec.name == service_name), None)
            if spec is None and state.semantics.workloads.run_requires_service:
                raise ServerError('service not found: %s' % service_name)
            # The pod starts from the service's container (command, image) when the manifest has the service.
            command, image = '', ''
            if spec is not None:
                template = Service.from_spec(spec, release, 0)
                command, image = template.command(), template.image(state.semantics, app_name)
            argv = None
            if options.get('Command') is not None:
                argv = shellquote.split(options['Command'])
                command = shellquote.join(argv)
            image = options.get('Image') or image
            pid = self._new_id(state, state.processes.get(app_name, {}), service_name)
            if not image:
                raise ServerError('Pod %s is invalid: spec.containers[0].image: Required value' % golang.quote(pid))
            processes = state.processes.setdefault(app_name, {})
            process = WorkloadProcess(
                id=pid, app=app_name, name=service_name, command=command, cpu=float(options.get('Cpu') or 0), gpu=options.get('Gpu') or 0,
                host=_pod_ip(), image=image, instance=state.semantics.workloads.instance, memory=float(options.get('Memory') or 0),
                release=options.get('Release') or app.release, started_ns=state.stamp(), status='pending', service=service_name,
                ready_ns=self._ready_at(state), environment=dict(options.get('Environment') or {}),
            )
            process.env = process_environment(state, process, spec)
            if argv is None:
                _write_start_line(process, process.ready_ns)
            else:
                _run_command(process, argv)
            processes[pid] = process
            logs.register(state, process)
            return process


def _delete(state, processes, pid):
    """Delete a pod: its logs end now."""
    processes[pid].stopped_ns = state.clock()
    del processes[pid]


def _write_start_line(process, when_ns):
    process.output = [(when_ns, logs.SERVICE_START_LINE % {'service': process.name, 'pid': process.id, 'release': process.release})]


def _run_command(process, argv):
    """Decide what a one-off process's command does once it runs (from ``ready_ns``): its output, when it ends, its status."""
    outcome = commands.simulate(argv, process.env)
    process.ended_ns = process.ready_ns + outcome.duration_ns
    # A missing executable never starts: the container runtime fails the pod (StartError, exit code 128).
    process.exit_code = outcome.status
    process.output = [(process.ready_ns + offset, line) for offset, line in commands.output_lines(outcome.output, outcome.duration_ns)]


def _manifest_environment(manifest_environment, spec_environment):
    """Service.EnvironmentDefaults after the manifest's defaults: app-level entries first, ``KEY=default`` only."""
    defaults = {}
    for entry in list(manifest_environment) + list(spec_environment):
        key, separator, value = entry.partition('=')
        if separator:
            defaults[key] = value
    return defaults


def process_environment(state, process, spec=None):
    """The container environment of ``process`` (provider/k8s podSpecFromService and environment()).

    The rack's variables are set only when the pod has a release and its service is in that release's
    manifest: RACK and RACK_URL (with the rack password, as real pods carry it), APP, RELEASE, BUILD,
    BUILD_DESCRIPTION, BUILD_GIT_SHA, SERVICE, PORT, the manifest's ``KEY=default`` entries, then the
    release env. The run's ``Environment`` comes last. HOME, HOSTNAME and PATH stand for what the image
    and the kubelet add; Kubernetes' service-link variables are not emulated.
    """
    env = {'HOME': '/root', 'HOSTNAME': process.id, 'PATH': CONTAINER_PATH}
    release = state.releases.get(process.app, {}).get(process.release.upper()) if process.release else None
    manifest = None
    if release is not None and release.manifest.strip():
        try:
            manifest = parse_manifest(release.manifest)
        except ManifestError:
            manifest = None
    if spec is None and manifest is not None:
        spec = manifest.service(process.name)
    if release is not None and spec is not None:
        semantics = state.semantics
        env.update({'RACK': semantics.rack_name, 'APP': process.app, 'RELEASE': release.id, 'SERVICE': spec.name,
                    'RACK_URL': 'https://convox:%s@api.%s-system.svc.cluster.local:5443' % (state.password, semantics.rack_name)})
        build = state.builds.get(process.app, {}).get(release.build) if release.build else None
        if build is not None:
            env.update({'BUILD': build.id, 'BUILD_DESCRIPTION': build.description, 'BUILD_GIT_SHA': build.git_sha})
        if spec.port:
            env['PORT'] = str(spec.port)
        env.update(_manifest_environment(manifest.environment if manifest is not None else [], spec.environment))
        env.update(parse_env(release.env))
    env.update(getattr(process, 'environment', None) or {})
    return env


def _check_quantities(name, count, cpu, memory):
    """The Deployment update the API server would reject: negative replicas or requests."""
    problems = []
    if count is not None and count < 0:
        problems.append('spec.replicas: Invalid value: %d: must be greater than or equal to 0' % count)
    for resource, value, unit in (('cpu', cpu, 'm'), ('memory', memory, 'Mi')):
        if value is not None and value < 0:
            problems.append('spec.template.spec.containers[0].resources.requests[%s]: Invalid value: "%d%s": must be greater than or equal to 0'
                            % (resource, value, unit))
    if problems:
        detail = problems[0] if len(problems) == 1 else '[%s]' % ', '.join(problems)
        raise ServerError('Deployment.apps %s is invalid: %s' % (golang.quote(name), detail))


def workloads_of(state):
    """The rack's Workloads (created on first use; reset() drops it with the other extensions)."""
    with state.lock:
        return state.extensions.setdefault(EXTENSION_KEY, Workloads())


def _on_promote(state, app, release):
    workloads_of(state).on_promote(state, app, release)


def _on_deploy_complete(state, app, release):
    workloads_of(state).on_deploy_complete(state, app, release)


def attach(state):
    """Install the hooks once per state (both the services and the processes areas call this)."""
    with state.lock:
        for hooks, hook in ((state.on_promote, _on_promote), (state.on_deploy_complete, _on_deploy_complete),
                            (state.on_settle, Workloads.on_settle)):
            if hook not in hooks:
                hooks.append(hook)
