# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The attached run (``_run.run_attached``) against the emulator: the holder is stopped in every case.

Each test reads the emulator's request log: the holder ``POST``, the waits, the exec upgrade, and the
``DELETE`` of the holder, whatever happened in between.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxServerError, ConvoxStreamCutError, ConvoxStreamError
from ansible_collections.convox.convox.plugins.module_utils._run import holder_command, output_facts, run_attached
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.module_utils._wait import ConvoxWaitFailed, ConvoxWaitTimeout, Waiter


@pytest.fixture
def client(rack, deploy):
    deploy(rack)
    rack.clear_requests()
    with ConvoxClient(ConnectionSettings(rack.url, rack.password, timeout=5)) as connected:
        yield connected


def waiter(timeout=10):
    return Waiter(timeout, interval=0.1)


def calls(rack):
    """The request log as (method, path) pairs, the holder's polls folded into one."""
    folded = []
    for entry in rack.requests():
        pair = (entry['method'], entry['path'])
        if not folded or folded[-1] != pair or pair[0] != 'GET':
            folded.append(pair)
    return folded


def holder_of(rack):
    (run,) = [entry for entry in rack.requests() if entry['method'] == 'POST']
    return run


def assert_holder_stopped(rack, pid):
    log = calls(rack)
    assert log[-1] == ('DELETE', '/apps/demo/processes/%s' % pid), log


def test_the_convox_run_sequence(rack, client):
    run = run_attached(client, waiter(), 'demo', 'web', 'sh -c "echo migrated; exit 0"', 30, environment={'TOKEN': 'x'})
    assert (run.rc, run.output, run.process['status']) == (0, 'migrated\n', 'running')
    pid = run.process['id']
    assert calls(rack) == [('POST', '/apps/demo/services/web/processes'), ('GET', '/apps/demo/processes/%s' % pid),
                           ('GET', '/apps/demo/processes/%s/exec' % pid), ('DELETE', '/apps/demo/processes/%s' % pid)]
    post = holder_of(rack)
    assert post['headers']['Command'] == 'sleep 30' and 'Environment' not in post['headers']
    exec_request = [entry for entry in rack.requests() if entry['path'].endswith('/exec')][0]
    assert (exec_request['headers']['Tty'], exec_request['headers']['Disable-Stdin'], exec_request['headers']['Entrypoint']) == \
        ('false', 'true', 'true')
    assert run.facts() == dict(rc=0, stdout='migrated', stdout_lines=['migrated'], process=run.process)


def test_a_non_zero_code_is_a_result_and_the_holder_is_stopped(rack, client):
    run = run_attached(client, waiter(), 'demo', 'web', 'sh -c "echo failing; exit 3"', 30)
    assert (run.rc, run.output) == (3, 'failing\n')
    assert_holder_stopped(rack, run.process['id'])


def test_on_the_given_release(rack, client, deploy):
    newer = deploy(rack, manifest='services:\n  web:\n    build: .\n    port: 3000\n    environment:\n      - STAGE=new\n', promote=False)
    rack.clear_requests()
    run = run_attached(client, waiter(), 'demo', 'web', 'sh -c "echo $RELEASE $STAGE"', 30, release=newer)
    assert run.output == '%s new\n' % newer and run.process['release'] == newer
    assert holder_of(rack)['headers']['Release'] == newer


@pytest.mark.parametrize('fault, error_class, text', [
    ({'path': '/exec$', 'ws_cut': True}, ConvoxStreamCutError, 'exit code of the command is unknown'),
    ({'path': '/exec$', 'status': 500, 'body': 'exec broke'}, ConvoxServerError, 'exec broke'),
])
def test_a_failed_exec_stops_the_holder(rack, client, fault, error_class, text):
    rack.add_faults([fault])
    with pytest.raises(error_class) as caught:
        run_attached(client, waiter(), 'demo', 'web', 'sh -c "echo partial; exit 0"', 30)
    assert text in str(caught.value)
    assert caught.value.facts['rc'] is None
    assert_holder_stopped(rack, caught.value.facts['process']['id'])


def test_an_error_frame_after_a_marker_is_a_failure_with_no_rc(rack, client):
    with pytest.raises(ConvoxStreamError) as caught:
        run_attached(client, waiter(), 'demo', 'web', 'rake db:migrate', 30)
    assert caught.value.exit_code == 1 and caught.value.facts['rc'] is None
    assert 'executable file not found' in str(caught.value)
    assert_holder_stopped(rack, caught.value.facts['process']['id'])


def test_a_timeout_stops_the_holder_and_keeps_the_output(rack, client):
    started = time.monotonic()
    with pytest.raises(ConvoxWaitTimeout) as caught:
        run_attached(client, waiter(), 'demo', 'web', 'sh -c "echo started; sleep 60"', 2)
    assert time.monotonic() - started < 6
    assert 'timed out after 2s waiting for the command to finish' in str(caught.value)
    assert caught.value.facts['stdout'] == 'started' and caught.value.facts['rc'] is None
    assert holder_of(rack)['headers']['Command'] == 'sleep 2'
    assert_holder_stopped(rack, caught.value.facts['process']['id'])


def test_a_holder_that_never_runs_fails_the_wait_and_is_stopped(rack, client):
    # A holder that ends before it runs the command (here stopped by someone else while pending).
    stopper = ConvoxClient(ConnectionSettings(rack.url, rack.password, timeout=5))

    def stop_pending():
        pending = [entry for entry in rack.requests() if entry['method'] == 'POST']
        while not pending:
            time.sleep(0.01)
            pending = [entry for entry in rack.requests() if entry['method'] == 'POST']
        for process in stopper.process_list('demo'):
            if process['status'] == 'pending':
                stopper.process_stop('demo', process['id'])

    thread = threading.Thread(target=stop_pending)
    thread.start()
    try:
        with pytest.raises(ConvoxWaitFailed) as caught:
            run_attached(client, waiter(), 'demo', 'web', 'echo never', 30)
    finally:
        thread.join()
        stopper.close()
    assert 'is gone' in str(caught.value)
    # The stop of a holder that is already gone is not an error.
    assert calls(rack)[-1][0] == 'DELETE'


def test_sigterm_during_the_command_still_stops_the_holder(rack, client):
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.8, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        with pytest.raises(SystemExit):
            run_attached(client, waiter(), 'demo', 'web', 'sleep 30', 60)
    finally:
        timer.cancel()
    assert signal.getsignal(signal.SIGTERM) == before, 'the previous SIGTERM handler is back'
    posts = [entry for entry in rack.requests() if entry['method'] == 'POST']
    assert posts and calls(rack)[-1][0] == 'DELETE'


def test_a_holder_stop_that_fails_is_a_warning(rack, client):
    warnings = []
    rack.add_faults([{'method': 'DELETE', 'path': '/processes/', 'status': 500, 'body': 'cannot stop'}])
    run = run_attached(client, waiter(), 'demo', 'web', 'true', 30, warn=warnings.append)
    assert run.rc == 0
    assert len(warnings) == 1 and 'could not stop the holder process %s' % run.process['id'] in warnings[0]


def test_holder_command_and_output_facts():
    assert (holder_command(0.2), holder_command(600), holder_command(600.5)) == ('sleep 1', 'sleep 600', 'sleep 601')
    assert output_facts(None, 'a\r\nb\n\n', None) == dict(rc=None, stdout='a\r\nb', stdout_lines=['a', 'b'])
