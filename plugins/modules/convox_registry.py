#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_registry
short_description: Set or remove a Convox rack's credentials for a private Docker registry
version_added: 1.0.0
description:
  - Makes sure the rack holds credentials for a private registry - the registry its builds pull private base images
    from - as C(convox registries add) sets them, or that it holds none for that server (C(convox registries remove)).
  - Racks list their registries with the passwords in clear, so the task compares the password too, without ever
    showing it - in the result, the diff, warnings or logs. A re-run with the same credentials sends no write.
author:
  - Convox collection maintainers (@convox-community)
options:
  server:
    description:
      - The registry host, as docker names it - a host name with an optional port and path, for example
        V(registry.example.com:5000), V(quay.io) or V(index.docker.io/v1/) for Docker Hub.
      - Without a scheme - a C(https://) prefix is refused (the rack's router cannot remove a server holding C(//)).
      - Compared exactly as written - V(quay.io) and V(quay.io/) are two registries.
    type: str
    required: true
  username:
    description:
      - The user name. Required with O(state=present).
      - It cannot contain C(:) - the rack stores C(user:password) and splits it at the first colon.
    type: str
  registry_password:
    description:
      - The registry password or access token. Required with O(state=present). Never shown.
      - Not called C(password) - in this collection C(password) is an alias of O(api_key), the rack credential, and a
        C(password) set in C(module_defaults) for the group would otherwise become the registry's password.
    type: str
  update_password:
    description:
      - V(always) sets O(registry_password) whenever it differs from the one the rack holds (racks return it, so this is
        compared, not re-sent blindly).
      - V(on_create) sets it only when the registry is added; the password of an existing registry is left as it is,
        as M(ansible.builtin.user) does. A changed O(username) still rewrites both, as the rack stores them together.
      - When a rack answers without the password (an empty one), it cannot be compared; then V(always) writes the
        credentials on every run (and reports a change), and V(on_create) leaves them.
    type: str
    choices: [always, on_create]
    default: always
  state:
    description:
      - V(present) adds the registry or updates its credentials; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
notes:
  - >-
    O(registry_password) is compared with the one the rack lists, and every password the rack lists is masked in the task's
    output. The diff shows C(<hidden>) values, C(<hidden: old value>) and C(<hidden: new value>) when the password changes.
  - v2 racks check the credentials against the registry when they are added (the emulator does not); a refusal is the
    rack's error, with nothing changed.
seealso:
  - module: convox.convox.convox_registry_info
"""

EXAMPLES = r"""
- name: Let the rack pull private images from the company registry
  convox.convox.convox_registry:
    server: registry.example.com
    username: ci-puller
    registry_password: "{{ vault_registry_token }}"

- name: Docker Hub credentials, set once - a token rotated on the rack itself is left alone
  convox.convox.convox_registry:
    server: index.docker.io/v1/
    username: acme
    registry_password: "{{ vault_dockerhub_token }}"
    update_password: on_create

- name: Remove an old registry
  convox.convox.convox_registry:
    server: old-registry.example.com
    state: absent
"""

RETURN = r"""
registry:
  description: The registry as the rack holds it after the task, without its password. Absent after O(state=absent),
    and in check mode before it is added.
  returned: when the registry exists
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
password_changed:
  description: Whether the task set (or in check mode would set) a password other than the one the rack held - on
    creation, on a password update, and on a O(username) change that rewrites a different password.
  returned: with O(state=present)
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name

FIELDS = [Field('server'), Field('username'), Field('password', secret=True)]


def public(registry):
    return dict(server=registry['server'], username=registry['username'])


def check_options(params):
    server = params['server']
    if '://' in server:
        raise ConvoxConfigError('give the registry server without a scheme (%s, not %s)' % (server.split('://', 1)[1], server))
    check_name('registry', server)
    username = params['username']
    if username is not None and ':' in username:
        raise ConvoxConfigError("a registry user name cannot contain ':' (the rack stores user:password and splits it at the "
                                "first colon)")
    if params['state'] == 'present' and username == '':
        raise ConvoxConfigError('username must not be empty')
    if params['state'] == 'present' and params['registry_password'] == '':
        raise ConvoxConfigError('registry_password must not be empty')


def main():
    module = ConvoxModule(
        argument_spec=dict(
            server=dict(type='str', required=True),
            username=dict(type='str'),
            registry_password=dict(type='str', no_log=True),
            update_password=dict(type='str', choices=['always', 'on_create'], default='always', no_log=False),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        required_if=[('state', 'present', ('username', 'registry_password'))],
        supports_check_mode=True,
    )
    p = module.params
    server, present = p['server'], p['state'] == 'present'
    state = DesiredState(module, FIELDS)
    with module.api_errors(state.facts):
        check_options(p)
        client = module.client
        registries = client.registry_list()
        # The list carries every registry's password in clear: none of them may reach the output.
        module.register_secrets(registry.get('password') for registry in registries)
        current = next((registry for registry in registries if registry.get('server') == server), None)
        updates = dict(server=server, username=p['username'])
        if present and (current is None or p['update_password'] == 'always'):
            # Compared with the rack's password; one the rack does not show ('') differs, so 'always' writes it.
            updates['password'] = p['registry_password']
        plan = state.plan(current, updates, present=present)
        if plan.action == 'delete':
            state.write(client.registry_remove, server)
        elif plan.action is not None:
            # The rack stores user and password together: a write sets both, whatever update_password says.
            state.facts['password_changed'] = current is None or current.get('password') != p['registry_password']
            answer = state.write(client.registry_add, server, p['username'], p['registry_password'])
            if answer is not None:
                module.register_secrets([answer.get('password')])
                state.verify(answer, 'registry %s' % server)
                current = answer
        if present:
            state.facts.setdefault('password_changed', False)
            if current is not None:
                state.facts['registry'] = public(current)
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
