#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_certificate
short_description: Upload, generate or delete a Convox rack's TLS certificates
version_added: 1.0.0
description:
  - Uploads a certificate with its private key (C(convox certs import)), has the rack generate one for O(domains)
    (C(convox certs generate)) - self-signed, or from Let's Encrypt with O(issuer=letsencrypt) - or deletes one
    (C(convox certs delete)).
  - Uploads are checked on the host running the module before anything is sent - PEM and X.509 structure, and that
    the key belongs to the certificate - since a v3 rack stores whatever it gets, and a malformed upload breaks its
    certificate list until it is deleted.
  - A rack never shows a certificate itself, only its id, names and expiry, so a re-run recognises the certificate by
    those; see the notes for exactly what counts as the same certificate.
author:
  - Convox collection maintainers (@convox-community)
options:
  certificate:
    description:
      - The certificate to upload, PEM. The first certificate is the leaf; any that follow are taken as its chain
        (so a C(fullchain.pem) works as it is).
      - Mutually exclusive with O(certificate_path) and O(generate).
    type: str
  certificate_path:
    description:
      - A file on the host running the module holding O(certificate).
    type: path
  private_key:
    description:
      - The private key of the certificate, PEM - unencrypted RSA (C(RSA PRIVATE KEY)), EC (C(EC PRIVATE KEY)) or
        PKCS#8 (C(PRIVATE KEY)). Never shown.
      - Required for an upload, with O(private_key_path) as the alternative.
    type: str
  private_key_path:
    description:
      - A file on the host running the module holding O(private_key). Its content is never shown.
    type: path
  chain:
    description:
      - Intermediate certificates, PEM, sent after those that follow the leaf in O(certificate).
    type: str
  chain_path:
    description:
      - A file on the host running the module holding O(chain).
    type: path
  generate:
    description:
      - Have the rack make the certificate for O(domains) instead of uploading one.
    type: bool
    default: false
  domains:
    description:
      - The domain names of a generated certificate (a leading C(*.) for a wildcard).
      - Self-signed certificates (no O(issuer)) on v3 racks are for exactly one domain and valid 365 days; Let's Encrypt
        certificates for 1 to 10 domains. v2 racks request the certificate from AWS Certificate Manager.
    type: list
    elements: str
  issuer:
    description:
      - Who issues a generated certificate - omitted, the rack signs it itself (self-signed); V(letsencrypt), the rack's
        cert-manager obtains it from Let's Encrypt (v3 racks, which need their Let's Encrypt DNS solvers configured
        for names not served by the rack's router).
    type: str
    choices: [letsencrypt]
  duration:
    description:
      - The lifetime of a Let's Encrypt certificate, as a Go duration (V(2160h)); the rack's default is V(4320h).
    type: str
  id:
    description:
      - With O(state=absent), the id of the certificate to delete, as the rack lists it (see M(convox.convox.convox_certificate_info)).
      - Instead of O(id), O(state=absent) also takes the same O(certificate) (or O(certificate_path)), or the same
        O(generate) and O(domains), as the task that created it, and deletes every certificate that is the same. The
        task that uploaded it works with O(state=absent) as it is - O(private_key) and O(chain) are then not used (not
        even read).
    type: str
  state:
    description:
      - V(present) uploads or generates the certificate unless the rack already has it; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
requirements:
  - cryptography (optional) - when installed, uploads are also parsed by it, which is stricter than the module's own
    standard-library checks; without it those checks alone decide.
notes:
  - >-
    The same uploaded certificate - a certificate of the rack's own namespace (v3: what M(convox.convox.convox_certificate_info)
    lists with O(convox.convox.convox_certificate_info#module:generated=true); v2: any) whose expiry equals the leaf's C(notAfter) to the second, and
    whose names (its common name and DNS names together, compared without case) equal the leaf's. The rack never shows
    the certificate's bytes or its chain, so these are not compared - re-uploading the same certificate with another
    chain changes nothing (the key must belong to the certificate anyway), and two certificates with the same names
    and the same expiry second are taken for one. The leaf's SHA-256 fingerprint is returned, computed from what was
    given.
  - >-
    The same generated certificate - a certificate of the rack's own namespace with exactly O(domains) as its names
    that has not expired, or, with O(issuer=letsencrypt), the request the rack names after those domains
    (C(cert-<sha1 of the domains joined by "-">)), issued or pending. An expired one is replaced by a new one (the
    old one stays until deleted). Domains in another order are another Let's Encrypt request.
    The rack does not say which certificates it made itself, so an uploaded certificate with exactly those names is
    the same self-signed one too - O(generate) then makes none, and O(state=absent) with O(generate) deletes the
    uploaded one as well. Delete by O(id) where both may exist.
  - Replacing a certificate is uploading the new one (a new id) and deleting the old one by O(id).
  - v2 racks list a requested ACM certificate only once AWS has issued it (after DNS validation); until then a re-run
    cannot see it and requests another one.
  - >-
    With O(wait), a Let's Encrypt certificate is waited for until it is issued (no longer C(Not Ready)). Deleting an
    issued Let's Encrypt certificate deletes the certificate, not the request - cert-manager issues it again - and
    the certificates that cert-manager keeps for services (C(cert-<service>)) cannot be deleted through the API.
seealso:
  - module: convox.convox.convox_certificate_info
"""

EXAMPLES = r"""
- name: Upload the certificate of a domain before it goes live
  convox.convox.convox_certificate:
    certificate_path: /etc/ssl/acme/www.example.com/fullchain.pem
    private_key_path: /etc/ssl/acme/www.example.com/privkey.pem
  register: www_cert

- name: The same from the vault, with a separate chain
  convox.convox.convox_certificate:
    certificate: "{{ vault_www_cert }}"
    private_key: "{{ vault_www_key }}"
    chain: "{{ vault_intermediates }}"

- name: A Let's Encrypt certificate for two names, waited for until it is issued
  convox.convox.convox_certificate:
    generate: true
    issuer: letsencrypt
    domains: [api.example.com, www.example.com]
    duration: 2160h

- name: A self-signed certificate for an internal name
  convox.convox.convox_certificate:
    generate: true
    domains: [internal.example.com]

- name: Delete the certificate that was uploaded above
  convox.convox.convox_certificate:
    id: "{{ www_cert.certificate.id }}"
    state: absent
"""

RETURN = r"""
certificate:
  description: The certificate as the rack lists it. Absent after O(state=absent), and in check mode before it exists.
  returned: with O(state=present), when the certificate exists
  type: dict
  contains:
    id:
      description: The certificate id (v3 C(cert-...), v2 C(acm-...)).
      type: str
      sample: cert-x7b2k
    domain:
      description: The common name (empty for a pending Let's Encrypt certificate).
      type: str
      sample: www.example.com
    domains:
      description: The DNS names; null when the certificate has none.
      type: list
      elements: str
      sample: [www.example.com, example.com]
    expiration:
      description: When it expires, RFC 3339; C(0001-01-01T00:00:00Z) until a requested certificate is issued.
      type: str
      sample: "2027-06-01T12:00:00Z"
    status:
      description: Empty, or V(Not Ready) for a Let's Encrypt certificate not issued yet (v3 only).
      type: str
    fingerprint:
      description: The SHA-256 fingerprint of the uploaded leaf certificate's DER, lowercase hex (uploads only).
      type: str
      sample: 3f2a...e9
deleted:
  description: The ids of the certificates deleted (or that would be, in check mode).
  returned: with O(state=absent)
  type: list
  elements: str
  sample: [cert-x7b2k]
last_status:
  description: The last status seen when waiting for a Let's Encrypt certificate failed or timed out.
  returned: when a wait failed
  type: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

import hashlib
import re
import time

from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxConfigError,
    ConvoxConnectionError,
    ConvoxFileError,
    ConvoxServerError,
)
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._pem import (
    CERTIFICATE,
    check_upload,
    parse_certificate,
    private_key_texts,
    read_pem,
)
from ansible_collections.convox.convox.plugins.module_utils._state import DesiredState, Field
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name, format_time, parse_duration, parse_time

# The rack's own certificate authority (local racks): deleting it breaks the rack.
RACK_CA_ID = 'ca'
NOT_READY = 'Not Ready'
LETSENCRYPT_MAX_DOMAINS = 10
_DOMAIN = re.compile(r'^(\*\.)?([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\Z')
_GO_DURATION = re.compile(r'^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))*\Z')
# Far more than any certificate, chain or key: a bigger file (or a device such as /dev/zero) is not read whole.
MAX_PEM_FILE_BYTES = 1024 * 1024
UPLOAD_INPUTS = ('certificate', 'certificate_path', 'private_key', 'private_key_path', 'chain', 'chain_path')
GENERATE_INPUTS = ('domains', 'issuer', 'duration')


def listed_names(cert):
    """A listed certificate's names (common name and DNS names), lowercased."""
    return sorted(set(name.lower() for name in [cert.get('domain') or ''] + list(cert.get('domains') or []) if name))


def canonical_time(value):
    seconds = parse_time(value)
    return format_time(seconds) if seconds is not None else None


FIELDS = [Field('names', read=listed_names), Field('expiration', normalize=canonical_time)]


def letsencrypt_id(domains):
    """The id a v3 rack gives a Let's Encrypt request: ``cert-`` and the SHA-1 of the domains joined by ``-``."""
    return 'cert-%s' % hashlib.sha1('-'.join(domains).encode('utf-8')).hexdigest()


def read_input(module, name):
    """The text of an option, or of the file its ``_path`` twin names (registered as a secret for the key)."""
    text, path = module.params[name], module.params[name + '_path']
    if path is not None:
        try:
            with open(path, 'rb') as handle:
                data = handle.read(MAX_PEM_FILE_BYTES + 1)
            if len(data) > MAX_PEM_FILE_BYTES:
                raise ConvoxFileError('%s_path %s is larger than %d bytes: not a PEM certificate or key' % (name, path, MAX_PEM_FILE_BYTES))
            text = data.decode('utf-8')
        except (IOError, OSError) as error:
            raise ConvoxFileError('cannot read %s_path %s: %s' % (name, path, error.strerror or error)) from None
        except UnicodeDecodeError:
            raise ConvoxFileError('%s_path %s is not PEM text (not UTF-8)' % (name, path)) from None
    if name == 'private_key' and text:
        module.register_secrets([text, text.strip()])
    return text


def check_options(module):
    p = module.params
    given = dict((name, p[name] is not None) for name in UPLOAD_INPUTS + GENERATE_INPUTS + ('id',))
    for name in ('certificate', 'private_key', 'chain'):
        if given[name] and given[name + '_path']:
            raise ConvoxConfigError('%s and %s_path are mutually exclusive' % (name, name))
    if p['generate']:
        extra = [name for name in UPLOAD_INPUTS if given[name]]
        if extra:
            raise ConvoxConfigError('generate makes the certificate on the rack; %s cannot be given with it' % ', '.join(extra))
        if not p['domains']:
            raise ConvoxConfigError('generate needs domains')
        for domain in p['domains']:
            if not _DOMAIN.match(domain or '') or len(domain) > 253:
                raise ConvoxConfigError('invalid domain %r: a domain name, optionally starting with *.' % domain)
        if len(set(domain.lower() for domain in p['domains'])) != len(p['domains']):
            raise ConvoxConfigError('domains lists a name twice')
        if p['duration'] is not None and p['issuer'] is None:
            raise ConvoxConfigError('duration applies to Let\'s Encrypt certificates only (issuer=letsencrypt)')
        if p['duration'] is not None and not _GO_DURATION.match(p['duration']):
            raise ConvoxConfigError('invalid duration %r: a Go duration such as 2160h or 90h30m' % p['duration'])
        if p['duration'] is not None:
            # Within what Go reads (the rack parses it): a longer one is refused here, not by the rack after the check.
            parse_duration(p['duration'], 'duration')
        if p['issuer'] == 'letsencrypt' and len(p['domains']) > LETSENCRYPT_MAX_DOMAINS:
            raise ConvoxConfigError('a Let\'s Encrypt certificate is for at most %d domains' % LETSENCRYPT_MAX_DOMAINS)
    else:
        extra = [name for name in GENERATE_INPUTS if given[name]]
        if extra:
            raise ConvoxConfigError('%s apply to generated certificates only (generate=true)' % ', '.join(extra))
    if p['state'] == 'present':
        if given['id']:
            raise ConvoxConfigError('id selects a certificate to delete (state=absent)')
        if not p['generate'] and not (given['certificate'] or given['certificate_path']):
            raise ConvoxConfigError('state=present needs certificate (or certificate_path) and private_key (or private_key_path), '
                                    'or generate=true with domains')
        if not p['generate'] and not (given['private_key'] or given['private_key_path']):
            raise ConvoxConfigError('an upload needs private_key (or private_key_path)')
    else:
        ways = [given['id'], given['certificate'] or given['certificate_path'], bool(p['generate'])]
        if sum(ways) != 1:
            raise ConvoxConfigError('state=absent needs one of id, certificate (or certificate_path), or generate with domains')
        if given['id']:
            check_name('certificate', p['id'])
            if p['id'] == RACK_CA_ID:
                raise ConvoxConfigError("'ca' is the rack's own certificate authority; it is not deleted")


def misplaced_keys(params):
    """Private keys written into the certificate or chain options (a combined PEM): secrets, though those
    options are not no_log (ConvoxModule secret_params)."""
    return [text for name in ('certificate', 'chain') for text in private_key_texts(params.get(name))]


def now():
    return int(time.time())


def same_upload(leaf):
    names = sorted(name.lower() for name in leaf.names)
    return lambda cert: listed_names(cert) == names and parse_time(cert.get('expiration')) == leaf.not_after


def same_generated(domains, issuer, present):
    """Matches the generated certificate; ``present`` also asks for one still valid (or pending)."""
    names = sorted(domain.lower() for domain in domains)
    if issuer == 'letsencrypt':
        wanted = letsencrypt_id(domains)
        return lambda cert: cert.get('id') == wanted

    def matches(cert):
        if listed_names(cert) != names or cert.get('status') == NOT_READY:
            return False
        expires = parse_time(cert.get('expiration'))
        return not present or (expires is not None and expires > now())
    return matches


def list_certificates(client):
    """The rack's own certificates (v3: its namespace; v2: all), with advice when a stored one breaks the list."""
    try:
        return client.certificate_list(generated=True)
    except ConvoxServerError as error:
        if error.message.startswith('invalid certificate: ') or error.message.startswith('x509:'):
            error.hint = ('a malformed certificate stored on the rack breaks its certificate list until it is deleted '
                          '(state=absent with its id)')
        raise


def wait_issued(module, client, cert_id):
    def read():
        return next((cert for cert in client.certificate_list(generated=True) if cert.get('id') == cert_id), None)
    return module.waiter().until(read, done=lambda cert: cert is not None and cert.get('status') != NOT_READY,
                                 status=lambda cert: 'missing' if cert is None else (cert.get('status') or 'issued'),
                                 what="certificate %s to be issued by Let's Encrypt" % cert_id)


def present(module, state, client):
    p = module.params
    upload = None
    if p['generate']:
        matches = same_generated(p['domains'], p['issuer'], True)
        desired = dict(names=sorted(domain.lower() for domain in p['domains']))
    else:
        upload = check_upload(read_input(module, 'certificate'), read_input(module, 'private_key'), read_input(module, 'chain'))
        module.register_secrets([upload.private_key, upload.private_key.strip()])
        for warning in upload.warnings:
            module.warn(warning)
        matches = same_upload(upload.leaf)
        desired = dict(names=sorted(name.lower() for name in upload.leaf.names), expiration=format_time(upload.leaf.not_after))
    current = next((cert for cert in list_certificates(client) if matches(cert)), None)
    plan = state.plan(current, desired)
    cert = current
    if plan.action == 'create':
        if p['generate']:
            cert = generate(module, state, client)
        else:
            cert = state.write(client.certificate_upload, upload.certificate, upload.private_key, upload.chain)
            if cert is not None:
                state.verify(cert, 'the uploaded certificate')
    elif current is not None and current.get('status') == NOT_READY and p['wait'] and not module.check_mode:
        # Requested earlier without waiting: wait for it now.
        cert = wait_issued(module, client, current['id'])
    if cert is not None:
        state.facts['certificate'] = snake_keys(cert)
        if upload is not None:
            state.facts['certificate']['fingerprint'] = upload.leaf.fingerprint


def generate(module, state, client):
    p = module.params
    v2 = client.rack_generation() == 2
    if v2 and (p['issuer'] or p['duration']):
        raise ConvoxConfigError('v2 racks request certificates from AWS Certificate Manager; issuer and duration do not apply')
    if not v2 and p['issuer'] is None and len(p['domains']) != 1:
        raise ConvoxConfigError('a self-signed certificate is for exactly one domain (v3 racks); use issuer=letsencrypt for more')
    if v2:
        module.warn('v2 racks list a requested certificate only once AWS has issued it: until then, running this task again '
                    'requests another one')
    cert = state.write(client.certificate_generate, p['domains'], issuer=p['issuer'], duration=p['duration'])
    if cert is None:
        return None
    if p['issuer'] == 'letsencrypt' and p['wait']:
        return wait_issued(module, client, cert['id'])
    if p['issuer'] is None and not v2:
        state.verify(cert, 'the generated certificate')
    return cert


def absent(module, state, client):
    p = module.params
    state.facts['deleted'] = []
    if p['id'] is not None:
        try:
            certs = client.certificate_list()
        except (ConvoxServerError, ConvoxConnectionError) as error:
            # A malformed certificate breaks the rack's list until it is deleted: delete by id without it.
            return delete_unlisted(module, state, client, p['id'], error)
        targets = [cert for cert in certs if cert.get('id') == p['id']][:1]
    else:
        if p['generate']:
            matches = same_generated(p['domains'], p['issuer'], False)
        else:
            matches = same_upload(check_upload_identity(module))
        targets = [cert for cert in list_certificates(client) if matches(cert)]
        pending = [cert['id'] for cert in targets if cert.get('status') == NOT_READY]
        if pending:
            module.warn("Let's Encrypt request %s is not issued yet: there is no certificate to delete, and the API cannot "
                        "remove the request" % ', '.join(pending))
        targets = [cert for cert in targets if cert.get('status') != NOT_READY]
        if targets and p['issuer'] == 'letsencrypt':
            module.warn("cert-manager issues a deleted Let's Encrypt certificate again: the API cannot remove its request")
    state.plan(targets[0] if targets else None, {}, present=False)
    for cert in targets:
        state.facts['deleted'].append(cert['id'])
        try:
            state.write(client.certificate_delete, cert['id'])
        except ConvoxServerError as error:
            if is_missing_secret(error, cert['id']):
                error.hint = ("the certificates cert-manager keeps for services live in the apps' namespaces and cannot be "
                              "deleted through the API")
            raise
    return None


def check_upload_identity(module):
    """The leaf of the certificate option for state=absent: only the certificate is needed (no key)."""
    blocks = read_pem(read_input(module, 'certificate'), 'certificate')
    if blocks[0][0] != CERTIFICATE:
        raise ConvoxConfigError('certificate must start with a CERTIFICATE block')
    return parse_certificate(blocks[0][1], 'the certificate')


def delete_unlisted(module, state, client, cert_id, list_error):
    doing = 'would delete' if module.check_mode else 'deleting'
    module.warn('the rack could not list its certificates (%s); %s %s without checking that it exists' % (list_error, doing, cert_id))
    gone = False
    if not module.check_mode:
        try:
            state.write(client.certificate_delete, cert_id)
        except ConvoxServerError as error:
            if not is_missing_secret(error, cert_id):
                raise
            gone = True  # it did not exist after all
    state.plan(None if gone else dict(id=cert_id), {}, present=False)
    state.facts['deleted'] = [] if gone else [cert_id]
    state.facts['changed'] = not gone


def is_missing_secret(error, cert_id):
    """v3's answer to a delete of a certificate that is not in the rack's namespace."""
    return 'secrets "%s" not found' % cert_id in error.message


def main():
    module = ConvoxModule(
        argument_spec=dict(
            certificate=dict(type='str'),
            certificate_path=dict(type='path'),
            private_key=dict(type='str', no_log=True),
            private_key_path=dict(type='path', no_log=False),
            chain=dict(type='str'),
            chain_path=dict(type='path'),
            generate=dict(type='bool', default=False),
            domains=dict(type='list', elements='str'),
            issuer=dict(type='str', choices=['letsencrypt']),
            duration=dict(type='str'),
            id=dict(type='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        wait=True,
        secret_params=misplaced_keys,
        supports_check_mode=True,
    )
    state = DesiredState(module, FIELDS)
    with module.api_errors(state.facts):
        check_options(module)
        client = module.client
        if module.params['state'] == 'present':
            present(module, state, client)
        else:
            absent(module, state, client)
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
