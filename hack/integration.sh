#!/usr/bin/env bash
# Usage: hack/integration.sh [CORE] [ansible-test integration options, e.g. a target name...]
# Starts three rack emulators (plain HTTP, TLS with its own CA, console for acme/production),
# writes tests/integration/integration_config.yml in the test tree and runs
# ansible-test integration --local against them. The emulators are always stopped.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

core="${1:-$MAIN_CORE}"
shift || true
setup_venv "$core"
activate "$core"
copy_tree
targets=$({ grep -L -x -E 'hidden|disabled|unsupported' "$TREE"/tests/integration/targets/*/aliases 2>/dev/null || true; } | wc -l)
[ "$targets" -gt 0 ] || die "no integration targets in tests/integration/targets"

console_rack=acme/production
start_emulator plain
start_emulator tls --tls
start_emulator console --console "$console_rack"

python3 - "$TREE/tests/integration/integration_config.yml" "$console_rack" \
    "${EMULATOR_JSON[plain]}" "${EMULATOR_JSON[tls]}" "${EMULATOR_JSON[console]}" <<'PY'
import json
import sys

path, console_rack = sys.argv[1:3]
plain, tls, console = (json.loads(arg) for arg in sys.argv[3:6])
config = {
    "convox_emulator_url": plain["url"],
    "convox_emulator_password": plain["password"],
    "convox_emulator_tls_url": tls["url"],
    "convox_emulator_tls_password": tls["password"],
    "convox_emulator_ca_cert": tls["ca_cert"],
    "convox_emulator_console_url": console["url"],
    "convox_emulator_console_password": console["password"],
    "convox_emulator_console_rack": console_rack,
}
with open(path, "w", encoding="utf-8") as handle:
    handle.write("# Written by hack/integration.sh for this run only.\n")
    for key, value in config.items():
        handle.write("%s: %s\n" % (key, json.dumps(value)))  # JSON scalars are valid YAML
PY

cd "$TREE"
python=$(python_minor_for "$core")
log "ansible-test integration (Python $python)"
# every target runs even after one fails; ansible-test still fails at the end, naming them all
ansible-test integration --local --python "$python" --continue-on-error --color no "$@"
