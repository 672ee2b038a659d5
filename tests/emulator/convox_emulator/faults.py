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

Validation: ``status`` is an int 100..599, ``retry_after`` an int or a string, ``headers`` an object of
strings; anything else makes ``POST /_emulator/faults`` answer 400 with the reason.
"""

import asyncio
import re

from aiohttp import web

from .routing import DROPPED_KEY

_DEFAULT_TRUNCATED_BODY = '[\n  {\n    "name": "trunc'
_TRUNCATE_MISSING_BYTES = 1024
_KNOWN_KEYS = {'method', 'path', 'status', 'times', 'retry_after', 'delay', 'reset', 'truncate', 'body', 'content_type', 'headers'}


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
        if self.status is None and not (self.reset or self.delay):
            raise FaultSpecError('a fault needs a status, reset, truncate or delay')

    @staticmethod
    def _number(spec, key, kind, default=None):
        value = spec.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FaultSpecError('%s must be a number' % key)
        return kind(value)

    def matches(self, method, path):
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

    def take(self, method, path):
        """The first fault matching the request, with one use consumed; None when there is none."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
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
