# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rack's state: models, one lock, and time.

Behaviour over time is computed, not slept: an app that is deploying stores *until when* it
stays ``updating``; reads settle every transition whose time has come (and run the completion
hooks) before answering. That keeps the emulator deterministic and free of background threads.

Every public method takes the lock; it is re-entrant, so a handler may hold it across several
calls (validate-then-act) to make them atomic.

Extension points for later API areas:

- ``on_promote``: callables ``(state, app, release)`` run when a release is applied to an app
  (create's empty promote and an update's re-promote pass the current release, None if there is
  none; a cancel passes the release rolled back to). ``app.release`` has already switched.
- ``on_deploy_complete``: callables ``(state, app, release)`` run when the app settles back to
  ``running`` after any of the above.
- ``on_reset``: callables ``(state)`` run by reset(); areas that keep extra state clear it there.
- ``on_settle``: callables ``(state)`` run at the end of every settle(), for areas with their own
  timed transitions (builds). A hook may call back into the state, which settles again: it must
  take a piece of work off its queue before doing it.
- ``on_app_removed``: callables ``(state, app_name)`` run when a deleted app's namespace is finally gone
  (after its ``deleting`` time); areas keeping per-app state drop it there.
- ``extensions``: a dict where such areas keep that state (cleared on reset after the hooks).

Deploy outcomes (``POST /_emulator/deploys``): ``deploy_outcomes`` maps an app name to the outcome
of its next promote. ``rollback`` makes that deploy fail when its ``updating`` time is over: the
app shows ``rollback`` with its previous release for one more deploy period (on_promote runs with
that release), then ``running``.

App deletion: the app shows ``deleting`` (in GET and in the list) for DELETE_FRACTION of the deploy
time, as a namespace does while Kubernetes empties it, then it is gone (404). Meanwhile its name is
taken (a create answers 409 ``app already exists``) and writes that would create content in the
namespace fail with Kubernetes' ``being terminated`` error.
"""

import dataclasses
import secrets
import shutil
import string
import tempfile
import threading
import time
import weakref

from . import golang
from .errors import BadRequest, Conflict, Forbidden, NotFound, ServerError
from .faults import FaultSet
from .requestlog import RequestLog

_ID_LETTERS = string.ascii_uppercase
_NANOS = 1000000000
# bufio.Scanner's default token limit: longer env lines make the rack's env parser fail.
_MAX_ENV_LINE = 64 * 1024
# How long a deleted app shows ``deleting``, as a fraction of the deploy time.
DELETE_FRACTION = 0.5


def parse_env(text):
    """structs.Environment.Load: KEY=VALUE lines, key trimmed, value kept, other lines skipped."""
    env = {}
    for line in text.split('\n'):
        if len(line) > _MAX_ENV_LINE:
            raise ServerError('bufio.Scanner: token too long')
        line = line[:-1] if line.endswith('\r') else line
        key, sep, value = line.partition('=')
        if sep and key.strip():
            env[key.strip()] = value
    return env


def env_diff(old, new):
    """common.EnvDiff: ``add:K change:K remove:K``, each group sorted."""
    before, after = parse_env(old.strip()), parse_env(new.strip())
    words = ['add:%s' % key for key in sorted(set(after) - set(before))]
    words += ['change:%s' % key for key in sorted(key for key, value in after.items() if key in before and value != before[key])]
    words += ['remove:%s' % key for key in sorted(set(before) - set(after))]
    return ' '.join(words)


@dataclasses.dataclass
class App:
    name: str
    parameters: dict
    # v2 apps keep the generation they were created with; v3 ones are always "3".
    generation: str = ''
    locked: bool = False
    release: str = ''
    # The release a cancel rolls back to (the atom's previous version).
    previous_release: str = ''
    # A transient status ('updating', 'rollback', 'creating', 'deleting') held until until_ns, then 'running' (or gone).
    transition: str = ''
    until_ns: int = 0
    # The current deploy fails when its ``updating`` time is over: ``rollback`` to previous_release (POST /_emulator/deploys).
    failing: bool = False
    # v3 lists an app only once its first deploy labelled the namespace.
    listed: bool = True

    @property
    def status(self):
        return self.transition or 'running'

    def to_json(self, semantics, router=''):
        return {
            'generation': self.generation or semantics.generation,
            'locked': self.locked,
            'name': self.name,
            'release': self.release,
            'router': router,
            'status': self.status,
            'parameters': dict(sorted(semantics.visible_parameters(self.parameters).items())),
        }


@dataclasses.dataclass
class Release:
    id: str
    app: str
    build: str = ''
    env: str = ''
    manifest: str = ''
    description: str = ''
    created_ns: int = 0

    def to_json(self):
        return {
            'id': self.id,
            'app': self.app,
            'build': self.build,
            'env': self.env,
            'manifest': self.manifest,
            'description': self.description,
            'created': golang.format_time(self.created_ns),
        }


@dataclasses.dataclass
class Build:
    id: str
    app: str
    description: str = ''
    entrypoint: str = ''
    git_sha: str = ''
    logs: str = ''
    manifest: str = ''
    process: str = ''
    release: str = ''
    reason: str = ''
    repository: str = ''
    status: str = 'created'
    started_ns: int = None
    ended_ns: int = None

    def to_json(self):
        return {
            'id': self.id,
            'app': self.app,
            'description': self.description,
            'entrypoint': self.entrypoint,
            'git-sha': self.git_sha,
            'logs': self.logs,
            'manifest': self.manifest,
            'process': self.process,
            'release': self.release,
            'reason': self.reason,
            'repository': self.repository,
            'status': self.status,
            'started': golang.format_time(self.started_ns),
            'ended': golang.format_time(self.ended_ns),
        }


@dataclasses.dataclass
class SystemInfo:
    """What GET /system reports beyond the fixed semantics (v2 racks can change it with PUT /system)."""

    count: int = 0
    type: str = ''
    region: str = ''
    version: str = ''
    parameters: dict = dataclasses.field(default_factory=dict)
    transition: str = ''
    until_ns: int = 0

    @property
    def status(self):
        return self.transition or 'running'

    def to_json(self, semantics):
        data = {'count': self.count, 'domain': 'router.%s' % semantics.domain, 'name': semantics.rack_name}
        if self.parameters:
            data['parameters'] = dict(sorted(self.parameters.items()))
        data.update({'provider': semantics.provider, 'rack-domain': 'api.%s' % semantics.domain})
        if semantics.system_router_internal:
            data['router-internal'] = ''
        data.update({'region': self.region, 'status': self.status, 'type': self.type, 'version': self.version})
        return data


@dataclasses.dataclass
class Process:
    id: str
    app: str
    name: str
    command: str = ''
    cpu: float = 0.0
    gpu: int = 0
    host: str = ''
    image: str = ''
    instance: str = ''
    memory: float = 0.0
    ports: list = None
    release: str = ''
    started_ns: int = None
    status: str = 'running'
    service: str = ''
    system: bool = False
    # What the container writes: (timestamp_ns, line) entries, possibly in the future (logs.py). Not part of the JSON.
    output: list = None
    # When the container's command ends (None: it runs until stopped) and with what status; the pod shows
    # ``complete`` or ``failed`` from then on and is deleted a few seconds later (workloads.py).
    ended_ns: int = None
    exit_code: int = None
    # When the pod was deleted: its log lines stop there.
    stopped_ns: int = None

    def sort_key(self):
        return '%s-%s-%s' % (self.app, self.name, self.id)

    def task_definition(self, semantics):
        """v2 (ECS): the task definition the process runs, as an ARN in the rack's region."""
        family = '%s-%s-%s' % (semantics.rack_name, self.app, self.name) if self.app else '%s-%s' % (semantics.rack_name, self.name)
        return 'arn:aws:ecs:us-east-1:123456789012:task-definition/%s:1' % family

    def to_json(self, semantics):
        """The generation's Process JSON: ``semantics.process_fields`` in Go struct order (``service`` omitted when empty)."""
        values = {
            'id': self.id,
            'app': self.app,
            'command': self.command,
            'cpu': self.cpu,
            'gpu': self.gpu,
            'host': self.host,
            'image': self.image,
            'instance': self.instance,
            'memory': self.memory,
            'name': self.name,
            'ports': self.ports,
            'release': self.release,
            'started': golang.format_time(self.started_ns),
            'status': self.status,
            'service': self.service,
        }
        data = {}
        for field in semantics.process_fields:
            if field == 'task_definition':
                data[field] = self.task_definition(semantics)
            elif field != 'service' or self.service:
                data[field] = values[field]
        return data


class RackState:
    """The whole rack. Create one per emulator; share it between the server and white-box tests."""

    def __init__(self, semantics, password, deploy_seconds=2.0, build_seconds=2.0, console=None, clock=None):
        self.semantics = semantics
        self.password = password
        self.deploy_ns = int(deploy_seconds * _NANOS)
        self.build_ns = int(build_seconds * _NANOS)
        self.console = console
        # App.router: the rack's ROUTER (v3: the router domain), empty on v2.
        self.router = semantics.app_router
        self.clock = clock or time.time_ns
        self.lock = threading.RLock()
        self.jwt_key = secrets.token_bytes(32)
        self.request_log = RequestLog(self.lock)
        self.faults = FaultSet(self.lock)
        self.on_promote = []
        self.on_deploy_complete = []
        self.on_reset = []
        self.on_settle = []
        self.on_app_removed = []
        self.extensions = {}
        self.deploy_outcomes = {}
        self.storage_dir = tempfile.mkdtemp(prefix='convox-emulator-')
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.storage_dir, True)
        self._last_stamp = 0
        self.apps = {}
        self.releases = {}
        self.builds = {}
        self.processes = {}
        self.objects = {}
        self.system = self._initial_system()

    # ------------------------------------------------------------ lifecycle

    def reset(self):
        """Back to an empty rack: no apps, objects, log entries or faults, and a new JWT sign key (password kept)."""
        with self.lock:
            # Tokens minted before the reset stop working, as after a rack reinstall.
            self.jwt_key = secrets.token_bytes(32)
            for hook in list(self.on_reset):
                hook(self)
            self.extensions.clear()
            self.deploy_outcomes = {}
            for blob in self.objects.values():
                blob.discard()
            self.apps, self.releases, self.builds, self.processes, self.objects = {}, {}, {}, {}, {}
            self.system = self._initial_system()
            # Nothing is left to order against, and a test's fresh fake clock may be behind the last stamp.
            self._last_stamp = 0
            self.request_log.clear()
            self.faults.clear()

    def close(self):
        """Remove spooled object files."""
        self._finalizer()

    def _initial_system(self):
        semantics = self.semantics
        if semantics.major == 2:
            return SystemInfo(count=3, type='t3.small', region='us-east-1', version=semantics.version)
        return SystemInfo(version=semantics.version)

    # ------------------------------------------------------------ time and ids

    def now(self):
        return self.clock()

    def stamp(self):
        """A creation time, strictly increasing so ordering by time never ties."""
        with self.lock:
            self._last_stamp = max(self.clock(), self._last_stamp + 1)
            return self._last_stamp

    def new_id(self, prefix, taken):
        """``prefix`` + 10 uppercase letters, unused in ``taken``."""
        while True:
            candidate = prefix + ''.join(secrets.choice(_ID_LETTERS) for _position in range(10))
            if candidate not in taken:
                return candidate

    def settle(self):
        """Finish every transition whose time has passed and run the completion hooks."""
        with self.lock:
            now = self.clock()
            for app in list(self.apps.values()):
                if app.transition == 'deleting':
                    if now >= app.until_ns:
                        self._remove_app(app.name)
                    continue
                if app.transition and now >= app.until_ns and app.failing:
                    self._fail_deploy(app)
                if app.transition and now >= app.until_ns:
                    app.transition = ''
                    app.listed = True
                    release = self.releases.get(app.name, {}).get(app.release)
                    for hook in list(self.on_deploy_complete):
                        hook(self, app, release)
            if self.system.transition and now >= self.system.until_ns:
                self.system.transition = ''
            for hook in list(self.on_settle):
                hook(self)

    def _begin(self, app, status, release_id):
        """Apply ``release_id`` to the app: it shows ``status`` for the deploy time."""
        app.release = release_id
        app.transition = status
        app.until_ns = self.clock() + self.deploy_ns
        app.failing = False
        release = self.releases.get(app.name, {}).get(release_id)
        for hook in list(self.on_promote):
            hook(self, app, release)

    def _fail_deploy(self, app):
        """The deploy's time is over and it failed: ``rollback`` to the previous release for one more deploy period."""
        failed_at = app.until_ns
        target = app.previous_release
        app.previous_release = ''
        self._begin(app, 'rollback', target)
        app.until_ns = failed_at + self.deploy_ns

    def deploy_outcome_set(self, app_name, outcome):
        """The outcome of the app's next promote: ``rollback`` fails it, ``success`` clears a pending failure."""
        with self.lock:
            if outcome == 'success':
                self.deploy_outcomes.pop(app_name, None)
            else:
                self.deploy_outcomes[app_name] = outcome
            return dict(self.deploy_outcomes)

    # ------------------------------------------------------------ apps

    def app_list(self):
        with self.lock:
            self.settle()
            return sorted((app for app in self.apps.values() if app.listed), key=lambda app: app.name)

    def app_get(self, name):
        with self.lock:
            self.settle()
            app = self.apps.get(name)
            if app is None:
                raise NotFound('app not found: %s' % name)
            return app

    def app_create(self, name, generation=''):
        semantics = self.semantics
        with self.lock:
            self.settle()
            if name in semantics.reserved_app_names:
                raise BadRequest('app name is reserved')
            if name in self.apps:
                raise semantics.app_exists_error(name)
            semantics.validate_app_name(name, semantics.rack_name)
            app = App(name=name, parameters=semantics.initial_parameters(), generation=generation,
                      listed=semantics.list_apps_while_creating)
            self.apps[name] = app
            self.releases[name] = {}
            self.builds[name] = {}
            self._begin(app, semantics.create_status, '')
            return app

    def app_update(self, name, lock=None, parameters=None):
        """PUT /apps/{name}: patch, then re-promote the active release (the app goes ``updating``)."""
        with self.lock:
            app = self.app_get(name)
            self.check_not_deleting(app, 'atoms.atom.convox.com "app"')
            if lock is not None:
                app.locked = lock
            if parameters is not None:
                app.parameters.update(self.semantics.accepted_parameters(parameters))
            app.previous_release = app.release
            self._begin(app, 'updating', app.release)

    def app_delete(self, name):
        """The namespace starts terminating: ``deleting`` for a while, then gone (settle removes it)."""
        with self.lock:
            app = self.app_get(name)
            if app.locked:
                raise Conflict('app is locked: %s' % name)
            if app.transition == 'deleting':
                if not self.semantics.redelete_conflicts:
                    return
                # Deleting a namespace that is already terminating: the API server's conflict, untyped for the rack.
                raise ServerError('Operation cannot be fulfilled on namespaces %s: The system is ensuring all content is removed from '
                                  'this namespace.  Upon completion, this namespace will automatically be purged by the system.'
                                  % golang.quote(self.app_namespace(name)))
            app.transition = 'deleting'
            now = self.clock()
            # A terminating namespace takes its pods with it: running commands end now.
            for process in self.processes.get(name, {}).values():
                process.stopped_ns = now
            app.until_ns = now + int(self.deploy_ns * DELETE_FRACTION)
            app.failing = False
            if app.until_ns <= self.clock():
                self._remove_app(name)

    def _remove_app(self, name):
        del self.apps[name]
        # Objects live in the rack's storage, outside the app's namespace: they outlive it.
        for table in (self.releases, self.builds, self.processes):
            table.pop(name, None)
        for hook in list(self.on_app_removed):
            hook(self, name)

    def app_namespace(self, name):
        return '%s-%s' % (self.semantics.rack_name, name)

    def check_not_deleting(self, app, resource):
        """New content in a terminating namespace is refused by the API server (an untyped error for the rack)."""
        if app.transition == 'deleting':
            raise ServerError('%s is forbidden: unable to create new content in namespace %s because it is being terminated'
                              % (resource, self.app_namespace(app.name)))

    def app_rollout(self, name):
        """A change rolled out without a promote (a service scaled): the app shows ``updating`` for the deploy time.

        No on_promote hooks run (the release is unchanged); on_deploy_complete runs when it settles.
        """
        with self.lock:
            app = self.app_get(name)
            if app.transition == 'deleting':
                # The Deployment patch lands in the terminating namespace; nothing rolls out any more.
                return
            if app.status == 'running':
                # Mid-deploy, a cancel still rolls back to the release before that deploy.
                app.previous_release = app.release
            app.transition = 'updating'
            app.until_ns = self.clock() + self.deploy_ns

    def app_cancel(self, name):
        """Cancel an in-flight deploy: roll back to the previous release, ``rollback`` then ``running``."""
        with self.lock:
            app = self.app_get(name)
            if app.status != 'updating':
                raise Forbidden('app is not updating')
            target = app.previous_release
            app.previous_release = ''
            self._begin(app, 'rollback', target)

    # ------------------------------------------------------------ releases

    def release_list(self, app_name, limit=10):
        """Newest first, at most ``limit``."""
        with self.lock:
            self.app_get(app_name)
            releases = sorted(self.releases[app_name].values(), key=lambda release: release.created_ns, reverse=True)
            return releases[:limit]

    def release_get(self, app_name, release_id):
        """Release ids are Kubernetes names underneath: looked up case-insensitively."""
        with self.lock:
            release = self.releases.get(app_name, {}).get(release_id.upper())
            if release is None:
                raise self.semantics.release_not_found(release_id)
            return release

    def release_create(self, app_name, build=None, env=None, description=None, parent=None):
        """ReleaseCreate: fork (parent or newest), override build, copy its manifest, replace env, describe."""
        with self.lock:
            if parent:
                fork = self.release_get(app_name, parent)
            else:
                newest = self.release_list(app_name, 1)
                fork = newest[0] if newest else None
            release = Release(id='', app=app_name)
            if fork is not None:
                release.build, release.env = fork.build, fork.env
            if build is not None:
                release.build = build
            if release.build:
                source = self.build_get(app_name, release.build)
                release.description, release.manifest = source.description, source.manifest
            if env is not None:
                changes = env_diff(release.env, env)
                if changes or self.semantics.describe_unchanged_env:
                    release.description = 'env %s' % changes
                release.env = env
            if description is not None:
                release.description = description
            release.id = self.new_id('R', self.releases[app_name])
            self.check_not_deleting(self.apps[app_name], 'releases.convox.com %s' % golang.quote(release.id.lower()))
            release.created_ns = self.stamp()
            self.releases[app_name][release.id] = release
            return release

    def release_promote(self, app_name, release_id):
        """Apply a release (validation is the API's job, see areas/releases.py)."""
        with self.lock:
            app = self.app_get(app_name)
            release = self.release_get(app_name, release_id)
            self.check_not_deleting(app, 'atoms.atom.convox.com "app"')
            app.previous_release = app.release
            self._begin(app, 'updating', release.id)
            app.failing = self.deploy_outcomes.pop(app_name, None) == 'rollback'

    # ------------------------------------------------------------ builds (the model; its routes come later)

    def build_get(self, app_name, build_id):
        with self.lock:
            build = self.builds.get(app_name, {}).get(build_id.upper())
            if build is None:
                raise self.semantics.build_not_found(build_id)
            return build

    def build_add(self, app_name, **fields):
        """Create a Build with ``fields`` (status defaults to 'created'); returns it."""
        with self.lock:
            app = self.app_get(app_name)
            build = Build(id=self.new_id('B', self.builds[app_name]), app=app_name, **fields)
            self.check_not_deleting(app, 'builds.convox.com %s' % golang.quote(build.id.lower()))
            if build.started_ns is None:
                build.started_ns = self.stamp()
            self.builds[app_name][build.id] = build
            return build

    # ------------------------------------------------------------ processes (the model; their routes come later)

    def process_list(self, include_apps=True, include_system=True):
        with self.lock:
            self.settle()
            found = [process for processes in self.processes.values() for process in processes.values()
                     if (process.system and include_system) or (not process.system and include_apps)]
            return sorted(found, key=Process.sort_key)

    # ------------------------------------------------------------ objects

    def object_put(self, app_name, key, blob):
        with self.lock:
            previous = self.objects.get((app_name, key))
            self.objects[(app_name, key)] = blob
        if previous is not None:
            previous.discard()

    def object_get(self, app_name, key):
        with self.lock:
            blob = self.objects.get((app_name, key))
            if blob is None:
                raise NotFound('object not found: %s' % key)
            return blob

    def object_exists(self, app_name, key):
        with self.lock:
            return (app_name, key) in self.objects

    def object_delete(self, app_name, key):
        with self.lock:
            blob = self.objects.pop((app_name, key), None)
        if blob is None:
            raise NotFound('object not found: %s' % key)
        blob.discard()

    # ------------------------------------------------------------ system

    def system_get(self):
        with self.lock:
            self.settle()
            return self.system

    def system_update(self, count=None, parameters=None, rack_type=None, version=None):
        """A v2 rack update: the stack goes ``updating`` for the deploy time."""
        with self.lock:
            system = self.system_get()
            if count is not None:
                system.count = count
            if parameters is not None:
                system.parameters.update(parameters)
            if rack_type is not None:
                system.type = rack_type
            if version is not None:
                system.version = version
            system.transition = 'updating'
            system.until_ns = self.clock() + self.deploy_ns

    def rotate_jwt_key(self):
        with self.lock:
            self.jwt_key = secrets.token_bytes(32)
