# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Injected faults (``POST /_emulator/faults``): what networks and gateways do to real clients.

A fault is ``{"method", "path" (regex, searched), "status", "times", "retry_after", "delay",
"reset", "truncate", "body", "content_type", "headers"}``. It matches before authentication and
routing. ``times`` defaults to 1; ``null`` means every matching request. A fault with only a
``delay`` slows the request down and then lets it through. Otherwise the emulator answers:

- ``reset``: the connection is closed without a response (after ``delay``);
- ``truncate``: headers announce more bytes than ``body`` holds, then the connection closes;
- else ``status`` with ``body`` (default empty), ``Retry-After`` from ``retry_after``.

Websocket faults only match upgrade requests to websocket routes (and are consumed only by them); the
upgrade succeeds and the stream then goes wrong (websockets.py acts them out):

- ``ws_cut``: ``true`` drops the connection (no close frame, no EOF frame) where the exit marker would be
  sent, or the EOF frame on routes without a marker; an integer N drops it after N text frames (marker
  pieces count, so with ``ws_split_marker`` it can fall inside the marker);
- ``ws_split_marker``: an integer of at least 2: the marker line is sent as that many text frames of
  (nearly) equal size (the last one shorter).

They combine with ``delay`` (before the upgrade), ``method``, ``path`` and ``times``, not with the
response fields.

Validation: ``status`` is an int 100..599, ``retry_after`` an int or a string, ``headers`` an object of
strings; anything else makes ``POST /_emulator/faults`` answer 400 with the reason.
"""

import asyncio
import re

from aiohttp import web

from .routing import DROPPED_KEY

_DEFAULT_TRUNCATED_BODY = '[\n  {\n    "name": "trunc'
_TRUNCATE_MISSING_BYTES = 1024
_KNOWN_KEYS = {'method', 'path', 'status', 'times', 'retry_after', 'delay', 'reset', 'truncate', 'body', 'content_type', 'headers', 'ws_cut',
               'ws_split_marker'}
_WS_KEYS = ('ws_cut', 'ws_split_marker')
_RESPONSE_KEYS = ('status', 'retry_after', 'reset', 'truncate', 'body', 'content_type', 'headers')


class FaultSpecError(ValueError):
    """A fault description that cannot be used; the message says which field."""


def _check_types(spec):
    """The response fields a client could get subtly wrong: each with its accepted type, or FaultSpecError."""
    status = spec.get('status')
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise FaultSpecError('status must be an integer from 100 to 599, got %r' % (status,))
    retry_after = spec.get('retry_after')
    if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, (int, str))):
        raise FaultSpecError('retry_after must be an integer or a string, got %r' % (retry_after,))
    content_type = spec.get('content_type')
    if content_type is not None and not isinstance(content_type, str):
        raise FaultSpecError('content_type must be a string, got %r' % (content_type,))
    headers = spec.get('headers')
    if headers is not None and (not isinstance(headers, dict) or not all(isinstance(name, str) and isinstance(item, str) for name, item in headers.items())):
        raise FaultSpecError('headers must be an object of string names to string values, got %r' % (headers,))


def _check_websocket(spec):
    """The websocket fields: ws_cut true or a count, ws_split_marker a count of at least 2, and no response fields with them."""
    cut = spec.get('ws_cut')
    if cut is not None and cut is not True and (isinstance(cut, bool) or not isinstance(cut, int) or cut < 0):
        raise FaultSpecError('ws_cut must be true or a number of text frames (0 or more), got %r' % (cut,))
    split = spec.get('ws_split_marker')
    if split is not None and (isinstance(split, bool) or not isinstance(split, int) or split < 2):
        raise FaultSpecError('ws_split_marker must be an integer of at least 2, got %r' % (split,))
    if any(spec.get(key) is not None for key in _WS_KEYS):
        clashing = [key for key in _RESPONSE_KEYS if spec.get(key) not in (None, False)]
        if clashing:
            raise FaultSpecError('websocket faults (ws_cut, ws_split_marker) cannot be combined with %s' % ', '.join(clashing))


class Fault:
    """One parsed fault description."""

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise FaultSpecError('each fault must be a JSON object')
        unknown = set(spec) - _KNOWN_KEYS
        if unknown:
            raise FaultSpecError('unknown fault fields: %s' % ', '.join(sorted(unknown)))
        self.spec = dict(spec)
        method = spec.get('method')
        self.method = None if method in (None, '', '*') else str(method).upper()
        try:
            self.path = re.compile(spec.get('path') or '')
        except re.error as exc:
            raise FaultSpecError('path is not a valid regular expression: %s' % exc) from None
        _check_types(spec)
        _check_websocket(spec)
        self.ws_cut = spec.get('ws_cut')
        self.ws_split_marker = spec.get('ws_split_marker')
        self.status = spec.get('status')
        if 'times' in spec and spec['times'] is None:
            self.times = None
        else:
            self.times = self._number(spec, 'times', int, 1)
            if self.times < 1:
                raise FaultSpecError('times must be at least 1 (null: unlimited)')
        self.retry_after = spec.get('retry_after')
        self.delay = self._number(spec, 'delay', float, 0.0)
        self.reset = bool(spec.get('reset', False))
        self.truncate = bool(spec.get('truncate', False))
        body = spec.get('body')
        self.body = body.encode('utf-8') if isinstance(body, str) else body
        self.content_type = spec.get('content_type')
        self.headers = dict(spec.get('headers') or {})
        if self.body is not None and not isinstance(self.body, bytes):
            raise FaultSpecError('body must be a string')
        if self.truncate and self.status is None:
            self.status = 200
        if self.status is None and not (self.reset or self.delay or self.websocket):
            raise FaultSpecError('a fault needs a status, reset, truncate, delay, ws_cut or ws_split_marker')

    @property
    def websocket(self):
        """A fault acted out on an upgraded websocket stream (it only matches websocket requests)."""
        return self.ws_cut is not None or self.ws_split_marker is not None

    @staticmethod
    def _number(spec, key, kind, default=None):
        value = spec.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FaultSpecError('%s must be a number' % key)
        return kind(value)

    def matches(self, method, path, websocket=False):
        if self.websocket and not websocket:
            return False
        return (self.method is None or self.method == method) and self.path.search(path) is not None


class FaultSet:
    """The active faults, consumed in the order they were added."""

    def __init__(self, lock):
        self._lock = lock
        self._faults = []

    def add(self, specs):
        if not isinstance(specs, list):
            raise FaultSpecError('expected a JSON list of faults')
        parsed = [Fault(spec) for spec in specs]
        with self._lock:
            self._faults.extend(parsed)
        return len(parsed)

    def take(self, method, path, websocket=False):
        """The first fault matching the request (``websocket``: an upgrade to a websocket route), with one use consumed; or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, websocket):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def pending(self):
        with self._lock:
            return [dict(fault.spec, times=fault.times) for fault in self._faults]

    def clear(self):
        with self._lock:
            self._faults = []


def drop_connection(request):
    """Close the connection with no response. aiohttp then fails to send the returned placeholder and gives up quietly."""
    request[DROPPED_KEY] = True
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=500)


async def apply(fault, request):
    """Act out ``fault``; returns the response to send, or None to let the request through."""
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if fault.reset:
        return drop_connection(request)
    if fault.status is None:
        # A delay only, or a websocket fault that the stream acts out after the upgrade.
        return None
    headers = dict(fault.headers)
    if fault.retry_after is not None:
        headers['Retry-After'] = str(fault.retry_after)
    if fault.content_type:
        headers['Content-Type'] = fault.content_type
    if fault.truncate:
        body = fault.body if fault.body is not None else _DEFAULT_TRUNCATED_BODY.encode('utf-8')
        response = web.StreamResponse(status=fault.status, headers=headers)
        response.content_length = len(body) + _TRUNCATE_MISSING_BYTES
        await response.prepare(request)
        await response.write(body)
        request.transport.close()
        return response
    return web.Response(status=fault.status, body=fault.body or b'', headers=headers)
