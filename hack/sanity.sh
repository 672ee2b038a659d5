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

log "shellcheck of the tooling (.ci/run and hack/: not part of the collection, so not in the tree)"
(cd "$ROOT" && shellcheck -x .ci/run hack/*.sh)

copy_tree
python=$(python_minor_for "$core")
# The venv's Python runs every test; the other Pythons found here also get the per-version
# tests (compile, import) for the code that runs on managed hosts.
PATH="$VIRTUAL_ENV/bin:$(link_target_pythons "$python"):$PATH"
cd "$TREE"
log "ansible-test sanity (ansible-core $(core_version "$core"), Python $python; per-version tests on every Python found)"
ansible-test sanity --local --requirements --color no "$@"
