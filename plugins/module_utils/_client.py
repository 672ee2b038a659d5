# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The wire client for the Convox rack API: the one place that knows the wire.

Everything about HTTP lives here: the requests Session, authentication headers, path
escaping and name validation, parameter encodings, retries, typed errors, TLS and
streaming. Modules and plugins call one method per API call and never see requests.

Errors. Every failure is a ``ConvoxError``; no other exception type escapes the client::

    ConvoxError
      ConvoxConfigError            missing or invalid connection settings, invalid names
      ConvoxFileError              a local file to upload or download to cannot be used
      ConvoxMissingLibraryError    the Python library requests is not installed
      ConvoxTransportError         no usable HTTP answer
        ConvoxConnectionError      cannot connect, or the connection broke
          ConvoxTLSError           the certificate was not accepted
        ConvoxTimeoutError         no answer in time
      ConvoxAPIError               an HTTP error answer (status_code, message, request_id, method, path)
        ConvoxValidationError      400, 422
        ConvoxAuthError            401 invalid authentication
        ConvoxForbiddenError       403, and 401 "you are unauthorized to access this" (role too weak)
        ConvoxNotFoundError        404
        ConvoxConflictError        409
        ConvoxServerError          500 (v3 also answers a missing release or build id with 500)
        ConvoxNotImplementedError  501
        ConvoxGatewayError         502, 503, 504
        ConvoxResponseError        a success whose body is not what the API sends (an HTML page, not JSON)

No message ever holds the API key (raw, URL-encoded or inside a Basic header), URL user
info, or request data such as env values: messages are built from the method, the path,
the server's error text and transport facts, and are scrubbed of the key once more.

Retries (``RetrySettings``). Each retry waits with exponential backoff and full jitter,
``uniform(0, min(backoff_max, backoff_base * 2 ** n))``, or what ``Retry-After`` asks, never
more than ``backoff_max``. Whether a failed attempt may be sent again depends on whether
the rack can have acted on it:

    ================================  ==============  ==============  ==================
    attempt failed with               GET/HEAD/OPTS   POST/PUT/DELETE idempotent=False
    ================================  ==============  ==============  ==================
    connection refused / DNS failure  retry           retry           retry
    connect timeout                   retry           retry           -
    429 Too Many Requests             retry           retry           -
    502, 503, 504                     retry           -               -
    500                               retry_on_500    -               -
    read timeout, connection broken   retry           -               -
    TLS failure, any other status     -               -               -
    ================================  ==============  ==============  ==================

``idempotent=True`` makes a request retry like a read; ``idempotent=False`` is for calls that
must never run twice (build create, release create, uploads). Every retry calls ``warn`` and
increments ``ConvoxClient.retry_count``.

Deadline. A call (all its attempts and waits) is bounded by
``timeout * (max_retries + 1) + max_retries * backoff_max`` seconds from its start: that is
every attempt using its full timeout and every wait its longest allowed value, so the
deadline never cuts a normal retry schedule short, but a schedule stretched by slow
attempts stops retrying (and later attempts get a shorter timeout) instead of running on.
``timeout`` itself bounds the connect and each read of a single attempt, as in requests.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import http.client
import json
import math
import os
import random
import re
import socket
import stat
import ssl
import tempfile
import time
import traceback
import warnings
from urllib.parse import quote, quote_plus, urlencode, urlsplit

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.convox.convox.plugins.module_utils._version import COLLECTION_VERSION

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
DEFAULT_USER = 'convox'
DEFAULT_TIMEOUT = 30.0
# Build imports upload a whole exported build and the rack unpacks it before answering.
BUILD_IMPORT_TIMEOUT = 1800.0
# Streamed uploads and downloads move this much at a time, whatever the file size.
CHUNK_SIZE = 64 * 1024

SAFE_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
KNOWN_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'))
GATEWAY_STATUSES = frozenset((502, 503, 504))

# The longest server error text kept in a message; HTML pages are summarised instead.
MAX_ERROR_TEXT = 500
REDACTED = '********'


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------

class ConvoxError(Exception):
    """Base of every error the client raises. ``str()`` is a complete, secret-free sentence."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
        # Set by the retry loop when it gave up, so the message says retries were tried.
        self.retries = 0

    def describe(self):
        return self.message

    def __str__(self):
        text = self.describe()
        if self.retries:
            text += ' (gave up after %d %s)' % (self.retries, 'retry' if self.retries == 1 else 'retries')
        return text

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, str(self))


class ConvoxConfigError(ConvoxError):
    """Missing or invalid connection settings, or a name that cannot be put in an API path."""


class ConvoxFileError(ConvoxError):
    """A local file to upload cannot be read, or a download cannot be written."""


class ConvoxMissingLibraryError(ConvoxError):
    """The Python library requests (with urllib3) is not installed where the client runs."""

    def __init__(self):
        super().__init__('the Python library requests is required to talk to a Convox rack (pip install requests)')
        self.import_error = REQUESTS_IMPORT_ERROR


class ConvoxTransportError(ConvoxError):
    """No usable HTTP answer: ``method`` and ``path`` tell which request."""

    def __init__(self, message, method=None, path=None):
        super().__init__(message)
        self.method = method
        self.path = path


class ConvoxConnectionError(ConvoxTransportError):
    """The connection could not be opened, or broke before the answer was complete."""


class ConvoxTLSError(ConvoxConnectionError):
    """The server's TLS certificate was not accepted."""


class ConvoxTimeoutError(ConvoxTransportError):
    """The server did not answer within the timeout (or the call's deadline passed)."""


class ConvoxAPIError(ConvoxError):
    """The rack, the console or a proxy in front of them answered with an HTTP error.

    ``message`` is the server's own text (the ``error`` of a JSON body, else the trimmed body,
    else ``response status <code>``); ``str()`` adds the request, the status and the request id.
    """

    def __init__(self, status_code, message, request_id=None, method=None, path=None, hint=None):
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.method = method
        self.path = path
        self.hint = hint

    def describe(self):
        text = '%s %s answered %s: %s' % (self.method or '?', self.path or '?', self.status_code, self.message)
        if self.hint:
            text += '; %s' % self.hint
        if self.request_id:
            text += ' (request id %s)' % self.request_id
        return text


class ConvoxValidationError(ConvoxAPIError):
    """400 or 422: the rack refused the request's parameters."""


class ConvoxAuthError(ConvoxAPIError):
    """401: the credentials were not accepted."""


class ConvoxForbiddenError(ConvoxAPIError):
    """403, or 401 "you are unauthorized to access this" (the credentials' role is too weak)."""


class ConvoxNotFoundError(ConvoxAPIError):
    """404: no such app, object, resource, ... or route."""


class ConvoxConflictError(ConvoxAPIError):
    """409: the app already exists, or is locked."""


class ConvoxServerError(ConvoxAPIError):
    """500: an untyped rack error. v3 racks also answer a missing release, build or process id so."""


class ConvoxNotImplementedError(ConvoxAPIError):
    """501: the rack does not offer this call (for example ``PUT /system`` on v3)."""


class ConvoxGatewayError(ConvoxAPIError):
    """502, 503 or 504: a gateway or the rack was unavailable."""


class ConvoxResponseError(ConvoxAPIError):
    """The server answered with a success whose body is not what the Convox API sends."""


_ERROR_CLASSES = {
    400: ConvoxValidationError,
    401: ConvoxAuthError,
    403: ConvoxForbiddenError,
    404: ConvoxNotFoundError,
    409: ConvoxConflictError,
    422: ConvoxValidationError,
    500: ConvoxServerError,
    501: ConvoxNotImplementedError,
    502: ConvoxGatewayError,
    503: ConvoxGatewayError,
    504: ConvoxGatewayError,
}

# Authorization failures (the role lacks r or w) are 401 on the wire, but they mean "you may
# not", not "who are you": retrying with the same credentials cannot help.
_ROLE_DENIED_TEXT = 'unauthorized to access'


def error_class_for(status_code, message=''):
    """Return the ConvoxAPIError subclass for an HTTP status and the server's message."""
    if status_code == 401 and _ROLE_DENIED_TEXT in message:
        return ConvoxForbiddenError
    return _ERROR_CLASSES.get(status_code, ConvoxAPIError)


# ---------------------------------------------------------------------------------------
# Settings the client is built from (``_connection.resolve_connection`` produces them)
# ---------------------------------------------------------------------------------------

RETRY_DEFAULTS = dict(max_retries=3, backoff_base=1.0, backoff_max=30.0, retry_on_500=False)


class RetrySettings:
    """How transient failures are retried; the rules are in the module docstring."""

    __slots__ = ('max_retries', 'backoff_base', 'backoff_max', 'retry_on_500')

    def __init__(self, max_retries=RETRY_DEFAULTS['max_retries'], backoff_base=RETRY_DEFAULTS['backoff_base'],
                 backoff_max=RETRY_DEFAULTS['backoff_max'], retry_on_500=RETRY_DEFAULTS['retry_on_500']):
        self.max_retries = _non_negative(max_retries, 'retries.max_retries', int)
        self.backoff_base = _non_negative(backoff_base, 'retries.backoff_base', float)
        self.backoff_max = _non_negative(backoff_max, 'retries.backoff_max', float)
        self.retry_on_500 = _to_bool(retry_on_500, 'retries.retry_on_500')

    @classmethod
    def from_options(cls, options):
        """Build from the ``retries`` option: a dict whose missing or None entries take the defaults."""
        if options is None:
            return cls()
        if not isinstance(options, dict):
            raise ConvoxConfigError('retries must be a dict with max_retries, backoff_base, backoff_max and retry_on_500')
        unknown = sorted(set(options) - set(RETRY_DEFAULTS))
        if unknown:
            raise ConvoxConfigError('retries has unknown keys: %s' % ', '.join(str(key) for key in unknown))
        values = dict(RETRY_DEFAULTS)
        values.update((key, value) for key, value in options.items() if value is not None)
        return cls(**values)

    def __eq__(self, other):
        return isinstance(other, RetrySettings) and all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return 'RetrySettings(%s)' % ', '.join('%s=%r' % (name, getattr(self, name)) for name in self.__slots__)


def secret_forms(secret):
    """Every form a secret takes in text: as is, and percent-encoded the ways URLs and forms encode it."""
    if not secret:
        return ()
    return tuple(sorted(set((secret, quote(secret, safe=''), quote(secret), quote_plus(secret))), key=len, reverse=True))


class ConnectionSettings:
    """Everything the client needs to reach one rack, already resolved.

    ``rack`` is set only in console mode, where every request carries ``Rack: <rack>``.
    ``verify`` is True, False or the path of a CA bundle. ``credential_source`` says in
    words where the key came from, for error hints; it never holds the key itself.
    """

    __slots__ = ('base_url', 'username', 'password', 'rack', 'verify', 'timeout', 'retries', 'actor', 'credential_source')

    def __init__(self, base_url, password, username=DEFAULT_USER, rack=None, verify=True, timeout=DEFAULT_TIMEOUT,
                 retries=None, actor=None, credential_source=None):
        parts = urlsplit(base_url or '')
        if parts.scheme not in ('http', 'https') or not parts.hostname:
            raise ConvoxConfigError('the rack URL must be an http:// or https:// URL with a host')
        if '@' in parts.netloc:
            # Credentials travel only in the Authorization header, never in URLs that end up in logs.
            raise ConvoxConfigError('the rack URL must not carry credentials; pass them as the API key')
        self.base_url = base_url.rstrip('/')
        self.username = username or DEFAULT_USER
        self.password = password
        self.rack = rack or None
        self.verify = verify
        self.timeout = _positive(timeout, 'timeout')
        self.retries = retries if retries is not None else RetrySettings()
        self.actor = actor or None
        self.credential_source = credential_source

    @property
    def console(self):
        """True when requests go through a console and carry the ``Rack`` header."""
        return self.rack is not None

    def secret_values(self):
        """The values a caller must mask in its own output (for example ``module.no_log_values``)."""
        return secret_forms(self.password)

    def __repr__(self):
        return ('ConnectionSettings(base_url=%r, username=%r, password=%s, rack=%r, verify=%r, timeout=%r, retries=%r, actor=%r)'
                % (self.base_url, self.username, REDACTED if self.password else None, self.rack, self.verify,
                   self.timeout, self.retries, self.actor))


def _non_negative(value, name, kind):
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConvoxConfigError('%s must be a number' % name) from None
    if isinstance(value, bool) or math.isnan(number) or number < 0:
        raise ConvoxConfigError('%s must be a number of at least 0' % name)
    return number


def _positive(value, name):
    number = _non_negative(value, name, float)
    if number == 0 or math.isinf(number):
        raise ConvoxConfigError('%s must be a finite number more than 0' % name)
    return number


def _to_bool(value, name):
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise ConvoxConfigError('%s must be a boolean' % name) from None


# ---------------------------------------------------------------------------------------
# Paths: names are validated and each segment percent-encoded before any request
# ---------------------------------------------------------------------------------------

# App names become part of a Kubernetes namespace (`<rack>-<app>`): a lowercase RFC 1123 label.
_NAME_PATTERN = re.compile(r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z')
_ID_PATTERN = re.compile(r'^[A-Za-z0-9._-]+\Z')
_SERVER_PATTERN = re.compile(r'^[A-Za-z0-9._-]+(:[0-9]+)?\Z')
_PORT_PATTERN = re.compile(r'^[0-9]{1,5}\Z')
_LITERAL_PATTERN = re.compile(r'^[A-Za-z0-9._-]+\Z')
_MAX_NAME_LENGTH = 63

_NAME_RULE = (_NAME_PATTERN, "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters")
_ID_RULE = (_ID_PATTERN, "letters, digits, '.', '_' and '-'")
_RULES = {
    'app': _NAME_RULE,
    'service': _NAME_RULE,
    'resource': _NAME_RULE,
    'build': _ID_RULE,
    'release': _ID_RULE,
    'process': _ID_RULE,
    'config': _ID_RULE,
    'certificate': _ID_RULE,
    'instance': _ID_RULE,
    'registry': (_SERVER_PATTERN, "a host name with an optional ':port'"),
    'port': (_PORT_PATTERN, 'a port number'),
}

# A collection keyword says what the segments after it are: /apps/{app}/releases/{release}/promote.
_SEGMENT_KINDS = {
    'apps': ('app',),
    'builds': ('build',),
    'certificates': ('certificate',),
    'configs': ('config',),
    'instances': ('instance',),
    'links': ('app',),
    'processes': ('process',),
    'registries': ('registry',),
    'releases': ('release',),
    'resources': ('resource',),
    'services': ('service',),
    'ssl': ('service', 'port'),
}
# Object keys may hold '/' (tmp/x.tgz): everything after 'objects' is the key.
_OBJECTS = 'objects'


def _shown(value):
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + '...'


def _check_segment(kind, value):
    if value is None or value == '':
        raise ConvoxConfigError('missing %s name' % kind)
    text = str(value)
    pattern, rule = _RULES[kind]
    too_long = pattern is _NAME_PATTERN and len(text) > _MAX_NAME_LENGTH
    if too_long or not pattern.match(text) or text in ('.', '..'):
        raise ConvoxConfigError('invalid %s name %s: %s names are %s' % (kind, _shown(text), kind, rule))
    return text


def _check_object_key(parts):
    key = '/'.join(str(part) for part in parts)
    pieces = key.split('/')
    if not key or any(piece in ('', '.', '..') for piece in pieces) or any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise ConvoxConfigError("invalid object key %s: keys are '/'-separated names without empty, '.' or '..' parts" % _shown(key))
    return pieces


def api_path(*segments):
    """Build an API path from segments, validating user-supplied names and escaping each segment.

    ``api_path('apps', name, 'releases', release_id, 'promote')``. A segment that follows a
    collection keyword (``apps``, ``services``, ``releases``, ...) is a name or id and is
    validated for its kind; everything after ``objects`` is an object key, whose ``/`` are
    kept as separators. Every segment is percent-encoded (``quote(safe='')``), so no name
    can add path segments, a query or a fragment. Raises ConvoxConfigError.
    """
    encoded = []
    expected = ()
    index = 0
    while index < len(segments):
        segment = segments[index]
        if expected:
            encoded.append(_check_segment(expected[0], segment))
            expected = expected[1:]
        elif segment == _OBJECTS and len(encoded) >= 2 and encoded[-2] == 'apps':
            encoded.append(segment)
            encoded.extend(_check_object_key(segments[index + 1:]) if index + 1 < len(segments) else [])
            break
        else:
            text = str(segment) if segment is not None else ''
            if not _LITERAL_PATTERN.match(text) or text in ('.', '..'):
                raise ConvoxConfigError('invalid API path segment %s' % _shown(text))
            encoded.append(text)
            expected = _SEGMENT_KINDS.get(text, ())
        index += 1
    return '/' + '/'.join(quote(segment, safe='') for segment in encoded)


def _check_request_path(path):
    # Paths are joined to the rack's base URL: anything that could change the host, add a
    # query past the encoder, or smuggle a header is refused before it reaches the wire.
    if not isinstance(path, str) or not path.startswith('/') or path.startswith('//'):
        raise ConvoxConfigError("an API path must start with a single '/': %s" % _shown(path))
    if '?' in path or '#' in path or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in path):
        raise ConvoxConfigError("an API path must not hold spaces, '?' or '#' (pass query parameters as params): %s" % _shown(path))
    if any(piece in ('.', '..') for piece in path.split('/')):
        raise ConvoxConfigError("an API path must not hold '.' or '..' segments: %s" % _shown(path))


# ---------------------------------------------------------------------------------------
# Value encodings (convox-api.md section 1.5)
# ---------------------------------------------------------------------------------------

def encode_bool(value):
    """A boolean as the rack reads it: exactly ``true``, anything else is false."""
    return 'true' if _to_bool(value, 'a boolean parameter') else 'false'


def _encode_scalar(value, what):
    if isinstance(value, bool):
        return encode_bool(value)
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    raise ConvoxConfigError('%s must be a string, number or boolean, not %s' % (what, type(value).__name__))


def encode_map(mapping):
    """A map as ONE URL-encoded query string, to be sent as a single field or header.

    ``{'BuildMem': 512, 'BuildCpu': 256}`` becomes ``BuildCpu=256&BuildMem=512`` (sorted keys),
    which a form field then encodes once more (``parameters=BuildCpu%3D256%26BuildMem%3D512``).
    Sending the map as separate fields is silently ignored by real racks.
    """
    if not isinstance(mapping, dict):
        raise ConvoxConfigError('a map parameter must be a dict, not %s' % type(mapping).__name__)
    pairs = []
    for key in sorted(mapping, key=str):
        name = _encode_scalar(key, 'a map key')
        if not name:
            raise ConvoxConfigError('a map parameter has an empty key')
        value = mapping[key]
        pairs.append((name, '' if value is None else _encode_scalar(value, 'the value of %s' % name)))
    return urlencode(pairs)


def encode_list(values):
    """A list as the rack reads it: comma-joined."""
    if isinstance(values, str):
        return values
    items = [_encode_scalar(value, 'a list item') for value in values]
    if any(',' in item for item in items):
        raise ConvoxConfigError('a list item cannot contain a comma: the rack splits lists on commas')
    return ','.join(items)


def encode_fields(fields):
    """Form fields, query parameters or headers as wire strings; None values are left out.

    Booleans become ``true``/``false``, dicts ``encode_map``, lists ``encode_list``.
    """
    if fields is None:
        return None
    if not isinstance(fields, dict):
        raise ConvoxConfigError('request fields must be a dict, not %s' % type(fields).__name__)
    encoded = {}
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dict):
            encoded[name] = encode_map(value)
        elif isinstance(value, (list, tuple)):
            encoded[name] = encode_list(value)
        else:
            encoded[name] = _encode_scalar(value, 'the parameter %s' % name)
    return encoded


def encode_env(env):
    """An app environment as a release's ``env`` text: sorted ``KEY=VALUE`` lines, no trailing newline.

    Errors name the key, never the value.
    """
    if not isinstance(env, dict):
        raise ConvoxConfigError('an environment must be a dict, not %s' % type(env).__name__)
    lines = []
    for key in sorted(env, key=str):
        name = str(key)
        if not name or name != name.strip() or '=' in name or any(ord(ch) < 32 for ch in name):
            raise ConvoxConfigError('invalid environment variable name %s: names must be non-empty, without "=", spaces at the ends '
                                    'or control characters' % _shown(name))
        value = env[key]
        text = '' if value is None else _encode_scalar(value, 'the value of %s' % name)
        if '\n' in text or '\r' in text:
            raise ConvoxConfigError('the value of environment variable %s holds a line break, which a Convox release cannot store' % name)
        lines.append('%s=%s' % (name, text))
    return '\n'.join(lines)


def parse_env(text):
    """Parse a release's ``env`` text the way racks do.

    Lines are split at the first ``=``; the key is trimmed and the value kept as it is;
    lines without ``=`` or with an empty key are skipped; a later key wins.
    """
    env = {}
    for line in (text or '').split('\n'):
        if line.endswith('\r'):
            line = line[:-1]
        key, sep, value = line.partition('=')
        key = key.strip()
        if sep and key:
            env[key] = value
    return env


def encode_time(moment):
    """A datetime in the rack's parameter time format, ``20060102.150405.000000000`` (UTC assumed)."""
    return moment.strftime('%Y%m%d.%H%M%S.') + '%09d' % (moment.microsecond * 1000)


# ---------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------

_HTML_TITLE = re.compile(r'<title[^>]*>(.*?)</title>', re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r'<[^>]+>')


def _media_type(content_type):
    return (content_type or '').split(';', 1)[0].strip().lower()


def _charset(content_type):
    for piece in (content_type or '').split(';')[1:]:
        name, sep, value = piece.partition('=')
        if sep and name.strip().lower() == 'charset':
            return value.strip().strip('"') or 'utf-8'
    return 'utf-8'


def _decode(content, content_type):
    try:
        return content.decode(_charset(content_type), 'replace')
    except LookupError:
        return content.decode('utf-8', 'replace')


def _is_html(content_type, text):
    if _media_type(content_type) in ('text/html', 'application/xhtml+xml'):
        return True
    head = text[:200].lstrip().lower()
    return head.startswith('<!doctype html') or head.startswith('<html')


def _html_summary(text):
    match = _HTML_TITLE.search(text[:65536])
    title = ' '.join(_TAGS.sub(' ', match.group(1)).split()) if match else ''
    if title:
        return 'an HTML page titled "%s"' % (title if len(title) <= 80 else title[:77] + '...')
    return 'an HTML page'


class _CallContext:
    """What a response needs to report errors for the request it answers."""

    def __init__(self, client, method, path, timeout):
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
        text = _decode(content, content_type)
        hint = None
        message = None
        if _is_html(content_type, text):
            message = 'the server answered with %s instead of the Convox API' % _html_summary(text)
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
            message = message or 'response status %d' % status
        message = self.redact(message)
        error_class = error_class_for(status, message)
        if status == 401 and hint is None:
            hint = self._auth_hint(error_class, headers)
        elif status in (301, 302, 303, 307, 308):
            hint = self._redirect_hint(headers.get('Location', ''))
        return error_class(status, message, headers.get('Request-Id'), self.method, self.path, hint=hint)

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
        return 'the API does not redirect; set `host` to the address it points to (%s)' % self.redact(target or '?')

    def response_error(self, status, headers, what):
        return ConvoxResponseError(status, self.redact(what), headers.get('Request-Id'), self.method, self.path)

    def transport_error(self, exc):
        """The ConvoxTransportError for an exception raised by requests or urllib3."""
        return _transport_failure(exc, self)[1]


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
        media_type = _media_type(self.content_type)
        return media_type == 'application/json' or media_type.endswith('+json')

    @property
    def content(self):
        if self._content is None:
            self._content = b''.join(self.iter_content())
        return self._content

    @property
    def text(self):
        return _decode(self.content, self.content_type)

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
        if _is_html(self.content_type, self.text):
            raise self._not_json(self.text)

    def _not_json(self, text):
        if _is_html(self.content_type, text):
            what = 'the server answered with %s instead of the Convox API; %s' % (_html_summary(text), self._context.html_hint())
        else:
            # Never quote the body: it may hold env values or other secrets.
            what = 'the answer is not JSON (content type %s, %d bytes)' % (_media_type(self.content_type) or 'unknown', len(self.content))
        return self._context.response_error(self.status, self.headers, what)

    def iter_content(self, chunk_size=CHUNK_SIZE):
        """Yield the body in chunks; transport failures become Convox errors."""
        if self._content is not None:
            yield self._content
            return
        try:
            yield from self._response.iter_content(chunk_size)
        except _READ_FAILURES as exc:
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


# ---------------------------------------------------------------------------------------
# Transport failures
# ---------------------------------------------------------------------------------------

# What went wrong, ordered by how much of the request can have reached the server.
_REFUSED = 'refused'                  # no connection at all: nothing was sent
_CONNECT_TIMEOUT = 'connect-timeout'  # the connection never opened: nothing was sent
_TLS = 'tls'                          # the certificate was refused: nothing was sent, retrying cannot help
_READ_TIMEOUT = 'read-timeout'        # sent, no answer in time: the rack may be acting on it
_BROKEN = 'broken'                    # sent, the connection broke: the rack may have acted on it

if HAS_REQUESTS:
    _READ_FAILURES = (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
else:  # pragma: no cover - the client refuses to start without requests
    _READ_FAILURES = (http.client.HTTPException, OSError)


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


def _os_reason(chain):
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


def _transport_failure(exc, context):
    """Classify a requests/urllib3 exception: ``(kind, ConvoxTransportError, short description)``."""
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
        return _REFUSED, error, 'could not connect (%s)' % reason
    if _first(chain, (requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)):
        error = ConvoxTimeoutError(redact('cannot connect to %s: no answer within %gs' % (origin, context.timeout)), method, path)
        return _CONNECT_TIMEOUT, error, 'could not connect within %gs' % context.timeout
    if _first(chain, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, socket.timeout)):
        message = '%s %s: no answer from %s within %gs (raise `timeout` for slow calls)' % (method, path, origin, context.timeout)
        return _READ_TIMEOUT, ConvoxTimeoutError(redact(message), method, path), 'got no answer within %gs' % context.timeout
    reason = _os_reason(chain)
    message = '%s %s: the connection to %s broke: %s' % (method, path, origin, reason)
    return _BROKEN, ConvoxConnectionError(redact(message), method, path), 'lost the connection (%s)' % reason


# ---------------------------------------------------------------------------------------
# Retry decisions
# ---------------------------------------------------------------------------------------

_REPLAY_ANY = 'any'          # reads and explicitly idempotent calls
_REPLAY_UNSENT = 'unsent'    # writes: only when the rack cannot have acted on the request
_REPLAY_REFUSED = 'refused'  # never twice: only when the connection itself was refused


def _replay_policy(method, idempotent):
    if idempotent is False:
        return _REPLAY_REFUSED
    if idempotent or method in SAFE_METHODS:
        return _REPLAY_ANY
    return _REPLAY_UNSENT


def _may_retry_failure(policy, kind):
    if kind == _REFUSED:
        return True
    if kind == _CONNECT_TIMEOUT:
        return policy != _REPLAY_REFUSED
    if kind in (_READ_TIMEOUT, _BROKEN):
        return policy == _REPLAY_ANY
    return False


def _may_retry_status(policy, status, retry_on_500):
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


def _check_header(name, value):
    # http.client sends header values as Latin-1 and would raise on anything else, and a
    # line break would start a new header: refuse both before sending.
    try:
        str(value).encode('latin-1')
    except UnicodeEncodeError:
        raise ConvoxConfigError('the header %s must hold only Latin-1 characters' % _shown(name)) from None
    if '\r' in str(value) or '\n' in str(value) or not str(name) or any(ch in str(name) for ch in ':\r\n '):
        raise ConvoxConfigError('invalid header %s: names and values cannot hold line breaks' % _shown(name))


def _ignore(message):
    return None


# ---------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------

class ConvoxClient:
    """One rack connection: a requests Session reused by every call of a module run or lookup.

    ``warn(text)`` receives one line per retry; ``debug(text)`` one line per attempt.
    ``sleep``, ``clock`` and ``jitter`` (a function returning a float in [0, 1)) are
    injectable so tests can observe the retry schedule without waiting for it.
    """

    def __init__(self, settings, warn=None, debug=None, sleep=None, clock=None, jitter=None):
        if not HAS_REQUESTS:
            raise ConvoxMissingLibraryError()
        self.settings = settings
        self.retry_count = 0
        self._warn = warn or _ignore
        self._debug = debug or _ignore
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._jitter = jitter or random.random
        parts = urlsplit(settings.base_url)
        self.origin = '%s://%s' % (parts.scheme, parts.netloc)
        self._secrets = self._secret_forms(settings)
        self._session = self._new_session(settings)

    # -- plumbing -------------------------------------------------------------------------

    @staticmethod
    def _secret_forms(settings):
        forms = set()
        if settings.password:
            forms.update(secret_forms(settings.password))
            forms.add(base64.b64encode(('%s:%s' % (settings.username, settings.password)).encode('utf-8')).decode('ascii'))
        # Longest first, so that a secret containing another is replaced whole.
        return sorted(forms, key=len, reverse=True)

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
            _check_header(name, value)
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
        method = str(method).upper()
        if method not in KNOWN_METHODS:
            raise ConvoxConfigError('unsupported HTTP method %s' % _shown(method))
        _check_request_path(path)
        if data is not None and body is not None:
            raise ConvoxConfigError('a request takes form data or a raw body, not both')
        timeout = self.settings.timeout if timeout is None else _positive(timeout, 'timeout')
        retries = self.settings.retries
        policy = _replay_policy(method, idempotent)
        raw_body = _RequestBody(body)
        wire = dict(
            params=encode_fields(params),
            data=encode_fields(data),
            headers=encode_fields(headers) or {},
        )
        if body is not None:
            wire['headers'].setdefault('Content-Type', 'application/octet-stream')
        for name, value in wire['headers'].items():
            _check_header(name, value)
        deadline = self._clock() + call_deadline(timeout, retries)
        attempt = 0
        while True:
            # Late attempts get what is left of the deadline; messages quote the configured timeout.
            attempt_timeout = min(timeout, deadline - self._clock())
            context = _CallContext(self, method, path, timeout)
            try:
                response = self._attempt(method, path, wire, raw_body, attempt_timeout, stream, context)
            except _AttemptFailed as failed:
                error, retry_after, what = failed.error, None, failed.what
                allowed = _may_retry_failure(policy, failed.kind)
            else:
                if response.status < 300:
                    if not stream:
                        response.refuse_foreign_page()
                    return response
                error = context.api_error(response.status, response.headers, response.content)
                response.close()
                retry_after = retry_after_seconds(response.headers.get('Retry-After'))
                what = 'answered %d' % response.status
                allowed = _may_retry_status(policy, response.status, retries.retry_on_500)
            delay = self._backoff(attempt, retry_after)
            if not allowed or not raw_body.replayable or attempt >= retries.max_retries or self._clock() + delay > deadline:
                error.retries = attempt
                raise error
            self._warn('%s %s %s; retry %d of %d in %.1fs' % (method, path, what, attempt + 1, retries.max_retries, delay))
            self._sleep(delay)
            if self._clock() >= deadline:
                # The wait overran the deadline, so the announced retry is not sent:
                # report what went wrong, not the clock.
                self._debug('%s %s: the deadline passed during the wait; retry %d not sent' % (method, path, attempt + 1))
                error.retries = attempt
                raise error
            attempt += 1
            self.retry_count += 1

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
        except _READ_FAILURES as exc:
            kind, error, what = _transport_failure(exc, context)
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

    def get_json(self, path, params=None):
        """GET a path and return its decoded JSON."""
        return self.request('GET', path, params=params).json()

    def upload(self, method, path, source, params=None, headers=None, timeout=None):
        """Stream a file (a path or a binary file object) as a raw ``application/octet-stream`` body.

        The body is read in chunks while it is sent, so memory stays constant whatever the
        size. An upload is never sent twice, except after a refused connection.
        """
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
        elif hasattr(source, 'read'):
            body = source
        else:
            raise ConvoxFileError('an upload source must be a file path or a binary file object')
        fields = dict(headers or {})
        fields.setdefault('Content-Type', 'application/octet-stream')
        return self.request(method, path, params=params, headers=fields, body=body, timeout=timeout, idempotent=False)

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

    # -- API calls: one method per call, in the order of convox-api.md section 2 --------------

    # Apps

    def app_list(self):
        return self.get_json(api_path('apps'))

    def app_get(self, name):
        return self.get_json(api_path('apps', name))

    def app_create(self, name):
        # The ordinary write policy suffices: only 429 or an unopened connection replays it,
        # and even a replayed create would only answer 409 "app already exists".
        return self.request('POST', api_path('apps'), data=dict(name=_check_segment('app', name))).json()

    def app_update(self, name, lock=None, parameters=None):
        """Lock/unlock an app or change its parameters (each update re-promotes the app on v3)."""
        self.request('PUT', api_path('apps', name), data=dict(lock=lock, parameters=parameters))

    def app_delete(self, name):
        self.request('DELETE', api_path('apps', name))

    def app_cancel(self, name):
        self.request('POST', api_path('apps', name, 'cancel'))

    # Builds

    def build_list(self, app, limit=None):
        return self.get_json(api_path('apps', app, 'builds'), params=dict(limit=limit))

    def build_get(self, app, id):
        return self.get_json(api_path('apps', app, 'builds', id))

    def build_create(self, app, url, description=None, manifest=None, development=None, no_cache=None, build_args=None,
                     git_sha=None):
        """Start a build from a source URL (``object://...`` from ``object_store``). Never sent twice."""
        data = {
            'url': url,
            'description': description,
            'manifest': manifest,
            'development': development,
            'no-cache': no_cache,
            'build-args': build_args,
            'git-sha': git_sha,
        }
        return self.request('POST', api_path('apps', app, 'builds'), data=data, idempotent=False).json()

    def build_import(self, app, source, timeout=BUILD_IMPORT_TIMEOUT):
        """Stream an exported build (a gzipped tar) into the app; the rack answers with the new Build."""
        return self.upload('POST', api_path('apps', app, 'builds', 'import'), source, timeout=timeout).json()

    def build_export(self, app, id, dest_path=None, timeout=BUILD_IMPORT_TIMEOUT):
        """Stream a build's export (``GET .../builds/{id}.tgz``) to a file; returns the ConvoxResponse."""
        build = _check_segment('build', id)
        return self.download(api_path('apps', app, 'builds', build + '.tgz'), dest_path, timeout=timeout)

    # Releases

    def release_list(self, app, limit=None):
        return self.get_json(api_path('apps', app, 'releases'), params=dict(limit=limit))

    def release_get(self, app, id):
        return self.get_json(api_path('apps', app, 'releases', id))

    def release_create(self, app, build=None, env=None, description=None, parent_release=None):
        """Create a release (the way env is set): ``env`` is a dict (or env text) replacing the whole env.

        Never sent twice: each call makes a new release.
        """
        data = {
            'build': build,
            'env': encode_env(env) if isinstance(env, dict) else env,
            'description': description,
            'parent-release': parent_release,
        }
        return self.request('POST', api_path('apps', app, 'releases'), data=data, idempotent=False).json()

    def release_promote(self, app, id, force=None):
        self.request('POST', api_path('apps', app, 'releases', id, 'promote'), data=dict(force=force))

    # Objects

    def object_store(self, app, key, source):
        """Store a file (path or binary file object) as an app object; return its ``object://`` URL."""
        answer = self.upload('POST', api_path('apps', app, 'objects', key), source).json()
        url = answer.get('Url') if isinstance(answer, dict) else None
        if not isinstance(url, str):
            raise ConvoxResponseError(200, 'the object store answer has no Url', None, 'POST', api_path('apps', app, 'objects', key))
        return url

    def object_fetch(self, app, key, dest_path=None):
        """Stream an app object to a file; returns the ConvoxResponse (``dest_path``, ``size``, ``sha256``)."""
        return self.download(api_path('apps', app, 'objects', key), dest_path)

    # System

    def auth_check(self):
        """GET /auth, the CLI's login probe: True, or the error that says why not."""
        self.request('GET', api_path('auth'))
        return True

    def system_get(self):
        return self.get_json(api_path('system'))

    def system_capacity(self):
        return self.get_json(api_path('system', 'capacity'))

    def system_processes(self, all=False):
        return self.get_json(api_path('system', 'processes'), params=dict(all=True if all else None))

    def jwt_token(self, role, duration_hours):
        """Mint a rack JWT (``role`` read, write or admin) valid for ``duration_hours``; returns the token.

        The token is a secret: callers must keep it out of logs (``no_log``).
        """
        try:
            hours = int(duration_hours)
        except (TypeError, ValueError):
            raise ConvoxConfigError('a JWT duration must be a whole number of hours') from None
        answer = self.request('POST', api_path('system', 'jwt', 'token'),
                              data={'role': role, 'durationInHour': hours}).json()
        token = answer.get('token') if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ConvoxResponseError(200, 'the JWT answer has no token', None, 'POST', '/system/jwt/token')
        return token


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
