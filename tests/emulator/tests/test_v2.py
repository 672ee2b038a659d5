# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""v2 racks (convox/rack): a date-style --rack-version switches the semantics table."""

import pytest

from convox_emulator import semantics
from emulator_helpers import V2_VERSION as VERSION, Api, add_build


def test_version_selects_semantics():
    assert semantics.for_version(VERSION).major == 2
    assert semantics.for_version('3.19.4').major == 3
    assert semantics.for_version(None).major == 3
    assert semantics.for_version('20180708231845').major == 2


@pytest.mark.parametrize('version', ['20180708231844', '20170101000000'])
def test_old_v2_racks_are_refused(version):
    with pytest.raises(ValueError, match='--rack-version %s is not supported: v2 racks up to 20180708231844' % version):
        semantics.for_version(version)


def test_system_reports_the_version_without_router_internal(v2):
    body = v2.get('/system').json()
    assert body['version'] == VERSION
    assert 'router-internal' not in body
    assert list(body) == ['count', 'domain', 'name', 'provider', 'rack-domain', 'region', 'status', 'type', 'version']


def test_errors_are_always_text_and_headers_differ(v2):
    response = v2.get('/apps/missing')
    assert (response.status_code, response.content) == (404, b'app not found: missing\n')
    assert response.headers['Content-Type'] == 'text/plain; charset=utf-8'
    assert 'X-Frame-Options' not in response.headers
    assert len(response.headers['Request-Id']) == 12
    response = Api(v2.rack, password='bad').get('/apps')
    assert (response.status_code, response.content) == (401, b'invalid authentication\n')
    assert 'WWW-Authenticate' not in response.headers


def test_app_lifecycle_statuses(v2):
    clock = v2.rack.state.clock
    app = v2.post('/apps', data={'name': 'demo'}).json()
    assert (app['generation'], app['status']) == ('2', 'creating')
    assert [item['name'] for item in v2.get('/apps').json()] == ['demo']
    clock.advance(3)
    assert v2.get('/apps/demo').json()['status'] == 'running'
    response = v2.post('/apps', data={'name': 'demo'})
    assert (response.status_code, response.text) == (500, 'app already exists: demo\n')
    assert v2.post('/apps', data={'name': 'Upper'}).text == 'App name cannot contain Uppercase characters\n'
    assert v2.post('/apps', data={'name': 'old', 'generation': '1'}).json()['generation'] == '1'
    assert v2.post('/apps', data={'name': 'odd', 'generation': '3'}).text == 'unknown generation\n'


def test_promote_checks_are_500(v2, v2_rack):
    clock = v2_rack.state.clock
    v2.post('/apps', data={'name': 'demo'})
    clock.advance(3)
    empty = v2.post('/apps/demo/releases', data={'env': 'A=1'}).json()
    assert empty['description'] == 'env add:A'
    same = v2.post('/apps/demo/releases', data={'env': 'A=1'}).json()
    assert same['description'] == 'env '
    response = v2.post('/apps/demo/releases/%s/promote' % empty['id'])
    assert (response.status_code, response.text) == (500, 'can not promote a release with an empty manifest\n')
    build = add_build(v2_rack, 'demo')
    old = v2.post('/apps/demo/releases', data={'build': build.id}).json()['id']
    new = v2.post('/apps/demo/releases', data={'env': 'B=2'}).json()['id']
    v2.post('/apps/demo/releases/%s/promote' % new)
    clock.advance(3)
    response = v2.post('/apps/demo/releases/%s/promote' % old)
    assert (response.status_code, response.text) == (500, 'can not promote an older release, try rollback\n')
    response = v2.get('/apps/demo/releases/RNOPE')
    assert (response.status_code, response.text) == (404, 'release not found: RNOPE\n')


def test_password_role_is_read_write(v2):
    response = v2.post('/system/jwt/token', data={'role': 'admin', 'durationInHour': '1'})
    assert response.json() == {'token': ''}
    response = v2.post('/system/jwt/token', data={'role': 'read', 'durationInHour': 'x'})
    assert (response.status_code, response.text) == (404, 'invalid duration\n')
    assert v2.put('/system/jwt/rotate').text == 'admin role required\n'


def test_parameters_and_system_update(v2, v2_rack):
    clock = v2_rack.state.clock
    v2.post('/apps', data={'name': 'demo'})
    clock.advance(3)
    v2.put('/apps/demo', data={'parameters': 'Internal=Yes&Anything=1'})
    assert v2.get('/apps/demo').json()['parameters'] == {'Anything': '1', 'Internal': 'Yes'}
    assert v2.put('/system', data={'count': '5', 'parameters': 'Autoscale=No'}).text == 'ok\n'
    body = v2.get('/system').json()
    assert (body['count'], body['status'], body['parameters']) == (5, 'updating', {'Autoscale': 'No'})
    clock.advance(3)
    assert v2.get('/system').json()['status'] == 'running'
    assert v2.get('/system/releases').json()[0]['id'] == VERSION


def test_object_list(v2):
    v2.post('/apps/demo/objects/tmp/a', data=b'1')
    v2.post('/apps/demo/objects/logs/b', data=b'2')
    assert v2.get('/apps/demo/objects').json() == ['logs/b', 'tmp/a']
    assert v2.get('/apps/demo/objects', params={'prefix': 'tmp/'}).json() == ['tmp/a']


def test_delete_shows_deleting_and_repeats(v2):
    v2.post('/apps', data={'name': 'demo'})
    v2.rack.state.clock.advance(3)
    assert v2.delete('/apps/demo').text == 'ok\n'
    assert v2.get('/apps/demo').json()['status'] == 'deleting'
    # DeleteStack on a stack being deleted is fine.
    assert v2.delete('/apps/demo').text == 'ok\n'
    assert [app['status'] for app in v2.get('/apps').json()] == ['deleting']
    v2.rack.state.clock.advance(3)
    assert v2.get('/apps/demo').text == 'app not found: demo\n'
