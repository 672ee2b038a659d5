# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wire client against the rack emulator over real loopback HTTP.

Faults (status codes, resets, truncated bodies, delays, HTML pages) are injected into the
emulator; the emulator's request log tells what really reached the "rack". Only a refused
connection needs no emulator: it is a closed loopback port.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import hashlib
import inspect
import io
import os
import re
import socket
import time
import tracemalloc
from urllib.parse import parse_qsl, quote

import pytest

from ansible_collections.convox.convox.plugins.module_utils import _transport
from ansible_collections.convox.convox.plugins.module_utils._api_builds import BUILD_IMPORT_TIMEOUT
from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxAPIError,
    ConvoxAuthError,
    ConvoxConfigError,
    ConvoxConflictError,
    ConvoxConnectionError,
    ConvoxError,
    ConvoxFileError,
    ConvoxForbiddenError,
    ConvoxGatewayError,
    ConvoxMissingLibraryError,
    ConvoxNotFoundError,
    ConvoxNotImplementedError,
    ConvoxResponseError,
    ConvoxServerError,
    ConvoxTimeoutError,
    ConvoxTLSError,
    ConvoxValidationError,
)
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings, RetrySettings
from ansible_collections.convox.convox.plugins.module_utils._failures import call_deadline, retry_after_seconds
from ansible_collections.convox.convox.plugins.module_utils._response import CallContext
from ansible_collections.convox.convox.plugins.module_utils._transport import USER_AGENT
from ansible_collections.convox.convox.plugins.module_utils._wire import (
    MAX_ENV_LINE_BYTES,
    api_path,
    check_env,
    check_env_key,
    encode_bool,
    encode_env,
    encode_fields,
    encode_list,
    encode_map,
    encode_time,
    parse_env,
)
from ansible_collections.convox.convox.plugins.module_utils._version import COLLECTION_VERSION


class Recorder:
    """Collects what the client reports: warnings, debug lines and the waits it asked for."""

    def __init__(self):
        self.warnings = []
        self.debug = []
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)


def make_client(url, password, recorder=None, jitter=1.0, **settings):
    """A client whose waits are recorded, not slept, and whose jitter is fixed (1.0: the full backoff)."""
    recorder = recorder or Recorder()
    settings.setdefault('timeout', 5.0)
    retries = settings.pop('retries', None)
    if isinstance(retries, dict):
        retries = RetrySettings.from_options(retries)
    client = ConvoxClient(
        ConnectionSettings(base_url=url, password=password, retries=retries, **settings),
        warn=recorder.warnings.append,
        debug=recorder.debug.append,
        sleep=recorder.sleep,
        jitter=lambda: jitter,
    )
    client.recorder = recorder
    return client


@pytest.fixture
def connect(rack):
    """``connect(**settings)``: a client for the shared emulator."""
    clients = []

    def factory(**settings):
        url = settings.pop('url', rack.url)
        password = settings.pop('password', rack.password)
        client = make_client(url, password, **settings)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def client(connect):
    return connect()


def logged(rack, method=None, path=None):
    """The emulator's request log entries for a method and exact path (faults included)."""
    return [entry for entry in rack.requests()
            if (method is None or entry['method'] == method) and (path is None or entry['path'] == path)]


@pytest.fixture
def unanswered_port():
    """A loopback port whose accept queue is full: Linux drops further SYNs, so connecting times out."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(0)
    port = server.getsockname()[1]
    filler = socket.create_connection(('127.0.0.1', port), timeout=1)
    yield port
    filler.close()
    server.close()


def closed_port():
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def secret_forms(password, user='convox'):
    return {
        password,
        quote(password, safe=''),
        base64.b64encode(('%s:%s' % (user, password)).encode()).decode(),
    }


def assert_no_secret(password, *texts):
    for text in texts:
        for form in secret_forms(password):
            assert form not in text, 'a form of the API key leaked: %r' % text


def describe_error(error):
    return [str(error), repr(error), str(error.message), ' '.join(str(arg) for arg in error.args)]


# ---------------------------------------------------------------------------------------
# The wire: headers, authentication, encodings
# ---------------------------------------------------------------------------------------

def test_requests_carry_the_documented_headers(rack, client):
    client.system_get()
    (entry,) = logged(rack, 'GET', '/system')
    headers = entry['headers']
    assert headers['Accept'] == 'application/json'
    assert headers['User-Agent'] == USER_AGENT == 'convox.convox/%s' % COLLECTION_VERSION
    assert headers['Authorization'] == 'convox'
    assert 'Rack' not in headers
    assert 'X-Convox-Actor' not in headers


def test_actor_header_is_sent_when_settings_carry_one(rack, connect):
    connect(actor='deploy-bot').system_get()
    assert logged(rack, 'GET', '/system')[0]['headers']['X-Convox-Actor'] == 'deploy-bot'


def test_one_connection_is_reused_across_calls(client):
    session = client._session
    client.system_get()
    client.auth_check()
    with pytest.raises(ConvoxNotFoundError):
        client.app_get('missing')
    client.app_list()
    assert client._session is session
    pools = session.adapters['http://'].poolmanager.pools
    (key,) = pools.keys()
    assert (pools[key].num_connections, pools[key].num_requests) == (1, 4), 'keep-alive: one connection for every call'


def test_system_calls(rack, client):
    system = client.system_get()
    assert system['status'] == 'running'
    assert 'version' in system
    capacity = client.system_capacity()
    assert 'cluster-cpu' in capacity
    assert isinstance(client.system_processes(), list)
    client.system_processes(all=True)
    queries = [entry['query'] for entry in logged(rack, 'GET', '/system/processes')]
    assert queries == [{}, {'all': 'true'}]
    assert client.auth_check() is True


def test_app_calls_and_parameters_travel_as_one_encoded_field(rack, client):
    created = client.app_create('demo')
    assert created['name'] == 'demo'
    assert client.app_get('demo')['name'] == 'demo'
    assert client.app_get('demo')['status'] in ('updating', 'running')

    client.app_update('demo', parameters={'BuildMem': 512, 'BuildCpu': '256'})
    (put,) = logged(rack, 'PUT', '/apps/demo')
    assert list(put['form']) == ['parameters'], 'the map must travel as ONE field, not one field per key'
    assert client.app_get('demo')['parameters'] == {'BuildCpu': '256', 'BuildMem': '512'}

    client.app_update('demo', lock=True)
    assert client.app_get('demo')['locked'] is True
    with pytest.raises(ConvoxConflictError) as caught:
        client.app_delete('demo')
    assert 'locked' in caught.value.message
    client.app_update('demo', lock=False)
    client.app_delete('demo')
    # The rack shows the app `deleting` for a while before it is gone.
    deadline = time.monotonic() + 5
    with pytest.raises(ConvoxNotFoundError):
        while time.monotonic() < deadline:
            assert client.app_get('demo')['status'] == 'deleting'
            time.sleep(0.05)


def test_release_env_round_trip(rack, client):
    client.app_create('envapp')
    env = {'FOO': 'bar', 'BAZ': 'a=b c', 'EMPTY': ''}
    release = client.release_create('envapp', env=env)
    assert release['env'] == 'BAZ=a=b c\nEMPTY=\nFOO=bar'
    assert parse_env(release['env']) == env
    second = client.release_create('envapp', env=dict(env, FOO='qux'))
    listed = client.release_list('envapp', limit=1)
    assert [item['id'] for item in listed] == [second['id']]
    assert client.release_get('envapp', release['id'])['env'] == release['env']
    assert logged(rack, 'GET', '/apps/envapp/releases')[-1]['query'] == {'limit': '1'}
    # v3 answers a missing release id with 500, not 404 (modules check existence first).
    with pytest.raises(ConvoxServerError) as caught:
        client.release_get('envapp', 'RMISSING')
    assert caught.value.status_code == 500


def test_cancel_and_promote_reach_their_routes(rack, client):
    client.app_create('deploy')
    release = client.release_create('deploy', env={'A': '1'})
    deadline = time.monotonic() + 5
    while client.app_get('deploy')['status'] != 'running' and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(ConvoxValidationError) as caught:
        client.release_promote('deploy', release['id'])
    assert caught.value.message == 'can not promote a release with an empty manifest'
    with pytest.raises(ConvoxForbiddenError) as caught:
        client.app_cancel('deploy')
    assert caught.value.message == 'app is not updating'
    assert [entry['form'] for entry in logged(rack, 'POST', '/apps/deploy/releases/%s/promote' % release['id'])] == [[]]


def test_request_id_comes_from_the_response_header(rack, client):
    with pytest.raises(ConvoxNotFoundError) as caught:
        client.app_get('missing')
    error = caught.value
    assert re.match(r'^[0-9a-f]{12}$', error.request_id)
    assert error.request_id in str(error)
    assert (error.method, error.path, error.status_code) == ('GET', '/apps/missing', 404)
    assert error.message == 'app not found: missing'

    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 409, 'body': '{"error":"x"}',
                      'content_type': 'application/json', 'headers': {'Request-Id': 'feedfacecafe'}}])
    with pytest.raises(ConvoxConflictError) as caught:
        client.system_get()
    assert caught.value.request_id == 'feedfacecafe'


def test_response_helper(rack, client):
    response = client.request('GET', '/system')
    assert response.status == 200
    assert response.is_json
    assert response.request_id and response.request_id == response.headers['Request-Id']
    assert response.json()['status'] == 'running'
    ok = client.request('GET', '/auth')
    assert ok.text == 'ok\n'
    assert not ok.is_json
    with pytest.raises(ConvoxResponseError) as caught:
        ok.json()
    assert 'not JSON' in str(caught.value)
    assert 'ok' not in caught.value.message.replace('not', ''), 'a non-JSON body is described, never quoted'


def test_debug_receives_one_line_per_attempt(client):
    client.system_get()
    assert len(client.recorder.debug) == 1
    assert client.recorder.debug[0].startswith('GET /system -> 200')


# ---------------------------------------------------------------------------------------
# Encodings (convox-api.md 1.5)
# ---------------------------------------------------------------------------------------

def test_encode_map_is_one_sorted_query_string():
    encoded = encode_map({'BuildMem': 512, 'BuildCpu': 256, 'BuildLabels': 'team=web&tier=1', 'Flag': True})
    assert encoded == 'BuildCpu=256&BuildLabels=team%3Dweb%26tier%3D1&BuildMem=512&Flag=true'
    assert dict(parse_qsl(encoded)) == {'BuildCpu': '256', 'BuildLabels': 'team=web&tier=1', 'BuildMem': '512', 'Flag': 'true'}
    assert encode_map({}) == ''
    with pytest.raises(ConvoxConfigError):
        encode_map({'': 'x'})
    with pytest.raises(ConvoxConfigError):
        encode_map(['not', 'a', 'map'])


def test_encode_scalars_and_fields():
    assert (encode_bool(True), encode_bool(False), encode_bool('yes'), encode_bool('false')) == ('true', 'false', 'true', 'false')
    with pytest.raises(ConvoxConfigError):
        encode_bool('maybe')
    assert encode_list(['a', 'b', 3]) == 'a,b,3'
    assert encode_list('already,joined') == 'already,joined'
    with pytest.raises(ConvoxConfigError):
        encode_list(['a,b'])
    assert encode_fields(None) is None
    assert encode_fields({'a': True, 'b': None, 'c': {'K': 'v'}, 'd': ['x', 'y'], 'e': 5}) == {'a': 'true', 'c': 'K=v', 'd': 'x,y', 'e': '5'}
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 123456)
    assert encode_time(moment) == '20260102.030405.123456000'


def test_encode_env_sorts_and_refuses_unstorable_values_without_showing_them():
    assert encode_env({'B': 2, 'A': 'x=y', 'C': None}) == 'A=x=y\nB=2\nC='
    assert encode_env({}) == ''
    with pytest.raises(ConvoxConfigError) as caught:
        encode_env({'KEY': 'line1\nsecret-value'})
    assert 'KEY' in str(caught.value) and 'secret-value' not in str(caught.value)
    for bad_key in ('A=B', ' A', '', 'A\nB'):
        with pytest.raises(ConvoxConfigError):
            encode_env({bad_key: 'v'})


def test_check_env_is_the_one_validation_of_names_and_values():
    assert check_env({'A': True, 'B': 1.5, 'C': None, 'D': ' x=y ', 'E': 'é✓'}) == {'A': 'true', 'B': '1.5', 'C': '', 'D': ' x=y ', 'E': 'é✓'}
    assert check_env_key('WITH INNER SPACE') == 'WITH INNER SPACE'
    for bad_key in ('A=B', ' A', 'A ', '', None, 'A\tB', 'A\x7f'):
        with pytest.raises(ConvoxConfigError, match='invalid environment variable name'):
            check_env_key(bad_key)
    # A KEY=VALUE line longer than a rack reads (bufio.Scanner's 64 KiB) is refused; the limit is in bytes.
    assert check_env({'K': 'x' * (MAX_ENV_LINE_BYTES - 2)})
    with pytest.raises(ConvoxConfigError, match='environment variable K is too long'):
        check_env({'K': 'x' * (MAX_ENV_LINE_BYTES - 1)})
    with pytest.raises(ConvoxConfigError, match='too long'):
        check_env({'K': 'é' * (MAX_ENV_LINE_BYTES // 2)})
    with pytest.raises(ConvoxConfigError, match='must be a string, number or boolean, not dict'):
        check_env({'K': {'nested-secret': 1}})
    with pytest.raises(ConvoxConfigError, match='is not valid Unicode text'):
        check_env({'K': 'lone \udc80 surrogate'})
    with pytest.raises(ConvoxConfigError, match='given twice'):
        check_env({1: 'a', '1': 'b'})
    with pytest.raises(ConvoxConfigError, match='must be a dict'):
        check_env(['A=1'])


def test_parse_env_follows_the_rack_rules():
    text = 'A=1\n B =two=2\r\nnoequals\n=novalue\nC=\nA=last\n'
    assert parse_env(text) == {'A': 'last', 'B': 'two=2', 'C': ''}
    assert parse_env('') == {} and parse_env(None) == {}
    assert parse_env(encode_env({'X': ' spaced value '})) == {'X': ' spaced value '}


# ---------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------

def test_api_path_validates_and_escapes():
    assert api_path('apps') == '/apps'
    assert api_path('apps', 'demo', 'releases', 'RABCDEFGHIJ', 'promote') == '/apps/demo/releases/RABCDEFGHIJ/promote'
    assert api_path('apps', 'demo', 'builds', 'B1.tgz') == '/apps/demo/builds/B1.tgz'
    assert api_path('apps', 'demo', 'services', 'web', 'processes') == '/apps/demo/services/web/processes'
    assert api_path('apps', 'releases', 'releases') == '/apps/releases/releases', 'an app may be named like a keyword'
    assert api_path('apps', 'demo', 'objects', 'tmp/a b%c.tgz') == '/apps/demo/objects/tmp/a%20b%25c.tgz'
    assert api_path('registries', 'quay.io:5000') == '/registries/quay.io%3A5000'
    assert api_path('apps', 'demo', 'ssl', 'web', 443) == '/apps/demo/ssl/web/443'
    assert api_path('system', 'jwt', 'token') == '/system/jwt/token'


@pytest.mark.parametrize('segments', [
    ('apps', 'a/b'),
    ('apps', 'Bad_Name'),
    ('apps', '-leading'),
    ('apps', 'x' * 64),
    ('apps', '..'),
    ('apps', ''),
    ('apps', None),
    ('apps', 'demo', 'releases', 'R1/../../system'),
    ('apps', 'demo', 'releases', 'R1?x=1'),
    ('apps', 'demo', 'services', 'web#frag'),
    ('apps', 'demo', 'objects', '../escape'),
    ('apps', 'demo', 'objects', 'tmp//x'),
    ('apps', 'demo', 'ssl', 'web', '443/x'),
    ('a b',),
])
def test_api_path_rejects_bad_names(segments):
    with pytest.raises(ConvoxConfigError):
        api_path(*segments)


def test_names_are_validated_before_any_request(rack, client):
    with pytest.raises(ConvoxConfigError) as caught:
        client.app_get('a/b')
    assert 'invalid app name' in str(caught.value)
    with pytest.raises(ConvoxConfigError):
        client.app_create('Bad_Name')
    assert rack.requests() == []


@pytest.mark.parametrize('path', ['//evil.example/apps', 'apps', '/apps?x=1', '/apps#x', '/apps/../system', '/apps/a b', '/apps\r\nX: y'])
def test_request_refuses_paths_that_could_leave_the_api(rack, client, path):
    with pytest.raises(ConvoxConfigError):
        client.request('GET', path)
    assert rack.requests() == []


def test_headers_that_cannot_be_sent_are_refused(rack, client):
    with pytest.raises(ConvoxConfigError):
        client.request('GET', '/system', headers={'X-Evil': 'a\r\nInjected: 1'})
    with pytest.raises(ConvoxConfigError):
        client.request('GET', '/system', headers={'Environment': 'caf\u00e9=\u2603'})
    with pytest.raises(ConvoxConfigError):
        client.request('BREW', '/system')
    assert rack.requests() == []


def test_object_keys_with_special_characters_round_trip(tmp_path, client):
    client.app_create('objects')
    key = 'tmp/a b%c+d.txt'
    url = client.object_store('objects', key, io.BytesIO(b'payload'))
    assert url == 'object://objects/%s' % key
    fetched = client.object_fetch('objects', key, str(tmp_path / 'out'))
    assert (tmp_path / 'out').read_bytes() == b'payload'
    assert fetched.size == 7


# ---------------------------------------------------------------------------------------
# Retries
# ---------------------------------------------------------------------------------------

def test_get_retries_503_and_succeeds_on_the_third_try(rack, client):
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 503, 'times': 2}])
    assert client.system_get()['status'] == 'running'
    assert client.retry_count == 2
    assert len(logged(rack, 'GET', '/system')) == 3
    assert len(client.recorder.warnings) == 2
    assert re.match(r'^GET /system answered 503; retry 1 of 3 in \d+\.\ds$', client.recorder.warnings[0])
    assert client.recorder.warnings[1].startswith('GET /system answered 503; retry 2 of 3 in ')


def test_backoff_is_exponential_capped_and_jittered(rack, connect):
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 502, 'times': 4}])
    full = connect(retries=dict(max_retries=4, backoff_base=0.5, backoff_max=1.5))
    full.system_get()
    assert full.recorder.sleeps == [0.5, 1.0, 1.5, 1.5]

    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 504, 'times': 3}])
    jittered = connect(retries=dict(max_retries=3, backoff_base=0.5, backoff_max=1.5), jitter=0.25)
    jittered.system_get()
    assert jittered.recorder.sleeps == [0.125, 0.25, 0.375]


def test_retry_after_is_honoured_but_capped_at_backoff_max(rack, connect):
    client = connect(retries=dict(backoff_max=2.5))
    rack.add_faults([
        {'method': 'GET', 'path': '^/system$', 'status': 429, 'retry_after': 9999},
        {'method': 'GET', 'path': '^/system$', 'status': 429, 'retry_after': 1},
    ])
    client.system_get()
    assert client.recorder.sleeps == [2.5, 1.0]
    assert client.retry_count == 2


def test_retry_after_as_an_http_date():
    future = email.utils.formatdate(time.time() + 3600, usegmt=True)
    assert 3590 < retry_after_seconds(future) <= 3600
    past = email.utils.formatdate(time.time() - 3600, usegmt=True)
    assert retry_after_seconds(past) == 0.0
    assert retry_after_seconds('12') == 12.0
    assert retry_after_seconds('soon') is None
    assert retry_after_seconds('nan') is None
    assert retry_after_seconds(None) is None


def test_retry_after_date_is_capped(rack, connect):
    client = connect(retries=dict(backoff_max=3.0))
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 503,
                      'retry_after': email.utils.formatdate(time.time() + 86400, usegmt=True)}])
    client.system_get()
    assert client.recorder.sleeps == [3.0]


def test_post_that_got_a_gateway_error_is_not_replayed(rack, client):
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 502}])
    with pytest.raises(ConvoxGatewayError) as caught:
        client.app_create('once')
    assert caught.value.status_code == 502
    assert len(logged(rack, 'POST', '/apps')) == 1
    assert client.retry_count == 0 and client.recorder.sleeps == []


@pytest.mark.parametrize('status', [503, 504])
def test_write_methods_are_not_replayed_after_gateway_errors(rack, client, status):
    client.app_create('target')
    rack.clear_requests()
    rack.add_faults([{'method': 'PUT', 'path': '^/apps/target$', 'status': status},
                     {'method': 'DELETE', 'path': '^/apps/target$', 'status': status}])
    with pytest.raises(ConvoxGatewayError):
        client.app_update('target', lock=True)
    with pytest.raises(ConvoxGatewayError):
        client.app_delete('target')
    assert len(logged(rack, 'PUT')) == 1 and len(logged(rack, 'DELETE')) == 1


def test_post_is_retried_on_429(rack, client):
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 429}])
    assert client.app_create('limited')['name'] == 'limited'
    assert len(logged(rack, 'POST', '/apps')) == 2
    assert client.retry_count == 1


def test_never_twice_calls_are_not_retried_on_429(rack, client):
    client.app_create('rel')
    rack.add_faults([{'method': 'POST', 'path': '^/apps/rel/releases$', 'status': 429, 'retry_after': 0}])
    with pytest.raises(ConvoxAPIError) as caught:
        client.release_create('rel', env={'A': '1'})
    assert caught.value.status_code == 429
    assert caught.value.may_have_acted is False
    assert len(logged(rack, 'POST', '/apps/rel/releases')) == 1


def test_post_to_a_refused_connection_is_retried():
    recorder = Recorder()
    client = make_client('http://127.0.0.1:%d' % closed_port(), 'pw', recorder, retries=dict(max_retries=2))
    with pytest.raises(ConvoxConnectionError) as caught:
        client.app_create('never-reached')
    assert 'connection refused' in str(caught.value)
    assert 'gave up after 2 retries' in str(caught.value)
    assert caught.value.may_have_acted is False, 'nothing reached the server'
    assert client.retry_count == 2
    assert recorder.warnings[0].startswith('POST /apps could not connect (connection refused); retry 1 of 2 in ')
    # A call that must never run twice may still be retried: nothing reached the server.
    with pytest.raises(ConvoxConnectionError):
        client.release_create('app', env={})
    assert client.retry_count == 4


def test_connect_timeout_is_retried_for_writes_but_not_for_never_twice_calls(unanswered_port):
    client = make_client('http://127.0.0.1:%d' % unanswered_port, 'pw', timeout=0.2, retries=dict(max_retries=1))
    with pytest.raises(ConvoxTimeoutError) as caught:
        client.app_create('x')
    assert 'cannot connect to http://127.0.0.1:%d: no answer within 0.2s' % unanswered_port in str(caught.value)
    assert client.retry_count == 1
    assert client.recorder.warnings[0].startswith('POST /apps could not connect within 0.2s; retry 1 of 1')
    with pytest.raises(ConvoxTimeoutError):
        client.release_create('x', env={})
    assert client.retry_count == 1, 'only a refused connection replays a call that must never run twice'


def test_dns_failure_is_a_connection_error(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')

    # Name resolution is the one thing loopback cannot fail on: resolve through a stub.
    monkeypatch.setattr(socket, 'getaddrinfo', no_such_host)
    client = make_client('https://rack.invalid', 'pw', retries=dict(max_retries=1))
    with pytest.raises(ConvoxConnectionError) as caught:
        client.app_create('x')
    assert 'cannot be resolved' in str(caught.value)
    # Changed deliberately (issue 6, finding 8): a name that does not exist (NXDOMAIN) will not
    # exist a second later, so it is no longer retried; it was retried once here before.
    assert client.retry_count == 0
    assert 'no such host' in str(caught.value) and '`host`' in str(caught.value)
    assert caught.value.may_have_acted is False


def test_a_temporary_dns_failure_is_still_retried(monkeypatch):
    def resolver_down(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, 'Temporary failure in name resolution')

    monkeypatch.setattr(socket, 'getaddrinfo', resolver_down)
    client = make_client('https://rack.invalid', 'pw', retries=dict(max_retries=2))
    with pytest.raises(ConvoxConnectionError) as caught:
        client.app_create('x')
    assert 'cannot be resolved' in str(caught.value) and 'no such host' not in str(caught.value)
    assert client.retry_count == 2
    assert caught.value.may_have_acted is False


def test_max_retries_zero_disables_retrying(rack, connect):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 503, 'times': 2}])
    with pytest.raises(ConvoxGatewayError) as caught:
        client.system_get()
    assert caught.value.may_have_acted is True
    assert len(logged(rack, 'GET', '/system')) == 1
    assert client.retry_count == 0 and client.recorder.sleeps == [] and client.recorder.warnings == []
    assert 'gave up' not in str(caught.value)


def test_500_is_retried_only_with_retry_on_500_and_only_for_reads(rack, connect):
    plain = connect()
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 500}])
    with pytest.raises(ConvoxServerError):
        plain.system_get()
    assert plain.retry_count == 0

    eager = connect(retries=dict(retry_on_500=True))
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 500}])
    assert eager.system_get()['status'] == 'running'
    assert eager.retry_count == 1

    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 500}])
    with pytest.raises(ConvoxServerError):
        eager.app_create('x')
    assert eager.retry_count == 1


def test_read_is_retried_after_a_connection_reset(rack, client):
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'reset': True}])
    assert client.app_list() == []
    assert client.retry_count == 1
    assert 'lost the connection' in client.recorder.warnings[0]


def test_write_is_not_retried_after_a_connection_reset(rack, client):
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'reset': True}])
    with pytest.raises(ConvoxConnectionError) as caught:
        client.app_create('maybe')
    assert 'broke' in str(caught.value)
    assert len(logged(rack, 'POST', '/apps')) == 1
    assert client.retry_count == 0


def test_truncated_body_is_a_connection_error(rack, connect):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'truncate': True}])
    with pytest.raises(ConvoxConnectionError) as caught:
        client.app_list()
    assert 'broke' in str(caught.value)
    # With retries, a read whose body was cut short is simply read again.
    retrying = connect()
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'truncate': True}])
    assert retrying.app_list() == []
    assert retrying.retry_count == 1


def test_slow_answer_is_a_timeout(rack, connect):
    client = connect(timeout=0.3, retries=dict(max_retries=0))
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'delay': 1.0}])
    with pytest.raises(ConvoxTimeoutError) as caught:
        client.system_get()
    assert 'within 0.3s' in str(caught.value)
    assert 'timeout' in str(caught.value)
    # A read that timed out is retried.
    retrying = connect(timeout=0.3)
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'delay': 1.0}])
    assert retrying.system_get()['status'] == 'running'
    assert retrying.retry_count == 1


def test_write_that_timed_out_is_not_replayed(rack, connect):
    # The rack may still act on a write whose answer came too late: sending it again could
    # create twice. Here the slow create does complete, exactly once.
    client = connect(timeout=0.3)
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'delay': 0.8}])
    with pytest.raises(ConvoxTimeoutError) as caught:
        client.app_create('slow')
    assert caught.value.may_have_acted is True
    assert client.retry_count == 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            client.app_get('slow')
            break
        except ConvoxNotFoundError:
            time.sleep(0.1)
    assert len(logged(rack, 'POST', '/apps')) == 1


def test_idempotent_true_retries_a_write_like_a_read(rack, client):
    client.app_create('idem')
    rack.add_faults([{'method': 'PUT', 'path': '^/apps/idem$', 'status': 503}])
    client.request('PUT', api_path('apps', 'idem'), data={'lock': False}, idempotent=True)
    assert client.retry_count == 1


def test_the_overall_deadline_stops_a_stretched_retry_schedule(rack):
    # A fake clock where every wait takes three times longer than asked (a loaded machine):
    # the schedule must stop before the deadline instead of running through all retries.
    retries = RetrySettings(max_retries=10, backoff_base=1.0, backoff_max=4.0)
    budget = call_deadline(2.0, retries)
    assert budget == 2.0 * 11 + 10 * 4.0
    start = 1000.0
    now = [start]
    planned_ends = []

    def sleep(seconds):
        planned_ends.append(now[0] + seconds)
        now[0] += seconds * 3

    client = ConvoxClient(ConnectionSettings(rack.url, rack.password, timeout=2.0, retries=retries),
                          sleep=sleep, clock=lambda: now[0], jitter=lambda: 1.0)
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 503, 'times': None}])
    with pytest.raises(ConvoxGatewayError) as caught:
        client.system_get()
    assert 0 < caught.value.retries < 10
    assert 'gave up after %d retries' % caught.value.retries in str(caught.value)
    assert all(end <= start + budget for end in planned_ends), 'no wait may be planned past the deadline'
    assert len(logged(rack, 'GET', '/system')) == caught.value.retries + 1 == client.retry_count + 1


def test_the_deadline_leaves_a_normal_schedule_alone():
    retries = RetrySettings(max_retries=3, backoff_base=1.0, backoff_max=30.0)
    worst_waits = 3 * 30.0
    assert call_deadline(30.0, retries) == 30.0 * 4 + worst_waits


def test_upload_from_an_unseekable_stream_is_sent_once(rack, client):
    client.app_create('stream')

    def chunks():
        yield b'abc'
        yield b'def'

    rack.add_faults([{'method': 'POST', 'path': '^/apps/stream/objects/', 'status': 429}])
    with pytest.raises(ConvoxAPIError):
        client.request('POST', api_path('apps', 'stream', 'objects', 'k'), body=chunks(), idempotent=True)
    assert len(logged(rack, 'POST', '/apps/stream/objects/k')) == 1


def test_seekable_body_is_rewound_for_a_retry(rack, client):
    client.app_create('rewind')
    rack.add_faults([{'method': 'POST', 'path': '^/apps/rewind/objects/', 'status': 429}])
    body = io.BytesIO(b'0123456789')
    client.request('POST', api_path('apps', 'rewind', 'objects', 'k'), body=body, idempotent=True)
    assert client.retry_count == 1
    fetched = client.request('GET', api_path('apps', 'rewind', 'objects', 'k'))
    assert fetched.content == b'0123456789'


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('status, error_class', [
    (400, ConvoxValidationError),
    (401, ConvoxAuthError),
    (403, ConvoxForbiddenError),
    (404, ConvoxNotFoundError),
    (409, ConvoxConflictError),
    (422, ConvoxValidationError),
    (500, ConvoxServerError),
    (501, ConvoxNotImplementedError),
    (502, ConvoxGatewayError),
    (503, ConvoxGatewayError),
    (504, ConvoxGatewayError),
    (418, ConvoxAPIError),
])
def test_each_status_maps_to_its_error_class(rack, connect, status, error_class):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': status, 'body': '{"error":"went wrong: %d"}' % status,
                      'content_type': 'application/json', 'headers': {'Request-Id': 'abcdef012345'}}])
    with pytest.raises(error_class) as caught:
        client.system_get()
    error = caught.value
    assert error.__class__ is error_class, "exactly this class, not a parent"
    assert isinstance(error, ConvoxAPIError) and isinstance(error, ConvoxError)
    assert (error.status_code, error.message, error.request_id) == (status, 'went wrong: %d' % status, 'abcdef012345')
    assert (error.method, error.path) == ('GET', '/system')
    assert str(error).startswith('GET /system answered %d: went wrong: %d' % (status, status))


def test_role_denied_401_is_a_forbidden_error(rack, connect):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 401, 'body': 'you are unauthorized to access this\n'}])
    with pytest.raises(ConvoxForbiddenError) as caught:
        client.app_create('x')
    assert caught.value.status_code == 401
    assert caught.value.message == 'you are unauthorized to access this'


def test_error_bodies_text_and_empty(rack, connect):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([
        {'method': 'GET', 'path': '^/system$', 'status': 404, 'body': '  app not found: x\n\n', 'content_type': 'text/plain'},
        {'method': 'GET', 'path': '^/system$', 'status': 500, 'body': ''},
        {'method': 'GET', 'path': '^/system$', 'status': 500, 'body': 'x' * 5000},
        {'method': 'GET', 'path': '^/system$', 'status': 400, 'body': '{"unexpected": "json"}', 'content_type': 'application/json'},
    ])
    with pytest.raises(ConvoxNotFoundError) as caught:
        client.system_get()
    assert caught.value.message == 'app not found: x'
    with pytest.raises(ConvoxServerError) as caught:
        client.system_get()
    assert caught.value.message == 'response status 500'
    with pytest.raises(ConvoxServerError) as caught:
        client.system_get()
    assert len(caught.value.message) < 600
    with pytest.raises(ConvoxValidationError) as caught:
        client.system_get()
    assert caught.value.message == '{"unexpected": "json"}'


def test_real_rack_errors(rack, client):
    with pytest.raises(ConvoxValidationError) as caught:
        client.app_create('system')
    assert caught.value.message == 'app name is reserved'
    client.app_create('twice')
    with pytest.raises(ConvoxConflictError) as caught:
        client.app_create('twice')
    assert caught.value.message == 'app already exists: twice'


def test_wrong_password_is_an_auth_error_with_a_hint(rack, connect):
    client = connect(password='not-the-password', retries=dict(max_retries=0), credential_source='the environment variable CONVOX_PASSWORD')
    with pytest.raises(ConvoxAuthError) as caught:
        client.system_get()
    error = caught.value
    assert error.status_code == 401 and error.message == 'invalid authentication'
    assert 'CONVOX_PASSWORD' in str(error)
    assert_no_secret('not-the-password', *describe_error(error))


HTML_GATEWAY_PAGE = ('<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>'
                     '<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>')


def test_html_gateway_page_is_a_clear_gateway_error(rack, connect):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 502, 'body': HTML_GATEWAY_PAGE, 'content_type': 'text/html'}])
    with pytest.raises(ConvoxGatewayError) as caught:
        client.app_list()
    text = str(caught.value)
    assert 'HTML page titled "502 Bad Gateway"' in text
    assert 'instead of the Convox API' in text
    assert '<' not in text


def test_html_page_where_json_was_expected_says_what_to_set(rack, client):
    page = '<html><head><title>Convox Console</title></head><body>Sign in</body></html>'
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 200, 'body': page, 'content_type': 'text/html; charset=utf-8'}])
    with pytest.raises(ConvoxResponseError) as caught:
        client.app_list()
    text = str(caught.value)
    assert 'HTML page' in text and 'Convox Console' in text
    assert '`rack` to ORG/RACK' in text
    assert 'Traceback' not in text and 'JSONDecodeError' not in text


def test_non_json_success_is_a_response_error(rack, client):
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 200, 'body': 'garbage', 'content_type': 'text/plain'}])
    with pytest.raises(ConvoxResponseError) as caught:
        client.app_list()
    assert 'not JSON (content type text/plain, 7 bytes)' in str(caught.value)
    assert 'garbage' not in str(caught.value)


def test_redirects_are_reported_not_followed(rack, client):
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 301,
                      'headers': {'Location': 'https://user:hunter2@elsewhere.example/apps?token=abc'}}])
    with pytest.raises(ConvoxAPIError) as caught:
        client.app_create('moved')
    text = str(caught.value)
    assert caught.value.status_code == 301
    assert 'https://elsewhere.example/apps' in text
    assert 'hunter2' not in text and 'token=abc' not in text
    assert len(logged(rack, 'POST', '/apps')) == 1


def test_missing_requests_library_is_a_convox_error(monkeypatch):
    monkeypatch.setattr(_transport, 'HAS_REQUESTS', False)
    with pytest.raises(ConvoxMissingLibraryError) as caught:
        ConvoxClient(ConnectionSettings('https://rack.example', 'pw'))
    assert 'requests' in str(caught.value)


def test_invalid_settings_are_config_errors():
    for kwargs in (dict(base_url='ftp://x', password='p'), dict(base_url='https://u:p@x', password='p'),
                   dict(base_url='https://x', password='p', timeout=0), dict(base_url='https://x', password='p', timeout='soon')):
        with pytest.raises(ConvoxConfigError):
            ConnectionSettings(**kwargs)
    for retries in ({'max_retries': -1}, {'backoff_max': 'x'}, {'unknown': 1}, {'retry_on_500': 'perhaps'}, ['list']):
        with pytest.raises(ConvoxConfigError):
            RetrySettings.from_options(retries)
    assert RetrySettings.from_options({'max_retries': None, 'backoff_max': 5}) == RetrySettings(backoff_max=5.0)


# ---------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------

def test_secrets_never_appear_in_errors_warnings_or_reprs(rack, connect):
    password = rack.password
    client = connect(retries=dict(max_retries=1, backoff_max=0.01))
    errors = []
    # The server echoes the key in an error body: the client scrubs it.
    rack.add_faults([
        {'method': 'GET', 'path': '^/system$', 'status': 400, 'body': '{"error":"bad key %s / %s"}' % (password, quote(password, safe=''))},
        {'method': 'GET', 'path': '^/apps$', 'status': 503, 'times': 2, 'body': 'Authorization: Basic %s' % base64.b64encode(
            ('convox:%s' % password).encode()).decode()},
        {'method': 'GET', 'path': '^/system/capacity$', 'status': 200, 'body': '<html><title>%s</title></html>' % password},
        {'method': 'POST', 'path': '^/apps$', 'reset': True},
    ])
    for call in (client.system_get, client.app_list, client.system_capacity, lambda: client.app_create('x'),
                 lambda: client.app_get('missing')):
        with pytest.raises(ConvoxError) as caught:
            call()
        errors.append(caught.value)
    refused = make_client('http://127.0.0.1:%d' % closed_port(), password, retries=dict(max_retries=0))
    with pytest.raises(ConvoxConnectionError) as caught:
        refused.system_get()
    errors.append(caught.value)
    wrong = make_client(rack.url, password + '-wrong', retries=dict(max_retries=0))
    with pytest.raises(ConvoxAuthError) as caught:
        wrong.system_get()
    errors.append(caught.value)
    assert password + '-wrong' not in str(caught.value)

    texts = [text for error in errors for text in describe_error(error)]
    texts += client.recorder.warnings + client.recorder.debug
    texts += [repr(client.settings), repr(client.settings.retries)]
    assert_no_secret(password, *texts)
    assert '********' in str(errors[0])


# ---------------------------------------------------------------------------------------
# TLS
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def tls_rack(emulator):
    return emulator(tls=True)


def test_self_signed_certificate_fails_with_advice(tls_rack):
    client = make_client(tls_rack.url, tls_rack.password, retries=dict(max_retries=2))
    assert tls_rack.url.startswith('https://')
    with pytest.raises(ConvoxTLSError) as caught:
        client.system_get()
    text = str(caught.value)
    assert 'validate_certs: false' in text and 'ca_path' in text
    assert isinstance(caught.value, ConvoxConnectionError)
    assert client.retry_count == 0, 'a certificate that failed verification cannot pass on a retry'


def test_validate_certs_false_and_ca_path_work(tls_rack, monkeypatch):
    # requests lets REQUESTS_CA_BUNDLE override a Session's verify=False: the client must not.
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/certs/ca-certificates.crt')
    unverified = make_client(tls_rack.url, tls_rack.password, verify=False)
    assert unverified.system_get()['status'] == 'running'
    assert tls_rack.ca_cert and os.path.isfile(tls_rack.ca_cert)
    pinned = make_client(tls_rack.url, tls_rack.password, verify=tls_rack.ca_cert)
    assert pinned.system_get()['status'] == 'running'


def test_plain_http_server_behind_https_url_is_explained(rack):
    url = rack.url.replace('http://', 'https://')
    client = make_client(url, rack.password, retries=dict(max_retries=0))
    with pytest.raises(ConvoxTLSError) as caught:
        client.system_get()
    assert 'TLS' in str(caught.value)


# ---------------------------------------------------------------------------------------
# Console mode and JWT users
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def console_rack(emulator):
    return emulator(console='acme/production')


def test_console_requests_carry_the_rack_header(console_rack):
    console_rack.clear_requests()
    client = make_client(console_rack.url, console_rack.password, rack='acme/production')
    assert client.settings.console
    assert client.system_get()['status'] == 'running'
    assert [entry['headers'].get('Rack') for entry in console_rack.requests()] == ['acme/production']


def test_console_without_rack_header_is_a_clear_error(console_rack):
    client = make_client(console_rack.url, console_rack.password, retries=dict(max_retries=0))
    with pytest.raises(ConvoxError) as caught:
        client.app_list()
    text = str(caught.value)
    assert 'HTML page' in text and '`rack` to ORG/RACK' in text, text
    assert 'Expecting value' not in text and 'Traceback' not in text


@pytest.mark.parametrize('call', [
    lambda client: client.app_delete('demo'),
    lambda client: client.app_update('demo', lock=True),
    lambda client: client.release_promote('demo', 'RABCDEFGHIJ'),
    lambda client: client.auth_check(),
])
def test_an_html_page_is_never_taken_for_an_ok_answer(console_rack, call):
    # The console answers 200 with its login page: a write that was never made must not look done.
    client = make_client(console_rack.url, console_rack.password, retries=dict(max_retries=0))
    with pytest.raises(ConvoxError) as caught:
        call(client)
    assert 'HTML page' in str(caught.value)


def test_jwt_read_token_can_read_but_not_write(rack, client):
    token = client.jwt_token('read', 1)
    assert token and token != rack.password
    reader = make_client(rack.url, token, username='jwt', retries=dict(max_retries=0))
    assert reader.system_get()['status'] == 'running'
    assert logged(rack, 'GET', '/system')[-1]['headers']['Authorization'] == 'jwt'
    with pytest.raises(ConvoxForbiddenError) as caught:
        reader.app_create('denied')
    assert caught.value.status_code == 401
    assert 'read-only JWT' in str(caught.value)
    assert_no_secret(token, *describe_error(caught.value))
    writer = make_client(rack.url, client.jwt_token('write', 1), username='jwt')
    assert writer.app_create('allowed')['name'] == 'allowed'


def test_console_mode_html_page_points_at_the_host(console_rack):
    client = make_client(console_rack.url, console_rack.password, rack='acme/production', retries=dict(max_retries=0))
    console_rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 200, 'body': '<!doctype html><p>Welcome</p>'}])
    with pytest.raises(ConvoxResponseError) as caught:
        client.app_list()
    assert 'an HTML page instead of the Convox API' in str(caught.value)
    assert 'check that `host` is the Convox console' in str(caught.value)


def test_console_session_challenge_is_explained(rack, connect):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'status': 401, 'body': 'session required',
                      'headers': {'WWW-Authenticate': 'Session path="/session" token="true"'}}])
    with pytest.raises(ConvoxAuthError) as caught:
        client.app_list()
    assert 'interactive session' in str(caught.value) and 'deploy key' in str(caught.value)


def test_jwt_is_checked_as_a_jwt(rack):
    forged = make_client(rack.url, 'not.a.jwt', username='jwt', retries=dict(max_retries=0))
    with pytest.raises(ConvoxAuthError) as caught:
        forged.system_get()
    assert 'JWT' in str(caught.value)


# ---------------------------------------------------------------------------------------
# Streaming
# ---------------------------------------------------------------------------------------

BIG_FILE_SIZE = 50 * 1024 * 1024


def peak_memory(function, *args):
    """Call function; return its result and the peak of traced Python memory during the call."""
    tracemalloc.start()
    try:
        result = function(*args)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope='module')
def big_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('upload') / 'big.bin'
    digest = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with open(path, 'wb') as out:
        for index in range(BIG_FILE_SIZE // len(block)):
            chunk = bytes([index % 256]) + block[1:]
            out.write(chunk)
            digest.update(chunk)
    return path, digest.hexdigest()


def test_upload_and_download_of_50_mb_stream_with_bounded_memory(rack, client, big_file, tmp_path):
    path, sha256 = big_file
    client.app_create('big')
    url, upload_peak = peak_memory(client.object_store, 'big', 'tmp/big.bin', str(path))
    fetched, download_peak = peak_memory(client.object_fetch, 'big', 'tmp/big.bin', str(tmp_path / 'copy.bin'))
    assert url == 'object://big/tmp/big.bin'
    assert (fetched.size, fetched.sha256) == (BIG_FILE_SIZE, sha256)
    assert os.path.getsize(tmp_path / 'copy.bin') == BIG_FILE_SIZE
    # The in-process emulator is traced too (it spools past 4 MiB); a client that held the
    # file in memory would peak above 50 MiB.
    limit = BIG_FILE_SIZE // 5
    assert upload_peak < limit, 'upload peak %d bytes' % upload_peak
    assert download_peak < limit, 'download peak %d bytes' % download_peak
    (post,) = logged(rack, 'POST', '/apps/big/objects/tmp/big.bin')
    assert post['headers']['Content-Type'] == 'application/octet-stream'


def test_upload_is_never_sent_twice(rack, client, tmp_path):
    source = tmp_path / 'src.tgz'
    source.write_bytes(b'tarball')
    client.app_create('up')
    rack.add_faults([{'method': 'POST', 'path': '^/apps/up/objects/', 'status': 503}])
    with pytest.raises(ConvoxGatewayError):
        client.object_store('up', 'tmp/src.tgz', str(source))
    assert len(logged(rack, 'POST', '/apps/up/objects/tmp/src.tgz')) == 1


def test_upload_of_a_path_is_retried_after_a_refused_connection(tmp_path):
    source = tmp_path / 'src.tgz'
    source.write_bytes(b'tarball')
    client = make_client('http://127.0.0.1:%d' % closed_port(), 'pw', retries=dict(max_retries=2))
    with pytest.raises(ConvoxConnectionError):
        client.upload('POST', api_path('apps', 'x', 'objects', 'k'), str(source))
    assert client.retry_count == 2


def test_upload_of_a_missing_file_is_a_file_error(rack, client, tmp_path):
    with pytest.raises(ConvoxFileError) as caught:
        client.object_store('x', 'k', str(tmp_path / 'nope.tgz'))
    assert 'nope.tgz' in str(caught.value)
    with pytest.raises(ConvoxFileError):
        client.upload('POST', '/apps/x/objects/k', 12345)
    assert rack.requests() == []


def test_download_to_a_temporary_file(client):
    client.app_create('dl')
    client.object_store('dl', 'notes.txt', io.BytesIO(b'hello'))
    response = client.object_fetch('dl', 'notes.txt')
    try:
        with open(response.dest_path, 'rb') as handle:
            assert handle.read() == b'hello'
        assert os.stat(response.dest_path).st_mode & 0o777 == 0o600
    finally:
        os.unlink(response.dest_path)


def test_download_cut_short_leaves_no_file(rack, client, tmp_path):
    client.app_create('cut')
    client.object_store('cut', 'file.bin', io.BytesIO(b'x' * 1000))
    rack.add_faults([{'method': 'GET', 'path': '^/apps/cut/objects/file.bin$', 'truncate': True, 'body': 'x' * 10,
                      'content_type': 'application/octet-stream'}])
    dest = tmp_path / 'file.bin'
    with pytest.raises(ConvoxConnectionError):
        client.object_fetch('cut', 'file.bin', str(dest))
    assert list(tmp_path.iterdir()) == []


def test_download_errors_are_api_errors(client, tmp_path):
    client.app_create('dlerr')
    with pytest.raises(ConvoxNotFoundError) as caught:
        client.object_fetch('dlerr', 'missing.bin', str(tmp_path / 'x'))
    assert caught.value.message == 'object not found: missing.bin'
    assert list(tmp_path.iterdir()) == []
    client.object_store('dlerr', 'k', io.BytesIO(b'1'))
    with pytest.raises(ConvoxFileError) as caught:
        client.object_fetch('dlerr', 'k', str(tmp_path / 'no' / 'dir' / 'x'))
    assert 'cannot write' in str(caught.value)


def test_iter_lines_streams_decoded_lines(client):
    client.app_create('lines')
    client.object_store('lines', 'log.txt', io.BytesIO('first\r\nsecond \u2603\n\nlast'.encode('utf-8')))
    lines = client.iter_lines(api_path('apps', 'lines', 'objects', 'log.txt'))
    assert list(lines) == ['first', 'second \u2603', '', 'last']
    with pytest.raises(ConvoxNotFoundError):
        client.iter_lines(api_path('apps', 'lines', 'objects', 'missing.txt'))


def test_build_import_has_a_long_default_timeout():
    assert BUILD_IMPORT_TIMEOUT == 1800.0
    assert inspect.signature(ConvoxClient.build_import).parameters['timeout'].default == BUILD_IMPORT_TIMEOUT


def test_context_manager_closes_the_session(rack):
    with make_client(rack.url, rack.password) as client:
        client.system_get()
        session = client._session
    assert not session.adapters or all(
        not getattr(adapter, 'poolmanager', None) or not adapter.poolmanager.pools for adapter in session.adapters.values())


# ---------------------------------------------------------------------------------------
# Whether the rack may have acted on a failed request (ConvoxError.may_have_acted)
# ---------------------------------------------------------------------------------------

def test_a_console_login_page_answered_with_200_was_not_the_rack_acting(console_rack):
    # The console answers a request without `Rack` with its login page (200): the write never reached a rack.
    client = make_client(console_rack.url, console_rack.password, retries=dict(max_retries=0))
    with pytest.raises(ConvoxResponseError) as caught:
        client.app_create('never-created')
    assert caught.value.may_have_acted is False
    assert caught.value.foreign is True


def test_a_success_that_is_not_json_may_still_have_been_acted_on(rack, client):
    # A 2xx answer that is not a foreign page came from whatever accepted the request: it may have acted.
    rack.add_faults([{'method': 'POST', 'path': '^/apps$', 'status': 200, 'body': 'garbage', 'content_type': 'text/plain',
                      'headers': {'Request-Id': '0123456789ab'}}])
    with pytest.raises(ConvoxResponseError) as caught:
        client.app_create('maybe')
    assert caught.value.may_have_acted is True


def test_a_missing_upload_file_was_never_sent(rack, client, tmp_path):
    with pytest.raises(ConvoxFileError) as caught:
        client.upload('POST', api_path('apps', 'x', 'objects', 'k'), str(tmp_path / 'missing.tgz'))
    assert caught.value.may_have_acted is False
    assert rack.requests() == []


def test_an_earlier_attempt_that_may_have_acted_is_not_forgotten(rack, client):
    # An idempotent write: the first attempt got a 503 (the rack may have acted), the retry a 409.
    # The 409 alone would say "refused", but the first attempt may have changed the app.
    client.app_create('twice')
    rack.add_faults([{'method': 'PUT', 'path': '^/apps/twice$', 'status': 503},
                     {'method': 'PUT', 'path': '^/apps/twice$', 'status': 409, 'body': 'app is locked'}])
    with pytest.raises(ConvoxConflictError) as caught:
        client.request('PUT', api_path('apps', 'twice'), data={'lock': True}, idempotent=True)
    assert client.retry_count == 1
    assert caught.value.may_have_acted is True
    # Alone, the same refusal proves nothing was done.
    rack.add_faults([{'method': 'PUT', 'path': '^/apps/twice$', 'status': 409, 'body': 'app is locked'}])
    with pytest.raises(ConvoxConflictError) as caught:
        client.request('PUT', api_path('apps', 'twice'), data={'lock': True}, idempotent=True)
    assert caught.value.may_have_acted is False


# ---------------------------------------------------------------------------------------
# What a request may carry
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('path', ['/apps/%2E%2E/system', '/apps/%2e%2e', '/apps/.%2E/system', '/apps/%2E',
                                  '/apps/x%2F..%2Fsystem', '/apps/x%2F%2E%2E%2Fsystem', '/apps/x%00', '/apps/x%0d%0aX:%20y'])
def test_percent_encoded_dot_segments_and_controls_are_refused(rack, client, path):
    # The rack routes on the decoded path, where these are `..` segments or control characters.
    with pytest.raises(ConvoxConfigError) as caught:
        client.request('GET', path)
    assert 'percent-encoded' in str(caught.value)
    assert rack.requests() == []


def test_percent_encoded_names_that_are_not_dot_segments_still_pass(rack, client):
    client.app_create('dots')
    client.request('POST', api_path('apps', 'dots', 'objects', 'a..b', '.hidden'), body=b'x')
    assert logged(rack, 'POST', '/apps/dots/objects/a..b/.hidden')


@pytest.mark.parametrize('name', ['Host', 'content-length', 'Transfer-Encoding', 'Connection', 'Keep-Alive', 'TE', 'Trailer',
                                  'Upgrade', 'Expect', 'Proxy-Authorization', 'proxy-connection', 'Authorization', 'RACK'])
def test_headers_the_connection_or_the_http_client_own_are_refused(rack, client, name):
    with pytest.raises(ConvoxConfigError) as caught:
        client.request('GET', '/system', headers={name: 'x'})
    assert name in str(caught.value)
    assert rack.requests() == []


def test_encoding_errors_name_the_whole_path_of_the_value():
    cases = [
        (dict(parameters=dict(BuildCpu=dict(nested=1))), 'params.parameters.BuildCpu must be a string, number or boolean, not dict'),
        (dict(tags=['a', ['b']]), 'params.tags[1] must be a string, number or boolean, not list'),
        (dict(tags=['a', 'b,c']), 'params.tags[1] cannot contain a comma'),
        (dict(parameters={'': 'x'}), 'params.parameters has an empty key'),
        (dict(limit=object()), 'params.limit must be a string, number or boolean, not object'),
    ]
    for fields, message in cases:
        with pytest.raises(ConvoxConfigError) as caught:
            encode_fields(fields, 'params')
        assert str(caught.value).startswith(message), caught.value


def test_check_request_validates_like_a_request_without_sending(rack, client, tmp_path):
    source = tmp_path / 'body.bin'
    source.write_bytes(b'x')
    assert client.check_request('POST', '/apps', data=dict(name='x')) is None
    assert client.check_request('POST', '/apps/x/objects/k', body_path=str(source)) is None
    for kwargs, error in ((dict(path='/apps/%2E%2E'), ConvoxConfigError), (dict(path='/apps', headers={'Host': 'x'}), ConvoxConfigError),
                          (dict(path='/apps', data=dict(p=dict(k=[1, {}]))), ConvoxConfigError),
                          (dict(path='/apps', body_path=str(tmp_path / 'missing')), ConvoxFileError)):
        path = kwargs.pop('path')
        with pytest.raises(error):
            client.check_request('POST', path, **kwargs)
    assert rack.requests() == []


# ---------------------------------------------------------------------------------------
# Messages from what the server says
# ---------------------------------------------------------------------------------------

def test_control_characters_from_the_server_are_escaped_in_messages(rack, connect):
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([
        {'method': 'GET', 'path': '^/apps$', 'status': 400, 'content_type': 'application/json',
         'body': '{"error":"bad \\u001b[2J\\u001b[31mred\\u0000 line\\nforged\\u202eevil"}'},
        {'method': 'GET', 'path': '^/system$', 'status': 502, 'content_type': 'text/html',
         'body': '<html><title>Bad \x1b]0;owned\x07 gateway</title></html>'},
        {'method': 'GET', 'path': '^/system/capacity$', 'status': 500, 'body': 'plain \x1b[1mtext\x9b', 'content_type': 'text/plain'},
    ])
    messages = []
    for call in (client.app_list, client.system_get, client.system_capacity):
        with pytest.raises(ConvoxAPIError) as caught:
            call()
        messages.append(str(caught.value))
    for text in messages:
        assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 or ch == '\u202e' for ch in text), repr(text)
    assert 'bad \\x1b[2J\\x1b[31mred\\x00 line\\nforged\\u202eevil' in messages[0]
    assert 'Bad \\x1b]0;owned\\x07 gateway' in messages[1]
    assert 'plain \\x1b[1mtext\\x9b' in messages[2]
    # The emulator (aiohttp) cannot send a control character in a header; the rack's Request-Id goes
    # into messages through the same escape.
    assert CallContext.request_id({'Request-Id': 'id\x1b[0m'}) == 'id\\x1b[0m'


def test_an_unrouted_path_says_so(rack, connect):
    client = connect(retries=dict(max_retries=0))
    with pytest.raises(ConvoxNotFoundError) as caught:
        client.request('GET', '/system/')
    assert str(caught.value) == "GET /system/ answered 404: no such API route; the API's paths have no trailing '/'"
    with pytest.raises(ConvoxNotFoundError) as caught:
        client.request('GET', '/nope')
    assert str(caught.value) == 'GET /nope answered 404: no such API route'
    with pytest.raises(ConvoxAPIError) as caught:
        client.request('DELETE', '/system')
    assert caught.value.status_code == 405
    assert caught.value.message == 'the API route does not take DELETE'
    # A 404 of a route keeps the rack's own words.
    with pytest.raises(ConvoxNotFoundError) as caught:
        client.app_get('ghost')
    assert caught.value.message == 'app not found: ghost'


@pytest.mark.parametrize('call, answer, expected', [
    (lambda client: client.system_get(), '[]', 'the answer is a JSON list where the Convox API sends an object'),
    (lambda client: client.system_capacity(), '"busy"', 'the answer is a JSON string where the Convox API sends an object'),
    (lambda client: client.system_processes(), '{}', 'the answer is a JSON object where the Convox API sends a list'),
])
def test_system_answers_of_another_shape_are_response_errors(rack, client, call, answer, expected):
    rack.add_faults([{'method': 'GET', 'path': '^/system', 'status': 200, 'body': answer, 'content_type': 'application/json'}])
    with pytest.raises(ConvoxResponseError) as caught:
        call(client)
    assert expected in str(caught.value)


# ---------------------------------------------------------------------------------------
# Plain HTTP to a TLS port, and bounded settings
# ---------------------------------------------------------------------------------------

def test_plain_http_to_a_tls_port_hints_at_https(tls_rack):
    client = make_client(tls_rack.url.replace('https://', 'http://'), tls_rack.password, retries=dict(max_retries=1))
    with pytest.raises(ConvoxConnectionError) as caught:
        client.system_get()
    assert 'use https:// in `host`' in str(caught.value)
    with pytest.raises(ConvoxConnectionError) as caught:
        client.app_create('x')
    assert 'use https:// in `host`' in str(caught.value)


def test_a_tls_server_answering_plain_http_with_400_hints_at_https(rack, connect):
    # Go's net/http (and nginx) answer a plain HTTP request on a TLS port with a 400 that says so.
    client = connect(retries=dict(max_retries=0))
    rack.add_faults([{'method': 'GET', 'path': '^/system$', 'status': 400, 'body': 'Client sent an HTTP request to an HTTPS server.\n'}])
    with pytest.raises(ConvoxValidationError) as caught:
        client.system_get()
    assert str(caught.value).endswith('; the server speaks HTTPS on this port: use https:// in `host`')


def test_a_reset_on_https_gets_no_https_hint(rack, connect, tls_rack):
    client = make_client(tls_rack.url, tls_rack.password, verify=False, retries=dict(max_retries=0))
    tls_rack.add_faults([{'method': 'GET', 'path': '^/apps$', 'reset': True}])
    with pytest.raises(ConvoxConnectionError) as caught:
        client.app_list()
    assert 'https://' not in str(caught.value).split('broke:')[1]


@pytest.mark.parametrize('settings, message', [
    (dict(timeout=0), 'timeout must be a number more than 0 and at most 86400'),
    (dict(timeout=-1), 'timeout must be a number more than 0 and at most 86400'),
    (dict(timeout=86400.5), 'timeout must be a number more than 0 and at most 86400'),
    (dict(timeout=float('inf')), 'timeout must be a number more than 0 and at most 86400'),
    (dict(timeout=float('nan')), 'timeout must be a number more than 0 and at most 86400'),
    (dict(timeout='soon'), 'timeout must be a number more than 0 and at most 86400'),
    (dict(retries=dict(backoff_max=float('inf'))), 'retries.backoff_max must be a number from 0 to 3600'),
    (dict(retries=dict(backoff_base=-0.5)), 'retries.backoff_base must be a number from 0 to 3600'),
    (dict(retries=dict(max_retries=10 ** 9)), 'retries.max_retries must be a whole number from 0 to 50'),
    (dict(retries=dict(max_retries=2.5)), 'retries.max_retries must be a whole number from 0 to 50'),
    (dict(retries=dict(max_retries=True)), 'retries.max_retries must be a whole number from 0 to 50'),
])
def test_numbers_have_finite_bounds_and_messages_that_state_them(settings, message):
    retries = settings.pop('retries', None)
    with pytest.raises(ConvoxConfigError) as caught:
        ConnectionSettings('https://rack.example', 'pw', retries=RetrySettings.from_options(retries) if retries else None, **settings)
    assert str(caught.value) == message


def test_the_largest_allowed_numbers_give_a_finite_deadline():
    retries = RetrySettings(max_retries=50, backoff_base=3600, backoff_max=3600)
    settings = ConnectionSettings('https://rack.example', 'pw', timeout=86400, retries=retries)
    assert call_deadline(settings.timeout, settings.retries) == 86400 * 51 + 50 * 3600
    assert RetrySettings(max_retries='0', backoff_base=0, backoff_max=0) == RetrySettings(max_retries=0, backoff_base=0.0, backoff_max=0.0)


def test_a_per_call_timeout_has_the_same_bounds(rack, client):
    with pytest.raises(ConvoxConfigError) as caught:
        client.request('GET', '/system', timeout=0)
    assert str(caught.value) == 'timeout must be a number more than 0 and at most 86400'
    assert rack.requests() == []
