# shellcheck shell=bash
# What the targets' runme.sh scripts share. Sourced, with the script's arguments, from the target's
# directory (ansible-test runs runme.sh there):  . ../setup_convox_emulator/files/runme-common.sh
#
# It sets: `config` (the integration config: ../../integration_config.yml, or the file of an `@FILE`
# argument), `python`, `scratch` (a directory removed on exit), `out` (where run_playbook writes), and
# the functions below. The connection variables of the environment are unset, so that only what a test
# gives reaches the modules, and setup_convox_emulator's task files are a role beside the target.
set -eu

# ansible-test passes `-e @FILE` to scripts only for cloud targets: read the config beside the targets.
config="../../integration_config.yml"
for arg in "$@"; do
    case "$arg" in @*) config="${arg#@}" ;; esac
done
[ -f "$config" ] || { echo "no integration config at $config (make integration writes it)" >&2; exit 1; }
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out="$scratch/out"
unset CONVOX_HOST CONVOX_PASSWORD CONVOX_RACK CONVOX_CONFIG RACK_URL
export ANSIBLE_ROLES_PATH=..
# ansible-core 2.21 adds a module's arguments to its result only when asked (older versions always do):
# asked here, so that the secrecy checks also read the logged arguments.
export ANSIBLE_INJECT_INVOCATION=1

# setting NAME: a value of the integration config.
setting() { "$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$config" "$1"; }

# random_hex BYTES: drawn per run, so that a match of a secret made from it can only be a leak.
random_hex() { "$python" -c 'import secrets, sys; print(secrets.token_hex(int(sys.argv[1])))' "$1"; }

# emulator_passwords: the password of every emulator, a line each.
emulator_passwords() {
    local name
    for name in convox_emulator_password convox_emulator_tls_password convox_emulator_console_password \
            convox_emulator_v2_password convox_emulator_slow_password; do
        setting "$name"
    done
}

# run_playbook PLAYBOOK ARGS...: ansible-playbook at -vvv with --diff and the integration config, its
# output in $out and printed; the script fails with the playbook, or when a host has a failed task.
run_playbook() {
    local status=0
    ansible-playbook "$@" -e "@$config" -e "scratch_dir=$scratch" -vvv --diff > "$out" 2>&1 || status=$?
    cat "$out"
    [ "$status" -eq 0 ] || exit "$status"
    grep -q 'failed=0' "$out" || { echo "FAILED: a task failed" >&2; exit 1; }
    # A module's no_log options show masked in its logged arguments: if none does, the arguments were not
    # in the output, and the checks below would not have read them.
    grep -q 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' "$out" \
        || { echo "FAILED: no masked module argument in the output: was the invocation injected?" >&2; exit 1; }
}

# refuse_in_output SECRET...: fails when any of the values appears in $out, naming the lines (not the value).
refuse_in_output() {
    local secret
    for secret in "$@"; do
        [ -n "$secret" ] || { echo "FAILED: an empty secret was given to refuse_in_output" >&2; exit 1; }
        if grep -q -F -- "$secret" "$out"; then
            echo "FAILED: a secret appeared in the -vvv --diff output, on the lines:" >&2
            grep -n -F -- "$secret" "$out" | cut -d: -f1 | tr '\n' ' ' >&2
            exit 1
        fi
    done
}

# refuse_emulator_passwords: no emulator password in $out.
refuse_emulator_passwords() {
    local passwords
    mapfile -t passwords < <(emulator_passwords)
    refuse_in_output "${passwords[@]}"
}
