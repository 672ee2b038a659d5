# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Apps, against transcript rows 4-18 and 73-93 of convox-api.md 8.2."""

from emulator_helpers import add_build, create_running_app, pretty, wait_for

# The transcript's rack ran without its ROUTER environment variable ("router":""); a real rack's terraform sets ROUTER to
# the router domain (the same value as DOMAIN, convox-api.md 3 App.router), so the emulator reports it.
DEMO_UPDATING = ('{"generation":"3","locked":false,"name":"demo","release":"","router":"dev.localdev","status":"updating",'
                 '"parameters":{}}')
DEMO_RUNNING = DEMO_UPDATING.replace('updating', 'running')
NAMESPACE_ERROR = ('Namespace \\"dev-%s\\" is invalid: metadata.name: Invalid value: \\"dev-%s\\": a lowercase RFC 1123 label must '
                   'consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character '
                   '(e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')')


def test_transcript_create_list_get(api, clock):
    assert api.get('/apps').content == b'[]\n'                                   # 4
    response = api.post('/apps', data={'name': 'demo'})                         # 5
    assert response.status_code == 200
    assert response.content == pretty(DEMO_UPDATING)
    response = api.post('/apps', data={'name': 'demo'})                         # 6
    assert (response.status_code, response.content) == (409, b'{"error":"app already exists: demo"}\n')
    response = api.post('/apps', data={'name': 'system'})                       # 7
    assert (response.status_code, response.content) == (400, b'{"error":"app name is reserved"}\n')
    assert api.post('/apps', data={'name': 'rack'}).json() == {'error': 'app name is reserved'}
    assert api.get('/apps/demo').content == pretty(DEMO_UPDATING)               # 8
    assert api.get('/apps').content == b'[]\n'                                  # 9: hidden while its first deploy runs
    clock.advance(3)
    assert api.get('/apps/demo').content == pretty(DEMO_RUNNING)                # 10
    assert api.get('/apps').content == pretty('[%s]' % DEMO_RUNNING)            # 11


def test_transcript_lock_and_parameters(api, clock):
    create_running_app(api, clock)
    response = api.put('/apps/demo', data={'lock': 'true'})                     # 12
    assert (response.status_code, response.content) == (200, b'ok\n')
    app = api.get('/apps/demo').json()                                          # 13
    assert (app['locked'], app['status']) == (True, 'updating')
    response = api.delete('/apps/demo')                                         # 14
    assert (response.status_code, response.content) == (409, b'{"error":"app is locked: demo"}\n')
    assert api.put('/apps/demo', data={'lock': 'false'}).content == b'ok\n'     # 15
    assert api.put('/apps/demo', data={'parameters': 'BuildCpu=256'}).content == b'ok\n'   # 16
    assert api.put('/apps/demo', data={'parameters': 'Bogus=1'}).content == b'ok\n'        # 17
    assert api.get('/apps/demo').json()['parameters'] == {'BuildCpu': '256'}                # 18
    clock.advance(3)
    listed = api.get('/apps').json()
    assert listed[0]['parameters'] == {'BuildCpu': '256'} and listed[0]['status'] == 'running'


def test_parameters_sorted_and_empty_values_hidden(api, clock):
    create_running_app(api, clock)
    api.put('/apps/demo', data={'parameters': 'BuildMem=512&BuildLabels=a%3Db&BuildCpu=256'})
    assert api.get('/apps/demo').text.count('"Build') == 3
    body = api.get('/apps/demo').text
    assert body.index('BuildCpu') < body.index('BuildLabels') < body.index('BuildMem')
    api.put('/apps/demo', data={'parameters': 'BuildMem='})
    assert api.get('/apps/demo').json()['parameters'] == {'BuildCpu': '256', 'BuildLabels': 'a=b'}


def test_every_update_repromotes(api, clock):
    create_running_app(api, clock)
    for data in ({'lock': 'false'}, {'parameters': 'BuildCpu=1'}, {}):
        api.put('/apps/demo', data=data)
        assert api.get('/apps/demo').json()['status'] == 'updating'
        clock.advance(3)
        assert api.get('/apps/demo').json()['status'] == 'running'


def test_missing_app_errors(api, text_api):
    response = api.get('/apps/missing')                                         # 73
    assert (response.status_code, response.content) == (404, b'{"error":"app not found: missing"}\n')
    assert text_api.get('/apps/missing').content == b'app not found: missing\n'    # 74
    response = text_api.put('/apps/zzz', data={'lock': 'false'})
    assert (response.status_code, response.content) == (404, b'app not found: zzz\n')
    for method, path in (('DELETE', '/apps/zzz'), ('POST', '/apps/zzz/cancel')):
        response = api.request(method, path)
        assert (response.status_code, response.json()) == (404, {'error': 'app not found: zzz'})


def test_cancel(api, clock):
    create_running_app(api, clock)
    response = api.post('/apps/demo/cancel')                                    # 83
    assert (response.status_code, response.content) == (403, b'{"error":"app is not updating"}\n')
    api.put('/apps/demo', data={'lock': 'false'})                               # 84/85
    clock.advance(0.1)
    assert api.post('/apps/demo/cancel').content == b'ok\n'
    assert api.get('/apps/demo').json()['status'] == 'rollback'                 # 86
    assert api.post('/apps/demo/cancel').json() == {'error': 'app is not updating'}
    clock.advance(3)
    assert api.get('/apps/demo').json()['status'] == 'running'                  # 87


def test_cancel_rolls_back_to_previous_release(api, clock, rack):
    create_running_app(api, clock)
    build = add_build(rack, 'demo')
    first = api.post('/apps/demo/releases', data={'build': build.id}).json()['id']
    api.post('/apps/demo/releases/%s/promote' % first)
    clock.advance(3)
    second = api.post('/apps/demo/releases', data={'env': 'A=1'}).json()['id']
    api.post('/apps/demo/releases/%s/promote' % second)
    assert api.get('/apps/demo').json()['release'] == second
    api.post('/apps/demo/cancel')
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('rollback', first)
    clock.advance(3)
    app = api.get('/apps/demo').json()
    assert (app['status'], app['release']) == ('running', first)


def test_delete(api, clock, rack):
    create_running_app(api, clock)
    assert api.delete('/apps/demo').content == b'ok\n'                          # 88
    # The transcript's rack deleted at once (row 89); a real rack's namespace terminates first.
    assert api.get('/apps/demo').json()['status'] == 'deleting'
    assert [(app['name'], app['status']) for app in api.get('/apps').json()] == [('demo', 'deleting')]
    clock.advance(rack.state.deploy_ns / 1e9 / 2)
    assert api.get('/apps/demo').json() == {'error': 'app not found: demo'}     # 89
    assert api.get('/apps').content == b'[]\n'                                  # 91
    assert api.get('/apps/demo/releases').status_code == 404
    # The name is free again.
    assert api.post('/apps', data={'name': 'demo'}).status_code == 200


def test_while_deleting(api, clock, text_api):
    create_running_app(api, clock)
    release = api.post('/apps/demo/releases', data={'env': 'A=1'}).json()
    assert api.delete('/apps/demo').content == b'ok\n'
    # The namespace still exists: the name is taken.
    response = api.post('/apps', data={'name': 'demo'})
    assert (response.status_code, response.json()) == (409, {'error': 'app already exists: demo'})
    response = text_api.delete('/apps/demo')
    message = ('Operation cannot be fulfilled on namespaces "dev-demo": The system is ensuring all content is removed from this '
               'namespace.  Upon completion, this namespace will automatically be purged by the system.\n')
    assert (response.status_code, response.text) == (500, message)
    response = api.post('/apps/demo/releases', data={'env': 'A=2'})
    assert response.status_code == 500
    assert response.json()['error'].endswith('is forbidden: unable to create new content in namespace dev-demo because it is being terminated')
    assert api.post('/apps/demo/releases/%s/promote' % release['id']).json() == {'error': 'app is currently updating'}
    response = api.put('/apps/demo', data={'lock': 'true'})
    message = 'atoms.atom.convox.com "app" is forbidden: unable to create new content in namespace dev-demo because it is being terminated'
    assert (response.status_code, response.json()) == (500, {'error': message})
    assert api.get('/apps/demo/releases').json()[0]['id'] == release['id']
    assert api.get('/apps/demo').json()['status'] == 'deleting'
    clock.advance(1)
    assert api.get('/apps/demo').status_code == 404


def test_invalid_names_are_kubernetes_errors(api):
    response = api.post('/apps', data={'name': 'Bad_Name'})                     # 92
    assert response.status_code == 500
    assert response.content == ('{"error":"%s"}\n' % (NAMESPACE_ERROR % ('Bad_Name', 'Bad_Name'))).encode()
    response = api.post('/apps')                                                # 93
    assert response.status_code == 500
    assert response.content == ('{"error":"%s"}\n' % (NAMESPACE_ERROR % ('', ''))).encode()
    response = api.post('/apps', data={'name': 'a' * 60})
    assert response.status_code == 500
    assert 'must be no more than 63 characters' in response.json()['error']
    assert api.get('/apps').json() == []


def test_list_is_sorted(api, clock):
    for name in ('zeta', 'alpha', 'mid'):
        api.post('/apps', data={'name': name})
    clock.advance(3)
    assert [app['name'] for app in api.get('/apps').json()] == ['alpha', 'mid', 'zeta']


def test_bad_timeout_is_500_before_create(api):
    response = api.post('/apps', data={'name': 'demo', 'timeout': 'soon'})
    assert response.json() == {'error': 'strconv.Atoi: parsing "soon": invalid syntax'}
    assert api.get('/apps/demo').status_code == 404


def test_status_settles_in_real_time(api):
    api.post('/apps', data={'name': 'demo'})
    wait_for(lambda: api.get('/apps/demo').json()['status'] == 'running', timeout=5)
    assert [app['name'] for app in api.get('/apps').json()] == ['demo']
