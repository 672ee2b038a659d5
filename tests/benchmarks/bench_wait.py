# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How soon a wait sees the end of a deploy, and what it costs in requests.

For deploys of several lengths, an app is created on an in-process emulator and waited for
with the collection's waiter (``_deploy.wait_app_running``), once with its default backoff and
once with the Convox CLI's schedule (sleep 5 s, then poll every 5 s). The emulator knows to
the nanosecond when the app turns ``running``; the figures are how late each wait noticed it
and how many GET /apps/{app} it sent.

    python3 tests/benchmarks/bench_wait.py [--deploys 3,12,61]

Figures, not assertions: nothing here fails on timing.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'tests' / 'emulator'))
sys.path.insert(0, str(ROOT / 'tests' / 'unit'))

# The unit tests' conftest makes ansible_collections.convox.convox importable from this checkout.
importlib.import_module('conftest')
from convox_emulator.testing import EmulatorServer  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.convox.convox.plugins.module_utils._deploy import wait_app_running  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.convox.convox.plugins.module_utils._wait import Waiter  # noqa: E402  pylint: disable=wrong-import-position

CLI_INTERVAL = 5.0


def measure(rack, client, name, waiter, first_delay=0.0):
    """Create an app, wait for it; return (seconds late, GETs sent, seconds waited)."""
    rack.clear_requests()
    client.app_create(name)
    running_at = rack.state.apps[name].until_ns / 1e9
    started = time.time()
    if first_delay:
        time.sleep(first_delay)
    wait_app_running(client, waiter, name)
    done = time.time()
    gets = [entry for entry in rack.requests() if entry['method'] == 'GET' and entry['path'] == '/apps/%s' % name]
    return done - running_at, len(gets), done - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--deploys', default='3,12,61', help='deploy lengths in seconds, comma-separated')
    args = parser.parse_args()
    lengths = [float(length) for length in args.deploys.split(',')]

    print('%-10s %-22s %12s %10s %10s' % ('deploy', 'strategy', 'seen late', 'GETs', 'GETs/min'))
    for length in lengths:
        with EmulatorServer(password='bench', deploy_seconds=length) as rack:
            client = ConvoxClient(ConnectionSettings(rack.url, rack.password))
            for strategy in ('collection', 'cli'):
                name = 'bench-%s-%d' % (strategy, length)
                if strategy == 'collection':
                    late, gets, waited = measure(rack, client, name, Waiter(length * 2 + 30))
                else:
                    late, gets, waited = measure(rack, client, name, Waiter(length * 2 + 30, interval=CLI_INTERVAL),
                                                 first_delay=CLI_INTERVAL)
                print('%-10s %-22s %11.2fs %10d %10.1f' % ('%gs' % length, strategy, late, gets, gets * 60.0 / waited))
            client.close()


if __name__ == '__main__':
    main()
