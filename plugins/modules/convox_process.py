#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_process
short_description: Run one-off commands on a Convox app (with their exit code), or stop processes
version_added: 1.0.0
description:
  - With O(state=present), starts a one-off process of a service of the app, as C(convox run) does - on a given
    O(release) (for example a new one not promoted yet), with extra O(environment), O(cpu) and O(memory).
  - By default the process is started detached (C(convox run --detach)) and the task returns it at once.
  - With O(wait=true) the O(command) runs attached, the way C(convox run) runs it without C(--detach) - a holder
    process C(sleep <wait_timeout>) is started and waited for until it is C(running), the command is executed in it
    over the rack's websocket without a TTY and with its input closed, and the holder is stopped afterwards
    B(in every case) (success, a non-zero exit code, a failure, a timeout). The task returns RV(rc), RV(stdout)
    and RV(stdout_lines), and fails when the command exits with a code other than 0, when the rack reports an error,
    when the stream ends without the rack's exit-code marker (the code is then unknown, never taken for 0), and
    when O(wait_timeout) passes.
  - With O(state=absent), stops the process O(id), as C(convox ps stop) does. A process that is already gone is
    not an error (v3 racks answer C(500 pods "<id>" not found) for it).
  - A run is not idempotent - every run starts a process - so it always reports a change.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app.
    type: str
    required: true
  state:
    description:
      - V(present) runs a process (O(service) required); V(absent) stops the process O(id).
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - The process to stop, with O(state=absent) (a process id as RV(process.id) shows it).
    type: str
  service:
    description:
      - The service whose image, environment and settings the one-off process gets, with O(state=present).
    type: str
  command:
    description:
      - The command to run, split by the rack the way a shell splits words (quotes are honoured, but there is
        no shell - use C(sh -c '...') for pipes, C(&&), variables or C(exit)).
      - Detached, it becomes the process's command; without it the process runs the service's own command.
      - With O(wait=true) it is required, and it may span several lines.
    type: str
  release:
    description:
      - The release to run on; by default the app's active release.
      - A release that is built but not promoted yet is how database migrations run before a deploy.
    type: str
  environment:
    description:
      - Extra environment variables for this process only, on top of the release's environment.
      - Values are treated as secrets - never shown in output, diffs, warnings or logs (a command that prints them
        shows C(********)). Lines the process writes to its own log are another matter - M(convox.convox.convox_logs_info)
        returns them as they are.
      - Names and values follow the rules of an app's environment - a name has no C(=), a value is text, a number or a
        boolean (sent as V(true)/V(false)) on one line.
    type: dict
  cpu:
    description:
      - CPU to reserve for the process, in millicores.
    type: int
  memory:
    description:
      - Memory to reserve for the process, in MiB.
    type: int
  expected_rc:
    description:
      - With O(wait=true), the exit codes that count as success (at least one). Any other code fails the task; the
        result keeps RV(rc) and the output either way.
      - A run whose exit code is unknown (the rack refused the command, the stream was cut before the rack's
        exit-code marker, the run timed out) always fails, whatever this says.
    type: list
    elements: int
    default: [0]
  entrypoint:
    description:
      - With O(wait=true), whether the command runs behind the image's entrypoint, as C(convox run) does by default
        (its C(--entrypoint) flag).
    type: bool
    default: true
  wait:
    description:
      - V(false) starts the process detached and returns at once.
      - V(true) runs O(command) attached and returns its exit code and output; O(wait_timeout) bounds the whole run
        (starting the holder process, waiting for it, and the command itself).
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(wait=true), the seconds the whole run may take, at least 1. The holder process sleeps that long, so it
        also ends by itself should the task be killed.
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
attributes:
  check_mode:
    description: Nothing is sent in check mode.
    support: partial
    details:
      - Stopping a process reads it and predicts C(changed); a detached run predicts C(changed).
      - An attached run (O(wait=true)) is skipped, as M(ansible.builtin.command) skips commands in check mode, so
        that C(failed_when) conditions on RV(rc) are not evaluated against a command that never ran.
  diff_mode:
    description: Returns the process before and after.
    support: partial
    details: Stopping a process and a detached run return a diff (O(environment) values hidden); an attached run does not.
  idempotent:
    description: Stopping a process is idempotent; a run is not - every run starts a process.
    support: partial
notes:
  - "An attached run fails the task when its exit code is not in O(expected_rc) (by default when it is not 0), and always
    when the exit code is unknown. C(failed_when) works as with M(ansible.builtin.command) too, since the result keeps
    RV(rc) - but when the exit code is unknown there is no RV(rc) (ansible-core 2.19 and later drop an empty one), so a
    condition like C(result.rc not in [0, 2]) cannot be evaluated and Ansible fails the task with that complaint instead of
    the module's message. O(expected_rc) says the same without that trap; never write C(result.rc | default(0))."
  - The output of an attached run is what the rack sends - standard output and standard error together, as a terminal
    would show them.
  - Only with O(wait=true) is the exit code known. A detached process's outcome is its status in
    M(convox.convox.convox_process_info) (C(complete) or C(failed)), shortly after which the rack deletes it.
requirements:
  - websocket-client >= 1.6 (for O(wait=true))
seealso:
  - module: convox.convox.convox_process_info
  - module: convox.convox.convox_logs_info
  - module: convox.convox.convox_build
  - module: convox.convox.convox_release
"""

EXAMPLES = r"""
- name: Build the app without deploying it
  convox.convox.convox_build:
    app: myapp
    source: "{{ playbook_dir }}/../myapp"
  register: build

- name: Run the migrations on the new release before promoting it
  convox.convox.convox_process:
    app: myapp
    service: web
    release: "{{ build.build.release }}"
    command: bin/rails db:migrate
    wait: true
    wait_timeout: 1800
  register: migration

- name: Deploy it only when they exited 0 (a non-zero code failed the task above)
  convox.convox.convox_release:
    app: myapp
    release: "{{ build.build.release }}"

- name: A check whose exit code 2 means "nothing to do" - accept 0 and 2
  convox.convox.convox_process:
    app: myapp
    service: web
    command: bin/check-pending
    wait: true
    expected_rc: [0, 2]
  register: check

- name: Act on what it found
  ansible.builtin.debug:
    msg: "{{ 'nothing to do' if check.rc == 2 else check.stdout }}"

- name: A one-off with a secret in its environment (the value never shows)
  convox.convox.convox_process:
    app: myapp
    service: worker
    command: bin/reindex
    environment:
      SEARCH_TOKEN: "{{ vault_search_token }}"
    cpu: 512
    memory: 1024
  register: reindex

- name: Stop it
  convox.convox.convox_process:
    app: myapp
    id: "{{ reindex.process.id }}"
    state: absent
"""

RETURN = r"""
rc:
  description:
    - The exit code of the command, from the rack's exit-code marker - also when the task failed because of it.
    - Not returned (or V(null) on ansible-core before 2.19) when it is unknown - the rack refused or could not start the
      command (for example a program that does not exist), the stream was cut before the marker, or the run timed out.
  returned: with O(wait=true), outside check mode, when the command's exit code is known
  type: int
  sample: 0
stdout:
  description: The output of the command (standard output and standard error, as the rack merges them), without trailing line ends.
  returned: with O(wait=true), outside check mode
  type: str
  sample: "== 20260101000000 AddUsers: migrated"
stdout_lines:
  description: RV(stdout) split into lines.
  returned: with O(wait=true), outside check mode
  type: list
  elements: str
process:
  description:
    - The process started - detached, as the rack returned it when it started it (usually V(pending)); attached, the
      holder process as last read before it was stopped.
  returned: with O(state=present), outside check mode, once the process was started
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
      description: The status - V(pending), V(running), V(complete), V(failed), ...
      type: str
      sample: pending
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
msg:
  description: Why the task failed, or, in check mode, that an attached command was not run.
  returned: on failure, and for an attached run in check mode
  type: str
  sample: the command exited with code 1
last_status:
  description: The last status of the holder process seen when waiting for it failed or timed out.
  returned: when waiting failed
  type: str
statuses:
  description: The statuses of the holder process seen, in order, when waiting failed or timed out.
  returned: when waiting failed
  type: list
  elements: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._run import run_attached
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field, MapUpdate
from ansible_collections.convox.convox.plugins.module_utils._wire import check_env, check_env_key, check_name
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxNotFoundError

FIELDS = [Field('service'), Field('command'), Field('release'), Field('environment', secret=True), Field('cpu'), Field('memory')]
RUN_OPTIONS = ('service', 'command', 'release', 'environment', 'cpu', 'memory')


def stop(module, state, client):
    """Stop the process ``id``: one read, and a DELETE when it exists (none in check mode)."""
    p = module.params
    try:
        process = client.process_find(p['app'], p['id'])
    except ConvoxNotFoundError:
        process = None  # the app itself is gone, and its processes with it
    plan = state.plan(process, {}, present=False)
    if plan.action == 'delete' and not state.write(client.process_stop, p['app'], p['id'], missing_ok=True) and not module.check_mode:
        # It ended and was deleted between the read and the stop: nothing was stopped.
        state.plan(None, {}, present=False)


def run_detached(module, state, client):
    p = module.params
    state.plan(None, run_updates(p), present=True)
    process = state.write(client.process_run, p['app'], p['service'], command=p['command'], environment=p['environment'],
                          release=p['release'], cpu=p['cpu'], memory=p['memory'])
    if process is not None:
        state.facts['process'] = snake_keys(process)


def run_updates(p):
    updates = dict((name, p[name]) for name in RUN_OPTIONS if name != 'environment')
    if p['environment']:
        updates['environment'] = MapUpdate(p['environment'])
    return updates


def run_and_wait(module, state, client):
    p = module.params
    if module.check_mode:
        module.exit_json(changed=False, skipped=True, msg='the command would have run if not in check mode')
    # A failure the rack reports before running anything (for example a refused exec) changed nothing:
    # the holder was started and stopped again.
    run = state.write(run_attached, client, module.waiter(), p['app'], p['service'], p['command'], p['wait_timeout'],
                      release=p['release'], environment=p['environment'], cpu=p['cpu'], memory=p['memory'],
                      entrypoint=p['entrypoint'], warn=module.warn)
    state.changed_outside_plan()
    state.facts.update(run.facts())
    expected = p['expected_rc']
    if run.rc not in expected:
        detail = '' if expected == [0] else ', not %s' % ' or '.join(str(code) for code in expected)
        module.fail_json(msg='the command exited with code %d%s' % (run.rc, detail), **state.failure())
    # Said explicitly: ansible-core 2.19+ takes a result with a non-zero rc and no "failed" for a failure.
    module.exit_json(failed=False, **state.result())


def check_options(module):
    p = module.params
    check_name('app', p['app'])
    if p['state'] == 'absent':
        given = [name for name in RUN_OPTIONS if p[name] is not None]
        if given or p['wait']:
            module.fail_json(msg='state=absent stops the process id and takes none of %s' % ', '.join(given + (['wait'] if p['wait'] else [])))
        check_name('process', p['id'])
        return
    if p['id'] is not None:
        module.fail_json(msg='id names a process to stop (state=absent); a run starts a new process')
    check_name('service', p['service'])
    if p['wait'] and p['wait_timeout'] < 1:
        module.fail_json(msg='wait_timeout must be at least 1 second for an attached run (wait=true)')
    if p['wait'] and not (p['command'] or '').strip():
        module.fail_json(msg='command must not be empty with wait=true: an attached run executes it')
    if p['wait'] and not p['expected_rc']:
        module.fail_json(msg='expected_rc must list at least one exit code')
    for name in ('cpu', 'memory'):
        if p[name] is not None and p[name] < 1:
            module.fail_json(msg='%s must be a positive number' % name)
    if p['environment']:
        p['environment'] = checked_environment(module, p['environment'])


def checked_environment(module, environment):
    """``environment`` as the text the rack gets, its values registered as secrets in that form.

    Ansible masks the values as given (``True``), the rack gets their wire form (``true``); and a value
    with a line break would show line by line in ``stdout_lines``, where no masking can catch its parts.
    """
    for name, value in environment.items():
        if isinstance(value, str) and ('\n' in value or '\r' in value):
            raise ConvoxConfigError('the value of environment variable %s holds a line break: one-off environment values are single '
                                    'lines, as release environment values are, so that no part of one can show in the output'
                                    % check_env_key(name))
    checked = check_env(environment)
    module.register_secrets(checked.values())
    return checked


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            id=dict(type='str'),
            service=dict(type='str'),
            command=dict(type='str'),
            release=dict(type='str'),
            environment=dict(type='dict', no_log=True),
            cpu=dict(type='int'),
            memory=dict(type='int'),
            entrypoint=dict(type='bool', default=True),
            expected_rc=dict(type='list', elements='int', default=[0]),
            wait=dict(type='bool', default=False),
        ),
        wait=True,
        websockets=True,
        required_if=[('state', 'absent', ['id']), ('state', 'present', ['service']), ('wait', True, ['command'])],
        supports_check_mode=True,
    )
    state = DesiredState(module, FIELDS)
    with module.api_errors(state.facts):
        check_options(module)
        client = module.client
        if module.params['state'] == 'absent':
            stop(module, state, client)
        elif module.params['wait']:
            run_and_wait(module, state, client)
        else:
            run_detached(module, state, client)
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
