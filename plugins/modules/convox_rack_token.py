#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_rack_token
short_description: Mint a Convox rack JWT with a role and a lifetime
version_added: 1.0.0
description:
  - Mints a rack JWT, as C(convox rack access) does, signed by the rack and valid for O(duration_hours) - a
    credential with exactly the role a job needs, for example a read-only one for the lookups and info tasks of a run.
  - The token is returned as RV(token) for the next tasks (C(register)), with O(api_user=jwt) and O(api_key) set to it.
    It is masked everywhere else, and the task's whole result is hidden from the output (as C(no_log) would hide it),
    at every verbosity; C(register) still holds it.
  - Each run mints a new token (a rack keeps no list of them), so the task always reports a change; in check mode it
    sends nothing and returns no token.
author:
  - Convox collection maintainers (@convox-community)
options:
  role:
    description:
      - What the token may do - V(read) (C(GET) requests only), V(write) (reads and changes), V(admin) (everything,
        including minting admin tokens and rotating the signing key).
      - Minting an V(admin) token needs admin credentials (the rack password or an admin token). v2 racks mint
        V(read) and V(write) tokens only.
    type: str
    choices: [read, write, admin]
    default: read
  duration_hours:
    description:
      - How long the token is valid, in hours, from 1 to 8760 (a year).
    type: int
    default: 1
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
attributes:
  action:
    description: An action plugin hides the module's result from the output, so the returned token is never printed.
    support: full
  check_mode:
    description: Sends nothing in check mode and predicts a change; no token is returned.
    support: full
  diff_mode:
    description: A token is not state - there is nothing to compare.
    support: none
  idempotent:
    description: Every run mints a new token and reports a change.
    support: none
notes:
  - A rack checks its JWTs itself - use the token with the rack's own API host (RV(convox.convox.convox_system_info#module:system.rack_domain)).
    Whether a console accepts rack JWTs is the console's business.
  - Tokens stay valid until they expire; rotating the rack's signing key (C(convox rack access key rotate)) revokes all.
  - The token is in the registered variable in clear, as any registered secret is - do not print it, and do not
    give the registered variable to tasks that would.
seealso:
  - module: convox.convox.convox_system_info
  - module: convox.convox.convox_app_info
"""

EXAMPLES = r"""
- name: Mint a read-only token for the rest of the run
  convox.convox.convox_rack_token:
    role: read
    duration_hours: 1
  register: read_token

- name: Find the rack's own API host (a JWT is checked by the rack itself)
  convox.convox.convox_system_info:
    capacity: false
  register: rack

- name: Read the apps with the read-only token
  convox.convox.convox_app_info:
    host: "{{ rack.system.rack_domain }}"
    api_user: jwt
    api_key: "{{ read_token.token }}"
  register: apps

- name: Use it for the run's lookups, too
  ansible.builtin.debug:
    msg: "{{ lookup('convox.convox.convox_env', 'DATABASE_HOST', app='myapp', host=rack.system.rack_domain,
             api_user='jwt', api_key=read_token.token) }}"

- name: Or set it once for a block of read-only tasks
  module_defaults:
    group/convox.convox.convox:
      host: "{{ rack.system.rack_domain }}"
      api_user: jwt
      api_key: "{{ read_token.token }}"
  block:
    - name: List the registries
      convox.convox.convox_registry_info:
"""

RETURN = r"""
token:
  description: The JWT. Use it as O(api_key) with O(api_user=jwt). Never shown in the task's output.
  returned: success, not in check mode
  type: str
role:
  description: The role of the token.
  returned: always
  type: str
  sample: read
duration_hours:
  description: The lifetime of the token, in hours.
  returned: always
  type: int
  sample: 1
expires:
  description: When the token expires (or would, in check mode), as an RFC 3339 UTC time, computed from the host's
    clock when the rack answered.
  returned: always
  type: str
  sample: "2026-06-01T13:00:00Z"
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

import time

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxResponseError
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._wire import format_time

# The rack refuses longer tokens (pkg/api maxJwtDurationHours).
MAX_DURATION_HOURS = 8760


def mint(client, role, hours):
    try:
        return client.jwt_token(role, hours)
    except ConvoxResponseError as error:
        if role == 'admin' and error.status_code == 200:
            # v2 racks mint read and write tokens only, and answer anything else with an empty token.
            raise ConvoxConfigError('the rack minted no admin token: v2 racks mint read and write tokens only') from None
        raise


def main():
    module = ConvoxModule(
        argument_spec=dict(
            role=dict(type='str', choices=['read', 'write', 'admin'], default='read'),
            duration_hours=dict(type='int', default=1),
        ),
        supports_check_mode=True,
    )
    p = module.params
    hours = p['duration_hours']
    if not 1 <= hours <= MAX_DURATION_HOURS:
        module.fail_json(msg='duration_hours must be from 1 to %d (a year), not %d' % (MAX_DURATION_HOURS, hours))
    result = dict(changed=True, role=p['role'], duration_hours=hours)
    with module.api_errors(dict(changed=False)):
        if not module.check_mode:
            module.return_secret('token', mint(module.client, p['role'], hours))
    result['expires'] = format_time(time.time() + hours * 3600)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
