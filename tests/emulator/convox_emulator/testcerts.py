# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificates for tests of certificate clients: a PEM certificate, its key, and a CA chain.

    from convox_emulator.testcerts import make_certificate
    cert_pem, key_pem, chain_pem = make_certificate('app.example.com', ['app.example.com', '*.example.com'], days=30)

The certificate is signed by a throw-away CA (``chain_pem``) unless ``self_signed=True`` (then the
chain is empty). Keys are P-256 (``key_type='ec'``) or RSA 2048 (``'rsa'``; v2's ACM import wants RSA
on real racks, the emulator accepts both). ``make_test_cert.py`` next to run.py writes the same to files.
"""

import time

from . import pem

_DAY = 24 * 3600


def make_certificate(common_name, dns_names=None, days=90, key_type='ec', self_signed=False, not_before=None):
    """(certificate PEM, private key PEM, chain PEM) as text; ``not_before`` is a Unix time (default: now)."""
    start_ns = int((time.time() if not_before is None else not_before) * 1000000000)
    names = list(dns_names) if dns_names is not None else [common_name]
    if self_signed:
        cert, key = pem.generate(common_name, names, start_ns, days * _DAY, key_type=key_type, organization='convox.convox tests')
        return cert, key, ''
    ca_cert, ca_key = pem.generate('convox.convox test CA', None, start_ns, (days + 1) * _DAY, organization='convox.convox tests', is_ca=True)
    cert, key = pem.generate(common_name, names, start_ns, days * _DAY, issuer=pem.load_pair(ca_cert, ca_key), key_type=key_type,
                             organization='convox.convox tests')
    return cert, key, ca_cert
