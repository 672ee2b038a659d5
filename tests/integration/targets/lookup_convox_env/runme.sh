#!/usr/bin/env bash
# The convox_env lookup: lookup.yml with keyword and variable connection options (and a rack JWT),
# then environment.yml with the connection from CONVOX_HOST and CONVOX_PASSWORD only (lookups read the
# controller's environment, which a task's `environment:` does not change). No password in the output.
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
export ANSIBLE_ROLES_PATH=..
unset CONVOX_HOST CONVOX_PASSWORD CONVOX_RACK RACK_URL
export CONVOX_CONFIG="$scratch/no-cli-config"

run() {
    if ! ansible-playbook "$@" -e "@$config" -e "scratch_dir=$scratch" > "$scratch/out" 2>&1; then
        cat "$scratch/out"
        exit 1
    fi
    cat "$scratch/out"
    if grep -qF -- "$(setting convox_emulator_password)" "$scratch/out"; then
        echo "the emulator password appeared in the output" >&2
        exit 1
    fi
}

run lookup.yml
grep -q 'convox_env lookup: NOPE is not set in release' "$scratch/out" || { echo "on_missing=warn gave no warning" >&2; exit 1; }
grep -q 'convox_env lookup: DATABASE_URL of release R[A-Z]* of app lookup-[0-9]* is masked by the app config cli-env-mask: returned as \*\*\*\*' \
    "$scratch/out" || { echo "a masked term gave no warning" >&2; exit 1; }
masked_warnings=$(grep -c 'is masked by the app config cli-env-mask: returned as' "$scratch/out" || true)
[ "$masked_warnings" = 1 ] || { echo "expected one masked-value warning (reveal=true and on_masked=ignore warn not), got $masked_warnings" >&2; exit 1; }

CONVOX_HOST=$(setting convox_emulator_url) CONVOX_PASSWORD=$(setting convox_emulator_password) run environment.yml
