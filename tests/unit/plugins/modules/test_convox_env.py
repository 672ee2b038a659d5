# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_env in-process against the emulator: request sequences, budgets, secrecy, promote, and
two writers interleaved over real HTTP (a second client writing while the module's write waits)."""

from __future__ import annotations

import json
import threading
import time

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.module_utils._wire import parse_env
from ansible_collections.convox.convox.plugins.modules import convox_env

SECRET = 'pa$$ w0rd=with spaces '
OTHER_SECRET = 'other-writer-secret-3c9a'
MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'
OTHER_WRITER = 'other-writer'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, wait_interval=0.1)
    args.update(extra)
    return args


def client_for(rack, actor=None):
    return ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password, timeout=10.0, actor=actor))


@pytest.fixture
def api(rack):
    """A client of the test's own, for set-up and for reading back what the module did."""
    client = client_for(rack)
    yield client
    client.close()


def make_app(rack, api, name='demo', env=None, build=False):
    """An app, running, optionally with a first release (with a build, so it can be promoted)."""
    api.app_create(name)
    deadline = time.monotonic() + 10
    while api.app_get(name)['status'] != 'running':
        assert time.monotonic() < deadline
        time.sleep(0.05)
    release = None
    if build:
        built = api.request('POST', '/apps/%s/builds' % name, data=dict(external='true')).json()
        api.request('PUT', '/apps/%s/builds/%s' % (name, built['id']), data=dict(manifest=MANIFEST, status='complete'))
        release = api.release_create(name, build=built['id'], env=env)
    elif env is not None:
        release = api.release_create(name, env=env)
    rack.clear_requests()
    return release


def calls(rack, actor=None):
    """(method, path, query) of the module's requests (or of the other writer's, with ``actor``)."""
    return [(entry['method'], entry['path'], entry['query']) for entry in rack.requests()
            if entry['headers'].get('X-Convox-Actor') == actor]


def latest_env(api, app='demo'):
    return parse_env(api.release_list(app, limit=1)[0]['env'])


LIST_1 = ('GET', '/apps/demo/releases', {'limit': '1'})
LIST_2 = ('GET', '/apps/demo/releases', {'limit': '2'})
APP = ('GET', '/apps/demo', {})
WRITE = ('POST', '/apps/demo/releases', {})


def test_set_on_a_new_app_then_a_rerun_is_one_request(rack, api, run_module):
    make_app(rack, api)
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(SECRET_KEY=SECRET, PORT=8080, DEBUG=True)))
    assert not failed, result
    assert result['changed'] is True
    assert result['added_keys'] == ['DEBUG', 'PORT', 'SECRET_KEY']
    assert (result['changed_keys'], result['removed_keys'], result['promoted'], result['reapplied']) == ([], [], False, 0)
    # Budget: the read, the write, one verification read, and the app (for the pending-deploy warning).
    assert calls(rack) == [LIST_1, WRITE, LIST_2, APP]
    write = [entry for entry in rack.requests() if entry['method'] == 'POST'][0]
    assert sorted(write['form']) == ['description', 'env']
    latest = api.release_list('demo', limit=1)[0]
    assert result['release'] == latest['id']
    # The whole env, sorted, no trailing newline, values as given (booleans as the rack reads them).
    assert latest['env'] == 'DEBUG=true\nPORT=8080\nSECRET_KEY=%s' % SECRET
    assert latest['description'] == 'env add:DEBUG add:PORT add:SECRET_KEY from:none'
    assert SECRET not in json.dumps(result)

    rack.clear_requests()
    again, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(SECRET_KEY=SECRET, PORT='8080')))
    assert not failed and again['changed'] is False
    assert again['release'] == latest['id']
    assert calls(rack) == [LIST_1]


def test_merge_change_and_diff_masking(rack, api, run_module):
    make_app(rack, api, env=dict(KEEP='kept-value', CHANGE='old-value'))
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(CHANGE='new-value', ADD='added-value'),
                                                            _ansible_diff=True))
    assert not failed, result
    assert (result['added_keys'], result['changed_keys'], result['removed_keys']) == (['ADD'], ['CHANGE'], [])
    assert latest_env(api) == dict(KEEP='kept-value', CHANGE='new-value', ADD='added-value')
    assert result['diff'] == {
        'before': {'env': {'KEEP': '<hidden>', 'CHANGE': '<hidden: old value>'}},
        'after': {'env': {'KEEP': '<hidden>', 'CHANGE': '<hidden: new value>', 'ADD': '<hidden>'}},
    }
    text = json.dumps(result)
    assert not any(value in text for value in ('kept-value', 'old-value', 'new-value', 'added-value'))


def test_diff_values_shows_values_in_the_diff_only(rack, api, run_module):
    make_app(rack, api, env=dict(KEEP='kept-value', CHANGE='old-value'))
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(CHANGE='new-value'), diff_values=True,
                                                            _ansible_diff=True, _ansible_inject_invocation=True))
    assert not failed, result
    assert result['diff'] == {'before': {'env': {'KEEP': 'kept-value', 'CHANGE': 'old-value'}},
                              'after': {'env': {'KEEP': 'kept-value', 'CHANGE': 'new-value'}}}
    rest = json.dumps(dict((key, value) for key, value in result.items() if key != 'diff'))
    assert not any(value in rest for value in ('kept-value', 'old-value', 'new-value'))
    assert result['invocation']['module_args']['env'] == {'CHANGE': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}


def test_unset_and_purge(rack, api, run_module):
    make_app(rack, api, env=dict(A='1', B='2', C='3'))
    unset, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent', keys=['B', 'MISSING']))
    assert not failed and unset['changed'] and unset['removed_keys'] == ['B']
    assert latest_env(api) == dict(A='1', C='3')
    unset_again, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent', keys=['B']))
    assert not failed and not unset_again['changed']

    purged, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1', D='4'), purge=True))
    assert not failed and purged['changed']
    assert (purged['added_keys'], purged['removed_keys']) == (['D'], ['C'])
    assert latest_env(api) == dict(A='1', D='4')

    emptied, failed = run_module(convox_env.main, connection(rack, app='demo', env={}, purge=True))
    assert not failed and emptied['removed_keys'] == ['A', 'D']
    assert api.release_list('demo', limit=1)[0]['env'] == ''


def test_values_go_out_exactly_as_given(rack, api, run_module):
    make_app(rack, api)
    values = {'TRAILING': 'ends with spaces  ', 'EQUALS': 'a=b==c', 'UNICODE': 'héllo wörld ✓', 'EMPTY': '', 'NULL': None}
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=values))
    assert not failed, result
    assert latest_env(api) == dict(values, NULL='')
    again, failed = run_module(convox_env.main, connection(rack, app='demo', env=values))
    assert not failed and again['changed'] is False


def test_check_mode_predicts_and_writes_nothing(rack, api, run_module):
    make_app(rack, api, env=dict(A='1'))
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2', B='3'), _ansible_check_mode=True,
                                                            _ansible_diff=True))
    assert not failed and result['changed'] is True
    assert (result['added_keys'], result['changed_keys']) == (['B'], ['A'])
    assert result['diff']['after'] == {'env': {'A': '<hidden: new value>', 'B': '<hidden>'}}
    assert calls(rack) == [LIST_1, APP]
    assert latest_env(api) == dict(A='1')


@pytest.mark.parametrize('args, message', [
    (dict(env={'BAD=KEY': 'some-value'}), 'invalid environment variable name'),
    (dict(env={' SPACED': 'some-value'}), 'invalid environment variable name'),
    (dict(env={'': 'some-value'}), 'invalid environment variable name'),
    (dict(env={'MULTI': 'line one\nline two'}), 'the value of environment variable MULTI holds a line break'),
    (dict(env={'CR': 'carriage\rreturn'}), 'holds a line break'),
    (dict(env={'LONG': 'x' * 70000}), 'environment variable LONG is too long'),
    (dict(env={'LIST': ['some-value']}), 'the value of environment variable LIST must be a string, number or boolean'),
    (dict(state='absent', keys=['A=B']), 'invalid environment variable name'),
    (dict(state='absent', keys=['A'], purge=True), 'env and purge are for state=present'),
    (dict(env={'A': 'some-value'}, keys=['B']), 'keys is for state=absent'),
    (dict(app='Bad_App', env={'A': 'some-value'}), "invalid app name 'Bad_App'"),
])
def test_bad_input_fails_before_any_request(rack, run_module, args, message):
    args = dict(dict(app='demo'), **args)
    result, failed = run_module(convox_env.main, connection(rack, **args))
    assert failed and message in result['msg'], result
    assert result['changed'] is False
    assert rack.requests() == []
    assert 'line two' not in json.dumps(result) and 'carriage' not in json.dumps(result)


def test_required_options(rack, run_module):
    missing_env, failed = run_module(convox_env.main, connection(rack, app='demo'))
    assert failed and 'state is present but all of the following are missing: env' in missing_env['msg']
    missing_keys, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent'))
    assert failed and 'keys' in missing_keys['msg']


def test_a_missing_app_fails_with_the_rack_s_message(rack, run_module):
    result, failed = run_module(convox_env.main, connection(rack, app='nope', env=dict(A=SECRET)))
    assert failed and result['changed'] is False
    assert 'app not found: nope' in result['msg'] and result['status_code'] == 404
    assert [entry['method'] for entry in rack.requests()] == ['GET']
    assert SECRET not in json.dumps(result)


def test_a_pending_deploy_is_warned_about(rack, api, run_module):
    make_app(rack, api, env=dict(A='1'), build=True)
    pending = api.release_list('demo', limit=1)[0]['id']
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2')))
    assert not failed, result
    warnings = json.dumps(result.get('warnings', []))
    assert 'release %s, the latest of app demo, is not deployed (no release of it is active yet)' % pending in warnings
    # No change: no app read, no warning.
    rack.clear_requests()
    again, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2')))
    assert not again.get('warnings') and calls(rack) == [LIST_1]


def test_promote_waits_until_the_new_release_is_live(rack, api, run_module):
    make_app(rack, api, env=dict(A='1'), build=True)
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2'), promote=True))
    assert not failed, result
    assert result['changed'] and result['promoted'] is True
    app = api.app_get('demo')
    assert app['release'] == result['release'] and app['status'] == 'running'
    assert ('POST', '/apps/demo/releases/%s/promote' % result['release'], {}) in calls(rack)

    # Already right and live: reading the releases and the app is all it takes.
    rack.clear_requests()
    again, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2'), promote=True))
    assert not failed and again['changed'] is False and again['promoted'] is False
    assert calls(rack) == [LIST_1, APP]


def test_promote_of_the_latest_release_when_env_was_already_right(rack, api, run_module):
    release = make_app(rack, api, env=dict(A='1'), build=True)
    check, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1'), promote=True, _ansible_check_mode=True))
    assert not failed and check['changed'] and check['promoted'] and check['release'] == release['id']
    assert [entry['method'] for entry in rack.requests()] == ['GET', 'GET']
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1'), promote=True))
    assert not failed and result['changed'] and result['promoted']
    assert (result['added_keys'], result['changed_keys']) == ([], [])
    assert api.app_get('demo')['release'] == release['id']


def test_a_rack_rollback_during_promote_fails_with_what_was_seen(rack, api, run_module):
    make_app(rack, api, env=dict(A='1'), build=True)
    first, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2'), promote=True))
    assert not failed
    api.request('POST', '/_emulator/deploys', body=json.dumps(dict(app='demo', outcome='rollback')),
                headers={'Content-Type': 'application/json'})
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A=SECRET), promote=True))
    assert failed and result['changed'] is True
    assert result['rolled_back'] is True
    assert result['active_release'] == first['release']
    assert result['release'] != first['release']
    assert 'rolled the deploy of %s back' % result['release'] in result['msg'] or 'rolling the deploy' in result['msg']
    assert 'rollback' in result['statuses']
    assert SECRET not in json.dumps(result)


def test_promote_without_a_release_fails_clearly(rack, api, run_module):
    make_app(rack, api)
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env={}, promote=True))
    assert failed and 'app demo has no release to promote' in result['msg']


def run_in_background(target):
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def wait_for(predicate, what, seconds=10):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, 'timed out waiting for %s' % what
        time.sleep(0.005)


def test_a_writer_between_our_read_and_our_write_keeps_its_change(rack, api, run_module):
    """Scripted interleaving: the module reads R1; its write waits (a delay fault); meanwhile another
    writer of this collection writes R2 with its own key; then the module's R3 lands, computed from R1."""
    make_app(rack, api, env=dict(SHARED='s'))
    rack.add_faults([{'method': 'POST', 'path': '^/apps/demo/releases$', 'delay': 0.5}])
    other = client_for(rack, actor=OTHER_WRITER)

    def other_writer():
        wait_for(lambda: any(entry['method'] == 'POST' and entry['status'] is None for entry in rack.requests()),
                 "the module's write to be in flight")
        base = other.release_list('demo', limit=1)[0]
        other.release_create('demo', env=dict(parse_env(base['env']), THEIRS=OTHER_SECRET),
                             description='env add:THEIRS from:%s' % base['id'])
    thread = run_in_background(other_writer)
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(OURS=SECRET)))
    thread.join(10)
    other.close()
    assert not failed, result
    # Read, write (delayed: theirs lands first), verify (ours, theirs and the release read are the newest
    # three: a second, longer read), the repair, its verification (at once with the longer read), and the app.
    module_calls = calls(rack)
    list_25 = ('GET', '/apps/demo/releases', {'limit': '25'})
    assert module_calls == [LIST_1, WRITE, LIST_2, list_25, WRITE, list_25, APP]
    assert [method for method, path, query in calls(rack, OTHER_WRITER)] == ['GET', 'POST']
    assert latest_env(api) == dict(SHARED='s', OURS=SECRET, THEIRS=OTHER_SECRET)
    assert result['reapplied'] == 1
    assert result['release'] == api.release_list('demo', limit=1)[0]['id']
    assert OTHER_SECRET not in json.dumps(result) and SECRET not in json.dumps(result)


def test_a_cli_write_after_ours_that_had_not_seen_it_gets_our_change_again(rack, api, run_module):
    """Scripted interleaving: a CLI-like writer reads R1 before the module writes R2, and writes R3
    (without our key, described by the rack) after R2 and before the module's verification read."""
    make_app(rack, api, env=dict(SHARED='s'))
    other = client_for(rack, actor=OTHER_WRITER)
    stale_base = other.release_list('demo', limit=1)[0]
    rack.add_faults([{'method': 'POST', 'path': '^/apps/demo/releases$', 'delay': 0.3}])

    def cli_writer():
        wait_for(lambda: any(entry['method'] == 'POST' and entry['status'] is None for entry in rack.requests()),
                 "the module's write to be in flight")
        # Hold the module's verification read back until the stale write is in.
        rack.add_faults([{'method': 'GET', 'path': '^/apps/demo/releases$', 'delay': 0.3}])
        wait_for(lambda: any(entry['method'] == 'POST' and entry['status'] == 200 for entry in rack.requests()),
                 "the module's write to land")
        other.release_create('demo', env=dict(parse_env(stale_base['env']), CLI='cli-value'))
    thread = run_in_background(cli_writer)
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(OURS=SECRET)))
    thread.join(10)
    other.close()
    assert not failed, result
    list_25 = ('GET', '/apps/demo/releases', {'limit': '25'})
    assert calls(rack) == [LIST_1, WRITE, LIST_2, list_25, WRITE, list_25, APP]
    assert latest_env(api) == dict(SHARED='s', OURS=SECRET, CLI='cli-value')
    assert result['reapplied'] == 1
    assert not result.get('warnings')


def test_console_rack(emulator, run_module):
    console = emulator(console='acme/production')
    client = ConvoxClient(ConnectionSettings(base_url=console.url, password=console.password, rack='acme/production'))
    client.app_create('demo')
    client.close()
    time.sleep(0.3)
    console.clear_requests()
    result, failed = run_module(convox_env.main, dict(connection(console, app='demo', env=dict(A='1')), rack='acme/production'))
    assert not failed, result
    assert set(entry['headers'].get('Rack') for entry in console.requests()) == {'acme/production'}


def test_v2_rack(emulator, run_module):
    v2 = emulator(rack_version='20240101000000')
    v2.reset()
    client = ConvoxClient(ConnectionSettings(base_url=v2.url, password=v2.password))
    client.app_create('demo')
    client.close()
    time.sleep(0.3)
    result, failed = run_module(convox_env.main, connection(v2, app='demo', env=dict(A='1')))
    assert not failed, result
    again, failed = run_module(convox_env.main, connection(v2, app='demo', env=dict(A='1')))
    assert not failed and again['changed'] is False
    unset, failed = run_module(convox_env.main, connection(v2, app='demo', state='absent', keys=['A']))
    assert not failed and unset['removed_keys'] == ['A']


MASK_GET = ('GET', '/apps/demo/configs/cli-env-mask', {})
MASK_PUT = ('PUT', '/apps/demo/configs/cli-env-mask', {})


def stored_mask(rack, app='demo'):
    """The env mask as the rack keeps it (None: never written)."""
    value = rack.state.extensions.get('app_configs', {}).get(app, {}).get('cli-env-mask')
    return None if value is None else value.decode()


def test_masked_keys_are_added_before_the_value_is_written_then_a_rerun_is_two_reads(rack, api, run_module):
    make_app(rack, api)
    args = connection(rack, app='demo', env=dict(API_TOKEN=SECRET, PORT='80'), masked_keys=['API_TOKEN'])
    result, failed = run_module(convox_env.main, dict(args, _ansible_diff=True))
    assert not failed, result
    assert result['changed'] is True and result['masked_keys'] == ['API_TOKEN']
    assert result['added_keys'] == ['API_TOKEN', 'PORT']
    # The mask first (the token's value never shows unmasked in `convox env`), then the env as before.
    assert calls(rack) == [LIST_1, MASK_GET, MASK_PUT, WRITE, LIST_2, APP]
    assert stored_mask(rack) == 'API_TOKEN'
    assert result['diff'] == {'before': {'env': {}, 'masked_keys': []},
                              'after': {'env': {'API_TOKEN': '<hidden>', 'PORT': '<hidden>'}, 'masked_keys': ['API_TOKEN']}}
    assert SECRET not in json.dumps(result)

    rack.clear_requests()
    again, failed = run_module(convox_env.main, args)
    assert not failed and again['changed'] is False and again['masked_keys'] == ['API_TOKEN']
    assert calls(rack) == [LIST_1, MASK_GET]


def test_only_the_mask_changes_in_one_write_and_keys_already_masked_stay(rack, api, run_module):
    make_app(rack, api, env=dict(A='1', B='2'))
    api.app_config_set('demo', 'cli-env-mask', 'OTHER')
    rack.clear_requests()
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1'), masked_keys=['B', 'A'],
                                                            _ansible_diff=True))
    assert not failed, result
    assert result['changed'] is True and result['masked_keys'] == ['A', 'B', 'OTHER']
    assert (result['added_keys'], result['changed_keys'], result['removed_keys']) == ([], [], [])
    # No release, so no app read either.
    assert calls(rack) == [LIST_1, MASK_GET, MASK_PUT]
    assert stored_mask(rack) == 'A,B,OTHER'
    assert result['diff'] == {'before': {'env': {'A': '<hidden>', 'B': '<hidden>'}, 'masked_keys': ['OTHER']},
                              'after': {'env': {'A': '<hidden>', 'B': '<hidden>'}, 'masked_keys': ['A', 'B', 'OTHER']}}


def test_purge_makes_the_mask_exactly_masked_keys_written_after_the_env(rack, api, run_module):
    make_app(rack, api, env=dict(A='1', B='2', C='3'))
    api.app_config_set('demo', 'cli-env-mask', 'B,C')
    rack.clear_requests()
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1', B='2'), purge=True, masked_keys=['B']))
    assert not failed, result
    assert result['removed_keys'] == ['C'] and result['masked_keys'] == ['B']
    # The mask masks less: C leaves it only once its value is gone.
    assert calls(rack) == [LIST_1, MASK_GET, WRITE, LIST_2, MASK_PUT, APP]
    assert stored_mask(rack) == 'B'

    emptied, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1', B='2'), purge=True, masked_keys=[]))
    assert not failed and emptied['changed'] is True and emptied['masked_keys'] == []
    assert stored_mask(rack) == ''
    again, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1', B='2'), purge=True, masked_keys=[]))
    assert not failed and again['changed'] is False


def test_purge_without_masked_keys_leaves_the_mask_alone_unread(rack, api, run_module):
    make_app(rack, api, env=dict(A='1', B='2'))
    api.app_config_set('demo', 'cli-env-mask', 'B')
    rack.clear_requests()
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1'), purge=True))
    assert not failed and result['removed_keys'] == ['B'] and 'masked_keys' not in result
    assert MASK_GET not in calls(rack) and MASK_PUT not in calls(rack)
    assert stored_mask(rack) == 'B'


def test_absent_removes_the_keys_from_the_mask_too(rack, api, run_module):
    make_app(rack, api, env=dict(A='1', B='2', C='3'))
    api.app_config_set('demo', 'cli-env-mask', 'A,B,KEEP')
    rack.clear_requests()
    result, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent', keys=['A', 'NOT_SET'], masked_keys=['C']))
    assert not failed, result
    assert result['removed_keys'] == ['A'] and result['masked_keys'] == ['B', 'C', 'KEEP']
    # C joins the mask: the mask is written first.
    assert calls(rack) == [LIST_1, MASK_GET, MASK_PUT, WRITE, LIST_2, APP]

    rack.clear_requests()
    unmasked, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent', keys=['B'], masked_keys=[]))
    assert not failed and unmasked['removed_keys'] == ['B'] and unmasked['masked_keys'] == ['C', 'KEEP']
    assert calls(rack) == [LIST_1, MASK_GET, WRITE, LIST_2, MASK_PUT, APP]
    assert stored_mask(rack) == 'C,KEEP'

    # A key no longer set still leaves the mask.
    api.app_config_set('demo', 'cli-env-mask', 'GONE,KEEP')
    rack.clear_requests()
    cleaned, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent', keys=['GONE'], masked_keys=[]))
    assert not failed and cleaned['changed'] is True and cleaned['removed_keys'] == []
    assert calls(rack) == [LIST_1, MASK_GET, MASK_PUT]
    assert stored_mask(rack) == 'KEEP'

    # Without masked_keys, state=absent neither reads nor changes the mask.
    rack.clear_requests()
    plain, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent', keys=['KEEP']))
    assert not failed and plain['changed'] is False and 'masked_keys' not in plain
    assert calls(rack) == [LIST_1]


def test_check_mode_predicts_the_mask_and_writes_nothing(rack, api, run_module):
    make_app(rack, api, env=dict(A='1'))
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='1'), masked_keys=['A'],
                                                            _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and result['changed'] is True and result['masked_keys'] == ['A']
    assert result['diff']['before']['masked_keys'] == [] and result['diff']['after']['masked_keys'] == ['A']
    assert calls(rack) == [LIST_1, MASK_GET]
    assert stored_mask(rack) is None

    rack.clear_requests()
    both, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2'), masked_keys=['A'],
                                                          _ansible_check_mode=True))
    assert not failed and both['changed'] is True and both['changed_keys'] == ['A']
    assert calls(rack) == [LIST_1, MASK_GET, APP]
    assert stored_mask(rack) is None and latest_env(api) == dict(A='1')


@pytest.mark.parametrize('rack_version', ['20240101000000', '3.19.6'])
def test_a_rack_without_app_configs_refuses_masked_keys_before_any_write(emulator, run_module, rack_version):
    older = emulator(rack_version=rack_version)
    older.reset()
    client = ConvoxClient(ConnectionSettings(base_url=older.url, password=older.password))
    client.app_create('demo')
    client.close()
    time.sleep(0.3)
    for check_mode in (True, False):
        older.clear_requests()
        result, failed = run_module(convox_env.main, connection(older, app='demo', env=dict(A=SECRET), masked_keys=['A'],
                                                                _ansible_check_mode=check_mode))
        assert failed and result['changed'] is False
        assert 'this rack has no app configs (they need a v3 rack, version 3.19.7 or newer); the env mask (cli-env-mask) ' \
               'cannot be kept on it' in result['msg']
        assert [entry['method'] for entry in older.requests()] == ['GET', 'GET']
        assert SECRET not in json.dumps(result)


def test_a_mask_that_cannot_be_read_fails_before_any_write(rack, api, run_module):
    make_app(rack, api, env=dict(A='1'))
    rack.add_faults([{'method': 'GET', 'path': '/configs/', 'status': 500, 'times': None, 'body': 'boom'}])
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2'), masked_keys=['A']))
    assert failed and result['changed'] is False and 'boom' in result['msg']
    assert [method for method, path, query in calls(rack)] == ['GET', 'GET']


@pytest.mark.parametrize('masked_keys, message', [
    (['A B'], "invalid masked env key 'A B'"),
    (['A=B'], 'invalid masked env key'),
    (['A,B'], 'invalid masked env key'),
    ([''], 'invalid masked env key'),
    (['K%d' % number for number in range(501)], 'too many masked env keys (at most 500, got 501)'),
])
def test_bad_masked_keys_fail_before_any_request(rack, run_module, masked_keys, message):
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='some-value'), masked_keys=masked_keys))
    assert failed and message in result['msg'], result
    assert rack.requests() == []


def test_a_refused_mask_write_fails_the_task_and_changed_says_what_was_written(rack, api, run_module):
    make_app(rack, api, env=dict(A='1', B='2'))
    api.app_config_set('demo', 'cli-env-mask', 'B')
    rack.add_faults([{'method': 'PUT', 'path': '/configs/', 'status': 400, 'times': None, 'body': 'refused'}])
    rack.clear_requests()
    # Masking more: the mask is written first, so nothing was written when it is refused.
    first, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A=SECRET), masked_keys=['A']))
    assert failed and first['changed'] is False and 'refused' in first['msg']
    assert calls(rack) == [LIST_1, MASK_GET, MASK_PUT]
    assert latest_env(api) == dict(A='1', B='2')
    # Masking less: the env was written before the mask was refused.
    rack.clear_requests()
    second, failed = run_module(convox_env.main, connection(rack, app='demo', state='absent', keys=['B'], masked_keys=[]))
    assert failed and second['changed'] is True and second['removed_keys'] == ['B']
    assert calls(rack) == [LIST_1, MASK_GET, WRITE, LIST_2, MASK_PUT]
    assert latest_env(api) == dict(A='1') and stored_mask(rack) == 'B'
    assert SECRET not in json.dumps(first)


@pytest.mark.parametrize('first_release', [False, True])
@pytest.mark.parametrize('check_mode', [False, True])
def test_promote_before_the_first_build_fails_before_any_write(rack, api, run_module, first_release, check_mode):
    # Before: the environment was written as a new release, then its promote failed with the rack's 400
    # ("can not promote a release with an empty manifest"), leaving the task changed and failed.
    make_app(rack, api, env=dict(A='1') if first_release else None)
    result, failed = run_module(convox_env.main, connection(rack, app='demo', env=dict(A='2'), promote=True,
                                                            _ansible_check_mode=check_mode))
    assert failed and result['changed'] is False
    assert result['msg'] == ('app demo has no build yet, so a release holding its environment cannot be promoted (the rack '
                             'deploys builds): build the app first, or set the environment without promote')
    assert [call for call in calls(rack) if call[0] != 'GET'] == []
