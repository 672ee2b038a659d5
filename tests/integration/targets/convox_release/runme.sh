#!/usr/bin/env bash
# convox_release against the rack emulators, run with -vvv and --diff: promote, rollback by id and
# `previous`, rack rollbacks, missing ids, forced promotes, v2 and console racks (release.yml), and
# neither an env value nor an emulator password may appear anywhere in that output.
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
# The secret the playbook puts in the app's env (it must never be printed).
secret="env-secret-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CONVOX_TEST_SECRET="$secret"
# setup_convox_emulator's task files (request log, deploy outcomes).
export ANSIBLE_ROLES_PATH=..

status=0
ansible-playbook release.yml -e @"$config" -e scratch_dir="$scratch" -vvv --diff > "$scratch/out" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    cat "$scratch/out"
    exit "$status"
fi
grep -q 'failed=0' "$scratch/out"
for name in convox_emulator_password convox_emulator_slow_password convox_emulator_v2_password convox_emulator_console_password; do
    if grep -qF -- "$(setting "$name")" "$scratch/out"; then
        echo "the output holds the value of $name" >&2
        exit 1
    fi
done
if grep -qF -- "$secret" "$scratch/out"; then
    echo "the output holds an env value" >&2
    grep -nF -- "$secret" "$scratch/out" | head -5 >&2
    exit 1
fi
echo "convox_release: $(grep -c '^TASK' "$scratch/out") tasks, no secret in the -vvv --diff output"
