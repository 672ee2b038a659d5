#!/usr/bin/env bash
# Usage: hack/integration.sh [CORE] [ansible-test integration options, e.g. a target name...]
# Starts five rack emulators (plain HTTP, TLS with its own CA, console for acme/production, a v2
# rack, and a slow one whose deploys take 8 s),
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
v2_version=20240101000000
# Deploys and builds take 1 s on most emulators (waits are real); "slow" keeps an app updating
# long enough for tests that act during a deploy (cancel, timeouts).
start_emulator plain --deploy-seconds 1 --build-seconds 1
start_emulator tls --tls --deploy-seconds 1 --build-seconds 1
start_emulator console --console "$console_rack" --deploy-seconds 1 --build-seconds 1
start_emulator v2 --rack-version "$v2_version" --deploy-seconds 1 --build-seconds 1
start_emulator slow --deploy-seconds 8 --build-seconds 8

python3 - "$TREE/tests/integration/integration_config.yml" "$console_rack" \
    "${EMULATOR_JSON[plain]}" "${EMULATOR_JSON[tls]}" "${EMULATOR_JSON[console]}" \
    "${EMULATOR_JSON[v2]}" "${EMULATOR_JSON[slow]}" "$TREE/docs/examples" "$TREE/tests/emulator" <<'PY'
import json
import sys

path, console_rack = sys.argv[1:3]
plain, tls, console, v2, slow = (json.loads(arg) for arg in sys.argv[3:8])
config = {
    # ansible-test copies only the collection's plugins and tests: targets that run the
    # documented examples find them here.
    "convox_examples_dir": sys.argv[8],
    # The emulator's tools (make_test_cert.py writes certificates for certificate uploads).
    "convox_emulator_dir": sys.argv[9],
    "convox_emulator_url": plain["url"],
    "convox_emulator_password": plain["password"],
    "convox_emulator_tls_url": tls["url"],
    "convox_emulator_tls_password": tls["password"],
    "convox_emulator_ca_cert": tls["ca_cert"],
    "convox_emulator_console_url": console["url"],
    "convox_emulator_console_password": console["password"],
    "convox_emulator_console_rack": console_rack,
    "convox_emulator_v2_url": v2["url"],
    "convox_emulator_v2_password": v2["password"],
    "convox_emulator_slow_url": slow["url"],
    "convox_emulator_slow_password": slow["password"],
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
