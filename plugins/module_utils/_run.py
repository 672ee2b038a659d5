# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""A one-off command with an exit code, the way ``convox run`` runs it attached (convox-api.md 2.5):

1. start a holder process of the service (on the given release, with the run's environment, cpu and
   memory) whose command is ``sleep <timeout>``;
2. wait until it is ``running`` (``Waiter.until``; a holder that ends or disappears fails at once);
3. exec the command in it over the websocket, without a TTY and with stdin disabled (on v3 the end of
   stdin never reaches the command); the exit code is the rack's marker, nothing else;
4. stop the holder, in EVERY case: success, a non-zero code, a failed exec, a timeout, an error, and a
   SIGTERM of the module (turned into an exit so the stop still runs). Should the module be killed
   outright, the holder's own ``sleep`` ends it after the timeout.

The whole run is bounded by ``timeout`` seconds from its start. Failures raise the client's errors with
``facts`` a task reports: ``rc`` (None: the exit code is unknown or the command never ran), ``stdout``,
``stdout_lines`` and ``process`` (the holder as last read).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from contextlib import contextmanager

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxError, ConvoxStreamTimeoutError
from ansible_collections.convox.convox.plugins.module_utils._module import snake_keys
from ansible_collections.convox.convox.plugins.module_utils._wait import ConvoxWaitTimeout

RUNNING = 'running'
# Statuses after which a holder never becomes running (v3 process statuses, convox-api.md section 3).
ENDED = ('complete', 'failed', 'crashed')


class AttachedRun:
    """The outcome of a run whose exec reported an exit code: ``rc``, ``output`` and the holder ``process``."""

    def __init__(self, rc, output, process):
        self.rc = rc
        self.output = output
        self.process = process

    def facts(self):
        return output_facts(self.rc, self.output, self.process)


def output_facts(rc, output, process):
    """``rc``, ``stdout`` (trailing line ends removed, as ansible.builtin.command does), ``stdout_lines``, ``process``."""
    stdout = (output or '').rstrip('\r\n')
    facts = dict(rc=rc, stdout=stdout, stdout_lines=stdout.splitlines())
    if process is not None:
        facts['process'] = snake_keys(process)
    return facts


def holder_command(timeout):
    """The holder's command: it must outlive the whole run, and end by itself if nobody stops it."""
    return 'sleep %d' % max(1, int(math.ceil(timeout)))


@contextmanager
def _sigterm_as_exit():
    """Let a SIGTERM unwind the run (so the holder is stopped) instead of killing the module on the spot."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def unwind(signum, _frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _status(process):
    return 'gone' if process is None else (process.get('status') or 'unknown')


def run_attached(client, waiter, app, service, command, timeout, release=None, environment=None, cpu=None, memory=None,
                 entrypoint=True, warn=None, clock=None):
    """Run ``command`` attached and return an ``AttachedRun``; a non-zero code is a result, not an error.

    ``timeout`` (seconds) bounds the whole run: the holder sleeps that long, the wait and the exec share it.
    """
    clock = clock or time.monotonic
    deadline = clock() + timeout
    holder = client.process_run(app, service, command=holder_command(timeout), environment=environment, release=release,
                                cpu=cpu, memory=memory)
    pid = holder['id']
    seen = [holder]
    output = ''
    try:
        with _sigterm_as_exit():
            try:
                process = waiter.until(
                    lambda: client.process_find(app, pid),
                    done=lambda found: found is not None and found.get('status') == RUNNING,
                    failed=lambda found: ('the holder process %s is %s' % (pid, _status(found))) if found is None or found.get('status') in ENDED else None,
                    status=_status,
                    what='process %s to be running' % pid)
                seen.append(process)
                remaining = deadline - clock()
                if remaining <= 0:
                    raise ConvoxWaitTimeout('timed out after %ss before the command could start: process %s took that long to be running'
                                            % (_seconds(timeout), pid), status=RUNNING, statuses=[RUNNING])
                try:
                    result = client.process_exec(app, pid, command, timeout=remaining, entrypoint=entrypoint)
                except ConvoxStreamTimeoutError as error:
                    output = error.output
                    raise ConvoxWaitTimeout('timed out after %ss waiting for the command to finish; its process %s is stopped'
                                            % (_seconds(timeout), pid), status=RUNNING, statuses=[RUNNING]) from None
            except ConvoxError as error:
                output = output or getattr(error, 'output', '') or ''
                error.facts.update(output_facts(None, output, seen[-1]))
                raise
            return AttachedRun(result.code, result.output, seen[-1])
    finally:
        _stop_holder(client, app, pid, warn)


def _stop_holder(client, app, pid, warn):
    try:
        client.process_stop(app, pid, missing_ok=True)
    except ConvoxError as error:
        # What the command did is what the task reports (failing a migration that succeeded would invite
        # running it twice); the holder ends by itself when its sleep does.
        if warn is not None:
            warn('could not stop the holder process %s (it ends by itself when its sleep does): %s' % (pid, error))


def _seconds(value):
    return ('%d' % value) if float(value).is_integer() else ('%g' % value)
