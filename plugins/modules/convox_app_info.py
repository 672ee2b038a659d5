#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_app_info
short_description: List Convox apps, or read one
version_added: 1.0.0
description:
  - Without O(name), returns every app of the rack, sorted by name, as C(convox apps) lists them.
  - With O(name), returns that app and whether it exists - a missing app is not a failure.
author:
  - Convox collection maintainers (@convox-community)
options:
  name:
    description:
      - The app to read.
    type: str
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_app
"""

EXAMPLES = r"""
- name: List the apps of the rack
  convox.convox.convox_app_info:
  register: rack_apps

- name: Names of the apps that are not running
  ansible.builtin.debug:
    msg: "{{ rack_apps.apps | rejectattr('status', 'eq', 'running') | map(attribute='name') | list }}"

- name: Read one app
  convox.convox.convox_app_info:
    name: myapp
  register: myapp

- name: Create it only where it is missing
  convox.convox.convox_app:
    name: myapp
  when: not myapp.exists
"""

RETURN = r"""
apps:
  description: Every app of the rack, sorted by name. See RV(app) for the fields.
  returned: when O(name) is not given
  type: list
  elements: dict
app:
  description: The app, as the rack reports it.
  returned: when O(name) is given and the app exists
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
exists:
  description: Whether the app exists.
  returned: when O(name) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._state import read_or_none
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def main():
    module = ConvoxModule(argument_spec=dict(name=dict(type='str')), supports_check_mode=True)
    name = module.params['name']
    result = dict(changed=False)
    with module.api_errors(result):
        if name is None:
            result['apps'] = snake_keys(module.client.app_list())
        else:
            check_name('app', name)
            app = read_or_none(module.client.app_get, name)
            result['exists'] = app is not None
            if app is not None:
                result['app'] = snake_keys(app)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
