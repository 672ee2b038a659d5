#!/usr/bin/env bash
# Usage: hack/docs-lint.sh
# antsibull-docs lint-collection-docs (including the plugins' own docs) and the changelog lint.
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_build_dir

setup_venv "$MAIN_CORE"
activate "$MAIN_CORE"
copy_tree
cd "$TREE"

log "antsibull-docs lint-collection-docs"
# Plugin docs (schema, markup, generated RST) and docs/docsite; references to this collection
# and to ansible.builtin are checked.
antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs --validate-collection-refs dependent .
log "antsibull-changelog lint"
antsibull-changelog lint
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
