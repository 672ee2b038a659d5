# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private registries and the registry proxy (convox-api.md 2.8; transcript rows 69-71).

v3 (provider/k8s registry.go) keeps one docker config Secret ``registries`` in the rack namespace:

- ``POST /registries``: ``server``, ``username``, ``password`` through c.Value (form, then header), no
  checks at all (an empty server is a key like any other); adding a server again overwrites it. The
  answer echoes the three values.
- ``GET /registries``: every server with its username and password **in clear**, sorted by server.
  The auth is stored as base64("user:pass") and split at the first colon when read back, so a
  username containing ``:`` reads back cut there (the rest joins the password).
- ``DELETE /registries/{server}`` (the server may contain slashes): 404 ``no such registry: <server>``.
- ``/v2/{path}`` (any method): ``/v2/`` answers 200 with ``Docker-Distribution-Api-Version:
  registry/2.0`` and no body; ``/v2/<rack>/<app>/...`` proxies to the app's image repository, which
  the emulator does not have: a missing app is 403 ``{"errors":[{"message":"app not found: <app>"}]}``
  (the message itself is that JSON text), an existing one gets the reverse proxy's 502 with no body.

v2 (convox/rack provider/aws registries.go) stores each registry in the settings bucket: blank
fields are 500 ``<field> must not be blank`` and removing an unknown server answers ok. The old
``DELETE /registries?server=`` form belongs to racks up to 20180708231844, which are not modelled:
here it is the router's 405 on both generations.
"""

from .. import golang, render
from ..errors import Forbidden, NotFound, ServerError
from ..routing import BARE_KEY

EXTENSION_KEY = 'registries'


def registries_of(state):
    """{server: "user:pass"}: the docker config's auths (base64 there, plain here)."""
    with state.lock:
        registries = state.extensions.get(EXTENSION_KEY)
        if registries is None:
            registries = state.extensions[EXTENSION_KEY] = {}
        return registries


async def registry_add(ctx):
    server, username, password = (ctx.params.value(name) for name in ('server', 'username', 'password'))
    if ctx.semantics.admin.registry_requires_fields:
        for field, value in (('server', server), ('username', username), ('password', password)):
            if value == '':
                raise ServerError('%s must not be blank' % field)
    with ctx.state.lock:
        registries_of(ctx.state)[server] = '%s:%s' % (username, password)
    return render.json_response({'server': server, 'username': username, 'password': password})


async def registry_list(ctx):
    with ctx.state.lock:
        registries = dict(registries_of(ctx.state))
    listed = []
    for server in sorted(registries, key=lambda server: server.encode('utf-8')):
        username, _sep, password = registries[server].partition(':')
        listed.append({'server': server, 'username': username, 'password': password})
    return render.json_response(listed)


async def registry_remove(ctx):
    server = ctx.var('server')
    with ctx.state.lock:
        registries = registries_of(ctx.state)
        if server not in registries and not ctx.semantics.admin.registry_remove_unknown_ok:
            raise NotFound('no such registry: %s' % server)
        registries.pop(server, None)
    return render.ok_response()


async def registry_proxy(ctx):
    """RegistryProxy: the API root, or a reverse proxy to the app's repository (nothing behind it here)."""
    state, path = ctx.state, ctx.var('path')
    if path == '':
        response = render.empty_response(200)
        response.headers['Docker-Distribution-Api-Version'] = 'registry/2.0'
        ctx.request[BARE_KEY] = True
        return response
    prefix = '%s/' % ctx.semantics.rack_name
    app_name = (path[len(prefix):] if path.startswith(prefix) else path).split('/')[0]
    with state.lock:
        state.settle()
        if app_name not in state.apps:
            raise render_registry_error('app not found: %s' % app_name)
    # httputil.ReverseProxy's default error handler: a bare 502 when the upstream cannot be reached.
    ctx.request[BARE_KEY] = True
    return render.empty_response(502)


def render_registry_error(message):
    """registryError: a 403 whose message is a docker registry error document (``%q`` of the message inside)."""
    return Forbidden('{"errors":[{"message":%s}]}' % golang.quote(message))


def register(router, state):
    router.route('POST', '/registries', registry_add)
    router.route('GET', '/registries', registry_list)
    if state.semantics.admin.v3_routes:
        router.route('ANY', '/v2/{path:.*}', registry_proxy)
    router.route('DELETE', '/registries/{server:.*}', registry_remove)
