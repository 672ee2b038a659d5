#!/usr/bin/env bash
# convox_rack_token against the plain, console and v2 emulators, run with -vvv --diff: the playbook mints
# tokens, uses them through `register` (reads work, writes need a write role) and writes each token to a
# file with no_log; this script then checks that no token - nor an emulator password - ever shows in the
# output at any point, and that the minting tasks' results were censored rather than printed.
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
export ANSIBLE_ROLES_PATH=..
mkdir -m 0700 "$scratch/tokens"

status=0
ansible-playbook playbook.yml -e "@$config" -e "scratch_dir=$scratch" -vvv --diff > "$scratch/out" 2>&1 || status=$?
cat "$scratch/out"
[ "$status" -eq 0 ] || exit "$status"
grep -q 'failed=0' "$scratch/out"

tokens=$(find "$scratch/tokens" -type f | wc -l)
[ "$tokens" -ge 5 ] || { echo "FAILED: only $tokens tokens were written by the playbook" >&2; exit 1; }
# A task that ran the module shows a censored result (the action plugin's doing), or - check mode and
# failures, which carry no token - a result without a token key.
censored=$("$python" - "$scratch/out" <<'PY'
import sys
blocks = open(sys.argv[1], encoding='utf-8').read().split('\nTASK [')
ran = [block for block in blocks if 'convox_rack_token.py' in block]
hidden = [block for block in ran if "the output has been hidden due to the fact that 'no_log: true'" in block]
shown = [block.split('\n', 1)[0] for block in ran if block not in hidden and '"token":' in block]
if shown:
    sys.exit('FAILED: results with a token key were printed: %s' % shown)
print(len(hidden))
PY
)
[ "$censored" -ge "$tokens" ] || { echo "FAILED: $censored censored results for $tokens minted tokens" >&2; exit 1; }

for file in "$scratch"/tokens/*; do
    token=$(cat "$file")
    [ "${#token}" -gt 40 ] || { echo "FAILED: $file does not hold a token" >&2; exit 1; }
    # The token, and its signature alone (what stays secret if a header or claims were ever logged apart).
    for secret in "$token" "${token##*.}"; do
        if grep -q -F -- "$secret" "$scratch/out"; then
            echo "FAILED: a token ($(basename "$file")) appeared in the -vvv --diff output, on the lines:" >&2
            grep -n -F -- "$secret" "$scratch/out" | cut -d: -f1 | tr '\n' ' ' >&2
            exit 1
        fi
    done
done
for secret in "$(setting convox_emulator_password)" "$(setting convox_emulator_v2_password)" "$(setting convox_emulator_console_password)"; do
    if grep -q -F -- "$secret" "$scratch/out"; then
        echo "FAILED: an emulator password appeared in the output" >&2
        exit 1
    fi
done
echo "no token ($tokens minted, $censored results censored) or emulator password in the -vvv --diff output"
