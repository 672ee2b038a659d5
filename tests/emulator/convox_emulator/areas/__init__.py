# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API areas. Each module here exposes ``register(router, state)`` (see routing.py).

To add an area, add its module and one name to AREAS. Routes are matched in registration order,
as gorilla/mux does, so an area with overlapping patterns registers the specific one first.
"""

import importlib

AREAS = (
    'auth',
    'apps',
    'releases',
    'objects',
    'system',
    'console',
    'services',
    'processes',
    'resources',
    'builds',
    'app_resources',
    'logs',
    'app_configs',
    'registries',
    'certs',
    'instances',
    'metrics',
    'budgets',
    'app_admin',
    'service_overrides',
    'process_files',
    'resource_data',
    'rack_admin',
)


def register_all(router, state):
    for name in AREAS:
        importlib.import_module('%s.%s' % (__name__, name)).register(router, state)
