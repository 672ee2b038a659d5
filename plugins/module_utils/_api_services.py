# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for services: list, scale or resize, restart (convox-api.md sections 2.4 and 6.5)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path


class ServicesAPI:
    """Services of an app's active release. A mixin of ``ConvoxClient``."""

    def service_list(self, app):
        """The services of the active release (an empty list before the first promote with a manifest)."""
        return self.get_json(api_path('apps', app, 'services'))

    def service_update(self, app, name, count=None, cpu=None, memory=None, gpu=None, gpu_vendor=None, min=None, max=None):
        """Scale or resize a service in place (no release is made); options left None are not sent.

        ``cpu`` is in millicores and ``memory`` in MiB; ``min``/``max`` need a rack of 3.24.6 or later.
        """
        data = {
            'count': count,
            'cpu': cpu,
            'memory': memory,
            'gpu': gpu,
            'gpu-vendor': gpu_vendor,
            'min': min,
            'max': max,
        }
        self.request('PUT', api_path('apps', app, 'services', name), data=data)

    def service_restart(self, app, name):
        """A rolling restart: every process of the service is replaced."""
        self.request('POST', api_path('apps', app, 'services', name, 'restart'))
