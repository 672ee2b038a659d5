# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for resources: an app's (from its convox.yml) and the rack's own (convox-api.md section 2.6).

A missing rack resource is a 404 ``no such resource: <name>`` on v3, but on v2 the CloudFormation
lookup fails untyped: 500 ``ValidationError: Stack with id <rack>-<name> does not exist``. Both
are raised here as ``ConvoxNotFoundError``, so callers test for absence one way.
"""

from __future__ import annotations

import re

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxNotFoundError, ConvoxResponseError, ConvoxServerError
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path

# v2 (convox/rack provider/aws): describeStacks on a stack that does not exist.
_V2_MISSING_STACK = re.compile(r'Stack with id \S+ does not exist')
# An app without an active release has no manifest to read its resources from (common.AppManifest).
NO_RELEASE_TEXT = 'no release for app'
# A Resource as both generations answer it (structs.Resource); the modules read these fields.
RESOURCE_FIELDS = dict(name=str, type=(str, type(None)), status=(str, type(None)), url=(str, type(None)),
                       parameters=(dict, type(None)), apps=(list, type(None)))


def _checked(resources, method, path):
    """The resources, once every linked app in them is an object (the modules read the apps' names)."""
    for resource in resources if isinstance(resources, list) else [resources]:
        for app in resource.get('apps') or []:
            if not isinstance(app, dict):
                raise ConvoxResponseError(200, 'the answer lists an app of resource %s that is not a JSON object, where the '
                                          'Convox API sends an app' % resource.get('name'), None, method, path)
    return resources


def _not_found(error):
    return ConvoxNotFoundError(error.status_code, error.message, error.request_id, error.method, error.path)


class ResourcesAPI:
    """App resources and rack resources, with their links. A mixin of ``ConvoxClient``."""

    # App resources (read only: they come from the app's convox.yml)

    def app_resource_list(self, app):
        """The resources of the app's active release; 500 ``no release for app`` before its first promote."""
        path = api_path('apps', app, 'resources')
        return _checked(self.get_json(path, kind=list, fields=RESOURCE_FIELDS), 'GET', path)

    # Rack (system) resources

    def system_resource_list(self):
        path = api_path('resources')
        return _checked(self.get_json(path, kind=list, fields=RESOURCE_FIELDS), 'GET', path)

    def system_resource_get(self, name):
        """One rack resource; ConvoxNotFoundError when the rack has none of that name (v3 404, v2 500)."""
        try:
            path = api_path('resources', name)
            return _checked(self.get_json(path, kind=dict, fields=RESOURCE_FIELDS), 'GET', path)
        except ConvoxServerError as error:
            if _V2_MISSING_STACK.search(error.message or ''):
                raise _not_found(error) from None
            raise

    def system_resource_create(self, kind, name, parameters=None):
        """Create a rack resource of ``kind`` (v3: ``webhook`` only) with ``parameters`` sent as one encoded map."""
        data = {'kind': kind, 'name': name, 'parameters': dict(parameters) if parameters else None}
        path = api_path('resources')
        return _checked(self.request('POST', path, data=data).json_of(dict, RESOURCE_FIELDS), 'POST', path)

    def system_resource_update(self, name, parameters):
        """Change parameters (v2; v3 answers 400 ``unavailable on v3 racks``). v2 answers the resource as it was."""
        path = api_path('resources', name)
        return _checked(self.request('PUT', path, data={'parameters': dict(parameters)}).json_of(dict, RESOURCE_FIELDS), 'PUT', path)

    def system_resource_delete(self, name):
        self.request('DELETE', api_path('resources', name))

    def system_resource_link(self, name, app):
        """Link a rack resource to an app (v2 syslogs; v3 answers 400 ``unavailable on v3 racks``)."""
        return self.request('POST', api_path('resources', name, 'links'), data={'app': app}).json()

    def system_resource_unlink(self, name, app):
        return self.request('DELETE', api_path('resources', name, 'links', app)).json()
