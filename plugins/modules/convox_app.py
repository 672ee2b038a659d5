#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_app
short_description: Create, configure, cancel and delete Convox apps
version_added: 1.0.0
description:
  - Makes sure an app exists on the rack with the given termination protection (O(locked)) and parameters,
    or that it does not exist.
  - Like C(convox apps create), creating waits until the app is C(running); like C(convox apps delete), deleting waits
    until the rack no longer knows the app.
  - On v3 racks every change of O(locked) or O(parameters) re-deploys the app's active release, so the app passes
    through C(updating); with O(wait) the task waits until it is C(running) again.
  - O(cancel) cancels a deploy in progress, as C(convox apps cancel) does.
author:
  - Convox collection maintainers (@convox-community)
options:
  name:
    description:
      - The app name - lowercase letters, digits and C(-), starting and ending with a letter or digit.
      - V(rack) and V(system) are reserved by the rack.
    type: str
    required: true
  state:
    description:
      - V(present) creates the app when it is missing; V(absent) deletes it.
      - A locked app is not deleted - the task fails before any change, unless O(locked=false) is also given,
        which unlocks the app first.
    type: str
    choices: [present, absent]
    default: present
  locked:
    description:
      - Termination protection - a locked app cannot be deleted. Not changed when omitted.
    type: bool
  parameters:
    description:
      - App parameters to set. Keys not given are left as they are. A key set to an empty string is removed
        (the rack does not report parameters with empty values).
      - v3 racks know V(BuildCpu), V(BuildMem) and V(BuildLabels) only and silently ignore any other key, so any
        other key fails the task before a change is made. v2 racks take their own (CloudFormation) parameters.
      - After the update the rack's parameters are read back, as C(convox apps params set) does, and the task fails
        when the rack did not apply them.
    type: dict
  cancel:
    description:
      - Cancel the deploy in progress, as C(convox apps cancel) does - the rack rolls the app back to its previous
        release, and the active release is then written again as the newest release, so the next environment change
        starts from what is running.
      - Reports a change only when the app was C(updating); otherwise there is nothing to cancel.
      - Only with O(state=present).
    type: bool
    default: false
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
notes:
  - When the app must first be created and then locked or given parameters, the task waits for the creation
    to finish before it updates the app, even with O(wait=false) - the rack cannot update an app that is still being created.
  - An app the rack is already deleting (status C(deleting)) counts as absent - O(state=absent) reports no change - and
    O(state=present) waits until it is gone before creating it again.
seealso:
  - module: convox.convox.convox_app_info
  - module: convox.convox.convox_env
"""

EXAMPLES = r"""
- name: Create an app with termination protection
  convox.convox.convox_app:
    name: myapp
    locked: true

- name: Give its builds more CPU and memory (v3 rack)
  convox.convox.convox_app:
    name: myapp
    parameters:
      BuildCpu: 1024
      BuildMem: 2048

- name: Cancel a deploy that is stuck
  convox.convox.convox_app:
    name: myapp
    cancel: true

- name: Unlock and delete an app in one task
  convox.convox.convox_app:
    name: old-app
    state: absent
    locked: false
"""

RETURN = r"""
app:
  description: The app as the rack reports it after the task. Absent when the app does not exist (after O(state=absent),
    or in check mode before it is created).
  returned: when the app exists
  type: dict
  contains:
    name:
      description: The app name.
      type: str
      sample: myapp
    status:
      description: The app status - V(running), V(updating), V(rollback), V(deleting) (and on v2 racks V(creating) or V(failed)).
      type: str
      sample: running
    locked:
      description: Whether termination protection is on.
      type: bool
    release:
      description: The active release, empty before the first deploy.
      type: str
      sample: RABCDEFGHIJ
    generation:
      description: The app generation (V(3) on v3 racks).
      type: str
    router:
      description: The router host of the app.
      type: str
    parameters:
      description: The app parameters, keys as the rack spells them.
      type: dict
      sample: {"BuildCpu": "1024"}
cancelled:
  description: Whether a deploy in progress was cancelled (or would be, in check mode).
  returned: when O(cancel=true)
  type: bool
release:
  description: The release written again after a cancel (the active release as a new, unpromoted release).
  returned: when a deploy was cancelled and the app had an active release
  type: str
  sample: RBCDEFGHIJK
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

from ansible_collections.convox.convox.plugins.module_utils._deploy import app_status, wait_app_gone, wait_app_running
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field, MapUpdate, read_or_none
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name

FIELDS = [Field('locked'), Field('parameters')]
# What a v3 rack reads from PUT /apps/{name} parameters (convox-api.md 6.4); it skips any other key silently.
V3_PARAMETERS = ('BuildCpu', 'BuildLabels', 'BuildMem')


def is_v3(client, app):
    """v3 apps report generation 3; before the app exists, the rack's version says."""
    if app is not None:
        return app.get('generation') == '3'
    return client.rack_generation() == 3


def check_parameters(module, client, current):
    parameters = module.params['parameters']
    if not parameters or not is_v3(client, current):
        return
    unknown = sorted(set(parameters) - set(V3_PARAMETERS))
    if unknown:
        raise ConvoxConfigError('v3 racks know only the app parameters %s and silently ignore others; refusing %s'
                                % (', '.join(V3_PARAMETERS), ', '.join(unknown)))


def cancel(module, state, client, name, app):
    """convox apps cancel: cancel, then write the active release again as the newest one."""
    if app_status(app) != 'updating':
        return app
    state.facts['cancelled'] = True
    state.changed_outside_plan()
    if module.check_mode:
        return app
    state.write(client.app_cancel, name)
    app = client.app_get(name)
    active = next((release for release in client.release_list(name) if release['id'] == app['release']), None)
    if active is not None:
        state.facts['release'] = state.write(client.release_create, name, build=active['build'] or None, env=active['env'],
                                             description=active['description'] or None)['id']
    if module.params['wait']:
        app = wait_app_running(client, module.waiter(), name)
    return app


def delete(module, state, client, app):
    name = app['name']
    if app['locked'] and module.params['locked'] is not False:
        module.fail_json(msg='app %s is locked (termination protection): unlock it first, or set locked: false in this task '
                         'to unlock and delete it' % name, **state.failure(app=snake_keys(app)))
    if app['locked']:
        state.write(client.app_update, name, lock=False)
        if not module.check_mode:
            wait_app_running(client, module.waiter(), name)
    state.write(client.app_delete, name)
    if module.params['wait'] and not module.check_mode:
        wait_app_gone(client, module.waiter(), name)


def create_or_update(module, state, client, plan, app):
    """Create the app if missing, then one PUT with whatever of lock and parameters differs."""
    p = module.params
    name = p['name']
    if plan.action == 'create':
        app = state.write(client.app_create, name)
        change = dict(lock=True if p['locked'] else None, parameters=p['parameters'] if plan.differs('parameters') else None)
    else:
        change = dict(lock=p['locked'] if plan.differs('locked') else None,
                      parameters=p['parameters'] if plan.differs('parameters') else None)
    if module.check_mode:
        return app
    if any(value is not None for value in change.values()):
        if app_status(app) != 'running':
            # A rack cannot update an app that is still being created or deployed.
            wait_app_running(client, module.waiter(), name)
        state.write(client.app_update, name, **change)
    app = wait_app_running(client, module.waiter(), name) if p['wait'] else client.app_get(name)
    state.verify(app, 'app %s' % name)
    return app


def main():
    module = ConvoxModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            locked=dict(type='bool'),
            parameters=dict(type='dict'),
            cancel=dict(type='bool', default=False),
        ),
        wait=True,
        supports_check_mode=True,
    )
    p = module.params
    name, present = p['name'], p['state'] == 'present'
    if p['cancel'] and not present:
        module.fail_json(msg='cancel needs state=present')
    state = DesiredState(module, FIELDS)
    with module.api_errors(state.facts):
        check_name('app', name)
        client = module.client
        app = read_or_none(client.app_get, name)
        if app_status(app) == 'deleting':
            # Already on its way out: nothing to delete, and a new app of that name has to wait until it is gone.
            if not module.check_mode and (present or p['wait']):
                wait_app_gone(client, module.waiter(), name)
            app = None
        updates = dict(locked=p['locked'])
        if p['parameters'] is not None:
            updates['parameters'] = MapUpdate(p['parameters'], drop_empty=True)
        plan = state.plan(app, updates, present=present)
        if present:
            check_parameters(module, client, app)
        if p['cancel']:
            state.facts['cancelled'] = False
            if app is not None:
                app = cancel(module, state, client, name, app)
        if plan.action == 'delete':
            delete(module, state, client, app)
            app = None
        elif plan.action is not None:
            app = create_or_update(module, state, client, plan, app)
        if app is not None:
            state.facts['app'] = snake_keys(app)
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
