# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificates (v3 provider/k8s certificate.go, v2 provider/aws certificates.go; transcript row 72)."""

import hashlib
import re
import time

import pytest
import requests

from convox_emulator import golang
from convox_emulator.testcerts import make_certificate
from emulator_helpers import create_running_app, deploy_manifest, role_apis

CERT_FIELDS = ['id', 'domain', 'domains', 'expiration', 'status']
ID_RE = re.compile(r'cert-[bcdfghjklmnpqrstvwxz2456789]{5}\Z')
DAY = 24 * 3600


def expiration_in(days, cert):
    """The certificate's expiration as Go renders it, expected about ``days`` from now."""
    moment = time.strptime(cert['expiration'], '%Y-%m-%dT%H:%M:%SZ')
    return abs(time.mktime(moment) - time.mktime(time.gmtime()) - days * DAY) < 120


def test_transcript_rack_ca(api):
    listed = api.get('/certificates').json()                                          # 72
    assert [list(item) for item in listed] == [CERT_FIELDS]
    ca = listed[0]
    assert (ca['id'], ca['domain'], ca['domains'], ca['status']) == ('ca', 'Convox Rack CA', None, '')
    assert expiration_in(3650, ca)
    assert '"domains": null' in api.get('/certificates').text


def test_upload(api):
    cert, key, chain = make_certificate('app.example.com', ['app.example.com', '*.app.example.com'], days=30)
    response = api.post('/certificates', data={'pub': cert, 'key': key, 'chain': chain})
    assert response.status_code == 200
    uploaded = response.json()
    assert list(uploaded) == CERT_FIELDS
    assert ID_RE.match(uploaded['id'])
    assert (uploaded['domain'], uploaded['domains'], uploaded['status']) == ('app.example.com', ['app.example.com', '*.app.example.com'], '')
    assert expiration_in(30, uploaded)
    assert uploaded in api.get('/certificates').json()
    # Uploading the same certificate again makes another Secret.
    again = api.post('/certificates', data={'pub': cert, 'key': key}).json()
    assert again['id'] != uploaded['id'] and again['domains'] == uploaded['domains']


def test_upload_without_sans_gives_null_domains(api):
    cert, key, _chain = make_certificate('bare.example.com', [], self_signed=True)
    uploaded = api.post('/certificates', data={'pub': cert, 'key': key}).json()
    assert (uploaded['domain'], uploaded['domains']) == ('bare.example.com', None)


def test_key_is_never_checked(api):
    cert, _key, _chain = make_certificate('a.example.com')
    _other_cert, other_key, _other_chain = make_certificate('b.example.com')
    for key in (other_key, '', 'not a key'):
        response = api.post('/certificates', data={'pub': cert, 'key': key})
        assert (response.status_code, response.json()['domain']) == (200, 'a.example.com')
    assert api.post('/certificates', data={'pub': cert}).status_code == 200


def test_pem_before_junk_and_in_the_chain_only(api):
    cert, key, _chain = make_certificate('a.example.com')
    assert api.post('/certificates', data={'pub': 'junk\n' + cert, 'key': key}).json()['domain'] == 'a.example.com'
    # tls.crt is pub + "\n" + chain: with an empty pub the first block is the chain's.
    assert api.post('/certificates', data={'pub': '', 'key': key, 'chain': cert}).json()['domain'] == 'a.example.com'


def _broken_then_listed(api, pub, key):
    response = api.post('/certificates', data={'pub': pub, 'key': key})
    return response, api.get('/certificates')


def test_wrong_pem_type_is_500_and_breaks_the_list(api, text_api):
    _cert, key, _chain = make_certificate('a.example.com')
    response, listed = _broken_then_listed(api, key, key)
    match = re.match(r'invalid certificate: (cert-[a-z0-9]{5})\Z', response.json()['error'])
    assert response.status_code == 500 and match
    # The Secret was created before it was read back: every list now fails the same way, until it is deleted.
    assert (listed.status_code, listed.json()) == (500, {'error': response.json()['error']})
    assert text_api.get('/certificates').text == response.json()['error'] + '\n'
    assert api.delete('/certificates/%s' % match.group(1)).content == b'ok\n'
    assert api.get('/certificates').status_code == 200


def test_bad_der_is_go_x509_error(api):
    response, listed = _broken_then_listed(api, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'k')
    assert (response.status_code, response.json()) == (500, {'error': 'x509: malformed certificate'})
    assert listed.json() == {'error': 'x509: malformed certificate'}


def test_no_pem_at_all_drops_the_connection(api, rack):
    # pem.Decode returns nil and the handler dereferences it: a panic, and net/http closes the connection.
    with pytest.raises(requests.ConnectionError):
        api.post('/certificates', data={'pub': 'not a certificate', 'key': 'k'})
    with pytest.raises(requests.ConnectionError):
        api.get('/certificates')
    assert [entry['status'] for entry in rack.requests()] == [None, None]


def test_generate_self_signed(api):
    generated = api.post('/certificates/generate', data={'domains': 'gen.example.com'}).json()
    assert list(generated) == CERT_FIELDS and ID_RE.match(generated['id'])
    assert (generated['domain'], generated['domains'], generated['status']) == ('gen.example.com', ['gen.example.com'], '')
    assert expiration_in(365, generated)
    assert generated in api.get('/certificates', params={'generated': 'true'}).json()
    response = api.post('/certificates/generate', data={'domains': 'a.example.com,b.example.com'})
    assert (response.status_code, response.json()) == (400, {'error': 'must specify only one domain'})
    response = api.post('/certificates/generate', data={'domains': 'a.example.com', 'issuer': 'acme'})
    assert (response.status_code, response.json()) == (400, {'error': 'invalid issuer'})


def test_generate_letsencrypt(api, clock, rack):
    response = api.post('/certificates/generate', data={'domains': 'a.example.com, b.example.com', 'issuer': 'letsencrypt',
                                                        'duration': '2160h'})
    ordered = response.json()
    name = 'cert-%s' % hashlib.sha1(b'a.example.com-b.example.com').hexdigest()
    assert ordered == {'id': name, 'domain': 'a.example.com', 'domains': ['a.example.com', 'b.example.com'],
                       'expiration': '0001-01-01T00:00:00Z', 'status': ''}
    # Not issued yet: only the generated list shows it, Not Ready and without a common name.
    assert name not in [item['id'] for item in api.get('/certificates').json()]
    pending = [item for item in api.get('/certificates', params={'generated': 'true'}).json() if item['id'] == name]
    assert pending == [{'id': name, 'domain': '', 'domains': ['a.example.com', 'b.example.com'], 'expiration': '0001-01-01T00:00:00Z',
                        'status': 'Not Ready'}]
    again = api.post('/certificates/generate', data={'domains': 'a.example.com,b.example.com', 'issuer': 'letsencrypt'})
    assert (again.status_code, again.json()) == (500, {'error': 'certificates.cert-manager.io "%s" already exists' % name})
    clock.advance(rack.state.deploy_ns / 1e9)
    issued = [item for item in api.get('/certificates').json() if item['id'] == name]
    assert len(issued) == 1 and issued[0]['domain'] == 'a.example.com' and issued[0]['status'] == ''
    assert golang.format_time(clock.now_ns // 10 ** 9 * 10 ** 9 + 2160 * 3600 * 10 ** 9) == issued[0]['expiration']
    # Deleting the Secret does not remove the Certificate: cert-manager issues it again.
    assert api.delete('/certificates/%s' % name).content == b'ok\n'
    assert [item['status'] for item in api.get('/certificates', params={'generated': 'true'}).json() if item['id'] == name] == ['Not Ready']
    clock.advance(rack.state.deploy_ns / 1e9)
    assert name in [item['id'] for item in api.get('/certificates').json()]


@pytest.mark.parametrize('data, message', [
    ({'domains': ','.join('d%d.example.com' % index for index in range(11))}, 'can not specify more than 10 domain name'),
    ({'domains': 'a.example.com', 'duration': 'soon'}, 'invalid duration: time: invalid duration "soon"'),
])
def test_generate_letsencrypt_errors(api, data, message):
    response = api.post('/certificates/generate', data=dict(data, issuer='letsencrypt'))
    assert (response.status_code, response.json()) == (400, {'error': message})


def test_list_sorted_by_id_case_insensitively(api, rack):
    cert, key, _chain = make_certificate('a.example.com')
    store_ids = []
    for _index in range(4):
        store_ids.append(api.post('/certificates', data={'pub': cert, 'key': key}).json()['id'])
    # Kubernetes names are lower case, so only an odd id shows the comparison: bytewise "Cert-0" < "ca", upper-cased it is after.
    store = rack.state.extensions['certificates']
    secret = store.secrets[store_ids[0]]
    store.secrets['Cert-0'] = type(secret)('Cert-0', secret.crt, secret.key, secret.created_ns)
    ids = [item['id'] for item in api.get('/certificates').json()]
    assert ids == ['ca', 'Cert-0'] + sorted(store_ids)


def test_generated_is_a_query_option(api, clock):
    deploy_manifest(api, api.rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n')
    all_ids = [item['id'] for item in api.get('/certificates').json()]
    assert 'cert-web' in all_ids
    # The SDK sends it as a body param on a GET, where the rack cannot see it.
    assert [item['id'] for item in api.request('GET', '/certificates', data={'generated': 'true'}).json()] == all_ids
    assert 'cert-web' not in [item['id'] for item in api.get('/certificates', params={'generated': 'true'}).json()]
    assert [item['id'] for item in api.get('/certificates', params={'generated': 'yes'}).json()] == all_ids


def test_service_certificates(api, clock, rack):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 3000\n    domain: shop.example.com, www.example.com\n'
                                      '  worker:\n    build: .\n')
    listed = {item['id']: item for item in api.get('/certificates').json()}
    assert set(listed) == {'ca', 'cert-web', 'cert-web-domains'}
    assert (listed['cert-web']['domain'], listed['cert-web']['domains']) == ('web.demo.dev.localdev', ['web.demo.dev.localdev'])
    assert listed['cert-web-domains']['domains'] == ['shop.example.com', 'www.example.com']
    assert expiration_in(90, listed['cert-web'])
    # Another app's service of the same name has a certificate of the same id (in its own namespace).
    create_running_app(api, clock, 'other')
    deploy_manifest(api, rack, clock, 'services:\n  web:\n    build: .\n    port: 80\n', app='other')
    assert [item['id'] for item in api.get('/certificates').json()].count('cert-web') == 2
    # DELETE only reaches the rack namespace.
    response = api.delete('/certificates/cert-web')
    assert (response.status_code, response.json()) == (500, {'error': 'secrets "cert-web" not found'})
    # Renew takes an app name and re-issues its custom-domain certificates.
    before = listed['cert-web-domains']['expiration']
    clock.advance(60)
    assert api.post('/certificates/demo/renew').content == b'ok\n'
    renewed = {item['id']: item for item in api.get('/certificates').json() if item['domains'] != ['web.other.dev.localdev']}
    assert renewed['cert-web-domains']['expiration'] > before and renewed['cert-web']['expiration'] == listed['cert-web']['expiration']
    assert api.post('/certificates/missing/renew').content == b'ok\n'
    api.delete('/apps/other')
    clock.advance(1)
    assert [item['id'] for item in api.get('/certificates').json()].count('cert-web') == 1


def test_delete(api, text_api):
    cert, key, _chain = make_certificate('a.example.com')
    uploaded = api.post('/certificates', data={'pub': cert, 'key': key}).json()
    assert api.delete('/certificates/%s' % uploaded['id']).content == b'ok\n'
    response = text_api.delete('/certificates/%s' % uploaded['id'])
    assert (response.status_code, response.text) == (500, 'secrets "%s" not found\n' % uploaded['id'])
    assert api.delete('/certificates/ca').content == b'ok\n'
    assert api.get('/certificates').json() == []


def test_apply_is_unimplemented(api, clock):
    create_running_app(api, clock)
    response = api.put('/apps/demo/ssl/web/443', data={'id': 'cert-abcde'})
    assert (response.status_code, response.json()) == (501, {'error': 'unimplemented'})
    response = api.put('/apps/demo/ssl/web/https', data={'id': 'cert-abcde'})
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.Atoi: parsing "https": invalid syntax'})


def test_roles(api, rack):
    apis = role_apis(api, rack)
    cert, key, _chain = make_certificate('a.example.com')
    assert apis['read'].get('/certificates').status_code == 200
    for method, path in (('POST', '/certificates'), ('POST', '/certificates/generate'), ('DELETE', '/certificates/ca'),
                         ('POST', '/certificates/demo/renew'), ('PUT', '/apps/demo/ssl/web/443')):
        response = apis['read'].request(method, path, data={'pub': cert, 'key': key, 'domains': 'x.example.com'})
        assert (response.status_code, response.json()) == (401, {'error': 'you are unauthorized to access this'}), path
    assert apis['write'].post('/certificates', data={'pub': cert, 'key': key}).status_code == 200


class TestV2:
    def test_upload_list_delete(self, v2):
        assert v2.get('/certificates').json() == []
        cert, key, chain = make_certificate('app.example.com', ['app.example.com', 'www.example.com'], key_type='rsa')
        uploaded = v2.post('/certificates', data={'pub': cert, 'key': key, 'chain': chain}).json()
        assert list(uploaded) == ['id', 'domain', 'domains', 'expiration']
        assert re.match(r'acm-[0-9a-f]{12}\Z', uploaded['id'])
        assert (uploaded['domain'], uploaded['domains']) == ('app.example.com', ['app.example.com', 'www.example.com'])
        assert v2.get('/certificates').json() == [uploaded]
        assert v2.delete('/certificates/%s' % uploaded['id']).text == 'ok\n'
        assert v2.delete('/certificates/%s' % uploaded['id']).text == 'certificate not found\n'
        assert v2.delete('/certificates/acm').text == 'invalid certificate id\n'
        response = v2.delete('/certificates/my-iam-cert')
        assert response.status_code == 500
        assert response.text.startswith('NoSuchEntity: The Server Certificate with name my-iam-cert cannot be found.\n\tstatus code: 404, '
                                        'request id: ')

    def test_acm_checks_the_upload(self, v2):
        cert, key, _chain = make_certificate('a.example.com', key_type='rsa')
        _other, other_key, _other_chain = make_certificate('b.example.com', key_type='rsa')
        for data, message in (({'pub': 'junk', 'key': key}, 'Unable to parse certificate'),
                              ({'pub': cert + cert, 'key': key}, 'more than one certificate'),
                              ({'pub': cert, 'key': other_key}, 'does not match')):
            response = v2.post('/certificates', data=data)
            assert response.status_code == 500 and message in response.text and '\tstatus code: 400, request id: ' in response.text
        assert v2.get('/certificates').json() == []

    def test_generate_waits_for_validation(self, v2):
        generated = v2.post('/certificates/generate', data={'domains': 'a.example.com,b.example.com', 'issuer': 'letsencrypt'}).json()
        assert re.match(r'acm-[0-9a-f]{12}\Z', generated['id'])
        assert generated == {'id': generated['id'], 'domain': 'a.example.com', 'domains': None, 'expiration': '0001-01-01T00:00:00Z'}
        # PENDING_VALIDATION: only ISSUED certificates are listed.
        assert v2.get('/certificates').json() == []
        assert v2.delete('/certificates/%s' % generated['id']).text == 'ok\n'
        assert v2.post('/certificates/generate').text.startswith('InvalidParameter: 1 validation error(s) found.')

    def test_apply_and_no_renew(self, v2):
        v2.post('/apps', data={'name': 'demo'})
        assert v2.put('/apps/demo/ssl/web/443', data={'id': 'acm-1'}).text == 'generation 2 apps use the domain: attribute on services in ' \
                                                                              'convox.yml\n'
        v2.post('/apps', data={'name': 'old', 'generation': '1'})
        v2.rack.state.clock.advance(3)
        assert v2.put('/apps/old/ssl/web/443', data={'id': 'acm-1'}).text == 'ok\n'
        assert v2.get('/apps/old').json()['status'] == 'updating'
        assert v2.put('/apps/missing/ssl/web/443').text == 'app not found: missing\n'
        assert v2.post('/certificates/demo/renew').status_code == 404
