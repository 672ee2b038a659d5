# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What counts as a service's process, and when a scale has rolled out."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._services import (
    Rollout,
    is_one_off,
    is_service_process,
    process_counts,
    service_processes,
)

RUNNING_APP = {'name': 'demo', 'status': 'running'}


def pod(pid, status='running', name='web'):
    """A v3 process (Kubernetes pod)."""
    return {'id': pid, 'name': name, 'status': status, 'service': name}


def task(pid, status='running', name='web'):
    """A v2 process (ECS task)."""
    return {'id': pid, 'name': name, 'status': status, 'task_definition': 'arn:aws:ecs:us-east-1:1:task-definition/convox-demo-web:1'}


def test_v3_pods_are_told_apart_by_name():
    assert is_service_process(pod('web-7d9f8c6b5b-x2lqz'), 'web')
    assert is_one_off(pod('web-x2lqz'), 'web') and not is_service_process(pod('web-x2lqz'), 'web')
    # A timer's pod and another service's pod are not web's.
    assert not is_service_process(pod('timer-cleanup-28391234-abcde'), 'web')
    assert not is_service_process(pod('web-api-7d9f8c6b5b-x2lqz', name='web-api'), 'web')
    assert is_service_process(pod('web-api-7d9f8c6b5b-x2lqz', name='web-api'), 'web-api')


def test_v2_tasks_all_count():
    assert is_service_process(task('0a1b2c3d4e5f'), 'web')
    assert not is_one_off(task('0a1b2c3d4e5f'), 'web')
    assert not is_service_process(task('0a1b2c3d4e5f', name='worker'), 'web')


def test_process_counts_are_by_status_with_a_total():
    processes = [pod('web-abc-aaaaa'), pod('web-abc-bbbbb', 'pending'), pod('web-ccccc', 'crashed'), pod('worker-abc-ddddd', name='worker'),
                 pod('web-abc-eeeee', 'evicted')]
    counts = process_counts(processes, 'web')
    assert counts == {'running': 1, 'pending': 1, 'starting': 0, 'unhealthy': 0, 'crashed': 1, 'complete': 0, 'failed': 0,
                      'unknown': 0, 'evicted': 1, 'total': 4}
    assert process_counts([], 'web')['total'] == 0


def test_rollout_of_a_count_change():
    rollout = Rollout('web', 3)
    two = [pod('web-abc-aaaaa'), pod('web-abc-bbbbb')]
    assert not rollout.done((RUNNING_APP, two))
    assert rollout.status((RUNNING_APP, two)) == 'app running, 2 of 3 processes running'
    three = two + [pod('web-abc-ccccc', 'pending')]
    assert not rollout.done((RUNNING_APP, three))
    assert rollout.status((RUNNING_APP, three)) == 'app running, 2 of 3 processes running (1 pending)'
    three[-1] = pod('web-abc-ccccc')
    assert not rollout.done(({'status': 'updating'}, three))
    assert rollout.done((RUNNING_APP, three + [pod('web-ddddd')]))  # a one-off process does not count
    four = three + [pod('web-abc-eeeee')]
    assert not rollout.done((RUNNING_APP, four))  # one too many (still terminating)
    assert rollout.status((RUNNING_APP, four)) == 'app running, 4 processes for 3 wanted, 4 running'


def test_rollout_of_a_resize_waits_for_the_old_processes_to_go():
    rollout = Rollout('web', 2, replaced=['web-old-aaaaa', 'web-old-bbbbb'])
    mixed = [pod('web-old-aaaaa'), pod('web-new-ccccc'), pod('web-new-ddddd')]
    assert not rollout.done((RUNNING_APP, mixed))
    assert rollout.status((RUNNING_APP, mixed)) == 'app running, 2 of 2 processes running, 1 old'
    assert rollout.done((RUNNING_APP, mixed[1:]))
    assert [process['id'] for process in rollout.processes((RUNNING_APP, mixed[1:] + [pod('web-zzzzz')]))] == \
        ['web-new-ccccc', 'web-new-ddddd']


def test_rollout_fails_on_a_rollback_and_an_agent_waits_for_the_app_alone():
    assert Rollout('web', 1).failed(({'name': 'demo', 'status': 'rollback'}, [])) == 'the rack is rolling app demo back'
    assert Rollout('web', 1).failed((RUNNING_APP, [])) is None
    agent = Rollout('web', 1, check_processes=False)
    assert agent.done((RUNNING_APP, [])) and agent.status((RUNNING_APP, [])) == 'app running'
    assert service_processes(None, 'web') == []
