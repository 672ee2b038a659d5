# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rack's websocket (SOCKET) routes on the wire: convox-api.md 1.7, vendored stdapi router.go and gorilla/websocket.

How the rack does it, and so the emulator:

- Routing: a SOCKET route matches only ``GET`` with the header ``Upgrade: websocket`` (gorilla/mux
  ``Headers``, an exact value); any other GET is the router's empty 404, and another method with that
  header its empty 405 (routing.py, server.py).
- The upgrade happens before anything else of the rack runs: handshake checks are gorilla's
  (``handshake_error``: status text plus ``ERROR: <reason>`` as the body, no Request-Id); a good handshake
  is answered ``101`` with only ``Upgrade``, ``Connection`` and ``Sec-WebSocket-Accept`` (stdapi adds
  ``Request-Id`` to the response headers after the upgrade, where they are never sent; no compression).
- Then authentication, the role check and the handler run "inside" the socket: every error, a 401 or
  403 included, is a text frame ``ERROR: <message>\\n``; there is no HTTP status.
- Output is text frames; the server always ends with an empty binary frame (EOF), then stops: it never
  sends a close frame, does not answer one, and leaves the TCP connection to the client (the hijacked
  connection is never closed by the rack). The emulator waits for the client to close it.
- Pings are answered only while the route reads from the socket (exec with stdin); the rack reads
  nothing on log routes.
- Exit codes: the last text before EOF is ``F1E49A85-0AD7-4AEF-A618-C249C6E6568D:<code>\\n``.

Faults (faults.py) for websocket requests: ``ws_cut`` drops the connection without a close frame, before
the exit marker or EOF (``true``) or after that many text frames (an integer); ``ws_split_marker`` sends
the marker line as that many text frames.
"""

import asyncio
import base64
import binascii
import logging
import threading

from aiohttp import WSMsgType, web

from . import render

LOG = logging.getLogger(__name__)
MARKER_PREFIX = 'F1E49A85-0AD7-4AEF-A618-C249C6E6568D:'
# How often a waiting stream checks its client and the rack's state (real time).
POLL_SECONDS = 0.05
_BAD_HANDSHAKE = "websocket: the client is not using the websocket protocol: "
_STATUS_TEXT = {400: 'Bad Request', 403: 'Forbidden', 405: 'Method Not Allowed', 426: 'Upgrade Required'}


class ClientGone(Exception):
    """The client closed the connection: nothing more can be sent."""


class StreamCut(Exception):
    """A ``ws_cut`` fault dropped the connection."""


def _tokens(request, name):
    """gorilla tokenListContainsValue: comma-separated tokens of every ``name`` header, lowercased."""
    return {token.strip().lower() for value in request.headers.getall(name, []) for token in value.split(',')}


def _valid_key(key):
    try:
        return bool(key) and len(base64.b64decode(key, validate=True)) == 16
    except (binascii.Error, ValueError):
        return False


def _same_origin(request):
    """gorilla checkSameOrigin: no Origin, or an Origin whose host equals the Host header (case-insensitive)."""
    origin = request.headers.getall('Origin', [])
    if not origin:
        return True
    scheme, separator, rest = origin[0].partition('://')
    if not separator or not scheme:
        return False
    host = rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0].rpartition('@')[2]
    return host.lower() == request.headers.get('Host', '').lower()


def handshake_error(request):
    """gorilla Upgrader.Upgrade's refusal of a bad handshake, or None. stdapi then appends ``ERROR: <reason>`` to the body."""
    checks = (
        ('upgrade' in _tokens(request, 'Connection'), 400, _BAD_HANDSHAKE + "'upgrade' token not found in 'Connection' header"),
        ('websocket' in _tokens(request, 'Upgrade'), 426, _BAD_HANDSHAKE + "'websocket' token not found in 'Upgrade' header"),
        (request.method == 'GET', 405, _BAD_HANDSHAKE + 'request method is not GET'),
        ('13' in _tokens(request, 'Sec-WebSocket-Version'), 400, "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header"),
        (_same_origin(request), 403, 'websocket: request origin not allowed by Upgrader.CheckOrigin'),
        (_valid_key(request.headers.get('Sec-WebSocket-Key', '').strip()), 400,
         "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length"),
    )
    for passed, status, reason in checks:
        if not passed:
            body = '%s\nERROR: %s\n' % (_STATUS_TEXT[status], reason)
            headers = {'Content-Type': render.TEXT_CONTENT_TYPE, 'X-Content-Type-Options': 'nosniff', 'Sec-Websocket-Version': '13'}
            if status == 426:
                headers['Upgrade'] = 'websocket'
            return web.Response(status=status, body=body.encode('utf-8'), headers=headers)
    return None


class Registry:
    """Open sockets, so a reset or a shutdown can drop them (from any thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sockets = set()

    def add(self, socket):
        with self._lock:
            self._sockets.add(socket)

    def discard(self, socket):
        with self._lock:
            self._sockets.discard(socket)

    def drop_all(self):
        with self._lock:
            sockets = list(self._sockets)
        for socket in sockets:
            socket.loop.call_soon_threadsafe(socket.abort)


class Socket:
    """One upgraded connection, as a route handler uses it."""

    def __init__(self, request, fault=None):
        self.request = request
        self.fault = fault
        self.loop = asyncio.get_running_loop()
        # gorilla's upgrader: no compression; pings are answered only where the route reads (see receive()).
        self.response = web.WebSocketResponse(compress=False, autoping=False, autoclose=False, max_msg_size=0)
        self.text_frames = 0
        self._finished = False

    async def upgrade(self):
        await self.response.prepare(self.request)

    # ------------------------------------------------------------ state

    def client_gone(self):
        transport = self.request.transport
        return transport is None or transport.is_closing()

    def abort(self):
        """Drop the connection (reset, shutdown, a cut fault)."""
        transport = self.request.transport
        if transport is not None:
            transport.close()

    async def pause(self, seconds):
        """Sleep ``seconds`` of real time; ClientGone as soon as the client leaves."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            if self.client_gone():
                raise ClientGone()
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            await asyncio.sleep(min(remaining, POLL_SECONDS))

    # ------------------------------------------------------------ sending

    def _cut_due(self, before_end):
        cut = self.fault.ws_cut if self.fault is not None else None
        if cut is None or cut is False:
            return False
        if cut is True:
            return before_end
        return self.text_frames >= cut

    def _cut(self):
        LOG.info('ws_cut fault: dropping %s after %d text frames', self.request.path, self.text_frames)
        self._finished = True
        self.abort()
        raise StreamCut()

    async def _send(self, text):
        if self.client_gone():
            raise ClientGone()
        try:
            await self.response.send_str(text)
        except (ConnectionError, RuntimeError):
            raise ClientGone() from None

    async def write(self, text):
        """One text frame of output."""
        if not text:
            return
        if self._cut_due(before_end=False):
            self._cut()
        await self._send(text)
        self.text_frames += 1

    async def marker(self, code):
        """The exit-code marker: one text frame, or several with ``ws_split_marker``."""
        if self._cut_due(before_end=True):
            self._cut()
        line = '%s%d\n' % (MARKER_PREFIX, code)
        pieces = self.fault.ws_split_marker if self.fault is not None and self.fault.ws_split_marker else 1
        size = -(-len(line) // pieces)
        for start in range(0, len(line), size):
            await self.write(line[start:start + size])

    async def error(self, message):
        """stdapi's handler-error frame."""
        await self.write('ERROR: %s\n' % message)

    async def finish(self):
        """The EOF frame (an empty binary message); then the connection is left to the client."""
        if self._finished:
            return
        self._finished = True
        if self._cut_due(before_end=True):
            self._cut()
        if self.client_gone():
            return
        try:
            await self.response.send_bytes(b'')
        except (ConnectionError, RuntimeError):
            return
        await self.linger()

    async def linger(self):
        """Wait until the client drops the connection; nothing is read or answered meanwhile (the rack has returned)."""
        while not self.client_gone():
            await asyncio.sleep(POLL_SECONDS)

    # ------------------------------------------------------------ receiving

    async def receive(self):
        """The next data frame from the client: ('text', str), ('eof', None) for a binary frame, or ('closed', None).

        Pings are answered here, as gorilla's reader does; a close frame is answered with one (gorilla's
        default close handler) and ends the connection.
        """
        while True:
            if self.client_gone():
                return ('closed', None)
            message = await self.response.receive()
            if message.type == WSMsgType.TEXT:
                return ('text', message.data)
            if message.type == WSMsgType.BINARY:
                return ('eof', None)
            if message.type == WSMsgType.PING:
                try:
                    await self.response.pong(message.data)
                except (ConnectionError, RuntimeError):
                    return ('closed', None)
                continue
            if message.type == WSMsgType.PONG:
                continue
            if message.type == WSMsgType.CLOSE:
                try:
                    await self.response.close(code=message.data or 1000)
                except (ConnectionError, RuntimeError):
                    pass
            self._finished = True
            return ('closed', None)
