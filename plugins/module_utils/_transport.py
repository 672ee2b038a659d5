# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The HTTP transport to a rack: one requests Session, the retry loop, the deadline, streaming.

Which failures are retried is ``_failures``' business (its docstring has the table).

Deadline. A call (all its attempts and waits) is bounded by
``timeout * (max_retries + 1) + max_retries * backoff_max`` seconds from its start: that is
every attempt using its full timeout and every wait its longest allowed value, so the
deadline never cuts a normal retry schedule short, but a schedule stretched by slow
attempts stops retrying (and later attempts get a shorter timeout) instead of running on.
``timeout`` itself bounds the connect and each read of a single attempt, as in requests.
"""

from __future__ import annotations

import hashlib
import os
import random
import stat
import tempfile
import time
import traceback
import warnings
from urllib.parse import urlsplit

from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxConfigError,
    ConvoxFileError,
    ConvoxMissingLibraryError,
    ConvoxResponseError,
    REDACTED,
    shown,
)
from ansible_collections.convox.convox.plugins.module_utils._failures import (
    READ_FAILURES,
    call_deadline,
    classify_failure,
    may_retry_failure,
    may_retry_status,
    replay_policy,
    retry_after_seconds,
)
from ansible_collections.convox.convox.plugins.module_utils._response import CHUNK_SIZE, CallContext, ConvoxResponse
from ansible_collections.convox.convox.plugins.module_utils._settings import request_timeout
from ansible_collections.convox.convox.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.convox.convox.plugins.module_utils._wire import (
    check_header,
    check_request_headers,
    check_request_path,
    encode_fields,
)

try:
    import requests
    import requests.exceptions
    import urllib3.exceptions
    from requests.adapters import HTTPAdapter
    from requests.auth import HTTPBasicAuth
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None


USER_AGENT = 'convox.convox/%s' % COLLECTION_VERSION

KNOWN_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'))


class _RequestBody:
    """A raw request body that can be produced again for a retry when its source allows it.

    ``body`` is bytes or text (always replayable), a callable returning a fresh body per
    attempt (replayable; what it returns is closed after the attempt), a seekable file
    object (rewound per attempt) or another iterable (sent once).
    """

    def __init__(self, body):
        self._body = body
        self._opened = None
        self._start = None
        if body is None or isinstance(body, (bytes, str)) or callable(body):
            self.replayable = True
        elif hasattr(body, 'read'):
            self.replayable = self._seekable(body)
            if self.replayable:
                self._start = body.tell()
        else:
            self.replayable = False

    @staticmethod
    def _seekable(fileobj):
        try:
            return bool(fileobj.seekable())
        except (AttributeError, OSError, ValueError):
            return False

    def open(self):
        if callable(self._body):
            try:
                self._opened = self._body()
            except OSError as exc:
                raise ConvoxFileError('cannot read the request body: %s' % (exc.strerror or type(exc).__name__)) from None
            return self._opened
        if self._start is not None:
            self._body.seek(self._start)
        return self._body

    def close(self):
        opened, self._opened = self._opened, None
        if opened is not None and hasattr(opened, 'close'):
            opened.close()


def _ignore(message):
    return None


# ---------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------

class Transport:
    """One rack connection: a requests Session reused by every call of a module run or lookup.

    The API calls themselves are the ``_api_*`` mixins that ``_client.ConvoxClient`` adds on top.

    ``warn(text)`` receives one line per retry; ``debug(text)`` one line per attempt.
    ``sleep``, ``clock`` and ``jitter`` (a function returning a float in [0, 1)) are
    injectable so tests can observe the retry schedule without waiting for it.
    """

    # What reading a response body may raise; CallContext translates it with classify_failure.
    READ_FAILURES = READ_FAILURES

    def __init__(self, settings, warn=None, debug=None, sleep=None, clock=None, jitter=None):
        if not HAS_REQUESTS:
            raise ConvoxMissingLibraryError('requests', REQUESTS_IMPORT_ERROR)
        self.settings = settings
        self.retry_count = 0
        self._warn = warn or _ignore
        self._debug = debug or _ignore
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._jitter = jitter or random.random
        parts = urlsplit(settings.base_url)
        self.origin = '%s://%s' % (parts.scheme, parts.netloc)
        # The same forms a module registers in no_log_values: one list, so the two cannot differ.
        self._secrets = settings.secret_values()
        self._session = self._new_session(settings)

    # -- plumbing -------------------------------------------------------------------------

    @staticmethod
    def classify_failure(exc, context):
        """``(kind, ConvoxTransportError, short description)`` for an exception of the HTTP library."""
        return classify_failure(exc, context)

    def redact(self, text):
        """Return text with every form of the API key replaced by ********."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _new_session(self, settings):
        session = requests.Session()
        # Only this client's retry policy may resend a request: urllib3's own retries are off
        # (read=False also makes read errors surface as they are, not as MaxRetryError).
        adapter = HTTPAdapter(max_retries=Retry(0, read=False))
        session.mount('https://', adapter)
        session.mount('http://', adapter)
        if settings.password is not None:
            # Bytes, so that a non-Latin-1 key is sent as UTF-8, as the Go CLI does.
            session.auth = HTTPBasicAuth(settings.username.encode('utf-8'), settings.password.encode('utf-8'))
        session.headers['Accept'] = 'application/json'
        session.headers['User-Agent'] = USER_AGENT
        if settings.rack:
            session.headers['Rack'] = settings.rack
        if settings.actor:
            session.headers['X-Convox-Actor'] = settings.actor
        for name, value in session.headers.items():
            check_header(name, value)
        return session

    def close(self):
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- requests -------------------------------------------------------------------------

    def request(self, method, path, params=None, data=None, headers=None, body=None, timeout=None, stream=False,
                idempotent=None):
        """Send one API call with the retry policy; return a ConvoxResponse for a 1xx/2xx answer.

        ``path`` comes from ``api_path()``. ``params`` go in the query string, ``data`` in a
        form body, ``body`` is a raw body (bytes, a file object, or a callable returning a
        fresh one per attempt); all field values go through ``encode_fields``. ``timeout``
        overrides the connection's per-request timeout. ``idempotent`` overrides the retry
        policy of the method (True: retry like a read; False: never send twice).
        """
        method, wire, timeout = self._prepare(method, path, params, data, headers, body, timeout)
        retries = self.settings.retries
        policy = replay_policy(method, idempotent)
        raw_body = _RequestBody(body)
        deadline = self._clock() + call_deadline(timeout, retries)
        attempt = 0
        # Whether any attempt so far may have been acted on: a later attempt that provably was
        # not (refused, or a 4xx) does not undo what an earlier one may have done.
        acted = False
        while True:
            # Late attempts get what is left of the deadline; messages quote the configured timeout.
            attempt_timeout = min(timeout, deadline - self._clock())
            context = CallContext(self, method, path, timeout)
            try:
                response = self._attempt(method, path, wire, raw_body, attempt_timeout, stream, context)
            except _AttemptFailed as failed:
                error, retry_after, what = failed.error, None, failed.what
                allowed = may_retry_failure(policy, failed.kind)
            else:
                if response.status < 300:
                    if not stream:
                        try:
                            response.refuse_foreign_page()
                        except ConvoxResponseError as foreign:
                            raise self._gave_up(foreign, attempt, acted) from None
                    return response
                error = context.api_error(response.status, response.headers, response.content)
                response.close()
                retry_after = retry_after_seconds(response.headers.get('Retry-After'))
                what = 'answered %d' % response.status
                allowed = may_retry_status(policy, response.status, retries.retry_on_500)
            acted = acted or error.may_have_acted
            delay = self._backoff(attempt, retry_after)
            if not allowed or not raw_body.replayable or attempt >= retries.max_retries or self._clock() + delay > deadline:
                raise self._gave_up(error, attempt, acted)
            self._warn('%s %s %s; retry %d of %d in %.1fs' % (method, path, what, attempt + 1, retries.max_retries, delay))
            self._sleep(delay)
            if self._clock() >= deadline:
                # The wait overran the deadline, so the announced retry is not sent:
                # report what went wrong, not the clock.
                self._debug('%s %s: the deadline passed during the wait; retry %d not sent' % (method, path, attempt + 1))
                raise self._gave_up(error, attempt, acted)
            attempt += 1
            self.retry_count += 1

    @staticmethod
    def _gave_up(error, attempts, acted):
        error.retries = attempts
        error.may_have_acted = acted
        return error

    def _prepare(self, method, path, params, data, headers, body, timeout):
        """Validate and encode a request without sending it: ``(METHOD, wire fields, timeout)``."""
        method = str(method).upper()
        if method not in KNOWN_METHODS:
            raise ConvoxConfigError('unsupported HTTP method %s' % shown(method))
        check_request_path(path)
        if data is not None and body is not None:
            raise ConvoxConfigError('a request takes form data or a raw body, not both')
        timeout = self.settings.timeout if timeout is None else request_timeout(timeout)
        check_request_headers(headers)
        wire = dict(
            params=encode_fields(params, 'params'),
            data=encode_fields(data, 'data'),
            headers=encode_fields(headers, 'headers') or {},
        )
        if body is not None:
            wire['headers'].setdefault('Content-Type', 'application/octet-stream')
        for name, value in wire['headers'].items():
            check_header(name, value)
        return method, wire, timeout

    def check_request(self, method, path, params=None, data=None, headers=None, body_path=None, timeout=None):
        """Everything ``request()`` (or ``upload()`` of ``body_path``) refuses before sending, without
        sending: for check mode, so that a task that would fail does not report a predicted change.

        Raises ConvoxConfigError or ConvoxFileError; returns None.
        """
        if body_path is not None:
            self._upload_body(body_path)
        self._prepare(method, path, params, data, headers, b'' if body_path is not None else None, timeout)

    def _attempt(self, method, path, wire, raw_body, timeout, stream, context):
        started = self._clock()
        # Opened before the try: a local file that cannot be read is not a transport failure.
        body = raw_body.open() if wire['data'] is None else wire['data']
        try:
            with warnings.catch_warnings():
                if self.settings.verify is False:
                    # The user chose not to verify; urllib3 would warn on every request (and a
                    # lookup would print it on the controller's terminal).
                    warnings.simplefilter('ignore', urllib3.exceptions.InsecureRequestWarning)
                response = self._session.request(
                    method,
                    self.settings.base_url + path,
                    params=wire['params'],
                    data=body,
                    headers=wire['headers'],
                    # The connect phase stays short even when a long upload needs a long read timeout.
                    timeout=(min(timeout, self.settings.timeout), timeout),
                    # Per request, because requests lets REQUESTS_CA_BUNDLE override a session's verify.
                    verify=self.settings.verify,
                    # The API never redirects; following one could turn a POST into a GET or
                    # carry the credentials elsewhere, so a redirect is reported as an error.
                    allow_redirects=False,
                    stream=True,
                )
            result = ConvoxResponse(response, context)
            if not stream or result.status >= 300:
                # Read the body inside the attempt, so that a broken body is retried like
                # any other transport failure of the attempt.
                result.read_all()
        except READ_FAILURES as exc:
            kind, error, what = classify_failure(exc, context)
            self._debug('%s %s -> %s (%s, %.3fs)' % (method, path, what, type(exc).__name__, self._clock() - started))
            raise _AttemptFailed(kind, error, what) from None
        finally:
            raw_body.close()
        self._debug('%s %s -> %d (request id %s, %.3fs)' % (method, path, result.status, result.request_id or '-', self._clock() - started))
        return result

    def _backoff(self, attempt, retry_after):
        retries = self.settings.retries
        if retry_after is not None:
            return min(retry_after, retries.backoff_max)
        ceiling = min(retries.backoff_max, retries.backoff_base * 2 ** min(attempt, 60))
        return self._jitter() * ceiling

    def get_json(self, path, params=None, kind=None, fields=None):
        """GET a path and return its decoded JSON; with ``kind`` (dict or list) it must be one, with ``fields``
        (``ConvoxResponse.json_of``) the object or each object of the list must have them."""
        response = self.request('GET', path, params=params)
        return response.json() if kind is None else response.json_of(kind, fields)

    def upload(self, method, path, source, params=None, headers=None, timeout=None):
        """Stream a raw ``application/octet-stream`` body: a file, or bytes produced while sending.

        ``source`` is a file path, a binary file object, a callable that returns a fresh
        iterable of byte chunks for each attempt (an archive made on the fly; replayable),
        or an iterable of byte chunks (sent once). Chunks are sent with chunked transfer
        encoding, a file with its length. The body is read in chunks while it is sent, so
        memory stays constant whatever the size. An upload is never sent twice: it is sent
        again only when no connection could be made at all (refused, or a temporary name
        resolution failure), since then nothing was sent, and only when its source can be
        produced again.
        """
        body = self._upload_body(source)
        fields = dict(headers or {})
        fields.setdefault('Content-Type', 'application/octet-stream')
        return self.request(method, path, params=params, headers=fields, body=body, timeout=timeout, idempotent=False)

    @staticmethod
    def _upload_body(source):
        """What ``request()`` sends for an upload source; a file path is checked readable now."""
        if isinstance(source, (str, bytes, os.PathLike)):
            file_path = os.fsdecode(source)
            try:
                with open(file_path, 'rb'):
                    pass
            except OSError as exc:
                raise ConvoxFileError('cannot read %s: %s' % (file_path, exc.strerror or type(exc).__name__)) from None

            def body():
                # A fresh file object per attempt; requests streams it with a Content-Length.
                return open(file_path, 'rb')
            return body
        if hasattr(source, 'read') or callable(source):
            return source
        if hasattr(source, '__iter__') and not isinstance(source, (dict, str)):
            return source
        raise ConvoxFileError('an upload source must be a file path, a binary file object or byte chunks')

    def download(self, path, dest_path=None, params=None, headers=None, timeout=None):
        """Stream a GET answer to a file and return the (closed) ConvoxResponse.

        The file appears complete or not at all (written aside, then renamed), mode 0600.
        Without ``dest_path`` a temporary file is created; the caller removes it.
        ``response.dest_path``, ``response.size`` and ``response.sha256`` describe it.
        """
        fields = {'Accept-Encoding': 'identity'}
        fields.update(headers or {})
        with self.request('GET', path, params=params, headers=fields, timeout=timeout, stream=True) as response:
            target = self._download_target(dest_path)
            try:
                self._stream_to(response, target)
            except BaseException:
                if not dest_path and os.path.exists(target):
                    # A temporary target of ours: leave nothing behind when the download fails.
                    os.unlink(target)
                raise
        return response

    @staticmethod
    def _stream_to(response, target):
        """Write the body aside and rename it into place; set ``dest_path``, ``size``, ``sha256``.

        A file that is replaced keeps its permissions; a new one is created 0600.
        """
        digest = hashlib.sha256()
        size = 0
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mode = None
        try:
            fd, partial = tempfile.mkstemp(prefix='.%s.' % os.path.basename(target), suffix='.part',
                                           dir=os.path.dirname(os.path.abspath(target)))
        except OSError as exc:
            raise ConvoxFileError('cannot write %s: %s' % (target, exc.strerror or type(exc).__name__)) from None
        try:
            with os.fdopen(fd, 'wb') as out:
                for chunk in response.iter_content(CHUNK_SIZE):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
            if mode is not None:
                os.chmod(partial, mode)
            os.replace(partial, target)
        except OSError as exc:
            raise ConvoxFileError('cannot write %s: %s' % (target, exc.strerror or type(exc).__name__)) from None
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        response.dest_path, response.size, response.sha256 = target, size, digest.hexdigest()

    @staticmethod
    def _download_target(dest_path):
        if dest_path:
            return os.fsdecode(dest_path)
        try:
            fd, target = tempfile.mkstemp(prefix='convox-download-')
        except OSError as exc:
            raise ConvoxFileError('cannot create a temporary file: %s' % (exc.strerror or type(exc).__name__)) from None
        os.close(fd)
        return target

    def iter_lines(self, path, params=None, timeout=None):
        """GET a path and yield its body as decoded text lines (without line ends), streamed.

        The request is sent now, so HTTP errors raise here; transport errors while reading
        raise from the iteration.
        """
        response = self.request('GET', path, params=params, headers={'Accept-Encoding': 'identity'}, timeout=timeout, stream=True)
        return self._lines(response)

    @staticmethod
    def _lines(response):
        with response:
            pending = b''
            for chunk in response.iter_content(CHUNK_SIZE):
                pending += chunk
                lines = pending.split(b'\n')
                pending = lines.pop()
                for line in lines:
                    yield _decode_line(line)
            if pending:
                yield _decode_line(pending)


class _AttemptFailed(Exception):
    """Internal: one attempt got no HTTP answer. ``kind`` drives the retry decision."""

    def __init__(self, kind, error, what):
        super().__init__(kind)
        self.kind = kind
        self.error = error
        self.what = what


def _decode_line(line):
    if line.endswith(b'\r'):
        line = line[:-1]
    return line.decode('utf-8', 'replace')
