# shellcheck shell=bash
# Shared helpers for the hack/ scripts. Source it; do not run it.
#
# Everything here works offline apart from the package registries (PyPI), on a clean machine,
# without a Docker daemon: ansible-test always runs with --local inside venvs this file creates.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$ROOT/.build"
# ansible-test insists that the working directory is .../ansible_collections/<namespace>/<name>
# (after resolving symlinks), so tests run in a copy of the checkout at this path.
TREE="$BUILD_DIR/ansible_collections/convox/convox"

# The ansible-core line `make test` uses, and the Python each line runs on in `make matrix`.
export MAIN_CORE="${CORE:-2.21}"
# shellcheck disable=SC2034  # used by hack/matrix.sh
MATRIX_CORES=(2.16 2.17 2.18 2.19 2.20 2.21)

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Every script ends here, whatever happens: stop the emulators it started, report time and status.
on_exit() {
    local status=$?
    stop_emulators
    printf '==> %s: %s after %ss\n' "$(basename "$0")" "$([ "$status" = 0 ] && echo ok || echo "FAILED ($status)")" \
        "$SECONDS" >&2
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# python_minor_for CORE -> the Python minor version a core line is tested with.
python_minor_for() {
    case "$1" in
        2.16|2.17|2.18|2.19) echo 3.11 ;;
        2.20|2.21) echo 3.12 ;;
        *) die "no Python chosen for ansible-core $1 (edit python_minor_for in hack/lib.sh)" ;;
    esac
}

# find_python 3.12 -> path of an interpreter of that minor version (PATH first, then pyenv).
find_python() {
    local minor="$1" candidate found
    for candidate in "$(command -v "python$minor" 2>/dev/null || true)" \
        $(printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}/versions/$minor".*/bin/python | sort -V -r) \
        "$(command -v python3 2>/dev/null || true)"; do
        if [ -z "$candidate" ] || [ ! -x "$candidate" ]; then continue; fi
        # ask the interpreter itself: this resolves pyenv shims to the real executable
        found=$("$candidate" -c 'import sys; print("%d.%d %s" % (sys.version_info[:2] + (sys.executable,)))' \
            2>/dev/null || true)
        if [ "${found%% *}" = "$minor" ]; then
            echo "${found#* }"
            return 0
        fi
    done
    return 1
}

# link_target_pythons CONTROLLER_MINOR: a directory of pythonX.Y links to the other Pythons this
# machine has (3.8 and later), to put on PATH after the venv. Without --python, ansible-test
# sanity --local then runs its per-version tests (compile, import) on each of them as well.
link_target_pythons() {
    local dir="$BUILD_DIR/python-bin" minor python
    rm -rf "$dir"
    mkdir -p "$dir"
    for minor in 3.8 3.9 3.10 3.11 3.12 3.13 3.14; do
        [ "$minor" != "$1" ] || continue
        if python=$(find_python "$minor"); then
            ln -s "$python" "$dir/python$minor"
        fi
    done
    echo "$dir"
}

venv_dir() { echo "$ROOT/.venv-$1"; }

# ensure_venv CORE: create .venv-CORE with the newest ansible-core CORE.x and the test tools.
# Idempotent: a stamp records what was installed; the venv is rebuilt only when that changes.
ensure_venv() {
    local core="$1" venv python stamp want file
    venv=$(venv_dir "$core")
    python=$(find_python "$(python_minor_for "$core")") ||
        die "Python $(python_minor_for "$core") not found (looked on PATH and in ${PYENV_ROOT:-$HOME/.pyenv}/versions)"
    local -a files=() reqs=()
    for file in hack/tool-requirements.txt tests/unit/requirements.txt \
        tests/integration/requirements.txt tests/emulator/requirements.txt; do
        if [ -f "$ROOT/$file" ]; then
            files+=("$ROOT/$file")
            reqs+=(-r "$ROOT/$file")
        fi
    done
    want="core=$core python=$python reqs=$(cat "${files[@]}" | sha256sum | cut -c1-16)"
    stamp="$venv/.convox-venv-stamp"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/ansible-test" ]; then
        return 0
    fi
    log "creating $venv (ansible-core $core.x, $python)"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "ansible-core~=$core.0" "${reqs[@]}"
    echo "$want" > "$stamp"
    log "installed ansible-core $(core_version "$core")"
}

# core_version CORE: the ansible-core version installed in .venv-CORE.
core_version() {
    "$(venv_dir "$1")/bin/python" -c 'import ansible.release; print(ansible.release.__version__)'
}

# ensure_get_pip_standin CORE: put hack/get_pip_standin.py where ansible-test looks for its
# cached get-pip script (it cannot download the real one here). Never replaces a real script.
ensure_get_pip_standin() {
    local core="$1" venv pip_version cache
    venv=$(venv_dir "$core")
    pip_version=$("$venv/bin/python" - <<'EOF'
import re
from pathlib import Path
import ansible_test
source = Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
match = re.search(r"pip='([0-9.]+)'", source.read_text())
print(match.group(1) if match else '')
EOF
)
    [ -n "$pip_version" ] || die "cannot tell which pip ansible-test $core bootstraps"
    cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
    mkdir -p "$(dirname "$cache")"
    if [ -f "$cache" ] && ! grep -q CONVOX_COLLECTION_GET_PIP_STANDIN "$cache"; then
        return 0  # a real get-pip script is already cached: keep it
    fi
    cp "$ROOT/hack/get_pip_standin.py" "$cache"
}

# setup_venv CORE: everything a hack/ script needs before `activate CORE`.
setup_venv() {
    ensure_venv "$1"
    ensure_get_pip_standin "$1"
}

# activate CORE: put the venv first on PATH (ansible-test --local runs whatever Python it is given).
activate() {
    local venv
    venv=$(venv_dir "$1")
    [ -x "$venv/bin/ansible-test" ] || die "$venv is missing: run 'make venv' (or CORE=$1 make venv)"
    export PATH="$venv/bin:$PATH"
    export VIRTUAL_ENV="$venv"
}

# lock_build_dir: wait until no other hack/ script in this checkout uses .build (several people
# may run make targets in one checkout; each run replaces the test tree). Held until exit.
lock_build_dir() {
    mkdir -p "$BUILD_DIR"
    exec 9> "$BUILD_DIR/.lock"
    if ! flock --nonblock 9; then
        log "waiting for another run in this checkout to release $BUILD_DIR/.lock"
        flock 9
    fi
}

# copy_tree: refresh $TREE from the checkout (tracked and untracked, not ignored files, as on disk).
# Tooling that is not part of the collection (.ci, hack, Makefile) stays out, as in the artifact.
copy_tree() {
    rm -rf "$BUILD_DIR/ansible_collections"
    mkdir -p "$TREE"
    (
        cd "$ROOT"
        if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
            git ls-files -z --cached --others --exclude-standard
        else
            find . -path ./.git -prune -o -path ./.build -prune -o -name '.venv*' -prune \
                -o -path ./tests/output -prune -o -type f -print0 | sed -z 's|^\./||'
        fi
    ) | (
        cd "$ROOT"
        while IFS= read -r -d '' path; do
            case "$path" in
                .ci/*|hack/*|Makefile) continue ;;
            esac
            if [ -e "$path" ]; then   # skip files deleted from the work tree
                printf '%s\0' "$path"
            fi
        done
    ) | tar -C "$ROOT" --null -T - -cf - | tar -C "$TREE" -xf -
    # ansible-test lists content with git when the collection root (or a parent) is a git work
    # tree; the checkout's .gitignore hides .build/, so give the copy its own empty repository.
    git -C "$TREE" init --quiet
}

# start_emulator NAME [run.py options...]: start tests/emulator/run.py in the background with a
# fresh random password and wait for its ready line; sets EMULATOR_JSON[NAME] to that JSON line.
# on_exit stops it.
declare -A EMULATOR_JSON=()
EMULATOR_PIDS=()
EMULATOR_LOGS="$BUILD_DIR/emulators"
start_emulator() {
    local name="$1" password out pid waited=0
    shift
    mkdir -p "$EMULATOR_LOGS"
    out="$EMULATOR_LOGS/$name.out"
    password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
    : > "$out"
    python "$ROOT/tests/emulator/run.py" --port 0 --password="$password" "$@" \
        > "$out" 2> "$EMULATOR_LOGS/$name.err" < /dev/null 9>&- &
    pid=$!
    EMULATOR_PIDS+=("$pid")
    until [ -s "$out" ] && grep -q '}' "$out"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$EMULATOR_LOGS/$name.err" >&2
            die "emulator '$name' exited before it was ready"
        fi
        [ "$waited" -lt 300 ] || die "emulator '$name' not ready after 30 s (see $EMULATOR_LOGS/$name.err)"
        sleep 0.1
        waited=$((waited + 1))
    done
    EMULATOR_JSON[$name]=$(head -n 1 "$out")
    log "emulator '$name' ready at $(json_field "${EMULATOR_JSON[$name]}" url) (pid $pid)"
}

stop_emulators() {
    local pid
    for pid in ${EMULATOR_PIDS[@]+"${EMULATOR_PIDS[@]}"}; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in ${EMULATOR_PIDS[@]+"${EMULATOR_PIDS[@]}"}; do
        wait "$pid" 2>/dev/null || true
    done
    EMULATOR_PIDS=()
}

# json_field JSON KEY: print one field of a JSON object ('' for null).
json_field() {
    python3 -c 'import json, sys; v = json.loads(sys.argv[1]).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}
