#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_system_info
short_description: Read a Convox rack's information and capacity
version_added: 1.0.0
description:
  - Returns what C(convox rack) shows about a rack - name, version, provider, status, domains and parameters -
    together with the rack's capacity and, on request, the rack's own processes.
  - Works with racks reached directly and with racks reached through a console.
author:
  - Convox collection maintainers (@convox-community)
options:
  capacity:
    description:
      - Also read the rack's capacity (C(GET /system/capacity)) and return it as RV(capacity).
    type: bool
    default: true
  processes:
    description:
      - Also list the rack's own processes (C(GET /system/processes)) and return them as RV(processes).
      - With V(all), include the processes of every app.
    type: str
    choices: [none, rack, all]
    default: none
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_api
"""

EXAMPLES = r"""
- name: Read the rack through the console, with a deploy key from the environment
  convox.convox.convox_system_info:
    rack: acme/production
  register: rack_info

- name: Fail early when the rack is not on the expected version
  ansible.builtin.assert:
    that: rack_info.system.version is version('3.20.0', '>=')

- name: Talk to a rack directly with its own CA certificate, and list its processes
  convox.convox.convox_system_info:
    host: https://api.rack.example.com:5443
    api_key: "{{ vault_rack_password }}"
    ca_path: /etc/convox/rack-ca.pem
    capacity: false
    processes: rack
  register: rack_processes
"""

RETURN = r"""
system:
  description: The rack, with C(-) in key names turned into C(_).
  returned: success
  type: dict
  contains:
    name:
      description: The rack name.
      type: str
      sample: production
    version:
      description: The rack version - a semantic version on v3 racks, a date-style one on v2 racks.
      type: str
      sample: 3.21.4
    provider:
      description: The cloud provider.
      type: str
      sample: aws
    status:
      description: The rack status.
      type: str
      sample: running
    domain:
      description: The router domain.
      type: str
      sample: router.0a1b2c3d.convox.cloud
    rack_domain:
      description: The rack API domain.
      type: str
      sample: api.0a1b2c3d.convox.cloud
    router_internal:
      description: The internal router domain (v3 racks only).
      type: str
      returned: when the rack reports it
    region:
      description: The cloud region (empty on v3 Kubernetes racks).
      type: str
    count:
      description: The instance count (V(0) on v3 Kubernetes racks).
      type: int
    type:
      description: The instance type (empty on v3 Kubernetes racks).
      type: str
    parameters:
      description: The rack parameters, keys as the rack spells them.
      type: dict
      returned: when the rack reports them
    outputs:
      description: The rack outputs, keys as the rack spells them.
      type: dict
      returned: when the rack reports them
capacity:
  description: The rack capacity. CPU in millicores, memory in units of 10^6 bytes.
  returned: when O(capacity=true)
  type: dict
  contains:
    cluster_cpu:
      description: CPU of the whole cluster.
      type: int
    cluster_gpu:
      description: GPUs of the whole cluster.
      type: int
    cluster_memory:
      description: Memory of the whole cluster.
      type: int
    process_count:
      description: Running processes.
      type: int
    process_cpu:
      description: CPU requested by processes.
      type: int
    process_gpu:
      description: GPUs requested by processes.
      type: int
    process_memory:
      description: Memory requested by processes.
      type: int
processes:
  description: The rack's processes, as C(convox rack ps) shows them, with C(-) in key names turned into C(_).
  returned: when O(processes) is not V(none)
  type: list
  elements: dict
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys


def main():
    module = ConvoxModule(
        argument_spec=dict(
            capacity=dict(type='bool', default=True),
            processes=dict(type='str', choices=['none', 'rack', 'all'], default='none'),
        ),
        supports_check_mode=True,
    )
    result = dict(changed=False)
    with module.api_errors(result):
        client = module.client
        result['system'] = snake_keys(client.system_get())
        if module.params['capacity']:
            result['capacity'] = snake_keys(client.system_capacity())
        if module.params['processes'] != 'none':
            result['processes'] = snake_keys(client.system_processes(all=module.params['processes'] == 'all'))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
