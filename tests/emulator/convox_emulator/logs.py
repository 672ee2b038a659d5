# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What processes write, and where the log routes find it (the routes are areas/logs.py).

Every process (``state.Process``) may carry ``output``: (timestamp_ns, line) entries, the container's
stdout and stderr as the kubelet records them. They are decided when the process is created (a
service process writes one start line, a one-off process what its command prints, a builder pod the
build's log), so entries can lie in the future; readers show only those whose time has come, and none
after the process was stopped (``stopped_ns``).

- Pod logs (process and service log routes, provider/k8s) read the current pods.
- The app's log group (app log route, the v3 AWS overlay's CloudWatch group ``/convox/<rack>/<app>``,
  fed by fluentd with the stream ``service/<service>/<pod>``) keeps every pod that ever ran in the
  app, stopped or deleted ones included, and outlives the app (the rack never deletes the group).
  The group exists from the app's first log line on.

Formats: ``rfc3339`` (seconds), ``kubelet_time`` (RFC 3339 with 9 fraction digits),
``filter_matcher`` (a CloudWatch filter pattern, text forms only).
"""

import re
import time

EXTENSION_KEY = 'logs'
_NANOS = 1000000000
# What an emulated service process writes when it starts (the emulator runs no application code).
SERVICE_START_LINE = 'emulator: %(service)s process %(pid)s started (release %(release)s)'


class LogStore:
    """Per app: every process that may have written to the app's log group, in creation order."""

    def __init__(self):
        self.sources = {}

    def add(self, app, process):
        self.sources.setdefault(app, []).append(process)

    def group_exists(self, app, now_ns):
        return any(visible_output(process, now_ns) for process in self.sources.get(app, ()))

    def events(self, app, start_ns, now_ns):
        """(timestamp_ns, key, stream, line) of the group's events from ``start_ns`` on, oldest first; ``key`` identifies an event."""
        found = []
        for number, process in enumerate(self.sources.get(app, ())):
            stream = 'service/%s/%s' % (process.service or process.name, process.id)
            for index, (stamp, line) in enumerate(visible_output(process, now_ns)):
                if stamp >= start_ns:
                    found.append((stamp, (number, index), stream, line))
        found.sort(key=lambda event: (event[0], event[1]))
        return found


def store_of(state):
    return state.extensions.setdefault(EXTENSION_KEY, LogStore())


def register(state, process):
    """``process`` writes to its app's log group (call when it is created; under the state lock)."""
    store_of(state).add(process.app, process)


def visible_output(process, now_ns):
    """The entries of ``process`` written by ``now_ns`` (and before it was stopped)."""
    until = now_ns if process.stopped_ns is None else min(now_ns, process.stopped_ns)
    return [(stamp, line) for stamp, line in process.output or () if stamp <= until]


def kubelet_time(nanos):
    """The timestamp the kubelet puts before a line with ``timestamps=true``: RFC 3339 with nine fraction digits."""
    return '%s.%09dZ' % (time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(nanos // _NANOS)), nanos % _NANOS)


def rfc3339(nanos):
    """Go ``time.Format(time.RFC3339)`` in UTC: whole seconds (the app log route's CloudWatch timestamps are milliseconds)."""
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(nanos // _NANOS))


_TERM_RE = re.compile(r'([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def filter_matcher(pattern):
    """A predicate for a CloudWatch Logs filter pattern, the unstructured text forms:

    terms separated by blanks must all occur (case-sensitive), ``"quoted phrases"`` as written,
    ``?term`` alternatives (at least one of them must occur), ``-term`` exclusions; an empty pattern
    matches everything. JSON (``{ ... }``), space-delimited (``[ ... ]``) and ``%regex%`` patterns are
    not emulated: they match nothing.
    """
    text = (pattern or '').strip()
    if not text:
        return lambda _line: True
    if text[0] in '{[' or (text.startswith('%') and text.endswith('%') and len(text) > 1):
        return lambda _line: False
    required, alternatives, excluded = [], [], []
    for match in _TERM_RE.finditer(text):
        sign, quoted, bare = match.groups()
        term = re.sub(r'\\(.)', r'\1', quoted) if quoted is not None else bare
        {'': required, '?': alternatives, '-': excluded}[sign].append(term)

    def matches(line):
        if any(term not in line for term in required):
            return False
        if alternatives and not any(term in line for term in alternatives):
            return False
        return not any(term in line for term in excluded)
    return matches
