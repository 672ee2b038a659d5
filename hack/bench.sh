#!/usr/bin/env bash
# Usage: hack/bench.sh [BENCHMARK...]   (default: every tests/benchmarks/bench_*.py)
# Runs the benchmarks, which print figures (request counts, latencies, memory) and assert
# nothing about time. Not part of `make test`: some take minutes by design.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_venv "$MAIN_CORE"
activate "$MAIN_CORE"
cd "$ROOT"
if [ $# -eq 0 ]; then
    set -- tests/benchmarks/bench_*.py
fi
for benchmark in "$@"; do
    log "$benchmark"
    python "$benchmark"
done
