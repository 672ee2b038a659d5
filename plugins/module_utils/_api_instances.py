# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for the rack's instances, its nodes (convox-api.md section 2.8)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path


class InstancesAPI:
    """Instances: list. A mixin of ``ConvoxClient``."""

    def instance_list(self):
        """``[Instance]`` sorted by id (v3: Kubernetes nodes with capacity and allocatable; v2: ECS instances)."""
        return self.get_json(api_path('instances'), kind=list, fields=dict(id=str))
