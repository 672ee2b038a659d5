# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared setup for the unit tests: imports by collection name, and the rack emulator.

Collection code imports itself as ``ansible_collections.convox.convox...``. Under
``ansible-test units`` the checkout already sits in such a tree. Under plain
``python3 -m pytest tests/unit`` it usually does not, so this file builds one: a private
temporary directory holding ``ansible_collections/convox/convox`` as a symlink to the
checkout, put first on ``sys.path`` and removed when the test run ends. Nothing outside
that directory is touched, so concurrent runs from different checkouts cannot collide.

The emulator (tests/emulator) is imported from its directory; ``rack`` is a fresh state
of one emulator per test, ``emulator`` starts any extra ones a test needs (TLS, console).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = COLLECTION_ROOT / 'tests' / 'emulator'
PASSWORD = 'pw-Secret/+&=%40-9f3c'  # URL-special characters on purpose: it must travel intact and never show.


def _ensure_collection_importable():
    parts = COLLECTION_ROOT.parts
    if parts[-3:-2] == ('ansible_collections',) and parts[-2:] == ('convox', 'convox'):
        tree = COLLECTION_ROOT.parents[2]
    else:
        tree = Path(tempfile.mkdtemp(prefix='convox-collection-'))
        namespace = tree / 'ansible_collections' / 'convox'
        namespace.mkdir(parents=True)
        (namespace / 'convox').symlink_to(COLLECTION_ROOT, target_is_directory=True)
        atexit.register(shutil.rmtree, str(tree), True)
    if str(tree) not in sys.path:
        sys.path.insert(0, str(tree))
    # Subprocesses (ansible-playbook, ansible-doc) find the collection too.
    # (Under ansible-test the tree is already there: adding it again breaks its pytest workers.)
    current = os.environ.get('ANSIBLE_COLLECTIONS_PATH', '')
    if str(tree) not in current.split(os.pathsep):
        os.environ['ANSIBLE_COLLECTIONS_PATH'] = os.pathsep.join(filter(None, (str(tree), current)))
    _install_collection_finder(tree)


def _install_collection_finder(tree):
    """Import collection code through Ansible's collection loader, as ansible-test units does, so
    that Ansible's plugin loader can load the collection's plugins (the lookup) in-process too."""
    # pylint: disable-next=import-outside-toplevel
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    if any(isinstance(finder, _AnsibleCollectionFinder) for finder in sys.meta_path):
        return  # ansible-test installed it
    _AnsibleCollectionFinder(paths=[str(tree)])._install()  # pylint: disable=protected-access


_ensure_collection_importable()
if str(EMULATOR_DIR) not in sys.path:
    sys.path.insert(0, str(EMULATOR_DIR))


def _emulator_server():
    try:
        from convox_emulator.testing import EmulatorServer
    except ImportError as exc:  # the emulator lives in the same repository: a broken import is a failure
        pytest.fail('cannot import the rack emulator from %s: %s' % (EMULATOR_DIR, exc))
    return EmulatorServer


@pytest.fixture(scope='session')
def emulator():
    """Start emulators on free loopback ports: ``emulator(tls=True)``; all stop at the end of the run."""
    servers = []

    def start(**options):
        options.setdefault('password', PASSWORD)
        options.setdefault('deploy_seconds', 0.2)
        options.setdefault('build_seconds', 0.2)
        server = _emulator_server()(**options)
        server.__enter__()
        servers.append(server)
        return server

    yield start
    for server in reversed(servers):
        server.__exit__(None, None, None)


@pytest.fixture(scope='session')
def _shared_rack(emulator):
    return emulator()


@pytest.fixture
def rack(_shared_rack):
    """A plain HTTP emulator, reset to an empty rack with an empty request log and no faults."""
    _shared_rack.reset()
    _shared_rack.clear_requests()
    return _shared_rack
