# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for private registry credentials (convox-api.md section 2.8).

Both generations list every registry **with its password in clear** (v3 from the docker config
Secret, v2 from the settings bucket): whoever calls ``registry_list`` must keep the passwords
out of results and logs (``ConvoxModule.register_secrets``).
"""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path

REGISTRY_FIELDS = dict(server=str, username=(str, type(None)), password=(str, type(None)))


class RegistriesAPI:
    """Registries: list, add (or overwrite), remove. A mixin of ``ConvoxClient``."""

    def registry_list(self):
        """``[{'server', 'username', 'password'}]`` sorted by server; the passwords are secrets."""
        return self.get_json(api_path('registries'), kind=list, fields=REGISTRY_FIELDS)

    def registry_add(self, server, username, password):
        """Add a registry, or replace the credentials of one with the same server; answers the Registry (password included)."""
        # Adding the same credentials twice leaves the same credentials: safe to replay.
        return self.request('POST', api_path('registries'), data=dict(server=server, username=username, password=password),
                            idempotent=True).json_of(dict, REGISTRY_FIELDS)

    def registry_remove(self, server):
        """Remove a registry; v3 answers 404 ``no such registry: <server>`` for an unknown one, v2 ok."""
        self.request('DELETE', api_path('registries', server))
