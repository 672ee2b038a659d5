#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_resource
short_description: Create, change, link and delete the resources of a Convox rack
version_added: 1.0.0
description:
  - Makes sure a rack (system) resource exists with the given kind and parameters, linked to exactly the given apps,
    or that it does not exist - as C(convox rack resources create), C(update), C(link), C(unlink) and C(delete) do.
  - On v3 racks the only rack resource is a V(webhook) (a URL the rack posts its events to); a v3 rack cannot change
    a webhook's parameters or link it to apps. Databases, caches and other resources of v3 apps are declared in their
    C(convox.yml) - see M(convox.convox.convox_resource_info) with O(convox.convox.convox_resource_info#module:app).
  - On v2 racks rack resources are CloudFormation stacks of any kind the rack offers (V(postgres), V(mysql), V(redis),
    V(syslog), V(webhook), ...); they can be changed, and syslogs linked to apps.
  - What a rack refuses (another kind than V(webhook), a change or a link on a v3 rack; a link of anything but a
    syslog, or a new URL for a webhook, on a v2 rack) fails the task before anything is changed, saying why.
  - The rack checks webhook URLs itself (v3 racks accept only URLs whose host resolves to a public address, or an
    in-cluster C(*.svc.cluster.local) host); when it refuses one, the task fails with the rack's words.
author:
  - Convox collection maintainers (@convox-community)
options:
  name:
    description:
      - The resource name - lowercase letters, digits and C(-).
    type: str
    required: true
  kind:
    description:
      - The kind of resource, for example V(webhook) (v3 and v2 racks), V(postgres), V(redis) or V(syslog) (v2 racks).
      - Needed to create the resource. When the resource exists, a different kind fails the task - a resource cannot
        change its kind; delete it first.
    type: str
    aliases: [type]
  parameters:
    description:
      - The resource's parameters, with the names the rack shows - for example V(Url) for a webhook or a syslog, or
        V(InstanceType) and V(Database) for a v2 database. Values are compared as text.
      - Only the keys given are compared and changed; the others keep the values the rack has (its defaults).
      - V(Password) (v2 databases) is sent when the resource is created and never compared or changed afterwards - racks
        do not show it.
    type: dict
  apps:
    description:
      - The apps the resource is linked to, exactly - links are added and removed to match. Left as they are when omitted.
      - Only v2 racks link resources, and only syslogs. With O(state=absent), V([]) unlinks every app first, which
        a v2 rack needs before it deletes a linked resource.
    type: list
    elements: str
  state:
    description:
      - V(present) creates the resource when it is missing and changes it to match; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
notes:
  - On v2 racks every change is a CloudFormation stack update that takes minutes; with O(wait) the task waits until the
    resource is C(running) again (or gone, after a delete) and fails at once when the stack update failed or is rolling back.
    When a task makes several changes (create then link, or change parameters then link), it waits for each to end
    before the next, even with O(wait=false) - the rack refuses to change a stack that is being changed.
  - Whether the rack is v2 or v3 is read from its version (one more request) only when the task is about to change
    something that only v2 racks can do; a run that changes nothing costs one request.
  - Secrets - the parameters that carry credentials (V(Url), V(Password), and any key or URL that looks like a credential)
    are hidden in the diff, and the values given in the task are masked like C(no_log) options in the logged arguments,
    warnings and failure messages. A successful task returns the resource as the rack has it - RV(resource.parameters)
    with a webhook's V(Url) as given, and the credentials the rack makes itself (the generated database password and the
    access keys in RV(resource.url) of v2 resources) - since reading them is what the result is for; set C(no_log) on
    the task, as the database example does, when its output is seen by others.
seealso:
  - module: convox.convox.convox_resource_info
"""

EXAMPLES = r"""
- name: Post the rack's events to a webhook
  convox.convox.convox_resource:
    name: deploy-events
    kind: webhook
    parameters:
      Url: https://hooks.example.com/convox

- name: A Postgres database on a v2 rack, its URL for the app's environment
  convox.convox.convox_resource:
    name: maindb
    kind: postgres
    parameters:
      InstanceType: db.t3.small
      Database: main
  register: maindb
  no_log: true

- name: Send the logs of two apps to a syslog (v2 rack)
  convox.convox.convox_resource:
    name: papertrail
    kind: syslog
    parameters:
      Url: tcp+tls://logs.papertrailapp.com:12345
    apps: [web, api]

- name: Unlink every app and delete the syslog
  convox.convox.convox_resource:
    name: papertrail
    state: absent
    apps: []
"""

RETURN = r"""
resource:
  description: The resource as the rack reports it after the task (before it, in check mode). Absent after a delete.
  returned: when the resource exists
  type: dict
  contains:
    name:
      description: The resource name.
      type: str
      sample: deploy-events
    type:
      description: The kind of resource.
      type: str
      sample: webhook
    status:
      description:
        - The resource status - V(running) on v3; on v2 also V(creating), V(updating), V(deleting), V(rollback), V(failed).
      type: str
      sample: running
    parameters:
      description: The resource's parameters, as the rack shows them (v2 racks add the defaults of the kind, never the password).
      type: dict
      sample: {"Url": "https://hooks.example.com/convox"}
    url:
      description:
        - How apps reach the resource - for v2 databases and queues a URL with the credentials the rack generated.
        - Empty for v3 webhooks, and while a v2 resource is being created.
      type: str
      sample: postgres://postgres:0123456789abcdef@convox-maindb.x.us-east-1.rds.amazonaws.com:5432/main
    apps:
      description: The apps linked to the resource (v2 syslogs), each as M(convox.convox.convox_app_info) returns an app.
      type: list
      elements: dict
      returned: when the resource is linked to apps
last_status:
  description: The last resource status seen when a wait failed or timed out.
  returned: when a wait failed
  type: str
statuses:
  description: The resource statuses seen, in order, when a wait failed or timed out.
  returned: when a wait failed
  type: list
  elements: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

import re

from ansible_collections.convox.convox.plugins.module_utils._connection import url_secret_forms
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field, MapUpdate, read_or_none
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name

RUNNING = 'running'
# v2 (CloudFormation) statuses after which waiting cannot help: the change failed, or is being undone.
FAILED_STATUSES = ('failed', 'rollback')
V3_KIND = 'webhook'
# The only kind a v2 rack links to apps (it has a link strategy for no other).
LINKABLE_KIND = 'syslog'
# Parameters racks never show (v2 drops the database password from its answers): sent on create only.
WRITE_ONLY_PARAMETERS = ('Password',)
_SECRET_KEY = re.compile(r'password|secret|token|passwd|url', re.IGNORECASE)
V3_REFUSAL = 'unavailable on v3 racks'


def secret_parameter(key, value):
    """A parameter the diff hides: its name says credential or URL (a webhook URL often is its own credential),
    or its value is a URL with a password."""
    if _SECRET_KEY.search(str(key or '')):
        return True
    text = str(value)
    return '://' in text and bool(url_secret_forms(text))


def given_secrets(params):
    """The credentials a task gives in ``parameters``, to mask like no_log values (ConvoxModule secret_params)."""
    found = []
    for key, value in (params.get('parameters') or {}).items():
        text = '' if value is None else str(value)
        if _SECRET_KEY.search(str(key)):
            found.append(text)
        if '://' in text:
            found.extend(url_secret_forms(text))
    return found


def linked_apps(resource):
    return sorted(app.get('name') for app in (resource or {}).get('apps') or [] if app.get('name'))


FIELDS = [
    Field('kind', read=lambda resource: resource.get('type')),
    Field('parameters', read=lambda resource: resource.get('parameters') or {}, secret=secret_parameter),
    Field('apps', read=linked_apps, normalize=lambda names: sorted(set(names))),
]


def resource_status(resource):
    if resource is None:
        return 'gone'
    return resource.get('status') or 'unknown'


class ResourceTask:
    """One task's writes on one resource, with the waits a v2 stack needs between them."""

    def __init__(self, module, state):
        self.module = module
        self.state = state
        self.client = module.client
        self.name = module.params['name']
        self.writes = 0

    # -- reading and waiting ----------------------------------------------------------

    def read(self):
        return read_or_none(self.client.system_resource_get, self.name)

    def wait_running(self):
        def failed(resource):
            if resource is None:
                return 'resource %s is gone' % self.name
            if resource_status(resource) in FAILED_STATUSES:
                return 'the rack could not apply the change to resource %s' % self.name
            return None
        return self.module.waiter().until(self.read, done=lambda resource: resource_status(resource) == RUNNING, failed=failed,
                                          status=resource_status, what='resource %s to be running' % self.name)

    def wait_gone(self):
        self.module.waiter().until(self.read, done=lambda resource: resource is None, status=resource_status,
                                   what='resource %s to be deleted' % self.name)

    def write(self, call, *args):
        """One write; a v2 stack must have finished the previous change before it takes the next."""
        if self.writes and not self.module.check_mode:
            self.wait_running()
        self.writes += 1
        return self.state.write(call, *args)

    # -- the checks before any write ----------------------------------------------------

    def refuse_on_v3(self, action, advice):
        if self.client.rack_generation() == 3:
            raise ConvoxConfigError('v3 racks cannot %s (the rack answers "%s"); %s' % (action, V3_REFUSAL, advice))

    def check_create(self, kind, apps):
        if kind != V3_KIND:
            if self.client.rack_generation() == 3:
                raise ConvoxConfigError('v3 racks have %s resources only (the rack answers "rack resource type unknown: %s"); '
                                        'databases, caches and other resources of v3 apps are declared in their convox.yml'
                                        % (V3_KIND, kind))
        if apps:
            self.check_links(kind)

    def check_links(self, kind):
        self.refuse_on_v3('link resources to apps', 'leave apps out, or empty, there')
        if kind != LINKABLE_KIND:
            raise ConvoxConfigError('v2 racks link only %s resources to apps; resource %s is a %s (the rack has no link strategy for it)'
                                    % (LINKABLE_KIND, self.name, kind))

    def check_update(self, resource, changed_keys):
        self.refuse_on_v3('change a resource', 'delete resource %s and create it again with the new parameters' % self.name)
        if resource.get('type') == V3_KIND and 'Url' in changed_keys:
            raise ConvoxConfigError('v2 racks keep the Url of a webhook when it is updated; delete resource %s and create it again '
                                    'with the new Url' % self.name)


def compared_parameters(parameters):
    return dict((key, value) for key, value in (parameters or {}).items() if key not in WRITE_ONLY_PARAMETERS)


def present(module, state, task, resource):
    p = module.params
    name = p['name']
    updates = dict(kind=p['kind'], apps=p['apps'])
    if p['parameters'] is not None:
        updates['parameters'] = MapUpdate(compared_parameters(p['parameters']))
    plan = state.plan(resource, updates)
    kind = p['kind'] if resource is None else resource.get('type')
    if resource is None and not kind:
        raise ConvoxConfigError('kind is needed to create resource %s' % name)
    if resource is not None and p['kind'] and p['kind'] != kind:
        raise ConvoxConfigError('resource %s is a %s, not a %s: a resource cannot change its kind; delete it first' % (name, kind, p['kind']))
    current_apps = linked_apps(resource)
    wanted_apps = plan.desired.get('apps', current_apps)
    to_link = [app for app in wanted_apps if app not in current_apps]
    to_unlink = [app for app in current_apps if app not in wanted_apps]
    changed_keys = []
    if resource is not None and plan.differs('parameters'):
        change = plan.changes['parameters']
        changed_keys = change.added + change.changed
    # Every refusal comes before the first write (and in check mode too).
    if resource is None:
        task.check_create(kind, to_link)
    else:
        if changed_keys:
            task.check_update(resource, changed_keys)
        if to_link or to_unlink:
            task.check_links(kind)
    if not plan.changed:
        return resource
    client = task.client
    created = None
    if resource is None:
        created = task.write(client.system_resource_create, kind, name, p['parameters'])
    elif changed_keys:
        task.write(client.system_resource_update, name, dict((key, plan.desired['parameters'][key]) for key in changed_keys))
    for app in to_link:
        task.write(client.system_resource_link, name, app)
    for app in to_unlink:
        task.write(client.system_resource_unlink, name, app)
    if module.check_mode:
        return resource
    if task.writes == 1 and resource_status(created) == RUNNING:
        # v3 answers a create with the resource, running: nothing to wait for.
        resource = created
    elif p['wait']:
        resource = task.wait_running()
    else:
        return task.read()
    state.verify(resource, 'resource %s' % name)
    return resource


def absent(module, state, task, resource):
    p = module.params
    name = p['name']
    state.plan(resource, dict(apps=p['apps'] if p['apps'] == [] else None), present=False)
    if resource is None:
        return
    linked = linked_apps(resource)
    if linked and p['apps'] != []:
        raise ConvoxConfigError('resource %s is linked to %s, and racks do not delete a linked resource: unlink them first, '
                                'or set apps: [] in this task to unlink and delete it' % (name, ', '.join(linked)))
    for app in linked:
        task.write(task.client.system_resource_unlink, name, app)
    task.write(task.client.system_resource_delete, name)
    if p['wait'] and not module.check_mode:
        task.wait_gone()


def main():
    module = ConvoxModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            kind=dict(type='str', aliases=['type']),
            parameters=dict(type='dict'),
            apps=dict(type='list', elements='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        wait=True,
        secret_params=given_secrets,
        supports_check_mode=True,
    )
    p = module.params
    state = DesiredState(module, FIELDS)
    with module.api_errors(state.facts):
        check_name('resource', p['name'])
        if p['kind'] is not None and not p['kind'].strip():
            # Not a kind to compare: the plan would see a change that no write makes.
            raise ConvoxConfigError('kind must not be empty; leave it out to keep the kind the resource has')
        for app in p['apps'] or ():
            check_name('app', app)
        task = ResourceTask(module, state)
        resource = task.read()
        if p['state'] == 'present':
            resource = present(module, state, task, resource)
        else:
            absent(module, state, task, resource)
            resource = resource if module.check_mode else None
        if resource is not None:
            state.facts['resource'] = snake_keys(resource)
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
