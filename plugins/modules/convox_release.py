#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_release
short_description: Promote a Convox release, or roll an app back to an older one
version_added: 1.0.0
description:
  - Makes sure an app runs a given release - by id, the newest (V(latest)), or the one before the current one
    (V(previous)) - and with O(wait) waits until the rack runs it.
  - When the release is already active nothing is done. A release newer than the active one is promoted, as
    C(convox releases promote) does. For an older one the app is rolled back as C(convox releases rollback) does - a new
    release is created with the old release's build and environment, and promoted (racks refuse to promote an older
    release). A second run recognises that copy by its build and environment and changes nothing.
  - Unless O(force), the task first waits for the app to be C(running), as the CLI does (the rack refuses to promote
    while an app is updating). After the promote, O(wait) succeeds only when the app is C(running) B(and) runs the
    promoted release - a deploy the rack rolled back fails the task with RV(rolled_back=true) and the statuses seen.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app.
    type: str
    required: true
  release:
    description:
      - The release the app should run - a release id, V(latest) (the newest release), or V(previous).
      - V(previous) is the release that was active before the current one. Racks keep no promote history, so it is taken
        from the release list - the nearest release older than the active one with a different build or environment
        (releases that repeat the active one's build and environment are skipped). Releases that were created but never
        promoted (an environment change made just before a deploy, for example) count as well - in such a history, give
        the id. When the active release already is a
        rollback of the release before it (it repeats the build and environment of the release before that one), the
        rollback is done and nothing changes - so rolling back to V(previous) undoes the latest deploy once; roll back
        further with a release id.
      - After a deploy the rack rolled back itself (RV(rolled_back=true)), the app already runs the release it ran
        before, and V(previous) is the one before that - a good deploy would be undone. To go back after a failed
        deploy, give the id the failed task returned in RV(previous_release).
      - A release that does not exist fails the task with "not found". It is looked for in the app's newest releases
        first, because v3 racks answer a missing release id with a server error.
    type: str
    required: true
  state:
    description:
      - V(promoted) - the app runs the release.
    type: str
    choices: [promoted]
    default: promoted
  force:
    description:
      - Promote without waiting for the app to be C(running) first (the rack's C(force) promote option).
    type: bool
    default: false
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
notes:
  - With an id that is the active release, the task reads the app only. V(latest) and V(previous) read the app and its
    newest 100 releases.
  - The diff shows the release whose build and environment the app runs; a rollback runs them as a new release
    (RV(created_release)).
  - O(wait_timeout) applies to each wait - the app becoming C(running) before the promote, and the deploy.
seealso:
  - module: convox.convox.convox_release_info
  - module: convox.convox.convox_build
"""

EXAMPLES = r"""
- name: Deploy the release a build made
  convox.convox.convox_release:
    app: myapp
    release: "{{ build.build.release }}"

- name: Deploy the newest release (for example after an environment change)
  convox.convox.convox_release:
    app: myapp
    release: latest

- name: Undo the latest deploy
  convox.convox.convox_release:
    app: myapp
    release: previous
  register: rollback

- name: Roll back to a known good release
  convox.convox.convox_release:
    app: myapp
    release: RABCDEFGHIJ
"""

RETURN = r"""
release:
  description:
    - The release the app runs after the task (for a rollback, the new copy of the old release). Its environment values
      are not returned (they are secrets) - only their names, as RV(release.env_keys).
    - In check mode, the release that would run; absent when it would first be created.
    - When O(release) is the id of the active release, the task reads the app only, so only RV(release.id) and
      RV(release.app) are known (use M(convox.convox.convox_release_info) for the rest).
  returned: when the app runs (or would run) a release
  type: dict
  contains:
    id:
      description: The release id.
      type: str
      sample: RABCDEFGHIJ
    build:
      description: The build it deploys.
      type: str
      sample: BABCDEFGHIJ
    env_keys:
      description: The names of its environment variables.
      type: list
      elements: str
      sample: [DATABASE_URL, GREETING]
    description:
      description: Its description.
      type: str
    manifest:
      description: The manifest it deploys.
      type: str
    created:
      description: When it was created (RFC 3339).
      type: str
    app:
      description: The app.
      type: str
target:
  description: The release O(release) named (an id; for V(latest) and V(previous), the one they resolved to).
  returned: always
  type: str
  sample: RABCDEFGHIJ
previous_release:
  description: The release that was active before the task (empty when the app had none).
  returned: always
  type: str
created_release:
  description: The id of the release created to roll back to RV(target).
  returned: when a rollback created one
  type: str
app:
  description: The app after the deploy (its C(status) and C(release)).
  returned: when a deploy was waited for
  type: dict
rolled_back:
  description: Whether the rack rolled the deploy back (the task then fails).
  returned: when a promote was waited for
  type: bool
active_release:
  description: The release the app runs after a rack rollback.
  returned: when the rack rolled the deploy back
  type: str
last_status:
  description: The last app status seen when a wait failed or timed out.
  returned: when a wait failed
  type: str
statuses:
  description: The app statuses seen, in order, when a wait failed or timed out (for a rack rollback, for example
    V([updating, rollback])).
  returned: when a wait failed
  type: list
  elements: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._deploy import app_status, carry_out
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._releases import (
    NOTHING,
    RELEASE_LOOKBACK,
    ReleaseHistory,
    ReleasePlan,
    same_id,
    without_env_values,
)
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field, find_listed
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name

LATEST = 'latest'
PREVIOUS = 'previous'
FIELDS = [Field('release')]


class ReleaseNotFound(ConvoxConfigError):
    """The release named does not exist (or, for latest/previous, there is none)."""


def resolve(client, app_name, wanted, active_id):
    """``(target, active, history)`` for the ``release`` option, from the app's newest releases."""
    history = ReleaseHistory(client.release_list(app_name, limit=1 if wanted == LATEST else RELEASE_LOOKBACK))
    active = None
    if active_id:
        active = history.find(active_id)
        if active is None and wanted != LATEST:
            active = find_listed(history.releases, active_id, RELEASE_LOOKBACK, client.release_get, app_name, active_id)
    if wanted == LATEST:
        if not history.releases:
            raise ReleaseNotFound('app %s has no releases' % app_name)
        return history.releases[0], active, history
    if wanted == PREVIOUS:
        if active is None:
            raise ReleaseNotFound('app %s has no active release, so there is no previous one' % app_name)
        target = history.previous(active)
        if target is None:
            raise ReleaseNotFound('app %s has no release before the active release %s' % (app_name, active['id']))
        return target, active, history
    check_name('release', wanted)
    target = find_listed(history.releases, wanted, RELEASE_LOOKBACK, client.release_get, app_name, wanted)
    if target is None:
        raise ReleaseNotFound('release %s of app %s not found' % (wanted, app_name))
    return target, active, history


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            release=dict(type='str', required=True),
            state=dict(type='str', choices=['promoted'], default='promoted'),
            force=dict(type='bool', default=False),
        ),
        wait=True,
        supports_check_mode=True,
    )
    p = module.params
    app_name, wanted = p['app'], p['release']
    state = DesiredState(module, FIELDS, presence=False)
    with module.api_errors(state.facts):
        check_name('app', app_name)
        if wanted not in (LATEST, PREVIOUS):
            check_name('release', wanted)
        client = module.client
        app = client.app_get(app_name)
        active_id = app.get('release') or ''
        state.facts.update(previous_release=active_id)
        if active_id and same_id(active_id, wanted):
            # Already active: one read, unless a deploy of it is still to be waited for.
            state.facts['target'] = active_id
            plan, history = ReleasePlan(NOTHING, dict(id=active_id)), None
        else:
            target, active, history = resolve(client, app_name, wanted, active_id)
            state.facts['target'] = target['id']
            plan = history.plan(active, target)
        effective = state.facts['target'] if plan.action == NOTHING else active_id
        state.plan(dict(release=effective or None), dict(release=state.facts['target']))
        if p['wait'] and not module.check_mode and (plan.action != NOTHING or app_status(app) != 'running'):
            state.facts['rolled_back'] = False
        release, _created = carry_out(state, client, module.waiter(), app_name, app, plan, force=p['force'], wait=p['wait'])
        if release is not None:
            # On the one-read path only the id is known: the budget of a no-op (one read) wins over a fuller result.
            state.facts['release'] = snake_keys(without_env_values(release)) if release.get('created') else dict(id=release['id'], app=app_name)
        if p['wait'] and not module.check_mode and plan.action != NOTHING:
            state.facts['app'] = snake_keys(client.app_get(app_name))
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
