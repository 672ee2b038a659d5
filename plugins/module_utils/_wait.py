# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The waiter: poll a read until a predicate holds, fail early on failure, bounded in time.

Every module that waits (for an app to be ``running``, a build to end, a release to be live,
processes to match a scale) does it through ``Waiter.until``::

    waiter = Waiter(timeout=600)
    app = waiter.until(lambda: client.app_get(name),
                       done=lambda app: app['status'] == 'running',
                       failed=lambda app: 'the deploy rolled back' if app['status'] == 'rollback' else None,
                       status=lambda app: app['status'],
                       what='app %s to be running' % name)

Polling starts soon and backs off: the first poll comes ``FIRST_INTERVAL`` after the start,
each wait is ``BACKOFF_FACTOR`` times the one before, up to ``MAX_INTERVAL``. So the end of a
short operation is seen within about a second, and a long one at most 3 s late for about 20
requests a minute. (The Convox CLI sleeps 5 s and then polls every 5 s: 12 requests a minute,
but it sees the end of a deploy up to 5 s late, and a 1 s deploy only after 5 s.
``tests/benchmarks/bench_wait.py`` measures both.) ``interval`` fixes the wait instead. The last poll is timed to land at the
deadline, so a timeout never stops short of it.

A wait that must act to make progress (re-apply a change another writer overwrote) passes
``act``: it runs on each value that is neither done nor failed, before the pause, and the
next read tells whether it helped. Nothing acts once the deadline has passed.

``clock`` and ``sleep`` are injectable, so tests run on a fake clock.
"""

from __future__ import annotations

import math
import time

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxError, printable

FIRST_INTERVAL = 0.5
BACKOFF_FACTOR = 1.5
MAX_INTERVAL = 3.0
# Bounds of the options, so that a typo cannot make a task wait for ever or hammer the rack.
MAX_WAIT_TIMEOUT = 24 * 3600
MIN_INTERVAL = 0.1
MAX_FIXED_INTERVAL = 300.0

WAIT_ARGSPEC = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=600),
    wait_interval=dict(type='float'),
)


class ConvoxWaitError(ConvoxError):
    """A wait ended without success: ``status`` is the last observed status, ``statuses`` every
    distinct status seen in order, ``value`` the last value read, ``elapsed`` the seconds waited."""

    def __init__(self, message, status=None, statuses=(), value=None, elapsed=0.0):
        super().__init__(message)
        self.status = status
        self.statuses = list(statuses)
        self.value = value
        self.elapsed = elapsed
        self.facts.update(last_status=status, statuses=self.statuses)


class ConvoxWaitTimeout(ConvoxWaitError):
    """The predicate did not hold within the timeout."""


class ConvoxWaitFailed(ConvoxWaitError):
    """The failure predicate held: waiting longer cannot help."""


def check_wait_options(timeout, interval=None):
    """Refuse wait options out of their documented bounds; returns (timeout, interval)."""
    if timeout is None or isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or \
            math.isnan(timeout) or timeout < 0 or timeout > MAX_WAIT_TIMEOUT:
        raise ConvoxConfigError('wait_timeout must be a number of seconds from 0 to %d' % MAX_WAIT_TIMEOUT)
    if interval is not None:
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) or math.isnan(interval) or \
                not MIN_INTERVAL <= interval <= MAX_FIXED_INTERVAL:
            raise ConvoxConfigError('wait_interval must be a number of seconds from %g to %g' % (MIN_INTERVAL, MAX_FIXED_INTERVAL))
    return timeout, interval


class Waiter:
    """Polls within ``timeout`` seconds. ``polls`` and ``elapsed`` tell what the last wait cost."""

    def __init__(self, timeout, interval=None, clock=None, sleep=None, debug=None, stated_timeout=None):
        self.timeout, self.interval = check_wait_options(timeout, interval)
        # What a timeout message quotes: the task's wait_timeout, also for a waiter given what is left of it.
        self.stated_timeout = self.timeout if stated_timeout is None else stated_timeout
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._debug = debug
        self.polls = 0
        self.elapsed = 0.0

    def now(self):
        """A reading of this waiter's clock."""
        return self._clock()

    def remaining(self, since):
        """A Waiter for what is left of this one's time since ``since`` (a ``now()`` reading), same interval."""
        return Waiter(max(0.0, self.timeout - (self._clock() - since)), self.interval, clock=self._clock, sleep=self._sleep,
                      debug=self._debug, stated_timeout=self.stated_timeout)

    def intervals(self):
        """The waits between polls: fixed, or growing from FIRST_INTERVAL to MAX_INTERVAL."""
        if self.interval is not None:
            while True:
                yield self.interval
        wait = FIRST_INTERVAL
        while True:
            yield wait
            wait = min(MAX_INTERVAL, wait * BACKOFF_FACTOR)

    def until(self, read, done, failed=None, status=None, what='the operation to finish', first_delay=0.0, act=None):
        """Call ``read()`` until ``done(value)`` is true and return that value.

        ``failed(value)`` returns a reason (text) when waiting longer cannot help, else None;
        ``status(value)`` describes a value for messages (default ``str``). ``first_delay``
        delays the first read (the rack needs a moment to start an operation). ``act(value)``
        runs on a value that is neither done nor failed, while time is left, before the pause.
        Raises ConvoxWaitFailed or ConvoxWaitTimeout (with the last status), or what ``read``
        or ``act`` raises.
        """
        describe = status or str
        start = self._clock()
        deadline = start + self.timeout
        statuses = []
        self.polls = 0
        pauses = self.intervals()
        if first_delay:
            self._sleep(min(first_delay, self.timeout))
        while True:
            value = read()
            self.polls += 1
            now = self._clock()
            self.elapsed = now - start
            # Statuses are server text: escaped before they reach a message.
            current = printable(str(describe(value)))
            if not statuses or statuses[-1] != current:
                statuses.append(current)
                if self._debug:
                    self._debug('waiting for %s: %s after %.1fs' % (what, current, self.elapsed))
            if done(value):
                return value
            reason = failed(value) if failed is not None else None
            if reason:
                raise ConvoxWaitFailed('%s while waiting for %s (status %s after %.0fs)' % (reason, what, current, self.elapsed),
                                       status=current, statuses=statuses, value=value, elapsed=self.elapsed)
            if now >= deadline:
                raise ConvoxWaitTimeout('timed out after %ss waiting for %s; last status: %s' % (_seconds(self.stated_timeout), what, current),
                                        status=current, statuses=statuses, value=value, elapsed=self.elapsed)
            if act is not None:
                act(value)
            # The last wait ends at the deadline, so the final poll sees the state at timeout.
            self._sleep(max(0.0, min(next(pauses), deadline - now)))


def _seconds(value):
    return ('%d' % value) if float(value).is_integer() else ('%g' % value)
