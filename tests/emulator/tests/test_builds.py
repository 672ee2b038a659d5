# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds: transcript rows 35-40, the builder over time, failures, update, external builds, image import (convox-api.md 2.2, 6.6)."""

import gzip
import io
import json
import os
import re
import tarfile
import tracemalloc

import pytest
import requests

from build_helpers import (BUILD_FIELDS, MANIFEST, RFC3339_NANO, ZERO_TIME, create_build, finished_build, members_of, source_tarball,
                           tar_archive, upload_source)
from convox_emulator import blobs, golang
from emulator_helpers import create_running_app

pytestmark = pytest.mark.usefixtures('clock')


@pytest.fixture(autouse=True)
def demo(api, clock):
    create_running_app(api, clock)


def test_transcript_create_get_list_and_missing(api, text_api):
    response = create_build(api)                                                # 35
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'application/json'
    build = response.json()
    assert list(build) == BUILD_FIELDS
    assert re.fullmatch(r'B[A-Z]{10}', build['id'])
    assert re.fullmatch(r'build-[bcdfghjklmnpqrstvwxz2456789]{5}', build['process'])
    assert re.fullmatch(RFC3339_NANO, build['started'])
    expected = {'id': build['id'], 'app': 'demo', 'description': '', 'entrypoint': '', 'git-sha': '', 'logs': '', 'manifest': '',
                'process': build['process'], 'release': '', 'reason': '', 'repository': '', 'status': 'running',
                'started': build['started'], 'ended': ZERO_TIME}
    assert build == expected
    assert api.get('/apps/demo/builds/%s' % build['id']).json() == expected      # 36
    assert api.get('/apps/demo/builds').json() == [expected]                     # 37
    response = api.get('/apps/demo/builds/BMISSING')                             # 38
    assert (response.status_code, response.content) == (500, b'{"error":"builds.convox.com \\"bmissing\\" not found"}\n')
    response = text_api.get('/apps/demo/builds/BMISSING')
    assert (response.status_code, response.content) == (500, b'builds.convox.com "bmissing" not found\n')


def test_ids_are_case_insensitive(api):
    build = create_build(api).json()
    assert api.get('/apps/demo/builds/%s' % build['id'].lower()).json()['id'] == build['id']


def test_missing_app(api):
    url = upload_source(api, 'demo', source_tarball())
    for response in (api.post('/apps/nope/builds', data={'url': url}), api.get('/apps/nope/builds')):
        assert (response.status_code, response.json()) == (404, {'error': 'app not found: nope'})


def test_build_completes_with_an_unpromoted_release_and_logs(api, clock, rack):
    running = create_build(api, description='build 1a2b3c4 fix things', **{'git-sha': '1a2b3c4'}).json()
    assert (running['description'], running['git-sha']) == ('build 1a2b3c4 fix things', '1a2b3c4')
    clock.advance(0.1)
    assert api.get('/apps/demo/builds/%s' % running['id']).json() == running
    clock.advance(0.1)
    build = api.get('/apps/demo/builds/%s' % running['id']).json()
    assert list(build) == BUILD_FIELDS
    assert build['status'] == 'complete'
    assert (build['manifest'], build['process'], build['reason'], build['started']) == (MANIFEST, running['process'], '', running['started'])
    started = _nanos(build['started'])
    assert _nanos(build['ended']) == started + rack.state.build_ns
    assert build['logs'] == 'object://demo/build/%s/logs' % build['id']
    log = api.get('/apps/demo/objects/build/%s/logs' % build['id'])
    assert log.status_code == 200
    assert log.text.startswith('Building: .\n')
    assert 'Running: docker push registry.dev.localdev/demo:web.%s\n' % build['id'] in log.text
    assert 'ERROR' not in log.text
    release = api.get('/apps/demo/releases/%s' % build['release']).json()
    assert (release['build'], release['manifest'], release['description'], release['env']) == (build['id'], MANIFEST, 'build 1a2b3c4 fix things', '')
    assert [item['id'] for item in api.get('/apps/demo/releases').json()] == [build['release']]
    # Not promoted: the app keeps its (empty) active release.
    assert api.get('/apps/demo').json()['release'] == ''


def test_builder_pod_is_a_process_while_running(api, clock, rack):
    build = create_build(api, **{'no-cache': 'true', 'build-args': 'A=1,B=2'}).json()
    process = rack.state.processes['demo'][build['process']]
    assert (process.name, process.service, process.status, process.release) == ('build', 'build', 'running', '')
    assert process.command == 'build -method tgz -cache true -build-args A=1 -build-args B=2'
    assert process.image == 'convox/convox:%s-build-privileged' % rack.state.semantics.version
    assert _nanos(process.to_json(rack.state.semantics)['started']) == _nanos(build['started'])
    clock.advance(1)
    api.get('/apps/demo/builds/%s' % build['id'])
    # The builder's container has exited; the pod controller deletes the pod 5 s later.
    assert rack.state.processes['demo'][build['process']].status == 'complete'
    clock.advance(5)
    api.get('/apps/demo/builds/%s' % build['id'])
    assert build['process'] not in rack.state.processes.get('demo', {})


def test_cache_flag_follows_the_rack_not_the_name(api, rack):
    # provider/k8s: -cache DefaultBool(NoCache, true), so no-cache=false shows -cache false.
    build = create_build(api, **{'no-cache': 'false'}).json()
    assert rack.state.processes['demo'][build['process']].command == 'build -method tgz -cache false'


def test_release_forks_the_newest_release_when_the_build_finishes(api, clock):
    api.post('/apps/demo/releases', data={'env': 'A=1'})
    build = create_build(api).json()
    # convox env set while the build runs: the builder's release forks this one.
    api.post('/apps/demo/releases', data={'env': 'A=1\nB=2'})
    clock.advance(1)
    finished = api.get('/apps/demo/builds/%s' % build['id']).json()
    release = api.get('/apps/demo/releases/%s' % finished['release']).json()
    assert (release['env'], release['build']) == ('A=1\nB=2', build['id'])
    assert api.get('/apps/demo/releases?limit=1').json()[0]['id'] == finished['release']


def test_any_read_finishes_due_builds(api, clock):
    build = create_build(api).json()
    clock.advance(1)
    releases = api.get('/apps/demo/releases').json()
    assert [release['build'] for release in releases] == [build['id']]


def test_manifest_param_and_member_paths(api, clock):
    tarball = source_tarball({'./deploy/convox.staging.yml': 'services:\n  api:\n    image: nginx\n', 'src/app.py': 'print(1)\n'}, manifest=None)
    build = finished_build(api, clock, tarball=tarball, manifest='deploy/convox.staging.yml')
    assert (build['status'], build['manifest']) == ('complete', 'services:\n  api:\n    image: nginx\n')
    log = api.get('/apps/demo/objects/build/%s/logs' % build['id']).text
    assert 'Running: docker pull nginx\n' in log and 'Building:' not in log


def test_later_copies_of_the_manifest_win(api, clock):
    first = gzip.decompress(source_tarball(manifest='services:\n  one:\n    image: a\n'))
    second = gzip.decompress(source_tarball(manifest='services:\n  two:\n    image: b\n'))
    # Concatenate the member blocks: drop the first archive's end-of-archive padding.
    tarball = gzip.compress(first[:1024] + second)
    assert finished_build(api, clock, tarball=tarball)['manifest'] == 'services:\n  two:\n    image: b\n'


def _truncated():
    return source_tarball({'big.bin': bytes(range(256)) * 400})[:-600]


@pytest.mark.parametrize('tarball, message', [
    (b'', 'EOF'),
    (b'not a tarball at all', 'gzip: invalid header'),
    (_truncated(), 'unexpected EOF'),
    (gzip.compress(b'\x01' * 1024), 'archive/tar: invalid tar header'),
    (source_tarball(manifest=None), None),
    (gzip.compress(tar_archive({'app/convox.yml': MANIFEST.encode()})), None),
], ids=['empty', 'not-gzip', 'truncated', 'not-tar', 'no-manifest', 'manifest-under-a-directory'])
def test_broken_sources_fail_the_build(api, clock, tarball, message):
    build = finished_build(api, clock, tarball=tarball)
    if message is None:
        # The builder reads <tmpdir>/<manifest>: only the archive root counts, as on a real rack.
        message = re.fullmatch(r'open /tmp/\d{9}/convox\.yml: no such file or directory', _error_line(api, build)).group(0)
    _assert_failed(api, build, message)
    assert build['manifest'] == ''


def test_invalid_manifest_fails_after_it_was_read(api, clock):
    text = 'services:\n  web:\n    scale: lots\n'
    build = finished_build(api, clock, tarball=source_tarball(manifest=text))
    _assert_failed(api, build, 'services.web.scale: expected a count or a range like "1-3", got str \'lots\'')
    assert build['manifest'] == text


def test_missing_object_and_unknown_scheme(api, clock):
    build = api.post('/apps/demo/builds', data={'url': 'object://demo/tmp/nope.tgz'}).json()
    clock.advance(1)
    _assert_failed(api, api.get('/apps/demo/builds/%s' % build['id']).json(), 'object not found: tmp/nope.tgz')
    # pkg/build fetches object:// sources only; v3 fails anything else (v2 fetches http, see test_v2_builds).
    for url in ('http://127.0.0.1:1/source.tgz', '', 'dir:///src'):
        build = api.post('/apps/demo/builds', data={'url': url}).json()
        assert build['status'] == 'running'
        clock.advance(1)
        _assert_failed(api, api.get('/apps/demo/builds/%s' % build['id']).json(), 'unknown source type')


def test_sources_from_another_apps_store(api, clock):
    create_running_app(api, clock, 'other')
    url = upload_source(api, 'other', source_tarball())
    build = api.post('/apps/demo/builds', data={'url': url}).json()
    clock.advance(1)
    assert api.get('/apps/demo/builds/%s' % build['id']).json()['status'] == 'complete'


def _error_line(api, build):
    log = api.get(build['logs'].replace('object://demo/', '/apps/demo/objects/')).text
    assert log.endswith('\n') and log.startswith('ERROR: ')
    return log[len('ERROR: '):-1]


def _assert_failed(api, build, message):
    assert build['status'] == 'failed'
    assert build['logs'] == 'object://demo/build/%s/logs' % build['id']
    assert _error_line(api, build) == message
    # The builder writes its error to the log only: reason stays empty and no release is made.
    assert (build['reason'], build['release']) == ('', '')
    assert build['ended'] != ZERO_TIME
    assert not [release for release in api.get('/apps/demo/releases').json() if release['build'] == build['id']]


def test_list_newest_first_with_limit(api, rack):
    ids = [create_build(api).json()['id'] for _build in range(12)]
    listed = api.get('/apps/demo/builds').json()
    assert [build['id'] for build in listed] == ids[::-1][:10]
    assert [build['id'] for build in api.get('/apps/demo/builds?limit=3').json()] == ids[::-1][:3]
    assert api.get('/apps/demo/builds?limit=0').json() == []
    response = api.get('/apps/demo/builds?limit=x')
    assert (response.status_code, response.json()) == (500, {'error': 'strconv.Atoi: parsing "x": invalid syntax'})
    # limit is a query option: a form field is ignored.
    assert len(api.get('/apps/demo/builds', data={'limit': '1'}).json()) == 10
    with pytest.raises(requests.ConnectionError):
        api.get('/apps/demo/builds?limit=-1')
    assert rack.requests()[-1]['status'] is None


def test_transcript_update(api, text_api):
    build = create_build(api).json()
    manifest = 'services:\n  web:\n    build: .\n'
    response = api.put('/apps/demo/builds/%s' % build['id'], data={                   # 39
        'status': 'complete', 'release': 'RPLACEHOLDER', 'manifest': manifest, 'ended': '20260101.000000.000000000',
        'logs': 'object://demo/tmp/log'})
    assert response.status_code == 200
    updated = response.json()
    assert list(updated) == BUILD_FIELDS
    assert (updated['logs'], updated['manifest'], updated['release'], updated['status'], updated['ended']) == \
        ('object://demo/tmp/log', manifest, 'RPLACEHOLDER', 'complete', '2026-01-01T00:00:00Z')
    assert api.get('/apps/demo/builds/%s' % build['id']).json() == updated            # 40
    response = api.put('/apps/demo/builds/%s' % build['id'], data={'ended': '2026-01-01T00:00:00Z'})
    assert (response.status_code, response.json()) == (500, {'error': 'parsing time "2026-01-01T00:00:00Z" as "20060102.150405.000000000": '
                                                                      'cannot parse "-01-01T00:00:00Z" as "01"'})
    response = text_api.put('/apps/demo/builds/%s' % build['id'], data={'started': 'yesterday'})
    assert (response.status_code, response.text) == (500, 'parsing time "yesterday" as "20060102.150405.000000000": cannot parse "yesterday" as "2006"\n')


def test_update_fields_and_times(api):
    build = create_build(api).json()
    response = api.put('/apps/demo/builds/%s' % build['id'], data={'entrypoint': 'bin/web', 'started': '20251231.235959.123456789'})
    updated = response.json()
    assert (updated['entrypoint'], updated['started'], updated['status']) == ('bin/web', '2025-12-31T23:59:59.123456789Z', 'running')
    assert golang.format_sortable_time(_nanos(updated['started'])) == '20251231.235959.123456789'


def test_update_parses_options_before_the_lookup(api):
    response = api.put('/apps/demo/builds/BMISSING', data={'ended': 'bad'})
    assert response.json() == {'error': 'parsing time "bad" as "20060102.150405.000000000": cannot parse "bad" as "2006"'}
    response = api.put('/apps/demo/builds/BMISSING', data={'status': 'complete'})
    assert (response.status_code, response.json()) == (500, {'error': 'builds.convox.com "bmissing" not found'})


def test_a_status_update_takes_the_build_over(api, clock, rack):
    build = create_build(api).json()
    api.put('/apps/demo/builds/%s' % build['id'], data={'status': 'failed'})
    assert build['process'] not in rack.state.processes.get('demo', {})
    clock.advance(1)
    after = api.get('/apps/demo/builds/%s' % build['id']).json()
    assert (after['status'], after['release'], after['logs']) == ('failed', '', '')
    # Other fields leave the builder running.
    other = create_build(api).json()
    api.put('/apps/demo/builds/%s' % other['id'], data={'entrypoint': 'x'})
    clock.advance(1)
    assert api.get('/apps/demo/builds/%s' % other['id']).json()['status'] == 'complete'


def test_external_build(api, clock, rack):
    response = api.post('/apps/demo/builds', data={'external': 'true', 'description': 'pushed', 'git-sha': 'abc'})
    build = response.json()
    assert list(build) == BUILD_FIELDS
    assert (build['status'], build['process'], build['description'], build['git-sha']) == ('created', '', 'pushed', 'abc')
    assert build['repository'] == 'https://convox:%s@api.dev.localdev/demo' % rack.password
    clock.advance(5)
    stored = api.get('/apps/demo/builds/%s' % build['id']).json()
    # The push URL is not stored on the Build resource.
    assert stored == dict(build, repository='')


def test_image_import(api, clock):
    build = api.post('/apps/demo/builds', data={'external': 'true'}).json()
    path = '/apps/demo/builds/%s/image' % build['id']
    response = api.post(path)
    assert (response.status_code, response.json()) == (422, {'error': 'image param required'})
    response = api.post(path, data={'image': 'nginx:1.27'})
    no_manifest = 'build %s has no manifest; populate via BuildUpdate before BuildImportImage' % build['id']
    assert (response.status_code, response.json()) == (422, {'error': no_manifest})
    api.put('/apps/demo/builds/%s' % build['id'], data={'manifest': 'services:\n  web:\n    port: 80\n'})
    for bad in ('-rm', 'a//b', 'nginx:', 'a b'):
        response = api.post(path, data={'image': bad})
        assert response.status_code == 422 and response.json()['error'].startswith('invalid image ref: ')
    response = api.post(path, data={'image': 'nginx:1.27', 'src-creds-user': 'u', 'src-creds-pass': 'p'})
    assert (response.status_code, response.content) == (202, b'')
    assert 'Content-Type' not in response.headers and 'Request-Id' in response.headers
    assert api.get('/apps/demo/builds/%s' % build['id']).json()['status'] == 'running'
    response = api.post(path, data={'image': 'nginx:1.27'})
    assert (response.status_code, response.json()) == (409, {'error': 'build %s is already importing; wait for completion before retrying' % build['id']})
    clock.advance(1)
    done = api.get('/apps/demo/builds/%s' % build['id']).json()
    # The relay only completes the build; the CLI then creates the release and sets it (convox-api.md 6.7).
    assert (done['status'], done['release'], done['reason']) == ('complete', '', '')
    assert done['ended'] != ZERO_TIME
    response = api.post('/apps/demo/builds/BMISSING/image', data={'image': 'nginx'})
    assert (response.status_code, response.json()) == (500, {'error': 'builds.convox.com "bmissing" not found'})


def test_image_import_checks_the_manifest(api):
    build = api.post('/apps/demo/builds', data={'external': 'true'}).json()
    path = '/apps/demo/builds/%s' % build['id']
    api.put(path, data={'manifest': 'services: [\n'})
    response = api.post(path + '/image', data={'image': 'nginx'})
    assert (response.status_code, response.json()['error'].startswith('manifest parse failed: yaml: ')) == (422, True)
    api.put(path, data={'manifest': 'resources: {}\n'})
    response = api.post(path + '/image', data={'image': 'nginx'})
    assert (response.status_code, response.json()) == (422, {'error': 'manifest has no services to relay'})


def test_build_json_escapes_like_go(api, clock):
    build = finished_build(api, clock, description='<a & b>')
    response = api.get('/apps/demo/builds/%s' % build['id'])
    assert b'"description": "\\u003ca \\u0026 b\\u003e"' in response.content
    assert json.loads(response.content)['description'] == '<a & b>'


def _nanos(text):
    """RFC 3339 with up to nine fraction digits to integer nanoseconds."""
    match = re.fullmatch(r'(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z', text)
    sortable = '%s%s%s.%s%s%s.%s' % (match.group(1), match.group(2), match.group(3), match.group(4), match.group(5), match.group(6),
                                     (match.group(7) or '').ljust(9, '0'))
    return golang.parse_sortable_time(sortable)


# ---------------------------------------------------------------- export and import (convox-api.md 6.7)


def test_export_archive(api, clock):
    build = finished_build(api, clock, tarball=source_tarball(manifest='services:\n  web:\n    build: .\n  worker:\n    image: redis\n'),
                           description='v1')
    response = api.get('/apps/demo/builds/%s.tgz' % build['id'])
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'application/x-gzip'
    assert 'Content-Length' not in response.headers and response.headers['Transfer-Encoding'] == 'chunked'
    members = members_of(response.content)
    assert list(members) == ['build.json', 'web.%s.tar' % build['id'], 'worker.%s.tar' % build['id']]
    # json.MarshalIndent of the Build: field order, two-space indent, no trailing newline.
    assert members['build.json'] == json.dumps(build, indent=2).encode()
    image = members_of(gzip.compress(members['web.%s.tar' % build['id']]))
    assert json.loads(image['oci-layout']) == {'imageLayoutVersion': '1.0.0'}


def test_export_errors(api):
    running = create_build(api).json()
    response = api.get('/apps/demo/builds/%s.tgz' % running['id'])
    # BuildExport reads the build's release first: none yet.
    assert (response.status_code, response.json()) == (500, {'error': 'releases.convox.com "" not found'})
    response = api.get('/apps/demo/builds/BMISSING.tgz')
    assert (response.status_code, response.json()) == (500, {'error': 'builds.convox.com "bmissing" not found'})
    api.put('/apps/demo/builds/%s' % running['id'], data={'status': 'complete', 'release': 'RPLACEHOLDER'})
    response = api.get('/apps/demo/builds/%s.tgz' % running['id'])
    assert (response.status_code, response.json()) == (500, {'error': 'releases.convox.com "rplaceholder" not found'})
    release = api.post('/apps/demo/releases').json()
    api.put('/apps/demo/builds/%s' % running['id'], data={'release': release['id'], 'manifest': 'resources: {}\n'})
    response = api.get('/apps/demo/builds/%s.tgz' % running['id'])
    assert (response.status_code, response.json()) == (400, {'error': 'no services found to export'})
    api.put('/apps/demo/builds/%s' % running['id'], data={'manifest': 'services: [\n'})
    response = api.get('/apps/demo/builds/%s.tgz' % running['id'])
    assert response.status_code == 500 and response.json()['error'].startswith('yaml: line ')


def test_import_of_an_export_round_trips(api, clock):
    source = finished_build(api, clock, description='from staging', **{'git-sha': 'abc1234'})
    exported = api.get('/apps/demo/builds/%s.tgz' % source['id']).content
    create_running_app(api, clock, 'copy')
    api.post('/apps/copy/releases', data={'env': 'ONLY=copy'})
    response = api.post('/apps/copy/builds/import', data=exported, headers={'Content-Type': 'application/octet-stream'})
    assert response.status_code == 200, response.text
    imported = response.json()
    assert list(imported) == BUILD_FIELDS
    assert imported['id'] != source['id'] and imported['app'] == 'copy'
    assert (imported['status'], imported['process'], imported['git-sha'], imported['entrypoint']) == ('complete', '', '', '')
    # description, logs and manifest travel in build.json.
    assert (imported['description'], imported['logs'], imported['manifest']) == ('from staging', source['logs'], source['manifest'])
    assert imported['started'] == imported['ended'] != ZERO_TIME
    release = api.get('/apps/copy/releases/%s' % imported['release']).json()
    assert (release['build'], release['manifest'], release['env'], release['description']) == \
        (imported['id'], source['manifest'], 'ONLY=copy', 'from staging')
    assert api.get('/apps/copy').json()['release'] == ''
    assert api.get('/apps/copy/builds/%s' % imported['id']).json() == imported
    again = members_of(api.get('/apps/copy/builds/%s.tgz' % imported['id']).content)
    assert json.loads(again['build.json']) == imported


def test_import_errors(api, text_api):
    for body, message in ((b'', 'EOF'), (b'plain text', 'gzip: invalid header'),
                          (gzip.compress(tar_archive({'build.json': b'{"description": 5}'})),
                           'json: cannot unmarshal number into Go struct field Build.description of type string'),
                          (gzip.compress(tar_archive({'build.json': b'xyz'})), "invalid character 'x' looking for beginning of value"),
                          (gzip.compress(tar_archive({'build.json': b'{"description": "x"'})), 'unexpected end of JSON input')):
        response = text_api.post('/apps/demo/builds/import', data=body)
        assert (response.status_code, response.text) == (500, message + '\n')
    assert api.get('/apps/demo/builds').json() == []
    response = api.post('/apps/nope/builds/import', data=gzip.compress(tar_archive({'build.json': b'{}'})))
    assert (response.status_code, response.json()) == (404, {'error': 'app not found: nope'})


def test_import_without_build_json(api):
    build = api.post('/apps/demo/builds/import', data=gzip.compress(tar_archive({'web.tar': b'image'}))).json()
    assert (build['status'], build['manifest'], build['description']) == ('complete', '', '')
    assert api.get('/apps/demo/releases/%s' % build['release']).json()['build'] == build['id']


def test_large_import_is_streamed_with_bounded_memory(api, tmp_path):
    """An import body several times the spool threshold: the emulator's allocations stay far below its size."""
    size = 6 * blobs.SPOOL_THRESHOLD
    path = tmp_path / 'export.tgz'
    with gzip.open(path, 'wb', compresslevel=1) as compressed, tarfile.open(fileobj=compressed, mode='w|') as archive:
        manifest = json.dumps({'description': 'big', 'manifest': MANIFEST}).encode()
        info = tarfile.TarInfo('build.json')
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        info = tarfile.TarInfo('web.BAAAAAAAAAA.tar')
        info.size = size
        archive.addfile(info, _RandomReader(size))
    assert path.stat().st_size > size
    tracemalloc.start()
    try:
        with open(path, 'rb') as body:
            response = api.post('/apps/demo/builds/import', data=body, headers={'Content-Type': 'application/octet-stream'}, timeout=120)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    assert (response.json()['description'], response.json()['manifest']) == ('big', MANIFEST)
    assert peak < 2 * blobs.SPOOL_THRESHOLD, peak


class _RandomReader(io.RawIOBase):
    """``size`` incompressible bytes, produced as they are read."""

    def __init__(self, size):
        super().__init__()
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.left, 1024 * 1024)
        buffer[:count] = os.urandom(count)
        self.left -= count
        return count


# ---------------------------------------------------------------- v2 racks (convox/rack provider/aws)

V2_BUILD_FIELDS = ['id', 'app', 'description', 'entrypoint', 'git-sha', 'logs', 'manifest', 'process', 'release', 'reason', 'status',
                   'wildcard-domain', 'started', 'ended']


@pytest.fixture
def v2(v2):  # pylint: disable=redefined-outer-name
    """conftest's v2 client, with the app `demo` created and settled."""
    v2.post('/apps', data={'name': 'demo'})
    v2.rack.state.clock.advance(3)
    return v2


def test_v2_build_create_and_shape(v2, v2_rack):
    response = create_build(v2, description='d', **{'git-sha': 'abc', 'wildcard-domain': 'true'})
    created = response.json()
    assert list(created) == V2_BUILD_FIELDS
    # The response is the build as saved before its task ran.
    assert (created['status'], created['process'], created['git-sha'], created['wildcard-domain']) == ('created', '', '', True)
    assert v2.get('/apps/demo/builds/%s' % created['id']).json()['status'] == 'running'
    assert not v2_rack.state.processes.get('demo')
    v2_rack.state.clock.advance(1)
    build = v2.get('/apps/demo/builds/%s' % created['id']).json()
    assert (build['status'], build['wildcard-domain']) == ('complete', True)
    assert v2.get('/apps/demo/releases/%s' % build['release']).json()['build'] == build['id']
    response = v2.get('/apps/demo/builds/BMISSING')
    assert (response.status_code, response.text) == (404, 'build not found: BMISSING\n')


def test_v2_fetches_http_sources_from_loopback_only(v2, v2_rack):
    key = upload_source(v2, 'demo', source_tarball()).split('/', 3)[3]
    host = v2_rack.url.split('://', 1)[1]
    url = 'http://convox:%s@%s/apps/demo/objects/%s' % (v2_rack.password, host, key)
    build = v2.post('/apps/demo/builds', data={'url': url}).json()
    v2_rack.state.clock.advance(1)
    assert v2.get('/apps/demo/builds/%s' % build['id']).json()['status'] == 'complete'
    for url, message in (('http://example.com/source.tgz', 'emulator: refusing to fetch http://example.com/source.tgz: only loopback hosts are allowed'),
                         ('http://%s/apps/demo/objects/%s' % (host, key), 'GET http://%s/apps/demo/objects/%s: 401 Unauthorized' % (host, key))):
        build = v2.post('/apps/demo/builds', data={'url': url}).json()
        v2_rack.state.clock.advance(1)
        build = v2.get('/apps/demo/builds/%s' % build['id']).json()
        assert build['status'] == 'failed'
        assert v2.get('/apps/demo/objects/build/%s/logs' % build['id']).text == 'ERROR: %s\n' % message


def test_v2_has_no_external_builds_or_image_import(v2, v2_rack):
    build = create_build(v2, external='true').json()
    assert build['status'] == 'created'
    v2_rack.state.clock.advance(1)
    assert v2.get('/apps/demo/builds/%s' % build['id']).json()['status'] == 'complete'
    response = v2.post('/apps/demo/builds/%s/image' % build['id'], data={'image': 'nginx'})
    assert (response.status_code, response.content) == (404, b'')


def test_v2_export_without_services_is_untyped(v2):
    build = v2.post('/apps/demo/builds/import', data=gzip.compress(tar_archive({'build.json': b'{"manifest": ""}'}))).json()
    response = v2.get('/apps/demo/builds/%s.tgz' % build['id'])
    assert (response.status_code, response.text) == (500, 'no services found to export\n')
