# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for the rack itself: auth probe, system, capacity, JWTs (convox-api.md sections 1.2 and 2.7)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxResponseError
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path

# v2 racks (convox/rack) are versioned by build date (20240101000000); v3 racks semantically (3.24.6).
_V2_VERSION_DIGITS = 14


def rack_generation(version):
    """2 for a v2 (ECS/CloudFormation) rack version, 3 for anything else (a v3 version, ``dev``, a branch build)."""
    text = str(version or '')
    return 2 if len(text) == _V2_VERSION_DIGITS and text.isdigit() else 3


class SystemAPI:
    """The rack: auth probe, system info, capacity, rack processes, JWTs. A mixin of ``ConvoxClient``."""

    def rack_generation(self):
        """2 or 3 (see ``rack_generation``), from one ``GET /system`` per client, read when first asked."""
        generation = getattr(self, '_rack_generation', None)
        if generation is None:
            generation = self._rack_generation = rack_generation(self.system_get().get('version'))
        return generation

    def auth_check(self):
        """GET /auth, the CLI's login probe: True, or the error that says why not."""
        self.request('GET', api_path('auth'))
        return True

    # The answers must have the API's shape: a proxy's or a test double's JSON of another shape
    # is an error here, not a `system` that the caller's code then trips over.
    def system_get(self):
        return self.get_json(api_path('system'), kind=dict)

    def system_capacity(self):
        return self.get_json(api_path('system', 'capacity'), kind=dict)

    def system_processes(self, all=False):
        return self.get_json(api_path('system', 'processes'), params=dict(all=True if all else None), kind=list)

    def jwt_token(self, role, duration_hours):
        """Mint a rack JWT (``role`` read, write or admin) valid for ``duration_hours``; returns the token.

        The token is a secret: callers must keep it out of logs (``no_log``).
        """
        try:
            hours = int(duration_hours)
        except (TypeError, ValueError):
            raise ConvoxConfigError('a JWT duration must be a whole number of hours') from None
        answer = self.request('POST', api_path('system', 'jwt', 'token'),
                              data={'role': role, 'durationInHour': hours}).json()
        token = answer.get('token') if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ConvoxResponseError(200, 'the JWT answer has no token', None, 'POST', '/system/jwt/token')
        return token
