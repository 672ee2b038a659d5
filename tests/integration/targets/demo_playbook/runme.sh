#!/usr/bin/env bash
# The demo playbook (docs/examples/demo.yml) runs end to end against the plain emulator,
# so the tour the README shows keeps working, and never prints the emulator's password.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

CONVOX_HOST=$(setting convox_emulator_url)
CONVOX_PASSWORD=$(setting convox_emulator_password)
export CONVOX_HOST CONVOX_PASSWORD
export CONVOX_CONFIG="$scratch/no-cli-config"

demo="$(setting convox_examples_dir)/demo.yml"
[ -f "$demo" ] || { echo "the demo playbook is not at $demo" >&2; exit 1; }
ansible-playbook "$demo" > "$out" 2>&1 || { cat "$out"; exit 1; }
cat "$out"
grep -q 'failed=0' "$out"
refuse_emulator_passwords
