# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the emulator's own tests (the server fixtures come from tests/emulator/conftest.py)."""

import pytest

from emulator_helpers import Api, FakeClock


@pytest.fixture
def rack(convox_rack):
    return convox_rack


@pytest.fixture
def api(rack):
    return Api(rack)


@pytest.fixture
def text_api(rack):
    """A client that sends no Accept header, like curl."""
    return Api(rack, accept=None)


@pytest.fixture
def clock(rack):
    original = rack.state.clock
    fake = FakeClock()
    rack.state.clock = fake
    yield fake
    rack.state.clock = original
