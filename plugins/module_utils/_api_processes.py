# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for processes: list, get, stop, run, exec (convox-api.md section 2.5).

Wire details: a one-off run takes its options as request HEADERS (``Environment`` as one encoded map),
and makes a new process each time (never sent twice). Exec is a websocket (``_websocket``): its options
are headers too, except that the rack also reads the command from the query, which carries what a
header cannot (a multi-line script). v3 racks answer a missing process with 500 ``pods "<id>" not
found`` (no 404), v2 racks with 404 ``process not found: <id>``: ``process_find`` and ``process_stop``
turn both into "gone".
"""

from __future__ import annotations

import re

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxAPIError
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, check_name

# The rack's answers for a process that does not exist (v3: a raw Kubernetes error; v2: a typed 404).
_V3_MISSING = re.compile(r'^pods "[^"]*" not found$')
_V2_MISSING = 'process not found'


def process_missing(error):
    """True when ``error`` is the rack saying the process does not exist (not that its app does not)."""
    if not isinstance(error, ConvoxAPIError):
        return False
    if error.status_code == 500:
        return bool(_V3_MISSING.match(error.message))
    return error.status_code == 404 and error.message.startswith(_V2_MISSING)


def _header_safe(text):
    """Printable ASCII: a header carries it byte for byte; anything else goes in the query, percent-encoded UTF-8."""
    return all(32 <= ord(ch) < 127 for ch in text)


class ProcessesAPI:
    """Processes of an app. A mixin of ``ConvoxClient``."""

    def process_list(self, app, service=None, release=None):
        """The app's processes (service processes, one-off runs and timers), optionally of one service or release.

        ``service`` and ``release`` are query options: the rack filters on its pod labels.
        """
        params = dict(
            service=check_name('service', service) if service is not None else None,
            release=check_name('release', release) if release is not None else None,
        )
        return self.get_json(api_path('apps', app, 'processes'), params=params)

    def process_get(self, app, pid):
        return self.get_json(api_path('apps', app, 'processes', pid))

    def process_find(self, app, pid):
        """The process, or None when the rack says it does not exist (an ended one-off is deleted soon after)."""
        try:
            return self.process_get(app, pid)
        except ConvoxAPIError as error:
            if process_missing(error):
                return None
            raise

    def process_stop(self, app, pid, missing_ok=False):
        """Stop (delete) a process. With ``missing_ok`` a process that is already gone returns False, else True."""
        try:
            self.request('DELETE', api_path('apps', app, 'processes', pid))
        except ConvoxAPIError as error:
            if missing_ok and process_missing(error):
                return False
            raise
        return True

    def process_run(self, app, service, command=None, environment=None, release=None, cpu=None, memory=None):
        """Run a one-off process of ``service`` (detached), as ``convox run --detach``: returns the Process.

        ``environment`` (a dict) is added to the release's env for this process only; ``cpu`` is in
        millicores, ``memory`` in MiB. Never sent twice: each call starts a process.
        """
        headers = {
            'Command': command,
            'Cpu': cpu,
            'Environment': dict(environment) if environment else None,
            'Memory': memory,
            'Release': check_name('release', release) if release else None,
        }
        path = api_path('apps', app, 'services', service, 'processes')
        return self.request('POST', path, headers=headers, idempotent=False).json()

    def process_exec(self, app, pid, command, timeout=None, entrypoint=None, tty=False, disable_stdin=True):
        """Run ``command`` in a running process over the exec websocket: ``ExecResult(code, output)``.

        ``pid`` may also name a service (the rack picks one of its processes). ``tty=False`` keeps the
        output as written (the rack's default TTY turns ``\\n`` into ``\\r\\n``); ``disable_stdin`` because
        on v3 the command would never see the end of its input. ``timeout`` bounds the whole stream. Raises
        what ``RackStream.read_exec`` raises: an exit code comes only from the rack's marker.
        """
        headers = {'Entrypoint': entrypoint, 'Tty': tty, 'Disable-Stdin': disable_stdin}
        params = None
        if _header_safe(command):
            headers['Command'] = command
        else:
            # A header cannot hold line breaks (nor, portably, non-ASCII); the rack reads the command as a form value first.
            params = {'command': command}
        path = api_path('apps', app, 'processes', pid, 'exec')
        with self.open_stream(path, headers=headers, params=params, timeout=timeout, acts=True) as stream:
            return stream.read_exec()
