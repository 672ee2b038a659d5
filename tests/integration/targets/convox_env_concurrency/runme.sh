#!/usr/bin/env bash
# Twelve concurrent writers of one app's env (ansible-playbook -f 12 over twelve local hosts):
# playbook.yml asserts that every key survives, first each writer's own, then shared keys.
set -eu

config="../../integration_config.yml"
for arg in "$@"; do
    case "$arg" in @*) config="${arg#@}" ;; esac
done
[ -f "$config" ] || { echo "no integration config at $config (make integration writes it)" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export ANSIBLE_ROLES_PATH=..
unset CONVOX_HOST CONVOX_PASSWORD CONVOX_RACK CONVOX_CONFIG RACK_URL

app="concurrency-$$"
ansible-playbook -i inventory.ini -i "${ANSIBLE_INVENTORY:-localhost,}" -f 12 playbook.yml \
    -e "@$config" -e "scratch_dir=$scratch" -e "concurrency_app=$app" "$@"
