# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Process exec (``/apps/{app}/processes/{pid}/exec``) as provider/k8s ProcessExec runs it, over a websocket.Socket.

``run_exec`` returns ``(exit code, error or None)``; the route writes the exit marker with the code and
then, when there is an error, the ERROR frame (the rack's controller does both, in that order).

- ``pid`` may name a service: one of its running processes is picked (the rack picks at random; the
  emulator the first by id). Otherwise the process is looked up (a missing one: code 0 and the pod
  lookup error).
- The command is split with shellquote (an error: code 0); ``Entrypoint: true`` puts the build's
  entrypoint in front (release and build lookups: code 0 on error).
- A process that is not running (pending, ended) cannot be exec'd into: code 1, ``unable to upgrade
  connection: container not found ("<app>")``.
- The command runs with the built-in command set (commands.py) in real time, with the process's
  environment; stdout and stderr are merged. ``Tty`` (default true) turns each ``\\n`` of the output
  into ``\\r\\n`` as a terminal does (input is not echoed). A missing executable is code 1 with the
  container runtime's error. If the process ends or is stopped meanwhile, the command is killed:
  code 137.
- Stdin (unless ``Disable-Stdin: true``): text frames from the client. On v3 the client's EOF frame
  does not reach the command (ProcessExec copies the socket into a pipe it never closes), so ``cat``
  keeps waiting; v2 racks (docker exec) close the command's stdin. With ``Disable-Stdin: true`` the
  command's stdin is empty. Height and Width are accepted and have no effect.
"""

import asyncio
import hashlib

from . import commands, shellquote, websockets
from .errors import ApiError, ServerError
from .workloads import CONTAINER_PATH, workloads_of

_KILLED = 137


class _Killed(Exception):
    """The process the command runs in ended or was stopped."""


def missing_executable_error(exec_id, name):
    """What containerd and runc answer for an exec of a program the image does not have, as the rack reports it."""
    if '/' in name:
        reason = 'exec: "%s": stat %s: no such file or directory' % (name, name)
    else:
        reason = 'exec: "%s": executable file not found in $PATH' % name
    return ServerError('Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "%s": '
                       'OCI runtime exec failed: exec failed: unable to start container process: %s: unknown' % (exec_id, reason))


class ExecRuntime(commands.Runtime):
    """The command's streams: the socket (stdout+stderr, stdin) and real time, while its process lives."""

    def __init__(self, socket, state, process, tty, stdin, stdin_eof):
        # Builder pods carry no modelled environment.
        super().__init__(getattr(process, 'env', None) or {'HOME': '/root', 'HOSTNAME': process.id, 'PATH': CONTAINER_PATH})
        self.socket = socket
        self.state = state
        self.process = process
        self.tty = tty
        self._stdin = asyncio.Queue() if stdin else None
        self._stdin_eof = stdin_eof
        self._reader = asyncio.ensure_future(self._read_stdin()) if stdin else None

    def close(self):
        if self._reader is not None:
            self._reader.cancel()

    async def _read_stdin(self):
        while True:
            kind, data = await self.socket.receive()
            if kind == 'text':
                self._stdin.put_nowait(data)
                continue
            if self._stdin_eof:
                self._stdin.put_nowait(None)
            # Nothing reads the socket any more (gorilla then answers no pings).
            return

    def _check(self):
        if self.socket.client_gone():
            raise websockets.ClientGone()
        with self.state.lock:
            self.state.settle()
            current = self.state.processes.get(self.process.app, {}).get(self.process.id)
            if current is not self.process or self.process.status != 'running':
                raise _Killed()

    async def write(self, text):
        self._check()
        await self.socket.write(text.replace('\n', '\r\n') if self.tty else text)

    async def read(self):
        if self._stdin is None:
            return None
        while True:
            self._check()
            try:
                return await asyncio.wait_for(self._stdin.get(), websockets.POLL_SECONDS)
            except asyncio.TimeoutError:
                continue

    async def sleep(self, seconds):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            self._check()
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            await asyncio.sleep(min(remaining, websockets.POLL_SECONDS))


def _target(state, app, pid):
    """ProcessExec's pod choice: a running process of the service ``pid``, else the process ``pid`` (lookup errors raise)."""
    with state.lock:
        state.settle()
        running = sorted((process for process in state.processes.get(app, {}).values() if process.service == pid and process.status == 'running'),
                         key=lambda process: process.id)
        if running:
            return running[0]
        return workloads_of(state).process_get(state, app, pid)


async def run_exec(state, socket, app, pid, command, options):
    """Run ``command`` in the process; returns (exit code, ApiError or None)."""
    try:
        process = _target(state, app, pid)
        argv = shellquote.split(command)
        if options.get('Entrypoint'):
            with state.lock:
                release = state.release_get(app, process.release)
                build = state.build_get(app, release.build)
            if build.entrypoint:
                argv = shellquote.split(build.entrypoint) + argv
    except ApiError as error:
        return 0, error
    if process.status != 'running':
        return 1, ServerError('unable to upgrade connection: container not found ("%s")' % app)
    exec_id = hashlib.sha256(('%s\0%s' % (process.id, '\0'.join(argv))).encode('utf-8')).hexdigest()
    stdin = not options.get('Disable-Stdin')
    runtime = ExecRuntime(socket, state, process, tty=options.get('Tty') is not False, stdin=stdin, stdin_eof=state.semantics.major == 2)
    try:
        return await commands.run(argv, runtime), None
    except commands.MissingExecutable as missing:
        return 1, missing_executable_error(exec_id, missing.name)
    except _Killed:
        return _KILLED, None
    finally:
        runtime.close()
