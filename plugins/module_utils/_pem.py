# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""PEM certificates and keys, checked with the standard library before an upload.

A v3 rack stores whatever it is sent and reads it back on every certificate list: an upload
without a PEM block makes that list drop the connection (a Go panic), another block type or bad
DER makes it a 500, and the broken upload stays until it is deleted. Nor does a v3 rack check
that the key belongs to the certificate. So uploads are checked here, on the host that runs the
module, with nothing but the standard library:

* ``read_pem(text, what)``: the PEM blocks of a text, refusing anything that is not clean PEM.
* ``parse_certificate(der)``: an X.509 certificate's subject common name, DNS names, validity,
  public key and SHA-256 fingerprint, from a small DER reader.
* ``private_key_public(block_type, der)``: the public key of an RSA (PKCS#1), EC (SEC 1) or PKCS#8
  (RSA, EC, Ed25519) private key; computed when the key does not carry it (EC point
  multiplication on P-256, P-384 and P-521; Ed25519 as RFC 8032 derives it).
* ``check_upload(certificate, private_key, chain)``: all of it, returning an ``Upload`` with the
  leaf, the chain and the key re-encoded as canonical PEM (which Go reads exactly as we did).

When the ``cryptography`` library is installed, every certificate and the key are also loaded
by it (a stricter parser); without it the checks above are the whole check.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError

try:
    from cryptography import x509 as _x509
    from cryptography.hazmat.primitives import serialization as _serialization
    HAS_CRYPTOGRAPHY = True
except ImportError:  # optional: the standard-library checks stand alone
    HAS_CRYPTOGRAPHY = False

CERTIFICATE = 'CERTIFICATE'
KEY_TYPES = ('RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY')

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_BEGIN = re.compile(r'^-----BEGIN ([A-Z0-9 ]+)-----$')
_END = re.compile(r'^-----END ([A-Z0-9 ]+)-----$')

# DER tags
_BOOLEAN, _INTEGER, _BIT_STRING, _OCTET_STRING, _OID = 0x01, 0x02, 0x03, 0x04, 0x06
_UTC_TIME, _GENERALIZED_TIME = 0x17, 0x18
_SEQUENCE, _SET = 0x30, 0x31
_STRING_TAGS = {0x0c: 'utf-8', 0x13: 'latin-1', 0x14: 'latin-1', 0x16: 'latin-1', 0x1e: 'utf-16-be', 0x1c: 'utf-32-be'}

_OID_COMMON_NAME = '2.5.4.3'
_OID_SUBJECT_ALT_NAME = '2.5.29.17'
_OID_RSA = '1.2.840.113549.1.1.1'
_OID_EC = '1.2.840.10045.2.1'
_OID_ED25519 = '1.3.101.112'


class PemError(ConvoxConfigError):
    """A certificate, key or chain that cannot be uploaded. Messages never quote key material."""


class DerError(ValueError):
    """Malformed DER (turned into a PemError that names the input)."""


# ---------------------------------------------------------------------------------------
# PEM
# ---------------------------------------------------------------------------------------

def read_pem(text, what):
    """``[(block type, DER bytes)]`` of the PEM blocks in ``text``; ``what`` names the input in errors.

    Text between blocks is ignored (as Go's pem.Decode skips it). A BEGIN line without its END,
    bad base64, or an encrypted legacy key (``Proc-Type: 4,ENCRYPTED``) is refused.
    """
    if not isinstance(text, str) or not text.strip():
        raise PemError('%s is empty' % what)
    blocks = []
    block_type, body, encrypted = None, [], False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if block_type is None:
            begin = _BEGIN.match(line)
            if begin:
                block_type, body, encrypted = begin.group(1), [], False
            continue
        end = _END.match(line)
        if end:
            if end.group(1) != block_type:
                raise PemError('%s: the PEM block %s ends with END %s (line %d)' % (what, block_type, end.group(1), number))
            if encrypted:
                raise PemError('%s: the PEM block %s is encrypted; the rack needs it unencrypted' % (what, block_type))
            try:
                der = base64.b64decode(''.join(body).encode('ascii'), validate=True)
            except (binascii.Error, ValueError, UnicodeEncodeError):
                raise PemError('%s: the PEM block %s is not valid base64' % (what, block_type)) from None
            if not der:
                raise PemError('%s: the PEM block %s is empty' % (what, block_type))
            blocks.append((block_type, der))
            block_type = None
        elif ':' in line:
            # RFC 1421 headers: the legacy OpenSSL encryption of keys (Proc-Type, DEK-Info).
            if 'ENCRYPTED' in line.upper():
                encrypted = True
        elif line:
            body.append(line)
    if block_type is not None:
        raise PemError('%s: the PEM block %s has no END line' % (what, block_type))
    if not blocks:
        raise PemError('%s holds no PEM block (-----BEGIN ...-----)' % what)
    return blocks


# A private key block as it appears in a text (any line endings), for masking it where it does not belong.
_PRIVATE_KEY_BLOCK = re.compile(r'-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.*?(?:-----END \1-----|\Z)', re.DOTALL)


def private_key_texts(text):
    """The private key blocks written in ``text`` (a certificate or chain option), as they appear there,
    with each of their base64 lines: secrets to mask.

    A combined PEM (certificate and key in one file, as haproxy reads it) given as the certificate holds
    the key in an option that is not no_log; anything but text holds none.
    """
    if not isinstance(text, str):
        return []
    found = []
    for match in _PRIVATE_KEY_BLOCK.finditer(text):
        block = match.group(0)
        found.extend([block, block.strip()])
        found.extend(line.strip() for line in block.splitlines()[1:] if len(line.strip()) >= 16 and '-----' not in line)
    return found


def pem_text(block_type, der):
    """Canonical PEM: the BEGIN line, base64 in lines of 64, the END line, a final newline."""
    encoded = base64.b64encode(der).decode('ascii')
    lines = [encoded[index:index + 64] for index in range(0, len(encoded), 64)]
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (block_type, '\n'.join(lines), block_type)


# ---------------------------------------------------------------------------------------
# DER
# ---------------------------------------------------------------------------------------

def _tlv(data, pos, end):
    """(tag, content start, content end) of the DER element at ``pos``."""
    if pos + 2 > end:
        raise DerError('truncated')
    tag = data[pos]
    if tag & 0x1f == 0x1f:
        raise DerError('high tag numbers are not used in certificates')
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise DerError('indefinite length (BER, not DER)')
    else:
        count = first & 0x7f
        if count > 4 or pos + count > end:
            raise DerError('bad length')
        length = int.from_bytes(data[pos:pos + count], 'big')
        pos += count
    if pos + length > end:
        raise DerError('truncated')
    return tag, pos, pos + length


def _items(data, start, end):
    """The elements inside a constructed value, as a list of (tag, start, end)."""
    items = []
    pos = start
    while pos < end:
        item = _tlv(data, pos, end)
        items.append(item)
        pos = item[2]
    return items


def _expect(item, tag, what):
    if item[0] != tag:
        raise DerError('%s: expected tag 0x%02x, found 0x%02x' % (what, tag, item[0]))
    return item


def _integer(data, item):
    _expect(item, _INTEGER, 'integer')
    return int.from_bytes(data[item[1]:item[2]], 'big', signed=True)


def _oid(data, item):
    _expect(item, _OID, 'object identifier')
    raw = data[item[1]:item[2]]
    if not raw:
        raise DerError('empty object identifier')
    parts, value = [], 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7f)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    first = parts[0]
    head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    return '.'.join(str(part) for part in head + parts[1:])


def _bit_string(data, item):
    _expect(item, _BIT_STRING, 'bit string')
    if item[2] <= item[1] or data[item[1]] != 0:
        raise DerError('a key bit string must have no unused bits')
    return data[item[1] + 1:item[2]]


def _time(data, item):
    raw = data[item[1]:item[2]].decode('ascii', 'replace')
    if item[0] == _UTC_TIME:
        match = re.match(r'^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$', raw)
        if not match:
            raise DerError('bad UTCTime')
        year = int(match.group(1))
        year += 1900 if year >= 50 else 2000
        rest = match.groups()[1:]
    elif item[0] == _GENERALIZED_TIME:
        match = re.match(r'^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$', raw)
        if not match:
            raise DerError('bad GeneralizedTime')
        year = int(match.group(1))
        rest = match.groups()[1:6]
    else:
        raise DerError('expected a time')
    month, day, hour, minute, second = (int(part) for part in rest)
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.timezone.utc)
    except ValueError:
        raise DerError('bad time') from None
    return int((moment - _EPOCH).total_seconds())


def _common_name(data, item):
    """The subject common name as Go's pkix.Name reads it (the last CN attribute wins), '' when none."""
    common_name = ''
    for rdn in _items(data, item[1], _expect(item, _SEQUENCE, 'name')[2]):
        for attribute in _items(data, rdn[1], _expect(rdn, _SET, 'relative distinguished name')[2]):
            parts = _items(data, attribute[1], _expect(attribute, _SEQUENCE, 'attribute')[2])
            if len(parts) != 2:
                raise DerError('bad attribute')
            if _oid(data, parts[0]) == _OID_COMMON_NAME:
                encoding = _STRING_TAGS.get(parts[1][0])
                if encoding is None:
                    raise DerError('bad common name string type')
                try:
                    common_name = data[parts[1][1]:parts[1][2]].decode(encoding)
                except UnicodeDecodeError:
                    raise DerError('bad common name encoding') from None
    return common_name


def _dns_names(data, extensions_item):
    names = []
    outer = _items(data, extensions_item[1], extensions_item[2])
    if len(outer) != 1:
        raise DerError('bad extensions')
    for extension in _items(data, outer[0][1], _expect(outer[0], _SEQUENCE, 'extensions')[2]):
        parts = _items(data, extension[1], _expect(extension, _SEQUENCE, 'extension')[2])
        if len(parts) == 3:
            _expect(parts[1], _BOOLEAN, 'extension critical flag')
        elif len(parts) != 2:
            raise DerError('bad extension')
        if _oid(data, parts[0]) != _OID_SUBJECT_ALT_NAME:
            continue
        value = _expect(parts[-1], _OCTET_STRING, 'extension value')
        general_names = _items(data, value[1], value[2])
        if len(general_names) != 1:
            raise DerError('bad subject alternative names')
        for name in _items(data, general_names[0][1], _expect(general_names[0], _SEQUENCE, 'general names')[2]):
            if name[0] == 0x82:  # dNSName [2] IMPLICIT IA5String
                names.append(data[name[1]:name[2]].decode('latin-1'))
    return names


# ---------------------------------------------------------------------------------------
# Public keys
# ---------------------------------------------------------------------------------------

class _Curve:
    """A short Weierstrass curve y^2 = x^3 - 3x + b over GF(p), for the NIST curves Go's TLS takes."""

    def __init__(self, name, p, b, gx, gy, n):
        self.name, self.p, self.b, self.g, self.n = name, p, b, (gx, gy), n
        self.size = (p.bit_length() + 7) // 8

    def _double(self, point):
        x, y, z = point
        if not y:
            return (0, 1, 0)
        p = self.p
        delta = z * z % p
        gamma = y * y % p
        beta = x * gamma % p
        alpha = 3 * (x - delta) * (x + delta) % p
        x3 = (alpha * alpha - 8 * beta) % p
        z3 = ((y + z) ** 2 - gamma - delta) % p
        y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % p
        return (x3, y3, z3)

    def _add(self, one, two):
        if not one[2]:
            return two
        if not two[2]:
            return one
        p = self.p
        x1, y1, z1 = one
        x2, y2, z2 = two
        z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
        u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
        s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
        if u1 == u2:
            return self._double(one) if s1 == s2 else (0, 1, 0)
        h = (u2 - u1) % p
        r = (s2 - s1) % p
        hh = h * h % p
        hhh = h * hh % p
        v = u1 * hh % p
        x3 = (r * r - hhh - 2 * v) % p
        y3 = (r * (v - x3) - s1 * hhh) % p
        z3 = z1 * z2 * h % p
        return (x3, y3, z3)

    def multiply_base(self, scalar):
        """(x, y) of scalar * G."""
        result, addend = (0, 1, 0), (self.g[0], self.g[1], 1)
        while scalar:
            if scalar & 1:
                result = self._add(result, addend)
            addend = self._double(addend)
            scalar >>= 1
        x, y, z = result
        if not z:
            raise DerError('the private key is not valid on its curve')
        inverse = pow(z, self.p - 2, self.p)
        return (x * inverse * inverse % self.p, y * inverse * inverse * inverse % self.p)

    def decode_point(self, raw):
        """(x, y) of an uncompressed (04) or compressed (02, 03) point."""
        size = self.size
        if len(raw) == 1 + 2 * size and raw[0] == 4:
            return (int.from_bytes(raw[1:1 + size], 'big'), int.from_bytes(raw[1 + size:], 'big'))
        if len(raw) == 1 + size and raw[0] in (2, 3):
            x = int.from_bytes(raw[1:], 'big')
            p = self.p
            y = pow((x * x * x - 3 * x + self.b) % p, (p + 1) // 4, p)  # p = 3 mod 4 for these curves
            if y * y % p != (x * x * x - 3 * x + self.b) % p:
                raise DerError('the EC point is not on its curve')
            if (y & 1) != (raw[0] & 1):
                y = p - y
            return (x, y)
        raise DerError('bad EC point encoding')


_CURVES = {
    '1.2.840.10045.3.1.7': _Curve(
        'P-256', 2 ** 256 - 2 ** 224 + 2 ** 192 + 2 ** 96 - 1,
        0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b,
        0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
        0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5,
        0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551),
    '1.3.132.0.34': _Curve(
        'P-384', 2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1,
        0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef,
        0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7,
        0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f,
        0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973),
    '1.3.132.0.35': _Curve(
        'P-521', 2 ** 521 - 1,
        0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00,
        0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66,
        0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650,
        0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409),
}

# Ed25519 (RFC 8032 section 5.1): the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19).
_ED_P = 2 ** 255 - 19
_ED_D = -121665 * pow(121666, _ED_P - 2, _ED_P) % _ED_P
_ED_SQRT_M1 = pow(2, (_ED_P - 1) // 4, _ED_P)


def _ed_recover_x(y, sign):
    x2 = (y * y - 1) * pow(_ED_D * y * y + 1, _ED_P - 2, _ED_P) % _ED_P
    x = pow(x2, (_ED_P + 3) // 8, _ED_P)
    if (x * x - x2) % _ED_P:
        x = x * _ED_SQRT_M1 % _ED_P
    if x & 1 != sign:
        x = _ED_P - x
    return x


_ED_BASE_Y = 4 * pow(5, _ED_P - 2, _ED_P) % _ED_P
_ED_BASE = (_ed_recover_x(_ED_BASE_Y, 0), _ED_BASE_Y, 1, _ed_recover_x(_ED_BASE_Y, 0) * _ED_BASE_Y % _ED_P)


def _ed_add(one, two):
    p = _ED_P
    a = (one[1] - one[0]) * (two[1] - two[0]) % p
    b = (one[1] + one[0]) * (two[1] + two[0]) % p
    c = 2 * one[3] * two[3] * _ED_D % p
    d = 2 * one[2] * two[2] % p
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % p, g * h % p, f * g % p, e * h % p)


def ed25519_public_key(seed):
    """The 32-byte Ed25519 public key of a 32-byte private key (seed), as RFC 8032 5.1.5 derives it."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], 'little')
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    result, addend = (0, 1, 1, 0), _ED_BASE
    while scalar:
        if scalar & 1:
            result = _ed_add(result, addend)
        addend = _ed_add(addend, addend)
        scalar >>= 1
    inverse = pow(result[2], _ED_P - 2, _ED_P)
    x, y = result[0] * inverse % _ED_P, result[1] * inverse % _ED_P
    return (y | ((x & 1) << 255)).to_bytes(32, 'little')


def _rsa_public(data, item):
    parts = _items(data, item[1], _expect(item, _SEQUENCE, 'RSA key')[2])
    if len(parts) < 2:
        raise DerError('bad RSA key')
    return ('RSA', _integer(data, parts[0]), _integer(data, parts[1]))


def _spki_public(data, item):
    """A comparable public key from a SubjectPublicKeyInfo: ('RSA', n, e), ('EC', curve, x, y) or ('Ed25519', bytes)."""
    parts = _items(data, item[1], _expect(item, _SEQUENCE, 'public key info')[2])
    if len(parts) != 2:
        raise DerError('bad public key info')
    algorithm = _items(data, parts[0][1], _expect(parts[0], _SEQUENCE, 'algorithm')[2])
    oid = _oid(data, algorithm[0])
    key = _bit_string(data, parts[1])
    if oid == _OID_RSA:
        inner = _items(key, 0, len(key))
        if len(inner) != 1:
            raise DerError('bad RSA public key')
        return ('RSA',) + _rsa_public(key, inner[0])[1:]
    if oid == _OID_EC:
        curve = _CURVES.get(_oid(data, algorithm[1])) if len(algorithm) > 1 else None
        if curve is None:
            raise PemError('the certificate uses an elliptic curve the rack\'s TLS does not take (P-256, P-384 and P-521 only)')
        return ('EC', curve.name) + curve.decode_point(key)
    if oid == _OID_ED25519:
        return ('Ed25519', bytes(key))
    raise PemError('the certificate\'s public key algorithm %s is not one the rack\'s TLS takes (RSA, ECDSA, Ed25519)' % oid)


def _ec_private_public(data, item, curve_oid=None):
    """The public key of a SEC 1 ECPrivateKey: its own [1] publicKey, or d * G."""
    parts = _items(data, item[1], _expect(item, _SEQUENCE, 'EC private key')[2])
    if len(parts) < 2 or _integer(data, parts[0]) != 1:
        raise DerError('bad EC private key')
    secret = int.from_bytes(data[_expect(parts[1], _OCTET_STRING, 'EC private key')[1]:parts[1][2]], 'big')
    public = None
    for part in parts[2:]:
        if part[0] == 0xa0:
            inner = _items(data, part[1], part[2])
            curve_oid = _oid(data, inner[0]) if inner else curve_oid
        elif part[0] == 0xa1:
            inner = _items(data, part[1], part[2])
            public = _bit_string(data, inner[0]) if inner else None
    curve = _CURVES.get(curve_oid)
    if curve is None:
        raise PemError('the private key uses an elliptic curve the rack\'s TLS does not take (P-256, P-384 and P-521 only)')
    if not 0 < secret < curve.n:
        raise DerError('the EC private key is out of range')
    point = curve.decode_point(public) if public is not None else curve.multiply_base(secret)
    return ('EC', curve.name) + point


def private_key_public(block_type, der):
    """The comparable public key of a PEM private key block (see ``_spki_public`` for the forms)."""
    try:
        top = _items(der, 0, len(der))
        if len(top) != 1:
            raise DerError('trailing data')
        if block_type == 'RSA PRIVATE KEY':
            parts = _items(der, top[0][1], _expect(top[0], _SEQUENCE, 'RSA private key')[2])
            if len(parts) < 9:
                raise DerError('bad RSA private key')
            return ('RSA', _integer(der, parts[1]), _integer(der, parts[2]))
        if block_type == 'EC PRIVATE KEY':
            return _ec_private_public(der, top[0])
        parts = _items(der, top[0][1], _expect(top[0], _SEQUENCE, 'private key info')[2])
        if len(parts) < 3:
            raise DerError('bad private key info')
        algorithm = _items(der, parts[1][1], _expect(parts[1], _SEQUENCE, 'algorithm')[2])
        oid = _oid(der, algorithm[0])
        inner_item = _expect(parts[2], _OCTET_STRING, 'private key')
        inner = der[inner_item[1]:inner_item[2]]
        inner_top = _items(inner, 0, len(inner))
        if len(inner_top) != 1:
            raise DerError('bad private key')
        if oid == _OID_RSA:
            rsa_parts = _items(inner, inner_top[0][1], _expect(inner_top[0], _SEQUENCE, 'RSA private key')[2])
            if len(rsa_parts) < 9:
                raise DerError('bad RSA private key')
            return ('RSA', _integer(inner, rsa_parts[1]), _integer(inner, rsa_parts[2]))
        if oid == _OID_EC:
            curve_oid = _oid(der, algorithm[1]) if len(algorithm) > 1 and algorithm[1][0] == _OID else None
            return _ec_private_public(inner, inner_top[0], curve_oid)
        if oid == _OID_ED25519:
            seed = inner[_expect(inner_top[0], _OCTET_STRING, 'Ed25519 key')[1]:inner_top[0][2]]
            if len(seed) != 32:
                raise DerError('bad Ed25519 key')
            for part in parts[3:]:
                if part[0] == 0x81:  # OneAsymmetricKey publicKey [1] IMPLICIT BIT STRING
                    return ('Ed25519', bytes(der[part[1] + 1:part[2]]))
            return ('Ed25519', ed25519_public_key(bytes(seed)))
        raise PemError('the private key algorithm %s is not one the rack\'s TLS takes (RSA, ECDSA, Ed25519)' % oid)
    except DerError:
        # Never say more: the message would describe secret material.
        raise PemError('private_key: the %s block is not a well-formed key' % block_type) from None


# ---------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------

class CertificateFacts:
    """What a certificate says, as the rack will list it: ``common_name``, ``dns_names`` (a list),
    ``not_before`` and ``not_after`` (Unix seconds), ``public_key`` (comparable), ``fingerprint``
    (SHA-256 of the DER, lowercase hex), ``der``."""

    def __init__(self, der, common_name, dns_names, not_before, not_after, public_key):
        self.der = der
        self.common_name = common_name
        self.dns_names = dns_names
        self.not_before = not_before
        self.not_after = not_after
        self.public_key = public_key
        self.fingerprint = hashlib.sha256(der).hexdigest()

    @property
    def names(self):
        """The common name and the DNS names together, as a set (how the rack's listing is matched)."""
        return set(name for name in [self.common_name] + list(self.dns_names) if name)


def parse_certificate(der, what='certificate'):
    """The facts of a DER X.509 certificate; a PemError naming ``what`` when it does not parse."""
    try:
        top = _items(der, 0, len(der))
        if len(top) != 1:
            raise DerError('trailing data after the certificate')
        certificate = _items(der, top[0][1], _expect(top[0], _SEQUENCE, 'certificate')[2])
        if len(certificate) != 3:
            raise DerError('a certificate has three parts')
        _expect(certificate[1], _SEQUENCE, 'signature algorithm')
        _expect(certificate[2], _BIT_STRING, 'signature')
        tbs = _items(der, certificate[0][1], _expect(certificate[0], _SEQUENCE, 'to-be-signed certificate')[2])
        index = 1 if tbs and tbs[0][0] == 0xa0 else 0
        if len(tbs) < index + 6:
            raise DerError('the certificate is missing fields')
        _integer(der, tbs[index])
        _expect(tbs[index + 1], _SEQUENCE, 'signature algorithm')
        _expect(tbs[index + 2], _SEQUENCE, 'issuer')
        validity = _items(der, tbs[index + 3][1], _expect(tbs[index + 3], _SEQUENCE, 'validity')[2])
        if len(validity) != 2:
            raise DerError('bad validity')
        not_before, not_after = _time(der, validity[0]), _time(der, validity[1])
        common_name = _common_name(der, tbs[index + 4])
        public_key = _spki_public(der, tbs[index + 5])
        dns_names = []
        for item in tbs[index + 6:]:
            if item[0] == 0xa3:
                dns_names = _dns_names(der, item)
    except DerError as error:
        raise PemError('%s is not a well-formed X.509 certificate (%s)' % (what, error)) from None
    return CertificateFacts(bytes(der), common_name, dns_names, not_before, not_after, public_key)


# ---------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------

class Upload:
    """A checked upload: ``certificate`` (the leaf as PEM), ``chain`` (PEM, '' when none), ``private_key``
    (PEM), ``leaf`` (CertificateFacts), ``chain_facts``, ``warnings`` (texts for the task)."""

    def __init__(self, certificate, chain, private_key, leaf, chain_facts, warnings):
        self.certificate = certificate
        self.chain = chain
        self.private_key = private_key
        self.leaf = leaf
        self.chain_facts = chain_facts
        self.warnings = warnings


def _only_certificates(blocks, what):
    for block_type, _der in blocks:
        if block_type != CERTIFICATE:
            hint = '; pass the key as private_key' if 'PRIVATE KEY' in block_type else ''
            raise PemError('%s holds a %s block, where only CERTIFICATE blocks belong%s' % (what, block_type, hint))
    return blocks


def check_upload(certificate, private_key, chain=None, now=None):
    """Check a certificate upload and return it as an ``Upload``; a PemError says what is wrong.

    ``certificate`` holds the leaf first, optionally followed by its chain; ``chain`` more chain
    certificates. The key must be one unencrypted RSA, EC or PKCS#8 key that belongs to the leaf.
    """
    cert_blocks = _only_certificates(read_pem(certificate, 'certificate'), 'certificate')
    chain_blocks = _only_certificates(read_pem(chain, 'chain'), 'chain') if chain and chain.strip() else []
    key_blocks = read_pem(private_key, 'private_key')
    if len(key_blocks) != 1:
        raise PemError('private_key holds %d PEM blocks; give exactly one private key' % len(key_blocks))
    key_type, key_der = key_blocks[0]
    if key_type == 'ENCRYPTED PRIVATE KEY':
        raise PemError('private_key is encrypted; the rack needs it unencrypted')
    if key_type not in KEY_TYPES:
        raise PemError('private_key is a %s block; the rack takes an RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY' % key_type)

    leaf = parse_certificate(cert_blocks[0][1], 'the certificate')
    chain_ders = [der for _type, der in cert_blocks[1:] + chain_blocks]
    chain_facts = [parse_certificate(der, 'chain certificate %d' % number) for number, der in enumerate(chain_ders, 1)]
    key_public = private_key_public(key_type, key_der)
    if key_public != leaf.public_key:
        owner = next((number for number, facts in enumerate(chain_facts, 1) if facts.public_key == key_public), None)
        if owner is not None:
            # A bundle in the other order (chain first): the leaf is not where the rack looks for it.
            raise PemError('private_key belongs to chain certificate %d (%s), not to the first certificate; the leaf must come '
                           'first in certificate' % (owner, ', '.join(sorted(chain_facts[owner - 1].names)) or 'no names'))
        raise PemError('private_key does not belong to the certificate (their public keys differ)')

    key_pem = pem_text(key_type, key_der)
    _strict_check([leaf.der] + chain_ders, key_pem)
    warnings = []
    moment = now if now is not None else int((datetime.datetime.now(datetime.timezone.utc) - _EPOCH).total_seconds())
    if leaf.not_after <= moment:
        warnings.append('the certificate expired on %s' % _day(leaf.not_after))
    elif leaf.not_before > moment:
        warnings.append('the certificate is not valid before %s' % _day(leaf.not_before))
    return Upload(pem_text(CERTIFICATE, leaf.der), ''.join(pem_text(CERTIFICATE, der) for der in chain_ders), key_pem, leaf,
                  chain_facts, warnings)


def _day(seconds):
    return (_EPOCH + datetime.timedelta(seconds=seconds)).strftime('%Y-%m-%d %H:%M:%S UTC')


def _strict_check(certificate_ders, key_pem):
    """With cryptography installed, load everything once more with its stricter parser."""
    if not HAS_CRYPTOGRAPHY:
        return
    public = None
    for number, der in enumerate(certificate_ders):
        what = 'the certificate' if number == 0 else 'chain certificate %d' % number
        try:
            loaded = _x509.load_der_x509_certificate(der)
            if number == 0:
                public = loaded.public_key().public_bytes(_serialization.Encoding.DER, _serialization.PublicFormat.SubjectPublicKeyInfo)
        except (ValueError, TypeError) as error:
            raise PemError('%s does not parse with the cryptography library: %s' % (what, error)) from None
    try:
        key = _serialization.load_pem_private_key(key_pem.encode('ascii'), password=None)
        key_public = key.public_key().public_bytes(_serialization.Encoding.DER, _serialization.PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, TypeError):
        # Never quote the library's message: it may describe the key.
        raise PemError('private_key does not parse with the cryptography library') from None
    if public is not None and key_public != public:
        raise PemError('private_key does not belong to the certificate (their public keys differ)')
