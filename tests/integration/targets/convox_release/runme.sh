#!/usr/bin/env bash
# convox_release against the rack emulators, run with -vvv and --diff: promote, rollback by id and
# `previous`, rack rollbacks, missing ids, forced promotes, v2 and console racks (release.yml), and
# neither an env value nor an emulator password may appear anywhere in that output.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

# The secret the playbook puts in the app's env (it must never be printed).
secret="env-secret-$(random_hex 8)"
export CONVOX_TEST_SECRET="$secret"

run_playbook release.yml
refuse_in_output "$secret"
refuse_emulator_passwords
echo "convox_release: $(grep -c '^TASK' "$out") tasks, no secret in the -vvv --diff output"
