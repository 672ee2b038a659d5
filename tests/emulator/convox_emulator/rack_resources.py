# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""System (rack) resources: ``/resources`` (convox-api.md 2.6, transcript rows 57-65).

Two generations, two models, chosen by semantics.py:

- ``WebhookResources`` (v3, provider/k8s): webhooks only, kept in the rack's ``webhooks``
  ConfigMap; always ``running``; update, link and unlink are refused. URLs pass the rack's SSRF
  guard (``pkg/validator``), with DNS emulated offline: see ``resolves``.
- ``StackResources`` (v2, provider/aws): one CloudFormation stack per resource, of the kinds in
  ``STACK_KINDS``; ``creating``/``updating``/``deleting`` for the deploy time; syslogs link to apps.

Both keep their resources in ``state.extensions`` (``store_of(state)``) and answer the routes in
areas/resources.py with Resource objects; errors carry each generation's status and words.
"""

import dataclasses
import ipaddress
import re
import secrets
import urllib.parse

from . import golang
from .errors import BadRequest, Conflict, NotFound, ServerError

EXTENSION_KEY = 'rack_resources'
IN_CLUSTER_SUFFIX = '.svc.cluster.local'
# The test rack's cluster resolver, as it appears in Go's "no such host" errors (transcript row 59).
CLUSTER_RESOLVER = '10.255.255.53:53'
NON_ROUTABLE = 'URL resolves to a non-routable address; if you intended an in-cluster Prometheus, use a *%s hostname' % IN_CLUSTER_SUFFIX
UNRESOLVED = ('hostname did not resolve (lookup %%s on %s: no such host); set a publicly resolvable hostname or use a *%s hostname for '
              'in-cluster targets' % (CLUSTER_RESOLVER, IN_CLUSTER_SUFFIX))
# validator.IsBlockedIP: RFC 1918 and ULA (IsPrivate), loopback, link-local unicast and multicast, unspecified, CGNAT.
BLOCKED_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/24', '0.0.0.0/32', '100.64.0.0/10',
    'fc00::/7', '::1/128', 'fe80::/10', 'ff02::/16', '::/128'))
# Top-level domains that never resolve through public DNS (RFC 6761, RFC 6762).
UNRESOLVABLE_TLDS = ('example', 'invalid', 'local', 'test')
HOST_LABEL_RE = re.compile(r'[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\Z', re.IGNORECASE)
CONFIG_KEY_RE = re.compile(r'[-._a-zA-Z0-9]+\Z')
CONFIG_KEY_MESSAGE = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
                      "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
WEBHOOK_TYPE = {'name': 'webhook', 'parameters': [{'default': '', 'description': 'url to which to post rack events', 'name': 'Url'}]}


@dataclasses.dataclass
class Resource:
    """structs.Resource plus what the emulator needs to move it through its statuses."""

    name: str
    type: str
    parameters: dict
    # v2: apps linked to a syslog, in link order.
    apps: list = dataclasses.field(default_factory=list)
    # v2: a stack operation in progress ('creating', 'updating', 'deleting') until until_ns.
    transition: str = ''
    until_ns: int = 0
    # v2: what the stack outputs once created (hosts, generated credentials).
    outputs: dict = dataclasses.field(default_factory=dict)

    @property
    def status(self):
        return self.transition or 'running'

    def to_json(self, url='', apps=None):
        """Go field order; parameters, status and apps (a list of App JSON) are omitempty."""
        data = {'name': self.name}
        if self.parameters:
            data['parameters'] = dict(sorted(self.parameters.items()))
        if self.status:
            data['status'] = self.status
        data.update({'type': self.type, 'url': url})
        if apps:
            data['apps'] = apps
        return data


def _is_blocked(address):
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in BLOCKED_NETWORKS if network.version == address.version)


def resolves(host):
    """Offline DNS: a well-formed name under a public top-level domain resolves (to a public address).

    Single labels, reserved TLDs (``.test``, ``.invalid``, ``.example``, ``.local``) and malformed
    names get Go's ``no such host``; ``*.localhost`` resolves to loopback.
    """
    labels = host.rstrip('.').split('.')
    if len(labels) < 2 or not all(HOST_LABEL_RE.match(label) for label in labels):
        return False
    return labels[-1].isalpha() and labels[-1].lower() not in UNRESOLVABLE_TLDS


def validate_external_url(raw):
    """validator.ValidateExternalURL, with DNS emulated by ``resolves``; returns the problem or None."""
    try:
        parsed = urllib.parse.urlsplit(raw)
        host = parsed.hostname or ''
    except ValueError:
        parsed, host = None, ''
    if parsed is None or parsed.scheme.lower() not in ('http', 'https'):
        return 'URL must use http or https scheme'
    if not parsed.netloc.rpartition('@')[2]:
        return 'URL must include a host (e.g. http://prom.example.com:9090)'
    if host.lower() == 'localhost' or host.lower().endswith('.localhost'):
        return NON_ROUTABLE
    if host.lower().endswith(IN_CLUSTER_SUFFIX):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return NON_ROUTABLE if _is_blocked(address) else None
    if not resolves(host):
        return UNRESOLVED % host
    return None


class ResourceStore:
    """What both generations share: the resources by name and the sorted list."""

    def __init__(self):
        self.resources = {}

    def settle(self, state):
        """Finish stack operations whose time has come (v3 has none)."""

    def list(self, state):
        with state.lock:
            self.settle(state)
            return sorted(self.resources.values(), key=lambda resource: resource.name)

    def get(self, state, name):
        with state.lock:
            self.settle(state)
            resource = self.resources.get(name)
            if resource is None:
                raise self.not_found(state, name)
            return resource

    def not_found(self, state, name):
        raise NotImplementedError

    def render(self, state, resource, listed=False):
        raise NotImplementedError


class WebhookResources(ResourceStore):
    """v3: the only rack resource is a webhook; ``Url`` is its one parameter."""

    def types(self):
        return [WEBHOOK_TYPE]

    def not_found(self, state, name):
        return NotFound('no such resource: %s' % name)

    def render(self, state, resource, listed=False):
        return resource.to_json()

    def create(self, state, kind, name, parameters, _params):
        """SystemResourceCreate: webhook only; name defaults to webhook-<6 hex>; the URL passes the SSRF guard."""
        if kind != 'webhook':
            raise BadRequest('rack resource type unknown: %s' % kind)
        parameters = parameters or {}
        if 'Url' not in parameters:
            raise BadRequest('parameter required: Url')
        url = parameters['Url']
        if not url:
            raise BadRequest('url required')
        problem = validate_external_url(url)
        if problem:
            raise BadRequest('url: %s' % problem)
        name = name or 'webhook-%s' % secrets.token_hex(3)
        if not CONFIG_KEY_RE.match(name):
            # The webhooks ConfigMap takes the name as a key; the API server rejects the update.
            raise ServerError('ConfigMap "webhooks" is invalid: data[%s]: Invalid value: %s: %s' % (name, golang.quote(name), CONFIG_KEY_MESSAGE))
        with state.lock:
            if name in self.resources:
                raise Conflict('webhook already exists: %s' % name)
            self.resources[name] = Resource(name=name, type='webhook', parameters={'Url': url})
            return self.render(state, self.resources[name])

    def update(self, state, name, parameters):
        raise BadRequest('unavailable on v3 racks')

    def link(self, state, name, app_name):
        raise BadRequest('unavailable on v3 racks')

    def unlink(self, state, name, app_name):
        raise BadRequest('unavailable on v3 racks')

    def delete(self, state, name):
        with state.lock:
            self.get(state, name)
            del self.resources[name]


@dataclasses.dataclass(frozen=True)
class StackKind:
    """One v2 resource template: its user parameters (name, default, description) and how its URL reads."""

    parameters: tuple
    # URL schemes a syslog or webhook accepts; None for kinds without a Url parameter.
    url_schemes: tuple = None
    # Which outputs make the URL (see StackResources.url); a kind with a password generates one.
    url_format: str = ''
    host_suffix: str = ''
    port: int = 0


def _param(name, default='', description=''):
    return (name, default, description)


_CACHE_PARAMS = (_param('AutomaticFailoverEnabled', 'false', 'Indicates whether Multi-AZ is enabled. Must be accompanied with NumCacheClusters=2 or higher.'),
                 _param('Database', '0', 'Default database index'), _param('Encrypted', 'false', 'Encrypt at rest and in transit'))
_CACHE_SIZING = (_param('InstanceType', 'cache.t2.micro', 'The type of instance to use'),
                 _param('NumCacheClusters', '1', 'The number of cache clusters for this replication group'))
_RDS_PARAMS = (_param('AllocatedStorage', '20', 'Allocated storage size (GB)'), _param('AllowMajorVersionUpgrade', 'false'),
               _param('AutoMinorVersionUpgrade', 'true'), _param('Database', 'app', 'Default database name'),
               _param('DatabaseSnapshotIdentifier', '', 'ARN of database snapshot to restore'),
               _param('Encrypted', 'false', 'Encrypt database with KMS'), _param('InstanceType', 'db.t3.micro', 'Instance class for database nodes'),
               _param('MultiAZ', 'false', 'Multiple availability zone'), _param('Password', '(generated)', 'Server password'))
# convox/rack provider/aws/templates/resource/*.tmpl, less the rack-supplied parameters (resourceSystemParameters).
STACK_KINDS = {
    'memcached': StackKind((_param('InstanceType', 'cache.t2.micro', 'The type of instance to use'),
                            _param('NumCacheNodes', '1', 'The number of cache clusters for this replication group')),
                           url_format='{host}:{port}', host_suffix='cfg.use1.cache.amazonaws.com', port=11211),
    'mysql': StackKind(_RDS_PARAMS + (_param('EngineVersion', '5.7', 'Version of MySQL'), _param('Username', 'app', 'Server username')),
                       url_format='mysql://{Username}:{Password}@{host}:{port}/{Database}', host_suffix='us-east-1.rds.amazonaws.com', port=3306),
    'postgres': StackKind(_RDS_PARAMS + (_param('BackupRetentionPeriod', '1', 'The automatic RDS backup retention period, (default 1 day)'),
                                         _param('EngineVersion', '12', 'Version of Postgres'), _param('Family', 'postgres12', 'Postgres version family'),
                                         _param('MaxConnections', '', "ParameterGroup max_connections value, i.e. '{DBInstanceClassMemory/15000000}'"),
                                         _param('Username', 'postgres', 'Server username')),
                          url_format='postgres://{Username}:{Password}@{host}:{port}/{Database}', host_suffix='us-east-1.rds.amazonaws.com',
                          port=5432),
    'redis': StackKind(_CACHE_PARAMS + (_param('Engine', 'redis', 'The cache engine to use (redis or valkey)'),
                                        _param('EngineVersion', '7.0', 'The version of the cache engine')) + _CACHE_SIZING,
                       url_format='redis://{host}:{port}/{Database}', host_suffix='use1.cache.amazonaws.com', port=6379),
    's3': StackKind((_param('Topic', '', 'SNS resource name for change notifications'), _param('Versioning', 'false', 'Enable versioning')),
                    url_format='s3://{AccessKey}:{SecretAccessKey}@{stack}'),
    'sns': StackKind((_param('Queue', '', 'SQS resource name to subscribe to this SNS topic'),),
                     url_format='sns://{AccessKey}:{SecretAccessKey}@arn:aws:sns:us-east-1:123456789012:{stack}'),
    'sqs': StackKind((_param('MessageRetentionPeriod', '345600', 'Number of seconds that a message should be retained on the queue'),
                      _param('ReceiveMessageWaitTime', '0', 'Number of seconds that ReceiveMessage should wait for new messages before returning'),
                      _param('VisibilityTimeout', '30', 'Number of seconds that a message should wait for confirmation before being returned to the queue')),
                     url_format='sqs://{AccessKey}:{SecretAccessKey}@sqs.us-east-1.amazonaws.com/123456789012/{stack}'),
    'syslog': StackKind((_param('Format', '<22>1 {DATE} {GROUP} {SERVICE} {CONTAINER} - - {MESSAGE}', 'Syslog format string'),
                         _param('Url', '', "Syslog URL, e.g. 'tcp+tls://logs1.papertrailapp.com:11235'")),
                        url_schemes=('tcp', 'tcp+tls', 'udp')),
    'valkey': StackKind(_CACHE_PARAMS + (_param('EngineVersion', '8.1', 'The version of the cache engine'),) + _CACHE_SIZING,
                        url_format='redis://{host}:{port}/{Database}', host_suffix='use1.cache.amazonaws.com', port=6379),
    'webhook': StackKind((_param('Url', '', 'Webhook URL'),), url_schemes=('http', 'https')),
}
# Parameters that are never shown (resourceFromStack deletes the password).
PRIVATE_PARAMETERS = ('Password',)
STACK_STATUSES = {'creating': 'CREATE_IN_PROGRESS', 'updating': 'UPDATE_IN_PROGRESS', 'deleting': 'DELETE_IN_PROGRESS'}
# Form fields of the v2 "classic" create (type, name and the parameters as top-level fields) that are not parameters.
CLASSIC_FORM_FIELDS = ('kind', 'name', 'parameters', 'type')


def camelize(key):
    """provider/aws camelize: dash-separated words with their first letter upper-cased (``az`` is ``AZ``).

    Go's strings.Title only upper-cases the letters that start words, so ``InstanceType`` stays as it is.
    """
    return ''.join('AZ' if token == 'az' else token[:1].upper() + token[1:] for token in key.split('-'))


def cf_params(source):
    """provider/aws cfParams: keys camelized, an empty value becomes ``false``."""
    return {camelize(key): (value if value != '' else 'false') for key, value in source.items()}


class StackResources(ResourceStore):
    """v2: CloudFormation stacks named ``<rack>-<resource>``; untyped AWS errors (500) in plain text."""

    def types(self):
        """SystemResourceTypes: one entry per template, its user parameters by name."""
        return [{'name': kind, 'parameters': [{'default': default, 'description': description, 'name': name}
                                              for name, default, description in sorted(STACK_KINDS[kind].parameters)]}
                for kind in sorted(STACK_KINDS)]

    def not_found(self, state, name):
        # describeStacks on a missing stack: the AWS SDK error, untyped.
        return ServerError('ValidationError: Stack with id %s-%s does not exist' % (state.semantics.rack_name, name))

    def settle(self, state):
        now = state.clock()
        for name, resource in list(self.resources.items()):
            if resource.transition and now >= resource.until_ns:
                if resource.transition == 'deleting':
                    del self.resources[name]
                else:
                    resource.transition = ''

    def _begin(self, state, resource, transition):
        resource.transition = transition
        resource.until_ns = state.clock() + state.deploy_ns

    def url(self, state, resource):
        """What SystemResourceGet builds from the stack's outputs (empty values while the stack is being created)."""
        kind = STACK_KINDS[resource.type]
        if kind.url_schemes is not None:
            return resource.parameters.get('Url', '')
        values = {}
        if resource.transition != 'creating':
            values.update(resource.parameters)
            values.update(resource.outputs)
            values.update({'stack': '%s-%s' % (state.semantics.rack_name, resource.name), 'port': kind.port})
        return kind.url_format.format_map(_Blank(values))

    def render(self, state, resource, listed=False):
        # SystemResourceList fills Apps on a copy of each entry (a range-variable bug), so only GET shows links.
        apps = None
        if not listed and resource.apps:
            apps = [state.apps[name].to_json(state.semantics, state.router) for name in resource.apps if name in state.apps]
        return resource.to_json(url=self.url(state, resource), apps=apps)

    def create(self, state, kind, name, parameters, params):
        """SystemResourceCreate: name check, kind, URL scheme; the new stack is ``creating`` for the deploy time.

        The classic form (``type`` instead of ``kind``) carries the parameters as top-level fields.
        """
        if not kind and params.form('type'):
            kind = params.form('type')
            if parameters is None:
                parameters = {key: value for key, value in params.form_pairs() if key not in CLASSIC_FORM_FIELDS}
        name = name or '%s-%d' % (kind, 1000 + secrets.randbelow(8999))
        with state.lock:
            self.settle(state)
            if name in self.resources:
                raise ServerError('resource named %s already exists' % name)
            stack_kind = STACK_KINDS.get(kind)
            if stack_kind is None:
                raise ServerError('invalid resource type: %s' % kind)
            requested = cf_params(parameters or {})
            if stack_kind.url_schemes is not None:
                self._check_url(requested.get('Url', ''), stack_kind.url_schemes)
            resource = Resource(name=name, type=kind, parameters=self._parameters(stack_kind, requested))
            resource.outputs = self._outputs(state, resource, stack_kind, requested)
            self._begin(state, resource, 'creating')
            self.resources[name] = resource
            # The create answer is the request as the provider assembled it: no status, no URL yet.
            return {'name': name, 'parameters': dict(sorted(self._visible(stack_kind, requested).items())), 'type': kind, 'url': ''}

    @staticmethod
    def _check_url(url, schemes):
        if not url:
            raise ServerError('must specify a URL')
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in schemes:
            raise ServerError('invalid URL scheme: %s. Allowed schemes are: %s' % (scheme, ', '.join(schemes)))

    @staticmethod
    def _visible(stack_kind, requested):
        """The template's parameters among ``requested`` (filterFormationParameters), less the secret ones."""
        known = {name for name, _default, _description in stack_kind.parameters}
        return {key: value for key, value in requested.items() if key in known and key not in PRIVATE_PARAMETERS}

    def _parameters(self, stack_kind, requested):
        """The stack's parameters as CloudFormation shows them: template defaults, then the request."""
        parameters = {name: default for name, default, _description in stack_kind.parameters if name not in PRIVATE_PARAMETERS}
        parameters.update(self._visible(stack_kind, requested))
        return parameters

    @staticmethod
    def _outputs(state, resource, stack_kind, requested):
        """Stack outputs: a host, generated credentials (a database password unless one was given)."""
        outputs = {'host': '%s-%s.%s.%s' % (state.semantics.rack_name, resource.name, secrets.token_hex(3), stack_kind.host_suffix),
                   'AccessKey': 'AKIA' + secrets.token_hex(8).upper(), 'SecretAccessKey': secrets.token_urlsafe(30)}
        if any(name == 'Password' for name, _default, _description in stack_kind.parameters):
            outputs['Password'] = requested.get('Password') or secrets.token_hex(15)
        return outputs

    def update(self, state, name, parameters):
        """SystemResourceUpdate: answers the resource as it was, then the stack is ``updating``."""
        with state.lock:
            resource = self.get(state, name)
            if resource.transition:
                raise ServerError('ValidationError: Stack:%s-%s is in %s state and can not be updated.'
                                  % (state.semantics.rack_name, name, STACK_STATUSES[resource.transition]))
            answer = self.render(state, resource)
            stack_kind = STACK_KINDS[resource.type]
            changes = self._visible(stack_kind, parameters or {})
            if stack_kind.url_schemes == ('http', 'https'):
                # updateResource re-injects the webhook's current URL: it cannot change.
                changes.pop('Url', None)
            resource.parameters.update(changes)
            if 'Password' in (parameters or {}):
                resource.outputs['Password'] = parameters['Password']
            self._begin(state, resource, 'updating')
            return answer

    def link(self, state, name, app_name):
        """SystemResourceLink: only a syslog has a link strategy; the stack updates."""
        with state.lock:
            resource = self.get(state, name)
            state.app_get(app_name)
            if app_name in resource.apps:
                raise ServerError('resource %s is already linked to app %s' % (name, app_name))
            if resource.type != 'syslog':
                raise ServerError('resource type %s does not have a link strategy' % resource.type)
            resource.apps.append(app_name)
            answer = self.render(state, resource)
            self._begin(state, resource, 'updating')
            return answer

    def unlink(self, state, name, app_name):
        """SystemResourceUnlink: the app is looked up first, then the resource."""
        with state.lock:
            state.app_get(app_name)
            resource = self.get(state, name)
            if app_name not in resource.apps:
                raise ServerError('resource %s is not linked to app %s' % (name, app_name))
            resource.apps.remove(app_name)
            answer = self.render(state, resource)
            self._begin(state, resource, 'updating')
            return answer

    def delete(self, state, name):
        """SystemResourceDelete: refused while an app is linked; the stack shows ``deleting`` until it is gone."""
        with state.lock:
            resource = self.get(state, name)
            linked = [app for app in resource.apps if app in state.apps]
            if linked:
                raise ServerError('resource is linked to %s' % linked[0])
            self._begin(state, resource, 'deleting')


class _Blank(dict):
    """Outputs not there yet format as empty strings, as Go's map lookups do."""

    def __missing__(self, key):
        return ''


def store_of(state):
    """The rack's resource store for its generation (created on first use; reset() drops it)."""
    with state.lock:
        store = state.extensions.get(EXTENSION_KEY)
        if store is None:
            store = state.extensions[EXTENSION_KEY] = state.semantics.rack_resources()
        return store
