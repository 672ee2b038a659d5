# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Files in a process: /apps/{app}/processes/{pid}/files (convox-api.md 2.5; provider/k8s file.go)."""

import io
import tarfile

import pytest

from build_helpers import tar_archive
from emulator_helpers import create_running_app, deploy_manifest, role_apis

OCTET = {'Content-Type': 'application/octet-stream'}


@pytest.fixture
def pid(api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n')
    return api.get('/apps/demo/processes').json()[0]['id']


def members(data):
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {member.name: (archive.extractfile(member).read() if member.isfile() else None) for member in archive.getmembers()}


def test_upload_download_delete(api, pid):
    body = tar_archive({'app/config.yml': b'a: 1\n', 'app/bin/run': b'#!/bin/sh\n'})
    response = api.post('/apps/demo/processes/%s/files' % pid, data=body, headers=OCTET)
    assert (response.status_code, response.content) == (200, b'ok\n')
    response = api.get('/apps/demo/processes/%s/files' % pid, params={'file': '/app/config.yml'})
    assert (response.status_code, response.headers['Content-Type']) == (200, 'application/octet-stream')
    assert members(response.content) == {'app/config.yml': b'a: 1\n'}
    tree = members(api.get('/apps/demo/processes/%s/files' % pid, params={'file': '/app'}).content)
    assert tree == {'app': None, 'app/bin': None, 'app/bin/run': b'#!/bin/sh\n', 'app/config.yml': b'a: 1\n'}
    assert api.delete('/apps/demo/processes/%s/files' % pid, params={'files': '/app/config.yml,/app/missing'}).content == b'ok\n'
    assert 'app/config.yml' not in members(api.get('/apps/demo/processes/%s/files' % pid, params={'file': '/app'}).content)
    response = api.delete('/apps/demo/processes/%s/files' % pid, params={'files': '/app/bin'})
    assert (response.status_code, response.json()) == (500, {'error': 'command terminated with non-zero exit code: error executing command '
                                                                      '[rm -f -- /app/bin], exit code 1'})


def test_missing_file_or_pod_downloads_nothing(api, pid):
    # The exec runs after the answer has started: nothing to stream is an empty 200.
    for path in ('/apps/demo/processes/%s/files' % pid, '/apps/demo/processes/nope/files'):
        response = api.get(path, params={'file': '/nope'})
        assert (response.status_code, response.content, 'Content-Type' in response.headers) == (200, b'', False)


def test_upload_errors(api, pid, text_api):
    response = api.post('/apps/demo/processes/nope/files', data=tar_archive({'a': b'1'}), headers=OCTET)
    assert (response.status_code, response.json()) == (500, {'error': 'pods "nope" not found'})
    response = text_api.post('/apps/demo/processes/%s/files' % pid, data=b'not a tar', headers=OCTET)
    assert (response.status_code, response.text) == (500, 'command terminated with non-zero exit code: error executing command '
                                                          '[tar -C / -xf -], exit code 2\n')
    response = api.post('/apps/demo/processes/%s/files' % pid, params={'tar-extra': '--no-same-owner,--overwrite'},
                        data=tar_archive({'a': b'1'}), headers=OCTET)
    assert (response.status_code, response.json()) == (500, {'error': 'unsupported tar flag: --overwrite'})
    response = api.delete('/apps/demo/processes/nope/files', params={'files': '/a'})
    assert (response.status_code, response.json()) == (500, {'error': 'pods "nope" not found'})


def test_strip_components(api, pid):
    response = api.post('/apps/demo/processes/%s/files' % pid, params={'tar-extra': '--strip-components=1,--no-same-permissions'},
                        data=tar_archive({'bundle/etc/app.conf': b'x'}), headers=OCTET)
    assert response.content == b'ok\n'
    assert members(api.get('/apps/demo/processes/%s/files' % pid, params={'file': '/etc/app.conf'}).content) == {'etc/app.conf': b'x'}


def test_files_go_with_the_process(api, pid):
    api.post('/apps/demo/processes/%s/files' % pid, data=tar_archive({'a': b'1'}), headers=OCTET)
    api.delete('/apps/demo/processes/%s' % pid)
    assert api.get('/apps/demo/processes/%s/files' % pid, params={'file': '/a'}).content == b''


def test_roles(api, rack, pid):
    apis = role_apis(api, rack)
    assert apis['read'].get('/apps/demo/processes/%s/files' % pid, params={'file': '/a'}).status_code == 200
    response = apis['read'].post('/apps/demo/processes/%s/files' % pid, data=tar_archive({'a': b'1'}), headers=OCTET)
    assert (response.status_code, response.json()) == (401, {'error': 'you are unauthorized to access this'})


def test_v2(v2):
    assert v2.get('/apps/demo/processes/p1/files', params={'file': '/a'}).text == 'app not found: demo\n'
    v2.post('/apps', data={'name': 'demo'})
    assert v2.get('/apps/demo/processes/p1/files', params={'file': '/a'}).text == 'process not found: p1\n'
    assert v2.delete('/apps/demo/processes/p1/files', params={'files': '/a'}).text == 'unimplemented\n'
