# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""carry_out: a release plan carried out on the emulator, with its writes, check mode and waits."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._deploy import ConvoxRolledBack, carry_out, wait_app_running
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._releases import CREATE, NOTHING, PROMOTE, ROLL_BACK, ReleasePlan
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field
from ansible_collections.convox.convox.plugins.module_utils._wait import Waiter

MANIFEST = 'services:\n  web:\n    build: .\n'


class ModuleFlags:
    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self._diff = False


@pytest.fixture
def client(rack):
    with ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password, timeout=5.0)) as connected:
        yield connected


@pytest.fixture
def app(rack, client):
    """An app running R1 (build B1); R2 (build B2) exists unpromoted. Returns (app, r1, r2, b1, b2)."""
    client.app_create('demo')
    builds = [rack.state.build_add('demo', manifest=MANIFEST, status='complete') for _index in range(2)]
    first = rack.state.release_create('demo', build=builds[0].id, env='A=1')
    rack.state.release_promote('demo', first.id)
    second = rack.state.release_create('demo', build=builds[1].id, env='A=2')
    current = wait_app_running(client, Waiter(10, 0.1), 'demo')
    rack.clear_requests()
    return current, first.to_json(), second.to_json(), builds[0].id, builds[1].id


def writes(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests() if entry['method'] != 'GET']


def state(check_mode=False):
    desired = DesiredState(ModuleFlags(check_mode), [Field('release')], presence=False)
    desired.plan({'release': 'x'}, {'release': 'y'})
    return desired


def test_promote_sends_one_promote_and_waits_for_the_release(rack, client, app):
    current, _first, second, _b1, _b2 = app
    desired = state()
    release, created = carry_out(desired, client, Waiter(10, 0.1), 'demo', current, ReleasePlan(PROMOTE, second))
    assert (release['id'], created) == (second['id'], False)
    assert writes(rack) == [('POST', '/apps/demo/releases/%s/promote' % second['id'])]
    assert rack.state.apps['demo'].release == second['id'] and desired.facts['changed'] is True


def test_roll_back_copies_build_and_env_then_promotes_the_copy(rack, client, app):
    current, first, second, b1, _b2 = app
    carry_out(state(), client, Waiter(10, 0.1), 'demo', current, ReleasePlan(PROMOTE, second))
    desired = state()
    moved = client.app_get('demo')
    release, created = carry_out(desired, client, Waiter(10, 0.1), 'demo', moved, ReleasePlan(ROLL_BACK, first))
    assert created is True and release['id'] not in (first['id'], second['id'])
    assert (release['build'], release['env']) == (b1, 'A=1')
    assert desired.facts['created_release'] == release['id']
    assert rack.state.apps['demo'].release == release['id']


def test_create_makes_a_release_of_the_build_with_the_newest_env(rack, client, app):
    current, _first, _second, b1, _b2 = app
    rack.state.release_create('demo', env='A=3')
    release, created = carry_out(state(), client, Waiter(10, 0.1), 'demo', current, ReleasePlan(CREATE, build=b1))
    assert created and (release['build'], release['env']) == (b1, 'A=3')


def test_check_mode_sends_nothing(rack, client, app):
    current, first, second, b1, _b2 = app
    for plan in (ReleasePlan(PROMOTE, second), ReleasePlan(ROLL_BACK, first), ReleasePlan(CREATE, build=b1),
                 ReleasePlan(NOTHING, first)):
        carry_out(state(check_mode=True), client, Waiter(10, 0.1), 'demo', current, plan)
    assert rack.requests() == []


def test_nothing_waits_for_a_deploy_of_the_active_release_still_going_on(rack, client, app):
    _current, first, _second, _b1, _b2 = app
    rack.state.release_promote('demo', first['id'])
    busy = client.app_get('demo')
    assert busy['status'] == 'updating'
    carry_out(state(), client, Waiter(10, 0.1), 'demo', busy, ReleasePlan(NOTHING, first))
    assert client.app_get('demo')['status'] == 'running' and writes(rack) == []


def test_a_release_without_a_build_is_refused_before_any_write(rack, client, app):
    current = app[0]
    bare = rack.state.release_create('demo', build='', env='A=9').to_json()
    with pytest.raises(ConvoxConfigError, match='has no build'):
        carry_out(state(), client, Waiter(10, 0.1), 'demo', current, ReleasePlan(PROMOTE, bare))
    assert writes(rack) == []


def test_a_rack_rollback_raises_with_the_release_it_runs(rack, client, app):
    current, first, second, _b1, _b2 = app
    rack.state.deploy_outcome_set('demo', 'rollback')
    with pytest.raises(ConvoxRolledBack) as caught:
        carry_out(state(), client, Waiter(10, 0.1), 'demo', current, ReleasePlan(PROMOTE, second))
    assert caught.value.facts['rolled_back'] is True and caught.value.active_release == first['id']
