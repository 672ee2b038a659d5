# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client's service, process and resource calls against the emulator: wire forms, generation, absence."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._api_system import rack_generation
from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxNotFoundError, ConvoxServerError
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.module_utils._state import read_or_none


@pytest.fixture
def client_for():
    clients = []

    def connect(rack):
        client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password, timeout=5.0))
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()


def test_rack_generation_of_versions():
    assert rack_generation('20240101000000') == 2
    for version in ('3.24.6', 'dev', '', None, '2024', '3.24.6-rc1'):
        assert rack_generation(version) == 3


def test_rack_generation_is_read_once(rack, client_for):
    client = client_for(rack)
    assert client.rack_generation() == 3 and client.rack_generation() == 3
    assert [entry['path'] for entry in rack.requests()] == ['/system']


def test_missing_rack_resources_are_not_found_in_both_generations(rack, emulator, client_for):
    v3 = client_for(rack)
    with pytest.raises(ConvoxNotFoundError) as v3_missing:
        v3.system_resource_get('nope')
    assert v3_missing.value.status_code == 404
    v2_rack = emulator(rack_version='20240101000000')
    v2 = client_for(v2_rack)
    assert v2.rack_generation() == 2
    with pytest.raises(ConvoxNotFoundError) as v2_missing:
        v2.system_resource_get('nope')
    # The v2 rack's own answer is kept: an untyped 500 from CloudFormation.
    assert v2_missing.value.status_code == 500 and 'Stack with id convox-nope does not exist' in v2_missing.value.message
    assert read_or_none(v2.system_resource_get, 'nope') is None
    # Other 500s stay errors.
    v2_rack.add_faults([{'method': 'GET', 'path': '^/resources/boom$', 'status': 500, 'body': 'AccessDenied'}])
    with pytest.raises(ConvoxServerError):
        v2.system_resource_get('boom')


def test_resource_calls_send_one_encoded_parameters_field(rack, client_for):
    client = client_for(rack)
    created = client.system_resource_create('webhook', 'hook1', {'Url': 'https://hooks.example.com/a'})
    assert created['name'] == 'hook1' and created['parameters'] == {'Url': 'https://hooks.example.com/a'}
    post = [entry for entry in rack.requests() if entry['method'] == 'POST'][0]
    assert post['form'] == ['kind', 'name', 'parameters']
    assert [resource['name'] for resource in client.system_resource_list()] == ['hook1']
    client.system_resource_delete('hook1')
    assert client.system_resource_list() == []


def test_service_update_sends_only_the_options_given(rack, client_for):
    client = client_for(rack)
    client.app_create('demo')
    with pytest.raises(ConvoxServerError) as missing:
        client.service_update('demo', 'web', count=2)
    assert 'deployments.apps "web" not found' in missing.value.message
    put = [entry for entry in rack.requests() if entry['method'] == 'PUT'][0]
    assert put['path'] == '/apps/demo/services/web' and put['form'] == ['count']
    assert client.service_list('demo') == []
    assert client.process_list('demo', service='web') == []
    assert [entry['query'] for entry in rack.requests() if entry['path'] == '/apps/demo/processes'] == [{'service': 'web'}]
