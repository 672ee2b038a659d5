#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_instance_info
short_description: List a Convox rack's instances (its nodes) with their capacity
version_added: 1.0.0
description:
  - Without O(id), returns every instance of the rack, sorted by id, as C(convox instances) lists them - on v3 racks
    the Kubernetes nodes with their capacity, what is allocatable to processes and what their processes use; on v2
    racks the ECS instances.
  - With O(id), returns that instance and whether it exists - a missing instance is not a failure.
author:
  - Convox collection maintainers (@convox-community)
options:
  id:
    description:
      - The instance to read (a node name on v3 racks, an EC2 instance id on v2 racks).
    type: str
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_system_info
"""

EXAMPLES = r"""
- name: List the nodes of the rack
  convox.convox.convox_instance_info:
  register: nodes

- name: CPU left to allocate, node by node (v3)
  ansible.builtin.debug:
    msg: "{{ item.id }}: {{ item.cpu_allocatable - item.cpu }} of {{ item.cpu_capacity }} CPUs free, {{ item.processes }} processes"
  loop: "{{ nodes.instances }}"

- name: Wait for a new node to be ready (v3 racks say running, v2 racks active)
  convox.convox.convox_instance_info:
  register: nodes
  until: nodes.instances | selectattr('status', 'eq', 'pending') | list | length == 0
  retries: 30
  delay: 10
"""

RETURN = r"""
instances:
  description: Every instance of the rack, sorted by id. See RV(instance) for the fields.
  returned: when O(id) is not given
  type: list
  elements: dict
instance:
  description: The instance, with C(-) in key names turned into C(_).
  returned: when O(id) is given and the instance exists
  type: dict
  contains:
    id:
      description: The instance id - the node name on v3 racks, the EC2 instance id on v2 racks.
      type: str
      sample: ip-10-0-1-23.ec2.internal
    status:
      description: V(running) or V(pending) on v3 racks (Ready or not); V(active), V(pending) or V(draining) on v2 racks.
      type: str
      sample: running
    agent:
      description: Whether the Convox agent runs on it (v2).
      type: bool
    cpu:
      description: CPU in use - cores on v3 racks, the fraction of the instance's CPU units reserved on v2 racks.
      type: float
      sample: 0.25
    memory:
      description: Memory in use - MiB on v3 racks, the fraction of the instance's memory reserved on v2 racks.
      type: float
      sample: 512.0
    cpu_capacity:
      description: CPU cores of the node (v3).
      type: float
      sample: 2.0
    cpu_allocatable:
      description: CPU cores processes may request on the node (v3).
      type: float
      sample: 1.93
    memory_capacity:
      description: Memory of the node, MiB (v3).
      type: float
      sample: 7859.0
    memory_allocatable:
      description: Memory processes may request on the node, MiB (v3).
      type: float
      sample: 7121.0
    gpu_capacity:
      description: GPUs of the node (v3).
      type: int
      sample: 0
    gpu_allocatable:
      description: GPUs processes may request on the node (v3).
      type: int
      sample: 0
    processes:
      description: How many processes run on it.
      type: int
      sample: 7
    private_ip:
      description: The private address.
      type: str
      sample: 10.0.1.23
    public_ip:
      description: The public address, empty when it has none.
      type: str
    started:
      description: When it started, as an RFC 3339 time.
      type: str
      sample: "2026-05-01T12:00:00Z"
exists:
  description: Whether the instance exists.
  returned: when O(id) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys


def main():
    module = ConvoxModule(argument_spec=dict(id=dict(type='str')), supports_check_mode=True)
    instance_id = module.params['id']
    result = dict(changed=False)
    with module.api_errors(result):
        instances = snake_keys(module.client.instance_list())
        if instance_id is None:
            result['instances'] = instances
        else:
            found = next((instance for instance in instances if instance.get('id') == instance_id), None)
            result['exists'] = found is not None
            if found is not None:
                result['instance'] = found
    module.exit_json(**result)


if __name__ == '__main__':
    main()
