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
  - Variables listed in the app's env mask (the app config C(cli-env-mask) that C(convox env mask set) and
    O(convox.convox.convox_env#module:masked_keys) keep) come back as V(****), as C(convox env) shows them, unless
    O(reveal=true) - with a warning by default (O(on_masked)), so that V(****) is never taken for a value unnoticed.
    B(Use O(reveal=true) wherever the real value is needed), such as rendering a configuration file.
  - Two HTTP requests per lookup call (the release and the mask), whatever the number of terms; one with
    O(reveal=true), or when there is no variable to return.
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
      - A list among the terms gives its names, so V(lookup('convox.convox.convox_env', names, app='myapp')) reads
        every name of the list C(names).
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
  reveal:
    description:
      - Return the values of masked variables too, as C(convox env --reveal) shows them, without reading the mask.
    type: bool
    default: false
  on_masked:
    description:
      - What to do when a value returned is V(****) because the app's env mask lists the variable (without O(reveal=true)).
      - V(warn) returns V(****) with a warning naming the masked variables; V(error) fails the lookup (for templates that
        must never hold a masked value); V(ignore) returns V(****) silently (for showing an environment).
      - Without terms, this applies to the masked variables of the whole environment.
    type: str
    choices: [error, warn, ignore]
    default: warn
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.connection.plugins
notes:
  - Values are returned as they are, and Ansible does not know they are secrets - use C(no_log) on tasks that would
    show them. Lookup results are marked unsafe, so a value holding C({{) is never templated.
  - With several terms, V(lookup) joins the values with commas; use V(query) (or O(ignore:wantlist=true)) for a list.
  - Errors and warnings name variables, never values.
  - A keyword argument that is not an option of the lookup (a typo such as V(relase=)) fails the lookup, rather than
    being ignored.
  - The mask is the app's current one, whatever O(release) is read. A missing mask, or a rack without app configs
    (v2 racks, v3 racks before 3.19.7), masks nothing; any other failure to read it fails the lookup, so that values are
    never returned because the mask could not be read. The mask is the CLI's display list, not access control - any
    caller can pass O(reveal=true).
seealso:
  - module: convox.convox.convox_env_info
  - module: convox.convox.convox_env
"""

EXAMPLES = r"""
- name: Render a configuration file from the app's environment - the real values, masked or not
  ansible.builtin.template:
    src: app.conf.j2
    dest: /etc/myapp/app.conf
    mode: "0600"
  vars:
    database_url: "{{ lookup('convox.convox.convox_env', 'DATABASE_URL', app='myapp', reveal=true) }}"
  no_log: true

- name: Show the environment as `convox env` does - masked variables as ****, without a warning
  ansible.builtin.debug:
    msg: "{{ lookup('convox.convox.convox_env', app='myapp', on_masked='ignore') }}"

- name: Several variables in one call (the same two requests as for one), as a list
  ansible.builtin.debug:
    msg: "{{ query('convox.convox.convox_env', 'LOG_LEVEL', 'WORKERS', app='myapp') }}"

- name: The whole environment of the active release, as a dict
  ansible.builtin.debug:
    msg: "{{ lookup('convox.convox.convox_env', app='myapp', release=myapp.app.release) }}"

- name: The names of the variables set (a dict piped to list gives its keys)
  ansible.builtin.debug:
    msg: "{{ lookup('convox.convox.convox_env', app='myapp', on_masked='ignore') | list }}"

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
      O(on_missing=warn) or O(on_missing=skip)); V(****) for masked ones unless O(reveal=true).
    - Without terms, one element - the whole environment as a dict of names to values.
  type: list
  elements: raw
"""

from difflib import get_close_matches

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._connection import resolve_connection
from ansible_collections.convox.convox.plugins.module_utils._env import read_returned_env
from ansible_collections.convox.convox.plugins.module_utils._envmask import MASK, MASK_CONFIG
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxError
from ansible_collections.convox.convox.plugins.module_utils._wire import check_env_key, check_name
from ansible_collections.convox.convox.plugins.plugin_utils._options import connection_options

display = Display()


def _names(terms):
    """The terms as variable names: a list among them (``lookup('...', names, app=...)``) gives its names."""
    for term in terms:
        if isinstance(term, (list, tuple)):
            yield from term
        else:
            yield term


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        definitions = C.config.get_configuration_definitions(self.plugin_type, self._load_name) or {}
        self._refuse_unknown_options(kwargs, definitions)
        self.set_options(var_options=variables, direct=kwargs)
        app = self.get_option('app')
        release_id = self.get_option('release')
        on_missing = self.get_option('on_missing')
        try:
            check_name('app', app)
            if release_id:
                check_name('release', release_id)
            names = [check_env_key(term) for term in _names(terms)]
            read = self._read(app, release_id, names or None, connection_options(self, variables, definitions))
        except ConvoxError as error:
            # The client's messages name the request and the rack's answer, never a credential or a value.
            raise AnsibleLookupError('convox_env lookup: %s' % error) from None
        release = read.release
        where = 'release %s of app %s' % (release['id'], app) if release else 'app %s (no release yet)' % app
        self._masked(read.masked_keys, where)
        if not names:
            return [read.env]
        values = []
        for name in names:
            if name in read.env:
                values.append(read.env[name])
            elif on_missing == 'error':
                raise AnsibleLookupError('convox_env lookup: %s is not set in %s' % (name, where))
            elif on_missing == 'warn':
                display.warning('convox_env lookup: %s is not set in %s' % (name, where))
        return values

    @staticmethod
    def _refuse_unknown_options(kwargs, definitions):
        """Fail on a keyword argument that is no option: Ansible's config manager ignores it, so a typo
        (``relase='R...'``, ``reveals=true``) would silently read the latest release, or return the mask."""
        known = set(name for name in definitions if name != '_terms')
        known.update(alias for definition in definitions.values() for alias in (definition.get('aliases') or ()))
        unknown = sorted(str(name) for name in kwargs if name not in known)
        if not unknown or not known:
            return
        hints = ['%s (did you mean %s?)' % (name, close[0]) if close else name
                 for name, close in ((name, get_close_matches(name, sorted(known), n=1)) for name in unknown)]
        raise AnsibleLookupError('convox_env lookup: unknown option%s %s; the options are %s'
                                 % ('s' if len(unknown) > 1 else '', ', '.join(hints), ', '.join(sorted(known))))

    def _masked(self, masked_keys, where):
        """Fail or warn, as on_masked says, when values come back as the mask (key names only)."""
        on_masked = self.get_option('on_masked')
        if not masked_keys or on_masked == 'ignore':
            return
        message = 'convox_env lookup: %s of %s %s masked by the app config %s' % (
            ', '.join(masked_keys), where, 'is' if len(masked_keys) == 1 else 'are', MASK_CONFIG)
        if on_masked == 'error':
            raise AnsibleLookupError('%s; pass reveal=true for the values (or on_masked=warn or ignore to get %s)' % (message, MASK))
        display.warning('%s: returned as %s; pass reveal=true for the values (or on_masked=ignore to get %s without this warning)'
                        % (message, MASK, MASK))

    def _read(self, app, release_id, names, connection):
        """The release and, unless reveal, the mask, on one connection."""
        client = ConvoxClient(resolve_connection(connection), warn=display.warning, debug=display.vvvv)
        try:
            return read_returned_env(client, app, release_id or None, names, reveal=self.get_option('reveal'))
        finally:
            client.close()
