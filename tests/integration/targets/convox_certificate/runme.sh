#!/usr/bin/env bash
# convox_certificate and convox_certificate_info against the v3, console and v2 emulators, run with
# -vvv --diff. Test certificates are made here (tests/emulator/make_test_cert.py); the playbook asserts
# what the modules do, and this script that no line of any private key - given as content or as a file -
# and no emulator password ever shows in the output, diffs, logged arguments and -vvv lines included.
set -eu

config="../../integration_config.yml"
for arg in "$@"; do
    case "$arg" in @*) config="${arg#@}" ;; esac
done
[ -f "$config" ] || { echo "no integration config at $config (make integration writes it)" >&2; exit 1; }
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"
setting() { "$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$config" "$1"; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
unset CONVOX_HOST CONVOX_PASSWORD CONVOX_RACK CONVOX_CONFIG RACK_URL
export ANSIBLE_ROLES_PATH=..

tool="$(setting convox_emulator_dir)/make_test_cert.py"
suffix=$("$python" -c 'import secrets; print(secrets.token_hex(4))')
domain="www-$suffix.example.com"
"$python" "$tool" --out "$scratch/www" --cn "$domain" --san "$domain" --san "example-$suffix.com" --days 90 > /dev/null
"$python" "$tool" --out "$scratch/other" --cn "$domain" --days 90 > /dev/null
"$python" "$tool" --out "$scratch/console" --cn "console-$suffix.example.com" --days 30 --self-signed > /dev/null
"$python" "$tool" --out "$scratch/v2" --cn "v2-$suffix.example.com" --days 60 --rsa > /dev/null
fingerprint=$("$python" -c 'import hashlib, ssl, sys; print(hashlib.sha256(ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())).hexdigest())' \
    "$scratch/www/cert.pem")

status=0
ansible-playbook playbook.yml -e "@$config" -e "scratch_dir=$scratch" -e "suffix=$suffix" -e "domain=$domain" \
    -e "www_fingerprint=$fingerprint" -vvv --diff > "$scratch/out" 2>&1 || status=$?
cat "$scratch/out"
[ "$status" -eq 0 ] || exit "$status"
grep -q 'failed=0' "$scratch/out"

# Every base64 line of every private key (and the emulator passwords) must be absent from the output.
"$python" - "$scratch/out" "$scratch"/*/key.pem -- \
    "$(setting convox_emulator_password)" "$(setting convox_emulator_v2_password)" "$(setting convox_emulator_console_password)" <<'PY'
import sys

args = sys.argv[2:]
split = args.index('--')
keys, passwords = args[:split], args[split + 1:]
text = open(sys.argv[1], encoding='utf-8').read()
pieces = []
for key in keys:
    body = [line.strip() for line in open(key, encoding='ascii') if line.strip() and not line.startswith('-----')]
    pieces.extend(line for line in body if len(line) >= 16)
    pieces.append(''.join(body))
assert len(keys) == 4 and len(pieces) >= 12, (keys, len(pieces))
leaked = [index for index, piece in enumerate(pieces + passwords) if piece in text]
if leaked:
    sys.exit('FAILED: private key material or a password appeared in the -vvv --diff output (pieces %s)' % leaked)
print('no private key line (%d checked from %d keys) or emulator password in the -vvv --diff output' % (len(pieces), len(keys)))
PY
