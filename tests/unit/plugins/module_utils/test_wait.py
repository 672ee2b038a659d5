# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The waiter on a fake clock: schedule, success, early failure, timeout, bounds."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxError
from ansible_collections.convox.convox.plugins.module_utils._wait import (
    MAX_INTERVAL,
    ConvoxWaitFailed,
    ConvoxWaitTimeout,
    Waiter,
)


class FakeClock:
    """A clock that only moves when the waiter sleeps; records every sleep."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def statuses_over_time(clock, timeline):
    """A read() returning the status of the last (start, status) whose start has passed."""
    start = clock.now
    reads = []

    def read():
        elapsed = clock.now - start
        current = [status for begin, status in timeline if begin <= elapsed][-1]
        reads.append((elapsed, current))
        return {'status': current}
    return read, reads


def waiter(clock, timeout=60, interval=None):
    return Waiter(timeout, interval, clock=clock.clock, sleep=clock.sleep)


def test_backoff_starts_soon_and_is_capped():
    clock = FakeClock()
    pauses = waiter(clock).intervals()
    schedule = [next(pauses) for step in range(12)]
    assert schedule[0] == 0.5
    assert all(later >= earlier for earlier, later in zip(schedule, schedule[1:]))
    assert max(schedule) == MAX_INTERVAL
    assert schedule[-1] == MAX_INTERVAL


def test_returns_the_value_that_satisfies_and_sees_the_end_soon():
    clock = FakeClock()
    read, reads = statuses_over_time(clock, [(0, 'updating'), (2.0, 'running')])
    value = waiter(clock).until(read, done=lambda app: app['status'] == 'running', status=lambda app: app['status'])
    assert value == {'status': 'running'}
    # Polls at 0, 0.5, 1.25, 2.375: the end (at 2.0) is seen 0.375 s late, not 5-10 s as the CLI does.
    assert [round(t, 3) for t, status in reads] == [0, 0.5, 1.25, 2.375]


def test_fixed_interval():
    clock = FakeClock()
    read, reads = statuses_over_time(clock, [(0, 'a'), (10, 'b')])
    waiter(clock, interval=3).until(read, done=lambda v: v['status'] == 'b')
    assert [t for t, status in reads] == [0, 3, 6, 9, 12]


def test_failure_predicate_stops_early_with_the_statuses_seen():
    clock = FakeClock()
    read, reads = statuses_over_time(clock, [(0, 'updating'), (1, 'rollback')])
    with pytest.raises(ConvoxWaitFailed) as raised:
        waiter(clock).until(read, done=lambda v: v['status'] == 'running', status=lambda v: v['status'],
                            failed=lambda v: 'the deploy failed' if v['status'] == 'rollback' else None, what='app x')
    error = raised.value
    assert isinstance(error, ConvoxError)
    assert error.status == 'rollback'
    assert error.statuses == ['updating', 'rollback']
    assert error.facts == {'last_status': 'rollback', 'statuses': ['updating', 'rollback']}
    assert str(error).startswith('the deploy failed while waiting for app x (status rollback')
    assert clock.now - 1000.0 < 2


def test_timeout_polls_at_the_deadline_and_reports_the_last_status():
    clock = FakeClock()
    read, reads = statuses_over_time(clock, [(0, 'updating')])
    with pytest.raises(ConvoxWaitTimeout) as raised:
        waiter(clock, timeout=30).until(read, done=lambda v: False, status=lambda v: v['status'], what='app x to be running')
    assert reads[-1][0] == pytest.approx(30)
    assert clock.now - 1000.0 == pytest.approx(30)
    assert str(raised.value) == 'timed out after 30s waiting for app x to be running; last status: updating'
    assert raised.value.status == 'updating'


def test_a_one_minute_wait_costs_few_requests():
    clock = FakeClock()
    read, reads = statuses_over_time(clock, [(0, 'updating'), (60, 'running')])
    waiter(clock, timeout=120).until(read, done=lambda v: v['status'] == 'running')
    # The CLI costs 12 polls a minute (every 5 s after a 5 s sleep) and sees the end up to 5 s late;
    # backing off to 3 s costs about twice as many and sees it at most 3 s late.
    assert len(reads) <= 25
    assert reads[-1][0] - 60 <= MAX_INTERVAL


def test_timeout_zero_reads_once():
    clock = FakeClock()
    read, reads = statuses_over_time(clock, [(0, 'updating')])
    with pytest.raises(ConvoxWaitTimeout):
        waiter(clock, timeout=0).until(read, done=lambda v: False)
    assert len(reads) == 1
    assert clock.sleeps == []


def test_errors_of_the_read_propagate():
    clock = FakeClock()

    def read():
        raise ConvoxError('the rack is gone')
    with pytest.raises(ConvoxError, match='the rack is gone'):
        waiter(clock).until(read, done=lambda v: True)


def test_act_runs_on_each_pending_value_before_the_pause_and_the_next_read_sees_it():
    clock = FakeClock()
    store = {'value': 0}
    acted = []

    def act(value):
        acted.append((clock.now - 1000.0, value))
        store['value'] += 1
    result = waiter(clock).until(lambda: store['value'], done=lambda value: value >= 2, act=act)
    assert result == 2
    # Acted at once on 0 and, after the first pause, on 1; never on the value that satisfied.
    assert acted == [(0.0, 0), (0.5, 1)]
    assert clock.sleeps == [0.5, 0.75]


def test_act_never_runs_on_a_failed_value_nor_after_the_deadline():
    clock = FakeClock()
    acted = []
    with pytest.raises(ConvoxWaitFailed):
        waiter(clock).until(lambda: 'bad', done=lambda value: False, failed=lambda value: 'no use', act=acted.append)
    assert acted == []
    with pytest.raises(ConvoxWaitTimeout):
        waiter(clock, timeout=1).until(lambda: 'pending', done=lambda value: False, act=acted.append)
    # Reads at 0, 0.5 and 1 (the deadline): the last one is not acted on.
    assert acted == ['pending', 'pending']


def test_errors_of_act_propagate():
    clock = FakeClock()

    def act(value):
        raise ConvoxError('the write was refused')
    with pytest.raises(ConvoxError, match='the write was refused'):
        waiter(clock).until(lambda: 0, done=lambda value: False, act=act)


@pytest.mark.parametrize('timeout', [-1, 86401, float('nan'), None, True, 'x'])
def test_timeout_bounds(timeout):
    with pytest.raises(ConvoxConfigError, match='wait_timeout must be a number of seconds from 0 to 86400'):
        Waiter(timeout)


@pytest.mark.parametrize('interval', [0, 0.05, 301, float('inf'), float('nan')])
def test_interval_bounds(interval):
    with pytest.raises(ConvoxConfigError, match='wait_interval must be'):
        Waiter(10, interval)


def test_a_waiter_for_what_is_left_quotes_the_whole_timeout():
    clock = FakeClock()
    whole = waiter(clock, timeout=30)
    started = whole.now()
    clock.sleep(25)
    rest = whole.remaining(started)
    assert rest.timeout == pytest.approx(5)
    read, reads = statuses_over_time(clock, [(0, 'running')])
    with pytest.raises(ConvoxWaitTimeout) as raised:
        rest.until(read, done=lambda v: False, status=lambda v: v['status'], what='build B')
    assert str(raised.value) == 'timed out after 30s waiting for build B; last status: running'
    assert clock.now - 1000.0 == pytest.approx(30)
