#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_app_config
short_description: Set a Convox app config
version_added: 1.0.0
description:
  - Makes sure an app config - a named value the rack keeps beside an app, such as the Convox CLI's env mask
    C(cli-env-mask) - holds the given value.
  - The value is text; the base64 encoding the rack expects on the wire is done for you, and the rack's decoded
    value is what is compared, so a re-run with the same value sends no write.
  - App configs exist on v3 racks from version 3.19.7; on other racks the task fails and says so.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app the config belongs to. It must exist.
    type: str
    required: true
  name:
    description:
      - The config name - lowercase letters, digits, C(-) and C(.) (the rack stores it as the Kubernetes Secret C(cfg-<name>)).
    type: str
    required: true
  value:
    description:
      - The text the config holds. An empty string is a value like any other.
      - Always treated as a secret - never shown in the result, the diff, warnings or logs - since configs can hold
        secrets and Ansible cannot unmask an option per task. Read a config that is not secret with
        M(convox.convox.convox_api) (C(GET /apps/<app>/configs/<name>)).
    type: str
    required: true
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
notes:
  - The rack has no call to delete an app config, so the module has no O(ignore:state) option; a config goes away
    with its app. Set an empty value to clear one.
  - "The diff shows the value as C(<hidden>), and as C(<hidden: old value>) and C(<hidden: new value>) when it changes."
seealso:
  - module: convox.convox.convox_app
  - module: convox.convox.convox_api
"""

EXAMPLES = r"""
- name: Mask two env keys in `convox env` output, as `convox env mask set` does
  convox.convox.convox_app_config:
    app: myapp
    name: cli-env-mask
    value: "API_TOKEN,DATABASE_URL"

- name: Keep a value beside the app
  convox.convox.convox_app_config:
    app: myapp
    name: release-notes-url
    value: https://wiki.example.com/myapp/releases
"""

RETURN = r"""
config:
  description: The config, without its value. Absent in check mode before it is created.
  returned: when the config exists
  type: dict
  contains:
    app:
      description: The app.
      type: str
      sample: myapp
    name:
      description: The config name.
      type: str
      sample: cli-env-mask
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field, read_or_none
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name

FIELDS = [Field('value', secret=True)]


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            name=dict(type='str', required=True),
            value=dict(type='str', required=True, no_log=True),
        ),
        supports_check_mode=True,
    )
    p = module.params
    app, name = p['app'], p['name']
    state = DesiredState(module, FIELDS)
    with module.api_errors(state.facts):
        check_name('app', app)
        check_name('config', name)
        client = module.client
        current = read_or_none(client.app_config_get, app, name)
        if current is not None:
            module.register_secrets([current.get('value')])
        plan = state.plan(current, dict(value=p['value']))
        if plan.action == 'create':
            # The rack reads a missing app's configs as missing ones; only the write would fail. Ask first,
            # so that check mode does not predict a change that cannot happen.
            client.app_get(app)
        if plan.action is not None:
            state.write(client.app_config_set, app, name, p['value'])
            if not module.check_mode:
                written = client.app_config_get(app, name)
                module.register_secrets([written.get('value')])
                state.verify(written, 'config %s of app %s' % (name, app))
                current = written
        if current is not None:
            state.facts['config'] = dict(app=app, name=name)
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
