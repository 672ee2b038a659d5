#!/usr/bin/env bash
# convox_registry and convox_registry_info against the v3, console and v2 emulators, run with -vvv --diff:
# the playbook asserts what the modules do (check mode, idempotence, diffs, request logs), and this script
# that no registry password - given in a task or read back from the rack, which lists them in clear - and
# no emulator password ever shows in the output, diffs, logged arguments and -vvv lines included.
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

# Drawn per run, so that a match in the output can only be a leak.
suffix=$("$python" -c 'import secrets; print(secrets.token_hex(8))')
first_password="Reg-first-$suffix"
second_password="Reg-second-$suffix"
other_password="Reg-other-$suffix"

status=0
ansible-playbook playbook.yml -e "@$config" -e "scratch_dir=$scratch" -e "first_password=$first_password" \
    -e "second_password=$second_password" -e "other_password=$other_password" -vvv --diff > "$scratch/out" 2>&1 || status=$?
cat "$scratch/out"
[ "$status" -eq 0 ] || exit "$status"
grep -q 'failed=0' "$scratch/out"
grep -q '<hidden: new value>' "$scratch/out" || { echo "FAILED: no password change was diffed" >&2; exit 1; }

for secret in "$first_password" "$second_password" "$other_password" "$suffix" \
        "$(setting convox_emulator_password)" "$(setting convox_emulator_v2_password)" "$(setting convox_emulator_console_password)"; do
    if grep -q -F -- "$secret" "$scratch/out"; then
        echo "FAILED: a secret appeared in the -vvv --diff output, on the lines:" >&2
        grep -n -F -- "$secret" "$scratch/out" | cut -d: -f1 | tr '\n' ' ' >&2
        exit 1
    fi
done
echo "no registry or emulator password in the -vvv --diff output"
