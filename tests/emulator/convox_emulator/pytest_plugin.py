# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest fixtures: one emulator per test session, reset before every test that asks for it.

Use from a root conftest with ``pytest_plugins = ["convox_emulator.pytest_plugin"]`` (tests/emulator
on sys.path), or import the two fixtures into a conftest.

- ``convox_rack``: a function-scoped, freshly reset EmulatorServer (v3 rack, deploys of 0.2 s).
- ``convox_rack_server``: the session-scoped server behind it.
"""

import pytest

from .testing import EmulatorServer

PASSWORD = 'emulator-password'


@pytest.fixture(scope='session')
def convox_rack_server():
    with EmulatorServer(password=PASSWORD, deploy_seconds=0.2, build_seconds=0.2) as rack:
        yield rack


@pytest.fixture
def convox_rack(convox_rack_server):  # pylint: disable=redefined-outer-name
    convox_rack_server.reset()
    yield convox_rack_server
