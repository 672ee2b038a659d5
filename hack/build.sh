#!/usr/bin/env bash
# Usage: hack/build.sh
# ansible-galaxy collection build from the checkout itself (so build_ignore in galaxy.yml is what
# keeps venvs, outputs and tooling out), then a check of the tarball's contents.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

setup_venv "$MAIN_CORE"
activate "$MAIN_CORE"
cd "$ROOT"

version=$(python3 -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')
tarball="$BUILD_DIR/convox-convox-$version.tar.gz"
rm -f "$tarball"
log "ansible-galaxy collection build"
ansible-galaxy collection build --force --output-path "$BUILD_DIR" .
[ -f "$tarball" ] || die "ansible-galaxy did not write $tarball"

log "checking the contents of $(basename "$tarball")"
python3 - "$tarball" <<'PY'
import fnmatch
import json
import sys
import tarfile

with tarfile.open(sys.argv[1]) as tar:
    names = [name[2:] if name.startswith("./") else name for name in tar.getnames()]
    files = json.load(tar.extractfile("FILES.json"))["files"]

required = ["MANIFEST.json", "FILES.json", "README.md", "LICENSE", "LICENSES/GPL-3.0-or-later.txt",
            "LICENSES/BSD-2-Clause.txt", "meta/runtime.yml", "meta/execution-environment.yml",
            "changelogs/changelog.yaml", "plugins/modules", "plugins/module_utils", "tests/unit",
            "tests/integration/targets"]
# hidden paths (.git, .build, .venv-*, .ci, caches) are refused wherever they are
forbidden = [".*", "*/.*", "hack", "hack/*", "Makefile", "*.tar.gz", "tests/output", "tests/output/*",
             "*__pycache__*", "*.pyc", "htmlcov*", "tests/integration/integration_config.yml",
             "tests/integration/inventory"]

# hidden files that are content: the sample app's .dockerignore (docs/examples/sample-app)
content = ["docs/examples/*/.dockerignore"]
required += content

problems = ["missing: %s" % path for path in required if not any(fnmatch.fnmatch(name, path) for name in names)]
problems += ["must not be shipped: %s" % name for name in names
             if any(fnmatch.fnmatch(name, pattern) for pattern in forbidden)
             and not any(fnmatch.fnmatch(name, pattern) for pattern in content)]
listed = {entry["name"] for entry in files} | {"MANIFEST.json", "FILES.json"}
problems += ["in the tarball but not in FILES.json: %s" % name for name in names
             if name not in listed and name != "."]
if problems:
    sys.exit("collection artifact check failed:\n  " + "\n  ".join(problems))
print("%d entries, none of them tooling, venvs or test outputs" % len(names))
PY
