# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rack's certificates (convox-api.md 2.8, 3): two models, one per rack generation.

v3 (provider/k8s certificate.go; the aws overlay changes nothing here) keeps certificates as
``kubernetes.io/tls`` Secrets and reads them back on every list:

- upload: a Secret with GenerateName ``cert-`` (id ``cert-`` + 5 characters of Kubernetes' name
  alphabet) holding ``tls.crt`` = pub + "\\n" + chain and ``tls.key``. The Secret is created before
  anything is parsed and the key is never checked (Kubernetes only requires both keys to exist): a
  key that does not match is accepted. Reading the first PEM block back then fails like the Go code:
  no PEM block at all dereferences a nil block (a panic: net/http drops the connection), another
  block type is 500 ``invalid certificate: <id>``, bad DER is 500 ``x509: malformed certificate``.
  The broken Secret stays, so every later list fails the same way until it is deleted.
- generate without an issuer: common.CertificateSelfSigned for exactly one domain (P-256, CN and one
  DNS SAN, 365 days), uploaded as above. ``issuer=letsencrypt``: a cert-manager Certificate
  ``cert-<sha1 of the domains joined by "-">`` (1 to 10 domains, ``duration`` a Go duration, default
  4320h); it answers without an expiration, shows ``Not Ready`` in ``generated`` lists and is issued
  (a Secret of the same name) after the deploy time. Any other issuer: 400 ``invalid issuer``.
- list: the TLS Secrets of the rack namespace (``ca``, the rack's CA on this local-style rack, plus
  uploads and issued Let's Encrypt certificates) and of every app namespace (cert-manager's
  ``cert-<service>`` for each service with a port, ``cert-<service>-domains`` for its custom
  domains, issued when the deploy that introduced them completes). ``generated=true`` lists the rack
  namespace only, plus pending Let's Encrypt certificates. The API sorts by id, case-insensitively.
- delete: any Secret of the rack namespace by name (``registries`` too: that removes every registry);
  anything else is Kubernetes' 500 ``secrets "<id>" not found``. Deleting an issued Let's Encrypt
  Secret makes cert-manager issue it again, since its Certificate remains.
- renew: the v3 CLI passes an app name; the app's ``*-domains`` certificates are issued again. Always ok.
- apply (``PUT /apps/{app}/ssl/{service}/{port}``): 501 ``unimplemented``.

v2 (convox/rack provider/aws certificates.go) keeps them in ACM: uploads are imported (the key must
match; AWS errors are untyped 500s in the SDK's format), ids are ``acm-`` + the ARN's last 12 hex
digits, generate requests a certificate that stays PENDING_VALIDATION (not listed: only ISSUED ones
are), and the JSON has no ``status``.
"""

import dataclasses
import hashlib
import secrets
import uuid

from . import golang, pem
from .errors import BadRequest, ServerError, Unimplemented
from .manifest import ManifestError, parse_manifest
from .routing import AbortConnection

EXTENSION_KEY = 'certificates'
# Kubernetes' GenerateName suffix alphabet and length.
K8S_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
GENERATE_NAME_SUFFIX = 5
RACK_CA_NAME = 'Convox Rack CA'
RACK_CA_SECONDS = 10 * 365 * 24 * 3600
SELF_SIGNED_SECONDS = 365 * 24 * 3600
LETSENCRYPT_DEFAULT_DURATION = '4320h'
LETSENCRYPT_MAX_DOMAINS = 10
# cert-manager's default duration for the certificates it issues for services (2160h).
SERVICE_CERT_SECONDS = 90 * 24 * 3600
_NANOS = 1000000000


def aws_error(code, message, status=400):
    """An AWS SDK v1 error as err.Error() prints it (untyped for the rack, so a 500)."""
    return ServerError('%s: %s\n\tstatus code: %d, request id: %s' % (code, message, status, uuid.uuid4()))


@dataclasses.dataclass
class TlsSecret:
    """A kubernetes.io/tls Secret: only ``tls.crt`` is ever read back; the key is kept, never shown."""

    name: str
    crt: str
    key: str
    created_ns: int

    def facts(self):
        """(domain, domains, expiration ns) as certificateFromSecret reads them, or the Go failure."""
        block = pem.pem_decode(self.crt.encode('utf-8'))
        if block is None:
            # pem.Decode returned nil and pb.Type dereferences it: the handler panics.
            raise AbortConnection()
        block_type, der = block
        if block_type != 'CERTIFICATE':
            raise ServerError('invalid certificate: %s' % self.name)
        try:
            return pem.certificate_facts(der)
        except pem.X509Error as exc:
            raise ServerError(str(exc)) from None

    def to_json(self, status=''):
        domain, domains, expiration = self.facts()
        return certificate_json(self.name, domain, domains, expiration, status)


def certificate_json(cert_id, domain, domains, expiration_ns, status=''):
    """structs.Certificate in field order (v3)."""
    return {'id': cert_id, 'domain': domain, 'domains': list(domains) if domains is not None else None,
            'expiration': golang.format_time(expiration_ns), 'status': status}


@dataclasses.dataclass
class LetsEncryptOrder:
    """A cert-manager Certificate in the rack namespace; its Secret appears once issued."""

    name: str
    domains: list
    duration_seconds: int
    ready_ns: int


@dataclasses.dataclass
class ServiceCertificate:
    """cert-manager's Secret for a service's ingress (``cert-web``) or custom domains (``cert-web-domains``)."""

    app: str
    name: str
    domains: list
    issued_ns: int

    def to_json(self):
        return certificate_json(self.name, self.domains[0] if self.domains else '', self.domains,
                                self.issued_ns // _NANOS * _NANOS + SERVICE_CERT_SECONDS * _NANOS)


def _sort(items):
    # structs.Certificates.Less: ids compared upper-cased (stable here for equal ids in different namespaces).
    return sorted(items, key=lambda item: item['id'].upper())


class KubernetesCertificates:
    """v3: TLS Secrets in the rack and app namespaces, cert-manager Certificates for Let's Encrypt."""

    def __init__(self, state):
        self.secrets = {}
        self.orders = {}
        self.service_certs = {}
        self._ca_issuer = None
        self._add_rack_ca(state)

    def _add_rack_ca(self, state):
        crt, key = pem.generate(RACK_CA_NAME, None, state.clock(), RACK_CA_SECONDS, organization='convox', is_ca=True)
        self.secrets['ca'] = TlsSecret('ca', crt, key, state.clock())
        self._ca_issuer = (crt, key)

    def _issuer(self):
        return pem.load_pair(*self._ca_issuer)

    # ------------------------------------------------------------ time

    def settle(self, state):
        """cert-manager at work: Let's Encrypt orders whose time has come get their Secret."""
        now = state.clock()
        for order in self.orders.values():
            if order.name not in self.secrets and now >= order.ready_ns:
                crt, key = pem.generate(order.domains[0], order.domains, order.ready_ns, order.duration_seconds, issuer=self._issuer(),
                                        organization='')
                self.secrets[order.name] = TlsSecret(order.name, crt, key, state.clock())

    def on_deploy_complete(self, state, app, release):
        """The release's ingress certificates exist once its deploy is done (cert-manager issues them from the template)."""
        wanted = {}
        try:
            services = parse_manifest(release.manifest).services if release is not None and release.manifest.strip() else []
        except ManifestError:
            services = []
        for spec in services:
            if not spec.port:
                continue
            wanted['cert-%s' % spec.name] = ['%s.%s.%s' % (spec.name, app.name, state.semantics.domain)]
            domains = [domain.strip() for domain in spec.domain.split(',') if domain.strip()]
            if domains:
                wanted['cert-%s-domains' % spec.name] = domains
        for key in [key for key in self.service_certs if key[0] == app.name and key[1] not in wanted]:
            del self.service_certs[key]
        for name, domains in wanted.items():
            current = self.service_certs.get((app.name, name))
            if current is None or current.domains != domains:
                self.service_certs[(app.name, name)] = ServiceCertificate(app.name, name, domains, state.clock())

    def on_app_removed(self, _state, app_name):
        for key in [key for key in self.service_certs if key[0] == app_name]:
            del self.service_certs[key]

    # ------------------------------------------------------------ API

    def list(self, state, generated):
        self.settle(state)
        items = [secret.to_json() for secret in self.secrets.values()]
        if generated:
            for order in self.orders.values():
                if order.name not in self.secrets:
                    # A Certificate that is not Ready and has no Secret: its spec has no commonName.
                    items.append(certificate_json(order.name, '', order.domains, None, 'Not Ready'))
            return _sort(items)
        for cert in self.service_certs.values():
            if cert.app in state.apps:
                items.append(cert.to_json())
        return _sort(items)

    def create(self, state, pub, key, chain):
        name = self._generate_name()
        secret = TlsSecret(name, '%s\n%s' % (pub, chain or ''), key, state.clock())
        # The Secret exists from here on, whatever reading it back says.
        self.secrets[name] = secret
        return secret.to_json()

    def _generate_name(self):
        while True:
            name = 'cert-' + ''.join(secrets.choice(K8S_NAME_ALPHABET) for _position in range(GENERATE_NAME_SUFFIX))
            if name not in self.secrets:
                return name

    def generate(self, state, domains, issuer, duration):
        if issuer is None:
            if len(domains) != 1:
                raise BadRequest('must specify only one domain')
            crt, key = pem.generate(domains[0], [domains[0]], state.clock(), SELF_SIGNED_SECONDS)
            return self.create(state, crt, key, None)
        if issuer != 'letsencrypt':
            raise BadRequest('invalid issuer')
        if len(domains) > LETSENCRYPT_MAX_DOMAINS:
            raise BadRequest('can not specify more than 10 domain name')
        try:
            duration_ns = golang.parse_duration(duration if duration is not None else LETSENCRYPT_DEFAULT_DURATION)
        except golang.GoError as exc:
            raise BadRequest('invalid duration: %s' % exc) from None
        domains = [domain.strip() for domain in domains]
        name = 'cert-%s' % hashlib.sha1('-'.join(domains).encode('utf-8')).hexdigest()
        if name in self.orders:
            raise ServerError('certificates.cert-manager.io %s already exists' % golang.quote(name))
        self.orders[name] = LetsEncryptOrder(name, domains, max(duration_ns // _NANOS, 1), state.clock() + state.deploy_ns)
        return certificate_json(name, domains[0], domains, None)

    def delete(self, state, cert_id):
        self.settle(state)
        if cert_id == 'registries' and state.extensions.get('registries'):
            # The registries' docker config is a Secret of the rack namespace too.
            state.extensions['registries'].clear()
            return
        if cert_id not in self.secrets:
            raise ServerError('secrets %s not found' % golang.quote(cert_id))
        del self.secrets[cert_id]
        order = self.orders.get(cert_id)
        if order is not None:
            # The Certificate is still there: cert-manager sees its Secret missing and issues it again.
            order.ready_ns = state.clock() + state.deploy_ns

    def renew(self, state, app_name):
        for cert in self.service_certs.values():
            if cert.app == app_name and '-domains' in cert.name:
                cert.issued_ns = state.clock()

    def apply(self, state, app_name, service, port, cert_id):
        raise Unimplemented('unimplemented')


@dataclasses.dataclass
class AcmCertificate:
    arn: str
    domain: str
    domains: list
    expiration_ns: int
    status: str

    @property
    def id(self):
        return 'acm-%s' % self.arn.rsplit('-', 1)[-1]

    def to_json(self):
        return {'id': self.id, 'domain': self.domain, 'domains': self.domains, 'expiration': golang.format_time(self.expiration_ns)}


class AcmCertificates:
    """v2: ACM certificates (IAM server certificates are listed by a real rack too; the emulator has none)."""

    def __init__(self, _state):
        self.certificates = {}

    def settle(self, _state):
        """ACM needs the domain owner to validate a requested certificate: nothing here ever does."""

    def on_deploy_complete(self, state, app, release):
        """v2 services' certificates live on their load balancers, not in this list."""

    def on_app_removed(self, _state, _app_name):
        """Nothing per app."""

    @staticmethod
    def _new_arn():
        return 'arn:aws:acm:us-east-1:123456789012:certificate/%s' % uuid.uuid4()

    def list(self, _state, _generated):
        return _sort([cert.to_json() for cert in self.certificates.values() if cert.status == 'ISSUED'])

    def create(self, _state, pub, key, chain):
        """ACM ImportCertificate: one PEM certificate whose key is given and matches."""
        body = pub.encode('utf-8')
        block = pem.pem_decode(body)
        if block is None or block[0] != 'CERTIFICATE':
            raise aws_error('ValidationException', 'Unable to parse certificate. Please ensure the certificate is in PEM format.')
        if body.count(b'-----BEGIN CERTIFICATE-----') > 1:
            raise aws_error('ValidationException', 'The certificate field contains more than one certificate. You can specify only one '
                                                   'certificate in this field.')
        try:
            common_name, dns_names, expiration = pem.certificate_facts(block[1])
        except pem.X509Error:
            raise aws_error('ValidationException', 'Unable to parse certificate. Please ensure the certificate is in PEM format.') from None
        if not key:
            raise aws_error('InvalidParameter', '1 validation error(s) found.\n- minimum field size of 1, ImportCertificateInput.PrivateKey.\n')
        if not pem.key_matches(pub, key):
            raise aws_error('ValidationException', 'The private key is not supported or does not match the certificate.')
        if chain and pem.pem_decode(chain.encode('utf-8')) is None:
            raise aws_error('ValidationException', 'Unable to parse certificate chain. Please ensure the chain is in PEM format.')
        cert = AcmCertificate(self._new_arn(), common_name or (dns_names or [''])[0], list(dns_names or [common_name]), expiration, 'ISSUED')
        self.certificates[cert.arn] = cert
        return cert.to_json()

    def generate(self, _state, domains, _issuer, _duration):
        """ACM RequestCertificate: the first domain is the DomainName, the rest SANs; the answer has only id and domain."""
        if not domains[0]:
            raise ServerError('InvalidParameter: 1 validation error(s) found.\n- minimum field size of 1, RequestCertificateInput.DomainName.\n')
        cert = AcmCertificate(self._new_arn(), domains[0], list(domains), None, 'PENDING_VALIDATION')
        self.certificates[cert.arn] = cert
        return {'id': cert.id, 'domain': cert.domain, 'domains': None, 'expiration': golang.ZERO_TIME}

    def delete(self, _state, cert_id):
        if cert_id.startswith('acm'):
            parts = cert_id.split('-')
            if len(parts) < 2:
                raise ServerError('invalid certificate id')
            for arn in list(self.certificates):
                if arn.endswith(parts[1]):
                    del self.certificates[arn]
                    return
            raise ServerError('certificate not found')
        raise aws_error('NoSuchEntity', 'The Server Certificate with name %s cannot be found.' % cert_id, status=404)

    def renew(self, _state, _app_name):
        """v2 has no renew route."""

    def apply(self, state, app_name, service, port, cert_id):
        """CertificateApply: generation 2 apps take certificates through convox.yml; generation 1 updates the app's stack."""
        app = state.app_get(app_name)
        if (app.generation or '2') == '2':
            raise ServerError('generation 2 apps use the domain: attribute on services in convox.yml')
        state.app_rollout(app_name)


def store_of(state):
    """The rack's certificate store (created on first use with the generation's model; reset() drops it)."""
    with state.lock:
        store = state.extensions.get(EXTENSION_KEY)
        if store is None:
            store = state.extensions[EXTENSION_KEY] = state.semantics.admin.certificates(state)
        return store


def _on_deploy_complete(state, app, release):
    store_of(state).on_deploy_complete(state, app, release)


def _on_app_removed(state, app_name):
    store = state.extensions.get(EXTENSION_KEY)
    if store is not None:
        store.on_app_removed(state, app_name)


def attach(state):
    with state.lock:
        if _on_deploy_complete not in state.on_deploy_complete:
            state.on_deploy_complete.append(_on_deploy_complete)
        if _on_app_removed not in state.on_app_removed:
            state.on_app_removed.append(_on_app_removed)
