# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_service and convox_service_info in-process against the emulator: request sequences, waits and budgets."""

from __future__ import annotations

import gzip
import io
import secrets
import tarfile
import time

import pytest
import requests

from ansible_collections.convox.convox.plugins.modules import convox_service, convox_service_info

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n  worker:\n    build: .\n    command: bin/work\n'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def scale(rack, **extra):
    """convox_service options: the connection and a short poll interval."""
    return connection(rack, wait_interval=0.1, **extra)


def calls(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


def writes(rack):
    return [entry for entry in rack.requests() if entry['method'] != 'GET']


class RackApi:
    """The CLI's side of a deploy, over HTTP: what tests need before a service exists."""

    def __init__(self, rack):
        self.url = rack.url
        self.session = requests.Session()
        self.session.auth = ('convox', rack.password)
        self.session.headers['Accept'] = 'application/json'

    def call(self, method, path, **kwargs):
        response = self.session.request(method, self.url + path, timeout=10, **kwargs)
        assert response.status_code == 200, (method, path, response.status_code, response.text)
        return response.json() if response.headers.get('Content-Type') == 'application/json' else response.text

    def until(self, read, done, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            value = read()
            if done(value):
                return value
            assert time.monotonic() < deadline, value
            time.sleep(0.05)

    def app_running(self, app):
        return self.until(lambda: self.call('GET', '/apps/%s' % app), lambda value: value['status'] == 'running')

    def deploy(self, app, manifest=MANIFEST):
        """convox deploy: the app (created when missing), the source as an object, a build, its release promoted."""
        if self.session.get(self.url + '/apps/%s' % app, timeout=10).status_code == 404:
            self.call('POST', '/apps', data={'name': app})
        self.app_running(app)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode='w') as archive:
            data = manifest.encode('utf-8')
            info = tarfile.TarInfo('convox.yml')
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        stored = self.call('POST', '/apps/%s/objects/tmp/%s.tgz' % (app, secrets.token_hex(15)), data=gzip.compress(buffer.getvalue()),
                           headers={'Content-Type': 'application/octet-stream'})
        build = self.call('POST', '/apps/%s/builds' % app, data={'url': stored['Url']})
        build = self.until(lambda: self.call('GET', '/apps/%s/builds/%s' % (app, build['id'])), lambda value: value['status'] == 'complete')
        self.call('POST', '/apps/%s/releases/%s/promote' % (app, build['release']))
        self.until(lambda: self.call('GET', '/apps/%s' % app), lambda value: value['status'] == 'running' and value['release'] == build['release'])
        return build['release']

    def processes(self, app, service=None):
        return self.call('GET', '/apps/%s/processes' % app, params={'service': service} if service else None)


@pytest.fixture
def deployed(rack):
    api = RackApi(rack)
    api.deploy('demo')
    rack.clear_requests()
    return api


def test_scale_count_check_mode_apply_and_idempotent_rerun(rack, deployed, run_module):
    checked, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', count=3,
                                                            _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and checked['changed'] is True, checked
    assert checked['diff'] == {'before': {'count': 1}, 'after': {'count': 3}}
    assert checked['service']['count'] == 1
    assert writes(rack) == []

    rack.clear_requests()
    scaled, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', count=3))
    assert not failed and scaled['changed'] is True, scaled
    assert scaled['service']['count'] == 3
    assert len(scaled['processes']) == 3 and {process['status'] for process in scaled['processes']} == {'running'}
    assert [(entry['method'], entry['path'], entry['form']) for entry in writes(rack)] == [('PUT', '/apps/demo/services/web', ['count'])]
    assert len([process for process in deployed.processes('demo', 'web') if process['status'] == 'running']) == 3

    rack.clear_requests()
    again, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', count=3, cpu=250, wait=True))
    assert not failed and again['changed'] is False
    assert calls(rack) == [('GET', '/apps/demo/services')]
    assert 'processes' not in again


def test_resize_waits_until_every_old_process_is_gone(rack, deployed, run_module):
    before = {process['id'] for process in deployed.processes('demo', 'web')}
    result, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', cpu=500, memory=1024, _ansible_diff=True))
    assert not failed, result
    assert (result['service']['cpu'], result['service']['memory']) == (500, 1024)
    assert result['diff'] == {'before': {'cpu': 250, 'memory': 512}, 'after': {'cpu': 500, 'memory': 1024}}
    assert [(entry['method'], entry['form']) for entry in writes(rack)] == [('PUT', ['cpu', 'memory'])]
    new = {process['id'] for process in result['processes']}
    assert len(new) == 1 and not new & before
    assert result['processes'][0]['cpu'] == 500.0
    # The wait read the processes once before the PUT, to know which ones must go.
    gets = [entry for entry in rack.requests() if entry['path'] == '/apps/demo/processes']
    assert gets[0]['query'] == {'service': 'web'}
    assert rack.requests().index(gets[0]) < rack.requests().index(writes(rack)[0])


def test_restart_always_restarts_and_check_mode_sends_nothing(rack, deployed, run_module):
    checked, failed = run_module(convox_service.main, scale(rack, app='demo', name='worker', restart=True, _ansible_check_mode=True))
    assert not failed and checked['changed'] is True and checked['restarted'] is True
    assert writes(rack) == []

    before = {process['id'] for process in deployed.processes('demo', 'worker')}
    for _run in range(2):
        restarted, failed = run_module(convox_service.main, scale(rack, app='demo', name='worker', restart=True))
        assert not failed and restarted['changed'] is True and restarted['restarted'] is True
        now = {process['id'] for process in restarted['processes']}
        assert len(now) == 1 and not now & before
        before = now
    assert [entry['path'] for entry in writes(rack)] == ['/apps/demo/services/worker/restart'] * 2


def test_scale_and_restart_in_one_task(rack, deployed, run_module):
    result, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', count=2, restart=True))
    assert not failed and result['changed'] is True
    assert [entry['path'] for entry in writes(rack)] == ['/apps/demo/services/web', '/apps/demo/services/web/restart']
    assert len(result['processes']) == 2


def test_one_off_processes_do_not_count_as_the_services(rack, deployed, run_module):
    one_off = deployed.call('POST', '/apps/demo/services/web/processes', headers={'Command': 'sleep 60'})
    rack.clear_requests()
    result, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', count=2))
    assert not failed, result
    assert one_off['id'] not in [process['id'] for process in result['processes']]
    assert len(result['processes']) == 2

    info, failed = run_module(convox_service_info.main, connection(rack, app='demo', name='web'))
    assert not failed, info
    # The counts are convox scale's: every process of the service, the one-off one included.
    assert info['service']['process_counts']['total'] == 3


def test_wait_timeout_reports_what_it_saw(emulator, run_module):
    slow = emulator()
    RackApi(slow).deploy('demo')
    slow.state.deploy_ns = 30 * 10 ** 9  # white-box: from now on a rollout takes 30 s
    result, failed = run_module(convox_service.main, scale(slow, app='demo', name='web', count=2, wait_timeout=1))
    assert failed and result['changed'] is True
    assert result['last_status'] == 'app updating, 1 of 2 processes running'
    assert 'timed out after 1s waiting for service web of app demo to run its processes; last status: app updating' in result['msg']


def test_unknown_service_names_those_there_are(rack, deployed, run_module):
    result, failed = run_module(convox_service.main, scale(rack, app='demo', name='nope', count=2))
    assert failed and result['changed'] is False
    assert 'service nope is not in the active release' in result['msg'] and 'its services are: web, worker' in result['msg']
    assert writes(rack) == []


def test_an_app_without_a_release_has_no_services(rack, run_module):
    api = RackApi(rack)
    api.call('POST', '/apps', data={'name': 'empty'})
    api.app_running('empty')
    result, failed = run_module(convox_service.main, scale(rack, app='empty', name='web', count=2))
    assert failed and 'app empty has no active release yet' in result['msg']
    missing, failed = run_module(convox_service.main, scale(rack, app='missing', name='web', count=2))
    assert failed and 'app not found: missing' in missing['msg'] and missing['status_code'] == 404
    assert [entry['path'] for entry in writes(rack)] == ['/apps']


def test_count_with_min_or_max_is_refused_before_any_request(rack, run_module):
    for extra in (dict(min=1), dict(max=3)):
        result, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', count=2, **extra))
        assert failed and 'count cannot be combined with min or max' in result['msg']
    for extra, text in ((dict(max=0), 'max must be 1 or more'), (dict(min=3, max=2), 'max must be at least min'),
                        (dict(count=-1), 'count must be 0 or more'),
                        # The rack casts these to int32 unchecked: 2 ** 32 + 3 would become 3 replicas.
                        (dict(count=2 ** 32 + 3), 'count must be at most 2147483647'), (dict(min=2 ** 31), 'min must be at most'),
                        (dict(max=10 ** 12), 'max must be at most 2147483647')):
        result, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', **extra))
        assert failed and text in result['msg'], result
    assert rack.requests() == []


def test_wait_options_out_of_bounds_are_refused_before_the_scale_is_sent(rack, deployed, run_module):
    # A bad wait_timeout used to be noticed when the wait began: after the PUT had scaled the service.
    for extra, text in ((dict(wait_timeout=-1), 'wait_timeout must be a number of seconds from 0 to 86400'),
                        (dict(wait_timeout=86401), 'wait_timeout must be a number of seconds from 0 to 86400'),
                        (dict(wait_interval=0.01), 'wait_interval must be a number of seconds from 0.1 to 300')):
        args = scale(rack, app='demo', name='web', count=3)
        args.update(extra)
        result, failed = run_module(convox_service.main, args)
        assert failed and text in result['msg'] and result.get('changed') is not True, result
        # A run that would change nothing refuses them too, instead of accepting what a changing run refuses.
        args.update(count=1)
        result, failed = run_module(convox_service.main, args)
        assert failed and text in result['msg'], result
    assert rack.requests() == []


def test_a_range_without_an_autoscaler_is_reported(rack, deployed, run_module):
    refused, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', max=4))
    assert failed and 'range scaling (min/max) requires an autoscale block' in refused['msg'] and refused['status_code'] == 500
    # min without an autoscaler: the rack sets the count and keeps the manifest's range.
    unapplied, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', min=2))
    assert failed and 'does not show the requested min after the update' in unapplied['msg']
    assert unapplied['changed'] is True


def test_min_and_max_need_a_rack_of_3_24_6(emulator, run_module):
    old = emulator(rack_version='3.24.5')
    RackApi(old).deploy('demo')
    old.clear_requests()
    result, failed = run_module(convox_service.main, scale(old, app='demo', name='web', min=2))
    assert failed and 'needs a rack of version 3.24.6 or later' in result['msg']
    assert writes(old) == []


def test_gpu_and_its_vendor_travel_together(rack, deployed, run_module):
    result, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', gpu=1, gpu_vendor='amd'))
    assert not failed, result
    assert (result['service']['gpu'], result['service']['gpu_vendor']) == (1, 'amd')
    rack.clear_requests()
    vendor_only, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', gpu=1, gpu_vendor='nvidia',
                                                                _ansible_diff=True))
    assert not failed and vendor_only['service']['gpu_vendor'] == 'nvidia'
    assert vendor_only['diff'] == {'before': {'gpu': 1, 'gpu_vendor': 'amd'}, 'after': {'gpu': 1, 'gpu_vendor': 'nvidia'}}
    assert [sorted(entry['form']) for entry in writes(rack)] == [['gpu', 'gpu-vendor']]
    rack.clear_requests()
    same, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', gpu=1, gpu_vendor='nvidia'))
    assert same['changed'] is False and len(rack.requests()) == 1
    needs_gpu, failed = run_module(convox_service.main, scale(rack, app='demo', name='web', gpu_vendor='amd'))
    assert failed and 'gpu' in needs_gpu['msg']


@pytest.fixture(scope='module')
def v2_rack(emulator):
    return emulator(rack_version='20240101000000')


def test_v2_racks_scale_count_cpu_memory_only(v2_rack, run_module):
    v2_rack.reset()
    RackApi(v2_rack).deploy('demo')
    v2_rack.clear_requests()
    refused, failed = run_module(convox_service.main, scale(v2_rack, app='demo', name='web', gpu=1))
    assert failed and 'v2 racks scale count, cpu and memory only' in refused['msg']
    assert writes(v2_rack) == []
    scaled, failed = run_module(convox_service.main, scale(v2_rack, app='demo', name='web', count=2, memory=1024))
    assert not failed, scaled
    assert (scaled['service']['count'], scaled['service']['memory']) == (2, 1024)
    assert len(scaled['processes']) == 2
    v2_rack.clear_requests()
    again, failed = run_module(convox_service.main, scale(v2_rack, app='demo', name='web', count=2, memory=1024))
    assert again['changed'] is False and calls(v2_rack) == [('GET', '/apps/demo/services')]


def test_info_lists_services_with_process_counts(rack, deployed, run_module):
    listed, failed = run_module(convox_service_info.main, connection(rack, app='demo'))
    assert not failed
    assert [service['name'] for service in listed['services']] == ['web', 'worker']
    web = listed['services'][0]
    assert web['process_counts']['running'] == 1 and web['process_counts']['total'] == 1 and web['process_counts']['crashed'] == 0
    assert 'gpu_vendor' in web and 'scale_override_active' in web
    assert calls(rack) == [('GET', '/apps/demo/services'), ('GET', '/apps/demo/processes')]

    rack.clear_requests()
    one, failed = run_module(convox_service_info.main, connection(rack, app='demo', name='worker', process_counts=False))
    assert one['exists'] is True and one['service']['name'] == 'worker' and 'process_counts' not in one['service']
    assert calls(rack) == [('GET', '/apps/demo/services')]

    missing, failed = run_module(convox_service_info.main, connection(rack, app='demo', name='nope'))
    assert not failed and missing['exists'] is False and 'service' not in missing


def test_info_of_an_app_without_a_release(rack, run_module):
    api = RackApi(rack)
    api.call('POST', '/apps', data={'name': 'empty'})
    api.app_running('empty')
    rack.clear_requests()
    listed, failed = run_module(convox_service_info.main, connection(rack, app='empty'))
    assert not failed and listed['services'] == []
    assert calls(rack) == [('GET', '/apps/empty/services')]
