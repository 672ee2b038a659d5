# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_env_info in-process against the emulator: one request, the latest or a given release, some keys."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.modules import convox_env_info


def connection(rack, **extra):
    return dict(dict(host=rack.url, api_key=rack.password), **extra)


@pytest.fixture
def releases(rack):
    client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password))
    client.app_create('demo')
    client.app_create('empty')
    first = client.release_create('demo', env=dict(A='1', B=' spaced = '))
    latest = client.release_create('demo', env=dict(A='2', C='3'))
    client.close()
    rack.clear_requests()
    return first['id'], latest['id']


def test_the_latest_release_in_one_request(rack, releases, run_module):
    first, latest = releases
    result, failed = run_module(convox_env_info.main, connection(rack, app='demo'))
    assert not failed and result['changed'] is False
    assert result['env'] == dict(A='2', C='3') and result['release'] == latest
    assert [(entry['method'], entry['path'], entry['query']) for entry in rack.requests()] == [
        ('GET', '/apps/demo/releases', {'limit': '1'})]


def test_a_given_release_and_some_keys(rack, releases, run_module):
    first, latest = releases
    result, failed = run_module(convox_env_info.main, connection(rack, app='demo', release=first, keys=['B', 'MISSING']))
    assert not failed
    assert result['env'] == {'B': ' spaced = '} and result['release'] == first
    assert [entry['path'] for entry in rack.requests()] == ['/apps/demo/releases/%s' % first]


def test_an_app_without_releases(rack, releases, run_module):
    result, failed = run_module(convox_env_info.main, connection(rack, app='empty'))
    assert not failed and result['env'] == {} and result['release'] is None


@pytest.mark.parametrize('args, message', [
    (dict(app='nope'), 'app not found: nope'),
    (dict(app='demo', release='RMISSING'), 'release RMISSING of app demo does not exist'),
    (dict(app='demo', keys=['A=B']), 'invalid environment variable name'),
    (dict(app='demo', release='../x'), "invalid release name '../x'"),
])
def test_failures(rack, releases, run_module, args, message):
    result, failed = run_module(convox_env_info.main, connection(rack, **args))
    assert failed and message in result['msg'], result
