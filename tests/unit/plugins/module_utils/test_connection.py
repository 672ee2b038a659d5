# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options and their resolution: task options, environment, CLI settings.

Every test gets its own fake home directory and environment (``home=`` and ``environ=``
injection): the real HOME and process environment are never read.
"""

from __future__ import annotations

import base64
import json
import os

import certifi
import pytest
from urllib.parse import quote, quote_plus

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._settings import RETRY_DEFAULTS, RetrySettings
from ansible_collections.convox.convox.plugins.module_utils._connection import (
    CONNECTION_ARGSPEC,
    ConnectionSettings,
    resolve_connection,
    url_secret_forms,
)

KEY = 'key-Secret/+&=-7d1e'
OTHER_KEY = 'other-key-3b2a'


class CliHome:
    """A fake home directory with Convox CLI settings in the v3 or v2 layout."""

    def __init__(self, root, layout='v3'):
        self.home = str(root)
        if layout == 'v3':
            self.config = os.path.join(self.home, '.config', 'convox')
        else:
            self.config = os.path.join(self.home, '.convox')
        os.makedirs(self.config, exist_ok=True)

    def write(self, name, content):
        path = os.path.join(self.config, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as handle:
            handle.write(content if isinstance(content, str) else json.dumps(content, indent=2))
        return path

    def resolve(self, options=None, environ=None):
        return resolve_connection(options or {}, environ=environ or {}, home=self.home)


@pytest.fixture
def v3(tmp_path):
    return CliHome(tmp_path, 'v3')


@pytest.fixture
def v2(tmp_path):
    return CliHome(tmp_path, 'v2')


@pytest.fixture
def empty_home(tmp_path):
    return str(tmp_path)


def resolve(options, environ=None, home=None):
    return resolve_connection(options, environ=environ or {}, home=home)


# ---------------------------------------------------------------------------------------
# The argument spec
# ---------------------------------------------------------------------------------------

def test_argspec_declares_the_documented_options():
    assert sorted(CONNECTION_ARGSPEC) == sorted(['host', 'api_key', 'api_user', 'rack', 'config_dir', 'validate_certs',
                                                 'ca_path', 'timeout', 'retries'])
    assert CONNECTION_ARGSPEC['api_key']['no_log'] is True
    assert CONNECTION_ARGSPEC['api_key']['aliases'] == ['password']
    assert CONNECTION_ARGSPEC['api_user']['no_log'] is False
    assert CONNECTION_ARGSPEC['validate_certs'] == dict(type='bool', default=True)
    assert CONNECTION_ARGSPEC['timeout'] == dict(type='float', default=30.0)
    assert CONNECTION_ARGSPEC['config_dir']['type'] == 'path' and CONNECTION_ARGSPEC['ca_path']['type'] == 'path'
    # CONVOX_PASSWORD is read by the resolver, which knows whether the host came with its own password.
    assert 'fallback' not in CONNECTION_ARGSPEC['api_key']
    fallbacks = dict((name, spec['fallback']) for name, spec in CONNECTION_ARGSPEC.items() if 'fallback' in spec)
    assert fallbacks == {
        'host': (env_fallback, ['CONVOX_HOST']),
        'rack': (env_fallback, ['CONVOX_RACK']),
        'config_dir': (env_fallback, ['CONVOX_CONFIG']),
    }
    suboptions = CONNECTION_ARGSPEC['retries']['options']
    assert dict((name, spec['default']) for name, spec in suboptions.items()) == RETRY_DEFAULTS


def test_argspec_validates_with_env_fallbacks_and_marks_the_key_no_log(monkeypatch):
    monkeypatch.setenv('CONVOX_HOST', 'console.example.com')
    monkeypatch.setenv('CONVOX_PASSWORD', KEY)
    monkeypatch.setenv('CONVOX_RACK', 'acme/prod')
    result = ArgumentSpecValidator(CONNECTION_ARGSPEC).validate({'retries': {'max_retries': 5}})
    assert result.error_messages == []
    params = result.validated_parameters
    # The key is left to the resolver, which reads CONVOX_PASSWORD and hands back every form to mask.
    assert (params['host'], params['api_key'], params['rack']) == ('console.example.com', None, 'acme/prod')
    assert params['retries'] == dict(RETRY_DEFAULTS, max_retries=5)
    assert params['timeout'] == 30.0 and params['validate_certs'] is True
    settings = resolve_connection(params, home='/nonexistent')
    assert settings.retries == RetrySettings(max_retries=5)
    assert (settings.base_url, settings.rack, settings.password) == ('https://console.example.com', 'acme/prod', KEY)
    assert KEY in settings.secret_values()


# ---------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('host, base_url', [
    ('rack.example.com', 'https://rack.example.com'),
    ('rack.example.com/', 'https://rack.example.com'),
    ('https://rack.example.com/', 'https://rack.example.com'),
    ('http://127.0.0.1:5443', 'http://127.0.0.1:5443'),
    ('rack.example.com:5443', 'https://rack.example.com:5443'),
    ('https://[::1]:5443', 'https://[::1]:5443'),
    ('  console.convox.com  ', 'https://console.convox.com'),
    ('https://console.example.com/machines/m1/', 'https://console.example.com/machines/m1'),
])
def test_host_forms(host, base_url, empty_home):
    assert resolve({'host': host, 'api_key': KEY}, home=empty_home).base_url == base_url


@pytest.mark.parametrize('host', ['ftp://rack.example.com', 'https://', 'https://rack.example.com:notaport', 'https://x?y=1',
                                  'rack.example.com:0'])
def test_invalid_hosts_are_config_errors(host, empty_home):
    with pytest.raises(ConvoxConfigError) as caught:
        resolve({'host': host, 'api_key': KEY}, home=empty_home)
    assert '`host`' in str(caught.value)


def test_credentials_in_the_host_url_are_moved_out_of_it(empty_home):
    settings = resolve({'host': 'https://jwt:%s@rack.example.com' % KEY.replace('/', '%2F')}, home=empty_home)
    assert settings.base_url == 'https://rack.example.com'
    assert (settings.username, settings.password) == ('jwt', KEY)


# ---------------------------------------------------------------------------------------
# Precedence, field by field
# ---------------------------------------------------------------------------------------

def test_task_options_win_over_everything(v3):
    v3.write('auth', {'console.example.com': OTHER_KEY, 'opt.example.com': OTHER_KEY})
    v3.write('console', 'console.example.com')
    v3.write('current', {'name': 'cli/rack', 'type': 'console'})
    environ = {'CONVOX_HOST': 'env.example.com', 'CONVOX_PASSWORD': 'env-key', 'CONVOX_RACK': 'env/rack',
               'RACK_URL': 'https://convox:url-key@url.example.com'}
    settings = v3.resolve({'host': 'opt.example.com', 'api_key': KEY, 'rack': 'opt/rack'}, environ)
    assert (settings.base_url, settings.password, settings.rack) == ('https://opt.example.com', KEY, 'opt/rack')
    assert settings.credential_source.startswith('the option `api_key`')


def test_environment_wins_over_the_cli_settings(v3):
    v3.write('auth', {'console.example.com': OTHER_KEY, 'env.example.com': OTHER_KEY})
    v3.write('console', 'console.example.com')
    v3.write('current', {'name': 'cli/rack', 'type': 'console'})
    environ = {'CONVOX_HOST': 'env.example.com', 'CONVOX_PASSWORD': KEY, 'CONVOX_RACK': 'env/rack', 'CONVOX_ACTOR': 'ci-bot',
               'RACK_URL': 'https://convox:url-key@url.example.com'}
    settings = v3.resolve({}, environ)
    assert (settings.base_url, settings.password, settings.rack) == ('https://env.example.com', KEY, 'env/rack')
    assert settings.credential_source == 'the environment variable CONVOX_PASSWORD'
    assert settings.actor == 'ci-bot'


def test_empty_options_and_variables_count_as_unset(v3):
    v3.write('auth', {'console.example.com': KEY})
    v3.write('console', 'console.example.com')
    settings = v3.resolve({'host': '', 'api_key': None, 'rack': ''}, {'CONVOX_HOST': '', 'CONVOX_PASSWORD': ''})
    assert (settings.base_url, settings.password) == ('https://console.example.com', KEY)


def test_rack_url_is_a_direct_rack_with_its_own_credentials(v3):
    v3.write('console', 'console.example.com')
    v3.write('auth', {'console.example.com': OTHER_KEY})
    environ = {'RACK_URL': 'https://jwt:%s@api.rack.example.com:5443/' % KEY.replace('/', '%2F'), 'CONVOX_RACK': 'acme/prod'}
    settings = v3.resolve({}, environ)
    assert settings.base_url == 'https://api.rack.example.com:5443'
    assert (settings.username, settings.password) == ('jwt', KEY)
    assert settings.rack is None and not settings.console, 'RACK_URL is a direct rack: no Rack header'
    assert settings.credential_source == 'RACK_URL'


def test_rack_url_credentials_serve_an_explicit_host_of_the_same_rack(empty_home):
    environ = {'RACK_URL': 'https://convox:%s@api.rack.example.com' % KEY.replace('/', '%2F')}
    assert resolve({'host': 'api.rack.example.com'}, environ, empty_home).password == KEY
    with pytest.raises(ConvoxConfigError) as caught:
        resolve({'host': 'other.example.com'}, environ, empty_home)
    assert 'RACK_URL is for another host' in str(caught.value)
    # An explicit host makes a malformed RACK_URL irrelevant rather than fatal.
    assert resolve({'host': 'x.example.com', 'api_key': KEY}, {'RACK_URL': 'https://x:bad'}, empty_home).password == KEY


def test_api_key_overrides_rack_url_password_and_user(empty_home):
    environ = {'RACK_URL': 'https://jwt:token@api.rack.example.com'}
    settings = resolve({'api_key': KEY}, environ, empty_home)
    assert (settings.username, settings.password) == ('convox', KEY), 'the URL user belongs to the URL password'
    assert resolve({'api_key': KEY, 'api_user': 'jwt'}, environ, empty_home).username == 'jwt'


def test_v3_cli_settings(v3):
    v3.write('auth', {'console.example.com': KEY, 'other.example.com': OTHER_KEY})
    v3.write('console', 'console.example.com\n')
    v3.write('current', {'name': 'acme/prod', 'type': 'console'})
    settings = v3.resolve()
    assert (settings.base_url, settings.password, settings.rack, settings.username) == (
        'https://console.example.com', KEY, 'acme/prod', 'convox')
    assert settings.console
    assert settings.credential_source == os.path.join(v3.config, 'auth')


def test_v3_legacy_rack_file_wins_over_current(v3):
    v3.write('auth', {'console.example.com': KEY})
    v3.write('console', 'console.example.com')
    v3.write('current', {'name': 'acme/current', 'type': 'console'})
    v3.write('rack', 'acme/legacy')
    assert v3.resolve().rack == 'acme/legacy'


def test_v3_direct_rack_file(v3):
    v3.write('console', 'console.example.com')
    v3.write('auth', {'console.example.com': OTHER_KEY})
    v3.write('current', {'name': 'staging', 'type': 'test'})
    v3.write('racks/staging', 'https://convox:%s@api.staging.example.com\n' % KEY.replace('/', '%2F'))
    settings = v3.resolve()
    assert (settings.base_url, settings.password, settings.rack) == ('https://api.staging.example.com', KEY, None)
    assert settings.credential_source == os.path.join(v3.config, 'racks', 'staging')
    # The same rack chosen by option or environment.
    v3.write('current', {'name': 'acme/prod', 'type': 'console'})
    assert v3.resolve({'rack': 'staging'}).base_url == 'https://api.staging.example.com'
    assert v3.resolve({}, {'CONVOX_RACK': 'staging'}).base_url == 'https://api.staging.example.com'


def test_direct_rack_file_without_password_uses_the_auth_file(v3):
    v3.write('racks/dev', 'https://api.dev.example.com')
    v3.write('auth', {'api.dev.example.com': KEY})
    settings = v3.resolve({'rack': 'dev'})
    assert (settings.base_url, settings.password) == ('https://api.dev.example.com', KEY)


def test_terraform_racks_are_refused_with_advice(v3):
    os.makedirs(os.path.join(v3.config, 'racks', 'tfrack'))
    v3.write('current', {'name': 'tfrack', 'type': 'terraform'})
    with pytest.raises(ConvoxConfigError) as caught:
        v3.resolve()
    assert 'terraform' in str(caught.value) and 'RACK_URL' in str(caught.value)


def test_rack_names_cannot_walk_out_of_the_racks_directory(v3, tmp_path):
    (tmp_path / 'outside').write_text('https://convox:%s@evil.example.com' % OTHER_KEY)
    v3.write('console', 'console.example.com')
    v3.write('auth', {'console.example.com': KEY})
    settings = v3.resolve({'rack': '../../../outside'})
    assert settings.base_url == 'https://console.example.com'
    assert settings.rack == '../../../outside'


def test_v2_cli_settings(v2):
    v2.write('auth', {'rack.example.com': KEY})
    v2.write('host', 'rack.example.com')
    v2.write('rack', 'acme/legacy')
    settings = v2.resolve()
    assert (settings.base_url, settings.password, settings.rack) == ('https://rack.example.com', KEY, 'acme/legacy')


def test_v3_directory_wins_over_v2(tmp_path):
    v3 = CliHome(tmp_path, 'v3')
    v2 = CliHome(tmp_path, 'v2')
    v3.write('console', 'v3.example.com')
    v3.write('auth', {'v3.example.com': KEY})
    v2.write('host', 'v2.example.com')
    v2.write('auth', {'v2.example.com': OTHER_KEY})
    assert v3.resolve().base_url == 'https://v3.example.com'


def test_xdg_config_home_and_explicit_directories(tmp_path):
    xdg = tmp_path / 'xdg' / 'convox'
    xdg.mkdir(parents=True)
    (xdg / 'console').write_text('xdg.example.com')
    (xdg / 'auth').write_text(json.dumps({'xdg.example.com': KEY}))
    assert resolve({}, {'XDG_CONFIG_HOME': str(tmp_path / 'xdg')}, str(tmp_path)).base_url == 'https://xdg.example.com'
    explicit = tmp_path / 'explicit'
    explicit.mkdir()
    (explicit / 'console').write_text('explicit.example.com')
    (explicit / 'auth').write_text(json.dumps({'explicit.example.com': KEY}))
    assert resolve({}, {'CONVOX_CONFIG': str(explicit)}, str(tmp_path)).base_url == 'https://explicit.example.com'
    assert resolve({'config_dir': str(explicit)}, {'CONVOX_CONFIG': str(xdg)}, str(tmp_path)).base_url == 'https://explicit.example.com'


@pytest.mark.parametrize('auth_key', ['rack.example.com:5443', 'rack.example.com', 'https://rack.example.com:5443', 'RACK.example.com'])
def test_auth_file_is_matched_by_host_with_or_without_port_and_scheme(v3, auth_key):
    v3.write('auth', {auth_key: KEY})
    assert v3.resolve({'host': 'https://rack.example.com:5443'}).password == KEY


def test_rack_that_is_the_host_itself_is_direct(empty_home):
    for rack in ('rack.example.com', 'https://rack.example.com', 'rack.example.com:5443'):
        settings = resolve({'host': 'https://rack.example.com:5443', 'api_key': KEY, 'rack': rack}, home=empty_home)
        assert settings.rack is None and not settings.console
    assert resolve({'host': 'console.example.com', 'api_key': KEY, 'rack': 'acme/prod'}, home=empty_home).console


# ---------------------------------------------------------------------------------------
# Missing or broken settings: one clear message, no secret
# ---------------------------------------------------------------------------------------

def test_missing_credentials_name_every_source_and_no_value(v3):
    v3.write('auth', {'other.example.com': OTHER_KEY})
    with pytest.raises(ConvoxConfigError) as caught:
        v3.resolve({'host': 'console.example.com'})
    text = str(caught.value)
    assert '`api_key`' in text and 'CONVOX_PASSWORD' in text and os.path.join(v3.config, 'auth') in text
    assert 'console.example.com' in text and 'RACK_URL is not set' in text
    assert OTHER_KEY not in text


def test_missing_host_names_every_source(v3):
    with pytest.raises(ConvoxConfigError) as caught:
        v3.resolve({'api_key': KEY})
    text = str(caught.value)
    assert '`host`' in text and 'CONVOX_HOST' in text and 'RACK_URL' in text and v3.config in text
    assert KEY not in text


@pytest.mark.parametrize('name, content', [
    ('auth', '{"console.example.com": "%s"' % OTHER_KEY),
    ('auth', '["%s"]' % OTHER_KEY),
    ('auth', '{"console.example.com": ["%s"]}' % OTHER_KEY),
    ('current', '{"name": ' + OTHER_KEY),
    ('current', '{"name": 42}'),
])
def test_broken_settings_files_name_the_file_not_its_contents(v3, name, content):
    v3.write('console', 'console.example.com')
    path = v3.write(name, content)
    with pytest.raises(ConvoxConfigError) as caught:
        v3.resolve()
    assert path in str(caught.value)
    assert OTHER_KEY not in str(caught.value)


def test_oversized_or_binary_settings_files_are_refused(v3):
    v3.write('console', 'console.example.com')
    path = v3.write('auth', '{"console.example.com": "%s", "pad": "%s"}' % (OTHER_KEY, 'x' * (2 * 1024 * 1024)))
    with pytest.raises(ConvoxConfigError) as caught:
        v3.resolve()
    assert path in str(caught.value) and 'too large' in str(caught.value)
    with open(path, 'wb') as handle:
        handle.write(b'\xff\xfe' + OTHER_KEY.encode())
    with pytest.raises(ConvoxConfigError) as caught:
        v3.resolve()
    assert 'not UTF-8' in str(caught.value) and OTHER_KEY not in str(caught.value)


def test_bad_rack_url_is_described_without_its_password(empty_home):
    with pytest.raises(ConvoxConfigError) as caught:
        resolve({}, {'RACK_URL': 'https://convox:%s@rack.example.com:badport' % OTHER_KEY}, empty_home)
    assert 'RACK_URL' in str(caught.value) and OTHER_KEY not in str(caught.value)


# ---------------------------------------------------------------------------------------
# TLS, timeouts, retries
# ---------------------------------------------------------------------------------------

def test_certificate_settings(tmp_path, empty_home):
    bundle = tmp_path / 'ca.pem'
    # Changed deliberately (issue 6, finding 11): ca_path is read as a PEM bundle when resolved,
    # so the file here holds real certificates (requests' own bundle) instead of '---'.
    bundle.write_bytes(open(certifi.where(), 'rb').read())
    base = {'host': 'rack.example.com', 'api_key': KEY}
    assert resolve(base, home=empty_home).verify is True
    assert resolve(dict(base, validate_certs=False), home=empty_home).verify is False
    assert resolve(dict(base, ca_path=str(bundle)), home=empty_home).verify == str(bundle)
    assert resolve(dict(base, ca_path=str(bundle), validate_certs=False), home=empty_home).verify is False
    assert resolve(dict(base, validate_certs='no'), home=empty_home).verify is False
    with pytest.raises(ConvoxConfigError) as caught:
        resolve(dict(base, ca_path=str(tmp_path / 'missing.pem')), home=empty_home)
    assert 'missing.pem' in str(caught.value)
    with pytest.raises(ConvoxConfigError):
        resolve(dict(base, validate_certs='perhaps'), home=empty_home)


def test_a_ca_path_that_is_not_pem_is_refused_naming_ca_path(tmp_path, empty_home):
    base = {'host': 'rack.example.com', 'api_key': KEY}
    for content in (b'---', b'\x30\x82\x01\x0a binary DER', b''):
        bundle = tmp_path / 'not-pem.crt'
        bundle.write_bytes(content)
        with pytest.raises(ConvoxConfigError) as caught:
            resolve(dict(base, ca_path=str(bundle)), home=empty_home)
        assert str(caught.value).startswith('ca_path %s holds no usable PEM certificate' % bundle), caught.value
        assert 'PEM format' in str(caught.value)
    # Not verifying wins over a CA bundle, as before: the file is not read then.
    assert resolve(dict(base, ca_path=str(bundle), validate_certs=False), home=empty_home).verify is False


def test_timeout_and_retries(empty_home):
    base = {'host': 'rack.example.com', 'api_key': KEY}
    settings = resolve(base, home=empty_home)
    assert settings.timeout == 30.0 and settings.retries == RetrySettings()
    settings = resolve(dict(base, timeout='2.5', retries={'max_retries': 0, 'backoff_max': None}), home=empty_home)
    assert settings.timeout == 2.5 and settings.retries == RetrySettings(max_retries=0)
    for bad in (dict(timeout=0), dict(timeout=-1), dict(retries={'max_retries': -1}), dict(retries={'backoff_base': 'x'})):
        with pytest.raises(ConvoxConfigError):
            resolve(dict(base, **bad), home=empty_home)


def test_settings_never_show_the_key(empty_home):
    settings = resolve({'host': 'rack.example.com', 'api_key': KEY}, home=empty_home)
    assert KEY not in repr(settings) and KEY not in str(settings)
    # Masking needs every form the key takes in text: as is, percent-encoded, and (changed deliberately,
    # issue 6, finding 4) the base64 Basic credential, which a module must mask too.
    basic = base64.b64encode(('convox:%s' % KEY).encode()).decode()
    assert set(settings.secret_values()) == {KEY, quote(KEY, safe=''), quote(KEY), quote_plus(KEY), basic}
    assert isinstance(settings, ConnectionSettings)


# ---------------------------------------------------------------------------------------
# End to end: settings resolved from CLI files drive the client against the emulator
# ---------------------------------------------------------------------------------------

def test_cli_login_settings_reach_the_emulator(rack, v3):
    netloc = rack.url.split('://', 1)[1]
    v3.write('auth', {netloc: rack.password})
    v3.write('console', rack.url)
    with ConvoxClient(v3.resolve()) as client:
        assert client.system_get()['status'] == 'running'
    (entry,) = [entry for entry in rack.requests() if entry['path'] == '/system']
    assert entry['headers']['Authorization'] == 'convox' and 'Rack' not in entry['headers']


def test_console_settings_reach_the_console_emulator(emulator, v3):
    console = emulator(console='acme/prod')
    console.clear_requests()
    v3.write('auth', {console.url.split('://', 1)[1]: console.password})
    v3.write('console', console.url)
    v3.write('current', {'name': 'acme/prod', 'type': 'console'})
    with ConvoxClient(v3.resolve()) as client:
        assert client.app_list() == []
    assert [entry['headers'].get('Rack') for entry in console.requests()] == ['acme/prod']


def test_rack_url_with_a_jwt_reaches_the_emulator(rack, empty_home):
    with ConvoxClient(resolve({'host': rack.url, 'api_key': rack.password}, home=empty_home)) as admin:
        token = admin.jwt_token('read', 1)
    scheme, rest = rack.url.split('://', 1)
    settings = resolve({}, {'RACK_URL': '%s://jwt:%s@%s' % (scheme, token, rest)}, empty_home)
    assert settings.username == 'jwt'
    with ConvoxClient(settings) as reader:
        assert reader.system_get()['status'] == 'running'
    assert rack.requests()[-1]['headers']['Authorization'] == 'jwt'


# ---------------------------------------------------------------------------------------
# Credentials stay with the host they belong to
# ---------------------------------------------------------------------------------------

def test_a_rack_url_with_a_password_is_not_paired_with_the_console_key_from_the_environment(empty_home):
    settings = resolve({}, environ={'RACK_URL': 'https://convox:rack-pw@api.rack.example.com', 'CONVOX_PASSWORD': OTHER_KEY},
                       home=empty_home)

    assert settings.base_url == 'https://api.rack.example.com'
    assert settings.password == 'rack-pw'


def test_an_explicit_api_key_still_wins_over_the_rack_url_password(empty_home):
    settings = resolve({'api_key': KEY}, environ={'RACK_URL': 'https://convox:rack-pw@api.rack.example.com'}, home=empty_home)

    assert settings.password == KEY


def test_a_console_rack_without_a_host_goes_to_the_default_console(empty_home):
    settings = resolve({'rack': 'acme/production', 'api_key': KEY}, home=empty_home)

    assert settings.base_url == 'https://console.convox.com'
    assert settings.rack == 'acme/production'


def test_a_direct_rack_name_without_a_host_is_still_an_error(empty_home):
    with pytest.raises(ConvoxConfigError, match='no Convox host'):
        resolve({'rack': 'production', 'api_key': KEY}, home=empty_home)


@pytest.mark.parametrize('host', ['a..b.example.com', 'https://../', 'http://exa mple.com'])
def test_invalid_host_names_are_configuration_errors(host, empty_home):
    with pytest.raises(ConvoxConfigError):
        resolve({'host': host, 'api_key': KEY}, home=empty_home)


def test_url_secret_forms_cover_a_password_typed_into_host():
    forms = url_secret_forms('https://convox:pa%2Fss%40word@rack.example.com')

    assert 'pa/ss@word' in forms and 'pa%2Fss%40word' in forms
    assert url_secret_forms('rack.example.com') == ()
    assert url_secret_forms('https://[bad') == ()


@pytest.mark.parametrize('host, password', [
    ('http://convox:p/w@ss:x@rack.example.com', 'p/w@ss:x'),
    ('https://convox:p?w@ss@rack.example.com:8443', 'p?w@ss'),
    ('convox:p#w@rack.example.com', 'p#w'),
    ('https://convox:pw@rack.example.com:notaport', 'pw'),
])
def test_a_password_that_does_not_parse_is_masked_whole(host, password, empty_home):
    # Not percent-encoded, the password does not parse as one: everything between :// and the last @ is masked.
    forms = url_secret_forms(host)
    assert password in forms
    assert 'convox:' + password in forms
    masked = host
    for form in forms:
        masked = masked.replace(form, '********')
    assert '********@rack.example.com' in masked and password not in masked
    with pytest.raises(ConvoxConfigError) as caught:
        resolve({'host': host}, home=empty_home)
    assert 'must be percent-encoded' in str(caught.value)
    assert password not in str(caught.value)


def test_a_url_that_parses_masks_only_its_password():
    assert set(url_secret_forms('https://convox:simple-pw@rack.example.com/base')) == {'simple-pw'}
    assert url_secret_forms('https://rack.example.com/base') == ()


@pytest.mark.parametrize('host', ['http://exa\nmple.com', 'https://rack.internal\t.example.com',
                                  'https://rack.example.com/a b', 'https://rack.example.com\x00.evil.example.com'])
def test_a_host_with_a_control_character_or_space_inside_is_refused_not_read_as_another_host(host, empty_home):
    # Before: urlsplit dropped the line break or tab, so `exa\nmple.com` was sent to example.com.
    with pytest.raises(ConvoxConfigError, match='`host` holds a space, a line break or another control character'):
        resolve({'host': host, 'api_key': KEY}, home=empty_home)


def test_a_rack_url_with_a_line_break_inside_is_refused_without_its_password(empty_home):
    with pytest.raises(ConvoxConfigError) as caught:
        resolve({}, {'RACK_URL': 'https://convox:pa\nss@rack.example.com'}, empty_home)
    assert 'RACK_URL holds a space, a line break' in str(caught.value)
    assert 'pa\nss' not in str(caught.value) and 'ss@' not in str(caught.value)


def test_a_password_with_a_line_break_in_host_is_masked_as_written():
    # urlsplit would read the password as `pass` (line break dropped): the text as written must be masked.
    forms = url_secret_forms('https://convox:pa\nss@rack.example.com')
    assert 'pa\nss' in forms and 'convox:pa\nss' in forms


def test_the_v2_cli_directory_of_convox2_is_read_after_the_v3_one(tmp_path):
    # The v2 CLI is `convox2` since December 2022; its settings moved from ~/.convox to ~/.config/convox2.
    convox2 = tmp_path / '.config' / 'convox2'
    convox2.mkdir(parents=True)
    (convox2 / 'host').write_text('v2.example.com')
    (convox2 / 'auth').write_text(json.dumps({'v2.example.com': KEY}))
    legacy = CliHome(tmp_path, 'v2')
    legacy.write('host', 'legacy.example.com')
    legacy.write('auth', {'legacy.example.com': OTHER_KEY})
    settings = resolve({}, {}, str(tmp_path))
    assert (settings.base_url, settings.password) == ('https://v2.example.com', KEY)

    v3 = CliHome(tmp_path, 'v3')
    v3.write('console', 'v3.example.com')
    v3.write('auth', {'v3.example.com': OTHER_KEY})
    assert resolve({}, {}, str(tmp_path)).base_url == 'https://v3.example.com'


def test_surrounding_whitespace_of_a_host_is_still_ignored(empty_home):
    assert resolve({'host': ' rack.example.com\r\n', 'api_key': KEY}, home=empty_home).base_url == 'https://rack.example.com'


def test_a_missing_settings_directory_is_named_as_missing(empty_home):
    with pytest.raises(ConvoxConfigError) as caught:
        resolve({'api_key': KEY}, home=empty_home)
    assert 'no CLI settings directory: %s does not exist' % os.path.join(empty_home, '.config', 'convox') in str(caught.value)
