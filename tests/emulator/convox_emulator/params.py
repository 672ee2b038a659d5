# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request parameters decoded the way the rack's stdapi.UnmarshalOptions does (convox-api.md 1.5).

- ``param`` reads r.Form: the URL query plus an urlencoded body (POST/PUT/PATCH only) or a
  multipart body. Urlencoded body values come before query values (Go appends the query),
  multipart values after them. The first value wins.
- ``query`` reads the URL query only; ``header`` the request header only.
- Types: bool is true only for the exact string ``true``; ints are strict decimals and a parse
  failure is a 500 with strconv's message; a map is one url-encoded query string in one field;
  a list is comma-joined; durations and times use Go's formats.
- ``value`` is stdapi's Context.Value: a non-empty form value, else a non-empty header.
- A malformed multipart body does not fail the request: stdapi ignores ParseMultipartForm's
  error, and Go's ReadForm then merges nothing, so the handler sees the query (and headers) only.
  File parts are spooled (memory, then a temporary file past 4 MiB) and closed with ``close()``.
"""

import tempfile

from aiohttp.http_exceptions import HttpProcessingError

from . import golang
from .errors import ServerError
from .routing import PARAMS_KEY

FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'
MULTIPART_CONTENT_TYPE = 'multipart/form-data'
BODY_METHODS = ('POST', 'PUT', 'PATCH')
FILE_SPOOL_THRESHOLD = 4 * 1024 * 1024
READ_CHUNK = 64 * 1024


def _decode_str(value):
    return value


def _decode_bool(value):
    return value == 'true'


def _decode_int(value):
    return golang.atoi(value, 'Atoi')


def _decode_int64(value):
    return golang.atoi(value, 'ParseInt')


def _decode_list(value):
    return value.split(',')


def _decode_map(value):
    pairs, error = golang.parse_query(value)
    if error is not None:
        raise error
    mapping = {}
    for key, item in pairs:
        # url.Values.Get: the first value of each key.
        mapping.setdefault(key, item)
    return mapping


DECODERS = {
    'str': _decode_str,
    'bool': _decode_bool,
    'int': _decode_int,
    'int64': _decode_int64,
    'duration': golang.parse_duration,
    'time': golang.parse_sortable_time,
    'list': _decode_list,
    'map': _decode_map,
}


def decode(raw, kind):
    """Decode one raw string as ``kind`` (a DECODERS key); Go parse errors become 500s."""
    try:
        return DECODERS[kind](raw)
    except golang.GoError as exc:
        raise ServerError(str(exc)) from None


async def _spool(part):
    spool = tempfile.SpooledTemporaryFile(max_size=FILE_SPOOL_THRESHOLD)  # pylint: disable=consider-using-with
    try:
        while True:
            chunk = await part.read_chunk(READ_CHUNK)
            if not chunk:
                break
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


async def _read_multipart(request):
    """(values, files) of a multipart body; both empty when it is malformed (Go's ReadForm fails as a whole)."""
    pairs, files = [], {}
    try:
        reader = await request.multipart()
        async for part in reader:
            if part.filename is None:
                pairs.append((part.name, await part.text()))
            elif part.name in files:
                await part.release()
            else:
                files[part.name] = (part.filename, await _spool(part))
    except (ValueError, HttpProcessingError, AssertionError):
        for _filename, spool in files.values():
            spool.close()
        return [], {}
    return pairs, files


class Params:
    """Everything a handler can read from a request besides its path and raw body."""

    def __init__(self, method, query_pairs, body_pairs, multipart_pairs, files, headers):
        self.method = method
        self.query_pairs = query_pairs
        self.body_pairs = body_pairs
        self.multipart_pairs = multipart_pairs
        self.files = files
        self.headers = headers

    @classmethod
    async def load(cls, request):
        """Parse once per request (cached): the request log and the handler share the result."""
        cached = request.get(PARAMS_KEY)
        if cached is not None:
            return cached
        query_pairs, _error = golang.parse_query(request.rel_url.raw_query_string)
        body_pairs, multipart_pairs, files = [], [], {}
        content_type = request.content_type
        if content_type == FORM_CONTENT_TYPE and request.can_read_body:
            raw = await request.read()
            body_pairs, _error = golang.parse_query(raw.decode('utf-8', errors='replace'))
        elif content_type == MULTIPART_CONTENT_TYPE and request.can_read_body:
            multipart_pairs, files = await _read_multipart(request)
        params = cls(request.method, query_pairs, body_pairs, multipart_pairs, files, request.headers)
        request[PARAMS_KEY] = params
        return params

    def close(self):
        """Release the spooled file parts."""
        for _filename, spool in self.files.values():
            spool.close()

    # ------------------------------------------------------------ raw access

    def body_field_names(self):
        """Names of the fields the client sent in its body, whatever the method (for the request log)."""
        names = []
        for name, _value in self.body_pairs + self.multipart_pairs:
            if name not in names:
                names.append(name)
        for name in self.files:
            if name not in names:
                names.append(name)
        return names

    def query_dict(self):
        """The query as a dict: one string per name, a list when the name repeats."""
        result = {}
        for name, value in self.query_pairs:
            if name in result:
                previous = result[name]
                result[name] = previous + [value] if isinstance(previous, list) else [previous, value]
            else:
                result[name] = value
        return result

    def form_pairs(self):
        """r.Form in Go's order: urlencoded body (POST/PUT/PATCH only), query, multipart values."""
        if self.method not in BODY_METHODS:
            return self.query_pairs + self.multipart_pairs
        return self.body_pairs + self.query_pairs + self.multipart_pairs

    def _first(self, pairs, name):
        for key, value in pairs:
            if key == name:
                return value
        return None

    def raw_param(self, name):
        return self._first(self.form_pairs(), name)

    def raw_query(self, name):
        return self._first(self.query_pairs, name)

    def raw_header(self, name):
        return self.headers.get(name)

    # ------------------------------------------------------------ typed access (UnmarshalOptions)

    def param(self, name, kind='str', default=None):
        """A ``param:"name"`` option; ``default`` is the raw default tag (decoded too), None means absent."""
        return self._typed(self.raw_param(name), kind, default)

    def query(self, name, kind='str', default=None):
        """A ``query:"name"`` option."""
        return self._typed(self.raw_query(name), kind, default)

    def header(self, name, kind='str', default=None):
        """A ``header:"Name"`` option."""
        return self._typed(self.raw_header(name), kind, default)

    @staticmethod
    def _typed(raw, kind, default):
        if raw is None:
            if default is None:
                return None
            raw = default
        return decode(raw, kind)

    def value(self, name):
        """stdapi Context.Value: a non-empty form value, else a non-empty header, else ''."""
        return self.raw_param(name) or self.raw_header(name) or ''

    def form(self, name):
        """stdapi Context.Form (r.FormValue): the first form value or ''."""
        return self.raw_param(name) or ''
