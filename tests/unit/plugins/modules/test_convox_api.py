# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_api in-process against the emulator: encodings, check mode, status handling, files."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import socket

import pytest
import yaml


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


# ---------------------------------------------------------------------------------------
# changed: false when the request was provably not acted on, true when the rack may have acted
# ---------------------------------------------------------------------------------------

def closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


DROP = object()


def merged(base, changes):
    """``base`` updated with ``changes``; a change to DROP removes the option."""
    args = dict(base, **changes)
    return dict((name, value) for name, value in args.items() if value is not DROP)


def writes(rack):
    return [entry for entry in rack.requests() if entry['method'] != 'GET']


def test_a_write_that_was_never_sent_reports_no_change(rack, run_module, tmp_path, emulator, monkeypatch):
    tls = emulator(tls=True)
    console = emulator(console='acme/production')
    console.clear_requests()
    cases = {
        'connection refused': dict(host='http://127.0.0.1:%d' % closed_port(), retries=dict(max_retries=0)),
        'no API key': dict(api_key=None, config_dir=str(tmp_path / 'no-cli')),
        'a path that is not an API path': dict(path='/apps/%2E%2E/system'),
        'a TLS failure': dict(host=tls.url, api_key=tls.password),
        'a missing body_path': dict(path='/apps/x/objects/k', data=DROP, body_path=str(tmp_path / 'missing.tgz')),
        "a console's login page": dict(host=console.url, api_key=console.password),
        'a refusal (409)': dict(path='/apps'),
    }
    call(rack, run_module, method='POST', path='/apps', data=dict(name='taken'))
    rack.clear_requests()
    for what, args in cases.items():
        args = merged(dict(method='POST', path='/apps', data=dict(name='taken')), args)
        result, failed = call(rack, run_module, **args)
        assert failed, what
        assert result.get('changed') is False, (what, result)
    # The one that reached this rack was refused (409); the console never passed a request on.
    assert [(entry['method'], entry['status']) for entry in writes(rack)] == [('POST', 409)]
    behind_console, failed = run_module(convox_api.main, dict(host=console.url, api_key=console.password, rack='acme/production',
                                                              path='/apps'))
    assert not failed and behind_console['json'] == []

    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')

    monkeypatch.setattr(socket, 'getaddrinfo', no_such_host)
    result, failed = call(rack, run_module, host='https://rack.invalid', method='DELETE', path='/apps/x')
    assert failed and result['changed'] is False and result['api_retries'] == 0
    assert 'no such host' in result['msg']


def test_a_write_the_rack_may_have_acted_on_reports_a_change_for_a_502_and_a_reset_alike(rack, run_module):
    # A gateway's 502 may come after the rack received the request, like a reset: one rule for both.
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 502},
                     {'method': 'POST', 'path': '^/apps$', 'reset': True}])
    gateway, failed = call(rack, run_module, method='POST', path='/apps', data=dict(name='maybe'))
    assert failed and gateway['status_code'] == 502 and gateway['changed'] is True
    reset, failed = call(rack, run_module, method='POST', path='/apps', data=dict(name='maybe'))
    assert failed and 'broke' in reset['msg'] and reset['changed'] is True
    assert len(writes(rack)) == 2, 'neither write was replayed'

    # `changed: false` says the call changes nothing even when it is acted on.
    rack.add_faults([{'method': 'POST', 'path': '^/system/jwt/token$', 'status': 502}])
    told, failed = call(rack, run_module, method='POST', path='/system/jwt/token', data=dict(role='read', durationInHour=1),
                        changed=False)
    assert failed and told['changed'] is False

    # An error status listed in status_code follows the same rule.
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 503}])
    accepted, failed = call(rack, run_module, method='POST', path='/apps', data=dict(name='maybe'), status_code=[200, 503])
    assert not failed and accepted['status'] == 503 and accepted['changed'] is True


def test_a_read_that_failed_reports_no_change(rack, run_module):
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 502, 'times': None}])
    result, failed = call(rack, run_module, path='/apps', retries=dict(max_retries=0))
    assert failed and result['changed'] is False


# ---------------------------------------------------------------------------------------
# Check mode checks what a real run would refuse
# ---------------------------------------------------------------------------------------

def test_check_mode_refuses_what_sending_would_refuse(rack, run_module, tmp_path):
    cases = {
        'no API key': (dict(api_key=None, config_dir=str(tmp_path / 'no-cli')), 'no API key'),
        'an invalid path': (dict(path='/apps/%2e%2e/system'), "'.' or '..' segments"),
        'a host that is not a URL': (dict(host='http://convox:p/w@ss:x@127.0.0.1'), 'percent-encoded'),
        'a value that cannot be encoded': (dict(data=dict(parameters=dict(BuildCpu=dict(x=1)))), 'data.parameters.BuildCpu'),
        'a missing body_path': (dict(data=DROP, path='/apps/x/objects/k', body_path=str(tmp_path / 'missing')), 'missing'),
        'a bad timeout': (dict(timeout=0), 'timeout must be a number more than 0'),
    }
    for what, (args, message) in cases.items():
        args = merged(dict(method='POST', path='/apps', data=dict(name='x'), _ansible_check_mode=True), args)
        result, failed = call(rack, run_module, **args)
        assert failed, what
        assert result.get('changed') is False, (what, result)
        assert message in result['msg'], (what, result['msg'])
    assert rack.requests() == []

    ok, failed = call(rack, run_module, method='post', path='/apps', data=dict(name='x'), _ansible_check_mode=True)
    assert not failed and ok['changed'] is True and ok['msg'] == 'POST /apps not sent in check mode'
    assert rack.requests() == []


# ---------------------------------------------------------------------------------------
# Secrets, headers, paths, methods and messages
# ---------------------------------------------------------------------------------------

def test_an_unencoded_password_in_host_is_masked_in_the_returned_arguments(rack, run_module):
    scheme, rest = rack.url.split('://', 1)
    host = '%s://convox:p/w@ss:x@%s' % (scheme, rest)

    result, failed = run_module(convox_api.main, dict(host=host, path='/apps', _ansible_inject_invocation=True))

    assert failed and 'percent-encoded' in result['msg']
    # ansible-core 2.16 passes the masked host through its own URL heuristic, which keeps the user name.
    assert result['invocation']['module_args']['host'] in ('%s://%s********@%s' % (scheme, user, rest) for user in ('', 'convox:'))
    text = json.dumps(result)
    assert 'p/w@ss:x' not in text and 'w@ss' not in text
    assert rack.requests() == []


def test_a_host_with_a_line_break_is_refused_and_its_password_masked(rack, run_module):
    # Before: urlsplit dropped the line break, the request went to the host without it, and the password
    # was masked as urlsplit read it (`pa-ss-word`), not as written.
    scheme, rest = rack.url.split('://', 1)
    host = '%s://convox:pa-ss\n-word@%s' % (scheme, rest)

    result, failed = run_module(convox_api.main, dict(host=host, path='/apps', _ansible_inject_invocation=True))

    assert failed and result['changed'] is False
    assert '`host` holds a space, a line break or another control character' in result['msg']
    assert 'pa-ss\n-word' not in json.dumps(result) and '-word' not in json.dumps(result)
    assert rack.requests() == []


def test_the_basic_credential_is_masked_in_what_the_rack_returns(rack, run_module):
    basic = base64.b64encode(('convox:%s' % rack.password).encode()).decode()
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 200, 'content_type': 'application/json',
                      'body': json.dumps({'echo': 'Basic %s' % basic})}])

    result, failed = call(rack, run_module, path='/apps')

    assert not failed
    assert basic not in json.dumps(result)
    assert result['json']['echo'] == 'Basic ********' or 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in result['json']['echo']


@pytest.mark.parametrize('name', ['Host', 'content-length', 'Transfer-Encoding', 'Connection', 'Proxy-Authorization', 'Authorization'])
def test_headers_that_the_connection_or_http_own_are_refused_before_sending(rack, run_module, name):
    result, failed = call(rack, run_module, path='/apps', headers={name: 'x'})

    assert failed and name in result['msg'] and result['changed'] is False
    assert rack.requests() == []


@pytest.mark.parametrize('name', ['X-\u00c9t\u00e9', 'Bad Header', 'X-A:B', 'X-\u2028'])
@pytest.mark.parametrize('method', ['GET', 'POST'])
@pytest.mark.parametrize('check_mode', [False, True])
def test_a_header_name_that_is_not_a_token_is_refused_before_sending(rack, run_module, name, method, check_mode):
    # Before: a non-ASCII name escaped the client as a UnicodeEncodeError from http.client (a module crash).
    result, failed = call(rack, run_module, method=method, path='/apps', headers={name: 'x'}, _ansible_check_mode=check_mode)

    assert failed and result['changed'] is False
    assert result['msg'].startswith('invalid header name ') and 'a header name is ASCII letters, digits' in result['msg']
    assert 'exception' not in result or 'UnicodeEncodeError' not in result['exception']
    assert rack.requests() == []


def test_a_header_value_with_a_line_break_is_refused_before_sending(rack, run_module):
    result, failed = call(rack, run_module, path='/apps', headers={'X-A': 'b\r\nX-Evil: 1'})

    assert failed and result['changed'] is False
    assert result['msg'] == "invalid header 'X-A': its value cannot hold line breaks"
    assert rack.requests() == []


@pytest.mark.parametrize('method', ['get', 'Get', 'GET'])
def test_method_is_read_in_any_case(rack, run_module, method):
    result, failed = call(rack, run_module, method=method, path='/apps')

    assert not failed and result['changed'] is False and result['json'] == []
    assert [entry['method'] for entry in rack.requests()] == ['GET']


def test_a_write_method_in_lower_case_is_a_write(rack, run_module):
    result, failed = call(rack, run_module, method='post', path='/apps', data=dict(name='lower'))

    assert not failed and result['changed'] is True and result['json']['name'] == 'lower'


def test_an_unknown_method_is_still_refused(rack, run_module):
    result, failed = call(rack, run_module, method='brew', path='/apps')

    assert failed and 'method' in result['msg'] and 'GET' in result['msg']
    assert rack.requests() == []


def test_an_unrouted_path_says_no_such_api_route(rack, run_module):
    result, failed = call(rack, run_module, path='/system/')

    assert failed
    assert result['msg'] == "GET /system/ answered 404: no such API route; the API's paths have no trailing '/'"
    assert 'response status' not in result['msg']


def test_a_nested_params_error_names_the_whole_path(rack, run_module):
    result, failed = call(rack, run_module, path='/apps', params=dict(parameters=dict(BuildCpu=dict(nested=1))))

    assert failed
    assert result['msg'].startswith('params.parameters.BuildCpu must be a string, number or boolean')
    assert rack.requests() == []


def test_control_characters_in_a_server_error_are_escaped(rack, run_module):
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 400, 'body': 'bad \x1b[31mred\x00'}])

    result, failed = call(rack, run_module, path='/apps')

    assert failed and '\x1b' not in result['msg'] and '\x00' not in result['msg']
    assert 'bad \\x1b[31mred\\x00' in result['msg']


@pytest.mark.parametrize('retries', [5, 'five', [1], [{'max_retries': 1}], True])
def test_retries_that_is_not_a_dict_fails_cleanly(rack, run_module, retries):
    result, failed = call(rack, run_module, path='/apps', retries=retries)

    assert failed
    assert result['msg'].startswith('retries must be a dict with the keys backoff_base, backoff_max, max_retries, retry_on_500, not ')
    assert rack.requests() == []


def test_retries_as_key_value_text_is_still_read_as_a_dict(rack, run_module):
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 503}])
    result, failed = call(rack, run_module, path='/apps', retries='max_retries=1 backoff_base=0 backoff_max=0')

    assert not failed and result['api_retries'] == 1


def test_timeout_zero_is_refused_with_the_allowed_range(rack, run_module):
    for timeout in (0, -1, 1e9):
        result, failed = call(rack, run_module, path='/apps', timeout=timeout)
        assert failed and result['msg'] == 'timeout must be a number more than 0 and at most 86400', timeout
    assert rack.requests() == []


def test_the_documented_options_hold_no_reference_to_a_missing_module():
    documented = yaml.safe_load(convox_api.DOCUMENTATION)
    text = json.dumps(documented)
    modules_dir = os.path.dirname(convox_api.__file__)
    referenced = set(re.findall(r'convox\.convox\.(convox_[a-z_]+)', text))
    referenced.update(entry['module'].split('.')[-1] for entry in documented.get('seealso', []) if 'module' in entry)
    assert referenced
    for name in referenced:
        assert os.path.isfile(os.path.join(modules_dir, name + '.py')), name
    # The collection has no build modules (yet): the docs must not point at them.
    assert 'build modules' not in text
