# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PEM and X.509 the way the rack's Go code reads them, plus certificate generation (``cryptography``).

- ``pem_decode(data)``: Go's ``encoding/pem.Decode``: the first well-formed block (type, DER bytes)
  or None; junk before it is skipped, a block with bad base64 is skipped for the next one.
- ``certificate_facts(der)``: what ``crypto/x509.ParseCertificates`` yields for a Certificate JSON:
  the subject common name (the last CN attribute wins, as in pkix.Name), the DNS SANs (None when the
  certificate has none: Go's nil slice is JSON ``null``) and NotAfter in ns. Raises X509Error with
  Go's ``x509: malformed certificate`` when the DER does not parse.
- ``generate(...)``: a certificate (and its key) for the rack's own issuers: the self-signed generator
  (common.CertificateSelfSigned: P-256, CN and one DNS SAN, 365 days), cert-manager issuance, the rack CA.
- ``key_matches(cert_pem, key_pem)``: whether a PEM private key belongs to a PEM certificate (v2's ACM import checks it).
"""

import base64
import binascii
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_PEM_START = b'\n-----BEGIN '
_PEM_END = b'\n-----END '
_PEM_END_OF_LINE = b'-----'
_NANOS = 1000000000
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class X509Error(Exception):
    """A certificate Go's crypto/x509 would refuse; the message is Go's."""


def _get_line(data):
    """encoding/pem getLine: the line without its end (and trailing spaces/tabs), and the rest."""
    index = data.find(b'\n')
    if index < 0:
        line, rest = data, b''
    else:
        line, rest = data[:index], data[index + 1:]
    return line.rstrip(b' \t\r'), rest


def pem_decode(data):
    """(block type, DER bytes) of the first PEM block Go would decode, or None (pem.Decode's nil block)."""
    rest = data
    while True:
        if rest.startswith(_PEM_START[1:]):
            rest = rest[len(_PEM_START) - 1:]
        else:
            index = rest.find(_PEM_START)
            if index < 0:
                return None
            rest = rest[index + len(_PEM_START):]
        type_line, rest = _get_line(rest)
        if not type_line.endswith(_PEM_END_OF_LINE):
            continue
        block_type = type_line[:-len(_PEM_END_OF_LINE)]
        if rest.startswith(_PEM_END[1:]):
            end_index, trailer_index = 0, len(_PEM_END) - 1
        else:
            end_index = rest.find(_PEM_END)
            trailer_index = end_index + len(_PEM_END)
        if end_index < 0:
            continue
        trailer = rest[trailer_index:]
        trailer_length = len(block_type) + len(_PEM_END_OF_LINE)
        if len(trailer) < trailer_length:
            continue
        end_line_rest, trailer = trailer[trailer_length:], trailer[:trailer_length]
        if not trailer.startswith(block_type) or not trailer.endswith(_PEM_END_OF_LINE):
            continue
        if _get_line(end_line_rest)[0]:
            continue
        body = rest[:end_index].replace(b' ', b'').replace(b'\t', b'').replace(b'\r', b'').replace(b'\n', b'')
        try:
            der = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            continue
        return block_type.decode('latin-1'), der


def _ns(moment):
    return int((moment - _EPOCH).total_seconds()) * _NANOS


def _not_after(cert):
    moment = getattr(cert, 'not_valid_after_utc', None)
    if moment is None:
        moment = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return moment


def certificate_facts(der):
    """(common name, DNS names or None, NotAfter ns) of the first certificate in ``der``."""
    try:
        cert = x509.load_der_x509_certificate(der)
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        common_name = names[-1].value if names else ''
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            dns_names = san.get_values_for_type(x509.DNSName) or None
        except x509.ExtensionNotFound:
            dns_names = None
        return common_name, dns_names, _ns(_not_after(cert))
    except (ValueError, TypeError) as exc:
        raise X509Error('x509: malformed certificate') from exc


def _utc(now_ns):
    return _EPOCH + datetime.timedelta(seconds=now_ns // _NANOS)


def _new_key(key_type):
    if key_type == 'rsa':
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key, traditional):
    private_format = serialization.PrivateFormat.TraditionalOpenSSL if traditional else serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, private_format, serialization.NoEncryption()).decode('ascii')


def generate(common_name, dns_names, not_before_ns, lifetime_seconds, issuer=None, key_type='ec', organization='convox',
             is_ca=False):
    """(certificate PEM, private key PEM) as text. ``issuer`` is (certificate, key) of a signing CA, None for self-signed.

    The key is written as Go's x509.MarshalECPrivateKey / MarshalPKCS1PrivateKey do (``EC PRIVATE KEY``, ``RSA PRIVATE KEY``).
    """
    key = _new_key(key_type)
    attributes = []
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if common_name:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    subject = x509.Name(attributes)
    start = _utc(not_before_ns)
    issuer_cert, issuer_key = issuer if issuer is not None else (None, key)
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(start)
               .not_valid_after(start + datetime.timedelta(seconds=lifetime_seconds))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    if not is_ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if dns_names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in dns_names]), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii'), _key_pem(key, traditional=True)


def load_pair(cert_pem, key_pem):
    """(certificate, key) objects from PEM text, to sign with."""
    return (x509.load_pem_x509_certificate(cert_pem.encode('ascii')),
            serialization.load_pem_private_key(key_pem.encode('ascii'), password=None))


def _public_der(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_matches(cert_pem, key_pem):
    """Whether ``key_pem`` (any unencrypted PEM private key) is the key of the first certificate in ``cert_pem``."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode('utf-8'))
        key = serialization.load_pem_private_key(key_pem.encode('utf-8'), password=None)
    except (ValueError, TypeError, UnicodeError):
        return False
    return _public_der(cert.public_key()) == _public_der(key.public_key())


def rsa_private_key_pem():
    """A new RSA 2048 key as PKCS#1 PEM (``RSA PRIVATE KEY``)."""
    return _key_pem(_new_key('rsa'), traditional=True)
