# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""What went wrong with a request, and whether it may be sent again.

A transport failure of requests/urllib3 is classified by how much of the request can have
reached the rack (``classify_failure``), which decides, with the method's replay policy,
whether the transport may retry it.

Retries (``RetrySettings``). Each retry waits with exponential backoff and full jitter,
``uniform(0, min(backoff_max, backoff_base * 2 ** n))``, or what ``Retry-After`` asks, never
more than ``backoff_max``. Whether a failed attempt may be sent again depends on whether
the rack can have acted on it:

    ================================  ==============  ==============  ==================
    attempt failed with               GET/HEAD/OPTS   POST/PUT/DELETE idempotent=False
    ================================  ==============  ==============  ==================
    connection refused                retry           retry           retry
    DNS: temporary failure            retry           retry           retry
    DNS: no such host (NXDOMAIN)      -               -               -
    connect timeout                   retry           retry           -
    429 Too Many Requests             retry           retry           -
    502, 503, 504                     retry           -               -
    500                               retry_on_500    -               -
    read timeout, connection broken   retry           -               -
    TLS failure, any other status     -               -               -
    ================================  ==============  ==============  ==================

Whether the rack may have acted on a failed request (``ConvoxError.may_have_acted``, which
decides a task's ``changed``) follows the same facts: not when the connection was refused,
never opened, or the host name did not resolve, nor after a TLS failure; it may have when the
connection broke or timed out after the request went out.

``idempotent=True`` makes a request retry like a read; ``idempotent=False`` is for calls that
must never run twice (build create, release create, uploads). Every retry calls ``warn`` and
increments ``Transport.retry_count``.
"""

from __future__ import annotations

import email.utils
import http.client
import math
import socket
import ssl
import time

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConnectionError, ConvoxTimeoutError, ConvoxTLSError

try:
    import requests.exceptions
    import urllib3.exceptions
except ImportError:  # the transport refuses to start without requests (see _transport.HAS_REQUESTS)
    HAS_REQUESTS = False
else:
    HAS_REQUESTS = True

SAFE_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
GATEWAY_STATUSES = frozenset((502, 503, 504))

# What went wrong, ordered by how much of the request can have reached the server.
_REFUSED = 'refused'                  # no connection at all: nothing was sent
_UNKNOWN_HOST = 'unknown-host'        # the name does not exist: nothing was sent, retrying cannot help
_CONNECT_TIMEOUT = 'connect-timeout'  # the connection never opened: nothing was sent
_TLS = 'tls'                          # the certificate was refused: nothing was sent, retrying cannot help
_READ_TIMEOUT = 'read-timeout'        # sent, no answer in time: the rack may be acting on it
_BROKEN = 'broken'                    # sent, the connection broke: the rack may have acted on it

# The same kinds for other transports (the websocket streams classify their library's failures themselves).
REFUSED, CONNECT_TIMEOUT, TLS, READ_TIMEOUT, BROKEN = _REFUSED, _CONNECT_TIMEOUT, _TLS, _READ_TIMEOUT, _BROKEN

if HAS_REQUESTS:
    READ_FAILURES = (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
else:  # pragma: no cover - the transport refuses to start without requests
    READ_FAILURES = (http.client.HTTPException, OSError)


def _exception_chain(exc, limit=16):
    """The exception with its reasons, causes, contexts and wrapped args, breadth first."""
    found = []
    seen = set()
    pending = [exc]
    while pending and len(found) < limit:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        pending.append(getattr(current, 'reason', None))
        pending.append(current.__cause__)
        pending.append(current.__context__)
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return found


def _first(chain, types):
    for item in chain:
        if isinstance(item, types):
            return item
    return None


# getaddrinfo's answers that a name does not exist (NXDOMAIN), or has no address: definite, unlike
# EAI_AGAIN (the resolver could not answer now), which is worth a retry.
_NO_SUCH_HOST = frozenset(getattr(socket, name) for name in ('EAI_NONAME', 'EAI_NODATA') if hasattr(socket, name))


def _unknown_host(chain):
    error = _first(chain, socket.gaierror)
    return error is not None and error.errno in _NO_SUCH_HOST


def _os_reason(chain):
    if _unknown_host(chain):
        return 'the host name cannot be resolved: no such host (check `host`)'
    if _first(chain, socket.gaierror):
        return 'the host name cannot be resolved'
    if _first(chain, ConnectionRefusedError):
        return 'connection refused'
    if _first(chain, ConnectionResetError):
        return 'connection reset by the server'
    if _first(chain, http.client.IncompleteRead) or _first(chain, urllib3.exceptions.IncompleteRead):
        return 'the answer ended before its announced length'
    if _first(chain, http.client.RemoteDisconnected):
        return 'the server closed the connection without answering'
    if _first(chain, requests.exceptions.ChunkedEncodingError):
        return 'the answer was cut short'
    error = _first(chain, OSError)
    if error is not None and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return type(chain[-1]).__name__ if chain else 'unknown error'


def _tls_failure(chain, origin):
    error = _first(chain, ssl.SSLCertVerificationError)
    if error is not None:
        reason = getattr(error, 'verify_message', None) or error.reason or 'certificate verify failed'
        return ('TLS verification of %s failed: %s. A rack reached directly serves a self-signed certificate: '
                'set `validate_certs: false`, or `ca_path` to the CA that signed it' % (origin, reason))
    error = _first(chain, ssl.SSLError)
    reason = (error.reason or error.strerror) if error is not None else None
    message = 'TLS with %s failed: %s' % (origin, reason or 'TLS error')
    if reason and reason.upper() in ('WRONG_VERSION_NUMBER', 'RECORD_LAYER_FAILURE', 'HTTP_REQUEST'):
        message += '; the server does not speak TLS there: use http:// in `host` if it serves plain HTTP'
    return message


def tls_failure_message(exc, origin):
    """The message for a TLS failure of any transport: why, and what to set (``validate_certs``, ``ca_path``, ``http://``)."""
    return _tls_failure(_exception_chain(exc), origin)


def _classify(exc, context):
    chain = _exception_chain(exc)
    method, path, origin, redact = context.method, context.path, context.origin, context.redact
    if _first(chain, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        # The peer closed the TLS stream (a restarting pod, a load balancer). That may happen after
        # the request went out, so it counts as a broken connection: reads retry, writes do not.
        reason = 'the TLS connection was closed by the server'
        error = ConvoxConnectionError(redact('%s %s: the connection to %s broke: %s' % (method, path, origin, reason)), method, path)
        return _BROKEN, error, 'lost the connection (%s)' % reason
    if _first(chain, (requests.exceptions.SSLError, ssl.SSLError)):
        return _TLS, ConvoxTLSError(redact(_tls_failure(chain, origin)), method, path), 'failed TLS'
    # urllib3's NewConnectionError (refused, DNS) subclasses ConnectTimeoutError: test it first.
    if _first(chain, urllib3.exceptions.NewConnectionError):
        reason = _os_reason(chain)
        error = ConvoxConnectionError(redact('cannot connect to %s: %s' % (origin, reason)), method, path)
        kind = _UNKNOWN_HOST if _unknown_host(chain) else _REFUSED
        return kind, error, 'could not connect (%s)' % reason
    if _first(chain, (requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)):
        error = ConvoxTimeoutError(redact('cannot connect to %s: no answer within %gs' % (origin, context.timeout)), method, path)
        return _CONNECT_TIMEOUT, error, 'could not connect within %gs' % context.timeout
    if _first(chain, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, socket.timeout)):
        message = '%s %s: no answer from %s within %gs (raise `timeout` for slow calls)' % (method, path, origin, context.timeout)
        return _READ_TIMEOUT, ConvoxTimeoutError(redact(message), method, path), 'got no answer within %gs' % context.timeout
    reason = _os_reason(chain)
    message = '%s %s: the connection to %s broke: %s' % (method, path, origin, reason)
    if origin.startswith('http://') and _first(chain, (ConnectionResetError, http.client.RemoteDisconnected)):
        # A TLS port drops a plain HTTP request this way; nothing else in the answer says so.
        message += '; if the server speaks HTTPS on this port, use https:// in `host`'
    return _BROKEN, ConvoxConnectionError(redact(message), method, path), 'lost the connection (%s)' % reason


_REPLAY_ANY = 'any'          # reads and explicitly idempotent calls
_REPLAY_UNSENT = 'unsent'    # writes: only when the rack cannot have acted on the request
_REPLAY_REFUSED = 'refused'  # never twice: only when the connection itself was refused


def replay_policy(method, idempotent):
    if idempotent is False:
        return _REPLAY_REFUSED
    if idempotent or method in SAFE_METHODS:
        return _REPLAY_ANY
    return _REPLAY_UNSENT


def may_retry_failure(policy, kind):
    if kind == _REFUSED:
        return True
    if kind == _CONNECT_TIMEOUT:
        return policy != _REPLAY_REFUSED
    if kind in (_READ_TIMEOUT, _BROKEN):
        return policy == _REPLAY_ANY
    return False


def may_retry_status(policy, status, retry_on_500):
    if policy == _REPLAY_REFUSED:
        return False
    if status == 429:
        return True
    if policy != _REPLAY_ANY:
        return False
    return status in GATEWAY_STATUSES or (status == 500 and retry_on_500)


def retry_after_seconds(value, now=None):
    """Seconds a ``Retry-After`` header asks to wait (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment is None:
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def call_deadline(timeout, retries):
    """The most seconds one call may take, all attempts and waits included (see the module docstring)."""
    return timeout * (retries.max_retries + 1) + retries.max_retries * retries.backoff_max


def classify_failure(exc, context):
    """Classify a requests/urllib3 exception: ``(kind, ConvoxTransportError, short description)``.

    The error's ``may_have_acted`` is False when the request cannot have reached the rack.
    """
    kind, error, what = _classify(exc, context)
    error.may_have_acted = kind in (_READ_TIMEOUT, _BROKEN)
    return kind, error, what
