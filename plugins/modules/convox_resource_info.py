#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_resource_info
short_description: List the resources of a Convox rack or app, or read one
version_added: 1.0.0
description:
  - Without O(app), returns the rack's own (system) resources, as C(convox rack resources) lists them - webhooks on
    v3 racks, CloudFormation resources on v2 racks.
  - With O(app), returns the resources of that app's active release (the C(resources) of its C(convox.yml)), as
    C(convox resources) lists them. An app without an active release has none.
  - With O(name), returns that resource and whether it exists - a missing resource is not a failure.
  - Resource URLs carry the credentials apps use to reach the resource, and are returned as they are; set C(no_log)
    on the task, or keep the registered variable out of logs.
author:
  - Convox collection maintainers (@convox-community)
options:
  name:
    description:
      - The resource to read.
    type: str
  app:
    description:
      - Read the resources of this app instead of the rack's.
    type: str
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_resource
"""

EXAMPLES = r"""
- name: List the rack's resources
  convox.convox.convox_resource_info:
  register: rack_resources

- name: Does the deploy webhook exist?
  convox.convox.convox_resource_info:
    name: deploy-events
  register: hook

- name: The database URL of an app, for another system
  convox.convox.convox_resource_info:
    app: myapp
    name: database
  register: database
  no_log: true
"""

RETURN = r"""
resources:
  description: The resources, sorted by name. See RV(resource) for the fields.
  returned: when O(name) is not given
  type: list
  elements: dict
resource:
  description: The resource, as the rack reports it.
  returned: when O(name) is given and the resource exists
  type: dict
  contains:
    name:
      description: The resource name.
      type: str
      sample: database
    type:
      description: The kind of resource, for example V(webhook), V(postgres), V(rds-postgres).
      type: str
      sample: postgres
    status:
      description: The resource status, for example V(running), V(pending), V(external) (app resources overridden by the
        app's environment) or, on v2 racks, V(creating), V(updating), V(failed). v2 racks report none for app resources.
      type: str
      sample: running
    url:
      description: How apps reach the resource, with its credentials.
      type: str
      sample: postgres://app:0123456789abcdef@resource-database.rack-myapp.svc.cluster.local:5432/app?sslmode=disable
    parameters:
      description: The parameters of a rack resource.
      type: dict
      returned: for rack resources that have parameters
    apps:
      description: The apps a rack resource is linked to (v2 syslogs; only when read by name).
      type: list
      elements: dict
      returned: when the resource is linked to apps
exists:
  description: Whether the resource exists.
  returned: when O(name) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._api_resources import NO_RELEASE_TEXT
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxServerError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._state import read_or_none
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def app_resources(client, app):
    """The app's resources; none before its first deploy (the rack answers 500 ``no release for app``)."""
    try:
        return client.app_resource_list(app)
    except ConvoxServerError as error:
        if (error.message or '').startswith(NO_RELEASE_TEXT):
            return []
        raise


def main():
    module = ConvoxModule(
        argument_spec=dict(
            name=dict(type='str'),
            app=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    name, app = p['name'], p['app']
    result = dict(changed=False)
    with module.api_errors(result):
        if name is not None:
            check_name('resource', name)
        if app is not None:
            check_name('app', app)
        client = module.client
        if app is not None:
            # One list read serves both: a missing name is an untyped 500 in each generation's own words.
            resources = sorted(app_resources(client, app), key=lambda resource: resource.get('name') or '')
        elif name is None:
            resources = sorted(client.system_resource_list(), key=lambda resource: resource.get('name') or '')
        else:
            resources = [resource for resource in [read_or_none(client.system_resource_get, name)] if resource is not None]
        if name is None:
            result['resources'] = snake_keys(resources)
        else:
            found = [resource for resource in resources if resource.get('name') == name]
            result['exists'] = bool(found)
            if found:
                result['resource'] = snake_keys(found[0])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
