#!/usr/bin/env bash
# Twelve concurrent writers of one app's env (ansible-playbook -f 12 over twelve local hosts):
# playbook.yml asserts that every key survives, first each writer's own, then shared keys.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

app="concurrency-$$"
ansible-playbook -i inventory.ini -i "${ANSIBLE_INVENTORY:-localhost,}" -f 12 playbook.yml \
    -e "@$config" -e "scratch_dir=$scratch" -e "concurrency_app=$app" "$@"
