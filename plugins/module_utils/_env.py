# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""An app's environment, which Convox keeps on releases (convox-api.md sections 2.3 and 6.1).

Reading. An app's env is its **latest** release's, as the CLI and the rack see it (not the active
one's): ``latest_release`` reads it with one request, the release list carrying env.
``read_release`` reads a given release. ``returned_env`` is the one place that turns a release's
env into the values modules and the lookup return; ``read_returned_env``, the one read behind them,
masks them: the release, then, unless ``reveal``, the CLI's env mask (the app config
``cli-env-mask``), whose keys' values are returned as ``****``, as ``convox env`` shows them.

Writing without lost updates. Every write is a new release holding the whole env, and the rack
has no compare-and-swap: two writers that read the same release each write one that lacks the
other's change. But the release list is an append-only log with every release's whole env, so
each writer of this collection can tell what the newest release must hold, and repair it:

* Each release this collection writes says in its description what the writer changed in the
  release it read, and which release that was: ``env add:K change:K remove:K from:R...`` (the
  racks' own form, plus ``from:``). Other releases are described by the rack against the release
  before them, or not at all (then what differs from the release before is what they changed).
* After a write, the newest releases are read again (``GET .../releases?limit=2``: ours and the
  one we read, when nobody else wrote). The env the newest release must hold is the env of an
  anchor release with what every release since meant to change replayed over it, oldest first.
  The anchor is the release we read, or an older one when some release since was computed from
  an older release than the one before it: a stale write, whose env copies old values.
* When the newest release differs, a repair (a new release) is written, and checked the same way,
  until the newest release holds what it must, bounded by the task's ``wait_timeout``
  (``Waiter.until`` with ``act``). A writer that writes after ours without having seen it and
  without saying so (``convox env set``) is detected by the old value it puts back on our keys.

So a change is what a task altered in the env it read (keys set, changed, removed), never the
whole env: ``purge`` removes the keys the task saw, and a key another writer adds meanwhile stays;
a key another writer sets after us to a value of its own keeps that newer value (``overridden``).
"""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._envmask import mask_env, read_masked_keys
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxNotFoundError, ConvoxServerError
from ansible_collections.convox.convox.plugins.module_utils._state import ConvoxStateError, is_missing_id
from ansible_collections.convox.convox.plugins.module_utils._wire import parse_env

# How many of the newest releases a verification reads: ours and the one we read when nobody
# else wrote, more when others did (the release we read, or an older anchor, is then further down).
VERIFY_LIMITS = (2, 25, 100)
SETTLED = 'settled'
CONTENDED = 'contended'


def release_env(release):
    """The env of a release (a dict), empty for no release."""
    return parse_env(release.get('env')) if release else {}


def env_secrets(*releases):
    """Every value in the env of these releases: what a module registers as no_log values."""
    return [value for release in releases for value in release_env(release).values()]


def latest_release(client, app):
    """The app's newest release, or None before its first, in one request."""
    releases = client.release_list(app, limit=1)
    return releases[0] if releases else None


def read_release(client, app, release_id):
    """A given release. A missing one is a ConvoxNotFoundError (v3 racks answer it with a 500)."""
    try:
        return client.release_get(app, release_id)
    except ConvoxServerError as error:
        if not is_missing_id(error):
            raise
        raise ConvoxNotFoundError(error.status_code, error.message, request_id=error.request_id, method=error.method,
                                  path=error.path, hint='release %s of app %s does not exist' % (release_id, app)) from None


def returned_env(release, keys=None):
    """The env values a module or the lookup returns: every key, or only those of ``keys`` that are set."""
    env = release_env(release)
    if keys is None:
        return env
    return dict((key, env[key]) for key in keys if key in env)


class ReturnedEnv:
    """What ``read_returned_env`` read: the ``release`` (None before the first), the ``env`` to
    return, and ``masked_keys``, the sorted keys of ``env`` whose values are ``****``."""

    def __init__(self, release, env, masked_keys):
        self.release = release
        self.env = env
        self.masked_keys = masked_keys

    @property
    def release_id(self):
        return self.release['id'] if self.release else None


def read_returned_env(client, app, release_id=None, keys=None, reveal=False):
    """The env of the app's latest release (or of ``release_id``), only ``keys`` if given, masked as the CLI masks it.

    One request for the release; unless ``reveal``, one more for the mask, skipped when there is no
    value to return. A mask that cannot be read (other than missing) raises: values are never
    revealed because a read failed.
    """
    release = read_release(client, app, release_id) if release_id else latest_release(client, app)
    env = returned_env(release, keys)
    masked = set()
    if env and not reveal:
        masked = read_masked_keys(client, app) & set(env)
    return ReturnedEnv(release, mask_env(env, masked), sorted(masked))


def _put(env, key, value):
    if value is None:
        env.pop(key, None)
    else:
        env[key] = value


# The base of a release whose description does not say what it was computed from (written by the
# CLI, a build, a rollback): taken to be the release before it.
UNMARKED = 'unmarked'
_FROM = 'from'
_NO_RELEASE = 'none'


def env_description(before, after, base_id=UNMARKED):
    """A release description naming what changed from ``before`` to ``after`` (env dicts), as racks
    write it (``env add:K change:K remove:K``, each group sorted; key names only, never values),
    and with ``base_id`` the release the writer read (``from:R...``, ``from:none`` for no release)."""
    words = ['add:%s' % key for key in sorted(set(after) - set(before))]
    words += ['change:%s' % key for key in sorted(key for key in after if key in before and after[key] != before[key])]
    words += ['remove:%s' % key for key in sorted(set(before) - set(after))]
    if base_id != UNMARKED:
        words.append('%s:%s' % (_FROM, base_id or _NO_RELEASE))
    return ' '.join(['env'] + words)


def env_release(base, env):
    """The fields of a release that writes ``env`` on top of the ``base`` release read: the whole env,
    and a description naming what the writer changed in what it read and which release that was."""
    return dict(env=env, description=env_description(release_env(base), env, base['id'] if base else None))


def release_meaning(release, previous):
    """What a release meant to change: ``(keys, base)``.

    A description in the racks' env form names the keys (this collection writes them relative to
    the release it read, and says which with ``from:``; racks write them relative to the release
    before). Otherwise (a build, a rollback, an edited description) the keys are every key that
    differs from ``previous``, the release before it. ``base`` is the release id the writer read
    (None: no release), or UNMARKED when the release does not say.
    """
    env = release_env(release)
    words = (release.get('description') or '').split(' ')
    if words[0] == 'env':
        keys, base = set(), UNMARKED
        for number, word in enumerate(words[1:], 1):
            kind, sep, key = word.partition(':')
            if sep and key and kind == _FROM and number == len(words) - 1:
                base = None if key == _NO_RELEASE else key
            elif not (sep and key) or kind not in ('add', 'change', 'remove') or (key in env) == (kind == 'remove'):
                break
            else:
                keys.add(key)
        else:
            return keys, base
    before = release_env(previous)
    return set(key for key in set(env) | set(before) if env.get(key) != before.get(key)), UNMARKED


class EnvCheck:
    """What a verification read found: the ``newest`` release and the ``env`` to write next
    (None when the change holds), with the key names it puts back, applies again, or leaves to a newer writer."""

    def __init__(self, newest, env=None, restored=(), reapplied=(), overridden=()):
        self.newest = newest
        self.env = env
        self.restored = list(restored)
        self.reapplied = list(reapplied)
        self.overridden = list(overridden)

    @property
    def settled(self):
        return self.env is None

    @property
    def status(self):
        return SETTLED if self.settled else CONTENDED


class EnvChange:
    """One task's change of an app's env: what it altered in the env of the release it read.

    ``base`` is the release the task read (None before any), ``desired`` the whole env it wants
    there. ``delta`` maps each altered key to its new value (None: removed). ``written`` lists the
    releases written so far; call ``wrote`` after each write and ``check`` on each read.

    ``check`` computes the env the newest release must have: the env of an anchor release, with
    what every release written since meant to change replayed over it, oldest first (the newest
    meaning of a key wins). The anchor is the release the task read, or an older one when a release
    since was computed from an older release than the one before it (a stale write: its env carries
    old values, not meanings, so its base's env and the meanings after it are what count).
    A meaning that puts one of our keys back to its value in ``base``, from a release that does not
    say what it was computed from (the CLI), is a writer that had not seen our change: ignored.
    """

    def __init__(self, base, desired):
        self.base_id = base['id'] if base else None
        self.original = release_env(base)
        self.delta = dict((key, desired.get(key)) for key in set(self.original) | set(desired)
                          if self.original.get(key) != desired.get(key))
        self.written = []

    def wrote(self, release):
        """Record a release this task wrote."""
        self.written.append(release['id'])

    def _anchor(self, releases, complete, meanings):
        """The position of the anchor in ``releases`` (``len(releases)``: before the first release),
        or None when the list does not reach back to it."""
        ids = [release.get('id') for release in releases]
        count = len(releases)

        def position(release_id):
            if release_id is None:
                return count if complete else None
            return ids.index(release_id) if release_id in ids else None

        if any(written not in ids for written in self.written):
            return None
        anchor = position(self.base_id)
        moved = True
        while anchor is not None and moved:
            moved = False
            for index in range(min(anchor + 1, count)):
                base = meanings[index][1]
                if base == UNMARKED or (index + 1 == count and not complete):
                    continue
                if base != (ids[index + 1] if index + 1 < count else None):
                    older = position(base)
                    if older is None:
                        return None
                    if older > anchor:
                        anchor, moved = older, True
        return anchor

    def check(self, releases, complete):
        """Judge the newest ``releases`` (newest first; ``complete`` when that is all of them).

        Returns an EnvCheck, or None when the list does not reach back far enough (read more).
        """
        count = len(releases)
        meanings = [release_meaning(release, releases[index + 1] if index + 1 < count else None)
                    for index, release in enumerate(releases)]
        anchor = self._anchor(releases, complete, meanings)
        if anchor is None:
            return None
        ours = set(self.written)
        target = release_env(releases[anchor]) if anchor < count else {}
        meant_by_us = {}
        for index in reversed(range(anchor)):
            release = releases[index]
            keys, base = meanings[index]
            values = release_env(release)
            by_us = release['id'] in ours
            for key in sorted(keys):
                value = values.get(key)
                if base == UNMARKED and not by_us and key in self.delta and value == self.original.get(key):
                    continue
                _put(target, key, value)
                meant_by_us[key] = by_us
        newest = releases[0]
        newest_env = release_env(newest)
        # Someone meant a value of their own for one of our keys after us: it is the newer one.
        overridden = sorted(key for key in self.delta if meant_by_us.get(key) is False and target.get(key) != self.delta[key])
        differ = sorted(key for key in set(target) | set(newest_env) if target.get(key) != newest_env.get(key))
        reapplied = [key for key in differ if meant_by_us.get(key)]
        restored = [key for key in differ if not meant_by_us.get(key)]
        return EnvCheck(newest, target if differ else None, restored, reapplied, overridden)


def keep_env_change(client, waiter, write, app, change, seen=None, debug=None):
    """Read the newest releases until ``change`` holds there, writing repairs as needed.

    ``write`` runs a write (``DesiredState.write``); ``seen(releases)`` is told every release read
    (to register their values as secrets); ``debug`` receives one line per repair (key names only).
    Bounded by ``waiter``; returns the final EnvCheck (its ``newest`` release carries the change).
    """
    # Once others wrote, the list only grows: start from the length that reached back last time.
    reach = [0]

    def read():
        for position in range(reach[0], len(VERIFY_LIMITS)):
            limit = VERIFY_LIMITS[position]
            releases = client.release_list(app, limit=limit)
            if seen is not None:
                seen(releases)
            check = change.check(releases, complete=len(releases) < limit)
            if check is not None:
                reach[0] = position
                return check
        raise ConvoxStateError('app %s has more than %d releases written since the release this task read (%s): too many to '
                               'tell whether they kept its change' % (app, VERIFY_LIMITS[-1], change.base_id or 'none'))

    def act(check):
        if debug is not None:
            debug('env of app %s: other writers released meanwhile; writing again on top of %s (restoring %s, re-applying %s)'
                  % (app, check.newest['id'], ', '.join(check.restored) or 'nothing', ', '.join(check.reapplied) or 'nothing'))
        change.wrote(write(client.release_create, app, **env_release(check.newest, check.env)))

    return waiter.until(read, done=lambda check: check.settled, act=act, status=lambda check: check.status,
                        what='the env change of app %s to hold in its newest release' % app)
