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
  - One request, whatever O(keys) asks for.
  - B(The result holds the values, which are often secrets.) Use C(no_log) on the task (and on any task that shows
    them) when the output may be seen or logged.
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
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
notes:
  - A missing app or release fails the task.
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
"""

RETURN = r"""
env:
  description:
    - The environment variables, names to values, as the release holds them.
    - Sensitive - see the description.
  returned: always
  type: dict
  sample: {"LOG_LEVEL": "info", "WORKERS": "4"}
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

from ansible_collections.convox.convox.plugins.module_utils._env import latest_release, read_release, returned_env
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._wire import check_env_key, check_name


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            release=dict(type='str'),
            keys=dict(type='list', elements='str', no_log=False),
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
        client = module.client
        if p['release'] is None:
            release = latest_release(client, p['app'])
        else:
            release = read_release(client, p['app'], p['release'])
        result.update(env=returned_env(release, keys), release=release['id'] if release else None)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
