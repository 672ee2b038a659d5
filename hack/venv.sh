#!/usr/bin/env bash
# Usage: hack/venv.sh [CORE...]   (default: the main line, 2.21)
# Creates .venv-CORE for each ansible-core line (idempotent) and installs the offline
# stand-in for ansible-test's get-pip bootstrap script.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

[ $# -gt 0 ] || set -- "$MAIN_CORE"
for core in "$@"; do
    setup_venv "$core"
done
