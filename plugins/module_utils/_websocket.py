# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The rack's websocket streams (exec, logs) on the websocket-client library, bounded in time.

What the rack does on these routes (convox-api.md 1.7, read from its source; the emulator reproduces it):

* A SOCKET route matches only ``GET`` with ``Upgrade: websocket``; options travel as request headers.
* The upgrade comes before any rack code runs, so there is no ``Request-Id`` and no HTTP 401/403:
  authentication and role failures arrive after the upgrade as a text frame ``ERROR: <message>\\n``
  (``process exec requires write access`` for a read-only JWT). A refused handshake (400, 403) has the
  body ``<status text>\\nERROR: <reason>\\n``. A console answers without ``Rack`` with its HTML login page
  (200) and with an unknown rack 404, both before the upgrade.
* Output is text frames. Exec ends with the marker ``F1E49A85-0AD7-4AEF-A618-C249C6E6568D:<code>\\n``
  (one frame normally; ``ExitMarkerParser`` finds it wherever frames split it). Every stream ends with an
  EMPTY BINARY frame (EOF). After EOF the rack sends nothing, never closes the connection, and answers
  neither close frames nor pings: the client drops the socket itself (``RackStream.close``).
* Exec errors: the marker can come BEFORE an ``ERROR:`` frame (``:0`` for lookup problems, ``:1`` for a
  process that is not running or a program that does not exist), so an ``ERROR:`` frame is a failure even
  after a ``:0`` marker; the 403 and option-parse errors send no marker at all. A stream that ends without
  the marker never counts as exit 0.

The client side, all bounded by one deadline per stream (``timeout`` seconds from the start):

* ``ws://`` for an ``http://`` rack, ``wss://`` for ``https://``; TLS from ``validate_certs``/``ca_path``
  (and, like requests, ``REQUESTS_CA_BUNDLE``); Basic auth, ``User-Agent``, ``Rack`` on consoles and
  ``X-Convox-Actor`` from the same ``ConnectionSettings`` as HTTP; redirects are refused, not followed.
* The handshake is retried like an HTTP request: a log stream like a read, an exec only when the rack cannot
  have acted (the connection could not be opened, or 429).
* Every read waits at most until the next ping is due (every ``PING_INTERVAL`` seconds, as the Convox SDK
  does, so idle proxies keep the connection) and never past the deadline. No pong is expected.
* Errors are typed (``_errors``): ``ConvoxStreamError`` for the rack's ``ERROR:`` frame or a missing marker,
  ``ConvoxStreamCutError`` for a connection that ended before EOF, ``ConvoxStreamTimeoutError`` for the
  deadline; the transport's redaction keeps the key out of every message.
"""

from __future__ import annotations

import codecs
import collections
import os
import re
import socket
import ssl
import traceback
from urllib.parse import urlencode, urlsplit

from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxConfigError,
    ConvoxConnectionError,
    ConvoxMissingLibraryError,
    ConvoxStreamCutError,
    ConvoxStreamError,
    ConvoxStreamTimeoutError,
    ConvoxTimeoutError,
    ConvoxTLSError,
    basic_credential,
    printable,
)
from ansible_collections.convox.convox.plugins.module_utils._failures import (
    BROKEN,
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    REFUSED,
    TLS,
    may_retry_failure,
    may_retry_status,
    replay_policy,
    retry_after_seconds,
    tls_failure_message,
)
from ansible_collections.convox.convox.plugins.module_utils._response import CallContext, decode, html_summary, is_html, media_type
from ansible_collections.convox.convox.plugins.module_utils._settings import request_timeout
from ansible_collections.convox.convox.plugins.module_utils._transport import USER_AGENT
from ansible_collections.convox.convox.plugins.module_utils._wire import check_header, check_request_path, encode_fields

try:
    import websocket
    # Another, unrelated PyPI package is also imported as "websocket": make sure this is websocket-client.
    if not (hasattr(websocket, 'WebSocket') and hasattr(websocket, 'ABNF') and hasattr(websocket, 'WebSocketBadStatusException')):
        raise ImportError('the module "websocket" found is not websocket-client')
except ImportError:
    HAS_WEBSOCKET = False
    WEBSOCKET_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_WEBSOCKET = True
    WEBSOCKET_IMPORT_ERROR = None

WEBSOCKET_LIBRARY = 'websocket-client'
EXIT_MARKER = 'F1E49A85-0AD7-4AEF-A618-C249C6E6568D:'
ERROR_PREFIX = 'ERROR: '
# The Convox SDK pings every 5 s; the rack answers no ping on most routes, so none is awaited.
PING_INTERVAL = 5.0

ExecResult = collections.namedtuple('ExecResult', 'code output')
LogCapture = collections.namedtuple('LogCapture', 'lines total complete ended_by')

# After the marker: an exit code (Go int) and the newline that ends the marker line.
_CODE_LINE = re.compile(r'-?[0-9]{1,12}\n')
_CODE_SO_FAR = re.compile(r'-?[0-9]{0,12}\Z')


class ExitMarkerParser:
    """Finds the exit-code marker in exec output that arrives in pieces, wherever the pieces split it.

    ``feed(text)`` returns the output that cannot belong to a marker; a tail that may be the start of
    one is held back until the next piece decides. After the marker line, text goes to ``trailer``
    (where the rack's ``ERROR:`` frames come) and ``code`` is set. ``finish()`` returns what is held
    back when the stream ends (output, since no marker completed it).
    """

    def __init__(self):
        self.code = None
        self.trailer = ''
        self._pending = ''

    @property
    def found(self):
        return self.code is not None

    def feed(self, text):
        if self.found:
            self.trailer += text
            return ''
        self._pending += text
        released = []
        while True:
            start = self._pending.find(EXIT_MARKER)
            if start < 0:
                keep = _marker_start_length(self._pending)
                cut = len(self._pending) - keep
                released.append(self._pending[:cut])
                self._pending = self._pending[cut:]
                return ''.join(released)
            released.append(self._pending[:start])
            self._pending = self._pending[start:]
            rest = self._pending[len(EXIT_MARKER):]
            line = _CODE_LINE.match(rest)
            if line:
                self.code = int(line.group(0))
                self.trailer = rest[line.end():]
                self._pending = ''
                return ''.join(released)
            if _CODE_SO_FAR.match(rest):
                # The code (or its newline) is still to come.
                return ''.join(released)
            # The marker text followed by something else is output; look again after its first character.
            released.append(self._pending[0])
            self._pending = self._pending[1:]

    def finish(self, keep_partial=True):
        """What is still held back; with ``keep_partial=False`` (a cut stream) a held marker start is dropped."""
        held, self._pending = self._pending, ''
        return held if keep_partial else ''

    def trailer_errors(self):
        """The messages of the ``ERROR:`` lines after the marker."""
        return [line[len(ERROR_PREFIX):] for line in self.trailer.splitlines() if line.startswith(ERROR_PREFIX)]


def _marker_start_length(text):
    """The length of the longest end of ``text`` that is a beginning of the marker (0 when none)."""
    for length in range(min(len(text), len(EXIT_MARKER) - 1), 0, -1):
        if text.endswith(EXIT_MARKER[:length]):
            return length
    return 0


class _Headers(dict):
    """Response headers with case-insensitive ``get`` (websocket-client lowercases their names)."""

    def __init__(self, headers):
        super().__init__((str(name).lower(), value) for name, value in (headers or {}).items())

    def get(self, name, default=None):
        return super().get(name.lower(), default)


class _HandshakeFailed(Exception):
    """Internal: one handshake attempt failed; ``status`` (an HTTP refusal) or ``kind`` drives the retry."""

    def __init__(self, error, kind=None, status=None, retry_after=None, what=''):
        super().__init__(what)
        self.error = error
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.what = what


def rack_error_hint(message, settings):
    """Advice for an ``ERROR:`` frame that is about the credentials (no HTTP status says so on a websocket)."""
    if message.startswith('invalid authentication'):
        source = settings.credential_source or 'the configured API key'
        if settings.username == 'jwt':
            return 'the JWT from %s was not accepted (expired, or minted by another rack?)' % source
        return 'check the API key from %s' % source
    if 'requires write access' in message or 'unauthorized to access' in message:
        return 'the credentials are valid but their role does not allow this (a read-only JWT cannot exec)'
    return None


class WebsocketTransport:
    """Opens the rack's websocket routes with the connection's settings. A mixin of ``ConvoxClient``
    (it uses the transport's settings, redaction, backoff, clock and reporting)."""

    def open_stream(self, path, headers=None, params=None, timeout=None, acts=False):
        """Upgrade ``path`` to a websocket and return its ``RackStream`` (use it with ``with``).

        ``headers`` are the route's options (encoded like request fields), ``params`` its query (the rack reads
        only the exec command there). ``timeout`` bounds the whole stream, handshake included (default: the
        connection timeout). ``acts`` marks routes that act (exec): their handshake is retried only when
        the rack cannot have acted on it.
        """
        if not HAS_WEBSOCKET:
            raise ConvoxMissingLibraryError(WEBSOCKET_LIBRARY, WEBSOCKET_IMPORT_ERROR)
        check_request_path(path)
        timeout = self.settings.timeout if timeout is None else request_timeout(timeout)
        deadline = self._clock() + timeout
        url = self._socket_url(path, params)
        lines = self._socket_headers(headers)
        policy = replay_policy('POST' if acts else 'GET', None)
        retries = self.settings.retries
        attempt = 0
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise ConvoxStreamTimeoutError(self.redact('GET %s: no websocket upgrade from %s within %ss' % (path, self.origin, _seconds(timeout))),
                                               'GET', path)
            attempt_timeout = min(self.settings.timeout, remaining)
            context = CallContext(self, 'GET', path, attempt_timeout)
            started = self._clock()
            try:
                connection = self._handshake(url, lines, attempt_timeout, context)
            except _HandshakeFailed as failed:
                self._debug('GET %s (websocket) -> %s (%.3fs)' % (path, failed.what, self._clock() - started))
                if failed.status is not None:
                    allowed = may_retry_status(policy, failed.status, retries.retry_on_500)
                else:
                    allowed = may_retry_failure(policy, failed.kind)
                error = failed.error
                delay = self._backoff(attempt, failed.retry_after)
                if not allowed or attempt >= retries.max_retries or self._clock() + delay > deadline:
                    error.retries = attempt
                    raise error from None
                self._warn('GET %s (websocket) %s; retry %d of %d in %.1fs' % (path, failed.what, attempt + 1, retries.max_retries, delay))
                self._sleep(delay)
                attempt += 1
                self.retry_count += 1
                continue
            self._debug('GET %s (websocket) -> 101 (%.3fs)' % (path, self._clock() - started))
            return RackStream(self, connection, path, deadline, timeout)

    # -- the handshake ----------------------------------------------------------------------

    def _socket_url(self, path, params):
        parts = urlsplit(self.settings.base_url)
        scheme = 'wss' if parts.scheme == 'https' else 'ws'
        query = encode_fields(params)
        return '%s://%s%s%s%s' % (scheme, parts.netloc, parts.path, path, ('?' + urlencode(query)) if query else '')

    def _socket_headers(self, options):
        settings = self.settings
        headers = collections.OrderedDict()
        if settings.password is not None:
            # UTF-8 bytes of user:password, as requests' HTTPBasicAuth sends them for the HTTP calls.
            headers['Authorization'] = 'Basic ' + basic_credential(settings.username, settings.password)
        headers['User-Agent'] = USER_AGENT
        if settings.rack:
            headers['Rack'] = settings.rack
        if settings.actor:
            headers['X-Convox-Actor'] = settings.actor
        headers.update(encode_fields(options) or {})
        for name, value in headers.items():
            check_header(name, value)
        return ['%s: %s' % item for item in headers.items()]

    def _ssl_options(self):
        verify = self.settings.verify
        if verify is False:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return {'context': context, 'cert_reqs': ssl.CERT_NONE, 'check_hostname': False}
        if isinstance(verify, str):
            bundle = verify
        else:
            # The trust the HTTP calls use: requests' REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE, else its bundle.
            from requests.utils import DEFAULT_CA_BUNDLE_PATH
            bundle = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or DEFAULT_CA_BUNDLE_PATH
        try:
            context = ssl.create_default_context(cafile=bundle if bundle and os.path.isfile(bundle) else None,
                                                 capath=bundle if bundle and os.path.isdir(bundle) else None)
        except (OSError, ssl.SSLError) as exc:
            raise ConvoxConfigError('cannot load the CA bundle %s: %s' % (bundle, getattr(exc, 'strerror', None) or exc)) from None
        return {'context': context}

    def _handshake(self, url, lines, timeout, context):
        connection = websocket.WebSocket(sslopt=self._ssl_options() if url.startswith('wss:') else {}, skip_utf8_validation=True)
        try:
            # No redirects: following one could carry the credentials elsewhere (the API never redirects).
            connection.connect(url, header=lines, timeout=timeout, redirect_limit=0)
        except websocket.WebSocketBadStatusException as exc:
            raise self._refused(exc.status_code, _Headers(exc.resp_headers), getattr(exc, 'resp_body', None) or b'', context) from None
        except websocket.WebSocketException as exc:
            response = getattr(connection, 'handshake_response', None)
            if response is not None and response.status != 101:
                raise self._refused(response.status, _Headers(response.headers), b'', context) from None
            raise self._failed(exc, context) from None
        except (OSError, ValueError) as exc:
            raise self._failed(exc, context) from None
        status = connection.getstatus()
        if status != 101:
            # Older websocket-client versions end a refused redirect here instead of raising.
            headers = _Headers(connection.getheaders())
            connection.shutdown()
            raise self._refused(status, headers, b'', context)
        return connection

    def _refused(self, status, headers, body, context):
        """The typed error for an HTTP answer instead of the upgrade (gorilla's refusals, a console, a proxy)."""
        content_type = headers.get('Content-Type', '')
        text = decode(body, content_type)
        if status < 300:
            if is_html(content_type, text):
                what = 'the server answered with %s instead of the Convox API; %s' % (html_summary(text), context.html_hint())
            else:
                what = 'the server answered %d (%s) instead of upgrading to a websocket' % (status, media_type(content_type) or 'no content type')
            # An HTML page proves the rack never saw the request (a console's login page, a proxy's page).
            error = context.response_error(status, headers, what, foreign=is_html(content_type, text))
            return _HandshakeFailed(error, status=status, what='answered %d' % status)
        # gorilla's refusal: "<status text>\nERROR: <reason>\n"; keep the reason.
        reason = next((line[len(ERROR_PREFIX):] for line in text.splitlines() if line.startswith(ERROR_PREFIX)), None)
        if reason is not None and not is_html(content_type, text):
            body = (reason + '\n').encode('utf-8')
        error = context.api_error(status, headers, body)
        return _HandshakeFailed(error, status=status, retry_after=retry_after_seconds(headers.get('Retry-After')), what='answered %d' % status)

    def _failed(self, exc, context):
        """Classify a failure of the library or the socket by how much of the handshake can have reached the rack."""
        method, path, origin = 'GET', context.path, self.origin
        if HAS_WEBSOCKET and isinstance(exc, websocket.WebSocketTimeoutException):
            message = 'GET %s: no websocket upgrade from %s within %ss' % (path, origin, _seconds(context.timeout))
            return _HandshakeFailed(ConvoxTimeoutError(self.redact(message), method, path), kind=READ_TIMEOUT,
                                    what='got no upgrade within %ss' % _seconds(context.timeout))
        if isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
            return self._broken(context, 'the TLS connection was closed by the server')
        if isinstance(exc, ssl.SSLError):
            return _HandshakeFailed(ConvoxTLSError(self.redact(tls_failure_message(exc, origin)), method, path), kind=TLS, what='failed TLS')
        if isinstance(exc, (socket.timeout, TimeoutError)):
            error = ConvoxTimeoutError(self.redact('cannot connect to %s: no answer within %ss' % (origin, _seconds(context.timeout))), method, path)
            return _HandshakeFailed(error, kind=CONNECT_TIMEOUT, what='could not connect within %ss' % _seconds(context.timeout))
        if isinstance(exc, (ConnectionResetError, BrokenPipeError)) or \
                (HAS_WEBSOCKET and isinstance(exc, websocket.WebSocketConnectionClosedException)):
            return self._broken(context, 'the server closed the connection during the websocket handshake')
        if HAS_WEBSOCKET and isinstance(exc, (websocket.WebSocketAddressException, websocket.WebSocketProxyException)) or \
                isinstance(exc, OSError):
            reason = _connect_reason(exc)
            error = ConvoxConnectionError(self.redact('cannot connect to %s: %s' % (origin, reason)), method, path)
            error.may_have_acted = False
            return _HandshakeFailed(error, kind=REFUSED, what='could not connect (%s)' % reason)
        # The server answered 101 without a valid websocket handshake (a proxy in the way), or the like.
        reason = str(exc) or type(exc).__name__
        return self._broken(context, 'the websocket handshake failed: %s' % reason, retry=False)

    def _broken(self, context, reason, retry=True):
        message = 'GET %s: the connection to %s broke: %s' % (context.path, self.origin, reason)
        # kind None: a failure no policy retries (the same server would answer the same way).
        return _HandshakeFailed(ConvoxConnectionError(self.redact(message), 'GET', context.path), kind=BROKEN if retry else None,
                                what='lost the connection (%s)' % reason)


def _connect_reason(exc):
    args = [arg for arg in getattr(exc, 'args', ()) if isinstance(arg, BaseException)] + [exc]
    for item in args:
        if isinstance(item, socket.gaierror):
            return 'the host name cannot be resolved'
        if isinstance(item, ConnectionRefusedError):
            return 'connection refused'
        if isinstance(item, OSError) and item.strerror:
            return item.strerror[0].lower() + item.strerror[1:]
    if HAS_WEBSOCKET and isinstance(exc, websocket.WebSocketProxyException):
        return 'the proxy refused the connection'
    return type(exc).__name__


class RackStream:
    """One upgraded websocket: text frames until the rack's EOF frame, every read bounded by the deadline.

    Read it once, with ``read_exec()`` (an exec: output and exit code) or ``read_lines()`` (a log), or
    frame by frame with ``texts()``. ``close()`` drops the connection (the rack answers no close frame).
    """

    def __init__(self, transport, connection, path, deadline, timeout):
        self._transport = transport
        self._connection = connection
        self.path = path
        self._deadline = deadline
        self._timeout = timeout
        # The transport's clock (injectable in tests) and its -vvv reporting.
        self._clock = transport._clock
        self._debug = transport._debug
        self._next_ping = self._clock() + PING_INTERVAL
        self.frames = 0
        self.ended = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        connection, self._connection = self._connection, None
        if connection is not None:
            # After EOF the rack neither sends nor answers anything: a close handshake would only wait.
            connection.shutdown()

    # -- frames -------------------------------------------------------------------------------

    def _cut(self, reason):
        return ConvoxStreamCutError(self._transport.redact('GET %s: the stream was cut before its end: %s' % (self.path, reason)), 'GET', self.path)

    def _timed_out(self):
        return ConvoxStreamTimeoutError('GET %s: the stream did not end within %ss' % (self.path, _seconds(self._timeout)), 'GET', self.path)

    def _next_frame(self):
        while True:
            now = self._clock()
            if now >= self._deadline:
                raise self._timed_out()
            if now >= self._next_ping:
                self._ping()
                continue
            self._connection.settimeout(max(0.001, min(self._deadline, self._next_ping) - now))
            try:
                opcode, data = self._connection.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                continue
            except websocket.WebSocketConnectionClosedException:
                raise self._cut('the connection was closed') from None
            except (websocket.WebSocketException, OSError, ValueError) as exc:
                raise self._cut(_read_reason(exc)) from None
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise self._cut('the server sent a close frame')
            if opcode in (websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PONG):
                continue
            return opcode, data

    def _ping(self):
        self._next_ping = self._clock() + PING_INTERVAL
        try:
            self._connection.ping()
        except (websocket.WebSocketException, OSError) as exc:
            raise self._cut(_read_reason(exc)) from None

    def texts(self):
        """Yield each text frame's text until the EOF frame (UTF-8, decoded across frame boundaries)."""
        decoder = codecs.getincrementaldecoder('utf-8')('replace')
        while True:
            opcode, data = self._next_frame()
            if opcode == websocket.ABNF.OPCODE_BINARY and not data:
                self.ended = True
                self._debug('GET %s (websocket): end of stream after %d text frames' % (self.path, self.frames))
                tail = decoder.decode(b'', final=True)
                if tail:
                    yield tail
                return
            if opcode == websocket.ABNF.OPCODE_BINARY and data[:1] == b'\x00':
                raise ConvoxStreamError('the rack answered with an ECS exec session (v2 racks with ECS exec), which this collection cannot attach to',
                                        path=self.path, may_have_acted=False)
            self.frames += 1
            text = decoder.decode(bytes(data))
            if text:
                yield text

    # -- readers ------------------------------------------------------------------------------

    def read_exec(self):
        """Read an exec stream to its end: ``ExecResult(code, output)``.

        Raises ``ConvoxStreamError`` for the rack's ``ERROR:`` frame (with or without a marker before it)
        and for a stream that ended without the marker; ``ConvoxStreamCutError`` and
        ``ConvoxStreamTimeoutError`` with the output so far. No outcome but a marker gives an exit code.
        """
        parser = ExitMarkerParser()
        output = []
        last = ''
        try:
            for text in self.texts():
                last = text
                output.append(parser.feed(text))
        except ConvoxStreamCutError as cut:
            text = ''.join(output) + parser.finish(keep_partial=False)
            raise ConvoxStreamCutError('%s; it ended before the exit-code marker, so the exit code of the command is unknown'
                                       % cut.message, 'GET', self.path, output=text) from None
        except ConvoxStreamTimeoutError:
            text = ''.join(output) + parser.finish(keep_partial=False)
            raise ConvoxStreamTimeoutError('GET %s: the command did not finish within %ss' % (self.path, _seconds(self._timeout)),
                                           'GET', self.path, output=text) from None
        text = ''.join(output)
        if parser.found:
            errors = parser.trailer_errors()
            if errors:
                raise self._rack_error(errors[-1], text, exit_code=parser.code,
                                       detail=' (after the exit-code marker %d: the command did not run)' % parser.code)
            return ExecResult(parser.code, text)
        text += parser.finish()
        if last.startswith(ERROR_PREFIX) and text.endswith(last):
            raise self._rack_error(last[len(ERROR_PREFIX):].rstrip('\r\n'), text[:-len(last)])
        raise ConvoxStreamError('the stream ended without the exit-code marker, so the exit code of the command is unknown',
                                path=self.path, output=text)

    def _rack_error(self, message, output, exit_code=None, detail=''):
        settings = self._transport.settings
        message = printable(self._transport.redact(message.rstrip('\r\n')))
        # An ERROR frame means the rack refused or failed before running the command.
        return ConvoxStreamError('the rack answered ERROR: %s%s' % (message, detail), path=self.path, rack_error=message,
                                 exit_code=exit_code, output=output, hint=rack_error_hint(message, settings), may_have_acted=False)

    def read_lines(self, keep=None, rack_errors=True, status=None):
        """Read a log stream: ``LogCapture(lines, total, complete, ended_by)``, the last ``keep`` lines (all when None).

        Lines are split on newlines wherever frames split them. ``rack_errors``: a frame starting with
        ``ERROR:`` is the rack's error (true where every line carries a prefix); otherwise it is content (a
        build log ends with its builder's ``ERROR:`` line). ``status(line)`` tells the rack's own status lines
        from log lines: None for a log line, ``'skip'`` for one to leave out, ``'end'`` for one that says the
        log is over (reading stops, ``complete`` and ``ended_by`` that line). At the deadline the lines so far
        are returned with ``complete`` False: routes that follow (a running process) never end on their own.
        """
        lines = collections.deque(maxlen=keep)
        total = 0
        pending = ''
        complete = True
        ended_by = None
        try:
            for text in self.texts():
                if rack_errors and not pending and text.startswith(ERROR_PREFIX):
                    raise self._rack_error(text[len(ERROR_PREFIX):], '')
                pieces = (pending + text).split('\n')
                pending = pieces.pop()
                for line in pieces:
                    line = line[:-1] if line.endswith('\r') else line
                    verdict = status(line) if status is not None else None
                    if verdict == 'end':
                        return LogCapture(list(lines), total, True, line)
                    if verdict != 'skip':
                        lines.append(line)
                        total += 1
        except ConvoxStreamTimeoutError:
            complete = False
        except ConvoxStreamCutError as cut:
            raise ConvoxStreamCutError('%s (after %d log lines)' % (cut.message, total + bool(pending)), 'GET', self.path,
                                       output='\n'.join(lines)) from None
        if pending:
            lines.append(pending[:-1] if pending.endswith('\r') else pending)
            total += 1
        return LogCapture(list(lines), total, complete, ended_by)


def _seconds(value):
    """Seconds for a message: whole when whole, else to a tenth (a deadline's remainder is never round)."""
    return '%g' % round(value, 1)


def _read_reason(exc):
    if isinstance(exc, ConnectionResetError):
        return 'connection reset by the server'
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__
