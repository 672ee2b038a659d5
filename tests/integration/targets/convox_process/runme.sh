#!/usr/bin/env bash
# convox_process against the plain, console and TLS emulators, run with -vvv --diff: the playbook asserts
# what the module does (runs detached and attached, exit codes, a cut or split marker, timeouts, the holder
# process stopped each time in the request log, stops), and this script that the environment value the tasks
# give a process and the emulator passwords never show in the output - arguments, diffs, results, -vvv lines.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

run_secret="run-token-$(random_hex 8)"

run_playbook playbook.yml -e "run_secret=$run_secret"
refuse_in_output "$run_secret"
refuse_emulator_passwords
# The command printed the value: Ansible masked it in the result, which proves it reached the process.
grep -q '"stdout": "token=\*\*\*\*\*\*\*\*"' "$out"
echo "no secret in the output"
