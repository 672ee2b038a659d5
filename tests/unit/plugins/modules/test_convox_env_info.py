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


LIST_1 = ('GET', '/apps/demo/releases', {'limit': '1'})
MASK_GET = ('GET', '/apps/demo/configs/cli-env-mask', {})


def calls(rack):
    return [(entry['method'], entry['path'], entry['query']) for entry in rack.requests()]


def set_mask(rack, value, app='demo'):
    client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password))
    client.app_config_set(app, 'cli-env-mask', value)
    client.close()
    rack.clear_requests()


def test_the_latest_release_and_the_mask_in_two_requests(rack, releases, run_module):
    first, latest = releases
    result, failed = run_module(convox_env_info.main, connection(rack, app='demo'))
    assert not failed and result['changed'] is False
    assert result['env'] == dict(A='2', C='3') and result['release'] == latest
    assert result['masked_keys'] == []
    # No mask yet (the config is missing): nothing masked.
    assert calls(rack) == [LIST_1, MASK_GET]


def test_a_given_release_and_some_keys(rack, releases, run_module):
    first, latest = releases
    result, failed = run_module(convox_env_info.main, connection(rack, app='demo', release=first, keys=['B', 'MISSING']))
    assert not failed
    assert result['env'] == {'B': ' spaced = '} and result['release'] == first
    assert [entry['path'] for entry in rack.requests()] == ['/apps/demo/releases/%s' % first, '/apps/demo/configs/cli-env-mask']


def test_an_app_without_releases_has_nothing_to_mask_in_one_request(rack, releases, run_module):
    result, failed = run_module(convox_env_info.main, connection(rack, app='empty'))
    assert not failed and result['env'] == {} and result['release'] is None and result['masked_keys'] == []
    assert [entry['path'] for entry in rack.requests()] == ['/apps/empty/releases']


def test_masked_keys_are_stars_unless_revealed(rack, releases, run_module):
    first, latest = releases
    set_mask(rack, 'C,NOT_SET')
    masked, failed = run_module(convox_env_info.main, connection(rack, app='demo'))
    assert not failed
    assert masked['env'] == dict(A='2', C='****') and masked['masked_keys'] == ['C']
    assert calls(rack) == [LIST_1, MASK_GET]

    rack.clear_requests()
    revealed, failed = run_module(convox_env_info.main, connection(rack, app='demo', reveal=True))
    assert not failed
    assert revealed['env'] == dict(A='2', C='3') and revealed['masked_keys'] == []
    assert calls(rack) == [LIST_1]

    # Only the keys returned are named; the mask applies to any release read.
    some, failed = run_module(convox_env_info.main, connection(rack, app='demo', keys=['A']))
    assert not failed and some['env'] == dict(A='2') and some['masked_keys'] == []
    set_mask(rack, 'B, A ')
    older, failed = run_module(convox_env_info.main, connection(rack, app='demo', release=first))
    assert not failed and older['env'] == dict(A='****', B='****') and older['masked_keys'] == ['A', 'B']


def test_a_mask_that_cannot_be_read_fails_without_values(rack, releases, run_module):
    rack.add_faults([{'method': 'GET', 'path': '/configs/', 'status': 403, 'times': None, 'body': 'forbidden here'}])
    result, failed = run_module(convox_env_info.main, connection(rack, app='demo'))
    assert failed and 'forbidden here' in result['msg']
    assert 'env' not in result
    revealed, failed = run_module(convox_env_info.main, connection(rack, app='demo', reveal=True))
    assert not failed and revealed['env'] == dict(A='2', C='3')


@pytest.mark.parametrize('rack_version', ['20240101000000', '3.19.6'])
def test_a_rack_without_app_configs_masks_nothing(emulator, run_module, rack_version):
    older = emulator(rack_version=rack_version)
    older.reset()
    client = ConvoxClient(ConnectionSettings(base_url=older.url, password=older.password))
    client.app_create('demo')
    client.release_create('demo', env=dict(A='1'))
    client.close()
    older.clear_requests()
    result, failed = run_module(convox_env_info.main, connection(older, app='demo'))
    assert not failed and result['env'] == dict(A='1') and result['masked_keys'] == []
    assert [entry['path'] for entry in older.requests()] == ['/apps/demo/releases', '/apps/demo/configs/cli-env-mask']


@pytest.mark.parametrize('args, message', [
    (dict(app='nope'), 'app not found: nope'),
    (dict(app='demo', release='RMISSING'), 'release RMISSING of app demo does not exist'),
    (dict(app='demo', keys=['A=B']), 'invalid environment variable name'),
    (dict(app='demo', release='../x'), "invalid release name '../x'"),
])
def test_failures(rack, releases, run_module, args, message):
    result, failed = run_module(convox_env_info.main, connection(rack, **args))
    assert failed and message in result['msg'], result
