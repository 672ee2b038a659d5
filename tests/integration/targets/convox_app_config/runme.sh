#!/usr/bin/env bash
# convox_app_config against the v3, console and v2 emulators, run with -vvv --diff:
# the playbook asserts what the module does (check mode, idempotence, diffs, request logs), and this script
# that no config value - given in a task, or read back from the rack (GET answers it decoded) - and
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
first_value="Cfg-first-$suffix"
second_value="Cfg-second-$suffix"
other_value="Cfg-other-$suffix"

status=0
ansible-playbook playbook.yml -e "@$config" -e "scratch_dir=$scratch" -e "first_value=$first_value" \
    -e "second_value=$second_value" -e "other_value=$other_value" -vvv --diff > "$scratch/out" 2>&1 || status=$?
cat "$scratch/out"
[ "$status" -eq 0 ] || exit "$status"
grep -q 'failed=0' "$scratch/out"
grep -q "<hidden: new value>" "$scratch/out" || { echo "FAILED: no value change was diffed" >&2; exit 1; }

for secret in "$first_value" "$second_value" "$other_value" "$suffix" "$(printf %s "$first_value" | base64)" \
        "$(setting convox_emulator_password)" "$(setting convox_emulator_v2_password)" "$(setting convox_emulator_console_password)"; do
    if grep -q -F -- "$secret" "$scratch/out"; then
        echo "FAILED: a secret appeared in the -vvv --diff output, on the lines:" >&2
        grep -n -F -- "$secret" "$scratch/out" | cut -d: -f1 | tr '\n' ' ' >&2
        exit 1
    fi
done
echo "no config value (plain or base64) or emulator password in the -vvv --diff output"
