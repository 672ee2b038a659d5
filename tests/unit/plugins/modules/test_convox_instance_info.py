# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_instance_info in-process against the emulator (v3 nodes with capacity, v2 ECS instances)."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.modules import convox_instance_info

V3_KEYS = {'agent', 'cpu', 'cpu_capacity', 'cpu_allocatable', 'gpu_capacity', 'gpu_allocatable', 'id', 'memory', 'memory_capacity',
           'memory_allocatable', 'private_ip', 'processes', 'public_ip', 'status', 'started'}


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def test_v3_nodes_with_capacity_in_one_read(rack, run_module):
    result, failed = run_module(convox_instance_info.main, connection(rack))
    assert not failed and result['changed'] is False
    assert [node['id'] for node in result['instances']] == ['node-1']
    node = result['instances'][0]
    assert set(node) == V3_KEYS
    assert node['cpu_capacity'] == 2.0 and node['memory_capacity'] == 4096.0 and node['status'] == 'running'
    assert [(entry['method'], entry['path']) for entry in rack.requests()] == [('GET', '/instances')]


def test_one_by_id(rack, run_module):
    one, failed = run_module(convox_instance_info.main, connection(rack, id='node-1'))
    assert not failed and one['exists'] is True and one['instance']['id'] == 'node-1'
    missing, failed = run_module(convox_instance_info.main, connection(rack, id='node-9'))
    assert not failed and missing['exists'] is False and 'instance' not in missing


def test_v2_instances(emulator, run_module):
    v2 = emulator(rack_version='20240101000000')
    result, failed = run_module(convox_instance_info.main, connection(v2))
    assert not failed and result['instances']
    assert all(node['id'].startswith('i-0') and node['status'] == 'active' and node['agent'] is True for node in result['instances'])
    assert 'cpu_capacity' not in result['instances'][0]
