# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Uploads of bytes produced while sending (archives made on the fly), object reads, and the build wait,
against the emulator over real loopback HTTP."""

from __future__ import annotations

import gzip
import io
import socket

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._deploy import wait_build
from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxAPIError,
    ConvoxConfigError,
    ConvoxConnectionError,
    ConvoxFileError,
    ConvoxNotFoundError,
)
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings, RetrySettings
from ansible_collections.convox.convox.plugins.module_utils._source import DirectoryArchive
from ansible_collections.convox.convox.plugins.module_utils._wait import ConvoxWaitFailed, Waiter
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, parse_object_url


def make_client(url, password, **retries):
    return ConvoxClient(ConnectionSettings(base_url=url, password=password, timeout=5.0,
                                           retries=RetrySettings.from_options(retries or None)),
                        sleep=lambda seconds: None)


@pytest.fixture
def client(rack):
    with make_client(rack.url, rack.password) as connected:
        yield connected


def posts(rack, path):
    return [entry for entry in rack.requests() if entry['method'] == 'POST' and entry['path'] == path]


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_chunks_made_while_sending_arrive_whole(rack, client):
    def chunks():
        for index in range(100):
            yield b'%05d|' % index
    url = client.object_store('demo', 'tmp/stream.bin', chunks)
    assert url == 'object://demo/tmp/stream.bin'
    assert client.object_read('demo', 'tmp/stream.bin') == b''.join(b'%05d|' % index for index in range(100))
    (post,) = posts(rack, '/apps/demo/objects/tmp/stream.bin')
    assert post['headers']['Content-Type'] == 'application/octet-stream'


def test_an_iterable_is_sent_once_and_never_replayed(rack, client):
    rack.add_faults([{'method': 'POST', 'path': '^/apps/demo/objects/', 'status': 429}])
    with pytest.raises(ConvoxAPIError):
        client.object_store('demo', 'tmp/once.bin', iter([b'a', b'b']))
    assert len(posts(rack, '/apps/demo/objects/tmp/once.bin')) == 1


def test_a_callable_source_is_produced_again_after_a_refused_connection():
    calls = []

    def chunks():
        calls.append(1)
        return iter([b'data'])
    with make_client('http://127.0.0.1:%d' % closed_port(), 'pw', max_retries=2) as refused:
        with pytest.raises(ConvoxConnectionError):
            refused.upload('POST', api_path('apps', 'x', 'objects', 'k'), chunks)
        assert refused.retry_count == 2
    assert len(calls) == 3


def test_a_failing_source_fails_the_upload_with_its_own_error(rack, client):
    def chunks():
        yield b'start'
        raise ConvoxFileError('cannot read src/app.js: Permission denied')
    with pytest.raises(ConvoxFileError, match='Permission denied'):
        client.object_store('demo', 'tmp/broken.bin', chunks)


def test_something_that_is_no_source_is_refused_before_sending(rack, client):
    with pytest.raises(ConvoxFileError):
        client.upload('POST', api_path('apps', 'x', 'objects', 'k'), 42)
    assert rack.requests() == []


def test_a_directory_archive_uploads_and_builds(rack, client, tmp_path):
    (tmp_path / 'convox.yml').write_text('services:\n  web:\n    build: .\n    port: 3000\n')
    (tmp_path / 'Dockerfile').write_text('FROM scratch\n')
    client.app_create('demo')
    archive = DirectoryArchive(str(tmp_path))
    url = client.object_store('demo', 'tmp/src.tgz', archive)
    stored = client.object_read('demo', 'tmp/src.tgz')
    assert gzip.decompress(stored)[:9] == b'Dockerfil'
    assert archive.size == len(stored) and archive.digest
    build = client.build_create('demo', url)
    done, streamed = wait_build(client, Waiter(30, 0.1), 'demo', build['id'])
    assert done['status'] == 'complete' and done['release']
    assert streamed is None, 'no log lines asked for: the stream is not read'
    log = list(client.object_lines(*parse_object_url(done['logs'])))
    assert any(line.startswith('Building: .') for line in log)


def test_the_wait_reads_the_builders_stream_while_it_runs(rack, client, tmp_path):
    (tmp_path / 'convox.yml').write_text('services:\n  web:\n    build: .\n')
    (tmp_path / 'Dockerfile').write_text('FROM scratch\n')
    client.app_create('demo')
    url = client.object_store('demo', 'tmp/src.tgz', DirectoryArchive(str(tmp_path)))
    build = client.build_create('demo', url)
    rack.clear_requests()
    done, streamed = wait_build(client, Waiter(30, 0.1), 'demo', build['id'], log_lines=3)
    stored = list(client.object_lines(*parse_object_url(done['logs'])))
    assert streamed == stored[-3:], 'the stream carries what the builder wrote, as the stored log does'
    paths = [entry['path'] for entry in rack.requests()]
    assert paths[0] == '/apps/demo/builds/%s/logs' % build['id'], 'the log stream is read first, as convox build does'


def test_a_failed_build_ends_the_wait_early(rack, client, tmp_path):
    (tmp_path / 'Dockerfile').write_text('FROM scratch\n')
    client.app_create('demo')
    url = client.object_store('demo', 'tmp/src.tgz', DirectoryArchive(str(tmp_path)))
    build = client.build_create('demo', url)
    with pytest.raises(ConvoxWaitFailed) as caught:
        wait_build(client, Waiter(30, 0.1), 'demo', build['id'], log_lines=5)
    assert caught.value.status == 'failed'
    assert caught.value.streamed_log and caught.value.streamed_log[-1].startswith('ERROR: ')
    assert 'build %s failed' % build['id'] in str(caught.value)
    assert caught.value.value['id'] == build['id']


def test_object_lines_and_reads_of_missing_objects(rack, client):
    client.object_store('demo', 'notes.txt', io.BytesIO(b'one\r\ntwo\nthree'))
    assert list(client.object_lines('demo', 'notes.txt')) == ['one', 'two', 'three']
    with pytest.raises(ConvoxNotFoundError):
        client.object_read('demo', 'nope.txt')
    with pytest.raises(ConvoxNotFoundError):
        client.object_lines('demo', 'nope.txt')


@pytest.mark.parametrize('url, parsed', [
    ('object://demo/build/BX/logs', ('demo', 'build/BX/logs')),
    ('object://demo/tmp/a.tgz', ('demo', 'tmp/a.tgz')),
])
def test_parse_object_url(url, parsed):
    assert parse_object_url(url) == parsed


@pytest.mark.parametrize('url', ['', 'https://demo/x', 'object://demo', 'object://demo/', 'object:///x', 'object://Bad_App/x'])
def test_parse_object_url_refuses_other_urls(url):
    with pytest.raises(ConvoxConfigError):
        parse_object_url(url)
