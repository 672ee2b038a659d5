# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Release planning from a release list: promote, roll back, previous, deploying a build; and build digests."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._builds import (
    build_digest,
    decode_import_marker,
    described,
    digest_of,
    encode_import_marker,
    failure_reason,
    find_build,
    url_digest,
)
from ansible_collections.convox.convox.plugins.module_utils._releases import (
    CREATE,
    NOTHING,
    PROMOTE,
    ROLL_BACK,
    ReleaseHistory,
    created_key,
    same_content,
    without_env_values,
)


def release(ident, build, env='', minute=0):
    return dict(id=ident, app='demo', build=build, env=env, manifest='services: {}', description='',
                created='2026-01-01T00:%02d:00.5Z' % minute)


def history(*releases):
    """Newest first, as racks list them; the first given is the newest."""
    count = len(releases)
    return ReleaseHistory([dict(item, created='2026-01-01T00:%02d:00Z' % (count - index)) for index, item in enumerate(releases)])


# ---------------------------------------------------------------------------------------
# Times and content
# ---------------------------------------------------------------------------------------

def test_created_times_parse_with_nanoseconds_and_offsets():
    assert created_key(dict(created='1970-01-01T00:00:01Z')) == (1, 0)
    assert created_key(dict(created='1970-01-01T00:00:01.5Z')) == (1, 500000000)
    assert created_key(dict(created='1970-01-01T00:00:01.123456789Z')) == (1, 123456789)
    assert created_key(dict(created='1970-01-01T01:00:01+01:00')) == (1, 0)
    assert created_key(dict(created='1970-01-01T00:00:01-00:30')) == (1801, 0)
    assert created_key(dict(created='yesterday')) is None
    assert created_key({}) is None


def test_newer_compares_times_not_their_text():
    # As text "00:00:01Z" sorts after "00:00:01.5Z"; as times it is earlier.
    whole = dict(id='RA', created='2026-01-01T00:00:01Z')
    half = dict(id='RB', created='2026-01-01T00:00:01.5Z')
    releases = ReleaseHistory([half, whole])
    assert releases.newer(half, whole) and not releases.newer(whole, half)


def test_newer_falls_back_to_list_order():
    first, second = dict(id='RA', created='?'), dict(id='RB', created='?')
    releases = ReleaseHistory([first, second])
    assert releases.newer(first, second)
    # A release not in the list is older than the listed ones.
    assert releases.newer(second, dict(id='RZ', created='?'))


def test_content_is_the_build_and_the_env_in_any_line_order():
    assert same_content(release('RA', 'B1', 'A=1\nB=2'), release('RB', 'B1', 'B=2\nA=1'))
    assert not same_content(release('RA', 'B1', 'A=1'), release('RB', 'B1', 'A=2'))
    assert not same_content(release('RA', 'B1', 'A=1'), release('RB', 'B2', 'A=1'))


def test_env_values_are_never_shown():
    shown = without_env_values(release('RA', 'B1', 'SECRET=hunter2\nA=1'))
    assert 'env' not in shown and shown['env_keys'] == ['A', 'SECRET']
    assert 'hunter2' not in repr(shown)
    assert list(shown)[:4] == ['id', 'app', 'build', 'env_keys']


# ---------------------------------------------------------------------------------------
# Making a release the active one
# ---------------------------------------------------------------------------------------

def test_plan_promotes_a_newer_release_and_rolls_back_to_an_older_one():
    r3, r2, r1 = release('R3', 'B3'), release('R2', 'B2'), release('R1', 'B1')
    releases = history(r3, r2, r1)
    assert releases.plan(releases.find('R2'), releases.find('R3')).action == PROMOTE
    rollback = releases.plan(releases.find('R2'), releases.find('R1'))
    assert rollback.action == ROLL_BACK and rollback.release['id'] == 'R1'
    assert releases.plan(releases.find('R2'), releases.find('r2')).action == NOTHING
    assert releases.plan(None, releases.find('R1')).action == PROMOTE


def test_a_rollback_copy_is_recognised_by_build_and_env():
    copy, r2, r1 = release('R3', 'B1', 'A=1'), release('R2', 'B2', 'A=2'), release('R1', 'B1', 'A=1')
    releases = history(copy, r2, r1)
    plan = releases.plan(releases.find('R3'), releases.find('R1'))
    assert plan.action == NOTHING and plan.release['id'] == 'R3'


def test_an_unpromoted_copy_is_promoted_instead_of_making_another():
    # A rollback whose promote the rack rolled back left R3 behind; R2 is active again.
    copy, r2, r1 = release('R3', 'B1', 'A=1'), release('R2', 'B2', 'A=2'), release('R1', 'B1', 'A=1')
    releases = history(copy, r2, r1)
    plan = releases.plan(releases.find('R2'), releases.find('R1'))
    assert plan.action == PROMOTE and plan.release['id'] == 'R3'


def test_the_same_build_with_another_env_is_another_release():
    r2, r1 = release('R2', 'B1', 'A=2'), release('R1', 'B1', 'A=1')
    releases = history(r2, r1)
    assert releases.plan(releases.find('R2'), releases.find('R1')).action == ROLL_BACK


# ---------------------------------------------------------------------------------------
# previous
# ---------------------------------------------------------------------------------------

def test_previous_is_the_release_before_the_active_one():
    releases = history(release('R3', 'B3'), release('R2', 'B2'), release('R1', 'B1'))
    assert releases.previous(releases.find('R3'))['id'] == 'R2'
    assert releases.previous(releases.find('R2'))['id'] == 'R1'
    assert releases.previous(releases.find('R1')) is None


def test_previous_skips_releases_that_repeat_the_active_content():
    # R3 re-wrote the same env (no change), so it deploys what R2 deploys.
    releases = history(release('R3', 'B2', 'A=1'), release('R2', 'B2', 'A=1'), release('R1', 'B1', 'A=1'))
    assert releases.previous(releases.find('R3'))['id'] == 'R1'


def test_previous_counts_from_the_active_release_not_the_newest():
    releases = history(release('R4', 'B4'), release('R3', 'B3'), release('R2', 'B2'), release('R1', 'B1'))
    assert releases.previous(releases.find('R3'))['id'] == 'R2'


def test_after_rolling_back_to_previous_previous_is_already_running():
    r1, r2 = release('R1', 'B1', 'A=1'), release('R2', 'B2', 'A=2')
    before = history(r2, r1)
    target = before.previous(before.find('R2'))
    assert target['id'] == 'R1'
    # The rollback made R3, a copy of R1, and R3 is active: a second "previous" is a no-op.
    after = history(release('R3', 'B1', 'A=1'), r2, r1)
    again = after.previous(after.find('R3'))
    assert again['id'] == 'R3'
    assert after.plan(after.find('R3'), again).action == NOTHING


def test_previous_after_a_rollback_by_id_is_the_release_it_replaced():
    # R4 rolled R3 back to R1 (by id): the release active before it was R3.
    releases = history(release('R4', 'B1'), release('R3', 'B3'), release('R2', 'B2'), release('R1', 'B1'))
    assert releases.previous(releases.find('R4'))['id'] == 'R3'


# ---------------------------------------------------------------------------------------
# Deploying a build
# ---------------------------------------------------------------------------------------

def test_deploying_a_build_the_app_runs_does_nothing():
    releases = history(release('R3', 'B2', 'A=2'), release('R2', 'B2', 'A=1'), release('R1', 'B1'))
    plan = releases.plan_build(releases.find('R2'), 'B2')
    assert plan.action == NOTHING and plan.release['id'] == 'R2'


def test_deploying_a_build_promotes_the_newest_release_when_it_is_of_that_build():
    releases = history(release('R3', 'B3', 'A=2'), release('R2', 'B2', 'A=1'))
    plan = releases.plan_build(releases.find('R2'), 'B3')
    assert plan.action == PROMOTE and plan.release['id'] == 'R3'
    assert releases.plan_build(None, 'B3').action == PROMOTE


def test_deploying_an_older_build_creates_a_release_with_the_current_env():
    releases = history(release('R3', 'B3', 'A=3'), release('R2', 'B2', 'A=2'), release('R1', 'B1', 'A=1'))
    plan = releases.plan_build(releases.find('R3'), 'B1')
    assert plan.action == CREATE and plan.build == 'B1'


# ---------------------------------------------------------------------------------------
# Build digests and markers
# ---------------------------------------------------------------------------------------

def test_the_build_digest_covers_the_source_and_the_options_that_change_the_build():
    base = build_digest('a' * 64)
    assert base == build_digest('a' * 64, 'convox.yml', False, [])
    assert base != build_digest('b' * 64)
    assert base != build_digest('a' * 64, manifest='convox.prod.yml')
    assert base != build_digest('a' * 64, development=True)
    assert base != build_digest('a' * 64, build_args=['A=1'])
    assert build_digest('a' * 64, build_args=['A=1', 'B=2']) == build_digest('a' * 64, build_args=['B=2', 'A=1'])
    assert url_digest('object://demo/x.tgz') != url_digest('object://demo/y.tgz')


def test_the_marker_is_found_in_the_description():
    digest = build_digest('a' * 64)
    assert described(None, digest) == '[convox.convox sha256:%s]' % digest
    assert described('release 1.2', digest) == 'release 1.2 [convox.convox sha256:%s]' % digest
    assert digest_of(dict(description=described('release 1.2', digest))) == digest
    assert digest_of(dict(description='build abc123 fix things')) is None
    assert digest_of({}) is None


def test_find_build_takes_the_newest_usable_build_with_the_digest():
    digest = build_digest('a' * 64)
    builds = [
        dict(id='B4', status='failed', description=described(None, digest)),
        dict(id='B3', status='complete', description='other'),
        dict(id='B2', status='complete', description=described('x', digest)),
        dict(id='B1', status='complete', description=described(None, digest)),
    ]
    assert find_build(builds, digest)['id'] == 'B2'
    assert find_build(builds, build_digest('b' * 64)) is None
    assert find_build([dict(id='B5', status='running', description=described(None, digest))], digest)['id'] == 'B5'


def test_import_markers_round_trip_and_refuse_anything_else():
    assert decode_import_marker(encode_import_marker('BABC')) == 'BABC'
    for data in (b'', b'garbage', b'[]', b'{"build": 3}', b'\xff\xfe'):
        assert decode_import_marker(data) is None


@pytest.mark.parametrize('tail, reason', [
    (['Building: .', 'ERROR: open /tmp/x/convox.yml: no such file or directory'], 'open /tmp/x/convox.yml: no such file or directory'),
    (['step 1', 'step 2'], 'step 2'),
    ([], None),
])
def test_failure_reason_prefers_the_builder_error_line(tail, reason):
    assert failure_reason(tail) == reason
