# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one place that turns values and errors into response bytes, the way the rack's stdapi does.

- JSON: ``json.MarshalIndent(v, "", "  ")`` plus a newline; field order is the order of the
  dicts handed in (models build them in Go struct order); Go maps are key-sorted (go_map).
- ``ok\\n`` as text/plain for RenderOK.
- Errors: ``{"error":"..."}\\n`` when the first Accept header lists application/json (and the
  rack version answers JSON at all), else ``<msg>\\n`` as text via Go's http.Error.
"""

import json

from aiohttp import web

JSON_CONTENT_TYPE = 'application/json'
TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8'
HTML_CONTENT_TYPE = 'text/html; charset=utf-8'
OCTET_STREAM = 'application/octet-stream'

# encoding/json escapes these even inside otherwise valid UTF-8 strings (HTML safety).
_GO_JSON_ESCAPES = (('<', '\\u003c'), ('>', '\\u003e'), ('&', '\\u0026'), ('\u2028', '\\u2028'), ('\u2029', '\\u2029'))


def go_map(mapping):
    """A Go map[string]string as encoding/json writes it: keys sorted."""
    return dict(sorted((mapping or {}).items()))


def _go_numbers(value):
    """Go prints integral float64 values without a fraction (0, not 0.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {key: _go_numbers(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_go_numbers(item) for item in value]
    return value


def _go_escape(text):
    # These characters can only occur inside JSON strings, so replacing them in the whole
    # document is the same as escaping each string.
    for char, escaped in _GO_JSON_ESCAPES:
        text = text.replace(char, escaped)
    return text


def encode_json(value):
    """Bytes of json.MarshalIndent(value, "", "  ") + "\\n"."""
    return (_go_escape(json.dumps(_go_numbers(value), indent=2, ensure_ascii=False)) + '\n').encode('utf-8')


def encode_json_compact(value):
    """Bytes of json.NewEncoder(w).Encode(value): compact with a newline."""
    return (_go_escape(json.dumps(_go_numbers(value), separators=(',', ':'), ensure_ascii=False)) + '\n').encode('utf-8')


def json_response(value, status=200):
    return web.Response(status=status, body=encode_json(value), headers={'Content-Type': JSON_CONTENT_TYPE})


def ok_response():
    return web.Response(body=b'ok\n', headers={'Content-Type': TEXT_CONTENT_TYPE})


def text_response(text, status=200, content_type=TEXT_CONTENT_TYPE):
    return web.Response(status=status, body=text.encode('utf-8'), headers={'Content-Type': content_type})


def empty_response(status):
    """What gorilla/mux answers for unrouted paths and wrong methods: status only, Content-Length 0."""
    return web.Response(status=status)


def accepts_json(accept_header):
    """stdapi acceptsJSON: any comma-separated media type (parameters ignored) equal to application/json."""
    for part in (accept_header or '').split(','):
        if part.split(';', 1)[0].strip() == JSON_CONTENT_TYPE:
            return True
    return False


def error_response(error, json_errors):
    """Render an ApiError. ``json_errors``: the client asked for JSON and the rack version answers JSON."""
    if json_errors:
        response = web.Response(status=error.status, body=encode_json_compact({'error': error.message}),
                                headers={'Content-Type': JSON_CONTENT_TYPE})
    else:
        # net/http.Error also sets nosniff on its text answers.
        response = web.Response(status=error.status, body=(error.message + '\n').encode('utf-8'),
                                headers={'Content-Type': TEXT_CONTENT_TYPE, 'X-Content-Type-Options': 'nosniff'})
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


# ---------------------------------------------------------------- content sniffing

_WHITESPACE = b'\t\n\x0c\r '
_HTML_TAGS = (b'<!DOCTYPE HTML', b'<HTML', b'<HEAD', b'<SCRIPT', b'<IFRAME', b'<H1', b'<DIV', b'<FONT', b'<TABLE',
              b'<A', b'<STYLE', b'<TITLE', b'<B', b'<BODY', b'<BR', b'<P', b'<!--')
_PREFIX_TYPES = (
    (b'%PDF-', 'application/pdf'),
    (b'%!PS-Adobe-', 'application/postscript'),
    (b'\xfe\xff', 'text/plain; charset=utf-16be'),
    (b'\xff\xfe', 'text/plain; charset=utf-16le'),
    (b'\xef\xbb\xbf', TEXT_CONTENT_TYPE),
    (b'\x00\x00\x01\x00', 'image/x-icon'),
    (b'\x00\x00\x02\x00', 'image/x-icon'),
    (b'BM', 'image/bmp'),
    (b'GIF87a', 'image/gif'),
    (b'GIF89a', 'image/gif'),
    (b'\x89PNG\r\n\x1a\n', 'image/png'),
    (b'\xff\xd8\xff', 'image/jpeg'),
    (b'OggS\x00', 'application/ogg'),
    (b'\x1f\x8b\x08', 'application/x-gzip'),
    (b'PK\x03\x04', 'application/zip'),
    (b'Rar!\x1a\x07\x00', 'application/x-rar-compressed'),
    (b'Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'),
    (b'\x00asm', 'application/wasm'),
)
_BINARY_BYTES = frozenset(list(range(0x00, 0x09)) + [0x0b] + list(range(0x0e, 0x1b)) + list(range(0x1c, 0x20)))


def sniff_content_type(data):
    """net/http.DetectContentType for the signatures an object store sees (archives, text, images, HTML)."""
    data = data[:512]
    trimmed = data.lstrip(_WHITESPACE)
    for tag in _HTML_TAGS:
        if trimmed[:len(tag)].upper() == tag and trimmed[len(tag):len(tag) + 1] in (b' ', b'>'):
            return HTML_CONTENT_TYPE
    if trimmed.startswith(b'<?xml'):
        return 'text/xml; charset=utf-8'
    for prefix, content_type in _PREFIX_TYPES:
        if data.startswith(prefix):
            return content_type
    if data[:4] == b'RIFF' and data[8:14] == b'WEBPVP':
        return 'image/webp'
    if any(byte in _BINARY_BYTES for byte in data):
        return OCTET_STREAM
    return TEXT_CONTENT_TYPE
