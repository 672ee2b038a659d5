# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_certificate and convox_certificate_info in-process against the emulator.

Uploads are matched by names and expiry, generated certificates by domains (and Let's Encrypt by
the id the rack derives from them); bad input fails before any request; keys never show.
"""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from convox_emulator import certificates as emulated_certificates
from convox_emulator.testcerts import make_certificate

from ansible_collections.convox.convox.plugins.module_utils._wire import parse_time
from ansible_collections.convox.convox.plugins.modules import convox_app, convox_certificate, convox_certificate_info


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, wait_interval=0.1)
    args.update(extra)
    return args


def info_connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def requests(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


def writes(rack):
    return [request for request in requests(rack) if request[0] != 'GET']


def key_body(key):
    """A distinctive piece of a PEM key, to look for in output."""
    return ''.join(key.splitlines()[1:-1])[10:50]


@pytest.fixture(scope='module')
def pair():
    cert, key, chain = make_certificate('www.example.com', ['www.example.com', 'example.com'], days=90)
    return cert, key, chain


def upload(rack, pair, **extra):
    cert, key, chain = pair
    args = dict(certificate=cert, private_key=key, chain=chain)
    args.update(extra)
    return connection(rack, **args)


def test_upload_then_a_rerun_is_one_read(rack, run_module, pair):
    result, failed = run_module(convox_certificate.main, upload(rack, pair, _ansible_diff=True))
    assert not failed, result
    cert = result['certificate']
    assert result['changed'] is True
    assert cert['id'].startswith('cert-') and len(cert['id']) == 10
    assert cert['domain'] == 'www.example.com' and cert['domains'] == ['www.example.com', 'example.com']
    assert len(cert['fingerprint']) == 64
    assert result['diff']['before'] == {'state': 'absent'}
    assert result['diff']['after']['names'] == ['example.com', 'www.example.com']
    assert requests(rack) == [('GET', '/certificates'), ('POST', '/certificates')]
    assert rack.requests()[0]['query'] == {'generated': 'true'}
    assert sorted(rack.requests()[1]['form']) == ['chain', 'key', 'pub']
    assert key_body(pair[1]) not in json.dumps(result)

    rack.clear_requests()
    again, failed = run_module(convox_certificate.main, upload(rack, pair))
    assert not failed and again['changed'] is False
    assert again['certificate']['id'] == cert['id'] and again['certificate']['fingerprint'] == cert['fingerprint']
    assert requests(rack) == [('GET', '/certificates')]


def test_upload_from_files_and_check_mode(rack, run_module, pair, tmp_path):
    for name, text in zip(('cert.pem', 'key.pem', 'chain.pem'), pair):
        (tmp_path / name).write_text(text)
    files = connection(rack, certificate_path=str(tmp_path / 'cert.pem'), private_key_path=str(tmp_path / 'key.pem'),
                       chain_path=str(tmp_path / 'chain.pem'))
    predicted, failed = run_module(convox_certificate.main, dict(files, _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and predicted['changed'] is True and 'certificate' not in predicted
    assert predicted['diff']['after']['expiration'].endswith('Z')
    assert writes(rack) == []
    result, failed = run_module(convox_certificate.main, files)
    assert not failed and result['changed'] is True
    assert key_body(pair[1]) not in json.dumps(result) and key_body(pair[1]) not in json.dumps(predicted)
    # The same certificate given as content is the same certificate.
    again, failed = run_module(convox_certificate.main, upload(rack, pair))
    assert again['changed'] is False and again['certificate']['id'] == result['certificate']['id']


def test_a_fullchain_is_split_and_the_chain_travels_separately(rack, run_module, pair):
    cert, key, chain = pair
    result, failed = run_module(convox_certificate.main, connection(rack, certificate=cert + chain, private_key=key))
    assert not failed, result
    secret = rack.state.extensions['certificates'].secrets[result['certificate']['id']]
    assert secret.crt.count('BEGIN CERTIFICATE') == 2 and secret.crt.startswith('-----BEGIN CERTIFICATE-----')


def test_another_certificate_for_the_same_names_is_uploaded_next_to_it(rack, run_module, pair):
    first, failed = run_module(convox_certificate.main, upload(rack, pair))
    renewed = make_certificate('www.example.com', ['www.example.com', 'example.com'], days=120)
    second, failed = run_module(convox_certificate.main, upload(rack, renewed))
    assert not failed and second['changed'] is True
    assert second['certificate']['id'] != first['certificate']['id']


def test_a_key_of_another_certificate_fails_before_any_request(rack, run_module, pair):
    _other_cert, other_key, _chain = make_certificate('www.example.com', days=90)
    result, failed = run_module(convox_certificate.main, upload(rack, pair, private_key=other_key))
    assert failed and result['changed'] is False
    assert 'private_key does not belong to the certificate' in result['msg']
    assert rack.requests() == []
    assert key_body(other_key) not in json.dumps(result)


@pytest.mark.parametrize('args,message', [
    (dict(certificate='garbage'), 'certificate holds no PEM block'),
    (dict(certificate='-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n'), 'not a well-formed X.509'),
    (dict(private_key='-----BEGIN PUBLIC KEY-----\nMAMCAQE=\n-----END PUBLIC KEY-----\n'), 'private_key is a PUBLIC KEY block'),
    (dict(chain='-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n'), 'chain: the PEM block CERTIFICATE is not valid base64'),
    (dict(certificate_path='/nonexistent/cert.pem', certificate=None), 'cannot read certificate_path /nonexistent/cert.pem'),
    (dict(private_key=None), 'an upload needs private_key'),
    (dict(certificate=None, private_key=None), 'state=present needs certificate'),
    (dict(generate=True), 'cannot be given with it'),
    (dict(domains=['x.example.com']), 'apply to generated certificates only'),
    (dict(id='cert-abcde'), 'id selects a certificate to delete'),
])
def test_bad_uploads_fail_before_any_request(rack, run_module, pair, args, message):
    result, failed = run_module(convox_certificate.main, upload(rack, pair, **args))
    assert failed and message in result['msg'], result
    assert rack.requests() == []


@pytest.mark.parametrize('args,message', [
    (dict(domains=[]), 'generate needs domains'),
    (dict(domains=['bad domain']), "invalid domain 'bad domain'"),
    (dict(domains=['a.example.com', 'A.example.com']), 'domains lists a name twice'),
    (dict(duration='2160h'), 'duration applies to Let'),
    (dict(issuer='letsencrypt', duration='90 days'), "invalid duration '90 days'"),
    (dict(issuer='letsencrypt', duration='99999999999999h'), 'duration must be at most 9223372036 seconds'),
    (dict(issuer='letsencrypt', domains=['d%d.example.com' % n for n in range(11)]), 'at most 10 domains'),
])
def test_bad_generate_options_fail_before_any_request(rack, run_module, args, message):
    options = dict(generate=True, domains=['x.example.com'])
    options.update(args)
    result, failed = run_module(convox_certificate.main, connection(rack, **options))
    assert failed and message in result['msg'], result
    assert rack.requests() == []


def test_a_self_signed_certificate_is_generated_once(rack, run_module):
    created, failed = run_module(convox_certificate.main, connection(rack, generate=True, domains=['internal.example.com']))
    assert not failed, created
    cert = created['certificate']
    assert cert['domains'] == ['internal.example.com'] and 'fingerprint' not in cert
    assert parse_time(cert['expiration']) > time.time() + 364 * 86400
    assert writes(rack) == [('POST', '/certificates/generate')]
    rack.clear_requests()
    again, failed = run_module(convox_certificate.main, connection(rack, generate=True, domains=['INTERNAL.example.com']))
    assert not failed and again['changed'] is False and again['certificate']['id'] == cert['id']
    assert requests(rack) == [('GET', '/certificates')]


def test_an_expired_generated_certificate_is_replaced(rack, run_module):
    created, failed = run_module(convox_certificate.main, connection(rack, generate=True, domains=['old.example.com']))
    store = rack.state.extensions['certificates']
    expired_cert, expired_key, _chain = make_certificate('old.example.com', days=10, self_signed=True, not_before=time.time() - 20 * 86400)
    store.secrets[created['certificate']['id']].crt = expired_cert
    again, failed = run_module(convox_certificate.main, connection(rack, generate=True, domains=['old.example.com']))
    assert not failed and again['changed'] is True and again['certificate']['id'] != created['certificate']['id']
    assert expired_key


def test_a_self_signed_certificate_for_two_domains_is_refused_before_any_write(rack, run_module):
    result, failed = run_module(convox_certificate.main, connection(rack, generate=True, domains=['a.example.com', 'b.example.com']))
    assert failed and 'exactly one domain' in result['msg']
    assert writes(rack) == []


def test_lets_encrypt_is_waited_for_and_matched_by_its_id(rack, run_module):
    domains = ['api.example.com', 'www.example.com']
    expected_id = 'cert-' + hashlib.sha1('-'.join(domains).encode()).hexdigest()
    predicted, failed = run_module(convox_certificate.main, connection(rack, generate=True, issuer='letsencrypt', domains=domains,
                                                                       _ansible_check_mode=True))
    assert not failed and predicted['changed'] is True and writes(rack) == []
    issued, failed = run_module(convox_certificate.main, connection(rack, generate=True, issuer='letsencrypt', domains=domains,
                                                                    duration='2160h'))
    assert not failed, issued
    assert issued['certificate']['id'] == expected_id and issued['certificate']['status'] == ''
    assert issued['certificate']['domains'] == domains
    rack.clear_requests()
    again, failed = run_module(convox_certificate.main, connection(rack, generate=True, issuer='letsencrypt', domains=domains))
    assert not failed and again['changed'] is False
    assert requests(rack) == [('GET', '/certificates')]


def test_lets_encrypt_without_waiting_then_waited_for_on_the_next_run(emulator, run_module):
    slow = emulator(deploy_seconds=1.5)
    pending, failed = run_module(convox_certificate.main, connection(slow, generate=True, issuer='letsencrypt', domains=['le.example.com'],
                                                                     wait=False))
    assert not failed and pending['changed'] is True
    assert pending['certificate']['expiration'] == '0001-01-01T00:00:00Z'
    waited, failed = run_module(convox_certificate.main, connection(slow, generate=True, issuer='letsencrypt', domains=['le.example.com']))
    assert not failed and waited['changed'] is False
    assert waited['certificate']['status'] == '' and parse_time(waited['certificate']['expiration'])


def test_lets_encrypt_wait_timeout_names_the_status(emulator, run_module):
    slow = emulator(deploy_seconds=30)
    result, failed = run_module(convox_certificate.main, connection(slow, generate=True, issuer='letsencrypt', domains=['t.example.com'],
                                                                    wait_timeout=1))
    assert failed and result['changed'] is True and result['last_status'] == 'Not Ready'
    assert "timed out after 1s waiting for certificate cert-" in result['msg']


def test_delete_by_id_then_again(rack, run_module, pair):
    created, failed = run_module(convox_certificate.main, upload(rack, pair))
    cert_id = created['certificate']['id']
    predicted, failed = run_module(convox_certificate.main, connection(rack, id=cert_id, state='absent', _ansible_check_mode=True))
    assert not failed and predicted['changed'] is True and predicted['deleted'] == [cert_id]
    rack.clear_requests()
    deleted, failed = run_module(convox_certificate.main, connection(rack, id=cert_id, state='absent', _ansible_diff=True))
    assert not failed and deleted['changed'] is True and deleted['deleted'] == [cert_id]
    assert deleted['diff'] == {'before': {'state': 'present'}, 'after': {'state': 'absent'}}
    assert requests(rack) == [('GET', '/certificates'), ('DELETE', '/certificates/%s' % cert_id)]
    again, failed = run_module(convox_certificate.main, connection(rack, id=cert_id, state='absent'))
    assert not failed and again['changed'] is False and again['deleted'] == []


def test_delete_by_content_and_by_domains(rack, run_module, pair):
    run_module(convox_certificate.main, upload(rack, pair))
    run_module(convox_certificate.main, connection(rack, generate=True, domains=['gen.example.com']))
    cert, _key, _chain = pair
    by_content, failed = run_module(convox_certificate.main, connection(rack, certificate=cert, state='absent'))
    assert not failed and by_content['changed'] is True and len(by_content['deleted']) == 1
    by_domains, failed = run_module(convox_certificate.main, connection(rack, generate=True, domains=['gen.example.com'], state='absent'))
    assert not failed and by_domains['changed'] is True and len(by_domains['deleted']) == 1
    listed, failed = run_module(convox_certificate_info.main, info_connection(rack, generated=True))
    assert [item['id'] for item in listed['certificates']] == ['ca']


def test_a_key_inside_the_certificate_option_never_shows(rack, run_module, pair):
    """A combined PEM (certificate then key, as haproxy reads it) given as the certificate: the key is in an option
    that is not no_log, and must not show in the invocation - whether the task fails (present) or succeeds (absent)."""
    cert, key, _chain = pair
    run_module(convox_certificate.main, upload(rack, pair))
    combined = cert + key
    refused, failed = run_module(convox_certificate.main, connection(
        rack, certificate=combined, private_key_path='/nonexistent/key.pem', _ansible_inject_invocation=True))
    assert failed and key_body(key) not in json.dumps(refused), refused
    deleted, failed = run_module(convox_certificate.main, connection(
        rack, certificate=combined, state='absent', _ansible_inject_invocation=True))
    assert not failed and deleted['changed'] is True and len(deleted['deleted']) == 1
    assert deleted['invocation']['module_args']['certificate'].startswith('-----BEGIN CERTIFICATE-----')
    assert key_body(key) not in json.dumps(deleted), deleted


def test_a_certificate_path_to_a_device_is_not_read_whole(rack, run_module, pair):
    """/dev/zero never ends: read whole, it took all memory."""
    result, failed = run_module(convox_certificate.main, upload(rack, pair, certificate=None, certificate_path='/dev/zero'))
    assert failed and 'certificate_path /dev/zero is larger than 1048576 bytes' in result['msg'], result
    assert rack.requests() == []


def test_the_upload_task_deletes_with_state_absent_as_it_is(rack, run_module, pair):
    """Flipping state on the task that uploaded: the key and chain are not needed, and not read (a key file gone is fine)."""
    run_module(convox_certificate.main, upload(rack, pair))
    rack.clear_requests()
    checked, failed = run_module(convox_certificate.main, upload(rack, pair, state='absent', _ansible_check_mode=True))
    assert not failed and checked['changed'] is True and len(checked['deleted']) == 1, checked
    assert writes(rack) == []
    without_key = upload(rack, pair, private_key=None, private_key_path='/nonexistent/key.pem', state='absent')
    deleted, failed = run_module(convox_certificate.main, without_key)
    assert not failed and deleted['deleted'] == checked['deleted'], deleted
    again, failed = run_module(convox_certificate.main, upload(rack, pair, state='absent'))
    assert not failed and again['changed'] is False and again['deleted'] == []
    assert key_body(pair[1]) not in json.dumps([checked, deleted, again])


def test_the_rack_ca_is_never_deleted(rack, run_module):
    result, failed = run_module(convox_certificate.main, connection(rack, id='ca', state='absent'))
    assert failed and "the rack's own certificate authority" in result['msg']
    assert rack.requests() == []


def test_absent_needs_exactly_one_way_to_name_the_certificate(rack, run_module, pair):
    none, failed = run_module(convox_certificate.main, connection(rack, state='absent'))
    assert failed and 'state=absent needs one of' in none['msg']
    both, failed = run_module(convox_certificate.main, connection(rack, state='absent', id='cert-abcde', certificate=pair[0]))
    assert failed and 'state=absent needs one of' in both['msg']
    assert rack.requests() == []


def test_a_service_certificate_cannot_be_deleted_and_the_error_says_why(rack, run_module):
    run_module(convox_app.main, connection(rack, name='demo'))
    store = emulated_certificates.store_of(rack.state)
    store.service_certs[('demo', 'cert-web')] = emulated_certificates.ServiceCertificate('demo', 'cert-web', ['web.demo.example'],
                                                                                         time.time_ns())
    result, failed = run_module(convox_certificate.main, connection(rack, id='cert-web', state='absent'))
    assert failed and result['status_code'] == 500
    assert 'secrets "cert-web" not found' in result['msg'] and "cannot be deleted through the API" in result['msg']


def test_a_broken_list_is_explained_and_delete_by_id_still_works(rack, run_module):
    # What a bad upload from some other client leaves behind: every list fails until it is deleted.
    store = emulated_certificates.store_of(rack.state)
    store.secrets['cert-brokn'] = emulated_certificates.TlsSecret('cert-brokn', '-----BEGIN PUBLIC KEY-----\nMAMCAQE=\n-----END PUBLIC KEY-----\n',
                                                                  'k', time.time_ns())
    listed, failed = run_module(convox_certificate_info.main, info_connection(rack))
    assert failed and 'invalid certificate: cert-brokn' in listed['msg']
    blocked, failed = run_module(convox_certificate.main, connection(rack, generate=True, domains=['x.example.com']))
    assert failed and 'breaks its certificate list until it is deleted' in blocked['msg']
    rack.clear_requests()
    predicted, failed = run_module(convox_certificate.main, connection(rack, id='cert-brokn', state='absent', _ansible_check_mode=True))
    assert not failed and predicted['changed'] is True and writes(rack) == []
    assert any('would delete cert-brokn without checking' in json.dumps(warning) for warning in predicted['warnings'])
    deleted, failed = run_module(convox_certificate.main, connection(rack, id='cert-brokn', state='absent'))
    assert not failed and deleted['changed'] is True and deleted['deleted'] == ['cert-brokn']
    assert any('deleting cert-brokn without checking' in json.dumps(warning) for warning in deleted['warnings'])
    listed, failed = run_module(convox_certificate_info.main, info_connection(rack))
    assert not failed and [item['id'] for item in listed['certificates']] == ['ca']


def test_info_lists_filters_and_reads_one(rack, run_module, pair):
    created, failed = run_module(convox_certificate.main, upload(rack, pair))
    rack.clear_requests()
    listed, failed = run_module(convox_certificate_info.main, info_connection(rack))
    assert not failed and [item['id'] for item in listed['certificates']] == sorted(['ca', created['certificate']['id']], key=str.upper)
    assert requests(rack) == [('GET', '/certificates')] and rack.requests()[0]['query'] == {}
    one, failed = run_module(convox_certificate_info.main, info_connection(rack, id=created['certificate']['id']))
    assert one['exists'] is True and one['certificate']['domain'] == 'www.example.com'
    missing, failed = run_module(convox_certificate_info.main, info_connection(rack, id='cert-zzzzz'))
    assert not failed and missing['exists'] is False and 'certificate' not in missing


@pytest.fixture(scope='module')
def v2_rack(emulator):
    return emulator(rack_version='20240101000000')


def test_v2_upload_is_idempotent_with_acm_ids(v2_rack, run_module):
    v2_rack.reset()
    cert, key, chain = make_certificate('v2.example.com', days=90, key_type='rsa')
    created, failed = run_module(convox_certificate.main, connection(v2_rack, certificate=cert, private_key=key, chain=chain))
    assert not failed, created
    assert created['certificate']['id'].startswith('acm-') and 'status' not in created['certificate']
    again, failed = run_module(convox_certificate.main, connection(v2_rack, certificate=cert, private_key=key, chain=chain))
    assert not failed and again['changed'] is False


def test_v2_generate_warns_and_refuses_lets_encrypt(v2_rack, run_module):
    v2_rack.reset()
    refused, failed = run_module(convox_certificate.main, connection(v2_rack, generate=True, issuer='letsencrypt', domains=['a.example.com']))
    assert failed and 'AWS Certificate Manager' in refused['msg']
    assert [entry['method'] for entry in v2_rack.requests()] == ['GET', 'GET']
    requested, failed = run_module(convox_certificate.main, connection(v2_rack, generate=True, domains=['a.example.com', 'b.example.com']))
    assert not failed and requested['changed'] is True and requested['certificate']['id'].startswith('acm-')
    assert any('requests another one' in json.dumps(warning) for warning in requested['warnings'])
