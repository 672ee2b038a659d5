# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_api in-process against the emulator: encodings, check mode, status handling, files."""

from __future__ import annotations

import hashlib
import json
import os

from ansible_collections.convox.convox.plugins.modules import convox_api


def call(rack, run_module, **args):
    args.setdefault('host', rack.url)
    args.setdefault('api_key', rack.password)
    return run_module(convox_api.main, args)


def test_get_returns_json_and_changes_nothing(rack, run_module):
    result, failed = call(rack, run_module, path='/apps')

    assert not failed
    assert result['changed'] is False
    assert result['json'] == [] and result['status'] == 200
    assert result['content_type'].startswith('application/json')
    assert len(result['request_id']) == 12


def test_dict_and_bool_fields_use_the_rack_encodings(rack, run_module):
    call(rack, run_module, method='POST', path='/apps', data=dict(name='enc'))
    rack.clear_requests()

    result, failed = call(rack, run_module, method='PUT', path='/apps/enc',
                          data=dict(lock=True, parameters=dict(BuildMem='1024', BuildCpu='256')))

    assert not failed and result['changed'] is True
    assert result['content'] == 'ok\n'
    # One form field per option: the map travels as a single encoded value.
    assert sorted(rack.requests()[0]['form']) == ['lock', 'parameters']
    app, app_failed = call(rack, run_module, path='/apps/enc')
    assert not app_failed
    assert app['json']['parameters'] == {'BuildCpu': '256', 'BuildMem': '1024'}
    assert app['json']['locked'] is True


def test_check_mode_sends_reads_but_not_writes(rack, run_module):
    write, failed = call(rack, run_module, method='POST', path='/apps', data=dict(name='nope'), _ansible_check_mode=True)
    assert not failed and write['changed'] is True and 'status' not in write
    assert rack.requests() == []

    told, told_failed = call(rack, run_module, method='POST', path='/apps', data=dict(name='nope'), changed=False, _ansible_check_mode=True)
    assert not told_failed and told['changed'] is False

    read, read_failed = call(rack, run_module, path='/apps', _ansible_check_mode=True)
    assert not read_failed and read['json'] == []
    assert [entry['method'] for entry in rack.requests()] == ['GET']


def test_an_accepted_error_status_is_a_result_and_a_refused_write_changes_nothing(rack, run_module):
    accepted, failed = call(rack, run_module, path='/apps/ghost', status_code=[200, 404])
    assert not failed
    assert (accepted['status'], accepted['error'], accepted['changed']) == (404, 'app not found: ghost', False)

    refused, failed = call(rack, run_module, method='DELETE', path='/apps/ghost')
    assert failed
    assert refused['changed'] is False and refused['status_code'] == 404


def test_a_success_status_not_listed_fails(rack, run_module):
    result, failed = call(rack, run_module, path='/apps', status_code=[404])

    assert failed
    assert result['status'] == 200 and 'expected one of [404]' in result['msg']


def test_upload_from_a_file_and_download_to_a_file(rack, run_module, tmp_path):
    call(rack, run_module, method='POST', path='/apps', data=dict(name='files'))
    source = tmp_path / 'source.bin'
    payload = bytes(range(256)) * 4096
    source.write_bytes(payload)

    uploaded, failed = call(rack, run_module, method='POST', path='/apps/files/objects/tmp/blob.bin', body_path=str(source))
    assert not failed and uploaded['json'] == {'Url': 'object://files/tmp/blob.bin'}

    target = tmp_path / 'copy.bin'
    downloaded, failed = call(rack, run_module, path='/apps/files/objects/tmp/blob.bin', dest=str(target))
    assert not failed and downloaded['changed'] is True
    assert target.read_bytes() == payload
    assert downloaded['size'] == len(payload)
    assert downloaded['checksum'] == hashlib.sha256(payload).hexdigest()
    assert 'content' not in downloaded and 'json' not in downloaded

    target.chmod(0o640)
    again, failed = call(rack, run_module, path='/apps/files/objects/tmp/blob.bin', dest=str(target))
    assert not failed and again['changed'] is False
    assert target.stat().st_mode & 0o777 == 0o640


def test_check_mode_download_compares_without_touching_dest(rack, run_module, tmp_path):
    call(rack, run_module, method='POST', path='/apps', data=dict(name='files'))
    source = tmp_path / 'source.bin'
    source.write_bytes(b'new content')
    call(rack, run_module, method='POST', path='/apps/files/objects/tmp/blob.bin', body_path=str(source))
    target = tmp_path / 'old.bin'
    target.write_bytes(b'old content')

    result, failed = call(rack, run_module, path='/apps/files/objects/tmp/blob.bin', dest=str(target), _ansible_check_mode=True)

    assert not failed and result['changed'] is True
    assert target.read_bytes() == b'old content'
    assert sorted(os.listdir(tmp_path)) == ['old.bin', 'source.bin']


def test_params_go_in_the_query_string(rack, run_module):
    for release in range(3):
        call(rack, run_module, method='POST', path='/apps', data=dict(name='enc%d' % release))
    rack.clear_requests()

    listed, failed = call(rack, run_module, path='/apps/enc0/releases', params=dict(limit=1))
    assert not failed and listed['json'] == []
    logged = rack.requests()[0]
    assert logged['query'] == {'limit': '1'} and logged['form'] == []


def test_data_is_refused_where_the_rack_ignores_form_bodies(rack, run_module):
    result, failed = call(rack, run_module, method='DELETE', path='/apps/x', data=dict(force=True))

    assert failed and 'use params for DELETE' in result['msg']
    assert rack.requests() == []


def test_a_read_only_jwt_reads_but_cannot_write(rack, run_module):
    minted, failed = call(rack, run_module, method='POST', path='/system/jwt/token', data=dict(role='read', durationInHour=1))
    assert not failed
    token = minted['json']['token']

    read, failed = run_module(convox_api.main, dict(host=rack.url, api_user='jwt', api_key=token, path='/apps'))
    assert not failed and read['json'] == []

    write, failed = run_module(convox_api.main, dict(host=rack.url, api_user='jwt', api_key=token, method='POST',
                                                     path='/apps', data=dict(name='nope')))
    assert failed and write['status_code'] == 401 and 'unauthorized' in write['msg']
    assert write['changed'] is False


def test_a_password_typed_into_host_is_masked_even_when_nothing_is_sent(rack, run_module):
    scheme, rest = rack.url.split('://', 1)
    host = '%s://convox:pa%%2Fss%%40word@%s' % (scheme, rest)

    result, failed = run_module(convox_api.main, dict(host=host, method='POST', path='/apps', data=dict(name='x'),
                                                      _ansible_check_mode=True))

    assert not failed and result['api_retries'] == 0
    text = json.dumps(result)
    assert 'pa%2Fss%40word' not in text and 'pa/ss@word' not in text


def test_headers_cannot_replace_the_credentials_or_the_rack(rack, run_module):
    result, failed = call(rack, run_module, path='/apps', headers=dict(Rack='other/rack'))

    assert failed and 'Rack' in result['msg']
    assert rack.requests() == []


def test_paths_that_are_not_api_paths_are_refused_before_sending(rack, run_module):
    for path in ('apps', '//evil.example.com/apps', '/apps?limit=1', '/apps/../system'):
        result, failed = call(rack, run_module, path=path)
        assert failed and 'API path' in result['msg'], path
    assert rack.requests() == []


def test_dest_needs_get(rack, run_module, tmp_path):
    result, failed = call(rack, run_module, method='POST', path='/apps', dest=str(tmp_path / 'x'))

    assert failed and result['msg'] == 'dest needs method GET'


def test_a_console_page_is_an_error_not_content(emulator, run_module):
    console = emulator(console='acme/production')

    result, failed = run_module(convox_api.main, dict(host=console.url, api_key=console.password, path='/apps'))

    assert failed
    assert 'HTML' in result['msg'] and 'rack' in result['msg']
