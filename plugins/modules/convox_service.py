#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_service
short_description: Scale, resize and restart a service of a Convox app
version_added: 1.0.0
description:
  - Makes a service of an app's active release run with the given process count, CPU, memory and GPUs, or scale range,
    as C(convox scale) does, and restarts it as C(convox restart) does.
  - Only the options given are compared with the service as the rack reports it; when something differs, one request
    changes all of it (no release is made - the rack patches the running service in place). Nothing else is sent.
  - The service must be in the app's active release; a deploy (a new release) sets the CPU, memory and GPUs of the
    C(convox.yml) again, and keeps the process count.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app the service belongs to.
    type: str
    required: true
  name:
    description:
      - The service, as named in the app's C(convox.yml).
    type: str
    required: true
    aliases: [service]
  count:
    description:
      - How many processes the service runs, at most 2147483647 (as O(min) and O(max) - Kubernetes counts replicas in 32 bits).
      - Cannot be combined with O(min) or O(max), as C(convox scale) refuses C(--count) with C(--min)/C(--max).
    type: int
  cpu:
    description:
      - The CPU each process requests, in millicores (V(1000) is one CPU).
    type: int
  memory:
    description:
      - The memory each process requests (and is limited to), in MiB.
    type: int
  min:
    description:
      - The lower end of the service's autoscale range. Needs a v3 rack of version 3.24.6 or later.
      - On a service without an autoscaler, the rack sets the process count to O(min) and keeps reporting the
        range of its C(convox.yml), so the task then fails, saying the rack did not apply O(min).
    type: int
  max:
    description:
      - The upper end of the service's autoscale range. Needs a v3 rack of version 3.24.6 or later, and an
        autoscale block (or KEDA) for the service - otherwise the rack refuses it.
    type: int
  gpu:
    description:
      - How many GPUs each process requests. v3 racks only.
    type: int
  gpu_vendor:
    description:
      - The vendor of the GPUs. The rack reads it together with O(gpu) only, so it needs O(gpu), and it is sent
        with O(gpu) whenever either differs (a GPU request without a vendor means V(nvidia) to the rack).
      - Not compared when O(gpu=0).
    type: str
    choices: [nvidia, amd]
  restart:
    description:
      - Restart the service - every process is replaced, one by one, as C(convox restart) does for each service.
      - Always reports a change (a restart is an action, not a state); in check mode nothing is restarted.
      - A restart comes after the scale change when both are asked for.
    type: bool
    default: false
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
attributes:
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change and sends no write request.
    support: partial
    details: A task with O(restart=true) restarts the service every time it runs.
notes:
  - With O(wait), the task waits until the app is C(running) and the service has exactly its count of processes,
    all C(running); after a change of O(cpu), O(memory), O(gpu) or a restart, also until every process that ran before
    is gone (the rack replaces them all). One-off processes (C(convox run)) and timers of the service are not counted
    on v3 racks; v2 racks do not tell them apart, so there every process of the service counts.
  - Nothing is waited for when nothing changed, so that a run that changes nothing costs one request.
  - v2 racks scale O(count), O(cpu) and O(memory) only; O(gpu), O(gpu_vendor), O(min) and O(max) fail there before
    any change, as O(min)/O(max) do on v3 racks older than 3.24.6.
seealso:
  - module: convox.convox.convox_service_info
  - module: convox.convox.convox_app
"""

EXAMPLES = r"""
- name: Run three web processes with half a CPU and 1 GiB each
  convox.convox.convox_service:
    app: myapp
    name: web
    count: 3
    cpu: 500
    memory: 1024
  register: web

- name: Show its processes
  ansible.builtin.debug:
    msg: "{{ web.processes | map(attribute='id') | list }}"

- name: Restart the worker without waiting for it
  convox.convox.convox_service:
    app: myapp
    name: worker
    restart: true
    wait: false

- name: Stop a service's processes (scale it to zero)
  convox.convox.convox_service:
    app: myapp
    name: worker
    count: 0
"""

RETURN = r"""
service:
  description:
    - The service as the rack reports it after the task (before it, in check mode). Keys with C(-) are spelled with C(_).
  returned: success
  type: dict
  contains:
    name:
      description: The service name.
      type: str
      sample: web
    count:
      description: How many processes the service runs.
      type: int
      sample: 3
    cpu:
      description: The CPU each process requests, in millicores.
      type: int
      sample: 500
    memory:
      description: The memory each process requests, in MiB.
      type: int
      sample: 1024
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
      sample: web.myapp.0a1b2c3d4e5f.convox.cloud
    ports:
      description: The service's ports - C(balancer), C(certificate), C(container).
      type: list
      elements: dict
    scale_override_active:
      description: Whether the console's scale override is on (v3 3.24.6 and later).
      type: bool
processes:
  description:
    - The service's processes as the wait last saw them (one-off processes and timers left out on v3 racks).
      See M(convox.convox.convox_service_info) for their fields.
  returned: when the task changed the service and waited
  type: list
  elements: dict
  sample: [{"id": "web-7d9f8c6b5b-x2lqz", "name": "web", "status": "running", "release": "RABCDEFGHIJ"}]
restarted:
  description: Whether the service was restarted (or would be, in check mode).
  returned: when O(restart=true)
  type: bool
last_status:
  description: What the wait saw last when it failed or timed out, for example C(app running, 2 of 3 processes running (1 pending)).
  returned: when a wait failed
  type: str
statuses:
  description: What the wait saw, in order, when it failed or timed out.
  returned: when a wait failed
  type: list
  elements: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._services import Rollout
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def _reported(key):
    """A number the rack may leave out (omitempty, or a generation without it): missing is 0."""
    return lambda service: service.get(key) or 0


FIELDS = [
    Field('count', read=_reported('count'), normalize=int),
    Field('cpu', read=_reported('cpu'), normalize=int),
    Field('memory', read=_reported('memory'), normalize=int),
    Field('min', read=_reported('min'), normalize=int),
    Field('max', read=_reported('max'), normalize=int),
    Field('gpu', read=_reported('gpu'), normalize=int),
    Field('gpu_vendor', read=lambda service: service.get('gpu-vendor') or ''),
]
# Changes that give the service a new pod template, so the rack replaces every process.
REPLACING = ('cpu', 'memory', 'gpu', 'gpu_vendor')
# Services of v2 racks have no gpu field (convox/rack pkg/structs), v3 racks always send it.
V3_ONLY = ('gpu', 'gpu_vendor', 'min', 'max')
# v3 racks send the override flags from 3.24.6 on, the version `convox scale --min/--max` requires.
RANGE_MARKER = 'scale-override-active'
# Replica counts are int32 in Kubernetes (Deployment spec.replicas, KEDA's min/max replica counts).
MAX_REPLICAS = 2 ** 31 - 1


def check_options(module):
    """The refusals of `convox scale`, before any request."""
    p = module.params
    if p['count'] is not None and (p['min'] is not None or p['max'] is not None):
        module.fail_json(msg='count cannot be combined with min or max (convox scale: --min/--max and --count are mutually exclusive)')
    for option, lowest in (('count', 0), ('cpu', 0), ('memory', 0), ('gpu', 0), ('min', 0), ('max', 1)):
        if p[option] is not None and p[option] < lowest:
            module.fail_json(msg='%s must be %d or more' % (option, lowest))
    for option in ('count', 'min', 'max'):
        if p[option] is not None and p[option] > MAX_REPLICAS:
            # The rack converts the count to Kubernetes' 32-bit replica count without a check: a larger one wraps around.
            module.fail_json(msg='%s must be at most %d (a Kubernetes replica count)' % (option, MAX_REPLICAS))
    if p['min'] is not None and p['max'] is not None and p['max'] < p['min']:
        module.fail_json(msg='max must be at least min')


def find_service(client, app_name, name):
    """The service in the app's active release, or a failure naming the services there are."""
    services = client.service_list(app_name)
    for service in services:
        if service.get('name') == name:
            return service
    app = client.app_get(app_name)
    if not app.get('release'):
        raise ConvoxConfigError('app %s has no active release yet, so it has no services: deploy a release with service %s first'
                                % (app_name, name))
    names = sorted(service.get('name') for service in services)
    raise ConvoxConfigError('service %s is not in the active release %s of app %s; its services are: %s'
                            % (name, app['release'], app_name, ', '.join(names) if names else 'none'))


def check_rack_support(service, plan):
    """Refuse before writing what the rack would ignore silently (v2) or not know (v3 before 3.24.6)."""
    sending = [name for name in V3_ONLY if plan.differs(name)]
    if sending and 'gpu' not in service:
        raise ConvoxConfigError('v2 racks scale count, cpu and memory only; they do not take %s' % ', '.join(sending))
    ranges = [name for name in ('min', 'max') if plan.differs(name)]
    if ranges and RANGE_MARKER not in service:
        raise ConvoxConfigError('%s (range scale) needs a rack of version 3.24.6 or later, as convox scale does' % ' and '.join(ranges))


def update_options(plan, service):
    """What the PUT carries: the fields that differ, and the GPU vendor with the GPU count (the rack reads it only then)."""
    change = dict((name, plan.desired[name]) for name in ('count', 'cpu', 'memory', 'min', 'max') if plan.differs(name))
    if plan.differs('gpu') or plan.differs('gpu_vendor'):
        change['gpu'] = plan.desired.get('gpu', service.get('gpu') or 0)
        change['gpu_vendor'] = plan.desired.get('gpu_vendor') or service.get('gpu-vendor') or None
    return change


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            name=dict(type='str', required=True, aliases=['service']),
            count=dict(type='int'),
            cpu=dict(type='int'),
            memory=dict(type='int'),
            min=dict(type='int'),
            max=dict(type='int'),
            gpu=dict(type='int'),
            gpu_vendor=dict(type='str', choices=['nvidia', 'amd']),
            restart=dict(type='bool', default=False),
        ),
        required_by=dict(gpu_vendor='gpu'),
        wait=True,
        supports_check_mode=True,
    )
    p = module.params
    check_options(module)
    app_name, name = p['app'], p['name']
    state = DesiredState(module, FIELDS, presence=False)
    with module.api_errors(state.facts):
        check_name('app', app_name)
        check_name('service', name)
        client = module.client
        service = find_service(client, app_name, name)
        updates = dict((field.name, p[field.name]) for field in FIELDS)
        if not p['gpu']:
            # Without GPUs the rack reports no vendor, whatever was asked.
            updates['gpu_vendor'] = None
        plan = state.plan(service, updates)
        if plan.changed:
            check_rack_support(service, plan)
        if p['restart']:
            state.facts['restarted'] = True
            state.changed_outside_plan()
        if state.changed and not module.check_mode:
            service = apply(module, state, client, plan, service)
        state.facts['service'] = snake_keys(service)
    module.exit_json(**state.result())


def apply(module, state, client, plan, service):
    """The PUT (when something differs), the restart, a read to verify, and the wait."""
    p = module.params
    app_name, name = p['app'], p['name']
    wait = p['wait']
    replacing = p['restart'] or any(plan.differs(field) for field in REPLACING)
    # The processes running before a change that replaces them all: the wait waits until they are gone.
    replaced = [process['id'] for process in client.process_list(app_name, service=name)] if wait and replacing else []
    if plan.changed:
        state.write(client.service_update, app_name, name, **update_options(plan, service))
    if p['restart']:
        state.write(client.service_restart, app_name, name)
    service = find_service(client, app_name, name)
    state.verify(service, 'service %s of app %s' % (name, app_name))
    if wait:
        rollout = Rollout(name, service.get('count') or 0, replaced, check_processes=not service.get('agent'))
        observed = module.waiter().until(lambda: (client.app_get(app_name), client.process_list(app_name, service=name)),
                                         done=rollout.done, failed=rollout.failed, status=rollout.status,
                                         what='service %s of app %s to run its processes' % (name, app_name))
        state.facts['processes'] = snake_keys(rollout.processes(observed))
    return service


if __name__ == '__main__':
    main()
