# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_build and convox_build_info in-process against the emulator: request sequences, budgets, failures."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import tarfile

import pytest

from ansible_collections.convox.convox.plugins.modules import convox_app, convox_build, convox_build_info

MANIFEST = 'services:\n  web:\n    build: .\n    port: 3000\n'


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password, wait_interval=0.1)
    if rack.ca_cert:
        args['ca_path'] = rack.ca_cert
    args.update(extra)
    return args


def info(rack, **extra):
    """The arguments of an info module (which does not wait)."""
    args = connection(rack, **extra)
    del args['wait_interval']
    return args


def calls(rack):
    return [(entry['method'], entry['path']) for entry in rack.requests()]


def writes(rack):
    return [(method, path) for method, path in calls(rack) if method != 'GET']


def make_source(root, manifest=MANIFEST, **files):
    root.mkdir(parents=True, exist_ok=True)
    if manifest is not None:
        (root / 'convox.yml').write_text(manifest)
    (root / 'Dockerfile').write_text('FROM scratch\n')
    for name, text in files.items():
        path = root / name.replace('__', '/')
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


@pytest.fixture
def app(rack, run_module):
    result, failed = run_module(convox_app.main, connection(rack, name='demo'))
    assert not failed, result
    rack.clear_requests()
    return 'demo'


def build(run_module, rack, **args):
    args.setdefault('app', 'demo')
    return run_module(convox_build.main, connection(rack, **args))


def build_ok(run_module, rack, **args):
    result, failed = build(run_module, rack, **args)
    assert not failed, result
    return result


def uploaded_names(rack, url):
    """The member names of the tarball stored at an object URL, read back through the API."""
    from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
    from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
    from ansible_collections.convox.convox.plugins.module_utils._wire import parse_object_url
    with ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password)) as client:
        data = client.object_read(*parse_object_url(url))
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:gz') as archive:
        return sorted(member.name for member in archive.getmembers())


# ---------------------------------------------------------------------------------------
# Building from a directory, idempotently
# ---------------------------------------------------------------------------------------

def test_a_directory_is_uploaded_built_and_a_rerun_is_one_read(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    result, failed = build(run_module, rack, source=source)
    assert not failed, result
    assert result['changed'] is True
    assert result['build']['status'] == 'complete' and result['build']['release'].startswith('R')
    assert result['build']['description'] == '[convox.convox sha256:%s]' % result['digest']
    assert any(line.startswith('Building: .') for line in result['log_tail'])
    assert result['upload']['object'].startswith('object://demo/tmp/') and result['upload']['entries'] == 2
    sent = writes(rack)
    assert [method for method, _path in sent] == ['POST', 'POST']
    assert sent[0][1].startswith('/apps/demo/objects/tmp/') and sent[0][1].endswith('.tgz')
    assert sent[1] == ('POST', '/apps/demo/builds')
    (create,) = [entry for entry in rack.requests() if entry['path'] == '/apps/demo/builds' and entry['method'] == 'POST']
    assert sorted(create['form']) == ['description', 'url']

    rack.clear_requests()
    again, failed = build(run_module, rack, source=source)
    assert not failed and again['changed'] is False
    assert again['build']['id'] == result['build']['id'] and again['digest'] == result['digest']
    assert calls(rack) == [('GET', '/apps/demo/builds')]
    assert 'log_tail' not in again


def test_check_mode_digests_locally_and_uploads_nothing(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    checked, failed = build(run_module, rack, source=source, _ansible_check_mode=True, _ansible_diff=True)
    assert not failed and checked['changed'] is True
    assert 'build' not in checked
    assert checked['diff'] == {'before': {'digest': None}, 'after': {'digest': checked['digest']}}
    assert writes(rack) == []

    made, failed = build(run_module, rack, source=source)
    assert made['digest'] == checked['digest']
    rack.clear_requests()
    unchanged, failed = build(run_module, rack, source=source, _ansible_check_mode=True)
    assert not failed and unchanged['changed'] is False and unchanged['build']['id'] == made['build']['id']
    assert writes(rack) == []


def test_a_changed_file_or_option_makes_a_new_build(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    first = build_ok(run_module, rack, source=source)
    (tmp_path / 'src' / 'Dockerfile').write_text('FROM busybox\n')
    second = build_ok(run_module, rack, source=source)
    assert second['changed'] and second['build']['id'] != first['build']['id']
    third = build_ok(run_module, rack, source=source, build_args={'VERSION': 2})
    assert third['changed'] and third['digest'] != second['digest']
    (create,) = [entry for entry in rack.requests() if entry['method'] == 'POST' and entry['path'] == '/apps/demo/builds'][-1:]
    assert 'build-args' in create['form']
    # A description alone is not part of the digest.
    fourth = build_ok(run_module, rack, source=source, build_args={'VERSION': '2'}, description='v2')
    assert fourth['changed'] is False and fourth['build']['id'] == third['build']['id']


def test_force_builds_again(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    first = build_ok(run_module, rack, source=source)
    forced, failed = build(run_module, rack, source=source, force=True)
    assert not failed and forced['changed'] is True and forced['build']['id'] != first['build']['id']
    assert forced['digest'] == first['digest']


def test_dockerignore_is_honoured_in_the_upload_and_the_digest(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src', **{
        '.dockerignore': '# local only\nnode_modules\n**/*.log\nsecrets\n!secrets/public.pem\n',
        'node_modules__x__index.js': 'x', 'logs__debug.log': 'noise', 'app.log': 'noise',
        'secrets__private.pem': 'KEY', 'secrets__public.pem': 'PUB', 'src__main.go': 'package main',
    })
    made, failed = build(run_module, rack, source=source)
    assert not failed, made
    assert uploaded_names(rack, made['upload']['object']) == [
        '.dockerignore', 'Dockerfile', 'convox.yml', 'logs', 'secrets/public.pem', 'src', 'src/main.go']
    # What is ignored does not count: changing it is not a new source.
    (tmp_path / 'src' / 'app.log').write_text('more noise')
    (tmp_path / 'src' / 'secrets' / 'private.pem').write_text('OTHER KEY')
    again = build_ok(run_module, rack, source=source)
    assert again['changed'] is False


def test_a_tarball_of_the_same_files_is_the_same_source(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    made = build_ok(run_module, rack, source=source)
    tarball = tmp_path / 'src.tar.gz'
    with tarfile.open(str(tarball), 'w:gz') as archive:
        archive.add(source, arcname='.')
    rack.clear_requests()
    same, failed = build(run_module, rack, source=str(tarball))
    assert not failed and same['changed'] is False and same['build']['id'] == made['build']['id']
    assert writes(rack) == []
    plain = tmp_path / 'other.tar'
    with tarfile.open(str(plain), 'w') as archive:
        archive.add(source, arcname='.')
        extra = tarfile.TarInfo('VERSION')
        extra.size = 2
        archive.addfile(extra, io.BytesIO(b'2\n'))
    other, failed = build(run_module, rack, source=str(plain))
    assert not failed and other['changed'] is True and other['build']['status'] == 'complete'


def test_wait_false_returns_a_running_build_and_a_rerun_waits_for_it(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    started, failed = build(run_module, rack, source=source, wait=False)
    assert not failed and started['changed'] and started['build']['status'] == 'running'
    rack.clear_requests()
    waited, failed = build(run_module, rack, source=source)
    assert not failed and waited['changed'] is False
    assert waited['build']['id'] == started['build']['id'] and waited['build']['status'] == 'complete'
    assert writes(rack) == []


# ---------------------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------------------

def test_a_failed_build_fails_the_task_with_the_end_of_its_log(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src', manifest=None)
    failed_build, failed = build(run_module, rack, source=source)
    assert failed and failed_build['changed'] is True
    assert failed_build['build']['status'] == 'failed'
    assert 'build %s of app demo failed: open ' % failed_build['build']['id'] in failed_build['msg']
    assert 'convox.yml: no such file or directory' in failed_build['msg']
    assert failed_build['log_tail'][-1].startswith('ERROR: open ')
    assert failed_build['last_status'] == 'failed'
    # A failed build is not reused: the next run builds again.
    again, failed = build(run_module, rack, source=source)
    assert failed and again['build']['id'] != failed_build['build']['id']


def test_a_failed_build_without_its_stored_log_shows_what_the_builder_streamed(rack, run_module, app, tmp_path):
    # The rack has not stored the log object (yet): reading it fails, the streamed tail stands in.
    rack.add_faults([{'method': 'GET', 'path': '^/apps/demo/objects/.*', 'status': 404, 'times': None,
                      'body': '{"error":"object not found"}', 'content_type': 'application/json'}])
    source = make_source(tmp_path / 'src', manifest=None)
    failed_build, failed = build(run_module, rack, source=source, log_lines=2)
    assert failed and failed_build['build']['status'] == 'failed'
    assert 1 <= len(failed_build['log_tail']) <= 2
    assert failed_build['log_tail'][-1].startswith('ERROR: open ')
    assert 'convox.yml: no such file or directory' in failed_build['msg']
    paths = [entry['path'] for entry in rack.requests()]
    assert '/apps/demo/builds/%s/logs' % failed_build['build']['id'] in paths


def test_an_invalid_manifest_fails_the_build(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src', manifest='services: [not, a, map]\n')
    result, failed = build(run_module, rack, source=source, log_lines=1)
    assert failed and result['build']['status'] == 'failed'
    assert len(result['log_tail']) == 1 and result['log_tail'][0].startswith('ERROR: ')


@pytest.mark.parametrize('kind', ['missing', 'text', 'bzip2', 'bad_pattern', 'broken_gzip', 'escaping_member'])
def test_bad_sources_fail_before_any_request(rack, run_module, app, tmp_path, kind):
    if kind == 'missing':
        source, message = str(tmp_path / 'nope'), 'does not exist'
    elif kind == 'text':
        source, message = str(tmp_path / 'notes.txt'), 'is not a tarball'
        (tmp_path / 'notes.txt').write_text('hello')
    elif kind == 'bzip2':
        source, message = str(tmp_path / 'src.tar.bz2'), 'bzip2-compressed'
        (tmp_path / 'src.tar.bz2').write_bytes(bz2.compress(b'\0' * 1024))
    elif kind == 'bad_pattern':
        source, message = make_source(tmp_path / 'src', **{'.dockerignore': 'src/[\n'}), 'syntax error in pattern'
    elif kind == 'escaping_member':
        # It used to be uploaded: the rack then refuses it (or, older, writes it outside its build directory).
        source, message = str(tmp_path / 'src.tgz'), "holds '../../etc/evil', which lies outside the top of the tarball"
        with tarfile.open(source, 'w:gz') as archive:
            for name, data in (('convox.yml', MANIFEST.encode()), ('../../etc/evil', b'x')):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    else:
        source, message = str(tmp_path / 'src.tgz'), 'is not a readable gzipped tar'
        (tmp_path / 'src.tgz').write_bytes(gzip.compress(b'no tar here' * 50))
    result, failed = build(run_module, rack, source=source)
    assert failed and result['changed'] is False
    assert message in result['msg']
    assert rack.requests() == []


def test_option_errors(rack, run_module, app, tmp_path):
    both, failed = build(run_module, rack, source=str(tmp_path), url='object://demo/x.tgz')
    assert failed and 'mutually exclusive' in both['msg']
    none, failed = run_module(convox_build.main, connection(rack, app='demo'))
    assert failed and 'one of the following is required' in none['msg']
    comma, failed = build(run_module, rack, source=make_source(tmp_path / 'src'), build_args={'LIST': 'a,b'})
    assert failed and 'comma' in comma['msg']
    listed, failed = build(run_module, rack, source=str(tmp_path / 'src'), build_args={'LIST': ['a', 'b']})
    assert failed and listed['msg'] == 'build_args.LIST[0] must be a string, number or boolean, not list'
    # The rack joins the manifest path onto its build directory and reads whatever file that names.
    for outside in ('../../etc/passwd', '/etc/passwd', 'deploy/../../convox.yml'):
        escaped, failed = build(run_module, rack, source=str(tmp_path / 'src'), manifest=outside)
        assert failed and escaped['msg'] == 'manifest %r is not inside the source: give its path relative to the top of the source, ' \
            'for example convox.production.yml' % outside
    export = tmp_path / 'b.tgz'
    export.write_bytes(gzip.compress(b'x'))
    mixed, failed = build(run_module, rack, import_path=str(export), description='x', no_cache=True)
    assert failed and 'description, no_cache cannot be used with import_path' in mixed['msg']
    not_gzip = tmp_path / 'b.tar'
    not_gzip.write_bytes(b'plain')
    refused, failed = build(run_module, rack, import_path=str(not_gzip))
    assert failed and 'is not an exported build' in refused['msg']
    assert rack.requests() == []


def test_a_missing_app_is_the_racks_404(rack, run_module, tmp_path):
    result, failed = build(run_module, rack, app='ghost', source=make_source(tmp_path / 'src'))
    assert failed and result['status_code'] == 404 and 'app not found: ghost' in result['msg']
    assert writes(rack) == []


# ---------------------------------------------------------------------------------------
# URL sources
# ---------------------------------------------------------------------------------------

def test_an_object_url_is_built_and_recognised_by_the_url(rack, run_module, app, tmp_path):
    made = build_ok(run_module, rack, source=make_source(tmp_path / 'src'))
    url = made['upload']['object']
    rack.clear_requests()
    from_url, failed = build(run_module, rack, url=url)
    assert not failed and from_url['changed'] is True and from_url['build']['status'] == 'complete'
    assert writes(rack) == [('POST', '/apps/demo/builds')]
    rack.clear_requests()
    again, failed = build(run_module, rack, url=url)
    assert not failed and again['changed'] is False and calls(rack) == [('GET', '/apps/demo/builds')]


def test_a_v3_rack_fetches_object_urls_only(rack, run_module, app):
    result, failed = build(run_module, rack, url='https://example.com/src.tgz')
    assert failed and 'v3 racks fetch object://<app>/<key> URLs only' in result['msg']
    assert writes(rack) == []


def test_a_v2_rack_also_fetches_http_urls(emulator, run_module):
    v2 = emulator(rack_version='20240101000000')
    run_module(convox_app.main, connection(v2, name='demo'))
    result, failed = build(run_module, v2, url='ftp://example.com/src.tgz')
    assert failed and 'v2 racks fetch object://, http:// and https:// URLs' in result['msg']
    # An http URL is accepted by the module and fetched by the rack (the emulator fetches loopback hosts only).
    refused, failed = build(run_module, v2, url='http://192.0.2.1/src.tgz', log_lines=5)
    assert failed and refused['build']['status'] == 'failed' and 'only loopback hosts are allowed' in refused['msg']


# ---------------------------------------------------------------------------------------
# Deploying (promote)
# ---------------------------------------------------------------------------------------

def test_promote_deploys_and_a_rerun_is_two_reads(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    deployed, failed = build(run_module, rack, source=source, promote=True, _ansible_diff=True)
    assert not failed, deployed
    assert deployed['changed'] is True and deployed['rolled_back'] is False
    assert deployed['release'] == deployed['build']['release']
    assert deployed['diff'] == {'before': {'digest': None, 'deployed': False}, 'after': {'digest': deployed['digest'], 'deployed': True}}
    assert ('POST', '/apps/demo/releases/%s/promote' % deployed['release']) in writes(rack)
    assert rack.state.apps['demo'].release == deployed['release']

    rack.clear_requests()
    again, failed = build(run_module, rack, source=source, promote=True)
    assert not failed and again['changed'] is False and again['release'] == deployed['release']
    assert calls(rack) == [('GET', '/apps/demo/builds'), ('GET', '/apps/demo')]


def test_promote_of_an_existing_build_that_is_not_running(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    built = build_ok(run_module, rack, source=source)
    checked, failed = build(run_module, rack, source=source, promote=True, _ansible_check_mode=True)
    assert not failed and checked['changed'] is True and checked['release'] == built['build']['release']
    assert writes(rack)[-1] == ('POST', '/apps/demo/builds')
    rack.clear_requests()
    deployed, failed = build(run_module, rack, source=source, promote=True)
    assert not failed and deployed['changed'] is True
    assert writes(rack) == [('POST', '/apps/demo/releases/%s/promote' % built['build']['release'])]


def test_deploying_an_older_build_again_makes_a_release_with_the_current_env(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    first = build_ok(run_module, rack, source=source, promote=True)
    (tmp_path / 'src' / 'Dockerfile').write_text('FROM busybox\n')
    second = build_ok(run_module, rack, source=source, promote=True)
    assert second['build']['id'] != first['build']['id']
    (tmp_path / 'src' / 'Dockerfile').write_text('FROM scratch\n')
    rack.clear_requests()
    back, failed = build(run_module, rack, source=source, promote=True)
    assert not failed, back
    assert back['build']['id'] == first['build']['id'] and back['changed'] is True
    created = back['created_release']
    assert back['release'] == created and created not in (first['release'], second['release'])
    assert writes(rack) == [('POST', '/apps/demo/releases'), ('POST', '/apps/demo/releases/%s/promote' % created)]
    rack.clear_requests()
    again, failed = build(run_module, rack, source=source, promote=True)
    assert not failed and again['changed'] is False
    assert calls(rack) == [('GET', '/apps/demo/builds'), ('GET', '/apps/demo'), ('GET', '/apps/demo/releases')]


def test_a_rack_rollback_fails_the_deploy(rack, run_module, app, tmp_path):
    source = make_source(tmp_path / 'src')
    first = build_ok(run_module, rack, source=source, promote=True)
    rack.state.deploy_outcome_set('demo', 'rollback')
    (tmp_path / 'src' / 'Dockerfile').write_text('FROM busybox\n')
    result, failed = build(run_module, rack, source=source, promote=True)
    assert failed and result['changed'] is True
    assert result['rolled_back'] is True and result['active_release'] == first['release']
    assert 'rollback' in result['statuses'] and result['statuses'][0] == 'updating'
    assert 'the rack is rolling the deploy of' in result['msg'] and result['build']['status'] == 'complete'


# ---------------------------------------------------------------------------------------
# Export and import between racks
# ---------------------------------------------------------------------------------------

def test_export_then_import_on_a_tls_rack_and_a_rerun_uploads_nothing(rack, emulator, run_module, app, tmp_path):
    made = build_ok(run_module, rack, source=make_source(tmp_path / 'src'), description='v1')
    dest = tmp_path / 'export.tgz'
    exported, failed = run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest)))
    assert not failed and exported['changed'] is True and exported['export']['size'] == dest.stat().st_size
    kept, failed = run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest)))
    assert not failed and kept['changed'] is False and kept['export']['downloaded'] is False
    assert kept['export']['sha256'] == exported['export']['sha256']
    forced, failed = run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest), force=True))
    assert not failed and forced['export']['downloaded'] is True

    tls = emulator(tls=True)
    tls.reset()
    run_module(convox_app.main, connection(tls, name='copy'))
    tls.clear_requests()
    imported, failed = build(run_module, tls, app='copy', import_path=str(dest), promote=True)
    assert not failed, imported
    assert imported['changed'] is True and imported['build']['status'] == 'complete'
    assert imported['build']['description'] == made['build']['description']
    assert imported['release'] == imported['build']['release']
    assert [path for method, path in writes(tls)][:2] == ['/apps/copy/builds/import', '/apps/copy/objects/convox.convox/imports/%s'
                                                          % imported['digest']]
    tls.clear_requests()
    again, failed = build(run_module, tls, app='copy', import_path=str(dest), promote=True)
    assert not failed and again['changed'] is False and again['build']['id'] == imported['build']['id']
    assert writes(tls) == []
    assert calls(tls) == [('GET', '/apps/copy/objects/convox.convox/imports/%s' % imported['digest']),
                          ('GET', '/apps/copy/builds'), ('GET', '/apps/copy')]


def test_import_check_mode_and_a_marker_whose_build_is_gone(rack, run_module, app, tmp_path):
    made = build_ok(run_module, rack, source=make_source(tmp_path / 'src'))
    dest = tmp_path / 'export.tgz'
    run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest)))
    rack.clear_requests()
    checked, failed = build(run_module, rack, import_path=str(dest), _ansible_check_mode=True)
    assert not failed and checked['changed'] is True and writes(rack) == []
    # A marker that names no build of the app (the app was recreated) does not stop the import.
    from ansible_collections.convox.convox.plugins.module_utils._builds import import_marker_key
    from convox_emulator.blobs import Blob
    rack.state.object_put('demo', import_marker_key(checked['digest']), Blob(json.dumps({'build': 'BNOSUCHBUILD'}).encode()))
    imported, failed = build(run_module, rack, import_path=str(dest))
    assert not failed and imported['changed'] is True


# ---------------------------------------------------------------------------------------
# convox_build_info
# ---------------------------------------------------------------------------------------

def test_info_lists_reads_one_with_logs_and_missing_ids(rack, run_module, app, tmp_path):
    first = build_ok(run_module, rack, source=make_source(tmp_path / 'src'))
    (tmp_path / 'src' / 'Dockerfile').write_text('FROM busybox\n')
    second = build_ok(run_module, rack, source=str(tmp_path / 'src'))
    listed, failed = run_module(convox_build_info.main, info(rack, app='demo', limit=1))
    assert not failed and [item['id'] for item in listed['builds']] == [second['build']['id']]
    assert 'log' not in listed['builds'][0]
    rack.clear_requests()
    one, failed = run_module(convox_build_info.main, info(rack, app='demo', id=first['build']['id'], logs=True, log_lines=2))
    assert not failed and one['exists'] is True and one['build']['id'] == first['build']['id']
    assert len(one['build']['log']) == 2
    assert [method for method, _path in calls(rack)] == ['GET', 'GET']
    rack.clear_requests()
    missing, failed = run_module(convox_build_info.main, info(rack, app='demo', id='BNOSUCHBUILD'))
    assert not failed and missing['exists'] is False and 'build' not in missing
    # The list was short, so the rack was not asked for the id (a v3 rack would answer 500).
    assert calls(rack) == [('GET', '/apps/demo/builds')]
    no_export, failed = run_module(convox_build_info.main, info(rack, app='demo', id='BNOSUCHBUILD', export_dest=str(tmp_path / 'x')))
    assert failed and 'not found: there is nothing to export' in no_export['msg']


def test_info_export_is_not_written_in_check_mode(rack, run_module, app, tmp_path):
    made = build_ok(run_module, rack, source=make_source(tmp_path / 'src'))
    dest = tmp_path / 'export.tgz'
    checked, failed = run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest),
                                                              _ansible_check_mode=True))
    assert not failed and not dest.exists() and 'export' not in checked
    # Check mode predicts what a real run does: a missing file is downloaded (a change), an existing one kept.
    assert checked['changed'] is True
    run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest)))
    kept, failed = run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest),
                                                           _ansible_check_mode=True))
    assert not failed and kept['changed'] is False
    forced, failed = run_module(convox_build_info.main, info(rack, app='demo', id=made['build']['id'], export_dest=str(dest), force=True,
                                                             _ansible_check_mode=True))
    assert not failed and forced['changed'] is True


def test_secrets_never_show(rack, run_module, app, tmp_path):
    made = build_ok(run_module, rack, source=make_source(tmp_path / 'src'), promote=True)
    assert rack.password not in json.dumps(made)
    assert os.path.basename(rack.password) not in json.dumps(made)
