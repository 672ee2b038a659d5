# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The v3 CLI's scale and ps commands replayed request by request (pkg/cli/scale.go, ps.go; convox-api.md 6.5), in real time.

The requests look like the official SDK's: ``Accept: */*`` (errors come back as text), a form body,
a ``?`` always appended to the URL, the ``convox.go/dev`` user agent and ``Version: dev``.
"""

import pytest

from emulator_helpers import Api, add_build, wait_for

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n  worker:\n    build: .\n'
SDK_HEADERS = {'User-Agent': 'convox.go/dev', 'Version': 'dev'}


class Cli(Api):
    """The SDK's side of the wire."""

    def __init__(self, rack):
        super().__init__(rack, accept='*/*', headers=SDK_HEADERS)

    def request(self, method, path, **kwargs):
        return super().request(method, path + '?', **kwargs)

    def wait_for_app(self, app='demo'):
        """common.WaitForAppWithLogs: poll GET /apps/{app} until running, failing on rollback."""
        def settled():
            status = self.get('/apps/%s' % app).json()['status']
            assert status != 'rollback'
            return status == 'running'
        wait_for(settled)


@pytest.fixture
def cli(rack):
    """An app with a promoted release, deployed the way ``convox deploy`` waits for it."""
    cli = Cli(rack)
    cli.post('/apps', data={'name': 'demo'})
    cli.wait_for_app()
    build = add_build(rack, 'demo', MANIFEST)
    release = cli.post('/apps/demo/releases', data={'build': build.id}).json()['id']
    assert cli.post('/apps/demo/releases/%s/promote' % release).text == 'ok\n'
    cli.wait_for_app()
    rack.clear_requests()
    return cli


def scale_table(cli):
    """`convox scale` without flags: the services by name, each with its running processes."""
    services = sorted(cli.get('/apps/demo/services').json(), key=lambda service: service['name'])
    processes = cli.get('/apps/demo/processes').json()
    running = {}
    for process in processes:
        if process['status'] == 'running':
            running[process['name']] = running.get(process['name'], 0) + 1
    return [(service['name'], service['count'], running.get(service['name'], 0), service['cpu'], service['memory']) for service in services]


def test_convox_scale_count_and_cpu(cli, rack):
    """convox scale web --count 3 --cpu 512: one PUT, a wait for running, and the services show the new values."""
    release = cli.get('/apps/demo').json()['release']
    response = cli.put('/apps/demo/services/web', data={'count': '3', 'cpu': '512'})
    assert (response.status_code, response.text) == (200, 'ok\n')
    cli.wait_for_app()
    assert scale_table(cli) == [('web', 3, 3, 512, 512), ('worker', 1, 1, 250, 512)]
    assert cli.get('/apps/demo').json()['release'] == release
    assert len(cli.get('/apps/demo/releases').json()) == 1
    writes = [entry for entry in rack.requests() if entry['method'] != 'GET']
    assert [(entry['method'], entry['path'], entry['form'], entry['status']) for entry in writes] == [
        ('PUT', '/apps/demo/services/web', ['count', 'cpu'], 200)]
    assert writes[0]['headers']['User-Agent'] == 'convox.go/dev'


def test_convox_scale_errors_read_as_text(cli):
    response = cli.put('/apps/demo/services/nope', data={'count': '2'})
    assert (response.status_code, response.text) == (500, 'deployments.apps "nope" not found\n')
    response = cli.put('/apps/demo/services/web', data={'max': '4'})
    assert response.status_code == 500 and response.text.startswith('range scaling (min/max) requires an autoscale block in convox.yml')
    assert cli.get('/apps/demo').json()['status'] == 'running'


def test_convox_ps_and_ps_stop(cli):
    """convox ps lists processes; convox ps stop deletes one and its service starts another."""
    listed = cli.get('/apps/demo/processes').json()
    assert [(process['name'], process['status']) for process in listed] == [('web', 'running'), ('worker', 'running')]
    web = listed[0]
    assert cli.get('/apps/demo/processes/%s' % web['id']).json() == web           # convox ps info
    assert cli.delete('/apps/demo/processes/%s' % web['id']).text == 'ok\n'
    assert cli.get('/apps/demo/processes/%s' % web['id']).text == 'pods "%s" not found\n' % web['id']

    def replaced():
        current = cli.get('/apps/demo/processes', params={'service': 'web'}).json()
        return len(current) == 1 and current[0]['id'] != web['id'] and current[0]['status'] == 'running'
    wait_for(replaced)
    assert len(cli.get('/apps/demo/processes', params={'release': web['release']}).json()) == 2


def test_convox_run_detached(cli):
    """convox run --detach: the options are headers; the process is pending, then running (the emulator runs ``sleep``)."""
    response = cli.post('/apps/demo/services/worker/processes', headers={'Command': 'sleep 3600', 'Environment': 'RAILS_ENV=production'})
    assert response.status_code == 200, response.text
    process = response.json()
    assert (process['status'], process['command']) == ('pending', 'sleep 3600')
    wait_for(lambda: cli.get('/apps/demo/processes/%s' % process['id']).json()['status'] == 'running')
    assert cli.delete('/apps/demo/processes/%s' % process['id']).text == 'ok\n'


def test_convox_run_detached_of_a_program_the_image_lacks(cli):
    """``rake`` is no program of the emulator: the container cannot start, so the pod fails (and is deleted 5 s later)."""
    process = cli.post('/apps/demo/services/worker/processes', headers={'Command': 'rake db:migrate'}).json()
    assert (process['status'], process['command']) == ('pending', 'rake db:migrate')
    wait_for(lambda: cli.get('/apps/demo/processes/%s' % process['id']).json()['status'] == 'failed')
