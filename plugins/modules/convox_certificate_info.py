#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_certificate_info
short_description: List a Convox rack's TLS certificates, or read one
version_added: 1.0.0
description:
  - Without O(id), returns the rack's certificates, sorted by id, as C(convox certs) lists them - their ids, names and
    expiry (a rack never returns a certificate itself or its key).
  - With O(id), returns that certificate and whether it exists - a missing certificate is not a failure.
author:
  - Convox collection maintainers (@convox-community)
options:
  id:
    description:
      - The certificate to read.
    type: str
  generated:
    description:
      - V(true) lists the rack's own certificates only (v3 racks) - its CA, uploads, generated ones and Let's Encrypt
        requests not issued yet (status V(Not Ready)) - without those cert-manager keeps for the apps' services.
      - v2 racks have no such filter and list every certificate.
    type: bool
    default: false
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
  - convox.convox.attributes.info_module
seealso:
  - module: convox.convox.convox_certificate
"""

EXAMPLES = r"""
- name: List the certificates of the rack
  convox.convox.convox_certificate_info:
  register: certs

- name: Certificates that expire within 30 days
  ansible.builtin.debug:
    msg: "{{ item.id }} ({{ item.domain }}) expires {{ item.expiration }}"
  loop: "{{ certs.certificates }}"
  when:
    - item.status | default('') != 'Not Ready'
    - (item.expiration[:19] | to_datetime('%Y-%m-%dT%H:%M:%S') - now(utc=true)).days < 30
  loop_control:
    label: "{{ item.id }}"

- name: Let's Encrypt requests not issued yet
  convox.convox.convox_certificate_info:
    generated: true
  register: own
- ansible.builtin.debug:
    msg: "{{ own.certificates | selectattr('status', 'eq', 'Not Ready') | map(attribute='id') | list }}"

- name: Read one certificate
  convox.convox.convox_certificate_info:
    id: cert-x7b2k
  register: one
"""

RETURN = r"""
certificates:
  description: The certificates, sorted by id. See RV(certificate) for the fields.
  returned: when O(id) is not given
  type: list
  elements: dict
certificate:
  description: The certificate.
  returned: when O(id) is given and the certificate exists
  type: dict
  contains:
    id:
      description: The certificate id (v3 C(cert-...), the rack's CA C(ca); v2 C(acm-...)).
      type: str
      sample: cert-x7b2k
    domain:
      description: The common name (empty for a pending Let's Encrypt request).
      type: str
      sample: www.example.com
    domains:
      description: The DNS names; null when the certificate has none.
      type: list
      elements: str
    expiration:
      description: When it expires, RFC 3339; C(0001-01-01T00:00:00Z) when not known yet.
      type: str
      sample: "2027-06-01T12:00:00Z"
    status:
      description: Empty, or V(Not Ready) for a Let's Encrypt request not issued yet. v3 only.
      type: str
exists:
  description: Whether the certificate exists.
  returned: when O(id) is given
  type: bool
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name


def main():
    module = ConvoxModule(argument_spec=dict(id=dict(type='str'), generated=dict(type='bool', default=False)),
                          supports_check_mode=True)
    p = module.params
    result = dict(changed=False)
    with module.api_errors(result):
        if p['id'] is not None:
            check_name('certificate', p['id'])
        certificates = snake_keys(module.client.certificate_list(generated=p['generated']))
        if p['id'] is None:
            result['certificates'] = certificates
        else:
            found = next((cert for cert in certificates if cert.get('id') == p['id']), None)
            result['exists'] = found is not None
            if found is not None:
                result['certificate'] = found
    module.exit_json(**result)


if __name__ == '__main__':
    main()
