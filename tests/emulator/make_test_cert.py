#!/usr/bin/env python
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a test certificate, its key and its CA chain as PEM files (for certificate uploads to the emulator).

    python3 tests/emulator/make_test_cert.py --out DIR --cn app.example.com [--san NAME ...] [--days 90] [--rsa] [--self-signed]

Writes DIR/cert.pem, DIR/key.pem (mode 0600) and DIR/chain.pem (empty when self-signed); prints their paths as JSON.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from convox_emulator.testcerts import make_certificate  # noqa: E402 pylint: disable=wrong-import-position


def main(argv=None):
    parser = argparse.ArgumentParser(description='Write a test certificate, key and chain.')
    parser.add_argument('--out', required=True, help='directory to write cert.pem, key.pem and chain.pem into')
    parser.add_argument('--cn', required=True, help='the subject common name')
    parser.add_argument('--san', action='append', default=None, help='a DNS subject alternative name (repeatable; default: the CN)')
    parser.add_argument('--days', type=int, default=90, help='validity in days (default 90)')
    parser.add_argument('--rsa', action='store_true', help='an RSA 2048 key instead of P-256')
    parser.add_argument('--self-signed', action='store_true', help='self-signed, no chain')
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    cert, key, chain = make_certificate(args.cn, args.san, days=args.days, key_type='rsa' if args.rsa else 'ec',
                                        self_signed=args.self_signed)
    os.makedirs(args.out, exist_ok=True)
    paths = {}
    for name, text in (('cert', cert), ('key', key), ('chain', chain)):
        path = paths[name] = os.path.join(args.out, '%s.pem' % name)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, 'w') as handle:
            handle.write(text)
    sys.stdout.write(json.dumps(paths) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
