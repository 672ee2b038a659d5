# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_pem: the standard-library PEM/X.509 reader checked against the cryptography library.

Certificates and keys are made with ``cryptography`` (a test dependency through the emulator);
the reader under test never imports it when ``HAS_CRYPTOGRAPHY`` is patched off, so both paths
are covered: the fallback alone must reach the same verdicts.
"""

from __future__ import annotations

import datetime
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from ansible_collections.convox.convox.plugins.module_utils import _pem
from ansible_collections.convox.convox.plugins.module_utils._pem import PemError, check_upload, parse_certificate

NOW = datetime.datetime(2026, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(params=[True, False], ids=['with-cryptography', 'stdlib-only'])
def backends(request, monkeypatch):
    """Run a test with the optional cryptography check on and off."""
    if not request.param:
        monkeypatch.setattr(_pem, 'HAS_CRYPTOGRAPHY', False)
    return request.param


def new_key(kind):
    if kind == 'rsa':
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == 'ed25519':
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key({'p256': ec.SECP256R1(), 'p384': ec.SECP384R1(), 'p521': ec.SECP521R1()}[kind])


def make_cert(key, cn='app.example.com', sans=('app.example.com',), days=90, issuer_key=None, not_before=None, utf8_cn=False):
    start = not_before or NOW - datetime.timedelta(days=1)
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'tests')]
    if cn:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    name = x509.Name(attributes)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start)
               .not_valid_after(start + datetime.timedelta(days=days)))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san) for san in sans]), critical=False)
    signer = issuer_key or key
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(signer, algorithm)


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def key_pem(key, form='pkcs8'):
    fmt = {'pkcs8': serialization.PrivateFormat.PKCS8, 'traditional': serialization.PrivateFormat.TraditionalOpenSSL}[form]
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode('ascii')


def seconds(moment):
    return int(moment.timestamp())


@pytest.mark.parametrize('kind,form', [('rsa', 'traditional'), ('rsa', 'pkcs8'), ('p256', 'traditional'), ('p256', 'pkcs8'),
                                       ('p384', 'traditional'), ('p521', 'pkcs8'), ('ed25519', 'pkcs8')])
def test_a_matching_pair_is_accepted_and_described(kind, form, backends):
    key = new_key(kind)
    cert = make_cert(key, sans=('app.example.com', '*.app.example.com'))
    upload = check_upload(cert_pem(cert), key_pem(key, form), now=seconds(NOW))
    der = cert.public_bytes(serialization.Encoding.DER)
    assert upload.leaf.fingerprint == hashlib.sha256(der).hexdigest()
    assert upload.leaf.common_name == 'app.example.com'
    assert upload.leaf.dns_names == ['app.example.com', '*.app.example.com']
    assert upload.leaf.names == {'app.example.com', '*.app.example.com'}
    assert upload.leaf.not_after == seconds(cert.not_valid_after_utc)
    assert upload.leaf.not_before == seconds(cert.not_valid_before_utc)
    assert upload.warnings == []
    # What is sent is canonical PEM of the same DER, which both parsers read back identically.
    assert x509.load_pem_x509_certificate(upload.certificate.encode()).public_bytes(serialization.Encoding.DER) == der
    assert serialization.load_pem_private_key(upload.private_key.encode(), None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()) == \
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def test_a_bundle_with_the_chain_first_says_where_the_key_belongs(backends):
    leaf_key = new_key('p256')
    leaf = make_cert(leaf_key, sans=('app.example.com',))
    intermediate = make_cert(new_key('p256'))
    with pytest.raises(PemError, match='private_key belongs to chain certificate 1 .*app.example.com.*the leaf must come first'):
        check_upload(cert_pem(intermediate) + cert_pem(leaf), key_pem(leaf_key))


@pytest.mark.parametrize('kind', ['rsa', 'p256', 'ed25519'])
def test_a_key_of_another_certificate_is_refused(kind, backends):
    cert = make_cert(new_key(kind))
    with pytest.raises(PemError, match='does not belong to the certificate'):
        check_upload(cert_pem(cert), key_pem(new_key(kind)))


def test_a_key_of_another_type_is_refused(backends):
    cert = make_cert(new_key('rsa'))
    with pytest.raises(PemError, match='does not belong'):
        check_upload(cert_pem(cert), key_pem(new_key('p256')))


def der(tag, content):
    length = len(content)
    encoded = bytes([length]) if length < 128 else bytes([0x80 | ((length.bit_length() + 7) // 8)]) + length.to_bytes(
        (length.bit_length() + 7) // 8, 'big')
    return bytes([tag]) + encoded + content


CURVE_OIDS = {'p256': bytes.fromhex('2a8648ce3d030107'), 'p384': bytes.fromhex('2b81040022')}


@pytest.mark.parametrize('kind', ['p256', 'p384'])
def test_an_ec_key_without_its_public_key_is_matched_by_computing_it(kind, backends):
    """SEC 1 makes the public key optional: some tools leave it out, and it is computed then."""
    key = new_key(kind)
    size = (key.curve.key_size + 7) // 8
    secret = key.private_numbers().private_value.to_bytes(size, 'big')
    bare = der(0x30, der(0x02, b'\x01') + der(0x04, secret) + der(0xa0, der(0x06, CURVE_OIDS[kind])))
    numbers = key.public_key().public_numbers()
    assert _pem.private_key_public('EC PRIVATE KEY', bare) == ('EC', {'p256': 'P-256', 'p384': 'P-384'}[kind], numbers.x, numbers.y)
    upload = check_upload(cert_pem(make_cert(key)), _pem.pem_text('EC PRIVATE KEY', bare))
    assert upload.leaf.common_name == 'app.example.com'


def test_the_curve_arithmetic_matches_the_library_on_p521():
    key = new_key('p521')
    curve = _pem._CURVES['1.3.132.0.35']
    numbers = key.public_key().public_numbers()
    assert curve.multiply_base(key.private_numbers().private_value) == (numbers.x, numbers.y)


def test_ed25519_public_key_derivation_matches_the_library():
    for _attempt in range(3):
        key = ed25519.Ed25519PrivateKey.generate()
        seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        raw_public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        assert _pem.ed25519_public_key(seed) == raw_public


def test_a_compressed_point_in_a_certificate_is_decoded():
    key = new_key('p256')
    numbers = key.public_key().public_numbers()
    compressed = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    assert _pem._CURVES['1.2.840.10045.3.1.7'].decode_point(compressed) == (numbers.x, numbers.y)


def test_a_full_chain_in_certificate_is_split_into_leaf_and_chain(backends):
    ca_key = new_key('p256')
    ca = make_cert(ca_key, cn='Test CA', sans=(), days=400)
    intermediate = make_cert(new_key('p256'), cn='Intermediate', sans=(), issuer_key=ca_key)
    key = new_key('p256')
    leaf = make_cert(key, issuer_key=ca_key)
    upload = check_upload(cert_pem(leaf) + cert_pem(intermediate), key_pem(key), chain=cert_pem(ca))
    assert upload.certificate == _pem.pem_text('CERTIFICATE', leaf.public_bytes(serialization.Encoding.DER))
    assert upload.chain.count('BEGIN CERTIFICATE') == 2
    assert [facts.common_name for facts in upload.chain_facts] == ['Intermediate', 'Test CA']


def test_text_around_blocks_is_ignored_and_crlf_is_fine(backends):
    key = new_key('p256')
    cert = make_cert(key)
    noisy = 'Bag Attributes\r\n    friendlyName: app\r\n' + cert_pem(cert).replace('\n', '\r\n') + '\r\ntrailing words\r\n'
    upload = check_upload(noisy, key_pem(key))
    assert upload.leaf.common_name == 'app.example.com'


def test_a_certificate_without_sans_or_cn(backends):
    key = new_key('p256')
    upload = check_upload(cert_pem(make_cert(key, sans=())), key_pem(key))
    assert upload.leaf.dns_names == [] and upload.leaf.names == {'app.example.com'}
    upload = check_upload(cert_pem(make_cert(key, cn=None, sans=('only.example.com',))), key_pem(key))
    assert upload.leaf.common_name == '' and upload.leaf.names == {'only.example.com'}


def test_expired_and_future_certificates_warn(backends):
    key = new_key('p256')
    expired = make_cert(key, not_before=NOW - datetime.timedelta(days=100), days=10)
    assert 'expired on' in check_upload(cert_pem(expired), key_pem(key), now=seconds(NOW)).warnings[0]
    future = make_cert(key, not_before=NOW + datetime.timedelta(days=10))
    assert 'not valid before' in check_upload(cert_pem(future), key_pem(key), now=seconds(NOW)).warnings[0]


def test_dates_past_2049_use_generalized_time():
    key = new_key('p256')
    cert = make_cert(key, not_before=datetime.datetime(2049, 6, 1, tzinfo=datetime.timezone.utc), days=365)
    facts = parse_certificate(cert.public_bytes(serialization.Encoding.DER))
    assert facts.not_after == seconds(datetime.datetime(2050, 6, 1, tzinfo=datetime.timezone.utc))


SECRET_MARKER = 'MIGHAgEAMBMGByqGSM49'  # the start of a P-256 PKCS#8 key


@pytest.mark.parametrize('certificate,key,message', [
    ('', None, 'certificate is empty'),
    ('not a pem at all', None, 'certificate holds no PEM block'),
    ('-----BEGIN CERTIFICATE-----\nAAAA\n', None, 'has no END line'),
    ('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n', None, 'not valid base64'),
    ('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PUBLIC KEY-----\n', None, 'ends with END PUBLIC KEY'),
    ('-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n', None, 'not a well-formed X.509 certificate'),
    ('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', None, 'holds a PUBLIC KEY block'),
])
def test_bad_certificates_are_refused_with_what_is_wrong(certificate, key, message, backends):
    good_key = new_key('p256')
    with pytest.raises(PemError, match=message):
        check_upload(certificate, key or key_pem(good_key))


def test_a_key_pasted_as_certificate_is_refused_without_quoting_it(backends):
    key = new_key('p256')
    with pytest.raises(PemError) as refused:
        check_upload(key_pem(key), key_pem(key))
    assert 'pass the key as private_key' in str(refused.value)
    assert 'MII' not in str(refused.value) and SECRET_MARKER not in str(refused.value)


@pytest.mark.parametrize('mangle,message', [
    (lambda pem: pem.replace('PRIVATE KEY', 'OPENSSH PRIVATE KEY'), 'the rack takes'),
    (lambda pem: pem + pem, 'exactly one private key'),
    (lambda pem: pem.replace('-----BEGIN PRIVATE KEY-----\n', '-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n'), 'encrypted'),
    (lambda pem: pem.replace('PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'), 'encrypted'),
    (lambda pem: _pem.pem_text('PRIVATE KEY', b'\x30\x03\x02\x01\x00'), 'not a well-formed key'),
])
def test_bad_keys_are_refused_without_quoting_them(mangle, message, backends):
    key = new_key('p256')
    cert = make_cert(key)
    bad = mangle(key_pem(key))
    with pytest.raises(PemError, match=message) as refused:
        check_upload(cert_pem(cert), bad)
    body = ''.join(bad.splitlines()[1:-1])
    assert body[:24] not in str(refused.value)


def test_an_encrypted_key_is_refused(backends):
    key = new_key('p256')
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b'passphrase')).decode('ascii')
    with pytest.raises(PemError, match='encrypted'):
        check_upload(cert_pem(make_cert(key)), encrypted)


def test_trailing_garbage_in_der_is_refused():
    key = new_key('p256')
    der = make_cert(key).public_bytes(serialization.Encoding.DER)
    with pytest.raises(PemError, match='trailing data'):
        parse_certificate(der + b'\x00\x00')


def test_a_truncated_certificate_is_refused():
    der = make_cert(new_key('p256')).public_bytes(serialization.Encoding.DER)
    with pytest.raises(PemError, match='not a well-formed'):
        parse_certificate(der[:-10])


def test_the_strict_library_check_runs_when_available(monkeypatch):
    calls = []
    real = _pem._x509.load_der_x509_certificate
    monkeypatch.setattr(_pem._x509, 'load_der_x509_certificate', lambda der: calls.append(len(der)) or real(der))
    key = new_key('p256')
    check_upload(cert_pem(make_cert(key)), key_pem(key))
    assert len(calls) == 1


@pytest.mark.parametrize('oid', sorted(_pem._CURVES))
def test_curve_constants_hold(oid):
    """G is on the curve and has the stated order (n * G is the point at infinity)."""
    curve = _pem._CURVES[oid]
    x, y = curve.g
    assert (y * y - (x ** 3 - 3 * x + curve.b)) % curve.p == 0
    with pytest.raises(_pem.DerError):
        curve.multiply_base(curve.n)


def test_private_key_texts_finds_a_key_inside_a_combined_pem():
    cert = '-----BEGIN CERTIFICATE-----\nMIIBtjCCAVugAwIBAgIUYRsBnK1wuAAk\n-----END CERTIFICATE-----\n'
    key = '-----BEGIN EC PRIVATE KEY-----\r\nMHcCAQEEICI7di0LtKCvB8NjvvLhQkU2\r\nPKoncliWt7rj5MhBzytIoAoG\r\n-----END EC PRIVATE KEY-----'
    found = _pem.private_key_texts(cert + key + '\n')
    assert key in found
    assert 'MHcCAQEEICI7di0LtKCvB8NjvvLhQkU2' in found and 'PKoncliWt7rj5MhBzytIoAoG' in found
    assert not any('MIIBtjCC' in text for text in found)
    # A key without its END line is a secret all the same, to the end of the text.
    assert _pem.private_key_texts('-----BEGIN PRIVATE KEY-----\nMHcCAQEEICI7di0LtKCvB8Nj\n')[0].startswith('-----BEGIN PRIVATE KEY')
    assert _pem.private_key_texts(cert) == [] and _pem.private_key_texts(None) == [] and _pem.private_key_texts(['x']) == []
