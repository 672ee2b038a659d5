# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_envmask: the CLI's cli-env-mask list, read and written against the emulator over HTTP."""

from __future__ import annotations

import base64

import pytest

from ansible_collections.convox.convox.plugins.module_utils._api_configs import ConvoxConfigsUnsupported
from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._envmask import (
    MASK,
    MASK_CONFIG,
    check_masked_keys,
    desired_masked_keys,
    encode_masked_keys,
    mask_env,
    parse_masked_keys,
    read_masked_keys,
    updated_masked_keys,
    write_masked_keys,
)
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxServerError
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings


def client_for(rack):
    return ConvoxClient(ConnectionSettings(rack.url, rack.password))


def create_app(client, name='demo'):
    client.app_create(name)


def test_parse_and_encode_follow_the_cli():
    assert parse_masked_keys(' B, A ,,C ') == {'A', 'B', 'C'}
    assert parse_masked_keys('') == set() and parse_masked_keys(None) == set()
    assert encode_masked_keys(['B', 'A', 'A']) == 'A,B'


@pytest.mark.parametrize('key', ['', 'A B', 'A=B', 'A,B', 'A\x1b[31m', 'TAB\t'])
def test_keys_the_cli_refuses_are_refused(key):
    with pytest.raises(ConvoxConfigError, match='invalid masked env key'):
        check_masked_keys([key])


def test_at_most_500_keys():
    check_masked_keys(['K%d' % number for number in range(500)])
    with pytest.raises(ConvoxConfigError, match='too many masked env keys'):
        check_masked_keys(['K%d' % number for number in range(501)])
    with pytest.raises(ConvoxConfigError, match='too many'):
        updated_masked_keys(['K%d' % number for number in range(500)], add=['ONE_MORE'])


def test_updates():
    assert updated_masked_keys({'A'}, add=['A']) is None
    assert updated_masked_keys({'A'}, add=['B']) == ['A', 'B']
    assert updated_masked_keys({'A', 'B'}, remove=['A', 'Z']) == ['B']
    assert updated_masked_keys({'A', 'B'}, add=['A'], remove=['A']) is None
    assert updated_masked_keys({'A', 'B'}, exact=['C']) == ['C']
    assert updated_masked_keys({'A'}, exact=['A']) is None
    assert updated_masked_keys(set(), exact=[]) is None
    # A key someone else put on the rack is kept even if this collection would not accept it.
    assert updated_masked_keys({'odd key'}, add=['B']) == ['B', 'odd key']


def test_mask_env_is_a_copy():
    env = {'TOKEN': 's3cr3t', 'PORT': '80'}
    assert mask_env(env, {'TOKEN', 'ABSENT'}) == {'TOKEN': MASK, 'PORT': '80'}
    assert env['TOKEN'] == 's3cr3t'
    assert mask_env(None, {'A'}) == {}


def test_read_write_round_trip_in_the_cli_format(rack):
    client = client_for(rack)
    create_app(client)
    assert read_masked_keys(client, 'demo') == set()
    assert write_masked_keys(client, 'demo', ['TOKEN', 'API_KEY']) == 'API_KEY,TOKEN'
    assert read_masked_keys(client, 'demo') == {'API_KEY', 'TOKEN'}
    put = [entry for entry in rack.requests() if entry['method'] == 'PUT']
    assert [entry['path'] for entry in put] == ['/apps/demo/configs/%s' % MASK_CONFIG]
    # On the wire: base64 of the comma-joined keys, as the CLI sends it (the rack decodes it on GET).
    stored = rack.state.extensions['app_configs']['demo'][MASK_CONFIG]
    assert stored == b'API_KEY,TOKEN'
    assert client.app_config_get('demo', MASK_CONFIG)['value'] == 'API_KEY,TOKEN'
    assert base64.b64encode(stored) == b'QVBJX0tFWSxUT0tFTg=='


def test_a_missing_app_reads_as_no_mask_and_cannot_be_written(rack):
    client = client_for(rack)
    assert read_masked_keys(client, 'nope') == set()
    with pytest.raises(ConvoxServerError, match='namespaces "dev-nope" not found'):
        write_masked_keys(client, 'nope', ['A'])


def test_a_rack_without_app_configs_reads_as_no_mask(emulator):
    v2 = emulator(rack_version='20240101000000')
    client = client_for(v2)
    create_app(client)
    assert read_masked_keys(client, 'demo') == set()


def test_other_read_failures_are_not_taken_for_no_mask(rack):
    client = client_for(rack)
    create_app(client)
    rack.add_faults([{'method': 'GET', 'path': '/configs/', 'status': 500, 'times': None, 'body': 'boom'}])
    with pytest.raises(ConvoxServerError):
        read_masked_keys(client, 'demo')


def test_desired_masked_keys_is_the_whole_list_changed_or_not():
    assert desired_masked_keys({'B', 'A'}) == ['A', 'B']
    assert desired_masked_keys({'A'}, add=['C']) == ['A', 'C']
    assert desired_masked_keys({'A', 'B'}, remove=['A']) == ['B']
    assert desired_masked_keys({'A', 'B'}, exact=[]) == []
    assert desired_masked_keys({'A'}, add=['A']) == ['A']


@pytest.mark.parametrize('rack_version', ['20240101000000', '3.19.6'])
def test_a_rack_without_app_configs_fails_a_read_for_update(emulator, rack_version):
    older = emulator(rack_version=rack_version)
    client = client_for(older)
    create_app(client)
    with pytest.raises(ConvoxConfigsUnsupported) as raised:
        read_masked_keys(client, 'demo', for_update=True)
    assert str(raised.value) == ('GET /apps/demo/configs/cli-env-mask answered 404: this rack has no app configs (they need a v3 '
                                 'rack, version 3.19.7 or newer); the env mask (cli-env-mask) cannot be kept on it')


def test_a_read_for_update_of_a_missing_mask_is_empty(rack):
    client = client_for(rack)
    create_app(client)
    assert read_masked_keys(client, 'demo', for_update=True) == set()
