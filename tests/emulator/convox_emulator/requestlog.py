# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The request log behind ``GET /_emulator/requests``: what clients sent, never their secrets.

Tests count requests (a no-op module run makes one read and no write) and check what went on
the wire: method, path, query, the names (not values) of form fields, a few headers, status.
Query values whose names look secret are masked (DESIGN.md 6: the log never holds a secret).
"""

import base64
import binascii
import copy

# Headers worth asserting on. Authorization is reduced to its user name.
LOGGED_HEADERS = ('Rack', 'Accept', 'User-Agent', 'Content-Type', 'Version', 'X-Convox-Actor', 'Convox-Actor')
# Options that travel as headers (convox-api.md 1.5): process run/exec and log options, and what a websocket upgrade
# carries. Command is logged as sent, so tests can check a holder's ``sleep <timeout>`` and the command exec'd.
OPTION_HEADERS = ('Command', 'Entrypoint', 'Tty', 'Disable-Stdin', 'Height', 'Width', 'Release', 'Filter', 'Follow', 'Maxlogrequests', 'Prefix',
                  'Since', 'Previous', 'Tail', 'Upgrade', 'Origin')
# A query parameter whose name contains one of these (case-insensitive) has its value masked.
# Passwords (registries), keys (certificate ``key``, v2's ``private``), config ``value``s, tokens, credentials, env.
SECRET_NAME_PARTS = ('password', 'pass', 'token', 'secret', 'key', 'value', 'env', 'private', 'auth', 'cred')
MASK = '********'


def authorization_user(header):
    """The Basic user name ("convox", "jwt", ...) or the scheme for anything else; never the secret."""
    if not header:
        return None
    scheme, _sep, credentials = header.partition(' ')
    if scheme.lower() != 'basic':
        return scheme
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode('utf-8', errors='replace')
    except (binascii.Error, ValueError):
        return ''
    user, sep, _password = decoded.partition(':')
    # Without a colon the whole credential may be a secret (a pasted token): log nothing of it.
    return user if sep else ''


def looks_secret(name):
    lowered = name.lower()
    return any(part in lowered for part in SECRET_NAME_PARTS)


def masked_query(query):
    """The query dict with the values of secret-looking names replaced by MASK (lists keep their length)."""
    masked = {}
    for name, value in query.items():
        if not looks_secret(name):
            masked[name] = value
        elif isinstance(value, list):
            masked[name] = [MASK] * len(value)
        else:
            masked[name] = MASK
    return masked


def selected_headers(headers):
    selected = {name: headers[name] for name in LOGGED_HEADERS + OPTION_HEADERS if name in headers}
    if 'Authorization' in headers:
        selected['Authorization'] = authorization_user(headers['Authorization'])
    return selected


class RequestLog:
    """Entries in arrival order; an entry's status is filled in when its response is known."""

    def __init__(self, lock):
        self._lock = lock
        self._entries = []

    def start(self, request, params):
        """A new entry for an aiohttp request and its Params: ``path`` is decoded (what the rack routes on), ``raw_path`` as sent (``%2F`` kept)."""
        entry = {'method': request.method, 'path': request.path, 'raw_path': request.raw_path.partition('?')[0], 'query': masked_query(params.query_dict()),
                 'form': params.body_field_names(), 'headers': selected_headers(request.headers), 'status': None, 'fault': False}
        with self._lock:
            self._entries.append(entry)
        return entry

    def finish(self, entry, status, fault=False):
        with self._lock:
            entry['status'] = status
            entry['fault'] = fault

    def entries(self):
        with self._lock:
            return copy.deepcopy(self._entries)

    def clear(self):
        with self._lock:
            self._entries = []
