# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Go standard library behaviour the rack exposes on the wire.

The rack is a Go program: its error messages quote values the way ``strconv.Quote`` does,
its query strings are parsed by ``net/url``, its times are formatted by ``time``. Clients see
these strings verbatim, so the emulator reproduces them here, in one place.
"""

import calendar
import re
import time
import urllib.parse

ZERO_TIME = "0001-01-01T00:00:00Z"
SORTABLE_TIME_LAYOUT = "20060102.150405.000000000"

_NANOS_PER_SECOND = 1000000000


class GoError(Exception):
    """A Go error value: untyped, so the API answers it with a 500 and its text."""


def quote(value):
    """strconv.Quote for the characters that appear in practice."""
    out = ['"']
    for char in value:
        if char in ('"', '\\'):
            out.append('\\' + char)
        elif char == '\n':
            out.append('\\n')
        elif char == '\r':
            out.append('\\r')
        elif char == '\t':
            out.append('\\t')
        elif ord(char) < 0x20 or ord(char) == 0x7f:
            out.append('\\x%02x' % ord(char))
        else:
            out.append(char)
    out.append('"')
    return ''.join(out)


_INT_RE = re.compile(r'[+-]?[0-9]+\Z')


def atoi(value, func='Atoi', bits=64):
    """strconv.Atoi / ParseInt(value, 10, 64): strict decimal, errors worded like Go."""
    if not _INT_RE.match(value):
        raise GoError('strconv.%s: parsing %s: invalid syntax' % (func, quote(value)))
    number = int(value)
    if not -(1 << (bits - 1)) <= number < (1 << (bits - 1)):
        raise GoError('strconv.%s: parsing %s: value out of range' % (func, quote(value)))
    return number


# ---------------------------------------------------------------- net/url

def _unescape(value):
    """url.QueryUnescape: '+' is a space, '%XX' must be valid hex."""
    index = value.find('%')
    while index != -1:
        escape = value[index:index + 3]
        if len(escape) < 3 or not all(c in '0123456789abcdefABCDEF' for c in escape[1:]):
            raise GoError('invalid URL escape %s' % quote(escape))
        index = value.find('%', index + 3)
    return urllib.parse.unquote(value.replace('+', ' '), errors='replace')


def parse_query(query):
    """url.ParseQuery: returns (pairs in order, first error or None), skipping bad pairs like Go."""
    pairs = []
    error = None
    for segment in query.split('&'):
        if ';' in segment:
            error = error or GoError('invalid semicolon separator in query')
            continue
        if not segment:
            continue
        key, _sep, value = segment.partition('=')
        try:
            pairs.append((_unescape(key), _unescape(value)))
        except GoError as exc:
            error = error or exc
    return pairs, error


# ---------------------------------------------------------------- path

def path_clean(path):
    """path.Clean for the rooted paths the API builds ("/" + key)."""
    rooted = path.startswith('/')
    parts = []
    for part in path.split('/'):
        if part in ('', '.'):
            continue
        if part == '..':
            if parts and parts[-1] != '..':
                parts.pop()
            elif not rooted:
                parts.append(part)
            continue
        parts.append(part)
    cleaned = '/'.join(parts)
    if rooted:
        return '/' + cleaned
    return cleaned or '.'


# ---------------------------------------------------------------- time

def format_time(nanos):
    """time.Time.MarshalJSON (RFC 3339, nanoseconds with trailing zeros trimmed, UTC)."""
    if nanos is None:
        return ZERO_TIME
    seconds, fraction = divmod(nanos, _NANOS_PER_SECOND)
    text = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))
    if fraction:
        text += ('.%09d' % fraction).rstrip('0')
    return text + 'Z'


def format_sortable_time(nanos):
    """The 20060102.150405.000000000 layout used by time-typed API params."""
    seconds, fraction = divmod(nanos, _NANOS_PER_SECOND)
    return time.strftime('%Y%m%d.%H%M%S', time.gmtime(seconds)) + '.%09d' % fraction


def _days_in(month, year):
    return calendar.monthrange(year, month)[1]


def _getnum(value, fixed):
    """time.getnum: one or two digits (exactly two when fixed)."""
    if not value[:1].isdigit() or not value[:1].isascii():
        return None, value
    if not value[1:2].isdigit() or not value[1:2].isascii():
        if fixed:
            return None, value
        return int(value[0]), value[1:]
    return int(value[:2]), value[2:]


def parse_sortable_time(value):
    """time.Parse("20060102.150405.000000000", value) with Go's error messages; returns UTC nanoseconds."""
    layout = SORTABLE_TIME_LAYOUT

    def cannot(rest, element):
        return GoError('parsing time %s as %s: cannot parse %s as %s' % (quote(value), quote(layout), quote(rest), quote(element)))

    def out_of_range(what):
        return GoError('parsing time %s: %s out of range' % (quote(value), what))

    rest = value
    if len(rest) < 4 or not rest[:4].isdigit() or not rest[:4].isascii():
        raise cannot(rest, '2006')
    year, rest = int(rest[:4]), rest[4:]
    fields = {}
    for element, name, fixed in (('01', 'month', True), ('02', 'day', True), ('.', None, None),
                                 ('15', 'hour', False), ('04', 'minute', True), ('05', 'second', True)):
        if name is None:
            if not rest.startswith(element):
                raise cannot(rest, element)
            rest = rest[len(element):]
            continue
        number, remaining = _getnum(rest, fixed)
        if number is None:
            raise cannot(rest, element)
        fields[name] = number
        rest = remaining
        if name == 'month' and not 1 <= number <= 12:
            raise out_of_range('month')
        if name == 'day' and not 1 <= number <= 31:
            raise out_of_range('day')
        if name == 'hour' and not 0 <= number < 24:
            raise out_of_range('hour')
        if name in ('minute', 'second') and not 0 <= number < 60:
            raise out_of_range(name)
    if len(rest) < 10 or rest[0] not in '.,' or not rest[1:10].isdigit() or not rest[1:10].isascii():
        raise cannot(rest, '.000000000')
    nanos, rest = int(rest[1:10]), rest[10:]
    if rest:
        raise GoError('parsing time %s: extra text: %s' % (quote(value), quote(rest)))
    if fields['day'] > _days_in(fields['month'], year if year else 2000):
        raise out_of_range('day')
    if year == 0:
        # calendar.timegm cannot represent year 0; nothing sends it, but keep it an error rather than a crash.
        raise out_of_range('year')
    seconds = calendar.timegm((year, fields['month'], fields['day'], fields['hour'], fields['minute'], fields['second'], 0, 0, 0))
    return seconds * _NANOS_PER_SECOND + nanos


_DURATION_UNITS = {
    'ns': 1, 'us': 1000, '\u00b5s': 1000, '\u03bcs': 1000, 'ms': 1000000,
    's': _NANOS_PER_SECOND, 'm': 60 * _NANOS_PER_SECOND, 'h': 3600 * _NANOS_PER_SECOND,
}
_DURATION_PART_RE = re.compile(r'([0-9]*(?:\.[0-9]*)?)([^0-9.]*)')


def parse_duration(value):
    """time.ParseDuration; returns nanoseconds."""
    invalid = GoError('time: invalid duration %s' % quote(value))
    text = value
    sign = 1
    if text[:1] in ('+', '-'):
        sign = -1 if text[0] == '-' else 1
        text = text[1:]
    if text == '0':
        return 0
    if not text:
        raise invalid
    total = 0
    while text:
        match = _DURATION_PART_RE.match(text)
        number, unit = match.group(1), match.group(2)
        if number in ('', '.'):
            raise invalid
        if not unit:
            raise GoError('time: missing unit in duration %s' % quote(value))
        if unit not in _DURATION_UNITS:
            raise GoError('time: unknown unit %s in duration %s' % (quote(unit), quote(value)))
        whole, _dot, frac = number.partition('.')
        scale = _DURATION_UNITS[unit]
        total += int(whole or '0') * scale
        if frac:
            total += int(frac) * scale // (10 ** len(frac))
        text = text[match.end():]
    if total >= 1 << 63:
        raise invalid
    return sign * total


# ---------------------------------------------------------------- encoding/base64

_STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
_STD_DECODE = {char: index for index, char in enumerate(_STD_ALPHABET)}


def b64decode_std(text):
    """base64.StdEncoding.DecodeString: padding required, CR and LF ignored, errors as ``illegal base64 data at input byte N``."""
    data = text.encode('utf-8')
    out = bytearray()
    position = 0
    while True:
        quantum, position, error_at = _decode_quantum(data, position)
        if error_at is not None:
            raise GoError('illegal base64 data at input byte %d' % error_at)
        if quantum is None:
            return bytes(out)
        out.extend(quantum)
        if position >= len(data) and len(quantum) < 3:
            return bytes(out)


def _decode_quantum(data, position):
    """One 4-character group: (decoded bytes or None at the end, next position, error offset or None)."""
    values = []
    while len(values) < 4:
        if position == len(data):
            if not values:
                return None, position, None
            return None, position, position - len(values)
        char = chr(data[position])
        position += 1
        if char in _STD_DECODE:
            values.append(_STD_DECODE[char])
            continue
        if char in '\r\n':
            continue
        if char != '=' or len(values) < 2:
            return None, position, position - 1
        if len(values) == 2:
            while position < len(data) and chr(data[position]) in '\r\n':
                position += 1
            if position == len(data):
                return None, position, len(data)
            if chr(data[position]) != '=':
                return None, position, position - 1
            position += 1
        while position < len(data) and chr(data[position]) in '\r\n':
            position += 1
        if position < len(data):
            return None, position, position
        break
    number = 0
    for value in values + [0] * (4 - len(values)):
        number = (number << 6) | value
    decoded = number.to_bytes(3, 'big')[:len(values) - 1]
    return decoded, position, None
