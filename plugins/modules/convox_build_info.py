#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_build_info
short_description: List a Convox app's builds, read one with its log, or export it to a file
version_added: 1.0.0
description:
  - Without O(id), returns the app's newest builds, newest first, as C(convox builds) lists them.
  - With O(id), returns that build and whether it exists - a missing build is not a failure.
  - With O(logs), each build returned carries its log (or the end of it, O(log_lines)), as C(convox builds logs) shows it.
  - With O(export_dest), the build is exported as C(convox builds export) does - streamed to that file, so it can be
    imported on another rack with M(convox.convox.convox_build) O(convox.convox.convox_build#module:import_path).
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
      - The build to read. It is looked for among the app's newest builds first (v3 racks answer a missing build id
        with a server error), then read alone.
    type: str
  limit:
    description:
      - How many of the newest builds to list (without O(id)).
    type: int
    default: 10
  logs:
    description:
      - Also read each returned build's log (one request per build).
    type: bool
    default: false
  log_lines:
    description:
      - With O(logs), only the last this many lines of each log; V(0) returns the whole log.
    type: int
    default: 0
  export_dest:
    description:
      - Export the build (O(id), which must exist) to this local file - a gzipped tar with the build's metadata and images.
      - The file is written aside and renamed into place, so it is complete or not there.
      - As M(ansible.builtin.get_url) does, an existing file is kept (and reported unchanged) unless O(force=true) - an
        export is a new archive each time (with its own timestamps), so name the file after the build.
    type: path
  force:
    description:
      - With O(export_dest), download the export even when the file exists; the task reports a change when the new
        file differs from the old one.
    type: bool
    default: false
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
attributes:
  check_mode:
    description: Runs normally in check mode, except that O(export_dest) is not downloaded; the task reports the change
      the download would make (when the file is missing, or with O(force=true)).
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
  idempotent:
    description: Reads the rack only. An O(export_dest) that exists is kept, unless O(force=true).
    support: full
seealso:
  - module: convox.convox.convox_build
"""

EXAMPLES = r"""
- name: The newest five builds
  convox.convox.convox_build_info:
    app: myapp
    limit: 5
  register: builds

- name: One build with the end of its log
  convox.convox.convox_build_info:
    app: myapp
    id: BABCDEFGHIJ
    logs: true
    log_lines: 50
  register: build

- name: Export a build and import it on another rack
  block:
    - convox.convox.convox_build_info:
        app: myapp
        id: "{{ build.build.id }}"
        export_dest: /tmp/myapp-build.tgz

    - convox.convox.convox_build:
        app: myapp
        import_path: /tmp/myapp-build.tgz
        host: "{{ other_rack_host }}"
        api_key: "{{ other_rack_password }}"
"""

RETURN = r"""
builds:
  description: The app's newest builds, newest first. See RV(build) for the fields.
  returned: when O(id) is not given
  type: list
  elements: dict
build:
  description: The build, as the rack reports it.
  returned: when O(id) is given and the build exists
  type: dict
  contains:
    id:
      description: The build id.
      type: str
      sample: BABCDEFGHIJ
    status:
      description: V(created), V(running), V(complete) or V(failed).
      type: str
    release:
      description: The release the build produced.
      type: str
    description:
      description: The build description.
      type: str
    manifest:
      description: The manifest the build read.
      type: str
    logs:
      description: The object URL of the build log.
      type: str
    log:
      description: The build log's lines (the last O(log_lines) of them when set).
      type: list
      elements: str
      returned: with O(logs=true)
    started:
      description: When the build started.
      type: str
    ended:
      description: When it ended.
      type: str
    app:
      description: The app.
      type: str
exists:
  description: Whether the build exists.
  returned: when O(id) is given
  type: bool
export:
  description: The exported file.
  returned: with O(export_dest), outside check mode
  type: dict
  contains:
    dest:
      description: The file.
      type: str
    downloaded:
      description: Whether the export was downloaded by this task (false when the file existed and was kept).
      type: bool
    size:
      description: Its size in bytes.
      type: int
    sha256:
      description: Its SHA-256.
      type: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

import os

from ansible_collections.convox.convox.plugins.module_utils._builds import BUILD_LOOKBACK, log_tail
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._source import file_sha256
from ansible_collections.convox.convox.plugins.module_utils._state import find_listed
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def with_log(module, build):
    build = dict(build)
    if module.params['logs']:
        build['log'] = log_tail(module.client, build, module.params['log_lines'] or None)
    return snake_keys(build)


def export(module, app, build, result):
    """Stream the build's export to ``export_dest`` (kept when it exists, unless ``force``), as get_url does."""
    dest = module.params['export_dest']
    if module.check_mode:
        # What a real run would do, as get_url predicts it: download when the file is missing or forced.
        result['changed'] = module.params['force'] or not os.path.isfile(dest)
        return
    before = file_sha256(dest) if os.path.isfile(dest) else None
    if before is not None and not module.params['force']:
        result['export'] = dict(dest=dest, size=os.path.getsize(dest), sha256=before, downloaded=False)
        return
    response = module.client.build_export(app, build['id'], dest)
    result['export'] = dict(dest=response.dest_path, size=response.size, sha256=response.sha256, downloaded=True)
    result['changed'] = response.sha256 != before


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            id=dict(type='str'),
            limit=dict(type='int', default=10),
            logs=dict(type='bool', default=False),
            log_lines=dict(type='int', default=0),
            export_dest=dict(type='path'),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
        required_by=dict(export_dest='id'),
    )
    p = module.params
    app = p['app']
    if p['limit'] < 1:
        module.fail_json(msg='limit must be 1 or more')
    if p['log_lines'] < 0:
        module.fail_json(msg='log_lines must be 0 or more')
    result = dict(changed=False)
    with module.api_errors(result):
        check_name('app', app)
        client = module.client
        if p['id'] is None:
            result['builds'] = [with_log(module, build) for build in client.build_list(app, limit=p['limit'])]
        else:
            check_name('build', p['id'])
            build = find_listed(client.build_list(app, limit=BUILD_LOOKBACK), p['id'], BUILD_LOOKBACK, client.build_get, app, p['id'])
            result['exists'] = build is not None
            if build is not None:
                result['build'] = with_log(module, build)
                if p['export_dest']:
                    export(module, app, build, result)
            elif p['export_dest']:
                module.fail_json(msg='build %s of app %s not found: there is nothing to export' % (p['id'], app), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
