# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""How a build is recognised again, and what it logged.

A build made from a source is recognised by a *build digest*: SHA-256 over the source's
content digest (``_source.ContentDigest``; for a ``url`` source, the URL) and the options that
change what is built (manifest file, development, build args). The rack keeps it for us in
the build's description, which every build list shows: ``<description> [convox.convox
sha256:<digest>]``. ``find_build`` looks for it among the newest builds of the app.

An imported build gets its description from the export, so an import is recognised by a small
app object instead: ``convox.convox/imports/<sha256 of the file>`` holding the new build's id.

What a build logged is read from its ``logs`` object once it has one (``log_tail``). While it
runs, the rack streams the builder's output over the build log websocket, as ``convox build``
shows it (``streamed_log_tail``): that tail stands in when a failed build's object is not there
(yet), and needs the websocket-client library.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxError, ConvoxNotFoundError
from ansible_collections.convox.convox.plugins.module_utils._websocket import HAS_WEBSOCKET
from ansible_collections.convox.convox.plugins.module_utils._wire import parse_object_url

# How many of the newest builds are searched for an identical one (one request).
BUILD_LOOKBACK = 50
DEFAULT_MANIFEST = 'convox.yml'
# Builds that are, or may still become, what an identical source would give; a failed build is not.
REUSABLE_STATUSES = ('created', 'running', 'complete')
IMPORT_MARKER_PREFIX = 'convox.convox/imports/'
_MARKER = re.compile(r'\[convox\.convox sha256:([0-9a-f]{64})\]')


def build_digest(source_digest, manifest=None, development=False, build_args=None):
    """The digest that identifies a build: its source and the options that change its result.

    ``build_args`` are the ``KEY=VALUE`` strings sent to the rack (their order does not matter).
    """
    identity = dict(
        version=1,
        source=source_digest,
        manifest=manifest or DEFAULT_MANIFEST,
        development=bool(development),
        build_args=sorted(build_args or ()),
    )
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode('utf-8')).hexdigest()


def url_digest(url):
    """The source digest of a ``url`` source: the URL itself (the rack fetches it; its bytes are not seen here)."""
    return hashlib.sha256(('url:%s' % url).encode('utf-8')).hexdigest()


def marker(digest):
    return '[convox.convox sha256:%s]' % digest


def described(description, digest):
    """The description sent with a build: the user's text (if any), then the digest marker."""
    return '%s %s' % (description, marker(digest)) if description else marker(digest)


def digest_of(build):
    """The build digest recorded in a build's description, or None."""
    found = _MARKER.findall((build or {}).get('description') or '')
    return found[-1] if found else None


def find_build(builds, digest):
    """The newest build recorded with ``digest`` that is complete or still running, or None."""
    return next((build for build in builds or []
                 if digest_of(build) == digest and build.get('status') in REUSABLE_STATUSES), None)


def import_marker_key(file_digest):
    return IMPORT_MARKER_PREFIX + file_digest


def encode_import_marker(build_id):
    return json.dumps(dict(build=build_id)).encode('utf-8')


def decode_import_marker(data):
    """The build id an import marker holds, or None when it holds something else."""
    try:
        value = json.loads(data.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        return None
    build_id = value.get('build') if isinstance(value, dict) else None
    return build_id if isinstance(build_id, str) and build_id else None


def log_tail(client, build, lines=None):
    """The last ``lines`` lines of a build's log (all of it when None), read from its ``logs`` object.

    [] when the build has no log yet (or its object is gone). The log is streamed: with ``lines``
    only the tail is kept, whatever the log's size.
    """
    if lines == 0 or not (build or {}).get('logs'):
        return []
    try:
        app, key = parse_object_url(build['logs'])
    except ConvoxConfigError:
        return []
    try:
        return list(collections.deque(client.object_lines(app, key), maxlen=lines))
    except ConvoxNotFoundError:
        # An imported build keeps the logs URL of the rack it came from.
        return []


def streamed_log_tail(client, app, build_id, lines, timeout):
    """The last ``lines`` lines the builder writes, read from the build log stream until the builder
    ends or ``timeout`` seconds pass; None when the stream cannot be read (no websocket library, a
    console or proxy that does not pass websockets, a rack error): the object then has to do."""
    if lines == 0 or not HAS_WEBSOCKET or timeout <= 0:
        return None
    try:
        return client.build_logs(app, build_id, timeout=timeout, keep=lines).lines
    except ConvoxError:
        return None


def failure_reason(tail):
    """The builder's error line (``ERROR: ...``), the last line, or None."""
    errors = [line for line in tail if line.startswith('ERROR:')]
    if errors:
        return errors[-1][len('ERROR:'):].strip()
    return tail[-1].strip() if tail else None
