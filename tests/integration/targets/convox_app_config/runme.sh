#!/usr/bin/env bash
# convox_app_config against the v3, console and v2 emulators, run with -vvv --diff:
# the playbook asserts what the module does (check mode, idempotence, diffs, request logs), and this script
# that no config value - given in a task, or read back from the rack (GET answers it decoded) - and
# no emulator password ever shows in the output, diffs, logged arguments and -vvv lines included.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

suffix=$(random_hex 8)
first_value="Cfg-first-$suffix"
second_value="Cfg-second-$suffix"
other_value="Cfg-other-$suffix"

run_playbook playbook.yml -e "first_value=$first_value" -e "second_value=$second_value" -e "other_value=$other_value"
grep -q "<hidden: new value>" "$out" || { echo "FAILED: no value change was diffed" >&2; exit 1; }
refuse_in_output "$first_value" "$second_value" "$other_value" "$suffix" "$(printf %s "$first_value" | base64)"
refuse_emulator_passwords
echo "no config value (plain or base64) or emulator password in the -vvv --diff output"
