#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_logs_info
short_description: Read the recent logs of a Convox app, service, process or build
version_added: 1.0.0
description:
  - Returns the recent log lines of an app (as C(convox logs --no-follow) shows them), of one of its services, of one
    process, or of a build.
  - It never follows a log - the task always ends, within O(timeout) seconds.
  - When the app's logs hold no line, the module checks that the app exists (one more request), and fails when it does
    not - the rack answers a name it does not know with an empty log.
  - The app's logs hold every process of the app - service processes, one-off processes and builders; a service's
    logs hold only its current service processes (not one-off processes).
  - A process's log, and the log of a build that is still running, do not end while the process or the build runs -
    the rack keeps them open whatever a client asks. Those reads end at O(timeout), with RV(complete=false) and the
    lines that came until then. Logs of an app, a service and a finished build end by themselves - except the logs of
    an app that has never written a line (the rack looks for its log group for about a minute), which end at
    O(timeout) too.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app.
    type: str
    required: true
  service:
    description:
      - Read the logs of this service's current processes instead of the whole app.
    type: str
  process:
    description:
      - Read the log of this process (an id as M(convox.convox.convox_process_info) lists them).
    type: str
  build:
    description:
      - Read the log of this build (its whole log; O(since) does not apply).
    type: str
  since:
    description:
      - How far back to read - a number of seconds, or a duration such as V(90s), V(10m), V(1h30m) or V(2d).
      - Defaults to V(2m), as C(convox logs) does. Not for O(build).
      - For a process the rack counts C(Since) forward from now (a quirk of its code); the module sends what makes it
        mean "the last O(since)" there too.
    type: str
  filter:
    description:
      - Only lines matching this CloudWatch Logs filter pattern (for example V(ERROR) or V("connection refused")).
        Only for the app's logs - the rack ignores it for the others, so it is refused there.
    type: str
  max_lines:
    description:
      - The most lines returned - the most recent ones. When more were read, the oldest are dropped and
        RV(truncated) is V(true).
      - From 1 to 1000000.
    type: int
    default: 1000
  timeout:
    description:
      - For this module, the seconds the whole task may take - reading a log included. When they are up, the task
        returns the lines read so far with RV(complete=false).
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
requirements:
  - websocket-client >= 1.6
seealso:
  - module: convox.convox.convox_process_info
  - module: convox.convox.convox_process
"""

EXAMPLES = r"""
- name: The app's log lines of the last 10 minutes that mention an error
  convox.convox.convox_logs_info:
    app: myapp
    since: 10m
    filter: error
  register: errors

- name: Show them with the process they came from
  ansible.builtin.debug:
    msg: "{{ errors.entries | map(attribute='process') | zip(errors.lines) | map('join', ': ') | list }}"

- name: Why did the build fail?
  convox.convox.convox_logs_info:
    app: myapp
    build: "{{ build_id }}"
    max_lines: 50
  register: build_log

- name: What a running worker wrote in the last hour, read for at most 5 seconds
  convox.convox.convox_logs_info:
    app: myapp
    process: worker-7d9f8c6b5-abcde
    since: 1h
    timeout: 5
"""

RETURN = r"""
lines:
  description: The log lines, oldest first, without the rack's time and process prefix (see RV(entries)).
  returned: always
  type: list
  elements: str
  sample: ["Listening on port 3000"]
entries:
  description: The same lines with what the rack said about each.
  returned: always
  type: list
  elements: dict
  contains:
    time:
      description: When the line was written (RFC 3339), where the rack says (not for builds).
      type: str
      sample: "2026-01-02T03:04:05Z"
    service:
      description: The service of the process that wrote it (V(build) for builders), where the rack says.
      type: str
      sample: web
    process:
      description: The process that wrote it, where the rack says.
      type: str
      sample: web-6c5d8cf9b-x2x7q
    message:
      description: The line.
      type: str
truncated:
  description: Whether older lines were dropped to return at most O(max_lines).
  returned: always
  type: bool
complete:
  description:
    - Whether the log ended by itself. V(false) when O(timeout) ended the read (a running process or build keeps
      its log open), so more lines may follow.
  returned: always
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

import time

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxServerError, ConvoxStreamError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._state import is_missing_id
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name, parse_duration

DEFAULT_SINCE = 120.0
# The lines are held in memory and returned in the result: a bound that keeps both sane.
MAX_LINES = 1000000
# The least the log stream gets even when the reads before it used up most of the timeout.
MIN_STREAM_SECONDS = 1.0


def build_log(module, client, timeout):
    """A build's log; a build the rack does not know is 'not found' (v3 answers 500 for it)."""
    p = module.params
    check_name('build', p['build'])
    try:
        build = client.build_get(p['app'], p['build'])
    except ConvoxServerError as error:
        if is_missing_id(error):
            module.fail_json(msg='build %s of app %s not found' % (p['build'], p['app']), status_code=error.status_code)
        raise
    if build.get('status') in ('complete', 'failed') and not build.get('logs'):
        module.warn('the rack stored no log for build %s' % p['build'])
        return None
    return client.build_logs(p['app'], p['build'], timeout=timeout(), keep=p['max_lines'])


def process_log(module, client, since, timeout):
    p = module.params
    check_name('process', p['process'])
    if client.process_find(p['app'], p['process']) is None:
        # Without the check the rack would keep the stream open saying "waiting for build pod..." for minutes.
        module.fail_json(msg='process %s of app %s not found (the rack deletes ended one-off processes a few seconds after they end; '
                         'their lines stay in the app\'s logs)' % (p['process'], p['app']))
    read = client.process_logs(p['app'], p['process'], since=since, timeout=timeout(), keep=p['max_lines'])
    if read.gone:
        module.warn('process %s of app %s was deleted by the rack while its log was read (it had ended); its lines stay in '
                    "the app's logs" % (p['process'], p['app']))
    return read


def service_log(module, client, since, timeout):
    p = module.params
    check_name('service', p['service'])
    try:
        return client.service_logs(p['app'], p['service'], since=since, timeout=timeout(), keep=p['max_lines'])
    except ConvoxStreamError as error:
        if error.rack_error and error.rack_error.startswith('no resources found'):
            module.fail_json(msg='service %s of app %s has no processes to read logs from (not in the active release, or scaled '
                             'to 0); the rack answered: %s' % (p['service'], p['app'], error.rack_error))
        raise


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            service=dict(type='str'),
            process=dict(type='str'),
            build=dict(type='str'),
            since=dict(type='str'),
            filter=dict(type='str'),
            max_lines=dict(type='int', default=1000),
        ),
        websockets=True,
        mutually_exclusive=[('service', 'process', 'build'), ('build', 'since'), ('filter', 'service'), ('filter', 'process'),
                            ('filter', 'build')],
        supports_check_mode=True,
    )
    p = module.params
    started = time.monotonic()
    result = dict(changed=False)

    def remaining():
        return max(MIN_STREAM_SECONDS, module.params['timeout'] - (time.monotonic() - started))

    with module.api_errors(result):
        check_name('app', p['app'])
        if not 1 <= p['max_lines'] <= MAX_LINES:
            raise ConvoxConfigError('max_lines must be from 1 to %d' % MAX_LINES)
        since = parse_duration(p['since'], 'since') if p['since'] is not None else DEFAULT_SINCE
        client = module.client
        if p['build'] is not None:
            read = build_log(module, client, remaining)
        elif p['process'] is not None:
            read = process_log(module, client, since, remaining)
        elif p['service'] is not None:
            read = service_log(module, client, since, remaining)
        else:
            read = client.app_logs(p['app'], since=since, filter=p['filter'], timeout=remaining(), keep=p['max_lines'])
            if not read.lines:
                # The rack streams nothing for an app it does not know, as for an app that wrote nothing (and keeps
                # the stream open until the timeout): tell a mistyped name from a quiet app, at one read's cost.
                client.app_get(p['app'])
        if read is None:
            result.update(lines=[], entries=[], truncated=False, complete=True)
        else:
            result.update(lines=read.lines, entries=read.entries, truncated=read.truncated, complete=read.complete)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
