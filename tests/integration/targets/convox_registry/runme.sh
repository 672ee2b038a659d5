#!/usr/bin/env bash
# convox_registry and convox_registry_info against the v3, console and v2 emulators, run with -vvv --diff:
# the playbook asserts what the modules do (check mode, idempotence, diffs, request logs), and this script
# that no registry password - given in a task or read back from the rack, which lists them in clear - and
# no emulator password ever shows in the output, diffs, logged arguments and -vvv lines included.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

suffix=$(random_hex 8)
first_password="Reg-first-$suffix"
second_password="Reg-second-$suffix"
other_password="Reg-other-$suffix"

run_playbook playbook.yml -e "first_password=$first_password" -e "second_password=$second_password" \
    -e "other_password=$other_password"
grep -q '<hidden: new value>' "$out" || { echo "FAILED: no password change was diffed" >&2; exit 1; }
refuse_in_output "$first_password" "$second_password" "$other_password" "$suffix"
refuse_emulator_passwords
echo "no registry or emulator password in the -vvv --diff output"
