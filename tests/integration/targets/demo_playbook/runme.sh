#!/usr/bin/env bash
# The demo playbook (docs/examples/demo.yml) runs end to end against the plain emulator,
# so the tour the README shows keeps working, and never prints the emulator's password.
set -eu

config="../../integration_config.yml"
for arg in "$@"; do
    case "$arg" in @*) config="${arg#@}" ;; esac
done
[ -f "$config" ] || { echo "no integration config at $config (make integration writes it)" >&2; exit 1; }
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"
setting() { "$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$config" "$1"; }

CONVOX_HOST=$(setting convox_emulator_url)
CONVOX_PASSWORD=$(setting convox_emulator_password)
export CONVOX_HOST CONVOX_PASSWORD
unset CONVOX_RACK RACK_URL
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CONVOX_CONFIG="$scratch/no-cli-config"

demo="$(setting convox_examples_dir)/demo.yml"
[ -f "$demo" ] || { echo "the demo playbook is not at $demo" >&2; exit 1; }
ansible-playbook "$demo" > "$scratch/out" 2>&1 || { cat "$scratch/out"; exit 1; }
cat "$scratch/out"
if grep -qF -- "$CONVOX_PASSWORD" "$scratch/out"; then
    echo "the demo printed the emulator password" >&2
    exit 1
fi
grep -q 'failed=0' "$scratch/out"
