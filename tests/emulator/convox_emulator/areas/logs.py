# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The log websockets (convox-api.md 2.1, 2.2, 2.4, 2.5, 2.7), each the way the v3 rack's code path for it behaves.

Options are headers (structs.LogsOptions, parsed in field order before anything else; a bad value is an
ERROR frame): ``Filter``, ``Follow``, ``Maxlogrequests``, ``Prefix``, ``Since`` (default ``2m``),
``Previous``, ``Tail``. What is logged: logs.py.

- ``/apps/{name}/logs``: the app's log group, as the v3 AWS overlay reads CloudWatch. Events from
  ``now - Since``, filtered by ``Filter`` (logs.filter_matcher), ``Prefix: true`` puts
  ``<RFC 3339 time> service/<service>/<pod> `` in front; ``Follow`` (default true) keeps polling until
  the client leaves, ``Follow: false`` ends after the events there are. A group that does not exist yet
  (no line ever written) is retried every 3 s, 20 times, then the stream ends. Tail, Previous and
  Maxlogrequests are ignored.
- ``/apps/{app}/services/{service}/logs``: kubectl logs over the service's pods (provider/k8s). No pods:
  ``no resources found in <namespace> namespace``. ``Prefix`` (default true; any value but ``true`` turns
  it off) adds ``[pod/<pod>/<app>] `` and the kubelet timestamp; lines from the last ``Since`` (whole
  seconds); ``Tail`` lines per pod. ``Follow`` (default true) streams until every pod has ended (more pods
  than ``Maxlogrequests``, default 20, is an error); without it the pods are read one after the other
  (by name; the rack's order is random). A pod still starting is an error. Filter is ignored.
- ``/apps/{app}/processes/{pid}/logs``: provider/k8s streamProcessLogs. It checks the pod every second
  (``waiting for build pod...`` while it does not exist, a heartbeat while it is pending, giving up after
  10 minutes), then streams the pod's log until the container ends or the pod is deleted: ``Follow``
  is ignored. ``Since`` is added to the current time (the rack's code does so), so the default ``2m``
  shows nothing of the past; send a negative duration (``-1h``) for the last hour. ``Prefix: true``
  puts ``<RFC 3339 time> service/<service>/<pid> `` in front.
- ``/apps/{app}/builds/{id}/logs``: provider/k8s BuildLogs. A running build streams its builder pod's
  log (as above, without Since); a ``created`` one waits for its build to start (every second,
  ``waiting for build to start...`` every 10 s, 5 minutes at most); a finished one sends its stored log
  object as it is (``unable to read logs for build: <id>`` when the build has no ``logs`` URL).
- ``/system/logs``: ``unimplemented`` (provider/k8s).
"""

import asyncio
import urllib.parse

from .. import logs, websockets
from ..errors import ApiError, NotFound, ServerError, Unimplemented
from ..workloads import WorkloadProcess

# structs.LogsOptions in field order: (header, kind, default tag).
LOG_OPTIONS = (('Filter', 'str', None), ('Follow', 'bool', None), ('Maxlogrequests', 'int', None), ('Prefix', 'bool', None),
               ('Since', 'duration', '2m'), ('Previous', 'bool', None), ('Tail', 'int', None))
_NANOS = 1000000000
# The AWS overlay's retries while the app's log group does not exist.
LOG_GROUP_RETRIES = 20
LOG_GROUP_RETRY_SECONDS = 3.0
# streamProcessLogs: how often it looks at the pod, its heartbeat while the pod is pending, when it gives up.
POD_TICK_SECONDS = 1.0
POD_HEARTBEAT_SECONDS = 15.0
POD_PENDING_TIMEOUT_SECONDS = 600.0
# streamBuildLogsFromCreated: the same for a build that has not started.
BUILD_TICK_SECONDS = 1.0
BUILD_HEARTBEAT_SECONDS = 10.0
BUILD_START_TIMEOUT_SECONDS = 300.0
# kubectl logs --max-log-requests as the rack sets it.
DEFAULT_MAX_LOG_REQUESTS = 20
# io.Copy's buffer: a stored build log goes out in frames of at most this size.
COPY_CHUNK = 32 * 1024


def _options(ctx):
    return {name: ctx.params.header(name, kind, default) for name, kind, default in LOG_OPTIONS}


def _now(state):
    with state.lock:
        state.settle()
        return state.now()


# ---------------------------------------------------------------- app logs (CloudWatch)


async def app_logs(ctx, socket):
    state, options, app = ctx.state, _options(ctx), ctx.var('name')
    follow = options['Follow'] is not False
    matches = logs.filter_matcher(options['Filter'])
    start_ns = _now(state) - options['Since']
    store = logs.store_of(state)
    seen = set()
    failures = 0
    while True:
        with state.lock:
            state.settle()
            now = state.now()
            exists = store.group_exists(app, now)
            events = store.events(app, start_ns, now) if exists else []
        if not exists:
            failures += 1
            if failures >= LOG_GROUP_RETRIES:
                return
            await socket.pause(LOG_GROUP_RETRY_SECONDS)
            continue
        failures = 0
        for stamp, key, stream, line in events:
            if key in seen:
                continue
            seen.add(key)
            if matches(line):
                prefix = '%s %s ' % (logs.rfc3339(stamp), stream) if options['Prefix'] else ''
                await socket.write('%s%s\n' % (prefix, line))
        if not follow:
            return
        await socket.pause(websockets.POLL_SECONDS)


# ---------------------------------------------------------------- service logs (kubectl)


def _service_pods(state, app, service):
    with state.lock:
        state.settle()
        return sorted((process for process in state.processes.get(app, {}).values()
                       if isinstance(process, WorkloadProcess) and process.template and process.name == service), key=lambda process: process.id)


def _pod_ended(state, pod):
    """A pod's log stream ends when its container has ended or the pod is gone."""
    with state.lock:
        state.settle()
        return pod.status in ('complete', 'failed') or state.processes.get(pod.app, {}).get(pod.id) is not pod


async def service_logs(ctx, socket):
    state, options, app, service = ctx.state, _options(ctx), ctx.var('app'), ctx.var('service')
    follow = options['Follow'] is not False
    prefixed = options['Prefix'] is not False
    pods = _service_pods(state, app, service)
    if not pods:
        raise NotFound('no resources found in %s-%s namespace' % (ctx.semantics.rack_name, app))
    limit = options['Maxlogrequests'] if options['Maxlogrequests'] is not None else DEFAULT_MAX_LOG_REQUESTS
    if follow and len(pods) > 1 and len(pods) > limit:
        raise ServerError('you are attempting to follow %d log streams, but maximum allowed concurrency is %d, use --max-log-requests to increase '
                          'the limit' % (len(pods), limit))
    # kubectl's ToLogOptions: Duration.Round(time.Second), halves away from zero.
    since = options['Since']
    seconds = (abs(since) + _NANOS // 2) // _NANOS * (1 if since >= 0 else -1)
    since_ns = _now(state) - seconds * _NANOS if seconds else None

    def waiting(pod):
        return ServerError('container "%s" in pod "%s" is waiting to start: ContainerCreating' % (app, pod.id))

    def line_of(pod, stamp, line):
        return '[pod/%s/%s] %s %s\n' % (pod.id, app, logs.kubelet_time(stamp), line) if prefixed else line + '\n'

    def initial(pod, now):
        lines = [(stamp, line) for stamp, line in logs.visible_output(pod, now) if since_ns is None or stamp >= since_ns]
        if options['Tail'] is not None and options['Tail'] >= 0:
            lines = lines[len(lines) - options['Tail']:] if options['Tail'] else []
        return lines

    if not follow:
        for pod in pods:
            if pod.status == 'pending':
                raise waiting(pod)
            for stamp, line in initial(pod, _now(state)):
                await socket.write(line_of(pod, stamp, line))
        return
    if any(pod.status == 'pending' for pod in pods):
        raise waiting(next(pod for pod in pods if pod.status == 'pending'))
    now = _now(state)
    sent = {pod.id: len(logs.visible_output(pod, now)) for pod in pods}
    first = sorted(((stamp, index, pod, line) for index, pod in enumerate(pods) for stamp, line in initial(pod, now)), key=lambda item: item[:2])
    for stamp, _index, pod, line in first:
        await socket.write(line_of(pod, stamp, line))
    open_pods = list(pods)
    while open_pods:
        await socket.pause(websockets.POLL_SECONDS)
        now = _now(state)
        for pod in list(open_pods):
            visible = logs.visible_output(pod, now)
            for stamp, line in visible[sent[pod.id]:]:
                await socket.write(line_of(pod, stamp, line))
            sent[pod.id] = len(visible)
            if _pod_ended(state, pod):
                open_pods.remove(pod)


# ---------------------------------------------------------------- process logs (pod log stream)


async def _pending_pod(state, socket, app, pid):
    """streamProcessLogs' first loop: the pod once it exists and is no longer pending, or None after the timeout."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    heartbeat = started + POD_HEARTBEAT_SECONDS
    while True:
        await socket.pause(POD_TICK_SECONDS)
        if loop.time() - started >= POD_PENDING_TIMEOUT_SECONDS:
            await socket.write('build pod did not start within 10 minutes -- check cluster resources and node availability\n')
            return None
        if loop.time() >= heartbeat:
            heartbeat += POD_HEARTBEAT_SECONDS
            await socket.write('waiting for build pod to be scheduled...\n')
        with state.lock:
            state.settle()
            pod = state.processes.get(app, {}).get(pid)
        if pod is None:
            await socket.write('waiting for build pod...\n')
            continue
        if pod.status != 'pending':
            return pod


async def stream_pod_logs(state, socket, app, pid, since_ns, prefixed):
    """The pod's log (lines from ``since_ns`` when given) until its container ends or it is deleted."""
    pod = await _pending_pod(state, socket, app, pid)
    if pod is None:
        return
    stream = 'service/%s/%s' % (pod.service or pod.name, pid)
    sent = 0
    while True:
        ended = _pod_ended(state, pod)
        visible = logs.visible_output(pod, _now(state))
        for stamp, line in visible[sent:]:
            if since_ns is None or stamp >= since_ns:
                await socket.write('%s %s %s\n' % (logs.rfc3339(stamp), stream, line) if prefixed else line + '\n')
        sent = len(visible)
        if ended:
            return
        await socket.pause(websockets.POLL_SECONDS)


async def process_logs(ctx, socket):
    state, options = ctx.state, _options(ctx)
    since_ns = _now(state) + options['Since'] if options['Since'] is not None else None
    await stream_pod_logs(state, socket, ctx.var('app'), ctx.var('pid'), since_ns, bool(options['Prefix']))


# ---------------------------------------------------------------- build logs


async def _send_object(ctx, socket, url, build_id, quiet):
    """ObjectFetch of a build's ``logs`` URL, copied as it is. ``quiet``: errors are only logged (writeStoredBuildLogs)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != 'object':
        if quiet:
            return
        raise ServerError('unable to read logs for build: %s' % build_id)
    try:
        blob = ctx.state.object_get(parsed.netloc, parsed.path.lstrip('/'))
    except ApiError as error:
        if quiet:
            return
        # ObjectFetch names the key as it got it, with the URL path's leading slash.
        raise NotFound('object not found: %s' % parsed.path) from error
    pending = b''
    for chunk in blob.chunks():
        pending += chunk
        while len(pending) >= COPY_CHUNK:
            await socket.write(pending[:COPY_CHUNK].decode('utf-8', errors='replace'))
            pending = pending[COPY_CHUNK:]
    if pending:
        await socket.write(pending.decode('utf-8', errors='replace'))


async def _created_build(ctx, socket, app, build_id, prefixed):
    """streamBuildLogsFromCreated: wait for the build to start, then stream it (or its stored log if it is already over)."""
    state = ctx.state
    loop = asyncio.get_running_loop()
    started = loop.time()
    heartbeat = started + BUILD_HEARTBEAT_SECONDS
    while True:
        await socket.pause(BUILD_TICK_SECONDS)
        if loop.time() - started >= BUILD_START_TIMEOUT_SECONDS:
            await socket.write('build %s did not start within 5 minutes\n' % build_id)
            return
        if loop.time() >= heartbeat:
            heartbeat += BUILD_HEARTBEAT_SECONDS
            await socket.write('waiting for build to start...\n')
        try:
            with state.lock:
                state.settle()
                build = state.build_get(app, build_id)
        except ApiError:
            continue
        if build.status == 'running':
            if not build.process:
                continue
            await stream_pod_logs(state, socket, app, build.process, None, prefixed)
            return
        if build.status in ('failed', 'complete'):
            if not build.logs:
                if build.status == 'failed':
                    await socket.write('build failed -- no build logs available\n')
                return
            await _send_object(ctx, socket, build.logs, build_id, quiet=True)
            return
        if build.status != 'created':
            await socket.write('unexpected build status: %s\n' % build.status)
            return


async def build_logs(ctx, socket):
    state, options, app, build_id = ctx.state, _options(ctx), ctx.var('app'), ctx.var('id')
    with state.lock:
        state.settle()
        build = state.build_get(app, build_id)
        status, process, url = build.status, build.process, build.logs
    prefixed = bool(options['Prefix'])
    if status == 'running':
        if not process:
            raise ServerError('build %s has running status but no process ID' % build_id)
        await stream_pod_logs(state, socket, app, process, None, prefixed)
    elif status == 'created':
        await _created_build(ctx, socket, app, build_id, prefixed)
    else:
        await _send_object(ctx, socket, url, build_id, quiet=False)


# ---------------------------------------------------------------- system logs


async def system_logs(ctx, _socket):
    _options(ctx)
    raise Unimplemented('unimplemented')


def register(router, _state):
    router.socket('/apps/{name}/logs', app_logs)
    router.socket('/apps/{app}/builds/{id}/logs', build_logs)
    router.socket('/apps/{app}/services/{service}/logs', service_logs)
    router.socket('/apps/{app}/processes/{pid}/logs', process_logs)
    router.socket('/system/logs', system_logs)
