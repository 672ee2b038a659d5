# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the emulator's own tests (the server fixtures come from tests/emulator/conftest.py)."""

import pytest

from convox_emulator.testing import EmulatorServer
from emulator_helpers import V2_VERSION, Api, FakeClock


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


@pytest.fixture(scope='module')
def v2_rack():
    """A v2 rack (convox/rack semantics) for one test module."""
    with EmulatorServer(password='pw', rack_version=V2_VERSION) as server:
        yield server


@pytest.fixture
def v2(v2_rack):  # pylint: disable=redefined-outer-name
    """A client of the freshly reset v2 rack, whose clock the test moves (``v2.rack.state.clock.advance``)."""
    v2_rack.reset()
    original = v2_rack.state.clock
    v2_rack.state.clock = FakeClock()
    yield Api(v2_rack)
    v2_rack.state.clock = original
