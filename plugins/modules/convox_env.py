#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_env
short_description: Set and remove environment variables of a Convox app
version_added: 1.0.0
description:
  - Makes sure an app's environment holds the given variables (O(state=present)), holds exactly them
    (O(purge=true)), or no longer holds some (O(state=absent) with O(keys)).
  - Convox keeps an app's environment on its releases - there is no other place. Like C(convox env set), the module
    reads the environment of the app's B(latest) release (not necessarily the active one) and, only when something
    differs, writes a new release holding the whole environment. That release is not deployed unless O(promote=true).
  - Values are sent exactly as given - spaces at the ends, C(=), unicode. A name or value a release cannot hold
    (an empty name, a name with C(=), spaces at its ends or control characters, a value with a line break, a line
    longer than 65535 bytes) fails the task before any request.
  - B(Concurrent writers lose nothing.) The rack has no compare-and-swap, so two writers that read the same release
    each write one lacking the other's change. After writing, the module reads the newest releases again; when another
    writer's release hid its change, or its own release copied old values over another writer's, it writes a new
    release on top that holds both, until the newest release keeps every change. O(wait_timeout) bounds this too,
    whatever O(wait).
    A change is what the task altered in the environment it read, so with O(purge=true) a variable another writer adds
    at the same time stays. A variable another writer sets to a value of its own after this task keeps that newer
    value, with a warning. The C(convox) CLI does not check its writes this way - a C(convox env set) racing this
    module is repaired only when this module's check runs after it.
  - When the latest release is not the active one (a build or an environment change waits to be deployed), a warning says
    so - the new release carries that pending change along, and promoting it deploys both.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app whose environment to manage.
    type: str
    required: true
  env:
    description:
      - The variables to set, as names and values. Names are case-sensitive. Variables not given are left as they are,
        unless O(purge=true).
      - Values are written as text - numbers as written by YAML (quote them to keep leading zeros or exact decimals),
        booleans as V(true) or V(false), null as an empty value.
      - Required with O(state=present). The values are never shown - see the notes.
    type: dict
  keys:
    description:
      - The names of the variables to remove, with O(state=absent). Names that are not set are ignored.
    type: list
    elements: str
  state:
    description:
      - V(present) sets the variables of O(env); V(absent) removes those named in O(keys).
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - Make the environment exactly O(env) - every variable not in O(env) is removed. V(env={}) with V(purge=true)
        empties the environment.
      - Only with O(state=present).
    type: bool
    default: false
  promote:
    description:
      - Promote (deploy) the release that holds the environment - the new one, or, when the environment was already
        right, the latest release if it is not the active one - as C(convox env set --promote) does.
      - Unless the app is C(running), the task first waits for the deploy in progress to end (the rack refuses to
        promote meanwhile). With O(wait), it then waits until the app is C(running) on that release; a deploy the rack
        rolls back fails the task with RV(ignore:rolled_back=true), the release the app runs instead (RV(ignore:active_release))
        and the statuses seen.
      - The release must have a build (a release without one cannot be deployed) - before the app's first build, the task
        fails before any write.
    type: bool
    default: false
  masked_keys:
    description:
      - Variables whose values C(convox env), M(convox.convox.convox_env_info) and the P(convox.convox.convox_env#lookup)
        lookup show as V(****) - the app's env mask, the app config C(cli-env-mask) that C(convox env mask set) keeps.
        These names are added to it; names already in it stay.
      - With O(purge=true) the mask becomes exactly this list (V([]) unmasks everything). With O(state=absent) the
        variables of O(keys) also leave the mask (V(masked_keys=[]) does only that).
      - Names need not be set in the environment. A name with whitespace, C(=), C(,) or control characters, or more than
        500 names, fails the task before any request.
      - Without this option the mask is neither read nor changed. With it, the mask costs one more read, and one write
        when it changes - written before the environment when it masks more, so that a new value is never shown
        unmasked, and after it otherwise.
      - Needs app configs (v3 racks from version 3.19.7); on other racks the task fails before any write.
      - Names, not values - they show in the result and the diff. The mask is a display list, not access control.
      - Unlike the environment, the mask is not protected against concurrent writers - the rack replaces it whole and
        keeps no history - so two tasks changing one app's mask at the same moment can lose one's change. Change a
        mask from one place at a time (the C(throttle) keyword set to C(1) on tasks that several hosts run against one app).
    type: list
    elements: str
  diff_values:
    description:
      - Show the values in the diff (C(--diff)), instead of V(<hidden>) markers.
      - This is the only way values reach the output, and only the diff shows them - messages, warnings, the logged
        arguments and the rest of the result stay masked. The diff may show values of variables the task did not set.
    type: bool
    default: false
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
notes:
  - O(env) is a C(no_log) option and every value read from the rack is registered as a C(no_log) value, so values never
    appear in results, warnings, errors or C(-vvv) output. Ansible then masks any text that contains a value, anywhere
    in the output - a variable name or a number that contains a short value (say V(1) or V(true)) shows as C(********)
    (or C(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER)).
  - Each change writes one release; reading it back costs one more request, and the app is read once to tell whether
    a deploy is pending. A run that changes nothing costs one request (two with O(masked_keys)).
  - Check mode reads, predicts the change and the diff (the masked names before and after too), and writes nothing.
seealso:
  - module: convox.convox.convox_env_info
  - plugin: convox.convox.convox_env
    plugin_type: lookup
  - module: convox.convox.convox_app
"""

EXAMPLES = r"""
- name: Set two variables, keeping the others
  convox.convox.convox_env:
    app: myapp
    env:
      LOG_LEVEL: info
      DATABASE_URL: "{{ vault_database_url }}"

- name: Set them and deploy, waiting until the app runs the new release
  convox.convox.convox_env:
    app: myapp
    env:
      LOG_LEVEL: debug
    promote: true

- name: Remove a variable
  convox.convox.convox_env:
    app: myapp
    state: absent
    keys: [LEGACY_FLAG]

- name: Set a secret and mask it in `convox env` output, as `convox env mask set` does
  convox.convox.convox_env:
    app: myapp
    env:
      API_TOKEN: "{{ vault_api_token }}"
    masked_keys: [API_TOKEN]

- name: Remove a variable, and its name from the mask
  convox.convox.convox_env:
    app: myapp
    state: absent
    keys: [API_TOKEN]
    masked_keys: []

- name: Make the environment exactly this, showing the values in --diff
  convox.convox.convox_env:
    app: myapp
    env:
      LOG_LEVEL: info
      WORKERS: 4
    purge: true
    diff_values: true
"""

RETURN = r"""
release:
  description:
    - The release that holds the environment - the one written, or the latest one when nothing changed.
    - When other writers released at the same time, the newest release, which holds this task's change too.
    - Null when the app has no release and nothing was written (also in check mode before the first release).
  returned: always
  type: str
  sample: RABCDEFGHIJ
added_keys:
  description: The names of the variables added (or that would be, in check mode). Never values.
  returned: always
  type: list
  elements: str
  sample: [DATABASE_URL]
changed_keys:
  description: The names of the variables whose value changed. Never values.
  returned: always
  type: list
  elements: str
  sample: [LOG_LEVEL]
removed_keys:
  description: The names of the variables removed. Never values.
  returned: always
  type: list
  elements: str
  sample: [LEGACY_FLAG]
masked_keys:
  description:
    - The names in the app's env mask after the task (or that would be, in check mode), sorted.
  returned: when O(masked_keys) is given
  type: list
  elements: str
  sample: [API_TOKEN, DATABASE_URL]
promoted:
  description: Whether a release was promoted (or would be, in check mode).
  returned: always
  type: bool
reapplied:
  description: How many more releases the task wrote because other writers released at the same time.
  returned: always
  type: int
  sample: 0
rolled_back:
  description: True when the rack rolled the deploy of the promoted release back.
  returned: when a promote was rolled back
  type: bool
active_release:
  description: The release the app runs after a rolled back deploy.
  returned: when a promote was rolled back
  type: str
last_status:
  description: The last app status seen when a wait failed or timed out.
  returned: when a wait failed
  type: str
statuses:
  description: The app statuses seen, in order, when a wait failed or timed out.
  returned: when a wait failed
  type: list
  elements: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._deploy import RUNNING, app_status, promote, wait_release_live
from ansible_collections.convox.convox.plugins.module_utils._env import (
    EnvChange,
    env_release,
    env_secrets,
    keep_env_change,
    latest_release,
    release_env,
)
from ansible_collections.convox.convox.plugins.module_utils._envmask import (
    check_masked_keys,
    desired_masked_keys,
    read_masked_keys,
    write_masked_keys,
)
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field, MapUpdate
from ansible_collections.convox.convox.plugins.module_utils._wire import check_env, check_env_key, check_name


def check_options(module):
    """The options that go together, and the one env validation, before any request.

    Returns the env's MapUpdate, and how the mask changes (``desired_masked_keys`` arguments; None: not at all).
    """
    p = module.params
    masked = None if p['masked_keys'] is None else check_masked_keys(p['masked_keys'])
    if p['state'] == 'absent':
        if p['env'] is not None or p['purge']:
            raise ConvoxConfigError('env and purge are for state=present; state=absent removes the variables named in keys')
        keys = [check_env_key(key) for key in p['keys']]
        return MapUpdate(remove=keys), (None if masked is None else dict(add=masked, remove=keys))
    if p['keys'] is not None:
        raise ConvoxConfigError('keys is for state=absent; with state=present, set the variables in env')
    wanted = check_env(p['env'])
    # The values as written (booleans as true/false): masked in the invocation and everywhere else.
    p['env'] = wanted
    module.register_secrets(wanted.values())
    if p['diff_values']:
        module.reveal_in_diff(wanted.values())
    mask_change = None
    if masked is not None:
        mask_change = dict(exact=masked) if p['purge'] else dict(add=masked)
    return MapUpdate(wanted, purge=p['purge']), mask_change


def pending_deploy_warning(module, app, base):
    """Warn when the latest release (what the change is written on top of) waits to be deployed."""
    if base is None or not base.get('build') or app.get('release') == base['id']:
        return
    active = 'its active release is %s' % app['release'] if app.get('release') else 'no release of it is active yet'
    module.warn('release %s, the latest of app %s, is not deployed (%s): the environment change is written on top of it, '
                'so promoting the new release also deploys what %s brought' % (base['id'], app['name'], active, base['id']))


def write_env(module, state, client, app_name, base, env, seen):
    """Write the new env as a release, then keep it in the newest release whatever others write meanwhile."""
    release = state.write(client.release_create, app_name, **env_release(base, env))
    state.facts['release'] = release['id']
    seen([release])
    state.verify(dict(release=release), 'release %s of app %s' % (release['id'], app_name), fields=['env'])
    change = EnvChange(base, env)
    change.wrote(release)
    check = keep_env_change(client, module.waiter(), state.write, app_name, change, seen=seen, debug=module.debug)
    state.facts['reapplied'] = len(change.written) - 1
    for key in check.overridden:
        module.warn('another writer set %s of app %s after this task did; its newer value was kept' % (key, app_name))
    return check.newest


def promote_release(module, state, client, app_name, app, release_id):
    """Promote ``release_id`` unless it is active; with wait, until it is live."""
    p = module.params
    if release_id is None:
        raise ConvoxConfigError('app %s has no release to promote' % app_name)
    if app.get('release') != release_id:
        state.facts['promoted'] = True
        state.changed_outside_plan()
        if not module.check_mode:
            state.write(promote, client, module.waiter(), app_name, release_id, wait=p['wait'], app=app)
    elif p['wait'] and app_status(app) != RUNNING and not module.check_mode:
        # The release is active but still deploying (a promote in progress): wait for it, as a promote would.
        wait_release_live(client, module.waiter(), app_name, release_id)


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            env=dict(type='dict', no_log=True),
            keys=dict(type='list', elements='str', no_log=False),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            purge=dict(type='bool', default=False),
            promote=dict(type='bool', default=False),
            masked_keys=dict(type='list', elements='str', no_log=False),
            diff_values=dict(type='bool', default=False),
        ),
        wait=True,
        required_if=[('state', 'present', ['env']), ('state', 'absent', ['keys'])],
        supports_check_mode=True,
    )
    p = module.params
    app_name = p['app']
    # What the task compares: the env of the latest release, and the app's env mask (when masked_keys is given).
    fields = [Field('env', read=lambda current: release_env(current['release']), secret=not p['diff_values']),
              Field('masked_keys')]
    state = DesiredState(module, fields, presence=False)
    state.facts.update(release=None, added_keys=[], changed_keys=[], removed_keys=[], promoted=False, reapplied=0)

    def seen(releases):
        """Values read from the rack are secrets too (other writers' keys included)."""
        values = env_secrets(*releases)
        module.register_secrets(values)
        if p['diff_values']:
            module.reveal_in_diff(values)

    with module.api_errors(state.facts):
        check_name('app', app_name)
        update, mask_change = check_options(module)
        client = module.client
        base = latest_release(client, app_name)
        seen([base])
        state.facts['release'] = base['id'] if base else None
        mask = wanted_mask = None
        if mask_change is not None:
            # Read after the release: a missing app fails there. A rack without app configs fails here, before any write.
            mask = read_masked_keys(client, app_name, for_update=True)
            wanted_mask = state.facts['masked_keys'] = desired_masked_keys(mask, **mask_change)
        plan = state.plan(dict(release=base, masked_keys=None if mask is None else sorted(mask)),
                          dict(env=update, masked_keys=wanted_mask))
        env_differs = plan.differs('env')
        change = plan.changes.get('env')
        if change is not None:
            state.facts.update(added_keys=change.added, changed_keys=change.changed, removed_keys=change.removed)
        if p['promote'] and (base is not None or env_differs) and not (base or {}).get('build'):
            # The release to promote (the latest, or a new one on top of it) would have no build: the rack refuses
            # to deploy it, after this task had written the environment. Say so before any write.
            raise ConvoxConfigError('app %s has no build yet, so a release holding its environment cannot be promoted (the rack '
                                    'deploys builds): build the app first, or set the environment without promote'
                                    % app_name)
        # A mask that masks more is written first (a new value never shows unmasked in `convox env`);
        # one that masks less, after the env (a key leaves the mask once its value is gone).
        mask_first = plan.differs('masked_keys') and bool(set(wanted_mask) - mask)
        if mask_first:
            state.write(write_masked_keys, client, app_name, wanted_mask)
        if env_differs and not module.check_mode:
            state.facts['release'] = write_env(module, state, client, app_name, base, plan.desired['env'], seen)['id']
        if plan.differs('masked_keys') and not mask_first:
            state.write(write_masked_keys, client, app_name, wanted_mask)
        # The app (its active release) only when the env is to be written or a release promoted: read after
        # the write, it is fresh for the promote.
        app = client.app_get(app_name) if env_differs or p['promote'] else None
        if env_differs:
            pending_deploy_warning(module, app, base)
        if p['promote'] and not (module.check_mode and env_differs):
            promote_release(module, state, client, app_name, app, state.facts['release'])
        elif p['promote']:
            # Check mode: the release to promote is not written, so it is not active either.
            state.facts['promoted'] = True
            state.changed_outside_plan()
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
