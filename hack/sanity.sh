#!/usr/bin/env bash
# Usage: hack/sanity.sh [CORE] [ansible-test sanity options...]
# ansible-test sanity --local on a fresh copy of the checkout. No ignore files are allowed.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

core="${1:-$MAIN_CORE}"
shift || true
setup_venv "$core"
activate "$core"

ignores=$(ls "$ROOT"/tests/sanity/ignore-*.txt 2>/dev/null || true)
[ -z "$ignores" ] || die "sanity ignore files are not allowed: $ignores"

copy_tree
cd "$TREE"
python=$(python_minor_for "$core")
log "ansible-test sanity (ansible-core $(core_version "$core"), Python $python)"
ansible-test sanity --local --python "$python" --requirements --color no "$@"
