# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for releases: how env is set and deploys are made (convox-api.md section 2.3)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, encode_env

# What the env and deploy code reads of a release: an answer without them is not the rack's.
RELEASE_FIELDS = dict(id=str, env=(str, type(None)), build=(str, type(None)), description=(str, type(None)))


class ReleasesAPI:
    """Releases: list, get, create, promote. A mixin of ``ConvoxClient``."""

    def release_list(self, app, limit=None):
        return self.get_json(api_path('apps', app, 'releases'), params=dict(limit=limit), kind=list, fields=RELEASE_FIELDS)

    def release_get(self, app, id):
        return self.get_json(api_path('apps', app, 'releases', id), kind=dict, fields=RELEASE_FIELDS)

    def release_create(self, app, build=None, env=None, description=None, parent_release=None):
        """Create a release (the way env is set): ``env`` is a dict (or env text) replacing the whole env.

        Never sent twice: each call makes a new release.
        """
        data = {
            'build': build,
            'env': encode_env(env) if isinstance(env, dict) else env,
            'description': description,
            'parent-release': parent_release,
        }
        return self.request('POST', api_path('apps', app, 'releases'), data=data, idempotent=False).json_of(dict, RELEASE_FIELDS)

    def release_promote(self, app, id, force=None):
        self.request('POST', api_path('apps', app, 'releases', id, 'promote'), data=dict(force=force))
