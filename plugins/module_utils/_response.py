# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Answers of the rack: ``ConvoxResponse`` and the typed error an error answer becomes.

An error body is read the way the rack writes it (convox-api.md section 4): the ``error`` of
a JSON body, else the trimmed text; the router's empty 404 and 405 say that the route does not
exist or does not take the method. An HTML page (a console asked without ``Rack``, a proxy's
error page) is described by its title, never quoted.

This is where server text enters messages, so it is made ``printable`` here: control
characters (ANSI escapes, NUL, line breaks) from a server never reach a terminal as they are.
Nothing here imports requests: the transport passes in what it knows of its HTTP library.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxForbiddenError,
    ConvoxResponseError,
    error_class_for,
    printable,
)

# Streamed bodies are read this much at a time, whatever their size.
CHUNK_SIZE = 64 * 1024
# The longest server error text kept in a message; HTML pages are summarised instead.
MAX_ERROR_TEXT = 500

_HTML_TITLE = re.compile(r'<title[^>]*>(.*?)</title>', re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r'<[^>]+>')
# What Go's net/http and nginx answer to a plain HTTP request on a TLS port.
_PLAIN_HTTP_TO_TLS = re.compile(r'HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port', re.IGNORECASE)


def media_type(content_type):
    """The media type of a Content-Type header, lowercased, without parameters."""
    return (content_type or '').split(';', 1)[0].strip().lower()


def charset(content_type):
    """The charset parameter of a Content-Type header (default utf-8)."""
    for piece in (content_type or '').split(';')[1:]:
        name, sep, value = piece.partition('=')
        if sep and name.strip().lower() == 'charset':
            return value.strip().strip('"') or 'utf-8'
    return 'utf-8'


def decode(content, content_type):
    """Bytes as text in the charset their Content-Type names; undecodable bytes are replaced."""
    try:
        return content.decode(charset(content_type), 'replace')
    except LookupError:
        return content.decode('utf-8', 'replace')


def is_html(content_type, text):
    """True for an HTML page (a console login page, a proxy's error page), whatever its Content-Type says."""
    if media_type(content_type) in ('text/html', 'application/xhtml+xml'):
        return True
    head = text[:200].lstrip().lower()
    return head.startswith('<!doctype html') or head.startswith('<html')


def html_summary(text):
    """An HTML page described by its title, never quoted whole."""
    match = _HTML_TITLE.search(text[:65536])
    title = printable(' '.join(_TAGS.sub(' ', match.group(1)).split())) if match else ''
    if title:
        return 'an HTML page titled "%s"' % (title if len(title) <= 80 else title[:77] + '...')
    return 'an HTML page'


class CallContext:
    """What a response needs to report errors for the request it answers.

    ``transport`` is the Transport that sent the request: it knows the origin, the settings,
    how to redact its key and how to classify a failure of its HTTP library.
    """

    def __init__(self, client, method, path, timeout):
        self._client = client
        self.method = method
        self.path = path
        self.timeout = timeout
        self.origin = client.origin
        self.console = client.settings.console
        self.redact = client.redact
        self.credential_source = client.settings.credential_source
        self.jwt = client.settings.username == 'jwt'

    def html_hint(self):
        if self.console:
            return 'check that `host` is the Convox console or the rack API host'
        return 'for a console host set `rack` to ORG/RACK'

    def api_error(self, status, headers, content):
        """The typed error for an HTTP error answer."""
        content_type = headers.get('Content-Type', '')
        text = decode(content, content_type)
        hint = None
        message = None
        if is_html(content_type, text):
            message = 'the server answered with %s instead of the Convox API' % html_summary(text)
            hint = 'a proxy or gateway in front of the rack failed' if status >= 500 else self.html_hint()
        else:
            try:
                decoded = json.loads(text) if text.strip() else None
            except ValueError:
                decoded = None
            if isinstance(decoded, dict) and isinstance(decoded.get('error'), str):
                message = decoded['error']
            else:
                message = text.strip()
            if len(message) > MAX_ERROR_TEXT:
                message = message[:MAX_ERROR_TEXT] + '...'
            if not message:
                message, hint = self._empty_answer(status)
        message = printable(self.redact(message))
        error_class = error_class_for(status, message)
        if status == 401 and hint is None:
            hint = self._auth_hint(error_class, headers)
        elif status in (301, 302, 303, 307, 308):
            hint = self._redirect_hint(headers.get('Location', ''))
        elif status == 400 and self.origin.startswith('http://') and _PLAIN_HTTP_TO_TLS.search(message):
            hint = 'the server speaks HTTPS on this port: use https:// in `host`'
        error = error_class(status, message, self.request_id(headers), self.method, self.path, hint=hint)
        # The router's empty 404 says the path is not an API route, not that an object is missing.
        error.unrouted = status in (404, 405) and not content.strip()
        return error

    def _empty_answer(self, status):
        """The message (and hint) for an error answer without a body: the router's 404 and 405."""
        if status == 404:
            hint = "the API's paths have no trailing '/'" if len(self.path) > 1 and self.path.endswith('/') else None
            return 'no such API route', hint
        if status == 405:
            return 'the API route does not take %s' % self.method, None
        return 'response status %d' % status, None

    @staticmethod
    def request_id(headers):
        """The rack's Request-Id, safe to print (it is server text)."""
        value = headers.get('Request-Id')
        return printable(value) if value is not None else None

    def _auth_hint(self, error_class, headers):
        if error_class is ConvoxForbiddenError:
            return 'the credentials are valid but their role does not allow this request (a read-only JWT cannot write)'
        if headers.get('WWW-Authenticate', '').lower().startswith('session'):
            return 'the console asks for an interactive session; use a deploy key or a CLI token as `api_key`'
        source = self.credential_source or 'the configured API key'
        if self.jwt:
            return 'the JWT from %s was not accepted (expired, or minted by another rack?)' % source
        return 'check the API key from %s' % source

    def _redirect_hint(self, location):
        parts = urlsplit(location)
        # Show where it points without user info or query: enough to fix `host`, nothing secret.
        target = '%s://%s%s' % (parts.scheme, parts.hostname, parts.path) if parts.hostname else parts.path
        return 'the API does not redirect; set `host` to the address it points to (%s)' % printable(self.redact(target or '?'))

    def response_error(self, status, headers, what, foreign=False):
        """A success answer that is not the API's; ``foreign`` when it proves the rack never saw the request."""
        return ConvoxResponseError(status, printable(self.redact(what)), self.request_id(headers), self.method, self.path,
                                   foreign=foreign)

    def transport_error(self, exc):
        """The ConvoxTransportError for an exception raised by requests or urllib3."""
        return self._client.classify_failure(exc, self)[1]

    @property
    def read_failures(self):
        """The exception types a body read may raise (the HTTP library's), to be translated."""
        return self._client.READ_FAILURES


_JSON_KINDS = {dict: 'object', list: 'list', str: 'string', int: 'number', float: 'number', bool: 'boolean', type(None): 'null'}


def _json_kind(value):
    return _JSON_KINDS.get(type(value), type(value).__name__)


class ConvoxResponse:
    """A successful answer: ``status``, ``headers``, ``request_id``, ``content``, ``text``, ``json()``.

    A streamed response (``stream=True``) is read with ``iter_content()`` and must be closed,
    best with ``with``. ``download()`` also sets ``dest_path``, ``size`` and ``sha256``.
    """

    def __init__(self, response, context):
        self._response = response
        self._context = context
        self._content = None
        self._decoded = None
        self.status = response.status_code
        self.headers = response.headers
        self.request_id = response.headers.get('Request-Id')
        self.method = context.method
        self.path = context.path
        self.dest_path = None
        self.size = None
        self.sha256 = None

    @property
    def content_type(self):
        return self.headers.get('Content-Type', '')

    @property
    def is_json(self):
        kind = media_type(self.content_type)
        return kind == 'application/json' or kind.endswith('+json')

    @property
    def content(self):
        if self._content is None:
            self._content = b''.join(self.iter_content())
        return self._content

    @property
    def text(self):
        return decode(self.content, self.content_type)

    def json(self):
        """The decoded JSON body; an HTML page or any other non-JSON body is a ConvoxResponseError."""
        if self._decoded is None:
            text = self.text
            try:
                self._decoded = (json.loads(text),)
            except ValueError:
                raise self._not_json(text) from None
        return self._decoded[0]

    def refuse_foreign_page(self):
        """Raise for an HTML page without the rack's Request-Id: a console's login page (no ``Rack``
        header) or a proxy's page answered instead of the rack, even with a success status, so a
        write that was never made is not taken for done."""
        if self.request_id or self.is_json:
            return
        if is_html(self.content_type, self.text):
            raise self._not_json(self.text, foreign=True)

    def _not_json(self, text, foreign=False):
        if is_html(self.content_type, text):
            what = 'the server answered with %s instead of the Convox API; %s' % (html_summary(text), self._context.html_hint())
        else:
            # Never quote the body: it may hold env values or other secrets.
            what = 'the answer is not JSON (content type %s, %d bytes)' % (media_type(self.content_type) or 'unknown', len(self.content))
        return self._context.response_error(self.status, self.headers, what, foreign=foreign)

    def json_of(self, kind, fields=None):
        """The decoded JSON body, which must be a ``kind`` (dict or list) as the API sends it.

        ``fields`` (a dict of name to a type or a tuple of types) describes the object, or each object of a
        list: every named field must have one of its types, and may be missing only when ``type(None)`` is
        one of them. So that an answer of another shape (a proxy's, another service's) fails as a clear
        error, not as a crash of the code that reads it.
        """
        value = self.json()
        if not isinstance(value, kind):
            raise self._context.response_error(self.status, self.headers, 'the answer is a JSON %s where the Convox API sends %s' % (
                _json_kind(value), 'an object' if kind is dict else 'a list'))
        if fields is not None:
            for index, item in enumerate(value if kind is list else [value]):
                self._check_fields(item, fields, ' (item %d)' % index if kind is list else '')
        return value

    def _check_fields(self, item, fields, where):
        if not isinstance(item, dict):
            raise self._context.response_error(self.status, self.headers, 'the answer%s is a JSON %s where the Convox API sends '
                                               'an object' % (where, _json_kind(item)))
        for name, types in sorted(fields.items()):
            types = types if isinstance(types, tuple) else (types,)
            if name not in item:
                if type(None) in types:
                    continue
                problem = 'has no %s' % name
            elif isinstance(item[name], types) and (bool in types or not isinstance(item[name], bool)):
                continue
            else:
                problem = 'has a JSON %s as %s' % (_json_kind(item[name]), name)
            raise self._context.response_error(self.status, self.headers, 'the answer%s %s where the Convox API sends %s' % (
                where, problem, ' or '.join(sorted(set(_JSON_KINDS.get(kind, kind.__name__) for kind in types)))))
        return item

    def iter_content(self, chunk_size=CHUNK_SIZE):
        """Yield the body in chunks; transport failures become Convox errors."""
        if self._content is not None:
            yield self._content
            return
        try:
            yield from self._response.iter_content(chunk_size)
        except self._context.read_failures as exc:
            raise self._context.transport_error(exc) from None

    def read_all(self):
        """Read and keep the whole body; transport errors propagate untranslated (the caller classifies them)."""
        if self._content is None:
            self._content = b''.join(self._response.iter_content(CHUNK_SIZE))

    def close(self):
        self._response.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        return '<ConvoxResponse %s %s: %s>' % (self.method, self.path, self.status)
