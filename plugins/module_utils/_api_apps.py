# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for apps (convox-api.md section 2.1)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, check_name

# What modules read of an app (convox-api.md section 3): an answer without them is not the rack's.
APP_FIELDS = dict(name=str, status=(str, type(None)), locked=(bool, type(None)), release=(str, type(None)),
                  parameters=(dict, type(None)))


class AppsAPI:
    """Apps: list, get, create, update (lock, parameters), delete, cancel. A mixin of ``ConvoxClient``."""

    def app_list(self):
        return self.get_json(api_path('apps'), kind=list, fields=APP_FIELDS)

    def app_get(self, name):
        return self.get_json(api_path('apps', name), kind=dict, fields=APP_FIELDS)

    def app_create(self, name):
        # The ordinary write policy suffices: only 429 or an unopened connection replays it,
        # and even a replayed create would only answer 409 "app already exists".
        return self.request('POST', api_path('apps'), data=dict(name=check_name('app', name))).json_of(dict, APP_FIELDS)

    def app_update(self, name, lock=None, parameters=None):
        """Lock/unlock an app or change its parameters (each update re-promotes the app on v3)."""
        self.request('PUT', api_path('apps', name), data=dict(lock=lock, parameters=parameters))

    def app_delete(self, name):
        self.request('DELETE', api_path('apps', name))

    def app_cancel(self, name):
        self.request('POST', api_path('apps', name, 'cancel'))
