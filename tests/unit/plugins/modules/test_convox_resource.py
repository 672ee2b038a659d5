# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_resource and convox_resource_info in-process against a v3 and a v2 emulator: requests, refusals, waits, secrets."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests

from ansible_collections.convox.convox.plugins.module_utils._state import HIDDEN
from ansible_collections.convox.convox.plugins.modules import convox_resource, convox_resource_info

HOOK_URL = 'https://hooks.example.com/convox/T0-s3cret'
V2_VERSION = '20240101000000'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def resource_args(rack, **extra):
    return connection(rack, wait_interval=0.1, **extra)


def calls(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


def writes(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests() if entry['method'] != 'GET']


def api_post(rack, path, **data):
    response = requests.post(rack.url + path, data=data, auth=('convox', rack.password), timeout=10)
    assert response.status_code == 200, response.text
    return response


# ---------------------------------------------------------------------------------- v3


def test_webhook_check_create_idempotent_delete(rack, run_module):
    hook = dict(name='hook1', kind='webhook', parameters={'Url': HOOK_URL})
    checked, failed = run_module(convox_resource.main, resource_args(rack, _ansible_check_mode=True, _ansible_diff=True, **hook))
    assert not failed and checked['changed'] is True, checked
    assert checked['diff'] == {'before': {'state': 'absent'},
                               'after': {'state': 'present', 'kind': 'webhook', 'parameters': {'Url': HIDDEN}}}
    assert 'resource' not in checked
    # A webhook needs no rack version: one read, and nothing written.
    assert calls(rack) == [('GET', '/resources/hook1')]

    rack.clear_requests()
    created, failed = run_module(convox_resource.main, resource_args(rack, _ansible_inject_invocation=True, _ansible_diff=True, **hook))
    assert not failed and created['changed'] is True, created
    assert created['resource']['status'] == 'running' and created['resource']['type'] == 'webhook'
    # v3 answers the create with the resource, running: no wait.
    assert calls(rack) == [('GET', '/resources/hook1'), ('POST', '/resources')]
    assert rack.requests()[1]['form'] == ['kind', 'name', 'parameters']
    # The resource is returned as the rack has it; the URL the task gave shows neither in its arguments nor in the diff.
    assert created['resource']['parameters'] == {'Url': HOOK_URL}
    assert created['invocation']['module_args']['parameters'] == {'Url': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}
    assert created['diff']['after']['parameters'] == {'Url': HIDDEN}

    rack.clear_requests()
    again, failed = run_module(convox_resource.main, resource_args(rack, **hook))
    assert not failed and again['changed'] is False
    assert calls(rack) == [('GET', '/resources/hook1')]

    deleted, failed = run_module(convox_resource.main, resource_args(rack, name='hook1', state='absent', _ansible_diff=True))
    assert not failed and deleted['changed'] is True and 'resource' not in deleted
    assert deleted['diff'] == {'before': {'state': 'present'}, 'after': {'state': 'absent'}}
    rack.clear_requests()
    gone, failed = run_module(convox_resource.main, resource_args(rack, name='hook1', state='absent'))
    assert not failed and gone['changed'] is False
    assert calls(rack) == [('GET', '/resources/hook1')]


def test_v3_refusals_come_before_any_write(rack, run_module):
    run_module(convox_resource.main, resource_args(rack, name='hook1', kind='webhook', parameters={'Url': HOOK_URL}))
    api_post(rack, '/apps', name='demo')
    rack.clear_requests()
    cases = [
        (dict(name='db', kind='postgres'), 'v3 racks have webhook resources only (the rack answers "rack resource type unknown: postgres")'),
        (dict(name='hook1', parameters={'Url': 'https://other.example.com/x'}),
         'v3 racks cannot change a resource (the rack answers "unavailable on v3 racks"); delete resource hook1'),
        (dict(name='hook1', apps=['demo']), 'v3 racks cannot link resources to apps'),
        (dict(name='hook2', kind='webhook', parameters={'Url': HOOK_URL}, apps=['demo']), 'v3 racks cannot link resources to apps'),
        (dict(name='hook1', kind='syslog'), 'resource hook1 is a webhook, not a syslog'),
        (dict(name='hook3', parameters={'Url': HOOK_URL}), 'kind is needed to create resource hook3'),
        # An empty kind was a change to plan (check mode said changed) that no write made: the verify then failed.
        (dict(name='hook1', kind=''), 'kind must not be empty'),
    ]
    for args, message in cases:
        for check_mode in (True, False):
            result, failed = run_module(convox_resource.main, resource_args(rack, _ansible_check_mode=check_mode, **args))
            assert failed and result['changed'] is False, (args, result)
            assert message in result['msg'], (args, result['msg'])
            assert 'other.example.com' not in json.dumps(result)
    assert writes(rack) == []
    # The rack's version is read only where v2 and v3 differ, once per task.
    assert calls(rack).count(('GET', '/system')) == 8


def test_the_rack_s_webhook_url_rules_in_its_words(rack, run_module):
    for url, message in (('http://127.0.0.1:9/hook', 'url: URL resolves to a non-routable address'),
                         ('http://x', 'url: hostname did not resolve (lookup x on 10.255.255.53:53: no such host)')):
        result, failed = run_module(convox_resource.main, resource_args(rack, name='hook1', kind='webhook', parameters={'Url': url}))
        assert failed and result['changed'] is False and result['status_code'] == 400
        assert message in result['msg']
    missing, failed = run_module(convox_resource.main, resource_args(rack, name='hook1', kind='webhook'))
    assert failed and 'parameter required: Url' in missing['msg']


def test_info_reads_rack_and_app_resources(rack, run_module):
    run_module(convox_resource.main, resource_args(rack, name='hook1', kind='webhook', parameters={'Url': HOOK_URL}))
    rack.clear_requests()
    listed, failed = run_module(convox_resource_info.main, connection(rack))
    assert not failed and [resource['name'] for resource in listed['resources']] == ['hook1']
    # Returned as the rack has it: info modules are given no secret to mask.
    assert listed['resources'][0]['parameters']['Url'] == HOOK_URL
    one, failed = run_module(convox_resource_info.main, connection(rack, name='hook1'))
    assert one['exists'] is True and one['resource']['name'] == 'hook1'
    missing, failed = run_module(convox_resource_info.main, connection(rack, name='nope'))
    assert not failed and missing['exists'] is False
    assert calls(rack) == [('GET', '/resources'), ('GET', '/resources/hook1'), ('GET', '/resources/nope')]

    # An app's resources come from its convox.yml: none before its first deploy.
    api_post(rack, '/apps', name='demo')
    empty, failed = run_module(convox_resource_info.main, connection(rack, app='demo'))
    assert not failed and empty['resources'] == []
    build = rack.state.build_add('demo', manifest='resources:\n  database:\n    type: postgres\nservices:\n  web:\n    build: .\n',
                                 status='complete')  # white-box: the build itself is covered by the build modules
    _settle(rack, 'demo')
    release = api_post(rack, '/apps/demo/releases', build=build.id).json()['id']
    api_post(rack, '/apps/demo/releases/%s/promote' % release)
    _settle(rack, 'demo')
    app_resources, failed = run_module(convox_resource_info.main, connection(rack, app='demo'))
    assert not failed and [resource['name'] for resource in app_resources['resources']] == ['database']
    assert re.match(r'postgres://app:[0-9a-f]+@resource-database\.', app_resources['resources'][0]['url'])
    database, failed = run_module(convox_resource_info.main, connection(rack, app='demo', name='database'))
    assert database['exists'] is True and database['resource']['type'] == 'postgres'
    none, failed = run_module(convox_resource_info.main, connection(rack, app='demo', name='cache'))
    assert not failed and none['exists'] is False


def _settle(rack, app):
    deadline = time.monotonic() + 10
    while requests.get('%s/apps/%s' % (rack.url, app), auth=('convox', rack.password), timeout=10).json()['status'] != 'running':
        assert time.monotonic() < deadline
        time.sleep(0.05)


# ---------------------------------------------------------------------------------- v2


@pytest.fixture(scope='module')
def v2_rack(emulator):
    return emulator(rack_version=V2_VERSION)


@pytest.fixture
def v2(v2_rack):
    v2_rack.reset()
    return v2_rack


def test_v2_database_create_waits_and_returns_its_url(v2, run_module):
    database = dict(name='maindb', kind='postgres', parameters={'Database': 'main', 'Password': 'given-pass-123'})
    created, failed = run_module(convox_resource.main, resource_args(v2, _ansible_diff=True, _ansible_inject_invocation=True, **database))
    assert not failed and created['changed'] is True, created
    resource = created['resource']
    assert resource['status'] == 'running' and resource['parameters']['Database'] == 'main'
    # The URL carries the password: returned (that is the point); the task's arguments do not show it.
    assert re.fullmatch(r'postgres://postgres:given-pass-123@convox-maindb\.[0-9a-f]+\.us-east-1\.rds\.amazonaws\.com:5432/main',
                        resource['url'])
    assert created['invocation']['module_args']['parameters'] == {'Database': 'main', 'Password': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}
    assert 'given-pass-123' not in json.dumps(dict(created, resource=None))
    assert created['diff']['after']['parameters'] == {'Database': 'main'}
    assert writes(v2) == [('POST', '/resources')]

    v2.clear_requests()
    again, failed = run_module(convox_resource.main, resource_args(v2, **database))
    assert not failed and again['changed'] is False
    assert calls(v2) == [('GET', '/resources/maindb')]

    generated = next(resource for resource in v2.state.extensions['rack_resources'].resources.values()).outputs['Password']
    updated, failed = run_module(convox_resource.main, resource_args(v2, name='maindb', parameters={'InstanceType': 'db.t3.large'},
                                                                     _ansible_diff=True))
    assert not failed and updated['changed'] is True, updated
    assert updated['resource']['parameters']['InstanceType'] == 'db.t3.large' and updated['resource']['status'] == 'running'
    assert updated['diff']['before']['parameters']['InstanceType'] == 'db.t3.micro'
    assert updated['diff']['after']['parameters']['InstanceType'] == 'db.t3.large'
    assert 'Password' not in updated['diff']['after']['parameters']
    assert generated == 'given-pass-123'


def test_v2_generated_credentials_are_returned(v2, run_module):
    created, failed = run_module(convox_resource.main, resource_args(v2, name='files', kind='s3'))
    assert not failed, created
    outputs = v2.state.extensions['rack_resources'].resources['files'].outputs
    # What the rack generated is what reading the URL is for: returned, not masked.
    assert created['resource']['url'] == 's3://%s:%s@convox-files' % (outputs['AccessKey'], outputs['SecretAccessKey'])


def test_v2_update_sends_only_the_changed_keys_and_never_the_password(v2, run_module):
    run_module(convox_resource.main, resource_args(v2, name='cache', kind='redis'))
    v2.clear_requests()
    result, failed = run_module(convox_resource.main, resource_args(v2, name='cache', parameters={'Database': '2', 'Encrypted': 'false'}))
    assert not failed and result['changed'] is True
    puts = [entry for entry in v2.requests() if entry['method'] == 'PUT']
    assert len(puts) == 1 and puts[0]['form'] == ['parameters']
    assert calls(v2)[:2] == [('GET', '/resources/cache'), ('GET', '/system')]


def test_v2_syslog_links_follow_apps(v2, run_module):
    for app in ('one', 'two'):
        api_post(v2, '/apps', name=app)
    v2.clear_requests()
    syslog = dict(name='logs', kind='syslog', parameters={'Url': 'tcp+tls://logger:pw-9@logs.example.com:1234'})
    created, failed = run_module(convox_resource.main, resource_args(v2, apps=['two', 'one'], _ansible_diff=True, **syslog))
    assert not failed and created['changed'] is True, created
    assert sorted(app['name'] for app in created['resource']['apps']) == ['one', 'two']
    assert writes(v2) == [('POST', '/resources'), ('POST', '/resources/logs/links'), ('POST', '/resources/logs/links')]
    assert created['diff']['after']['parameters'] == {'Url': HIDDEN}
    assert created['diff']['after']['apps'] == ['one', 'two']
    assert 'pw-9' not in json.dumps(dict(created, resource=None))
    assert created['resource']['url'] == syslog['parameters']['Url']

    v2.clear_requests()
    again, failed = run_module(convox_resource.main, resource_args(v2, apps=['one', 'two'], **syslog))
    assert not failed and again['changed'] is False and calls(v2) == [('GET', '/resources/logs')]

    v2.clear_requests()
    fewer, failed = run_module(convox_resource.main, resource_args(v2, name='logs', apps=['two'], _ansible_diff=True))
    assert not failed and fewer['changed'] is True
    assert writes(v2) == [('DELETE', '/resources/logs/links/one')]
    assert [app['name'] for app in fewer['resource']['apps']] == ['two']
    assert fewer['diff'] == {'before': {'state': 'present', 'apps': ['one', 'two']}, 'after': {'state': 'present', 'apps': ['two']}}

    v2.clear_requests()
    refused, failed = run_module(convox_resource.main, resource_args(v2, name='logs', state='absent'))
    assert failed and 'resource logs is linked to two' in refused['msg'] and 'apps: []' in refused['msg']
    assert writes(v2) == []

    deleted, failed = run_module(convox_resource.main, resource_args(v2, name='logs', state='absent', apps=[]))
    assert not failed and deleted['changed'] is True, deleted
    assert writes(v2) == [('DELETE', '/resources/logs/links/two'), ('DELETE', '/resources/logs')]
    info, failed = run_module(convox_resource_info.main, connection(v2, name='logs'))
    assert not failed and info['exists'] is False


def test_v2_refusals(v2, run_module):
    api_post(v2, '/apps', name='one')
    run_module(convox_resource.main, resource_args(v2, name='hook', kind='webhook', parameters={'Url': 'https://hooks.example.com/a'}))
    run_module(convox_resource.main, resource_args(v2, name='cache', kind='redis'))
    v2.clear_requests()
    linked, failed = run_module(convox_resource.main, resource_args(v2, name='cache', apps=['one']))
    assert failed and 'v2 racks link only syslog resources to apps; resource cache is a redis' in linked['msg']
    new_url, failed = run_module(convox_resource.main, resource_args(v2, name='hook', parameters={'Url': 'https://hooks.example.com/b'},
                                                                     _ansible_inject_invocation=True))
    assert failed and 'v2 racks keep the Url of a webhook' in new_url['msg']
    # A failure masks the given secrets everywhere.
    assert 'hooks.example.com/b' not in json.dumps(new_url)
    unknown, failed = run_module(convox_resource.main, resource_args(v2, name='other', kind='mongo'))
    assert failed and 'invalid resource type: mongo' in unknown['msg']
    assert writes(v2) == [('POST', '/resources')]


def test_v2_wait_fails_early_on_a_failed_stack(v2, run_module):
    run_module(convox_resource.main, resource_args(v2, name='cache', kind='redis'))
    failed_stack = {'name': 'cache', 'parameters': {'Database': '0'}, 'status': 'failed', 'type': 'redis', 'url': ''}
    v2.add_faults([{'method': 'GET', 'path': '^/resources/cache$', 'status': 200, 'times': None, 'content_type': 'application/json',
                    'body': json.dumps(failed_stack)}])
    result, failed = run_module(convox_resource.main, resource_args(v2, name='cache', parameters={'Database': '1'}))
    assert failed and result['changed'] is True
    assert result['last_status'] == 'failed'
    assert 'the rack could not apply the change to resource cache while waiting for resource cache to be running' in result['msg']


def test_v2_missing_resource_reads_as_absent(v2, run_module):
    info, failed = run_module(convox_resource_info.main, connection(v2, name='nope'))
    assert not failed and info['exists'] is False
    gone, failed = run_module(convox_resource.main, resource_args(v2, name='nope', state='absent'))
    assert not failed and gone['changed'] is False
