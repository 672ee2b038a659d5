# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's "Try it without a rack" steps work when followed in order by a new user."""

from __future__ import annotations

import re
from pathlib import Path

COLLECTION_ROOT = Path(__file__).resolve().parents[2]


def try_it_commands():
    text = (COLLECTION_ROOT / 'README.md').read_text(encoding='utf-8')
    section = text.split('## Try it without a rack', 1)[1].split('\n## ', 1)[0]
    blocks = re.findall(r'```bash\n(.*?)```', section, re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.strip().startswith('#')]


def first_line(commands, pattern):
    for index, line in enumerate(commands):
        if re.search(pattern, line):
            return index
    raise AssertionError('no command matches %r in the README steps: %s' % (pattern, commands))


def test_the_emulator_requirements_are_installed_before_the_emulator_runs():
    commands = try_it_commands()
    install = first_line(commands, r'pip install .*-r tests/emulator/requirements\.txt')
    run = first_line(commands, r'python3 tests/emulator/run\.py')
    assert install < run


def test_the_checkout_becomes_an_installed_collection_before_ansible_runs():
    commands = try_it_commands()
    link = first_line(commands, r'ansible_collections/convox/convox')
    path = first_line(commands, r'export ANSIBLE_COLLECTIONS_PATH=')
    ansible = first_line(commands, r'^ansible localhost -m convox\.convox\.')
    assert link < ansible and path < ansible
    # The collection directory sits at ansible_collections/convox/convox under the exported path.
    root = re.search(r'ANSIBLE_COLLECTIONS_PATH=(\S+)', commands[path]).group(1)
    assert '%s/ansible_collections/convox/convox' % root in commands[link]
