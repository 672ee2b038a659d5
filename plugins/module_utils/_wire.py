# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The Convox wire format as pure functions: API paths and names, value encodings, env text.

* Paths: ``api_path('apps', name, 'releases')`` validates each user-supplied name for its
  kind and percent-encodes every segment, so no name can add segments, a query or a fragment.
* Encodings (convox-api.md section 1.5): booleans are ``true``/``false``; a map is ONE field
  holding a URL-encoded query string; a list is comma-joined; times use Go's
  ``20060102.150405.000000000`` layout.
* Env: a release's ``env`` is sorted ``KEY=VALUE`` lines; ``check_env`` is the one validation of
  what it can hold, ``encode_env`` writes it, ``parse_env`` reads it as racks do.

Nothing here does I/O or imports requests.
"""

from __future__ import annotations

import datetime
import math
import re
from urllib.parse import quote, unquote, urlencode

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, shown
from ansible_collections.convox.convox.plugins.module_utils._settings import to_bool

# App names become part of a Kubernetes namespace (`<rack>-<app>`): a lowercase RFC 1123 label.
_NAME_PATTERN = re.compile(r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z')
_ID_PATTERN = re.compile(r'^[A-Za-z0-9._-]+\Z')
# A registry server as docker config keys name it: a host, an optional port, an optional path
# (``index.docker.io/v1/``). No scheme: a ``//`` in a path is cleaned away by the rack's router.
_SERVER_PATTERN = re.compile(r'^[A-Za-z0-9._-]+(:[0-9]+)?(/[A-Za-z0-9._-]+)*/?\Z')
# App configs are Kubernetes Secrets named ``cfg-<name>``: a lowercase RFC 1123 subdomain.
_CONFIG_PATTERN = re.compile(r'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z')
_PORT_PATTERN = re.compile(r'^[0-9]{1,5}\Z')
_LITERAL_PATTERN = re.compile(r'^[A-Za-z0-9._-]+\Z')
_HEADER_NAME_PATTERN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_MAX_NAME_LENGTH = 63
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
# Names that end up in Kubernetes names have their limits: 63 for a label, 253 for ``cfg-<config>``.
_MAX_LENGTHS = {_NAME_PATTERN: _MAX_NAME_LENGTH, _CONFIG_PATTERN: 253 - len('cfg-')}

_NAME_RULE = (_NAME_PATTERN, "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters")
_ID_RULE = (_ID_PATTERN, "letters, digits, '.', '_' and '-'")
_RULES = {
    'app': _NAME_RULE,
    'service': _NAME_RULE,
    'resource': _NAME_RULE,
    'build': _ID_RULE,
    'release': _ID_RULE,
    'process': _ID_RULE,
    'config': (_CONFIG_PATTERN, "lowercase letters, digits, '-' and '.', each '.'-separated part starting and ending with a "
                                "letter or digit"),
    'certificate': _ID_RULE,
    'instance': _ID_RULE,
    'registry': (_SERVER_PATTERN, "a host name with an optional ':port' and path, without a scheme (index.docker.io/v1/)"),
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


def check_name(kind, value):
    """Validate one name or id of ``kind`` (app, service, release, ...) for use in a path; return it as text."""
    if value is None or value == '':
        raise ConvoxConfigError('missing %s name' % kind)
    text = str(value)
    pattern, rule = _RULES[kind]
    too_long = len(text) > _MAX_LENGTHS.get(pattern, len(text))
    dot_piece = any(piece in ('.', '..') for piece in text.split('/'))
    if too_long or not pattern.match(text) or dot_piece:
        raise ConvoxConfigError('invalid %s name %s: %s names are %s' % (kind, shown(text), kind, rule))
    return text


def _check_object_key(parts):
    key = '/'.join(str(part) for part in parts)
    pieces = key.split('/')
    if not key or any(piece in ('', '.', '..') for piece in pieces) or any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise ConvoxConfigError("invalid object key %s: keys are '/'-separated names without empty, '.' or '..' parts" % shown(key))
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
            encoded.append(check_name(expected[0], segment))
            expected = expected[1:]
        elif segment == _OBJECTS and len(encoded) >= 2 and encoded[-2] == 'apps':
            encoded.append(segment)
            encoded.extend(_check_object_key(segments[index + 1:]) if index + 1 < len(segments) else [])
            break
        else:
            text = str(segment) if segment is not None else ''
            if not _LITERAL_PATTERN.match(text) or text in ('.', '..'):
                raise ConvoxConfigError('invalid API path segment %s' % shown(text))
            encoded.append(text)
            expected = _SEGMENT_KINDS.get(text, ())
        index += 1
    return '/' + '/'.join(quote(segment, safe='') for segment in encoded)


def check_request_path(path):
    """Refuse a path that is not a plain API path (it is joined to the rack's base URL)."""
    # Paths are joined to the rack's base URL: anything that could change the host, add a
    # query past the encoder, or smuggle a header is refused before it reaches the wire.
    if not isinstance(path, str) or not path.startswith('/') or path.startswith('//'):
        raise ConvoxConfigError("an API path must start with a single '/': %s" % shown(path))
    if '?' in path or '#' in path or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in path):
        raise ConvoxConfigError("an API path must not hold spaces, '?' or '#' (pass query parameters as params): %s" % shown(path))
    # The rack routes on the decoded path (gorilla/mux), so %2E%2E is `..` and %2F a separator there.
    decoded = unquote(path)
    if any(piece in ('.', '..') for piece in decoded.split('/')):
        raise ConvoxConfigError("an API path must not hold '.' or '..' segments, also not percent-encoded: %s" % shown(path))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        raise ConvoxConfigError('an API path must not hold control characters, also not percent-encoded: %s' % shown(path))


# Headers a caller may not set on a request: the credentials and the rack come from the connection
# settings, and the rest are the HTTP client's own (framing, hop-by-hop, proxying), which a value
# of the caller's could break or use to smuggle a second request.
_CONNECTION_HEADERS = frozenset(('authorization', 'rack'))
_PROTOCOL_HEADERS = frozenset(('host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer',
                               'upgrade', 'expect'))


def check_request_headers(headers):
    """Refuse extra request headers that the connection settings or the HTTP client own."""
    names = sorted(str(name) for name in (headers or {}))
    owned = [name for name in names if name.lower() in _CONNECTION_HEADERS]
    if owned:
        raise ConvoxConfigError('headers may not set %s: they come from the connection options' % ', '.join(owned))
    protocol = [name for name in names if name.lower() in _PROTOCOL_HEADERS or name.lower().startswith('proxy-')]
    if protocol:
        raise ConvoxConfigError('headers may not set %s: the HTTP client sets them from the request itself' % ', '.join(protocol))


def parse_object_url(url):
    """``object://<app>/<key>`` (what the object store answers, and a build's ``logs``) as ``(app, key)``.

    Raises ConvoxConfigError for anything else.
    """
    text = str(url or '')
    prefix = 'object://'
    app, sep, key = text[len(prefix):].partition('/')
    if not text.startswith(prefix) or not sep or not app or not key:
        raise ConvoxConfigError('not an object URL (object://<app>/<key>): %s' % shown(text))
    return check_name('app', app), key


# ---------------------------------------------------------------------------------------
# Value encodings (convox-api.md section 1.5)
# ---------------------------------------------------------------------------------------

def encode_bool(value):
    """A boolean as the rack reads it: exactly ``true``, anything else is false."""
    return 'true' if to_bool(value, 'a boolean parameter') else 'false'


def _encode_scalar(value, what):
    if isinstance(value, bool):
        return encode_bool(value)
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    raise ConvoxConfigError('%s must be a string, number or boolean, not %s' % (what, type(value).__name__))


def encode_map(mapping, what='a map parameter'):
    """A map as ONE URL-encoded query string, to be sent as a single field or header.

    ``{'BuildMem': 512, 'BuildCpu': 256}`` becomes ``BuildCpu=256&BuildMem=512`` (sorted keys),
    which a form field then encodes once more (``parameters=BuildCpu%3D256%26BuildMem%3D512``).
    Sending the map as separate fields is silently ignored by real racks. ``what`` names the
    map in messages (``params.parameters``), so an error points at the whole path of the value.
    """
    if not isinstance(mapping, dict):
        raise ConvoxConfigError('%s must be a dict, not %s' % (what, type(mapping).__name__))
    pairs = []
    for key in sorted(mapping, key=str):
        name = _encode_scalar(key, 'a key of %s' % what)
        if not name:
            raise ConvoxConfigError('%s has an empty key' % what)
        value = mapping[key]
        pairs.append((name, '' if value is None else _encode_scalar(value, '%s.%s' % (what, name))))
    return urlencode(pairs)


def encode_list(values, what='a list parameter'):
    """A list as the rack reads it: comma-joined. ``what`` names the list in messages."""
    if isinstance(values, str):
        return values
    items = [_encode_scalar(value, '%s[%d]' % (what, index)) for index, value in enumerate(values)]
    for index, item in enumerate(items):
        if ',' in item:
            raise ConvoxConfigError('%s[%d] cannot contain a comma: the rack splits lists on commas' % (what, index))
    return ','.join(items)


def encode_fields(fields, what='request fields'):
    """Form fields, query parameters or headers as wire strings; None values are left out.

    Booleans become ``true``/``false``, dicts ``encode_map``, lists ``encode_list``. ``what``
    names the fields in messages (``params``, ``data``, ``headers``): ``params.limit``.
    """
    if fields is None:
        return None
    if not isinstance(fields, dict):
        raise ConvoxConfigError('%s must be a dict, not %s' % (what, type(fields).__name__))
    encoded = {}
    for name, value in fields.items():
        if value is None:
            continue
        field = '%s.%s' % (what, name)
        if isinstance(value, dict):
            encoded[name] = encode_map(value, field)
        elif isinstance(value, (list, tuple)):
            encoded[name] = encode_list(value, field)
        else:
            encoded[name] = _encode_scalar(value, field)
    return encoded


# bufio.Scanner's default token limit: racks fail to read env with a longer KEY=VALUE line.
MAX_ENV_LINE_BYTES = 64 * 1024 - 1


def check_env_key(key):
    """Validate one environment variable name for a release's env text; return it as text.

    The rack trims keys and splits lines at the first ``=``, so a name must be non-empty,
    without ``=``, without spaces at its ends and without control characters.
    """
    if isinstance(key, (dict, list, tuple, set)):
        raise ConvoxConfigError('invalid environment variable name: a name is text, not a %s' % type(key).__name__)
    name = str(key) if key is not None else ''
    if not name or name != name.strip() or '=' in name or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ConvoxConfigError('invalid environment variable name %s: names must be non-empty, without "=", spaces at the ends '
                                'or control characters' % shown(name))
    return name


def check_env(env):
    """The env as the text a release stores: a dict of names to text values, or ConvoxConfigError.

    This is the one validation of env for every module and plugin: names pass ``check_env_key``;
    values are text, numbers, booleans (``true``/``false``) or None (empty), kept exactly as
    given otherwise (spaces, ``=``, unicode), and cannot hold a line break or make a line longer
    than a rack reads. Errors name the key, never the value.
    """
    if not isinstance(env, dict):
        raise ConvoxConfigError('an environment must be a dict, not %s' % type(env).__name__)
    checked = {}
    for key, value in env.items():
        name = check_env_key(key)
        text = '' if value is None else _encode_scalar(value, 'the value of environment variable %s' % name)
        if '\n' in text or '\r' in text:
            raise ConvoxConfigError('the value of environment variable %s holds a line break, which a Convox release cannot store' % name)
        try:
            size = len(('%s=%s' % (name, text)).encode('utf-8'))
        except UnicodeEncodeError:
            raise ConvoxConfigError('environment variable %s is not valid Unicode text' % name) from None
        if size > MAX_ENV_LINE_BYTES:
            raise ConvoxConfigError('environment variable %s is too long: a Convox rack reads at most %d bytes per KEY=VALUE line'
                                    % (name, MAX_ENV_LINE_BYTES))
        if name in checked:
            raise ConvoxConfigError('environment variable %s is given twice' % name)
        checked[name] = text
    return checked


def encode_env(env):
    """An app environment as a release's ``env`` text: sorted ``KEY=VALUE`` lines, no trailing newline.

    ``env`` is checked by ``check_env``; errors name the key, never the value.
    """
    checked = check_env(env)
    return '\n'.join('%s=%s' % (name, checked[name]) for name in sorted(checked))


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


# Go's RFC 3339 times as encoding/json writes them: fractional seconds optional, Z or an offset.
_TIME_PATTERN = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z')
ZERO_TIME = '0001-01-01T00:00:00Z'


def parse_time(text):
    """A time of the rack's JSON (``2027-06-01T12:00:00.5Z``) as whole Unix seconds (fractions dropped).

    Go's zero time (``0001-01-01T00:00:00Z``: not set), an empty value and None are None;
    anything else that is not RFC 3339 raises ConvoxConfigError.
    """
    if text in (None, '', ZERO_TIME):
        return None
    match = _TIME_PATTERN.match(str(text))
    if not match:
        raise ConvoxConfigError('not an RFC 3339 time: %s' % shown(text))
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    if year == 1:
        return None
    try:
        moment = datetime.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=datetime.timezone.utc)
    except ValueError:
        raise ConvoxConfigError('not an RFC 3339 time: %s' % shown(text)) from None
    offset = match.group(8)
    seconds = int((moment - _EPOCH).total_seconds())
    if offset not in ('Z', 'z'):
        sign = 1 if offset[0] == '+' else -1
        seconds -= sign * (int(offset[1:3]) * 3600 + int(offset[4:6]) * 60)
    return seconds


def format_time(seconds):
    """Unix seconds as an RFC 3339 UTC time (``2027-06-01T12:00:00Z``), as the rack writes whole seconds."""
    return (_EPOCH + datetime.timedelta(seconds=int(seconds))).strftime('%Y-%m-%dT%H:%M:%SZ')


def encode_time(moment):
    """A datetime in the rack's parameter time format, ``20060102.150405.000000000`` (UTC assumed)."""
    return moment.strftime('%Y%m%d.%H%M%S.') + '%09d' % (moment.microsecond * 1000)


# Go's time.ParseDuration units, in seconds.
_DURATION_UNITS = {'ns': 1e-9, 'us': 1e-6, '\u00b5s': 1e-6, 'ms': 1e-3, 's': 1.0, 'm': 60.0, 'h': 3600.0, 'd': 86400.0}
_DURATION_PART = re.compile(r'([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|ms|s|m|h|d)')


# The longest duration Go reads (time.Duration is an int64 of nanoseconds): racks answer anything longer with
# "time: invalid duration".
GO_MAX_DURATION_SECONDS = (2 ** 63 - 1) // 10 ** 9


def parse_duration(value, what='a duration'):
    """Seconds (a float) from a number of seconds or a duration such as ``90s``, ``10m``, ``1h30m`` or ``2d``.

    Go's duration units (``ns`` to ``h``) and ``d`` for days; no sign. Raises ConvoxConfigError.
    """
    if isinstance(value, bool):
        raise ConvoxConfigError('%s must be a number of seconds or a duration such as 10m or 1h30m' % what)
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        text = str(value).strip()
        try:
            seconds = float(text)
        except ValueError:
            position, seconds = 0, 0.0
            for match in _DURATION_PART.finditer(text):
                if match.start() != position:
                    break
                seconds += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
                position = match.end()
            if not text or position != len(text):
                raise ConvoxConfigError('%s must be a number of seconds or a duration such as 10m or 1h30m, not %s' % (what, shown(text))) from None
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        raise ConvoxConfigError('%s must be a finite number of seconds of at least 0' % what)
    if seconds > GO_MAX_DURATION_SECONDS:
        raise ConvoxConfigError('%s must be at most %d seconds (about 292 years, the longest duration a rack reads)'
                                % (what, GO_MAX_DURATION_SECONDS))
    return seconds


def encode_duration(seconds, back=False):
    """Seconds as a Go duration in whole seconds (``600s``, ``-3600s``), the form the rack's duration options parse.

    With ``back``, the duration goes back from now (``600`` is ``-600s``), for options the rack adds to the time.
    """
    if seconds is None:
        return None
    value = -float(seconds) if back else float(seconds)
    whole = int(value) if value.is_integer() else int(value) + (1 if value > 0 else -1)
    return '%ds' % whole


def check_header(name, value):
    """Refuse a header that http.client would send broken (non-Latin-1) or that could start another header."""
    # A header name is an RFC 9110 token: http.client encodes it as ASCII and would raise on anything else
    # (a UnicodeEncodeError, not a Convox error), and a space or colon would make another header of it.
    if not _HEADER_NAME_PATTERN.match(str(name)):
        raise ConvoxConfigError("invalid header name %s: a header name is ASCII letters, digits and !#$%%&'*+-.^_`|~ "
                                "(no spaces, colons or line breaks)" % shown(name))
    # http.client sends header values as Latin-1 and would raise on anything else, and a
    # line break would start a new header: refuse both before sending.
    try:
        str(value).encode('latin-1')
    except UnicodeEncodeError:
        raise ConvoxConfigError('the header %s must hold only Latin-1 characters' % shown(name)) from None
    if '\r' in str(value) or '\n' in str(value):
        raise ConvoxConfigError('invalid header %s: its value cannot hold line breaks' % shown(name))
