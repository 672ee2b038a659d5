# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The waits every deploying module shares: an app ``running``, an app gone, a build done, a release live.

Promoting is asynchronous (convox-api.md section 6.2): the rack answers ``ok``, switches the
app's ``release`` at once, shows ``updating``, and ends ``running`` -- on our release, or, when
the deploy failed, after ``rollback`` on the previous one (a reverted deploy also ends
``running``). So a promote has succeeded only when the app is ``running`` **and** its release is
ours, which is what ``promote`` waits for; anything else is a ``ConvoxRolledBack``.
"""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._builds import streamed_log_tail
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxNotFoundError
from ansible_collections.convox.convox.plugins.module_utils._releases import CREATE, NOTHING, PROMOTE, ROLL_BACK, content_of
from ansible_collections.convox.convox.plugins.module_utils._state import ConvoxStateError
from ansible_collections.convox.convox.plugins.module_utils._wait import ConvoxWaitFailed

RUNNING = 'running'
UPDATING = 'updating'
ROLLBACK = 'rollback'
# Build statuses (convox-api.md section 3): created, then running, then complete or failed.
BUILD_COMPLETE = 'complete'
BUILD_FAILED = 'failed'
BUILD_PENDING = ('created', 'running')


class ConvoxRolledBack(ConvoxWaitFailed):
    """The rack rolled a deploy back: ``active_release`` is the release it runs instead."""

    def __init__(self, message, active_release=None, **kwargs):
        super().__init__(message, **kwargs)
        self.active_release = active_release
        self.facts.update(rolled_back=True, active_release=active_release)


def app_status(app):
    return (app or {}).get('status') or 'unknown'


def wait_app_running(client, waiter, name):
    """Wait until the app is ``running``; return it. Any other status is passed through."""
    return waiter.until(lambda: client.app_get(name), done=lambda app: app_status(app) == RUNNING,
                        status=app_status, what='app %s to be running' % name)


def _app_or_none(client, name):
    try:
        return client.app_get(name)
    except ConvoxNotFoundError:
        return None


def wait_app_gone(client, waiter, name):
    """Wait until the rack no longer knows the app (it shows ``deleting`` meanwhile)."""
    waiter.until(lambda: _app_or_none(client, name), done=lambda app: app is None,
                 status=lambda app: 'gone' if app is None else app_status(app), what='app %s to be deleted' % name)


def build_status(build):
    return (build or {}).get('status') or 'unknown'


def wait_build(client, waiter, app_name, build_id, log_lines=0):
    """Wait until a build is ``complete``; return ``(build, streamed log tail or None)``.

    With ``log_lines``, the build's log stream is read first, as ``convox build`` does: it ends
    when the builder does, and keeps the last lines even before the rack stores the log object.
    Then the build's status is polled with what is left of the waiter's time. Raises
    ConvoxWaitFailed when the build failed (or ended otherwise); its ``value`` is the build as
    last read and its ``streamed_log`` the streamed tail.
    """
    def failed(build):
        status = build_status(build)
        if status == BUILD_FAILED:
            return 'build %s failed' % build_id
        if status not in BUILD_PENDING:
            return 'build %s ended with the status %s' % (build_id, status)
        return None
    started = waiter.now()
    streamed = streamed_log_tail(client, app_name, build_id, log_lines, waiter.timeout) if log_lines else None
    try:
        build = waiter.remaining(started).until(
            lambda: client.build_get(app_name, build_id), done=lambda build: build_status(build) == BUILD_COMPLETE,
            failed=failed, status=build_status, what='build %s of app %s to finish' % (build_id, app_name))
    except ConvoxWaitFailed as error:
        error.streamed_log = streamed
        raise
    return build, streamed


def _deploy_outcome(release_id):
    def failed(app):
        status = app_status(app)
        if status == ROLLBACK:
            return 'the rack is rolling the deploy of %s back' % release_id
        if status == RUNNING and app.get('release') != release_id:
            return 'the rack rolled the deploy of %s back to %s' % (release_id, app.get('release') or 'no release')
        return None
    return failed


def wait_release_live(client, waiter, app_name, release_id):
    """Wait until the app runs ``release_id``; raise ConvoxRolledBack when the rack rolls it back."""
    failed = _deploy_outcome(release_id)
    try:
        return waiter.until(lambda: client.app_get(app_name),
                            done=lambda app: app_status(app) == RUNNING and app.get('release') == release_id,
                            failed=failed, status=app_status,
                            what='release %s of app %s to be live' % (release_id, app_name))
    except ConvoxWaitFailed as error:
        active = (error.value or {}).get('release')
        raise ConvoxRolledBack(error.message, active_release=active, status=error.status, statuses=error.statuses,
                               value=error.value, elapsed=error.elapsed) from None


def promote(client, waiter, app_name, release_id, force=False, wait=True, app=None):
    """Promote a release the way ``convox releases promote`` does, and with ``wait`` wait until it is live.

    The rack refuses a promote while the app is not ``running`` (403 ``app is currently
    updating``), so unless ``force`` a busy app is first waited for. ``app`` is the app as just
    read, to spare a read. Returns the app as last read (None when not waited for).
    """
    if not force:
        current = app if app is not None else client.app_get(app_name)
        if app_status(current) != RUNNING:
            wait_app_running(client, waiter, app_name)
    client.release_promote(app_name, release_id, force=force or None)
    if not wait:
        return None
    return wait_release_live(client, waiter, app_name, release_id)


def carry_out(state, client, waiter, app_name, app, plan, force=False, wait=True):
    """Carry out a ``_releases.ReleasePlan`` on an app, writing through ``state`` (nothing is sent in check mode).

    NOTHING waits (with ``wait``) for a deploy of the active release that is still going on;
    PROMOTE promotes the plan's release; ROLL_BACK first creates a release with the old release's
    build and env (``convox releases rollback``), CREATE one of the plan's build with the newest
    release's env (what a build's own release gets), and promotes that. Unless ``force``, a busy
    app is waited for before the promote (the rack refuses to promote while it is not running).
    ``app`` is the app as just read. Returns ``(release, created)``: the release that is (or would be)
    active - None in check mode when it would first be created - and whether one was created.
    """
    if plan.action == NOTHING:
        if wait and not state.module.check_mode:
            if app_status(app) == UPDATING:
                # The deploy of this very release is still going on: it may yet be rolled back.
                wait_release_live(client, waiter, app_name, plan.release['id'])
            elif app_status(app) != RUNNING:
                wait_app_running(client, waiter, app_name)
        return plan.release, False
    if plan.action in (PROMOTE, ROLL_BACK) and not plan.release.get('build'):
        raise ConvoxConfigError('release %s has no build, so there is nothing to deploy: build the app first'
                                % plan.release.get('id'))
    release, created = plan.release, False
    if plan.action in (ROLL_BACK, CREATE):
        if state.module.check_mode:
            return None, True
        if plan.action == ROLL_BACK:
            release = state.write(client.release_create, app_name, build=plan.release.get('build'), env=plan.release.get('env') or '')
            if content_of(release) != content_of(plan.release):
                raise ConvoxStateError('release %s created to roll back to %s does not hold its build and env; the rack did not '
                                       'take them' % (release.get('id'), plan.release.get('id')))
        else:
            release = state.write(client.release_create, app_name, build=plan.build)
        created = True
        state.facts['created_release'] = release.get('id')
    elif plan.action != PROMOTE:
        raise ValueError('unknown release plan %r' % plan.action)
    if state.module.check_mode:
        return release, created
    if not force and app_status(app) != RUNNING:
        app = wait_app_running(client, waiter, app_name)
    state.write(promote, client, waiter, app_name, release['id'], force=force, wait=wait, app=app)
    return release, created
