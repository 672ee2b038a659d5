# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""What the processes of a service look like, and when a scale, resize or restart has rolled out.

A service's processes are the pods of its Deployment (v3) or the tasks of its ECS service (v2).
The rack's process list also holds one-off processes (``convox run``) and timer runs of the
same service, told apart on v3 by their names, as Kubernetes makes them:

* a Deployment's pod: ``<service>-<pod template hash>-<5 characters>`` (``web-7d9f8c6b5-x2lqz``);
* a one-off process: ``<service>-<5 characters>`` (the rack's ``GenerateName: <service>-``);
* a timer's pod: ``timer-<timer>-...``.

v2 process ids are ECS task ids, which say nothing of the sort: there every process named
after the service counts as one of its processes.

A change has rolled out (``Rollout``) when the app is ``running`` and the service has exactly
its count of processes, every one ``running`` and none of those that ran before a change that
replaces processes (a resize or a restart: a new pod template, so Kubernetes replaces every pod).
A count change keeps the running processes and adds or removes some.
"""

from __future__ import annotations

import re

from ansible_collections.convox.convox.plugins.module_utils._deploy import ROLLBACK, RUNNING, app_status

# v3 process statuses (convox-api.md section 3); counts report each, plus any other the rack shows.
PROCESS_STATUSES = ('running', 'pending', 'starting', 'unhealthy', 'crashed', 'complete', 'failed', 'unknown')
_K8S_SUFFIX = r'[a-z0-9]{5}'
_POD_TEMPLATE_HASH = r'[a-z0-9]{1,10}'


def _is_v2_process(process):
    # v2 Process JSON has the ECS task definition and no service field (convox/rack pkg/structs).
    return 'task_definition' in process


def is_one_off(process, service):
    """Whether a process of ``service`` is a one-off run (``convox run``), as far as its id tells (v3 only)."""
    if _is_v2_process(process):
        return False
    return re.match(r'%s-%s\Z' % (re.escape(service), _K8S_SUFFIX), process.get('id') or '') is not None


def is_service_process(process, service):
    """Whether ``process`` is one of the processes ``service`` keeps running (not a one-off run or a timer)."""
    if process.get('name') != service:
        return False
    if _is_v2_process(process):
        return True
    return re.match(r'%s-%s-%s\Z' % (re.escape(service), _POD_TEMPLATE_HASH, _K8S_SUFFIX), process.get('id') or '') is not None


def service_processes(processes, service):
    """The processes ``service`` keeps running, in the rack's order."""
    return [process for process in processes or () if is_service_process(process, service)]


def process_counts(processes, service):
    """How many processes named after ``service`` are in each status, as ``convox scale`` counts them
    (one-off runs included), with ``total``: every known status is a key, 0 when none."""
    counts = dict((status, 0) for status in PROCESS_STATUSES)
    total = 0
    for process in processes or ():
        if process.get('name') != service:
            continue
        status = process.get('status') or 'unknown'
        counts[status] = counts.get(status, 0) + 1
        total += 1
    counts['total'] = total
    return counts


class Rollout:
    """When the processes of ``service`` match a scale: ``count`` of them, all ``running``, and none
    of ``replaced`` (the ids that ran before a change that replaces every process).

    The values observed are ``(app, processes)`` pairs, as ``read`` polls them; ``done``, ``failed``
    and ``status`` are the ``Waiter.until`` predicates. ``check_processes=False`` (an agent service,
    which runs one process per node whatever its count) waits for the app alone.
    """

    def __init__(self, service, count, replaced=(), check_processes=True):
        self.service = service
        self.count = count
        self.replaced = set(replaced)
        self.check_processes = check_processes

    def _split(self, processes):
        mine = service_processes(processes, self.service)
        old = [process for process in mine if process.get('id') in self.replaced]
        new = [process for process in mine if process.get('id') not in self.replaced]
        return mine, old, new

    def done(self, observed):
        app, processes = observed
        if app_status(app) != RUNNING:
            return False
        if not self.check_processes:
            return True
        _mine, old, new = self._split(processes)
        return not old and len(new) == self.count and all(process.get('status') == RUNNING for process in new)

    @staticmethod
    def failed(observed):
        app, _processes = observed
        if app_status(app) == ROLLBACK:
            return 'the rack is rolling app %s back' % app.get('name', '')
        return None

    def status(self, observed):
        """``app running, 2 of 3 processes running (1 pending), 1 old`` - what the wait saw."""
        app, processes = observed
        text = 'app %s' % app_status(app)
        if not self.check_processes:
            return text
        _mine, old, new = self._split(processes)
        running = sum(1 for process in new if process.get('status') == RUNNING)
        if len(new) > self.count:
            # Scaling down: the surplus is still there (terminating).
            text += ', %d processes for %d wanted, %d running' % (len(new), self.count, running)
        else:
            text += ', %d of %d processes running' % (running, self.count)
        others = {}
        for process in new:
            status = process.get('status') or 'unknown'
            if status != RUNNING:
                others[status] = others.get(status, 0) + 1
        if others:
            text += ' (%s)' % ', '.join('%d %s' % (others[status], status) for status in sorted(others))
        if old:
            text += ', %d old' % len(old)
        return text

    def processes(self, observed):
        """The service's processes in an observed value."""
        return service_processes(observed[1], self.service)
