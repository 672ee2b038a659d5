# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator in-process, for pytest: a background thread with its own event loop, on a free port.

    from convox_emulator.testing import EmulatorServer
    with EmulatorServer(password="pw", deploy_seconds=0.2) as rack:
        requests.get(rack.url + "/apps", auth=("convox", rack.password))
        rack.requests()     # the request log
        rack.state          # the RackState, for white-box checks and set-up
"""

import asyncio
import threading

from . import semantics as semantics_module
from .server import start_server
from .state import RackState

START_TIMEOUT = 30


class EmulatorServer:
    """A running emulator; a context manager. Control methods act on the state directly (no HTTP)."""

    def __init__(self, password='pw', tls=False, console=None, rack_version=None, deploy_seconds=0.2, build_seconds=0.2,
                 host='127.0.0.1', port=0, cost_tracking=False):
        self.password = password
        self.state = RackState(semantics_module.for_version(rack_version), password, deploy_seconds=deploy_seconds,
                               build_seconds=build_seconds, console=console)
        # The v3 rack parameter cost_tracking_enable (budgets.py): budget caps need it.
        self.state.cost_tracking = cost_tracking
        self._tls = tls
        self._host = host
        self._port = port
        self._loop = None
        self._thread = None
        self._running = None
        self.url = None
        self.ca_cert = None

    # ------------------------------------------------------------ lifecycle

    def start(self):
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure = []
        self._loop = asyncio.new_event_loop()

        def serve():
            asyncio.set_event_loop(self._loop)
            try:
                self._running = self._loop.run_until_complete(start_server(self.state, self._host, self._port, self._tls))
            except Exception as exc:  # pylint: disable=broad-exception-caught
                # Re-raised in the caller's thread below.
                failure.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name='convox-emulator', daemon=True)
        self._thread.start()
        if not ready.wait(START_TIMEOUT):
            raise RuntimeError('the emulator did not start within %d s' % START_TIMEOUT)
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        self.url = self._running.url
        self.ca_cert = self._running.ca_cert
        return self

    def stop(self):
        if self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._running.stop(), self._loop).result(START_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT)
        self._loop.close()
        self.state.close()
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # ------------------------------------------------------------ control

    def requests(self):
        """The request log: dicts with method, path, query, form (field names), headers, status, fault."""
        return self.state.request_log.entries()

    def clear_requests(self):
        self.state.request_log.clear()

    def add_faults(self, faults):
        """Faults as in POST /_emulator/faults: a list of dicts."""
        return self.state.faults.add(faults)

    def reset(self):
        """Empty rack, request log and faults."""
        self.state.reset()
