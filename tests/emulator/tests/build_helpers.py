# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the build, resource and deploy tests: source tarballs, uploads, and builds run to the end."""

import gzip
import io
import secrets
import tarfile

BUILD_FIELDS = ['id', 'app', 'description', 'entrypoint', 'git-sha', 'logs', 'manifest', 'process', 'release', 'reason', 'repository',
                'status', 'started', 'ended']
ZERO_TIME = '0001-01-01T00:00:00Z'
RFC3339_NANO = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z'
MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'


def tar_archive(files):
    """Uncompressed tar bytes of ``{name: bytes}`` regular files, in the given order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w') as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def source_tarball(files=None, manifest=MANIFEST):
    """A gzipped tar like the CLI uploads: ``convox.yml`` (unless ``manifest`` is None) plus ``files``."""
    members = {} if manifest is None else {'convox.yml': manifest.encode('utf-8')}
    members.update({name: data.encode('utf-8') if isinstance(data, str) else data for name, data in (files or {}).items()})
    return gzip.compress(tar_archive(members))


def temporary_object_key():
    """What the CLI's ObjectStore call uses: tmp/ + 30 hex characters + .tgz."""
    return 'tmp/%s.tgz' % secrets.token_hex(15)


def upload_source(api, app, tarball):
    """POST the raw tarball to the object store; returns its object:// URL."""
    response = api.post('/apps/%s/objects/%s' % (app, temporary_object_key()), data=tarball,
                        headers={'Content-Type': 'application/octet-stream'})
    assert response.status_code == 200, response.text
    return response.json()['Url']


def create_build(api, app='demo', tarball=None, **params):
    """Upload a tarball (a default one) and POST /builds; returns the response."""
    url = upload_source(api, app, source_tarball() if tarball is None else tarball)
    return api.post('/apps/%s/builds' % app, data=dict(params, url=url))


def finished_build(api, clock, app='demo', tarball=None, **params):
    """A build run to its end with the fake clock; returns the final Build JSON."""
    response = create_build(api, app, tarball, **params)
    assert response.status_code == 200, response.text
    clock.advance(1)
    return api.get('/apps/%s/builds/%s' % (app, response.json()['id'])).json()


def members_of(tgz):
    """{name: bytes} of a gzipped tar."""
    with tarfile.open(fileobj=io.BytesIO(tgz), mode='r:gz') as archive:
        return {member.name: archive.extractfile(member).read() for member in archive if member.isfile()}
