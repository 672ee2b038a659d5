# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The CLI's ``convox deploy`` and ``convox env set`` replayed over HTTP in real time (convox-api.md 6.1, 6.2, 6.6).

No fake clock here: the emulator's deploy and build times (0.2 s each) pass for real, and the
client polls the way the CLI does (with shorter intervals).
"""

import re
import secrets

from build_helpers import MANIFEST, source_tarball
from emulator_helpers import wait_for

SOURCE_KEY = re.compile(r'tmp/[0-9a-f]{30}\.tgz')


def wait_app_running(api, app):
    """The CLI's wait after create and promote: poll GET /apps/{app} until running; returns the App."""
    def running():
        body = api.get('/apps/%s' % app).json()
        return body if body['status'] == 'running' else None

    return wait_for(running)


def convox_build(api, app, tarball, description='build 1a2b3c4 initial', git_sha='1a2b3c4'):
    """``convox build``: store the tarball, create the build, poll it until complete or failed; returns the final Build."""
    key = 'tmp/%s.tgz' % secrets.token_hex(15)
    response = api.post('/apps/%s/objects/%s' % (app, key), data=tarball, headers={'Content-Type': 'application/octet-stream'})
    assert (response.status_code, response.headers['Content-Type']) == (200, 'application/json')
    assert response.content == b'{\n  "Url": "object://%s/%s"\n}\n' % (app.encode(), key.encode())
    url = response.json()['Url']
    response = api.post('/apps/%s/builds' % app, data={'url': url, 'description': description, 'git-sha': git_sha, 'manifest': 'convox.yml',
                                                       'development': 'false', 'no-cache': 'false'})
    assert response.status_code == 200, response.text
    build = response.json()
    assert (build['status'], build['release'], build['description'], build['git-sha']) == ('running', '', description, git_sha)
    seen = set()

    def finished():
        current = api.get('/apps/%s/builds/%s' % (app, build['id'])).json()
        seen.add(current['status'])
        # The CLI treats any status but these four as an error.
        assert current['status'] in ('created', 'running', 'complete', 'failed')
        return current if current['status'] in ('complete', 'failed') else None

    final = wait_for(finished)
    assert 'running' in seen
    return final


def convox_promote(api, app, release_id):
    """``convox releases promote`` (and the second half of deploy): promote, then wait and check the release."""
    response = api.post('/apps/%s/releases/%s/promote' % (app, release_id))
    assert (response.status_code, response.content) == (200, b'ok\n')
    assert api.get('/apps/%s' % app).json()['status'] == 'updating'
    app_body = wait_app_running(api, app)
    # The CLI double-checks: a reverted deploy also ends 'running', with the old release.
    assert app_body['release'] == release_id
    return app_body


def test_convox_deploy(api, rack):
    response = api.post('/apps', data={'name': 'demo'})
    assert (response.status_code, response.json()['status']) == (200, 'updating')
    assert wait_app_running(api, 'demo')['release'] == ''
    rack.clear_requests()
    build = convox_build(api, 'demo', source_tarball({'app.py': 'print("hi")\n'}))
    assert build['status'] == 'complete'
    assert (build['manifest'], build['logs']) == (MANIFEST, 'object://demo/build/%s/logs' % build['id'])
    assert re.fullmatch(r'R[A-Z]{10}', build['release'])
    # Build: and Release: are what the CLI prints; the release is not promoted yet.
    assert api.get('/apps/demo').json()['release'] == ''
    app = convox_promote(api, 'demo', build['release'])
    assert (app['name'], app['status'], app['release']) == ('demo', 'running', build['release'])
    release = api.get('/apps/demo/releases/%s' % build['release']).json()
    assert (release['build'], release['manifest'], release['description']) == (build['id'], MANIFEST, 'build 1a2b3c4 initial')
    calls = [(entry['method'], entry['path'], entry['status']) for entry in rack.requests()]
    assert SOURCE_KEY.fullmatch(calls[0][1].split('/objects/', 1)[1])
    assert calls[0][0::2] == ('POST', 200) and calls[1] == ('POST', '/apps/demo/builds', 200)
    # Then only build polls, until the test's own GET /apps/demo and the promote.
    polls = calls[2:calls.index(('GET', '/apps/demo', 200))]
    assert polls and set(polls) == {('GET', '/apps/demo/builds/%s' % build['id'], 200)}
    assert ('POST', '/apps/demo/releases/%s/promote' % build['release'], 200) in calls
    build_form = rack.requests()[1]['form']
    assert set(build_form) == {'url', 'description', 'git-sha', 'manifest', 'development', 'no-cache'}


def test_env_set_after_a_build_keeps_the_build(api):
    api.post('/apps', data={'name': 'demo'})
    wait_app_running(api, 'demo')
    build = convox_build(api, 'demo', source_tarball())
    convox_promote(api, 'demo', build['release'])
    # convox env set FOO=bar: read the latest release's env, merge, create a release (not promoted).
    latest = api.get('/apps/demo/releases?limit=1').json()
    assert [release['id'] for release in latest] == [build['release']]
    env = api.get('/apps/demo/releases/%s' % latest[0]['id']).json()['env']
    assert env == ''
    created = api.post('/apps/demo/releases', data={'env': 'FOO=bar'}).json()
    assert (created['build'], created['manifest'], created['env'], created['description']) == (build['id'], MANIFEST, 'FOO=bar', 'env add:FOO')
    assert api.get('/apps/demo').json()['release'] == build['release']
    # convox env set --promote, then a second deploy: the new build's release forks the env release.
    convox_promote(api, 'demo', created['id'])
    second = convox_build(api, 'demo', source_tarball(manifest=MANIFEST + '  worker:\n    image: busybox\n'), description='second')
    release = api.get('/apps/demo/releases/%s' % second['release']).json()
    assert (release['build'], release['env'], release['description']) == (second['id'], 'FOO=bar', 'second')
    convox_promote(api, 'demo', second['release'])
    assert [item['id'] for item in api.get('/apps/demo/releases').json()] == [second['release'], created['id'], build['release']]


def test_failed_build_stops_the_deploy(api):
    api.post('/apps', data={'name': 'demo'})
    wait_app_running(api, 'demo')
    build = convox_build(api, 'demo', source_tarball({'README': 'no manifest here\n'}, manifest=None))
    assert (build['status'], build['release']) == ('failed', '')
    log = api.get('/apps/demo/objects/build/%s/logs' % build['id']).text
    assert re.fullmatch(r'ERROR: open /tmp/\d{9}/convox\.yml: no such file or directory\n', log)
    assert api.get('/apps/demo/releases').json() == []
    assert api.get('/apps/demo').json()['release'] == ''
