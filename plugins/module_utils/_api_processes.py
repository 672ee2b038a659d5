# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for processes (convox-api.md section 2.5)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, check_name


class ProcessesAPI:
    """Processes of an app. A mixin of ``ConvoxClient``."""

    def process_list(self, app, service=None, release=None):
        """The app's processes (service processes, one-off runs and timers), optionally of one service or release.

        ``service`` and ``release`` are query options: the rack filters on its pod labels.
        """
        params = dict(
            service=check_name('service', service) if service is not None else None,
            release=check_name('release', release) if release is not None else None,
        )
        return self.get_json(api_path('apps', app, 'processes'), params=params)
