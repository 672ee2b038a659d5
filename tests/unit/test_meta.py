# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Consistency of the collection's metadata with its plugins.

- every module is in the ``convox`` action group of meta/runtime.yml, and nothing else is
  (a module missing there is silently skipped by ``module_defaults: group/convox.convox.convox``);
- galaxy.yml's version is the one the client reports (plugins/module_utils/_version.py);
- every module documents the shared connection options and its action group membership.

Files are parsed, not imported, so this runs the same under plain pytest and ansible-test units.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = COLLECTION_ROOT / "plugins" / "modules"
ACTION_GROUP = "convox"
REQUIRED_FRAGMENTS = ("convox.convox.connection", "convox.convox.attributes.action_group")


def module_names():
    return sorted(p.stem for p in MODULES_DIR.glob("*.py") if p.stem != "__init__")


def load_yaml(relative_path):
    with open(COLLECTION_ROOT / relative_path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def string_assignment(path, name):
    """Return the string literal assigned to NAME at the top level of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
            raise AssertionError("%s in %s is not a string literal" % (name, path))
    raise AssertionError("%s does not assign %s" % (path, name))


def test_there_are_modules():
    assert module_names(), "no modules found in %s" % MODULES_DIR


def test_action_group_lists_exactly_the_modules():
    group = load_yaml("meta/runtime.yml").get("action_groups", {}).get(ACTION_GROUP)
    assert isinstance(group, list), "meta/runtime.yml has no action_groups.%s list" % ACTION_GROUP
    modules = set(module_names())
    missing = sorted(modules - set(group))
    extra = sorted(set(group) - modules)
    assert not missing, "modules missing from action_groups.%s in meta/runtime.yml: %s" % (ACTION_GROUP, missing)
    assert not extra, "action_groups.%s lists entries that are not modules: %s" % (ACTION_GROUP, extra)
    assert len(group) == len(set(group)), "action_groups.%s lists a module twice" % ACTION_GROUP
    assert group == sorted(group), "keep action_groups.%s in alphabetical order" % ACTION_GROUP


def test_galaxy_version_matches_module_utils_version():
    galaxy_version = str(load_yaml("galaxy.yml")["version"])
    version_file = COLLECTION_ROOT / "plugins" / "module_utils" / "_version.py"
    assert version_file.is_file(), "%s is missing" % version_file
    assert string_assignment(version_file, "COLLECTION_VERSION") == galaxy_version, (
        "galaxy.yml version %s differs from COLLECTION_VERSION in plugins/module_utils/_version.py" % galaxy_version
    )


@pytest.mark.parametrize("module", module_names())
def test_module_extends_shared_fragments(module):
    doc = yaml.safe_load(string_assignment(MODULES_DIR / ("%s.py" % module), "DOCUMENTATION"))
    assert doc.get("module") == module, "DOCUMENTATION of %s names module %r" % (module, doc.get("module"))
    fragments = doc.get("extends_documentation_fragment") or []
    if isinstance(fragments, str):
        fragments = [fragments]
    missing = [f for f in REQUIRED_FRAGMENTS if f not in fragments]
    assert not missing, "%s does not extend the doc fragments %s" % (module, missing)


TARGETS_DIR = COLLECTION_ROOT / "tests" / "integration" / "targets"
RUNME_COMMON = "../setup_convox_emulator/files/runme-common.sh"


@pytest.mark.parametrize("target", sorted(path.parent.name for path in TARGETS_DIR.glob("*/runme.sh")))
def test_runme_script_sources_the_common_part_it_is_given(target):
    # ansible-test copies into a target's tree only the targets it names in needs/target/: a script
    # sourcing setup_convox_emulator's file without that alias finds nothing there (and sourcing a
    # missing file does not stop bash), so both are checked here.
    script = (TARGETS_DIR / target / "runme.sh").read_text(encoding="utf-8")
    aliases = (TARGETS_DIR / target / "aliases").read_text(encoding="utf-8").split()
    assert ". %s || exit 1" % RUNME_COMMON in script
    assert "needs/target/setup_convox_emulator" in aliases
