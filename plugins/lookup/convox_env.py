# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: convox_env
short_description: Read environment variables of a Convox app in templates
version_added: 1.0.0
description:
  - Returns the values of environment variables of an app's B(latest) release (the one C(convox env) shows), or of a
    given O(release) - the values of the variables named as terms, or, without terms, the whole environment as a dict.
  - One HTTP request per lookup call, whatever the number of terms.
  - Runs on the controller. The connection options come from keyword arguments, then Ansible variables
    (C(convox_host), C(convox_api_key), C(convox_rack), ...), then environment variables (E(CONVOX_HOST), E(CONVOX_PASSWORD),
    E(CONVOX_RACK), E(RACK_URL), ...) and the Convox CLI settings of the controller, as for the modules.
    C(module_defaults) does not apply to lookups.
  - A read-only rack JWT (O(api_user=jwt), minted with the rack's C(POST /system/jwt/token) and role V(read)) is enough.
author:
  - Convox collection maintainers (@convox-community)
options:
  _terms:
    description:
      - Names of the variables to read. Without any, the lookup returns the whole environment as one dict.
    type: list
    elements: str
  app:
    description:
      - The app to read.
    type: str
    required: true
  release:
    description:
      - The release to read. By default the app's latest release.
    type: str
  on_missing:
    description:
      - What to do with a term the environment does not have.
      - V(error) fails the lookup; V(warn) leaves the term out of the result with a warning; V(skip) leaves it out silently.
      - A missing app or release always fails the lookup.
    type: str
    choices: [error, warn, skip]
    default: error
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.connection.plugins
notes:
  - Values are returned as they are, and Ansible does not know they are secrets - use C(no_log) on tasks that would
    show them. Lookup results are marked unsafe, so a value holding C({{) is never templated.
  - With several terms, V(lookup) joins the values with commas; use V(query) (or O(ignore:wantlist=true)) for a list.
  - Errors name variables, never values.
seealso:
  - module: convox.convox.convox_env_info
  - module: convox.convox.convox_env
"""

EXAMPLES = r"""
- name: Render a configuration file from the app's environment
  ansible.builtin.template:
    src: app.conf.j2
    dest: /etc/myapp/app.conf
    mode: "0600"
  vars:
    database_url: "{{ lookup('convox.convox.convox_env', 'DATABASE_URL', app='myapp') }}"
  no_log: true

- name: Several variables in one request, as a list
  ansible.builtin.debug:
    msg: "{{ query('convox.convox.convox_env', 'LOG_LEVEL', 'WORKERS', app='myapp') }}"

- name: The whole environment of the active release, as a dict
  ansible.builtin.debug:
    msg: "{{ lookup('convox.convox.convox_env', app='myapp', release=myapp.app.release) | list }}"

- name: A variable that may be missing, with a default
  ansible.builtin.debug:
    msg: "{{ query('convox.convox.convox_env', 'FEATURE_FLAG', app='myapp', on_missing='skip') | first | default('off') }}"

- name: The connection from variables, with a read-only token
  ansible.builtin.debug:
    msg: "{{ lookup('convox.convox.convox_env', 'LOG_LEVEL', app='myapp') }}"
  vars:
    convox_host: rack.example.com
    convox_api_user: jwt
    convox_api_key: "{{ vault_convox_read_token }}"
"""

RETURN = r"""
_raw:
  description:
    - The values of the variables named as terms, in the order of the terms (missing ones left out with
      O(on_missing=warn) or O(on_missing=skip)).
    - Without terms, one element - the whole environment as a dict of names to values.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._connection import resolve_connection
from ansible_collections.convox.convox.plugins.module_utils._env import latest_release, read_release, returned_env
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxError
from ansible_collections.convox.convox.plugins.module_utils._wire import check_env_key, check_name
from ansible_collections.convox.convox.plugins.plugin_utils._options import connection_options

display = Display()


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        app = self.get_option('app')
        release_id = self.get_option('release')
        on_missing = self.get_option('on_missing')
        try:
            check_name('app', app)
            if release_id:
                check_name('release', release_id)
            names = [check_env_key(term) for term in terms]
            release = self._read(app, release_id)
        except ConvoxError as error:
            # The client's messages name the request and the rack's answer, never a credential or a value.
            raise AnsibleLookupError('convox_env lookup: %s' % error) from None
        where = 'release %s of app %s' % (release['id'], app) if release else 'app %s (no release yet)' % app
        if not names:
            return [returned_env(release)]
        env = returned_env(release, names)
        values = []
        for name in names:
            if name in env:
                values.append(env[name])
            elif on_missing == 'error':
                raise AnsibleLookupError('convox_env lookup: %s is not set in %s' % (name, where))
            elif on_missing == 'warn':
                display.warning('convox_env lookup: %s is not set in %s' % (name, where))
        return values

    def _read(self, app, release_id):
        """The release, in one request on one connection."""
        client = ConvoxClient(resolve_connection(connection_options(self)), warn=display.warning, debug=display.vvvv)
        try:
            if release_id:
                return read_release(client, app, release_id)
            return latest_release(client, app)
        finally:
            client.close()
