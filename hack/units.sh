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
# The module tests wait on the emulators (deploys, builds) more than they compute: twice as many
# workers as CPUs finish sooner.
ansible-test units --local --python "$python" --color no --num-workers "${UNITS_WORKERS:-$(( $(nproc) * 2 ))}"
# ansible-test exits 0 with a warning when it finds no unit tests: count what actually ran.
ran=$(python3 - <<'PY'
import glob
import xml.etree.ElementTree as ET

total = 0
for path in glob.glob("tests/output/junit/*.xml"):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    total += sum(int(suite.get("tests", 0)) - int(suite.get("skipped", 0)) for suite in suites)
print(total)
PY
)
[ "$ran" -gt 0 ] || die "ansible-test units ran no tests"
log "ansible-test units ran $ran tests"

[ -d tests/emulator/tests ] || die "tests/emulator/tests is missing: the emulator has no tests to run"
log "emulator tests (pytest)"
status=0
python -m pytest -p no:cacheprovider -n auto -q tests/emulator/tests || status=$?
# pytest exits 5 when it collected nothing: that is a failure here, never a pass.
[ "$status" -ne 5 ] || die "pytest collected no tests in tests/emulator/tests"
exit "$status"
