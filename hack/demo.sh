#!/usr/bin/env bash
# Usage: hack/demo.sh [PLAYBOOK]   (default docs/examples/demo.yml)
# Runs an example playbook for real against a fresh rack emulator, with the collection taken
# from the test tree, and shows Ansible's ordinary output.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

playbook="${1:-docs/examples/demo.yml}"
setup_venv "$MAIN_CORE"
activate "$MAIN_CORE"
copy_tree
[ -f "$TREE/$playbook" ] || die "$playbook does not exist"

start_emulator demo
export CONVOX_HOST CONVOX_PASSWORD
CONVOX_HOST=$(json_field "${EMULATOR_JSON[demo]}" url)
CONVOX_PASSWORD=$(json_field "${EMULATOR_JSON[demo]}" password)
unset CONVOX_RACK CONVOX_CONFIG

cd "$TREE"
log "ansible-playbook $playbook (CONVOX_HOST=$CONVOX_HOST)"
ANSIBLE_COLLECTIONS_PATH="$BUILD_DIR" ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_FORCE_COLOR=0 \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    ansible-playbook "$playbook"
