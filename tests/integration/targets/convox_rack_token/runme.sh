#!/usr/bin/env bash
# convox_rack_token against the plain, console and v2 emulators, run with -vvv --diff: the playbook mints
# tokens, uses them through `register` (reads work, writes need a write role) and writes each token to a
# file with no_log; this script then checks that no token - nor an emulator password - ever shows in the
# output at any point, and that the minting tasks' results were censored rather than printed.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

mkdir -m 0700 "$scratch/tokens"

run_playbook playbook.yml

tokens=$(find "$scratch/tokens" -type f | wc -l)
[ "$tokens" -ge 5 ] || { echo "FAILED: only $tokens tokens were written by the playbook" >&2; exit 1; }
# A task that ran the module shows a censored result (the action plugin's doing), or - check mode and
# failures, which carry no token - a result without a token key.
censored=$("$python" - "$out" <<'PY'
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
    refuse_in_output "$token" "${token##*.}"
done
refuse_emulator_passwords
echo "no token ($tokens minted, $censored results censored) or emulator password in the -vvv --diff output"
