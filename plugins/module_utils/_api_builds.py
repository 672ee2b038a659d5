# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for builds and the app object store (convox-api.md sections 2.2 and 2.8)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxResponseError
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, check_name

# Build imports upload a whole exported build and the rack unpacks it before answering.
BUILD_IMPORT_TIMEOUT = 1800.0


class BuildsAPI:
    """Builds and objects. A mixin of ``ConvoxClient``."""

    def build_list(self, app, limit=None):
        return self.get_json(api_path('apps', app, 'builds'), params=dict(limit=limit))

    def build_get(self, app, id):
        return self.get_json(api_path('apps', app, 'builds', id))

    def build_create(self, app, url, description=None, manifest=None, development=None, no_cache=None, build_args=None,
                     git_sha=None):
        """Start a build from a source URL (``object://...`` from ``object_store``). Never sent twice."""
        data = {
            'url': url,
            'description': description,
            'manifest': manifest,
            'development': development,
            'no-cache': no_cache,
            'build-args': build_args,
            'git-sha': git_sha,
        }
        return self.request('POST', api_path('apps', app, 'builds'), data=data, idempotent=False).json()

    def build_import(self, app, source, timeout=BUILD_IMPORT_TIMEOUT):
        """Stream an exported build (a gzipped tar) into the app; the rack answers with the new Build."""
        return self.upload('POST', api_path('apps', app, 'builds', 'import'), source, timeout=timeout).json()

    def build_export(self, app, id, dest_path=None, timeout=BUILD_IMPORT_TIMEOUT):
        """Stream a build's export (``GET .../builds/{id}.tgz``) to a file; returns the ConvoxResponse."""
        build = check_name('build', id)
        return self.download(api_path('apps', app, 'builds', build + '.tgz'), dest_path, timeout=timeout)

    # Objects

    def object_store(self, app, key, source):
        """Store a file (path or binary file object) as an app object; return its ``object://`` URL."""
        answer = self.upload('POST', api_path('apps', app, 'objects', key), source).json()
        url = answer.get('Url') if isinstance(answer, dict) else None
        if not isinstance(url, str):
            raise ConvoxResponseError(200, 'the object store answer has no Url', None, 'POST', api_path('apps', app, 'objects', key))
        return url

    def object_fetch(self, app, key, dest_path=None):
        """Stream an app object to a file; returns the ConvoxResponse (``dest_path``, ``size``, ``sha256``)."""
        return self.download(api_path('apps', app, 'objects', key), dest_path)

    def object_read(self, app, key):
        """A small app object's bytes (a marker, a note); use ``object_fetch`` for anything large."""
        return self.request('GET', api_path('apps', app, 'objects', key)).content

    def object_lines(self, app, key):
        """An app object's text lines (a build log), streamed; HTTP errors raise at once."""
        return self.iter_lines(api_path('apps', app, 'objects', key))
