# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How API areas declare routes, and what their handlers receive.

An area module exposes ``register(router, state)`` and calls ``router.route(method, path, handler)``
for each route, with gorilla/mux-style paths (``/apps/{app}/objects/{key:.*}``). A handler is
``async def handler(ctx) -> aiohttp response`` and raises ``errors.ApiError`` subclasses for
failures; authentication, role checks, error rendering and response headers are done around it.
"""

import dataclasses
import warnings

from aiohttp import web
from yarl import URL

ROUTE_ATTRIBUTE = 'convox_route'


def _request_key(name):
    # aiohttp >= 3.13 wants typed keys for request storage; older versions take plain strings.
    factory = getattr(web, 'RequestKey', None)
    return factory(name, object) if factory is not None else name


# What the middlewares and handlers keep on a request.
CONTEXT_KEY = _request_key('convox.context')
PARAMS_KEY = _request_key('convox.params')
REQUEST_ID_KEY = _request_key('convox.request_id')
# Set when the connection was closed without a response (the request log then records no status).
DROPPED_KEY = _request_key('convox.dropped')
# Set when an injected fault touched the request.
FAULT_KEY = _request_key('convox.fault')
# Set for router answers, which carry no Content-Type (older aiohttp versions add one by default).
BARE_KEY = _request_key('convox.bare')
# The request log entry of the request (websocket routes record their 101 as soon as they upgrade).
LOG_ENTRY_KEY = _request_key('convox.log_entry')
# The websocket fault (ws_cut, ws_split_marker) that matched an upgrade request.
WS_FAULT_KEY = _request_key('convox.ws_fault')
# The upgraded connection of a websocket route (websockets.Socket).
SOCKET_KEY = _request_key('convox.socket')


class AbortConnection(Exception):
    """The rack's handler panics here: net/http drops the connection without answering."""


@dataclasses.dataclass(frozen=True)
class RouteInfo:
    # Role check (GET needs r, other methods w). GET /auth is the one rack route without it.
    authorize: bool = True
    # Console-only endpoints (GET /racks) are answered by the console itself: no Rack header needed.
    console_only: bool = False
    # A SOCKET route: GET with ``Upgrade: websocket`` only, served over a websocket (websockets.py).
    socket: bool = False


@dataclasses.dataclass
class Caller:
    """Who is calling: the role string (r, rw, rwa) and the audit user."""

    role: str
    user: str

    def can(self, letter):
        return letter in self.role


class Context:
    """stdapi.Context for emulator handlers."""

    def __init__(self, request, state, params, caller):
        self.request = request
        self.state = state
        self.params = params
        self.caller = caller

    @property
    def semantics(self):
        return self.state.semantics

    def var(self, name):
        """A path variable (``c.Var``)."""
        return self.request.match_info.get(name, '')


class ApiRouter:
    """Registers area handlers on the aiohttp router, tagged so the server's middlewares treat them as API routes."""

    def __init__(self, aiohttp_router):
        self._router = aiohttp_router

    def route(self, method, path, handler, authorize=True, console_only=False):
        """``method`` is an HTTP method or ``ANY``; no implicit HEAD for GET routes (gorilla/mux has none)."""

        async def endpoint(request):
            return await handler(request[CONTEXT_KEY])

        endpoint.__name__ = getattr(handler, '__name__', 'endpoint')
        setattr(endpoint, ROUTE_ATTRIBUTE, RouteInfo(authorize=authorize, console_only=console_only))
        self._router.add_route('*' if method == 'ANY' else method, path, endpoint)

    def socket(self, path, handler):
        """A SOCKET route: ``handler(ctx, socket)`` writes frames on a websocket.Socket; errors it raises become ERROR frames.

        Registered for every method so the server can answer as gorilla/mux does: only GET with ``Upgrade: websocket``
        is routed, another method with that header is the router's 405, anything else its 404.
        """

        async def endpoint(request):
            return await handler(request[CONTEXT_KEY], request[SOCKET_KEY])

        endpoint.__name__ = getattr(handler, '__name__', 'endpoint')
        setattr(endpoint, ROUTE_ATTRIBUTE, RouteInfo(socket=True))
        self._router.add_route('*', path, endpoint)


class DecodedPathRouter(web.UrlDispatcher):
    """Routes on the decoded path, as gorilla/mux does by default (no UseEncodedPath).

    aiohttp matches the path with ``%2F`` still encoded, so ``/apps/a%2Fb`` would reach ``/apps/{name}``
    with ``name="a/b"``; the rack's router sees ``/apps/a/b`` and answers its empty 404.
    """

    async def resolve(self, request):
        if '%2f' not in request.raw_path.partition('?')[0].lower():
            return await super().resolve(request)
        decoded = request.clone(rel_url=URL.build(path=request.path, query_string=request.rel_url.query_string))
        return await super().resolve(decoded)


def new_application(**kwargs):
    """A web.Application with the DecodedPathRouter (aiohttp warns that a custom router is deprecated; it is still honoured)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        return web.Application(router=DecodedPathRouter(), **kwargs)


def upgrade_requested(request):
    """The SOCKET route's header matcher: an ``Upgrade`` header whose whole value is ``websocket`` (gorilla/mux compares exactly)."""
    return 'websocket' in request.headers.getall('Upgrade', [])


def socket_routed(request):
    """Whether a request to a SOCKET route is routed to it (GET and the exact Upgrade header)."""
    return request.method == 'GET' and upgrade_requested(request)


def route_info(request):
    """The RouteInfo of the matched API route, or None (unrouted, /check, control routes)."""
    match_info = request.match_info
    if match_info.http_exception is not None:
        return None
    return getattr(match_info.handler, ROUTE_ATTRIBUTE, None)
