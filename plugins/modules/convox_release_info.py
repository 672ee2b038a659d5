#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_release_info
short_description: List a Convox app's releases, or read one or the active one
version_added: 1.0.0
description:
  - Without O(id) or O(active), returns the app's newest releases, newest first, as C(convox releases) lists them.
  - With O(id), returns that release and whether it exists - a missing release is not a failure.
  - With O(active=true), returns the release the app runs (C(exists=false) before the app's first deploy).
  - Environment values are secrets and are never returned - each release carries the names of its variables
    (C(env_keys)); read values with M(convox.convox.convox_env_info).
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app.
    type: str
    required: true
  id:
    description:
      - The release to read. It is looked for among the app's newest 100 releases first (v3 racks answer a missing
        release id with a server error), then read alone.
    type: str
  active:
    description:
      - Read the app's active release.
    type: bool
    default: false
  limit:
    description:
      - How many of the newest releases to list (without O(id) and O(active)).
    type: int
    default: 10
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_release
"""

EXAMPLES = r"""
- name: The active release
  convox.convox.convox_release_info:
    app: myapp
    active: true
  register: active

- name: The newest three releases
  convox.convox.convox_release_info:
    app: myapp
    limit: 3
  register: recent

- name: Which builds they deploy
  ansible.builtin.debug:
    msg: "{{ recent.releases | map(attribute='build') | list }}"
"""

RETURN = r"""
releases:
  description: The app's newest releases, newest first. See RV(release) for the fields.
  returned: when neither O(id) nor O(active) is given
  type: list
  elements: dict
release:
  description: The release, as the rack reports it, without its environment values.
  returned: when O(id) or O(active) is given and the release exists
  type: dict
  contains:
    id:
      description: The release id.
      type: str
      sample: RABCDEFGHIJ
    build:
      description: The build it deploys (empty for a release made by an environment change before any build).
      type: str
    env_keys:
      description: The names of its environment variables.
      type: list
      elements: str
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
exists:
  description: Whether the release exists (for O(active), whether the app has an active release).
  returned: when O(id) or O(active) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._releases import RELEASE_LOOKBACK, without_env_values
from ansible_collections.convox.convox.plugins.module_utils._state import find_listed
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def shown(release):
    return snake_keys(without_env_values(release))


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            id=dict(type='str'),
            active=dict(type='bool', default=False),
            limit=dict(type='int', default=10),
        ),
        supports_check_mode=True,
        mutually_exclusive=[('id', 'active')],
    )
    p = module.params
    app = p['app']
    if p['limit'] < 1:
        module.fail_json(msg='limit must be 1 or more')
    result = dict(changed=False)
    with module.api_errors(result):
        check_name('app', app)
        client = module.client
        if p['id'] is None and not p['active']:
            result['releases'] = [shown(release) for release in client.release_list(app, limit=p['limit'])]
        else:
            release = None
            if p['active']:
                active_id = client.app_get(app).get('release')
                if active_id:
                    # The app runs it, so it exists: read it alone.
                    release = client.release_get(app, active_id)
            else:
                wanted = check_name('release', p['id'])
                release = find_listed(client.release_list(app, limit=RELEASE_LOOKBACK), wanted, RELEASE_LOOKBACK,
                                      client.release_get, app, wanted)
            result['exists'] = release is not None
            if release is not None:
                result['release'] = shown(release)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
