# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_release and convox_release_info in-process against the emulator: promote, rollback, previous, budgets."""

from __future__ import annotations

import json

import pytest

from ansible_collections.convox.convox.plugins.modules import convox_app, convox_build, convox_release, convox_release_info

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, wait_interval=0.1)
    args.update(extra)
    return args


def calls(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


def writes(rack):
    return [(method, path) for method, path in calls(rack) if method != 'GET']


@pytest.fixture
def deployed(rack, run_module, tmp_path):
    """An app with env SECRET and two deploys: R1 (build 1), then R2 (build 2, active). Returns [R1, R2]."""
    run_module(convox_app.main, connection(rack, name='demo'))
    # The env is set before the first build, as convox env set would (the builds' releases copy it).
    rack.state.release_create('demo', env='SECRET=hunter2\nVERSION=1')
    source = tmp_path / 'src'
    source.mkdir()
    (source / 'convox.yml').write_text(MANIFEST)
    releases = []
    for version in (1, 2):
        (source / 'Dockerfile').write_text('FROM scratch\n# %d\n' % version)
        result, failed = run_module(convox_build.main, connection(rack, app='demo', source=str(source), promote=True))
        assert not failed, result
        releases.append(result['release'])
    rack.clear_requests()
    return releases


def release(run_module, rack, **args):
    args.setdefault('app', 'demo')
    return run_module(convox_release.main, connection(rack, **args))


def test_the_active_release_by_id_is_one_read(rack, run_module, deployed):
    result, failed = release(run_module, rack, release=deployed[1])
    assert not failed and result['changed'] is False
    assert result['release'] == {'id': deployed[1], 'app': 'demo'} and result['target'] == deployed[1]
    assert calls(rack) == [('GET', '/apps/demo')]


def test_latest_already_active_is_two_reads(rack, run_module, deployed):
    result, failed = release(run_module, rack, release='latest')
    assert not failed and result['changed'] is False and result['release']['id'] == deployed[1]
    assert calls(rack) == [('GET', '/apps/demo'), ('GET', '/apps/demo/releases')]
    assert rack.requests()[1]['query'] == {'limit': '1'}


def test_a_newer_release_is_promoted_and_waited_for(rack, run_module, deployed):
    newer = rack.state.release_create('demo', env='SECRET=hunter2\nVERSION=3').id
    checked, failed = release(run_module, rack, release='latest', _ansible_check_mode=True, _ansible_diff=True)
    assert not failed and checked['changed'] is True and writes(rack) == []
    assert checked['diff'] == {'before': {'release': deployed[1]}, 'after': {'release': newer}}
    result, failed = release(run_module, rack, release='latest')
    assert not failed and result['changed'] is True
    assert result['release']['id'] == newer and result['previous_release'] == deployed[1]
    assert result['app']['status'] == 'running' and result['app']['release'] == newer and result['rolled_back'] is False
    assert writes(rack) == [('POST', '/apps/demo/releases/%s/promote' % newer)]


def test_rolling_back_by_id_makes_a_copy_and_a_rerun_changes_nothing(rack, run_module, deployed):
    first, active = deployed
    result, failed = release(run_module, rack, release=first, _ansible_diff=True)
    assert not failed, result
    copy = result['created_release']
    assert result['changed'] is True and result['release']['id'] == copy and copy not in deployed
    assert result['diff'] == {'before': {'release': active}, 'after': {'release': first}}
    assert writes(rack) == [('POST', '/apps/demo/releases'), ('POST', '/apps/demo/releases/%s/promote' % copy)]
    created = [entry for entry in rack.requests() if entry['method'] == 'POST' and entry['path'] == '/apps/demo/releases']
    assert sorted(created[0]['form']) == ['build', 'env']
    old = rack.state.release_get('demo', first)
    assert (result['release']['build'], rack.state.release_get('demo', copy).env) == (old.build, old.env)
    assert result['release']['env_keys'] == ['SECRET', 'VERSION']
    assert 'hunter2' not in json.dumps(result)

    rack.clear_requests()
    again, failed = release(run_module, rack, release=first)
    assert not failed and again['changed'] is False and again['release']['id'] == copy
    assert writes(rack) == [] and len(rack.requests()) == 2


def test_previous_undoes_the_latest_deploy_once(rack, run_module, deployed):
    first, active = deployed
    result, failed = release(run_module, rack, release='previous')
    assert not failed and result['changed'] is True and result['target'] == first
    copy = result['release']['id']
    assert rack.state.apps['demo'].release == copy
    rack.clear_requests()
    again, failed = release(run_module, rack, release='previous')
    assert not failed and again['changed'] is False and again['target'] == copy
    assert writes(rack) == []
    # Deploying the newer release again, then previous, rolls back again.
    forward, failed = release(run_module, rack, release=active)
    assert not failed and forward['changed'] is True and forward['created_release'] != copy


def test_a_missing_release_is_not_found_without_any_write(rack, run_module, deployed):
    result, failed = release(run_module, rack, release='RNOSUCHRELEASE')
    assert failed and result['changed'] is False
    assert result['msg'] == 'release RNOSUCHRELEASE of app demo not found'
    assert calls(rack) == [('GET', '/apps/demo'), ('GET', '/apps/demo/releases')]


def test_bad_names_and_apps(rack, run_module, deployed):
    bad, failed = release(run_module, rack, release='R1/../x')
    assert failed and 'invalid release name' in bad['msg'] and rack.requests() == []
    ghost, failed = release(run_module, rack, app='ghost', release='latest')
    assert failed and ghost['status_code'] == 404


def test_no_release_to_go_back_to(rack, run_module):
    run_module(convox_app.main, connection(rack, name='empty'))
    none, failed = release(run_module, rack, app='empty', release='latest')
    assert failed and none['msg'] == 'app empty has no releases'
    previous, failed = release(run_module, rack, app='empty', release='previous')
    assert failed and 'has no active release' in previous['msg']
    env_only = rack.state.release_create('empty', env='A=1').id
    nothing, failed = release(run_module, rack, app='empty', release=env_only)
    assert failed and 'has no build, so there is nothing to deploy' in nothing['msg'] and nothing['changed'] is False


def test_a_rack_rollback_fails_the_task_with_the_statuses_seen(rack, run_module, deployed):
    first, active = deployed
    newer = rack.state.release_create('demo', env='SECRET=hunter2\nVERSION=3').id
    rack.state.deploy_outcome_set('demo', 'rollback')
    result, failed = release(run_module, rack, release=newer)
    assert failed and result['changed'] is True
    assert result['rolled_back'] is True and result['active_release'] == active
    assert result['statuses'][0] == 'updating' and 'rollback' in result['statuses']
    assert result['target'] == newer


def test_promote_waits_for_a_busy_app_unless_forced(emulator, run_module, tmp_path):
    slow = emulator(deploy_seconds=1.5, build_seconds=0.2)
    run_module(convox_app.main, connection(slow, name='demo'))
    source = tmp_path / 'src'
    source.mkdir()
    (source / 'convox.yml').write_text(MANIFEST)
    (source / 'Dockerfile').write_text('FROM scratch\n')
    built = run_module(convox_build.main, connection(slow, app='demo', source=str(source)))[0]
    run_module(convox_app.main, connection(slow, name='demo', locked=True, wait=False))
    assert slow.state.apps['demo'].status == 'updating'
    slow.clear_requests()
    waited, failed = release(run_module, slow, release=built['build']['release'], wait=False)
    assert not failed and waited['changed'] is True
    promote = [entry for entry in slow.requests() if entry['path'].endswith('/promote')]
    assert len(promote) == 1 and promote[0]['status'] == 200 and promote[0]['form'] == []
    run_module(convox_app.main, connection(slow, name='demo', locked=False, wait=False))
    newer = slow.state.release_create('demo', env='A=1').id
    slow.clear_requests()
    forced, failed = release(run_module, slow, release=newer, force=True)
    assert not failed and forced['changed'] is True
    promote = [entry for entry in slow.requests() if entry['path'].endswith('/promote')]
    # No wait for the busy app: the promote follows the two reads.
    assert promote[0]['form'] == ['force'] and calls(slow)[2] == ('POST', '/apps/demo/releases/%s/promote' % newer)


def test_a_v2_rack(emulator, run_module, tmp_path):
    v2 = emulator(rack_version='20240101000000')
    run_module(convox_app.main, connection(v2, name='demo'))
    source = tmp_path / 'src'
    source.mkdir()
    (source / 'convox.yml').write_text(MANIFEST)
    ids = []
    for version in (1, 2):
        (source / 'Dockerfile').write_text('FROM scratch\n# %d\n' % version)
        built, failed = run_module(convox_build.main, connection(v2, app='demo', source=str(source), promote=True))
        assert not failed, built
        ids.append(built['release'])
    back, failed = release(run_module, v2, release='previous')
    assert not failed and back['changed'] is True and back['target'] == ids[0]
    missing, failed = release(run_module, v2, release='RNOSUCHRELEASE')
    assert failed and 'not found' in missing['msg']


# ---------------------------------------------------------------------------------------
# convox_release_info
# ---------------------------------------------------------------------------------------

def info(rack, **extra):
    return dict(host=rack.url, api_key=rack.password, app='demo', **extra)


def test_info_lists_reads_one_or_the_active_one_without_env_values(rack, run_module, deployed):
    first, active = deployed
    listed, failed = run_module(convox_release_info.main, info(rack, limit=2))
    assert not failed and [item['id'] for item in listed['releases']] == [active, first]
    assert rack.requests()[0]['query'] == {'limit': '2'}
    assert all('env' not in item and item['env_keys'] == ['SECRET', 'VERSION'] for item in listed['releases'])
    one, failed = run_module(convox_release_info.main, info(rack, id=first))
    assert not failed and one['exists'] is True and one['release']['id'] == first
    current, failed = run_module(convox_release_info.main, info(rack, active=True))
    assert not failed and current['exists'] is True and current['release']['id'] == active
    rack.clear_requests()
    missing, failed = run_module(convox_release_info.main, info(rack, id='RNOSUCHRELEASE'))
    assert not failed and missing['exists'] is False and 'release' not in missing
    assert calls(rack) == [('GET', '/apps/demo/releases')]
    for result in (listed, one, current):
        assert 'hunter2' not in json.dumps(result)


def test_info_active_before_any_deploy(rack, run_module):
    run_module(convox_app.main, connection(rack, name='demo'))
    result, failed = run_module(convox_release_info.main, info(rack, active=True))
    assert not failed and result['exists'] is False
    both, failed = run_module(convox_release_info.main, info(rack, active=True, id='RX'))
    assert failed and 'mutually exclusive' in both['msg']
