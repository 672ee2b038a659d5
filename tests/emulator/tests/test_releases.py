# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Releases and promote, against transcript rows 19-29 and 41-48 and the CLI flows of convox-api.md 6.1-6.3."""

import json
import re

import pytest
import requests

from emulator_helpers import add_build, create_running_app, deploy_manifest, wait_for

RELEASE_FIELDS = ['id', 'app', 'build', 'env', 'manifest', 'description', 'created']
MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'


def release_id(response):
    assert response.status_code == 200, response.text
    return response.json()['id']


def test_transcript_env_releases(api, text_api, clock):
    create_running_app(api, clock)
    assert api.get('/apps/demo/releases').content == b'[]\n'                    # 19
    response = api.post('/apps/demo/releases', data={'env': 'FOO=bar\nBAZ=qux'})    # 20
    first = response.json()
    assert list(first) == RELEASE_FIELDS
    assert re.fullmatch(r'R[A-Z]{10}', first['id'])
    assert (first['app'], first['build'], first['env'], first['manifest'], first['description']) == \
        ('demo', '', 'FOO=bar\nBAZ=qux', '', 'env add:BAZ add:FOO')
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z', first['created'])
    second = api.post('/apps/demo/releases', data={'env': 'FOO=bar\nBAZ=qux'}).json()   # 21
    assert second['id'] != first['id'] and (second['env'], second['description']) == ('FOO=bar\nBAZ=qux', '')
    third = api.post('/apps/demo/releases').json()                              # 22
    assert (third['env'], third['description']) == ('FOO=bar\nBAZ=qux', '')
    listed = api.get('/apps/demo/releases').json()                              # 23
    assert [item['id'] for item in listed] == [third['id'], second['id'], first['id']]
    assert listed[2] == first
    assert [item['id'] for item in api.get('/apps/demo/releases?limit=1').json()] == [third['id']]     # 24
    response = api.get('/apps/demo/releases/%s' % first['id'])                 # 25
    assert response.json() == first
    response = api.get('/apps/demo/releases/RMISSING')                          # 26
    assert (response.status_code, response.content) == (500, b'{"error":"releases.convox.com \\"rmissing\\" not found"}\n')
    response = text_api.get('/apps/demo/releases/RMISSING')                     # 27
    assert (response.status_code, response.content) == (500, b'releases.convox.com "rmissing" not found\n')
    response = api.post('/apps/demo/releases/%s/promote' % first['id'])         # 28
    assert (response.status_code, response.json()) == (400, {'error': 'can not promote a release with an empty manifest'})
    response = api.post('/apps/demo/releases/RMISSING/promote')                 # 29
    assert (response.status_code, response.json()) == (500, {'error': 'releases.convox.com "rmissing" not found'})


def test_transcript_build_release_and_promote(api, rack, clock):
    create_running_app(api, clock)
    api.put('/apps/demo', data={'parameters': 'BuildCpu=256'})
    clock.advance(3)
    api.post('/apps/demo/releases', data={'env': 'FOO=bar\nBAZ=qux'})
    build = add_build(rack, 'demo', MANIFEST)
    release = api.post('/apps/demo/releases', data={'build': build.id}).json()     # 41
    assert (release['build'], release['env'], release['manifest'], release['description']) == (build.id, 'FOO=bar\nBAZ=qux', MANIFEST, '')
    response = api.post('/apps/demo/releases/%s/promote' % release['id'])       # 43
    assert (response.status_code, response.content) == (200, b'ok\n')
    response = api.post('/apps/demo/releases/%s/promote' % release['id'])       # 44
    assert (response.status_code, response.json()) == (403, {'error': 'app is currently updating'})
    app = api.get('/apps/demo').json()                                          # 45
    assert (app['release'], app['status']) == (release['id'], 'updating')
    clock.advance(3)
    # "router" is the rack's router domain (the transcript's rack had no ROUTER set, see test_apps.py).
    expected = {'generation': '3', 'locked': False, 'name': 'demo', 'release': release['id'], 'router': 'dev.localdev', 'status': 'running',
                'parameters': {'BuildCpu': '256'}}
    assert api.get('/apps/demo').json() == expected                             # 46
    assert api.get('/apps').json() == [expected]                                # 47
    assert len(api.get('/apps/demo/releases').json()) == 2                      # 48


@pytest.mark.usefixtures('clock')
def test_updating_check_comes_before_release_lookup(api):
    api.post('/apps', data={'name': 'demo'})
    response = api.post('/apps/demo/releases/RMISSING/promote')
    assert (response.status_code, response.json()) == (403, {'error': 'app is currently updating'})
    response = api.post('/apps/missing/releases/RMISSING/promote')
    assert (response.status_code, response.json()) == (404, {'error': 'app not found: missing'})


def test_force_promotes_while_updating(api, rack, clock):
    create_running_app(api, clock)
    build = add_build(rack, 'demo')
    first = release_id(api.post('/apps/demo/releases', data={'build': build.id}))
    second = release_id(api.post('/apps/demo/releases', data={'env': 'A=1'}))
    api.post('/apps/demo/releases/%s/promote' % first)
    assert api.post('/apps/demo/releases/%s/promote' % second, data={'force': 'yes'}).status_code == 403
    assert api.post('/apps/demo/releases/%s/promote' % second, data={'force': 'true'}).content == b'ok\n'
    assert api.get('/apps/demo').json()['release'] == second


def test_older_release_is_refused_and_active_one_reapplied(api, rack, clock):
    create_running_app(api, clock)
    build = add_build(rack, 'demo')
    old = release_id(api.post('/apps/demo/releases', data={'build': build.id}))
    new = release_id(api.post('/apps/demo/releases', data={'env': 'A=1'}))
    api.post('/apps/demo/releases/%s/promote' % new)
    clock.advance(3)
    response = api.post('/apps/demo/releases/%s/promote' % old)
    assert (response.status_code, response.json()) == (400, {'error': 'can not promote an older release, try rollback'})
    assert api.post('/apps/demo/releases/%s/promote' % new).content == b'ok\n'
    assert api.get('/apps/demo').json()['status'] == 'updating'


def test_promote_option_parse_errors_come_after_validation(api, rack, clock):
    create_running_app(api, clock)
    build = add_build(rack, 'demo')
    release = release_id(api.post('/apps/demo/releases', data={'build': build.id}))
    response = api.post('/apps/demo/releases/%s/promote' % release, data={'timeout': 'x'})
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.Atoi: parsing "x": invalid syntax'})
    assert api.get('/apps/demo').json()['release'] == ''


def test_release_ids_are_case_insensitive(api, clock):
    create_running_app(api, clock)
    release = release_id(api.post('/apps/demo/releases'))
    assert api.get('/apps/demo/releases/%s' % release.lower()).json()['id'] == release


def test_env_descriptions(api, clock):
    create_running_app(api, clock)
    api.post('/apps/demo/releases', data={'env': 'A=1\nB=2\nC=3'})
    response = api.post('/apps/demo/releases', data={'env': 'A=1\nB=9\nD=4\nE=5'}).json()
    assert response['description'] == 'env add:D add:E change:B remove:C'
    assert response['env'] == 'A=1\nB=9\nD=4\nE=5'
    # The env string is stored as sent; parsing only drives the description.
    response = api.post('/apps/demo/releases', data={'env': ' E=5\r\nD=4\nB=9\nA=1\nnot a pair\n=x'}).json()
    assert response['description'] == ''
    assert response['env'] == ' E=5\r\nD=4\nB=9\nA=1\nnot a pair\n=x'
    response = api.post('/apps/demo/releases', data={'env': ''}).json()
    assert response['description'] == 'env remove:A remove:B remove:D remove:E'
    response = api.post('/apps/demo/releases', data={'env': 'A=1', 'description': 'mine'}).json()
    assert response['description'] == 'mine'


def test_fork_from_parent_release(api, clock):
    create_running_app(api, clock)
    parent = release_id(api.post('/apps/demo/releases', data={'env': 'A=1'}))
    api.post('/apps/demo/releases', data={'env': 'A=2'})
    child = api.post('/apps/demo/releases', data={'parent-release': parent}).json()
    assert child['env'] == 'A=1'
    response = api.post('/apps/demo/releases', data={'parent-release': 'RNOPE'})
    assert (response.status_code, response.json()) == (500, {'error': 'releases.convox.com "rnope" not found'})


def test_build_override_copies_manifest_and_description(api, rack, clock):
    create_running_app(api, clock)
    build = add_build(rack, 'demo', MANIFEST, description='build abc123 fix')
    release = api.post('/apps/demo/releases', data={'build': build.id}).json()
    assert (release['manifest'], release['description']) == (MANIFEST, 'build abc123 fix')
    # A later release forks the build and so copies its manifest again.
    assert api.post('/apps/demo/releases').json()['manifest'] == MANIFEST
    # An explicit empty build clears it.
    cleared = api.post('/apps/demo/releases', data={'build': ''}).json()
    assert (cleared['build'], cleared['manifest']) == ('', '')
    response = api.post('/apps/demo/releases', data={'build': 'BMISSING'})
    assert (response.status_code, response.json()) == (500, {'error': 'builds.convox.com "bmissing" not found'})


def test_release_list_errors_and_limits(api, clock):
    response = api.get('/apps/missing/releases')
    assert (response.status_code, response.json()) == (404, {'error': 'app not found: missing'})
    response = api.post('/apps/missing/releases', data={'env': 'A=1'})
    assert (response.status_code, response.json()) == (404, {'error': 'app not found: missing'})
    create_running_app(api, clock)
    for index in range(12):
        api.post('/apps/demo/releases', data={'env': 'N=%d' % index})
    assert len(api.get('/apps/demo/releases').json()) == 10
    assert len(api.get('/apps/demo/releases?limit=20').json()) == 12
    assert api.get('/apps/demo/releases?limit=0').json() == []


def test_negative_limit_drops_the_connection(api, clock):
    create_running_app(api, clock)
    with pytest.raises(requests.ConnectionError):
        api.get('/apps/demo/releases?limit=-1')


def test_promote_hooks(api, rack, clock):
    seen = []

    def on_promote(_state, app, release):
        seen.append(('promote', app.name, release and release.id))

    def on_deploy_complete(_state, app, release):
        seen.append(('done', app.name, release and release.id))

    rack.state.on_promote.append(on_promote)
    rack.state.on_deploy_complete.append(on_deploy_complete)
    try:
        api.post('/apps', data={'name': 'demo'})
        clock.advance(3)
        api.get('/apps/demo')
        build = add_build(rack, 'demo')
        release = release_id(api.post('/apps/demo/releases', data={'build': build.id}))
        api.post('/apps/demo/releases/%s/promote' % release)
        assert seen[-1] == ('promote', 'demo', release)
        clock.advance(3)
        api.get('/apps')
        assert seen == [('promote', 'demo', None), ('done', 'demo', None), ('promote', 'demo', release), ('done', 'demo', release)]
    finally:
        # Only ours: the areas' own hooks (services, builds) stay installed on the shared rack.
        rack.state.on_promote.remove(on_promote)
        rack.state.on_deploy_complete.remove(on_deploy_complete)


# ---------------------------------------------------------------- CLI request sequences (convox-api.md 6)

def cli_env_get(api, app):
    """convox env: releases?limit=1, then that release, then parse env."""
    releases = api.get('/apps/%s/releases' % app, params={'limit': '1'}).json()
    if not releases:
        return {}
    release = api.get('/apps/%s/releases/%s' % (app, releases[0]['id'])).json()
    return dict(line.split('=', 1) for line in release['env'].split('\n') if '=' in line)


def cli_env_set(api, app, **pairs):
    env = cli_env_get(api, app)
    env.update(pairs)
    return api.post('/apps/%s/releases' % app, data={'env': '\n'.join(sorted('%s=%s' % item for item in env.items()))}).json()


def cli_promote_and_wait(api, app, release, timeout=5.0):
    assert api.post('/apps/%s/releases/%s/promote' % (app, release)).content == b'ok\n'

    def settled():
        current = api.get('/apps/%s' % app).json()
        assert current['status'] != 'rollback'
        return current if current['status'] == 'running' else None

    current = wait_for(settled, timeout=timeout)
    assert current['release'] == release
    return current


def test_cli_env_set_sequence(api, rack):
    api.post('/apps', data={'name': 'demo'})
    wait_for(lambda: api.get('/apps/demo').json()['status'] == 'running')
    rack.clear_requests()
    release = cli_env_set(api, 'demo', FOO='bar')
    assert (release['env'], release['description']) == ('FOO=bar', 'env add:FOO')
    # With no release yet, the read stops after the list.
    assert [(entry['method'], entry['path']) for entry in rack.requests()] == [
        ('GET', '/apps/demo/releases'), ('POST', '/apps/demo/releases')]
    rack.clear_requests()
    release = cli_env_set(api, 'demo', BAZ='qux')
    assert (release['env'], release['description']) == ('BAZ=qux\nFOO=bar', 'env add:BAZ')
    log = rack.requests()
    assert [(entry['method'], entry['path'], entry['query'], entry['form']) for entry in log] == [
        ('GET', '/apps/demo/releases', {'limit': '1'}, []),
        ('GET', '/apps/demo/releases/%s' % log[1]['path'].rsplit('/', 1)[1], {}, []),
        ('POST', '/apps/demo/releases', {}, ['env']),
    ]
    assert all(entry['status'] == 200 for entry in log)
    # Nothing was promoted.
    assert api.get('/apps/demo').json()['release'] == ''


def test_cli_deploy_promote_and_rollback(api, rack):
    api.post('/apps', data={'name': 'demo'})
    wait_for(lambda: api.get('/apps/demo').json()['status'] == 'running')
    first_build = add_build(rack, 'demo', MANIFEST)
    first = release_id(api.post('/apps/demo/releases', data={'build': first_build.id}))
    cli_promote_and_wait(api, 'demo', first)
    cli_env_set(api, 'demo', FOO='bar')
    second_build = add_build(rack, 'demo', MANIFEST.replace('3000', '4000'))
    second = release_id(api.post('/apps/demo/releases', data={'build': second_build.id}))
    cli_promote_and_wait(api, 'demo', second)
    # convox releases rollback <first>: read it, create a release from its build and env, promote that.
    old = api.get('/apps/demo/releases/%s' % first).json()
    rollback = api.post('/apps/demo/releases', data={'build': old['build'], 'env': old['env']}).json()
    assert (rollback['build'], rollback['env'], rollback['manifest']) == (first_build.id, '', MANIFEST)
    assert rollback['description'] == 'env remove:FOO'
    app = cli_promote_and_wait(api, 'demo', rollback['id'])
    assert app['release'] == rollback['id']
    ids = [item['id'] for item in api.get('/apps/demo/releases').json()]
    assert ids[0] == rollback['id'] and len(ids) == 4
    assert json.loads(api.get('/apps/demo/releases/%s' % rollback['id']).text)['build'] == first_build.id


def test_unparsable_manifest_is_not_promoted(api, rack, clock):
    """ReleasePromote loads the manifest: a YAML error is a 500 with the parser's message and the app keeps its release."""
    active = deploy_manifest(api, rack, clock, MANIFEST)
    broken = api.post('/apps/demo/releases', data={'build': add_build(rack, 'demo', 'services:\n  web: [unclosed\n').id}).json()
    response = api.post('/apps/demo/releases/%s/promote' % broken['id'])
    assert response.status_code == 500
    assert response.json()['error'].startswith('yaml: line ')
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('running', active)
    assert [service['name'] for service in api.get('/apps/demo/services').json()] == ['web']


def test_services_of_an_unparsable_active_manifest_are_a_500(api, rack, clock):
    active = deploy_manifest(api, rack, clock, MANIFEST)
    rack.state.releases['demo'][active].manifest = 'services: [\n'
    response = api.get('/apps/demo/services')
    assert response.status_code == 500
    assert response.json()['error'].startswith('yaml: ')
