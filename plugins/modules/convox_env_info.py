#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_env_info
short_description: Read the environment variables of a Convox app
version_added: 1.0.0
description:
  - Returns the environment of an app's B(latest) release - the one C(convox env) shows and the next environment
    change builds on, which is not necessarily the active one - or of a given O(release).
  - Variables listed in the app's env mask (the app config C(cli-env-mask) that C(convox env mask set) and
    O(convox.convox.convox_env#module:masked_keys) keep) are returned as V(****), as C(convox env) shows them, unless
    O(reveal=true). RV(masked_keys) names them, so that V(****) is never taken for a value.
  - Two requests (the release and the mask), whatever O(keys) asks for; one with O(reveal=true), or when there is no
    variable to return.
  - B(The result holds the values, which are often secrets) - the mask is the CLI's display list, not access
    control. Use C(no_log) on the task (and on any task that shows them) when the output may be seen or logged.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app to read.
    type: str
    required: true
  release:
    description:
      - The release to read, for example the active one (C(app.release) from M(convox.convox.convox_app_info)).
        By default the latest release.
    type: str
  keys:
    description:
      - Return only these variables. Names that are not set are left out of RV(env).
    type: list
    elements: str
  reveal:
    description:
      - Return the values of masked variables too, as C(convox env --reveal) shows them, without reading the mask.
      - By default the values of the variables in the app's env mask are V(****).
    type: bool
    default: false
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
notes:
  - A missing app or release fails the task.
  - The mask is the app's current one, whatever O(release) is read. A missing mask, or a rack without app configs
    (v2 racks, v3 racks before 3.19.7), masks nothing; any other failure to read it fails the task, so that values are
    never shown because the mask could not be read.
seealso:
  - module: convox.convox.convox_env
  - plugin: convox.convox.convox_env
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Read the environment of an app
  convox.convox.convox_env_info:
    app: myapp
  register: myapp_env
  no_log: true

- name: Fail when a variable is missing
  ansible.builtin.assert:
    that: "'DATABASE_URL' in myapp_env.env"
    quiet: true

- name: Read the app, for its active release
  convox.convox.convox_app_info:
    name: myapp
  register: myapp

- name: Read two variables of the active release
  convox.convox.convox_env_info:
    app: myapp
    release: "{{ myapp.app.release }}"
    keys: [LOG_LEVEL, WORKERS]
  register: live_settings

- name: Read the real value of a masked variable
  convox.convox.convox_env_info:
    app: myapp
    keys: [DATABASE_URL]
    reveal: true
  register: database
  no_log: true
"""

RETURN = r"""
env:
  description:
    - The environment variables, names to values, as the release holds them - those of RV(masked_keys) as V(****).
    - Sensitive - see the description.
  returned: always
  type: dict
  sample: {"LOG_LEVEL": "info", "WORKERS": "4", "DATABASE_URL": "****"}
masked_keys:
  description:
    - The variables of RV(env) whose values are V(****) because the app's env mask lists them. Empty with O(reveal=true).
  returned: always
  type: list
  elements: str
  sample: [DATABASE_URL]
release:
  description: The release read. Null when the app has no release yet (its environment is then empty).
  returned: always
  type: str
  sample: RABCDEFGHIJ
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._env import read_returned_env
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._wire import check_env_key, check_name


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            release=dict(type='str'),
            keys=dict(type='list', elements='str', no_log=False),
            reveal=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False)
    with module.api_errors(result):
        check_name('app', p['app'])
        if p['release'] is not None:
            check_name('release', p['release'])
        keys = None if p['keys'] is None else [check_env_key(key) for key in p['keys']]
        read = read_returned_env(module.client, p['app'], p['release'], keys, reveal=p['reveal'])
        result.update(env=read.env, masked_keys=read.masked_keys, release=read.release_id)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
