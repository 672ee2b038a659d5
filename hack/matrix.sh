#!/usr/bin/env bash
# Usage: hack/matrix.sh [CORE...]   (default: every line in MATRIX_CORES of hack/lib.sh)
# Sanity and unit tests on each ansible-core line, each in its own venv. Goes on past a failing
# line, prints a table of results and timings (also saved to .build/matrix.txt), and fails if
# any line failed.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -gt 0 ] || set -- "${MATRIX_CORES[@]}"
mkdir -p "$BUILD_DIR"
report="$BUILD_DIR/matrix.txt"
printf '%-6s %-10s %-8s %-12s %-12s %-12s\n' core version python venv sanity units > "$report"
failed=0
for core in "$@"; do
    results=()
    for step in venv sanity units; do
        start=$SECONDS
        if "$ROOT/hack/$step.sh" "$core"; then
            results+=("ok/$((SECONDS - start))s")
        else
            results+=("FAIL/$((SECONDS - start))s")
            failed=1
        fi
    done
    version=$(core_version "$core" 2>/dev/null || echo '?')
    printf '%-6s %-10s %-8s %-12s %-12s %-12s\n' "$core" "$version" "$(python_minor_for "$core")" "${results[@]}" >> "$report"
done
log "matrix results (time per step)"
cat "$report"
exit "$failed"
