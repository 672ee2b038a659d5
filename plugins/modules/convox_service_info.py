#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_service_info
short_description: List the services of a Convox app, or read one, with the health of their processes
version_added: 1.0.0
description:
  - Returns the services of an app's active release, as C(convox scale) lists them, each with how many of its processes
    are in each status (C(running), C(pending), ...).
  - With O(name), returns that service and whether it exists - a service missing from the active release (or an app without
    one) is not a failure. A missing app is.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app whose services to read.
    type: str
    required: true
  name:
    description:
      - The service to read.
    type: str
    aliases: [service]
  process_counts:
    description:
      - Whether to read the app's processes (one more request) to count each service's processes by status.
    type: bool
    default: true
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_service
"""

EXAMPLES = r"""
- name: Read the services of an app
  convox.convox.convox_service_info:
    app: myapp
  register: services

- name: Services that do not run all their processes
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.process_counts.running }}/{{ item.count }} running"
  loop: "{{ services.services }}"
  when: item.process_counts.running != item.count

- name: Read one service
  convox.convox.convox_service_info:
    app: myapp
    name: web
  register: web

- name: Fail unless every web process is running
  ansible.builtin.assert:
    that: web.exists and web.service.process_counts.running == web.service.count
"""

RETURN = r"""
services:
  description: The services of the app's active release, sorted by name (empty before the first deploy). See RV(service) for the fields.
  returned: when O(name) is not given
  type: list
  elements: dict
service:
  description: The service as the rack reports it. Keys with C(-) are spelled with C(_).
  returned: when O(name) is given and the service exists
  type: dict
  contains:
    name:
      description: The service name.
      type: str
      sample: web
    count:
      description: How many processes the service runs.
      type: int
      sample: 2
    cpu:
      description: The CPU each process requests, in millicores.
      type: int
      sample: 250
    memory:
      description: The memory each process requests, in MiB.
      type: int
      sample: 512
    min:
      description: The lower end of the scale range (v3).
      type: int
    max:
      description: The upper end of the scale range (v3).
      type: int
    gpu:
      description: The GPUs each process requests (v3).
      type: int
    gpu_vendor:
      description: The GPU vendor, empty without GPUs (v3).
      type: str
    domain:
      description: The service's host name.
      type: str
    ports:
      description: The service's ports - C(balancer), C(certificate), C(container).
      type: list
      elements: dict
    autoscale:
      description: The autoscale state, when the service autoscales (v3).
      type: dict
    scale_override_active:
      description: Whether the console's scale override is on (v3 3.24.6 and later).
      type: bool
    triggers_override_active:
      description: Whether the console's autoscale trigger override is on (v3 3.24.6 and later).
      type: bool
    process_counts:
      description:
        - How many of the processes named after the service are in each status, one-off processes included (as
          C(convox scale) counts them), and C(total). Every v3 status is a key (V(0) when none); other statuses a rack
          reports are added.
      returned: when O(process_counts=true)
      type: dict
      sample: {"running": 2, "pending": 1, "starting": 0, "unhealthy": 0, "crashed": 0, "complete": 0, "failed": 0, "unknown": 0, "total": 3}
exists:
  description: Whether the service is in the app's active release.
  returned: when O(name) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._services import process_counts
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            name=dict(type='str', aliases=['service']),
            process_counts=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False)
    with module.api_errors(result):
        app_name = check_name('app', p['app'])
        if p['name'] is not None:
            check_name('service', p['name'])
        client = module.client
        services = sorted(client.service_list(app_name), key=lambda service: service.get('name') or '')
        if p['name'] is not None:
            services = [service for service in services if service.get('name') == p['name']]
        # No process read when there is no service to count them for.
        processes = client.process_list(app_name, service=p['name']) if p['process_counts'] and services else []
        shown = []
        for service in services:
            entry = snake_keys(service)
            if p['process_counts']:
                entry['process_counts'] = process_counts(processes, service.get('name'))
            shown.append(entry)
        if p['name'] is None:
            result['services'] = shown
        else:
            result['exists'] = bool(shown)
            if shown:
                result['service'] = shown[0]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
