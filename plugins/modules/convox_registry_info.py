#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_registry_info
short_description: List a Convox rack's private registry credentials, passwords masked
version_added: 1.0.0
description:
  - Without O(server), returns every registry the rack holds credentials for, sorted by server, as
    C(convox registries) lists them.
  - With O(server), returns that registry and whether it exists - a missing registry is not a failure.
  - The rack answers with every password in clear; the module never returns one. RV(registry.password) is
    V(********) for a registry with a password and empty for one without.
author:
  - Convox collection maintainers (@convox-community)
options:
  server:
    description:
      - The registry server to read, exactly as the rack lists it.
    type: str
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_registry
"""

EXAMPLES = r"""
- name: List the registries of the rack
  convox.convox.convox_registry_info:
  register: rack_registries

- name: Show their servers and users
  ansible.builtin.debug:
    msg: "{{ rack_registries.registries | items2dict(key_name='server', value_name='username') }}"

- name: Fail when the registry the builds need is missing
  convox.convox.convox_registry_info:
    server: registry.example.com
  register: company_registry
  failed_when: not company_registry.exists
"""

RETURN = r"""
registries:
  description: Every registry of the rack, sorted by server. See RV(registry) for the fields.
  returned: when O(server) is not given
  type: list
  elements: dict
registry:
  description: The registry.
  returned: when O(server) is given and the registry exists
  type: dict
  contains:
    server:
      description: The registry server.
      type: str
      sample: registry.example.com
    username:
      description: The user name.
      type: str
      sample: ci-puller
    password:
      description: V(********) when the rack holds a password for it (never the password), else empty.
      type: str
      sample: "********"
exists:
  description: Whether the registry exists.
  returned: when O(server) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._errors import REDACTED
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule


def masked(registry):
    return dict(server=registry.get('server'), username=registry.get('username'),
                password=REDACTED if registry.get('password') else '')


def main():
    module = ConvoxModule(argument_spec=dict(server=dict(type='str')), supports_check_mode=True)
    server = module.params['server']
    result = dict(changed=False)
    with module.api_errors(result):
        registries = module.client.registry_list()
        module.register_secrets(registry.get('password') for registry in registries)
        if server is None:
            result['registries'] = [masked(registry) for registry in registries]
        else:
            found = next((registry for registry in registries if registry.get('server') == server), None)
            result['exists'] = found is not None
            if found is not None:
                result['registry'] = masked(found)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
