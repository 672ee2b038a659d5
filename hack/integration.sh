#!/usr/bin/env bash
# Usage: hack/integration.sh [CORE] [ansible-test integration options, e.g. a target name...]
# Runs ansible-test integration --local against rack emulators. Each run gets five of them
# (plain HTTP, TLS with its own CA, console for acme/production, a v2 rack, and a slow one whose
# deploys take 8 s), named in tests/integration/integration_config.yml of its test tree.
#
# With no target named, the targets are split into INTEGRATION_JOBS groups (default 3) of about
# equal running time, and the groups run at the same time, each in its own copy of the test tree
# with its own emulators: targets assert on their emulator's request log, so no two runs may share
# one. Most of a target's time is spent waiting for emulated deploys, so this is much faster even on
# two cores. With targets named, they run in one group, as ansible-test runs them. The emulators are
# always stopped.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

core="${1:-$MAIN_CORE}"
shift || true
setup_venv "$core"
activate "$core"
copy_tree
python=$(python_minor_for "$core")

all_targets=()
for aliases in "$TREE"/tests/integration/targets/*/aliases; do
    grep -q -x -E 'hidden|disabled|unsupported' "$aliases" || all_targets+=("$(basename "$(dirname "$aliases")")")
done
[ ${#all_targets[@]} -gt 0 ] || die "no integration targets in tests/integration/targets"

# Seconds a target took on its own (hack/integration.sh 2.21 TARGET, 2 cores), to balance the groups;
# a target not listed counts as DEFAULT_WEIGHT. Only the balance depends on these.
declare -A WEIGHT=(
    [convox_service]=209 [convox_resource]=144 [convox_build]=115 [convox_release]=110 [convox_system_info]=83
    [convox_env]=72 [demo_playbook]=66 [convox_app]=59 [lookup_convox_env]=50 [convox_env_concurrency]=43
    [convox_api]=37 [convox_build_info]=33 [convox_release_info]=33 [convox_env_info]=27
    [convox_adhoc]=18 [convox_app_info]=13
)
DEFAULT_WEIGHT=40

console_rack=acme/production
v2_version=20240101000000

# start_group_emulators GROUP TREE: the five emulators of one run, and its integration_config.yml.
start_group_emulators() {
    local group="$1" tree="$2"
    # Deploys and builds take 1 s on most emulators (waits are real); "slow" keeps an app updating
    # long enough for tests that act during a deploy (cancel, timeouts).
    start_emulator "$group-plain" --deploy-seconds 1 --build-seconds 1
    start_emulator "$group-tls" --tls --deploy-seconds 1 --build-seconds 1
    start_emulator "$group-console" --console "$console_rack" --deploy-seconds 1 --build-seconds 1
    start_emulator "$group-v2" --rack-version "$v2_version" --deploy-seconds 1 --build-seconds 1
    start_emulator "$group-slow" --deploy-seconds 8 --build-seconds 8
    python3 - "$tree/tests/integration/integration_config.yml" "$console_rack" \
        "${EMULATOR_JSON[$group-plain]}" "${EMULATOR_JSON[$group-tls]}" "${EMULATOR_JSON[$group-console]}" \
        "${EMULATOR_JSON[$group-v2]}" "${EMULATOR_JSON[$group-slow]}" "$tree/docs/examples" "$tree/tests/emulator" <<'PY'
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
}

# run_group TREE ARGS...: ansible-test integration in one tree; every target runs even after one
# fails (ansible-test still fails at the end, naming them all).
run_group() {
    local tree="$1"
    shift
    (cd "$tree" && ansible-test integration --local --python "$python" --continue-on-error --color no "$@")
}

if [ $# -gt 0 ] || [ "${INTEGRATION_JOBS:-3}" -le 1 ]; then
    start_group_emulators g1 "$TREE"
    log "ansible-test integration (Python $python)"
    run_group "$TREE" "$@"
    exit 0
fi

# Longest first, each into the group with the least time so far.
jobs="${INTEGRATION_JOBS:-3}"
declare -a group_targets group_time
for ((g = 0; g < jobs; g++)); do group_targets[g]=""; group_time[g]=0; done
while read -r _weight target; do
    best=0
    for ((g = 1; g < jobs; g++)); do
        [ "${group_time[g]}" -lt "${group_time[best]}" ] && best=$g
    done
    group_targets[best]+=" $target"
    group_time[best]=$((group_time[best] + ${WEIGHT[$target]:-$DEFAULT_WEIGHT}))
done < <(for target in "${all_targets[@]}"; do echo "${WEIGHT[$target]:-$DEFAULT_WEIGHT} $target"; done | sort -rn)

pids=()
for ((g = 0; g < jobs; g++)); do
    [ -n "${group_targets[g]}" ] || continue
    tree="$BUILD_DIR/integration-$g/ansible_collections/convox/convox"
    rm -rf "$BUILD_DIR/integration-$g"
    mkdir -p "$(dirname "$tree")"
    cp -a "$TREE" "$tree"
    start_group_emulators "g$g" "$tree"
    log "group $g (about ${group_time[g]} s):${group_targets[g]}"
    # shellcheck disable=SC2086  # the target list is meant to split into words
    run_group "$tree" ${group_targets[g]} > "$BUILD_DIR/integration-$g.log" 2>&1 &
    pids[g]=$!
done

failed=()
for ((g = 0; g < jobs; g++)); do
    [ -n "${pids[g]:-}" ] || continue
    if ! wait "${pids[g]}"; then
        failed+=("$g")
    fi
    log "output of group $g:${group_targets[g]}"
    cat "$BUILD_DIR/integration-$g.log"
done
[ ${#failed[@]} -eq 0 ] || die "integration failed in group(s) ${failed[*]} (their output is above)"
log "every integration target passed (${#all_targets[@]} targets in $jobs groups)"
