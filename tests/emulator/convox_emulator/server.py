# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The aiohttp application: middlewares in the order a request meets them, and area registration.

1. request log   - every non-control request, with its final status (control routes are not logged)
2. faults        - injected failures, before anything else looks at the request
3. router        - unrouted path: 404, wrong method: 405; empty bodies, no Request-Id (gorilla/mux);
                   a SOCKET route takes only GET with ``Upgrade: websocket`` (else 404, or 405 for
                   another method with that header)
4. console gate  - console mode without a Rack header: the console's HTML login page
5. API           - Request-Id and security headers, authentication, Rack match, role check,
                   parameters, the handler, and error rendering; for SOCKET routes the Rack match,
                   then the upgrade, then authentication, role check and handler inside the socket
                   (errors are ``ERROR:`` frames), see websockets.py

start_server() binds it (loopback only, optionally with TLS) for run.py and testing.py.
"""

import ipaddress
import logging
import secrets
import shutil
import tempfile

from aiohttp import web

from . import control, faults, render, tls, websockets
from .areas import register_all
from .errors import ApiError, ServerError
from .params import Params
from .routing import (BARE_KEY, CONTEXT_KEY, DROPPED_KEY, FAULT_KEY, LOG_ENTRY_KEY, REQUEST_ID_KEY, SOCKET_KEY, WS_FAULT_KEY, AbortConnection, ApiRouter,
                      Context, new_application, route_info, socket_routed, upgrade_requested)
from .security import authenticate, authorize, match_console_rack

LOG = logging.getLogger(__name__)
# Uploads stream (objects) and are not bound by this; it caps form bodies read whole.
CLIENT_MAX_SIZE = 1024 * 1024 * 1024
CONSOLE_LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Convox Console</title>
</head>
<body>
  <div id="app">
    <h1>Convox</h1>
    <form method="post" action="/login">
      <label>Email <input type="email" name="email"></label>
      <label>Password <input type="password" name="password"></label>
      <button type="submit">Log In</button>
    </form>
  </div>
</body>
</html>
"""


def create_app(state):
    """The aiohttp Application serving ``state``."""
    sockets = websockets.Registry()

    @web.middleware
    async def log_requests(request, handler):
        if control.is_control(request):
            return await handler(request)
        params = await Params.load(request)
        entry = state.request_log.start(request, params)
        request[LOG_ENTRY_KEY] = entry
        response = None
        try:
            response = await handler(request)
            return response
        finally:
            status = None if response is None or request.get(DROPPED_KEY) else response.status
            state.request_log.finish(entry, status, fault=request.get(FAULT_KEY, False))
            params.close()

    @web.middleware
    async def inject_faults(request, handler):
        if not control.is_control(request):
            info = route_info(request)
            upgrade = info is not None and info.socket and socket_routed(request)
            fault = state.faults.take(request.method, request.path, websocket=upgrade)
            if fault is not None:
                request[FAULT_KEY] = True
                if fault.websocket:
                    request[WS_FAULT_KEY] = fault
                response = await faults.apply(fault, request)
                if response is not None:
                    return response
        return await handler(request)

    @web.middleware
    async def answer_unrouted(request, handler):
        exception = request.match_info.http_exception
        if exception is not None:
            request[BARE_KEY] = True
            return render.empty_response(exception.status)
        info = route_info(request)
        if info is not None and info.socket and not socket_routed(request):
            # gorilla/mux: the method matcher failing alone is a 405; the Upgrade header missing is a plain miss.
            request[BARE_KEY] = True
            return render.empty_response(405 if upgrade_requested(request) else 404)
        return await handler(request)

    @web.middleware
    async def console_gate(request, handler):
        info = route_info(request)
        if state.console and info is not None and not info.console_only and not request.headers.get('Rack'):
            return render.text_response(CONSOLE_LOGIN_PAGE, content_type=render.HTML_CONTENT_TYPE)
        return await handler(request)

    async def serve_socket(request, handler, info):
        """A SOCKET route: the Rack match (the console picks the rack before it proxies), gorilla's handshake, the upgrade; then
        stdapi's websocket(): authentication, the role check and the handler, every error an ERROR frame, and always the EOF frame."""
        semantics = state.semantics
        if state.console and not info.console_only:
            try:
                match_console_rack(state, request.headers['Rack'])
            except ApiError as error:
                return render.error_response(error, semantics.json_errors and render.accepts_json(request.headers.get('Accept')))
        refusal = websockets.handshake_error(request)
        if refusal is not None:
            return refusal
        socket = websockets.Socket(request, request.get(WS_FAULT_KEY))
        await socket.upgrade()
        state.request_log.finish(request[LOG_ENTRY_KEY], 101, fault=request.get(FAULT_KEY, False))
        sockets.add(socket)
        try:
            try:
                caller = authenticate(state, request)
                if info.authorize:
                    authorize(caller, request.method)
                request[CONTEXT_KEY] = Context(request, state, await Params.load(request), caller)
                request[SOCKET_KEY] = socket
                await handler(request)
            except ApiError as error:
                await socket.error(error.message)
            except (websockets.ClientGone, websockets.StreamCut):
                raise
            except Exception as exc:  # pylint: disable=broad-exception-caught
                LOG.exception('unhandled error in websocket %s', request.path)
                await socket.error('emulator error: %s: %s' % (type(exc).__name__, exc))
            await socket.finish()
        except (websockets.ClientGone, websockets.StreamCut):
            pass
        finally:
            sockets.discard(socket)
        return socket.response

    @web.middleware
    async def serve_api(request, handler):
        info = route_info(request)
        if info is None:
            return await handler(request)
        if info.socket:
            return await serve_socket(request, handler, info)
        request[REQUEST_ID_KEY] = secrets.token_hex(6)
        semantics = state.semantics
        try:
            caller = authenticate(state, request)
            if state.console and not info.console_only:
                match_console_rack(state, request.headers['Rack'])
            if info.authorize:
                authorize(caller, request.method)
            request[CONTEXT_KEY] = Context(request, state, await Params.load(request), caller)
            return await handler(request)
        except ApiError as error:
            return render.error_response(error, semantics.json_errors and render.accepts_json(request.headers.get('Accept')))
        except AbortConnection:
            return faults.drop_connection(request)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # An emulator bug: answer like an untyped rack error, and keep the traceback in the log.
            LOG.exception('unhandled error in %s %s', request.method, request.path)
            error = ServerError('emulator error: %s: %s' % (type(exc).__name__, exc))
            return render.error_response(error, semantics.json_errors and render.accepts_json(request.headers.get('Accept')))

    async def stamp_headers(request, response):
        # aiohttp adds its own Server header; the rack sends none.
        response.headers.pop('Server', None)
        if request.get(BARE_KEY):
            response.headers.pop('Content-Type', None)
        request_id = request.get(REQUEST_ID_KEY)
        if request_id is not None:
            response.headers['Request-Id'] = request_id
            if state.semantics.security_headers:
                response.headers['X-Content-Type-Options'] = 'nosniff'
                response.headers['X-Frame-Options'] = 'DENY'

    async def check(_request):
        return render.text_response('ok')

    async def drop_sockets(_app):
        # Open streams (a follow, a client that never closes) would hold up the shutdown.
        sockets.drop_all()

    app = new_application(middlewares=[log_requests, inject_faults, answer_unrouted, console_gate, serve_api], client_max_size=CLIENT_MAX_SIZE)
    app.on_response_prepare.append(stamp_headers)
    app.on_shutdown.append(drop_sockets)
    state.on_reset.append(lambda _state: sockets.drop_all())
    app.router.add_route('*', '/check', check)
    register_all(ApiRouter(app.router), state)
    control.register(app.router, state)
    return app


def check_loopback(host):
    """The emulator has a well-known password and no real security: loopback only."""
    if host == 'localhost':
        return
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError('--host must be a loopback address, not %r' % host) from None
    if not address.is_loopback:
        raise ValueError('--host must be a loopback address, not %r' % host)


class RunningServer:
    """A started emulator: its URL, the CA to trust (with TLS), and what stop() needs."""

    def __init__(self, runner, url, ca_cert, tls_dir):
        self.runner = runner
        self.url = url
        self.ca_cert = ca_cert
        self._tls_dir = tls_dir

    async def stop(self):
        await self.runner.cleanup()
        if self._tls_dir is not None:
            shutil.rmtree(self._tls_dir, ignore_errors=True)


async def start_server(state, host='127.0.0.1', port=0, use_tls=False):
    """Serve ``state`` on host:port (0 picks a free port); returns a RunningServer."""
    check_loopback(host)
    ssl_context, ca_cert, tls_dir = None, None, None
    if use_tls:
        tls_dir = tempfile.mkdtemp(prefix='convox-emulator-tls-')
        ca_cert, cert_path, key_path = tls.create_certificates(tls_dir)
        ssl_context = tls.server_context(cert_path, key_path)
    runner = web.AppRunner(create_app(state), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    bound_port = runner.addresses[0][1]
    url_host = '[%s]' % host if ':' in host else host
    url = '%s://%s:%d' % ('https' if use_tls else 'http', url_host, bound_port)
    return RunningServer(runner, url, ca_cert, tls_dir)
