#!/usr/bin/env bash
# The convox_env lookup: lookup.yml with keyword and variable connection options (and a rack JWT),
# then environment.yml with the connection from CONVOX_HOST and CONVOX_PASSWORD only (lookups read the
# controller's environment, which a task's `environment:` does not change). No password in the output.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

export CONVOX_CONFIG="$scratch/no-cli-config"

run() {
    if ! ansible-playbook "$@" -e "@$config" -e "scratch_dir=$scratch" > "$out" 2>&1; then
        cat "$out"
        exit 1
    fi
    cat "$out"
    refuse_emulator_passwords
}

run lookup.yml
grep -q 'convox_env lookup: NOPE is not set in release' "$out" || { echo "on_missing=warn gave no warning" >&2; exit 1; }
grep -q 'convox_env lookup: DATABASE_URL of release R[A-Z]* of app lookup-[0-9]* is masked by the app config cli-env-mask: returned as \*\*\*\*' \
    "$out" || { echo "a masked term gave no warning" >&2; exit 1; }
masked_warnings=$(grep -c 'is masked by the app config cli-env-mask: returned as' "$out" || true)
[ "$masked_warnings" = 1 ] || { echo "expected one masked-value warning (reveal=true and on_masked=ignore warn not), got $masked_warnings" >&2; exit 1; }

CONVOX_HOST=$(setting convox_emulator_url) CONVOX_PASSWORD=$(setting convox_emulator_password) run environment.yml
