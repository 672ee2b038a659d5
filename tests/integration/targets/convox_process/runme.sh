#!/usr/bin/env bash
# convox_process against the plain, console and TLS emulators, run with -vvv --diff: the playbook asserts
# what the module does (runs detached and attached, exit codes, a cut or split marker, timeouts, the holder
# process stopped each time in the request log, stops), and this script that the environment value the tasks
# give a process and the emulator passwords never show in the output - arguments, diffs, results, -vvv lines.
set -eu

config="../../integration_config.yml"
for arg in "$@"; do
    case "$arg" in @*) config="${arg#@}" ;; esac
done
[ -f "$config" ] || { echo "no integration config at $config (make integration writes it)" >&2; exit 1; }
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"
setting() { "$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$config" "$1"; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
unset CONVOX_HOST CONVOX_PASSWORD CONVOX_RACK CONVOX_CONFIG RACK_URL
# The setup_convox_emulator helpers are a role beside this target.
export ANSIBLE_ROLES_PATH=..

# Drawn per run, so that a match in the output can only be a leak.
run_secret="run-token-$("$python" -c 'import secrets; print(secrets.token_hex(8))')"

status=0
ansible-playbook playbook.yml -e "@$config" -e "scratch_dir=$scratch" -e "run_secret=$run_secret" -vvv --diff > "$scratch/out" 2>&1 || status=$?
cat "$scratch/out"
[ "$status" -eq 0 ] || exit "$status"
grep -q 'failed=0' "$scratch/out"

for secret in "$run_secret" "$(setting convox_emulator_password)" "$(setting convox_emulator_console_password)" \
    "$(setting convox_emulator_tls_password)"; do
    if grep -qF -- "$secret" "$scratch/out"; then
        echo "FAILED: a secret appeared in the output:" >&2
        grep -nF -- "$secret" "$scratch/out" | sed "s/$secret/<THE SECRET>/g" | head -5 >&2
        exit 1
    fi
done
# The command printed the value: Ansible masked it in the result, which proves it reached the process.
grep -q '"stdout": "token=\*\*\*\*\*\*\*\*"' "$scratch/out"
echo "no secret in the output"
