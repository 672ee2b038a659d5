# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The Convox rack API client: the transport with one method per API call.

``ConvoxClient(settings, warn=..., debug=...)`` is what modules and plugins use. Its parts,
each readable alone:

* ``_errors``     the error hierarchy and secret redaction (no requests import)
* ``_settings``   ``ConnectionSettings`` and ``RetrySettings``
* ``_wire``       paths, names and value encodings (pure functions)
* ``_response``   ``ConvoxResponse`` and how error answers become typed errors
* ``_transport``  the requests Session, retries, deadline, TLS, streaming
* ``_websocket``  the rack's websocket streams (exec, logs) on websocket-client
* ``_api_*``      one method per rack call, by area, in the order of convox-api.md section 2
"""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._api_apps import AppsAPI
from ansible_collections.convox.convox.plugins.module_utils._api_builds import BuildsAPI
from ansible_collections.convox.convox.plugins.module_utils._api_certificates import CertificatesAPI
from ansible_collections.convox.convox.plugins.module_utils._api_configs import AppConfigsAPI
from ansible_collections.convox.convox.plugins.module_utils._api_instances import InstancesAPI
from ansible_collections.convox.convox.plugins.module_utils._api_logs import LogsAPI
from ansible_collections.convox.convox.plugins.module_utils._api_processes import ProcessesAPI
from ansible_collections.convox.convox.plugins.module_utils._api_registries import RegistriesAPI
from ansible_collections.convox.convox.plugins.module_utils._api_releases import ReleasesAPI
from ansible_collections.convox.convox.plugins.module_utils._api_resources import ResourcesAPI
from ansible_collections.convox.convox.plugins.module_utils._api_services import ServicesAPI
from ansible_collections.convox.convox.plugins.module_utils._api_system import SystemAPI
from ansible_collections.convox.convox.plugins.module_utils._transport import Transport
from ansible_collections.convox.convox.plugins.module_utils._websocket import WebsocketTransport


class ConvoxClient(AppsAPI, AppConfigsAPI, BuildsAPI, ReleasesAPI, ServicesAPI, ProcessesAPI, LogsAPI, ResourcesAPI, SystemAPI,
                   CertificatesAPI, RegistriesAPI, InstancesAPI, WebsocketTransport, Transport):
    """One rack connection and every API call on it (see ``Transport`` for the constructor)."""
