# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Objects, against transcript rows 30-34 (convox-api.md 2.8)."""

import gzip
import hashlib
import os
import re

import pytest

from convox_emulator import blobs
from emulator_helpers import raw_request

RAW = b'\x00\x01binary-tgz-bytes\xff\xfe\x03'


def upload(api, path, body, **kwargs):
    return api.post(path, data=body, headers={'Content-Type': 'application/octet-stream'}, **kwargs)


def test_transcript_objects(api, text_api):
    response = upload(api, '/apps/demo/objects/tmp/x.tgz', RAW)                 # 30
    assert response.status_code == 200
    assert response.content == b'{\n  "Url": "object://demo/tmp/x.tgz"\n}\n'
    assert response.headers['Content-Type'] == 'application/json'
    response = api.head('/apps/demo/objects/tmp/x.tgz')                         # 31
    assert (response.status_code, response.content) == (200, b'')
    assert response.headers['Content-Type'] == 'application/json'
    response = text_api.get('/apps/demo/objects/tmp/x.tgz')                     # 32
    assert (response.status_code, response.content) == (200, RAW)
    assert response.headers['Content-Type'] == 'application/octet-stream'
    response = api.get('/apps/demo/objects/tmp/nope.tgz')                       # 33
    assert (response.status_code, response.content) == (404, b'{"error":"object not found: tmp/nope.tgz"}\n')
    response = api.get('/apps/demo/objects')                                    # 34
    assert (response.status_code, response.content) == (501, b'{"error":"unimplemented"}\n')


def test_head_is_200_for_missing_objects_too(api):
    assert api.head('/apps/demo/objects/never').status_code == 200


def test_empty_key_gets_a_temporary_name(api):
    response = upload(api, '/apps/demo/objects/', b'data')
    url = response.json()['Url']
    assert re.fullmatch(r'object://demo/tmp/[0-9a-f]{30}', url)
    key = url[len('object://demo/'):]
    assert api.get('/apps/demo/objects/' + key).content == b'data'


@pytest.mark.parametrize('key', ['..', 'a/../b', '../x', '.', './', '%20'])
def test_invalid_keys(rack, key):
    for method in ('POST', 'GET', 'DELETE', 'HEAD'):
        status, _headers, body = raw_request(rack, method, '/apps/demo/objects/' + key, body=b'x' if method == 'POST' else None)
        assert status == 400, (method, key)
        if method != 'HEAD':
            assert body == b'{"error":"invalid object key"}\n'


def test_keys_are_cleaned(api):
    response = upload(api, '/apps/demo/objects/a//b/./c', b'x')
    assert response.json() == {'Url': 'object://demo/a/b/c'}
    assert api.get('/apps/demo/objects/a/b/c').content == b'x'


def test_delete(api):
    upload(api, '/apps/demo/objects/k', b'x')
    assert api.delete('/apps/demo/objects/k').content == b'ok\n'
    response = api.delete('/apps/demo/objects/k')
    assert (response.status_code, response.json()) == (404, {'error': 'object not found: k'})
    assert api.get('/apps/demo/objects/k').status_code == 404


def test_overwrite_and_apps_are_separate(api):
    upload(api, '/apps/one/objects/k', b'first')
    upload(api, '/apps/one/objects/k', b'second')
    upload(api, '/apps/two/objects/k', b'other')
    assert api.get('/apps/one/objects/k').content == b'second'
    assert api.get('/apps/two/objects/k').content == b'other'


def test_list_prefix_check(api):
    response = api.get('/apps/demo/objects', params={'prefix': 'a/../b'})
    assert (response.status_code, response.json()) == (400, {'error': 'invalid prefix'})


def test_content_type_is_sniffed_like_net_http(api):
    cases = [
        (b'hello world\n', 'text/plain; charset=utf-8'),
        (b'', 'text/plain; charset=utf-8'),
        (gzip.compress(b'data'), 'application/x-gzip'),
        (b'PK\x03\x04rest', 'application/zip'),
        (b'  <html><body>x', 'text/html; charset=utf-8'),
        (b'\x89PNG\r\n\x1a\n....', 'image/png'),
    ]
    for index, (body, content_type) in enumerate(cases):
        upload(api, '/apps/demo/objects/s%d' % index, body)
        response = api.get('/apps/demo/objects/s%d' % index)
        assert (response.content, response.headers['Content-Type']) == (body, content_type)


def test_public_header_is_accepted(api):
    response = api.post('/apps/demo/objects/p', data=b'x', headers={'Public': 'true'})
    assert response.status_code == 200


def test_large_upload_is_spooled_and_streamed(api, rack):
    size = 3 * blobs.SPOOL_THRESHOLD + 12345
    digest = hashlib.sha256()

    def body():
        block = os.urandom(64 * 1024)
        sent = 0
        while sent < size:
            chunk = block[:min(len(block), size - sent)]
            digest.update(chunk)
            sent += len(chunk)
            yield chunk

    response = upload(api, '/apps/demo/objects/big.bin', body())
    assert response.status_code == 200
    blob = rack.state.objects[('demo', 'big.bin')]
    assert blob.size == size
    assert blob._path is not None and os.path.getsize(blob._path) == size  # pylint: disable=protected-access
    received = hashlib.sha256()
    with api.get('/apps/demo/objects/big.bin', stream=True) as response:
        assert response.headers['Content-Length'] == str(size)
        for chunk in response.iter_content(256 * 1024):
            received.update(chunk)
    assert received.hexdigest() == digest.hexdigest()
    # Overwriting and resetting remove the spooled file.
    path = blob._path  # pylint: disable=protected-access
    upload(api, '/apps/demo/objects/big.bin', b'small')
    assert not os.path.exists(path)


def test_objects_survive_app_deletion(api, clock):
    api.post('/apps', data={'name': 'demo'})
    clock.advance(3)
    upload(api, '/apps/demo/objects/keep', b'x')
    api.delete('/apps/demo')
    assert api.get('/apps/demo/objects/keep').content == b'x'
