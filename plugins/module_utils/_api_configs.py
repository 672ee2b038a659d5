# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for app configs (convox-api.md section 2.1; v3 racks from 3.19.7).

An app config is a named value the rack keeps beside an app (a Kubernetes Secret ``cfg-<name>``
in the app's namespace). The value travels base64-encoded on PUT and comes back decoded on
GET: callers deal in text only. There is no call to remove a config.
"""

from __future__ import annotations

import base64

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxNotFoundError, ConvoxNotImplementedError
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path

UNSUPPORTED = 'this rack has no app configs (they need a v3 rack, version 3.19.7 or newer)'
CONFIG_FIELDS = dict(name=str, value=str)


class ConvoxConfigsUnsupported(ConvoxNotImplementedError):
    """The rack has no app config routes (the router's bare 404: a v2 or an older v3 rack)."""


class AppConfigsAPI:
    """App configs: list, get, set. A mixin of ``ConvoxClient``.

    Every call raises ``ConvoxConfigsUnsupported`` on a rack without these routes, and
    ``ConvoxNotFoundError`` from ``app_config_get`` for a config that does not exist.
    Nothing on the rack checks that the app exists: a missing app lists no configs, and a set
    fails with a 500 naming its namespace.
    """

    def _config_call(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except ConvoxNotFoundError as error:
            if error.unrouted:
                raise ConvoxConfigsUnsupported(404, UNSUPPORTED, error.request_id, error.method, error.path) from None
            raise

    def app_config_list(self, app):
        """Every config of the app, sorted by name: ``[{'name', 'value'}]`` with decoded values."""
        return self._config_call(self.get_json, api_path('apps', app, 'configs'), kind=list, fields=CONFIG_FIELDS)

    def app_config_get(self, app, name):
        """One config: ``{'name', 'value'}`` with the decoded value."""
        return self._config_call(self.get_json, api_path('apps', app, 'configs', name), kind=dict, fields=CONFIG_FIELDS)

    def app_config_set(self, app, name, value):
        """Create or replace a config with the text ``value`` (sent base64-encoded, as the rack reads it)."""
        encoded = base64.b64encode(str(value).encode('utf-8')).decode('ascii')
        # Setting a config twice sets the same value: safe to replay like a read.
        self._config_call(self.request, 'PUT', api_path('apps', app, 'configs', name), data=dict(value=encoded), idempotent=True)
