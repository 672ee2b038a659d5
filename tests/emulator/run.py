#!/usr/bin/env python
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the Convox rack emulator until SIGTERM/SIGINT.

    python3 tests/emulator/run.py --port 0 --password SECRET [--tls] [--rack-version V]
        [--console ORG/RACK] [--deploy-seconds S] [--build-seconds S] [--cost-tracking] [--host 127.0.0.1]

Prints one JSON line when ready: {"url": ..., "password": ..., "ca_cert": ...}.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from convox_emulator import semantics  # noqa: E402 pylint: disable=wrong-import-position
from convox_emulator.server import start_server  # noqa: E402 pylint: disable=wrong-import-position
from convox_emulator.state import RackState  # noqa: E402 pylint: disable=wrong-import-position


def parse_args(argv):
    parser = argparse.ArgumentParser(description='In-memory Convox rack for tests and demos.')
    parser.add_argument('--port', type=int, default=0, help='port to listen on; 0 picks a free one')
    parser.add_argument('--host', default='127.0.0.1', help='loopback address to bind (default 127.0.0.1)')
    parser.add_argument('--password', required=True, help='the rack password (Basic auth; any user name)')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a generated CA (its path is printed)')
    parser.add_argument('--rack-version', default=None,
                        help='rack version; a date-style version such as 20240101000000 selects v2 behaviour')
    parser.add_argument('--console', default=None, metavar='ORG/RACK', help='act as a console proxying this one rack')
    parser.add_argument('--deploy-seconds', type=float, default=2.0, help='how long a deploy keeps an app updating')
    parser.add_argument('--build-seconds', type=float, default=2.0, help='how long a build runs')
    parser.add_argument('--cost-tracking', action='store_true',
                        help='the v3 rack parameter cost_tracking_enable=true (budget caps need it)')
    parser.add_argument('--log-level', default='WARNING', help='Python logging level for the emulator (stderr)')
    args = parser.parse_args(argv)
    if args.console is not None and '/' not in args.console:
        parser.error('--console takes ORG/RACK')
    try:
        semantics.for_version(args.rack_version)
    except ValueError as exc:
        parser.error(str(exc))
    return args


async def serve(args):
    state = RackState(semantics.for_version(args.rack_version), args.password, deploy_seconds=args.deploy_seconds,
                      build_seconds=args.build_seconds, console=args.console)
    state.cost_tracking = args.cost_tracking
    running = await start_server(state, args.host, args.port, args.tls)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    sys.stdout.write(json.dumps({'url': running.url, 'password': args.password, 'ca_cert': running.ca_cert}) + '\n')
    sys.stdout.flush()
    try:
        await stopping.wait()
    finally:
        await running.stop()
        state.close()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format='%(asctime)s %(name)s %(levelname)s %(message)s')
    try:
        asyncio.run(serve(args))
    except ValueError as exc:
        sys.stderr.write('run.py: %s\n' % exc)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
