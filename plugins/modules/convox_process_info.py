#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_process_info
short_description: List the processes of a Convox app, or read one
version_added: 1.0.0
description:
  - Without O(id), returns the app's processes as C(convox ps) lists them - service processes, one-off processes and
    builder processes - optionally only those of a O(service) or a O(release).
  - With O(id), returns that process and whether it exists. A process that is gone is not a failure (v3 racks
    answer C(500 pods "<id>" not found) for it; ended one-off processes are deleted a few seconds after they end).
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
      - The process to read.
    type: str
  service:
    description:
      - Only the processes of this service.
    type: str
  release:
    description:
      - Only the processes running this release.
    type: str
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_process
  - module: convox.convox.convox_logs_info
"""

EXAMPLES = r"""
- name: The processes of the web service
  convox.convox.convox_process_info:
    app: myapp
    service: web
  register: web

- name: How many are running
  ansible.builtin.debug:
    msg: "{{ web.processes | selectattr('status', 'eq', 'running') | list | length }} running"

- name: Has a detached one-off finished?
  convox.convox.convox_process_info:
    app: myapp
    id: "{{ reindex.process.id }}"
  register: reindex_state
  until: not reindex_state.exists or reindex_state.process.status in ['complete', 'failed']
  retries: 60
  delay: 5
"""

RETURN = r"""
processes:
  description: The processes, sorted by id as the rack sorts them. See RV(process) for the fields.
  returned: when O(id) is not given
  type: list
  elements: dict
process:
  description: The process, as the rack reports it.
  returned: when O(id) is given and the process exists
  type: dict
  contains:
    id:
      description: The process id (on v3 racks the pod name).
      type: str
      sample: web-6c5d8cf9b-x2x7q
    app:
      description: The app.
      type: str
    name:
      description: The service.
      type: str
      sample: web
    command:
      description: The process's command.
      type: str
    release:
      description: The release it runs.
      type: str
      sample: RABCDEFGHIJ
    status:
      description: The status - V(pending), V(starting), V(running), V(unhealthy), V(crashed), V(complete), V(failed) or V(unknown).
      type: str
      sample: running
    cpu:
      description: The CPU reserved, in millicores.
      type: float
    memory:
      description: The memory reserved, in MiB.
      type: float
    started:
      description: When it started (RFC 3339).
      type: str
    host:
      description: The process's IP address.
      type: str
    image:
      description: The image it runs.
      type: str
    instance:
      description: The node it runs on.
      type: str
    ports:
      description: Its ports.
      type: list
      elements: str
exists:
  description: Whether the process exists.
  returned: when O(id) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            id=dict(type='str'),
            service=dict(type='str'),
            release=dict(type='str'),
        ),
        mutually_exclusive=[('id', 'service'), ('id', 'release')],
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False)
    with module.api_errors(result):
        check_name('app', p['app'])
        client = module.client
        if p['id'] is None:
            result['processes'] = snake_keys(client.process_list(p['app'], service=p['service'], release=p['release']))
        else:
            check_name('process', p['id'])
            process = client.process_find(p['app'], p['id'])
            result['exists'] = process is not None
            if process is not None:
                result['process'] = snake_keys(process)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
