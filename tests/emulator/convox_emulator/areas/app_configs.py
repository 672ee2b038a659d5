# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App configs: ``/apps/{app}/configs`` (v3 only; provider/k8s app.go AppConfig*; transcript row 55).

A config is a Secret ``cfg-<name>`` in the app's namespace holding the decoded bytes. PUT takes the
value base64-encoded in ``value`` (c.Value: form, then header) and fails with 400
``failed to parse base 64 value: illegal base64 data at input byte N``; GET answers it decoded.
Nothing checks the app: a list in a missing namespace is empty (``[]``), a get there is 404
``app config not found: <name>`` like any missing config, and a set is the API server's refusal
(500 ``failed to set config: namespaces "<rack>-<app>" not found``). Names must make a valid Secret
name. Lists come in Kubernetes' order (by name). The CLI keeps its env mask in ``cli-env-mask``
(base64 of comma-separated keys).
"""

import re

from .. import golang, render
from ..errors import BadRequest, NotFound, ServerError

EXTENSION_KEY = 'app_configs'
_SUBDOMAIN_LABEL = r'[a-z0-9]([-a-z0-9]*[a-z0-9])?'
_SUBDOMAIN_RE = re.compile(r'%s(\.%s)*\Z' % (_SUBDOMAIN_LABEL, _SUBDOMAIN_LABEL))
_SUBDOMAIN_MESSAGE = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
                      "end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def configs_of(state):
    """{app: {name: bytes}}; an app's configs go with its namespace."""
    with state.lock:
        configs = state.extensions.get(EXTENSION_KEY)
        if configs is None:
            configs = state.extensions[EXTENSION_KEY] = {}
        return configs


def _on_app_removed(state, app_name):
    state.extensions.get(EXTENSION_KEY, {}).pop(app_name, None)


def _value_json(name, data):
    # string(bytes) then encoding/json: invalid UTF-8 becomes U+FFFD.
    return {'name': name, 'value': data.decode('utf-8', errors='replace')}


async def config_list(ctx):
    state = ctx.state
    with state.lock:
        state.settle()
        configs = configs_of(state).get(ctx.var('app'), {})
        return render.json_response([_value_json(name, configs[name]) for name in sorted(configs, key=lambda name: name.encode('utf-8'))])


async def config_get(ctx):
    state, name = ctx.state, ctx.var('name')
    with state.lock:
        state.settle()
        data = configs_of(state).get(ctx.var('app'), {}).get(name)
        if data is None:
            raise NotFound('app config not found: %s' % name)
        return render.json_response(_value_json(name, data))


async def config_set(ctx):
    state, app_name, name = ctx.state, ctx.var('app'), ctx.var('name')
    try:
        data = golang.b64decode_std(ctx.params.value('value'))
    except golang.GoError as exc:
        raise BadRequest('failed to parse base 64 value: %s' % exc) from None
    with state.lock:
        state.settle()
        secret = 'cfg-%s' % name
        app = state.apps.get(app_name)
        configs = configs_of(state)
        if app is None:
            raise ServerError('failed to set config: namespaces %s not found' % golang.quote(state.app_namespace(app_name)))
        if len(secret) > 253 or not _SUBDOMAIN_RE.match(secret):
            problem = 'must be no more than 253 characters' if len(secret) > 253 else _SUBDOMAIN_MESSAGE
            raise ServerError('failed to set config: Secret %s is invalid: metadata.name: Invalid value: %s: %s'
                              % (golang.quote(secret), golang.quote(secret), problem))
        if name not in configs.get(app_name, {}) and app.transition == 'deleting':
            raise ServerError('failed to set config: secrets %s is forbidden: unable to create new content in namespace %s because it is '
                              'being terminated' % (golang.quote(secret), state.app_namespace(app_name)))
        configs.setdefault(app_name, {})[name] = data
    return render.ok_response()


def register(router, state):
    if 'configs' not in state.semantics.admin.features:
        return
    with state.lock:
        if _on_app_removed not in state.on_app_removed:
            state.on_app_removed.append(_on_app_removed)
    router.route('GET', '/apps/{app}/configs', config_list)
    router.route('GET', '/apps/{app}/configs/{name}', config_get)
    router.route('PUT', '/apps/{app}/configs/{name}', config_set)
