#!/usr/bin/env bash
# Usage: hack/units.sh [CORE]
# Unit tests (tests/unit, through ansible-test units --local) and the emulator's own tests
# (tests/emulator/tests, plain pytest), both on a fresh copy of the checkout.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

core="${1:-$MAIN_CORE}"
setup_venv "$core"
activate "$core"
copy_tree
cd "$TREE"
python=$(python_minor_for "$core")

log "ansible-test units (Python $python)"
ansible-test units --local --python "$python" --color no

[ -d tests/emulator/tests ] || die "tests/emulator/tests is missing: the emulator has no tests to run"
log "emulator tests (pytest)"
status=0
python -m pytest -p no:cacheprovider -n auto -q tests/emulator/tests || status=$?
# pytest exits 5 when it collected nothing: that is a failure here, never a pass.
[ "$status" -ne 5 ] || die "pytest collected no tests in tests/emulator/tests"
exit "$status"
