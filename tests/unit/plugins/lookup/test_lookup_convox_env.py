# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The convox_env lookup, loaded by Ansible's plugin loader, against the emulator: one request per call,
options from keywords, variables and the environment, on_missing, JWTs, and clean errors.

Controller code (the plugin loader, ansible.errors) is imported inside the fixtures only: importing it
tells ansible.module_utils that it runs on the controller, which changes how modules report warnings,
so the flag is put back after each test for the module tests that run in the same process.
"""

from __future__ import annotations

import sys

import pytest

try:  # ansible-core 2.19+: importing controller code marks the process as the controller
    from ansible.module_utils import _internal as module_utils_internal
except ImportError:
    module_utils_internal = None

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings

SECRET = 'database-secret-8e21'


@pytest.fixture
def controller():
    """Controller code, imported for this test only; returns ansible.errors.AnsibleLookupError."""
    was_controller = getattr(module_utils_internal, 'is_controller', None)
    # pylint: disable-next=import-outside-toplevel
    from ansible.errors import AnsibleLookupError
    # pylint: disable-next=import-outside-toplevel
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    if AnsibleCollectionConfig.collection_finder is None:
        # pylint: disable-next=import-outside-toplevel
        from ansible.plugins.loader import init_plugin_loader
        init_plugin_loader()
    yield AnsibleLookupError
    if module_utils_internal is not None:
        # Module tests later in the same worker must not run as if on the controller.
        module_utils_internal.is_controller = was_controller


@pytest.fixture
def lookup_error(controller):
    return controller


@pytest.fixture
def lookup(controller, monkeypatch, tmp_path):
    """``lookup(terms, variables=None, **kwargs)`` runs the plugin as a template does; the machine's own
    CONVOX_* variables and CLI settings are kept out."""
    # pylint: disable-next=import-outside-toplevel
    from ansible.plugins.loader import lookup_loader
    for name in ('CONVOX_HOST', 'CONVOX_PASSWORD', 'CONVOX_RACK', 'CONVOX_CONFIG', 'RACK_URL', 'CONVOX_ACTOR'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('XDG_CONFIG_HOME', str(tmp_path / '.config'))

    def run(terms, variables=None, **kwargs):
        plugin = lookup_loader.get('convox.convox.convox_env')
        assert plugin is not None, 'the lookup did not load'
        return plugin.run(terms, variables=variables or {}, **kwargs)
    return run


@pytest.fixture
def warnings(lookup, monkeypatch):
    # pylint: disable-next=import-outside-toplevel
    from ansible.plugins.loader import lookup_loader
    module = sys.modules[type(lookup_loader.get('convox.convox.convox_env')).__module__]
    seen = []
    monkeypatch.setattr(module.display, 'warning', lambda message, *args, **kwargs: seen.append(message))
    return seen


@pytest.fixture
def releases(rack):
    """An app with two releases: the first one's id, and the latest one's."""
    client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password))
    client.app_create('demo')
    first = client.release_create('demo', env=dict(DATABASE_URL=SECRET, LOG_LEVEL='debug'))
    latest = client.release_create('demo', env=dict(DATABASE_URL=SECRET, LOG_LEVEL='info', WORKERS='4'))
    client.close()
    rack.clear_requests()
    return first['id'], latest['id']


def auth(rack):
    return dict(host=rack.url, api_key=rack.password)


LIST_1 = ('GET', '/apps/demo/releases', {'limit': '1'})
MASK_GET = ('GET', '/apps/demo/configs/cli-env-mask', {})


def calls(rack):
    return [(entry['method'], entry['path'], entry['query']) for entry in rack.requests()]


def set_mask(rack, value):
    client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password))
    client.app_config_set('demo', 'cli-env-mask', value)
    client.close()
    rack.clear_requests()


def test_terms_are_values_of_the_latest_release_in_two_requests(rack, releases, lookup, warnings):
    assert lookup(['LOG_LEVEL', 'DATABASE_URL', 'WORKERS'], app='demo', **auth(rack)) == ['info', SECRET, '4']
    # The release, then the mask (missing: nothing masked), whatever the number of terms.
    assert calls(rack) == [LIST_1, MASK_GET]
    assert warnings == []


def test_reveal_reads_only_the_release(rack, releases, lookup):
    set_mask(rack, 'DATABASE_URL')
    assert lookup(['LOG_LEVEL', 'DATABASE_URL'], app='demo', reveal=True, **auth(rack)) == ['info', SECRET]
    assert lookup([], app='demo', reveal=True, **auth(rack))[0]['DATABASE_URL'] == SECRET
    assert calls(rack) == [LIST_1, LIST_1]


def test_masked_terms_are_stars_with_a_warning(rack, releases, lookup, warnings):
    first, latest = releases
    set_mask(rack, 'DATABASE_URL,WORKERS,NOT_SET')
    assert lookup(['LOG_LEVEL', 'DATABASE_URL', 'WORKERS'], app='demo', **auth(rack)) == ['info', '****', '****']
    assert calls(rack) == [LIST_1, MASK_GET]
    assert warnings == ['convox_env lookup: DATABASE_URL, WORKERS of release %s of app demo are masked by the app config '
                        'cli-env-mask: returned as ****; pass reveal=true for the values (or on_masked=ignore to get **** '
                        'without this warning)' % latest]
    # An unmasked term alone: no warning.
    assert lookup(['LOG_LEVEL'], app='demo', **auth(rack)) == ['info'] and len(warnings) == 1
    assert SECRET not in ' '.join(warnings)


def test_the_whole_env_is_masked_too(rack, releases, lookup, warnings):
    first, latest = releases
    set_mask(rack, 'DATABASE_URL')
    assert lookup([], app='demo', **auth(rack)) == [dict(DATABASE_URL='****', LOG_LEVEL='info', WORKERS='4')]
    assert warnings == ['convox_env lookup: DATABASE_URL of release %s of app demo is masked by the app config cli-env-mask: '
                        'returned as ****; pass reveal=true for the values (or on_masked=ignore to get **** without this '
                        'warning)' % latest]
    assert lookup(['DATABASE_URL'], app='demo', release=first, **auth(rack)) == ['****']


def test_on_masked(rack, releases, lookup, warnings, lookup_error):
    set_mask(rack, 'DATABASE_URL')
    assert lookup(['DATABASE_URL'], app='demo', on_masked='ignore', **auth(rack)) == ['****']
    assert warnings == []
    with pytest.raises(lookup_error) as raised:
        lookup(['LOG_LEVEL', 'DATABASE_URL'], app='demo', on_masked='error', **auth(rack))
    assert 'DATABASE_URL of release R' in str(raised.value)
    assert str(raised.value).endswith('is masked by the app config cli-env-mask; pass reveal=true for the values '
                                      '(or on_masked=warn or ignore to get ****)')
    assert SECRET not in str(raised.value)
    # Nothing masked among the terms: no error.
    assert lookup(['LOG_LEVEL'], app='demo', on_masked='error', **auth(rack)) == ['info']
    assert lookup(['DATABASE_URL'], app='demo', on_masked='error', reveal=True, **auth(rack)) == [SECRET]


def test_a_mask_that_cannot_be_read_fails_the_lookup(rack, releases, lookup, lookup_error):
    rack.add_faults([{'method': 'GET', 'path': '/configs/', 'status': 403, 'times': None, 'body': 'forbidden here'}])
    with pytest.raises(lookup_error, match='forbidden here'):
        lookup(['DATABASE_URL'], app='demo', **auth(rack))
    assert lookup(['DATABASE_URL'], app='demo', reveal=True, **auth(rack)) == [SECRET]


def test_a_rack_without_app_configs_masks_nothing(emulator, lookup, warnings):
    v2 = emulator(rack_version='20240101000000')
    v2.reset()
    client = ConvoxClient(ConnectionSettings(base_url=v2.url, password=v2.password))
    client.app_create('demo')
    client.release_create('demo', env=dict(DATABASE_URL=SECRET))
    client.close()
    assert lookup(['DATABASE_URL'], app='demo', host=v2.url, api_key=v2.password) == [SECRET]
    assert warnings == []


def test_no_terms_is_the_whole_env(rack, releases, lookup):
    assert lookup([], app='demo', **auth(rack)) == [dict(DATABASE_URL=SECRET, LOG_LEVEL='info', WORKERS='4')]


def test_a_given_release(rack, releases, lookup):
    first, latest = releases
    assert lookup(['LOG_LEVEL'], app='demo', release=first, **auth(rack)) == ['debug']
    assert [(entry['method'], entry['path']) for entry in rack.requests()] == [
        ('GET', '/apps/demo/releases/%s' % first), ('GET', '/apps/demo/configs/cli-env-mask')]


def test_an_app_without_releases_has_an_empty_env(rack, lookup, lookup_error):
    client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password))
    client.app_create('empty')
    client.close()
    assert lookup([], app='empty', **auth(rack)) == [{}]
    with pytest.raises(lookup_error, match='A is not set in app empty .no release yet.'):
        lookup(['A'], app='empty', **auth(rack))


def test_on_missing(rack, releases, lookup, warnings, lookup_error):
    first, latest = releases
    with pytest.raises(lookup_error) as raised:
        lookup(['LOG_LEVEL', 'NOPE'], app='demo', **auth(rack))
    assert str(raised.value).startswith('convox_env lookup: NOPE is not set in release %s of app demo' % latest)
    assert lookup(['NOPE', 'LOG_LEVEL'], app='demo', on_missing='warn', **auth(rack)) == ['info']
    assert warnings == ['convox_env lookup: NOPE is not set in release %s of app demo' % latest]
    assert lookup(['NOPE', 'WORKERS'], app='demo', on_missing='skip', **auth(rack)) == ['4']
    assert len(warnings) == 1


def test_connection_from_variables(rack, releases, lookup, lookup_error):
    variables = dict(convox_host=rack.url, convox_api_key=rack.password)
    assert lookup(['WORKERS'], variables, app='demo') == ['4']
    # Keywords win over variables.
    with pytest.raises(lookup_error, match='invalid authentication'):
        lookup(['WORKERS'], variables, app='demo', api_key='wrong-key-1a2b')


def test_connection_from_the_environment(rack, releases, lookup, monkeypatch):
    monkeypatch.setenv('CONVOX_HOST', rack.url)
    monkeypatch.setenv('CONVOX_PASSWORD', rack.password)
    assert lookup(['WORKERS'], app='demo') == ['4']


def test_a_read_only_rack_jwt(rack, releases, lookup):
    client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password))
    token = client.request('POST', '/system/jwt/token', data=dict(role='read', durationInHour='1')).json()['token']
    client.app_config_set('demo', 'cli-env-mask', 'DATABASE_URL')
    client.close()
    # The token reads the mask too.
    assert lookup(['LOG_LEVEL', 'DATABASE_URL'], app='demo', host=rack.url, api_user='jwt', api_key=token) == ['info', '****']
    variables = dict(convox_host=rack.url, convox_api_user='jwt', convox_api_key=token)
    assert lookup([], variables, app='demo')[0]['WORKERS'] == '4'


@pytest.mark.parametrize('kwargs, message', [
    (dict(app='nope'), 'GET /apps/nope/releases answered 404: app not found: nope'),
    (dict(app='demo', release='RMISSING'), 'release RMISSING of app demo does not exist'),
    (dict(app='Bad_App'), "invalid app name 'Bad_App'"),
    (dict(app='demo', release='R/1'), "invalid release name 'R/1'"),
])
def test_errors_are_lookup_errors_with_the_client_s_message(rack, releases, lookup, kwargs, message, lookup_error):
    with pytest.raises(lookup_error) as raised:
        lookup(['LOG_LEVEL'], **dict(auth(rack), **kwargs))
    assert message in str(raised.value)
    assert raised.value.__cause__ is None
    assert SECRET not in str(raised.value) and rack.password not in str(raised.value)


def test_an_invalid_term_fails_before_any_request(rack, releases, lookup, lookup_error):
    with pytest.raises(lookup_error, match='invalid environment variable name'):
        lookup(['A=B'], app='demo', **auth(rack))
    assert rack.requests() == []


def test_missing_credentials_and_wrong_password(rack, releases, lookup, lookup_error):
    with pytest.raises(lookup_error, match='no API key'):
        lookup(['LOG_LEVEL'], app='demo', host=rack.url)
    with pytest.raises(lookup_error) as raised:
        lookup(['LOG_LEVEL'], app='demo', host=rack.url, api_key='wrong-key-1a2b')
    assert 'invalid authentication' in str(raised.value) and 'wrong-key-1a2b' not in str(raised.value)


def test_without_requests_on_the_controller_the_error_says_so(rack, releases, lookup, monkeypatch, lookup_error):
    transport = sys.modules['ansible_collections.convox.convox.plugins.module_utils._transport']
    monkeypatch.setattr(transport, 'HAS_REQUESTS', False)
    with pytest.raises(lookup_error, match=r'the Python library requests is required .*pip install requests'):
        lookup(['LOG_LEVEL'], app='demo', **auth(rack))
    assert rack.requests() == []


def test_app_is_required(rack, lookup):
    # Ansible's config manager refuses it (an AnsibleError), before any request.
    with pytest.raises(Exception, match="(Required config 'app' .* not provided|No setting was provided for required configuration .* setting: app)"):
        lookup(['LOG_LEVEL'], **auth(rack))
    assert rack.requests() == []


@pytest.mark.parametrize('kwargs, hint', [
    (dict(relase='RMISSING'), 'relase (did you mean release?)'),
    (dict(reveals=True), 'reveals (did you mean reveal?)'),
    (dict(bogus=1), 'bogus;'),
])
def test_an_unknown_keyword_fails_before_any_request(rack, releases, lookup, lookup_error, kwargs, hint):
    # Before: Ansible's config manager ignored it, so `relase=` silently read the latest release.
    with pytest.raises(lookup_error) as raised:
        lookup(['LOG_LEVEL'], app='demo', **dict(auth(rack), **kwargs))
    assert str(raised.value).startswith('convox_env lookup: unknown option %s' % hint)
    assert 'release' in str(raised.value) and 'api_key' in str(raised.value)
    assert rack.password not in str(raised.value)
    assert rack.requests() == []


def test_the_alias_password_is_an_option(rack, releases, lookup):
    assert lookup(['LOG_LEVEL'], app='demo', host=rack.url, password=rack.password) == ['info']


def test_a_list_among_the_terms_gives_its_names(rack, releases, lookup):
    # Before: the list itself was taken for one name, "['LOG_LEVEL', 'WORKERS'] is not set".
    assert lookup([['LOG_LEVEL', 'WORKERS'], 'DATABASE_URL'], app='demo', **auth(rack)) == ['info', '4', SECRET]
    assert calls(rack) == [LIST_1, MASK_GET]


def test_a_term_that_is_a_dict_fails_before_any_request(rack, releases, lookup, lookup_error):
    with pytest.raises(lookup_error, match='invalid environment variable name: a name is text, not a dict'):
        lookup([{'LOG_LEVEL': 1}], app='demo', **auth(rack))
    assert rack.requests() == []
