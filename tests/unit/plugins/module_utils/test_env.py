# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How a writer keeps its env change in the newest release while others write (_env.EnvChange).

The judgement is a pure function of the releases read, so it is tested here on release lists
written by hand, and on many writers interleaved at random over one list of releases, as a rack
keeps them. tests/unit/plugins/modules/test_convox_env.py drives it over HTTP.
"""

from __future__ import annotations

import random

import pytest

from ansible_collections.convox.convox.plugins.module_utils._env import (
    UNMARKED,
    EnvChange,
    env_description,
    env_release,
    release_env,
    release_meaning,
    returned_env,
)
from ansible_collections.convox.convox.plugins.module_utils._wire import encode_env


class Releases:
    """An app's releases as a rack keeps them: each write is a new release, listed newest first."""

    def __init__(self):
        self.items = []

    def write(self, env, description=None):
        """A release with ``env``; without a description, the rack describes it against the newest release."""
        if description is None:
            description = env_description(release_env(self.latest()), env)
        release = dict(id='R%d' % (len(self.items) + 1), env=encode_env(env), description=description)
        self.items.insert(0, release)
        return release

    def newest(self, limit=None):
        return self.items[:limit] if limit else list(self.items)

    def latest(self):
        return self.items[0] if self.items else None


def write_change(rack, base, desired):
    """A writer's first write: ``desired`` computed from ``base``."""
    change = EnvChange(base, desired)
    change.wrote(rack.write(**env_release(base, desired)))
    return change


def test_alone_the_change_holds_at_once():
    rack = Releases()
    base = rack.write(dict(A='1'))
    change = write_change(rack, base, dict(A='1', B='2'))
    assert change.delta == dict(B='2')
    assert rack.latest()['description'] == 'env add:B from:R1'
    check = change.check(rack.newest(2), complete=False)
    assert check.settled and check.status == 'settled'
    assert check.newest['id'] == 'R2'


def test_the_first_release_of_an_app():
    rack = Releases()
    change = write_change(rack, None, dict(A='1'))
    assert rack.latest()['description'] == 'env add:A from:none'
    assert change.check(rack.newest(2), complete=True).settled
    # A full page without the start of the list: older releases may be missing from it.
    assert change.check(rack.newest(1), complete=False) is None


def test_the_list_must_reach_back_to_the_release_read():
    rack = Releases()
    base = rack.write(dict(A='1'))
    change = write_change(rack, base, dict(A='2'))
    for other in range(3):
        rack.write(dict(A='2', X=str(other)))
    assert change.check(rack.newest(2), complete=False) is None
    check = change.check(rack.newest(25), complete=True)
    assert check.settled and check.newest['id'] == 'R5'


def test_descriptions_say_what_a_release_meant():
    assert env_description(dict(A='1', B='2', C='3'), dict(A='1', B='x', D='4'), 'R7') == 'env add:D change:B remove:C from:R7'
    assert env_description({}, {}) == 'env'
    ours = dict(id='R8', env='A=1\nD=4', description='env add:D change:A remove:C from:R7')
    assert release_meaning(ours, None) == ({'A', 'C', 'D'}, 'R7')
    assert release_meaning(dict(id='R2', env='A=1', description='env add:A from:none'), None) == ({'A'}, None)
    # The racks' own descriptions say nothing of a base.
    assert release_meaning(dict(id='R9', env='A=1', description='env change:A'), None) == ({'A'}, UNMARKED)
    # Anything else (a build's description, a name with a space, a wrong claim): what differs from the release before.
    previous = dict(id='R1', env='A=0\nB=1')
    for description in ('Merge pull request #4', 'env add:MY KEY', 'env remove:A', ''):
        assert release_meaning(dict(id='R2', env='A=1\nB=1', description=description), previous) == ({'A'}, UNMARKED)


def test_a_write_that_followed_another_writer_puts_back_what_it_overwrote():
    rack = Releases()
    base = rack.write(dict(A='1', S='old'))
    # Another writer of this collection writes between our read of `base` and our write.
    rack.write(**env_release(base, dict(S='new', THEIRS='t')))
    change = write_change(rack, base, dict(A='1', S='old', OURS='o'))
    # The list must reach back to the release we read.
    assert change.check(rack.newest(2), complete=False) is None
    check = change.check(rack.newest(3), complete=False)
    assert not check.settled and check.status == 'contended'
    # Their S, THEIRS and their removal of A come back; OURS stays.
    assert check.env == dict(S='new', THEIRS='t', OURS='o')
    assert check.restored == ['A', 'S', 'THEIRS'] and check.reapplied == []
    change.wrote(rack.write(**env_release(check.newest, check.env)))
    assert rack.latest()['description'] == 'env add:THEIRS change:S remove:A from:R3'
    assert change.check(rack.newest(5), complete=True).settled
    assert change.written == ['R3', 'R4']


def test_a_stale_release_since_ours_moves_the_anchor_back_to_its_base():
    rack = Releases()
    first = rack.write(dict(A='1'))
    rack.write(**env_release(first, dict(A='1', K='k')))  # R2: someone adds K
    second = rack.latest()
    # R3: a writer that read R1 (before K) writes after R2: its release lacks K, which it did not mean to remove.
    rack.write(**env_release(first, dict(A='1', STALE='s')))
    # We read R3 and add OURS: the anchor is R1, so K (meant by R2) must be in the newest release.
    base = rack.latest()
    change = write_change(rack, base, dict(release_env(base), OURS='o'))
    assert second['id'] == 'R2'
    assert change.check(rack.newest(3), complete=False) is None
    check = change.check(rack.newest(4), complete=True)
    assert check.env == dict(A='1', K='k', STALE='s', OURS='o') and check.restored == ['K']


def test_a_cli_write_that_had_not_seen_our_change_gets_it_applied_again():
    rack = Releases()
    base = rack.write(dict(A='1', DROP='x'))
    change = write_change(rack, base, dict(A='2'))
    assert change.delta == dict(A='2', DROP=None)
    # The CLI, having read `base`, writes after us: the rack describes it against our release.
    rack.write(dict(A='1', DROP='x', CLI='c'))
    assert rack.latest()['description'] == 'env add:CLI add:DROP change:A'
    check = change.check(rack.newest(3), complete=False)
    assert check.env == dict(A='2', CLI='c')
    assert check.reapplied == ['A', 'DROP'] and check.restored == [] and check.overridden == []


def test_a_newer_value_of_our_key_is_theirs():
    rack = Releases()
    base = rack.write(dict(A='1'))
    change = write_change(rack, base, dict(A='2'))
    ours = rack.latest()
    rack.write(**env_release(ours, dict(A='3')))
    check = change.check(rack.newest(3), complete=False)
    assert check.settled and check.overridden == ['A']


def test_purge_removes_what_it_saw_and_keeps_what_others_add_meanwhile():
    rack = Releases()
    base = rack.write(dict(OLD='1', KEEP='k'))
    rack.write(**env_release(base, dict(OLD='1', KEEP='k', NEW='n')))
    change = write_change(rack, base, dict(KEEP='k'))
    check = change.check(rack.newest(3), complete=False)
    assert check.env == dict(KEEP='k', NEW='n') and check.restored == ['NEW']


def test_returned_env_is_every_key_or_the_keys_asked_that_are_set():
    release = dict(id='R1', env='A=1\nB= two = \nC=')
    assert returned_env(release) == {'A': '1', 'B': ' two = ', 'C': ''}
    assert returned_env(release, ['B', 'MISSING', 'C']) == {'B': ' two = ', 'C': ''}
    assert returned_env(None) == {} and release_env(None) == {}


def simulate(tasks, seed, initial=None):
    """Run ``tasks`` (dicts with ``values`` to set and ``remove`` keys) interleaved at random over one app.

    Every task runs the module's protocol: read the latest release, write if its change is
    missing, then check and write repairs until its check settles. Steps of different tasks
    interleave in a random order, so reads go stale the way concurrent module runs make them
    (and worse: a task may wait any number of steps between its read and its write). A task with
    ``cli`` writes as ``convox env set`` does, at once after its read, and never checks.
    """
    rng = random.Random(seed)
    rack = Releases()
    rack.write(dict(initial or dict(BASE='b')))
    for task in tasks:
        task['step'] = 'read'
    steps = 0
    while any(task['step'] != 'done' for task in tasks):
        steps += 1
        assert steps < 20000, 'the writers never settled'
        task = rng.choice([task for task in tasks if task['step'] != 'done'])
        if task['step'] == 'read':
            base = rack.latest()
            desired = dict(release_env(base), **task.get('values', {}))
            for key in task.get('remove', ()):
                desired.pop(key, None)
            task['base'], task['desired'] = base, desired
            if desired == release_env(base):
                task['step'] = 'done'
            elif task.get('cli'):
                rack.write(desired)
                task['step'] = 'done'
            else:
                task['step'] = 'write'
        elif task['step'] == 'write':
            task['change'] = write_change(rack, task['base'], task['desired'])
            task['step'] = 'check'
        elif task['step'] == 'check':
            check = task['change'].check(rack.newest(), complete=True)
            task['pending'] = check
            task['step'] = 'done' if check.settled else 'repair'
        else:
            check = task['pending']
            task['change'].wrote(rack.write(**env_release(check.newest, check.env)))
            task['step'] = 'check'
    return rack


def own_keys(count, **shared):
    return [dict(values=dict(shared, **{'KEY_%02d' % number: 'v%d' % number})) for number in range(count)]


@pytest.mark.parametrize('seed', range(30))
def test_twelve_writers_of_their_own_keys_lose_nothing(seed):
    final = release_env(simulate(own_keys(12), seed).latest())
    assert final == dict([('BASE', 'b')] + [('KEY_%02d' % number, 'v%d' % number) for number in range(12)])


@pytest.mark.parametrize('seed', range(30))
def test_twelve_writers_of_shared_keys_lose_nothing(seed):
    final = release_env(simulate(own_keys(12, SHARED_A='a', SHARED_B='b'), seed).latest())
    assert final['SHARED_A'] == 'a' and final['SHARED_B'] == 'b'
    assert all(final['KEY_%02d' % number] == 'v%d' % number for number in range(12))


@pytest.mark.parametrize('seed', range(30))
def test_setters_removers_and_the_cli_at_once_lose_nothing(seed):
    initial = dict(('OLD_%d' % number, 'o') for number in range(6))
    tasks = own_keys(6) + [dict(remove=['OLD_%d' % number]) for number in range(3)]
    tasks += [dict(cli=True, values={'CLI_%d' % number: 'c'}) for number in range(3)]
    final = release_env(simulate(tasks, seed, initial).latest())
    assert final == dict([('OLD_3', 'o'), ('OLD_4', 'o'), ('OLD_5', 'o')] + [('KEY_%02d' % number, 'v%d' % number) for number in range(6)]
                         + [('CLI_%d' % number, 'c') for number in range(3)])


@pytest.mark.parametrize('seed', range(30))
def test_writers_of_one_key_with_different_values_settle_on_one(seed):
    tasks = [dict(values=dict(SHARED='value-%d' % number)) for number in range(8)]
    final = release_env(simulate(tasks, seed).latest())
    # Every task settled (simulate bounds the steps), on one of the values.
    assert final['SHARED'] in set('value-%d' % number for number in range(8))
