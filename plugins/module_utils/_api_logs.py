# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for logs: app, build, service and process log streams (convox-api.md 2.1, 2.2, 2.4, 2.5).

All four are websockets whose options are headers (``Since`` a Go duration, ``Follow``, ``Prefix``,
``Filter``). Every call here reads RECENT logs and ends: ``timeout`` bounds the read, ``keep`` the lines
kept (the last ones). How each route treats the options, as the rack's code does:

=============  ==============================  ============================  =========================
route          lines                           ``Since``                     ends
=============  ==============================  ============================  =========================
app            every process of the app,       from now - Since              ``Follow: false``: after
               one-offs and builder pods too                                 the lines there are
service        the service's current pods      the last Since (whole s)      ``Follow: false``: same
               (no one-offs); Filter ignored
process        that process                    now + Since (!): so the       never while the process
                                               negative duration is sent     runs (Follow ignored):
                                                                             at ``timeout``; when the
                                                                             process is deleted
build          the builder's log (stored once  not used                      at the end of the log
               the build ended)                                              (running: at the build's)
=============  ==============================  ============================  =========================

``Prefix: true`` is sent where the rack supports it, so every log line carries the time and the
process it came from and an ``ERROR:`` frame can only be the rack's error. A build log has no prefix
and its last line is often the builder's own ``ERROR: ...``: there every frame is content.

A process's log stream also carries the rack's own status lines, without a prefix (provider/k8s
streamProcessLogs): ``waiting for build pod...`` every second while the pod does not exist - for ten
minutes, so for a one-off deleted after it ended (a few seconds later on v3) it is the end of its log -,
and ``waiting for build pod to be scheduled...`` while it is pending, which is left out.
"""

from __future__ import annotations

import re

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, encode_duration

# Prefix: true on app and process logs: "<RFC 3339 time> service/<service>/<process> <line>".
_STREAM_PREFIX = re.compile(r'^(?P<time>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9:]+)) '
                            r'(?P<kind>[a-z]+)/(?P<service>[^/ ]+)/(?P<process>[^ ]+)(?: (?P<message>.*))?\Z', re.DOTALL)
# Service logs (kubectl --prefix --timestamps): "[pod/<process>/<container>] <time> <line>".
_POD_PREFIX = re.compile(r'^\[pod/(?P<process>[^/\]]+)/[^\]]*\] (?P<time>[0-9]{4}-[0-9]{2}-[0-9]{2}T\S+)(?: (?P<message>.*))?\Z', re.DOTALL)


# streamProcessLogs' status lines (never prefixed): the pod does not exist (any more), is pending, never started.
POD_GONE = 'waiting for build pod...'
POD_PENDING = 'waiting for build pod to be scheduled...'
POD_NEVER_STARTED = 'build pod did not start within 10 minutes'


def _pod_status(line):
    if line == POD_GONE or line.startswith(POD_NEVER_STARTED):
        return 'end'
    if line == POD_PENDING:
        return 'skip'
    return None


class LogRead:
    """Recent log lines of one stream: ``entries`` (dicts with ``time``, ``service``, ``process`` and
    ``message``; None where the line did not say), ``lines`` (the messages), ``total`` (lines read),
    ``truncated`` (older lines were dropped to keep the last ones) and ``complete`` (the stream ended by
    itself; False when ``timeout`` ended the read). ``gone``: a process's log ended because the rack no
    longer has the process (the rack's ``waiting for build pod...``)."""

    def __init__(self, entries, total, complete, gone=False):
        self.entries = entries
        self.total = total
        self.complete = complete
        self.gone = gone

    @property
    def lines(self):
        return [entry['message'] for entry in self.entries]

    @property
    def truncated(self):
        return self.total > len(self.entries)


def _entry(line, pattern, service=None):
    match = pattern.match(line) if pattern is not None else None
    if match is None:
        return dict(time=None, service=service, process=None, message=line)
    fields = match.groupdict()
    return dict(time=fields['time'], service=fields.get('service') or service, process=fields['process'],
                message=fields['message'] or '')


class LogsAPI:
    """Log streams, read recent and bounded. A mixin of ``ConvoxClient``."""

    def _read_log(self, path, headers, timeout, keep, pattern, service=None, rack_errors=True, status=None):
        with self.open_stream(path, headers=headers, timeout=timeout) as stream:
            capture = stream.read_lines(keep=keep, rack_errors=rack_errors, status=status)
        return LogRead([_entry(line, pattern, service) for line in capture.lines], capture.total, capture.complete,
                       gone=capture.ended_by is not None)

    def app_logs(self, app, since=None, filter=None, timeout=None, keep=None):
        """The app's logs from the last ``since`` seconds (rack default 2 minutes), ``filter`` a CloudWatch pattern."""
        headers = {'Follow': False, 'Prefix': True, 'Since': encode_duration(since), 'Filter': filter}
        return self._read_log(api_path('apps', app, 'logs'), headers, timeout, keep, _STREAM_PREFIX)

    def build_logs(self, app, id, timeout=None, keep=None):
        """A build's log: the stored log of a finished build, the builder's output while it runs."""
        return self._read_log(api_path('apps', app, 'builds', id, 'logs'), {'Follow': False}, timeout, keep, None, rack_errors=False)

    def service_logs(self, app, service, since=None, timeout=None, keep=None):
        """The logs of a service's current processes from the last ``since`` seconds (one-off processes are not included)."""
        headers = {'Follow': False, 'Prefix': True, 'Since': encode_duration(since)}
        return self._read_log(api_path('apps', app, 'services', service, 'logs'), headers, timeout, keep, _POD_PREFIX, service=service)

    def process_logs(self, app, pid, since=None, timeout=None, keep=None):
        """One process's logs from the last ``since`` seconds; while it runs, what it writes until ``timeout``.

        The rack adds ``Since`` to the current time (provider/k8s), so "the last 10 minutes" is sent as
        ``-600s``; it follows the process until it ends, whatever ``Follow`` says.
        """
        headers = {'Follow': False, 'Prefix': True, 'Since': encode_duration(since, back=True)}
        return self._read_log(api_path('apps', app, 'processes', pid, 'logs'), headers, timeout, keep, _STREAM_PREFIX, status=_pod_status)
