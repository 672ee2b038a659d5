# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_system_info in-process against the emulator: results, request counts, failures."""

from __future__ import annotations

import base64
import json

from ansible_collections.convox.convox.plugins.modules import convox_system_info


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def test_reads_system_and_capacity_in_two_requests(rack, run_module):
    result, failed = run_module(convox_system_info.main, connection(rack))

    assert not failed
    assert result['changed'] is False
    assert result['system']['status'] == 'running'
    assert 'rack_domain' in result['system'] and 'rack-domain' not in result['system']
    assert set(result['capacity']) == {'cluster_cpu', 'cluster_gpu', 'cluster_memory', 'process_count',
                                       'process_cpu', 'process_gpu', 'process_memory'}
    assert 'processes' not in result
    assert result['api_retries'] == 0
    assert [(entry['method'], entry['path']) for entry in rack.requests()] == [('GET', '/system'), ('GET', '/system/capacity')]


def test_processes_all_is_sent_as_the_query_flag(rack, run_module):
    result, failed = run_module(convox_system_info.main, connection(rack, capacity=False, processes='all'))

    assert not failed
    assert result['processes'] == []
    requests = rack.requests()
    assert [entry['path'] for entry in requests] == ['/system', '/system/processes']
    assert requests[1]['query'] == {'all': 'true'}


def test_check_mode_reads_like_a_normal_run(rack, run_module):
    result, failed = run_module(convox_system_info.main, connection(rack, _ansible_check_mode=True, capacity=False))

    assert not failed and result['changed'] is False
    assert result['system']['name']
    assert len(rack.requests()) == 1


def test_wrong_key_fails_with_status_and_request_id_and_no_secret(rack, run_module):
    result, failed = run_module(convox_system_info.main, connection(rack, api_key='wrong-key-1234'))

    assert failed
    assert result['status_code'] == 401
    assert 'invalid authentication' in result['msg']
    assert len(result['request_id']) == 12
    assert (result['method'], result['path']) == ('GET', '/system')
    assert 'wrong-key-1234' not in json.dumps(result)
    assert rack.password not in json.dumps(result)


def test_a_key_from_the_cli_settings_is_masked_like_a_no_log_option(rack, run_module, tmp_path, monkeypatch):
    settings = tmp_path / 'cli'
    settings.mkdir()
    host = rack.url.split('://', 1)[1]
    (settings / 'auth').write_text(json.dumps({host: rack.password}))
    (settings / 'console').write_text(rack.url)

    captured = {}
    original = convox_system_info.ConvoxModule.exit_json

    def capture(module, **result):
        captured['no_log_values'] = set(module.no_log_values)
        original(module, **result)

    monkeypatch.setattr(convox_system_info.ConvoxModule, 'exit_json', capture)
    result, failed = run_module(convox_system_info.main, dict(config_dir=str(settings), capacity=False))

    assert not failed
    assert result['system']['name']
    # Ansible masks what is in no_log_values in everything the module returns or logs.
    assert rack.password in captured['no_log_values']
    assert rack.password not in json.dumps(result)


def test_transient_failures_are_retried_counted_and_warned(rack, run_module):
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 503, 'times': 2}])

    result, failed = run_module(convox_system_info.main, connection(
        rack, capacity=False, retries=dict(backoff_base=0.01, backoff_max=0.05)))

    assert not failed
    assert result['api_retries'] == 2
    assert len(result['warnings']) == 2 and all('503' in json.dumps(warning) for warning in result['warnings'])
    assert [entry['path'] for entry in rack.requests()] == ['/system'] * 3


def test_missing_credentials_name_every_source(rack, run_module, tmp_path):
    result, failed = run_module(convox_system_info.main, dict(host=rack.url, config_dir=str(tmp_path / 'empty')))

    assert failed
    for source in ('api_key', 'CONVOX_PASSWORD', 'auth'):
        assert source in result['msg']
    assert rack.requests() == []


def test_bad_choice_fails_before_any_request(rack, run_module):
    result, failed = run_module(convox_system_info.main, connection(rack, processes='everything'))

    assert failed and 'processes' in result['msg']
    assert rack.requests() == []


def test_an_answer_that_is_not_an_object_is_not_taken_for_the_system(rack, run_module):
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 200, 'body': '[]', 'content_type': 'application/json'}])

    result, failed = run_module(convox_system_info.main, connection(rack, capacity=False))

    assert failed and 'system' not in result
    assert result['msg'] == 'GET /system answered 200: the answer is a JSON list where the Convox API sends an object'


def test_retries_that_is_not_a_dict_fails_without_a_traceback(rack, run_module):
    result, failed = run_module(convox_system_info.main, connection(rack, retries=5))

    assert failed
    assert result['msg'] == 'retries must be a dict with the keys backoff_base, backoff_max, max_retries, retry_on_500, not int'
    assert rack.requests() == []


def test_a_ca_path_that_is_not_pem_names_ca_path(rack, run_module, tmp_path):
    bundle = tmp_path / 'ca.der'
    bundle.write_bytes(b'\x30\x82\x03\x0a not a PEM file')

    result, failed = run_module(convox_system_info.main, connection(rack, ca_path=str(bundle)))

    assert failed and result['msg'].startswith('ca_path %s holds no usable PEM certificate' % bundle)
    assert rack.requests() == []


def test_the_basic_credential_is_registered_for_masking(rack, run_module, monkeypatch):
    captured = {}
    original = convox_system_info.ConvoxModule.exit_json

    def capture(module, **result):
        captured['no_log_values'] = set(module.no_log_values)
        original(module, **result)

    monkeypatch.setattr(convox_system_info.ConvoxModule, 'exit_json', capture)
    result, failed = run_module(convox_system_info.main, connection(rack, capacity=False))

    assert not failed
    assert base64.b64encode(('convox:%s' % rack.password).encode()).decode() in captured['no_log_values']
