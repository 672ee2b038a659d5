# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Which release a deploy means, decided from an app's release list (pure functions, no I/O).

Racks keep no promote history (v3 has none at all), only releases, newest first, each with
its build and env (convox-api.md 2.3, 6.2, 6.3). So:

* Two releases have the same *content* when they have the same build and the same env. The
  CLI's rollback to an old release creates a new release with the old one's build and env:
  a release whose content equals an older one's is that older release, deployed again.
* ``ReleaseHistory.plan(active, target)`` says how to make ``target`` the running release:
  nothing (it is active, or the active release is a later copy of it), promote it (it is
  newer than the active one, or an unpromoted copy of it is), or roll back to it (it is
  older: create a copy, then promote the copy - a rack refuses to promote an older release).
* ``ReleaseHistory.previous(active)`` is the release active before the current one: the
  nearest older release with different content (releases that only repeat the active one's
  content, such as env writes that changed nothing, are skipped). When the active release
  already repeats the release before *that* one - it is the rollback of the release before
  it - the previous release is already running and the active release is returned: so
  rolling back to ``previous`` undoes the latest deploy once, and running it again changes
  nothing (roll back further by id).
* ``ReleaseHistory.plan_build(active, build_id)``: how to deploy a build (``convox deploy``):
  nothing when the active release runs it; promote the newest release when that is of the
  build (it carries the current env); otherwise create a release of the build (the rack copies
  the newest release's env into it) and promote that.

A release is newer than another when it was created later (what the rack's promote check
compares); the list order breaks ties and stands in for an unreadable time.
"""

from __future__ import annotations

import calendar
import re

from ansible_collections.convox.convox.plugins.module_utils._wire import parse_env

# How many releases are read to decide (one request; v3 racks list every release and cut the list).
RELEASE_LOOKBACK = 100

NOTHING = 'nothing'
PROMOTE = 'promote'
ROLL_BACK = 'roll back'
CREATE = 'create'

_TIME = re.compile(r'^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)\Z')


def created_key(release):
    """``(seconds, nanoseconds)`` since the epoch of a release's ``created`` (RFC 3339), or None."""
    match = _TIME.match(str((release or {}).get('created') or ''))
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    zone = match.group(8)
    if zone != 'Z':
        offset = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
        seconds -= offset if zone[0] == '+' else -offset
    nanoseconds = int((match.group(7) or '').ljust(9, '0'))
    return seconds, nanoseconds


def content_of(release):
    """What a release deploys: its build and its env (as pairs, so that line order does not matter)."""
    return (release.get('build') or ''), tuple(sorted(parse_env(release.get('env')).items()))


def same_content(first, second):
    return content_of(first) == content_of(second)


def same_id(first, second):
    return str(first or '').upper() == str(second or '').upper()


class ReleasePlan:
    """``action`` is NOTHING, PROMOTE (``release``), ROLL_BACK (copy ``release``, promote the copy) or CREATE (``build``)."""

    def __init__(self, action, release=None, build=None):
        self.action = action
        self.release = release
        self.build = build

    def __repr__(self):
        return 'ReleasePlan(%s, %s)' % (self.action, (self.release or {}).get('id') or self.build)


class ReleaseHistory:
    """An app's releases as the rack lists them (newest first)."""

    def __init__(self, releases):
        self.releases = list(releases or [])

    def find(self, release_id):
        return next((release for release in self.releases if same_id(release.get('id'), release_id)), None)

    def _position(self, release):
        for index, listed in enumerate(self.releases):
            if same_id(listed.get('id'), release.get('id')):
                return index
        # Not listed: older than every listed release (the list is the newest ones).
        return len(self.releases)

    def newer(self, first, second):
        """True when ``first`` was created after ``second``."""
        first_key, second_key = created_key(first), created_key(second)
        if first_key is not None and second_key is not None and first_key != second_key:
            return first_key > second_key
        return self._position(first) < self._position(second)

    def _older_than(self, release):
        start = self._position(release)
        return self.releases[start + 1:]

    def previous(self, active):
        """The release active before ``active`` (``active`` itself when it already is that rollback), or None."""
        before = next((release for release in self._older_than(active) if not same_content(release, active)), None)
        if before is None:
            return None
        earlier = next((release for release in self._older_than(before) if not same_content(release, before)), None)
        if earlier is not None and same_content(earlier, active):
            return active
        return before

    def plan(self, active, target):
        """How to make ``target`` the active release, given the ``active`` one (None when the app has none)."""
        if active is None:
            return ReleasePlan(PROMOTE, target)
        if same_id(active.get('id'), target.get('id')):
            return ReleasePlan(NOTHING, active)
        if self.newer(target, active):
            return ReleasePlan(PROMOTE, target)
        if same_content(active, target):
            # The active release is a later copy of the target (a rollback to it).
            return ReleasePlan(NOTHING, active)
        # An unpromoted copy made after the active release (a rollback whose promote failed) is used again.
        copy = next((release for release in self.releases
                     if self.newer(release, active) and same_content(release, target)), None)
        if copy is not None:
            return ReleasePlan(PROMOTE, copy)
        return ReleasePlan(ROLL_BACK, target)

    def plan_build(self, active, build_id):
        """How to deploy build ``build_id`` given the ``active`` release (None when the app has none)."""
        if active is not None and same_id(active.get('build'), build_id):
            return ReleasePlan(NOTHING, active)
        newest = self.releases[0] if self.releases else None
        if newest is not None and same_id(newest.get('build'), build_id):
            return ReleasePlan(PROMOTE, newest)
        return ReleasePlan(CREATE, build=build_id)


def without_env_values(release):
    """A release to show in a result: ``env`` (whose values are secrets) becomes ``env_keys``, its sorted key names."""
    shown = {}
    for key, value in (release or {}).items():
        if key == 'env':
            shown['env_keys'] = sorted(parse_env(value))
        else:
            shown[key] = value
    return shown
