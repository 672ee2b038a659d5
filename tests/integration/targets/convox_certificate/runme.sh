#!/usr/bin/env bash
# convox_certificate and convox_certificate_info against the v3, console and v2 emulators, run with
# -vvv --diff. Test certificates are made here (tests/emulator/make_test_cert.py); the playbook asserts
# what the modules do, and this script that no line of any private key - given as content or as a file -
# and no emulator password ever shows in the output, diffs, logged arguments and -vvv lines included.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

tool="$(setting convox_emulator_dir)/make_test_cert.py"
suffix=$(random_hex 4)
domain="www-$suffix.example.com"
"$python" "$tool" --out "$scratch/www" --cn "$domain" --san "$domain" --san "example-$suffix.com" --days 90 > /dev/null
"$python" "$tool" --out "$scratch/other" --cn "$domain" --days 90 > /dev/null
"$python" "$tool" --out "$scratch/console" --cn "console-$suffix.example.com" --days 30 --self-signed > /dev/null
"$python" "$tool" --out "$scratch/v2" --cn "v2-$suffix.example.com" --days 60 --rsa > /dev/null
fingerprint=$("$python" -c 'import hashlib, ssl, sys; print(hashlib.sha256(ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())).hexdigest())' \
    "$scratch/www/cert.pem")

run_playbook playbook.yml -e "suffix=$suffix" -e "domain=$domain" -e "www_fingerprint=$fingerprint"

# Every base64 line of every private key must be absent from the output.
"$python" - "$out" "$scratch"/*/key.pem <<'PY'
import sys

keys = sys.argv[2:]
text = open(sys.argv[1], encoding='utf-8').read()
pieces = []
for key in keys:
    body = [line.strip() for line in open(key, encoding='ascii') if line.strip() and not line.startswith('-----')]
    pieces.extend(line for line in body if len(line) >= 16)
    pieces.append(''.join(body))
assert len(keys) == 4 and len(pieces) >= 12, (keys, len(pieces))
leaked = [index for index, piece in enumerate(pieces) if piece in text]
if leaked:
    sys.exit('FAILED: private key material appeared in the -vvv --diff output (pieces %s)' % leaked)
print('no private key line (%d checked from %d keys) in the -vvv --diff output' % (len(pieces), len(keys)))
PY
refuse_emulator_passwords
echo "no emulator password in the -vvv --diff output"
