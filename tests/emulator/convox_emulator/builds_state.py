# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds over time: what the rack's builder does, decided at once and revealed when it is due.

The rack starts a builder pod (v3) or task (v2) that fetches the source tarball, reads the manifest,
builds and pushes the images, stores its log as the object ``build/<id>/logs``, creates an unpromoted
release and marks the build ``complete``; or, on any error, writes ``ERROR: <message>`` to the log
and marks it ``failed`` (pkg/build/build.go). Here the outcome is worked out when the build is
created (the archive is read then, off the event loop) and applied ``--build-seconds`` later by a
settle hook, so reads stay lazy and no thread sleeps. The Build records themselves live in
RackState.builds (state.py); this module keeps the pending work in ``state.extensions``.

Public names:

- ``BuildSemantics`` and ``for_rack(semantics)``: the v3/v2 differences of this area, as data.
- ``install(state)``: register the settle hook (idempotent).
- ``SourceError``, ``scan_source(chunks, manifest_path)``: read a source tarball like the builder does.
- ``plan_source_build(...)``, ``start_build(...)``, ``start_image_import(...)``, ``cancel_pending(...)``.
- ``read_import(chunks)``, ``import_build(...)``, ``export_members(...)``.
- ``build_json(state, build, repository=None)``: the Build as the rack generation serializes it.

Faithful to the rack where a brief might expect otherwise: a failed source build keeps ``reason``
empty (pkg/build writes the error to the log only; BuildImportImage is what sets a reason), the
manifest is looked up at the archive root (or at the ``manifest`` path inside it) only, and v3
fetches ``object://`` sources only ("unknown source type"); v2 also fetches http(s), here from
loopback hosts only. The builder pod prints the build's log (all of it when it starts), shows ``complete``
or ``failed`` when the build ends and is deleted by the pod controller's delay (workloads.py), as on v3.
Not emulated: images (exports carry an empty OCI layout per service; imported image archives are read
through and dropped) and build-args/env interpolation of the manifest.
"""

import dataclasses
import gzip
import hashlib
import io
import json
import re
import secrets
import tarfile
import zlib

from . import golang, logs, render
from .blobs import Blob
from .errors import ServerError, error_for_status
from .manifest import ManifestError, parse_manifest
from .state import Process
from .workloads import K8S_NAME_ALPHABET

EXTENSION_KEY = 'builds'
DEFAULT_MANIFEST = 'convox.yml'
_GZIP_MAGIC = b'\x1f\x8b'
# provider/k8s BuildImportImage: an allowlist of docker-reference characters, then separator sequences
# skopeo would misread.
_VALID_IMAGE_REF = re.compile(r'[A-Za-z0-9][A-Za-z0-9._:/@+-]*\Z')
_DANGEROUS_IMAGE_PARTS = ('//', '@-', ':-', '/-', '::', '@@', ':@', '/@')
INVALID_IMAGE_MESSAGE = ('invalid image ref: must start with a letter or digit, contain only A-Z a-z 0-9 . _ : / @ + -, '
                         'and not include // @- :- or /-')


@dataclasses.dataclass(frozen=True)
class BuildSemantics:  # pylint: disable=too-many-instance-attributes
    """How one rack generation's builds differ (convox/convox provider/k8s vs convox/rack provider/aws)."""

    # The POST response: v3 returns the build after its pod started; v2 returns it as saved before the
    # task ran, so the caller sees 'created' while GET already says 'running'.
    create_response_status: str
    # v3 runs the builder as a pod: the build's ``process``, listed under service ``build``.
    builder_pod: bool
    # external=true (an image pushed by the caller): v3 only; v2 has no such option.
    external_builds: bool
    # URL schemes the builder fetches sources from: v3 pkg/build knows object:// only ("unknown source type").
    source_schemes: tuple
    # POST /apps/{app}/builds/{id}/image exists on v3 only.
    image_import: bool
    # Export of a build whose manifest has no services: v3 types it as a bad request, v2 does not.
    no_services_status: int
    # v2's buildSave has no git-sha attribute, so the param is dropped.
    keeps_git_sha: bool
    # convox/rack structs.Build has no ``repository`` and a ``wildcard-domain`` after ``status``.
    v2_json: bool

    def to_json(self, build, wildcard_domain):
        data = build.to_json()
        if not self.v2_json:
            return data
        del data['repository']
        ordered = {}
        for key, value in data.items():
            if key == 'started':
                ordered['wildcard-domain'] = wildcard_domain
            ordered[key] = value
        return ordered


V3_BUILDS = BuildSemantics(create_response_status='running', builder_pod=True, external_builds=True, source_schemes=('object',),
                           image_import=True, no_services_status=400, keeps_git_sha=True,
                           v2_json=False)
V2_BUILDS = BuildSemantics(create_response_status='created', builder_pod=False, external_builds=False,
                           source_schemes=('object', 'http', 'https'), image_import=False, no_services_status=500,
                           keeps_git_sha=False, v2_json=True)


def for_rack(semantics):
    return V2_BUILDS if semantics.major == 2 else V3_BUILDS


# ---------------------------------------------------------------- pending work


@dataclasses.dataclass
class Outcome:
    """What the builder will have done when the build is due."""

    log: str
    # The manifest text the builder read (stored on the build even when it later fails), or None.
    manifest: str = None
    error: str = None


@dataclasses.dataclass
class PendingBuild:
    app: str
    build_id: str
    due_ns: int
    # None for an image import: it only flips the build to 'complete' (the CLI creates the release).
    outcome: Outcome = None


class BuildTracker:
    """Pending builds plus per-build facts the Build model has no field for (v2's wildcard-domain)."""

    def __init__(self):
        self.pending = {}
        self.wildcard_domains = {}

    def schedule(self, job):
        self.pending[(job.app, job.build_id)] = job

    def take_due(self, now_ns):
        """Remove and return the earliest pending build due by ``now_ns``, or None."""
        due = [job for job in self.pending.values() if job.due_ns <= now_ns]
        if not due:
            return None
        job = min(due, key=lambda item: item.due_ns)
        del self.pending[(job.app, job.build_id)]
        return job


def tracker(state):
    return state.extensions.setdefault(EXTENSION_KEY, BuildTracker())


def install(state):
    if settle_builds not in state.on_settle:
        state.on_settle.append(settle_builds)


def settle_builds(state):
    """Finish every build whose time has come (a settle hook: it runs under the state lock)."""
    pending = state.extensions.get(EXTENSION_KEY)
    if pending is None:
        return
    while True:
        # Each job leaves the queue before it runs: finishing creates a release, which settles again.
        job = pending.take_due(state.now())
        if job is None:
            return
        _finish(state, job)


def _finish(state, job):
    build = state.builds.get(job.app, {}).get(job.build_id)
    if build is None:
        # The app was deleted while building.
        return
    build.ended_ns = job.due_ns
    outcome = job.outcome
    _end_builder_pod(state, job.app, build, job.due_ns, 0 if outcome is None or outcome.error is None else 1)
    if outcome is None:
        build.status = 'complete'
        return
    key = 'build/%s/logs' % build.id
    state.object_put(job.app, key, Blob(outcome.log.encode('utf-8')))
    build.logs = 'object://%s/%s' % (job.app, key)
    if outcome.manifest is not None:
        build.manifest = outcome.manifest
    if outcome.error is not None:
        build.status = 'failed'
        return
    # pkg/build success(): the release forks the newest one (its env), with this build's manifest.
    release = state.release_create(job.app, build=build.id)
    build.release = release.id
    build.status = 'complete'


def cancel_pending(state, app, build):
    """A builder that another writer (PUT status=...) took over from: it no longer finishes the build."""
    with state.lock:
        if tracker(state).pending.pop((app, build.id), None) is not None:
            _stop_builder_pod(state, app, build)


def _stop_builder_pod(state, app, build):
    if build is not None and build.process:
        pod = state.processes.get(app, {}).pop(build.process, None)
        if pod is not None:
            pod.stopped_ns = state.now()


def _end_builder_pod(state, app, build, ended_ns, exit_code):
    """The builder's container exits: the pod shows complete or failed until the pod controller deletes it (workloads.py)."""
    pod = state.processes.get(app, {}).get(build.process) if build.process else None
    if pod is not None:
        pod.ended_ns, pod.exit_code = ended_ns, exit_code
        pod.status = 'complete' if exit_code == 0 else 'failed'


# ---------------------------------------------------------------- reading archives


class SourceError(Exception):
    """A broken archive, with the message Go's gzip/tar readers would give."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterator of byte chunks (a Blob's), so tarfile can read it without loading it."""

    def __init__(self, chunks):
        super().__init__()
        self._chunks = iter(chunks)
        self._current = b''

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._current:
            self._current = next(self._chunks, None)
            if self._current is None:
                self._current = b''
                return 0
        size = min(len(buffer), len(self._current))
        buffer[:size] = self._current[:size]
        self._current = self._current[size:]
        return size


def _member_path(name):
    """A tar member or manifest name as a path relative to the extraction directory."""
    return golang.path_clean('/' + name)[1:]


def _walk_gzip_tar(chunks, visit):
    """Call ``visit(member, archive)`` for every member of a gzipped tar; Go's errors for broken archives."""
    stream = io.BufferedReader(_ChunkReader(chunks), 64 * 1024)
    head = stream.peek(2)[:2]
    if not head:
        raise SourceError('EOF')
    if head != _GZIP_MAGIC:
        raise SourceError('gzip: invalid header')
    try:
        with gzip.GzipFile(fileobj=stream, mode='rb') as unzipped:
            try:
                archive = tarfile.open(fileobj=unzipped, mode='r|')  # pylint: disable=consider-using-with
            except tarfile.ReadError as error:
                # An archive with no members at all (tar's end marker only, or nothing): Go reads io.EOF.
                if str(error) == 'empty file':
                    return
                raise
            with archive:
                for member in archive:
                    visit(member, archive)
    except (EOFError, tarfile.ReadError) as error:
        raise SourceError('unexpected EOF' if isinstance(error, EOFError) or 'unexpected end' in str(error) else
                          'archive/tar: invalid tar header') from None
    except gzip.BadGzipFile as error:
        raise SourceError('gzip: invalid checksum' if 'CRC' in str(error) or 'length' in str(error) else 'gzip: invalid header') from None
    except zlib.error:
        raise SourceError('flate: corrupt input') from None


def scan_source(chunks, manifest_path):
    """Unpack a source tarball the way pkg/build does; returns the text of ``manifest_path`` or None if absent.

    The whole archive is read, as the builder extracts all of it: a truncated archive fails even when
    the manifest came first. A file that appears twice is the later copy, as extraction overwrites.
    """
    wanted = _member_path(manifest_path)
    found = []

    def visit(member, archive):
        if member.isfile() and _member_path(member.name) == wanted:
            found.append(archive.extractfile(member).read().decode('utf-8', errors='replace'))

    _walk_gzip_tar(chunks, visit)
    return found[-1] if found else None


def read_import(chunks):
    """Read an exported build (BuildImport): returns the ``build.json`` object, or {} when there is none."""
    found = []

    def visit(member, archive):
        if member.isfile() and member.name == 'build.json':
            found.append(archive.extractfile(member).read())
        # Image archives (<service>.<id>.tar) are pushed to the registry by the rack; there is none here.

    _walk_gzip_tar(chunks, visit)
    if not found:
        return {}
    source = _go_unmarshal_build(found[-1])
    return source


def _go_unmarshal_build(data):
    """json.Unmarshal into structs.Build, for the string fields import copies.

    Go's messages for truncated input, a wrong first character and wrong field types; other syntax
    errors get the first-character form too (Go words those by context, e.g. "after object key").
    """
    try:
        source = json.loads(data.decode('utf-8', errors='replace'))
    except json.JSONDecodeError as error:
        if error.pos >= len(error.doc.rstrip()):
            raise ServerError('unexpected end of JSON input') from None
        # encoding/json quoteChar: the character in single quotes.
        character = error.doc[error.pos]
        raise ServerError("invalid character '%s' looking for beginning of value" % ("\\'" if character == "'" else character)) from None
    if not isinstance(source, dict):
        raise ServerError('json: cannot unmarshal %s into Go value of type structs.Build' % _json_kind(source))
    for field in ('description', 'logs', 'manifest'):
        value = source.get(field)
        if value is not None and not isinstance(value, str):
            raise ServerError('json: cannot unmarshal %s into Go struct field Build.%s of type string' % (_json_kind(value), field))
    return source


def _json_kind(value):
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, list):
        return 'array'
    if isinstance(value, dict):
        return 'object'
    return 'string'


# ---------------------------------------------------------------- source builds


def _image_hash(build_id, path):
    return hashlib.sha256(('%s:%s' % (build_id, path)).encode('utf-8')).hexdigest()


def _build_log(semantics, app, build_id, manifest):
    """The builder's output for a successful build, in the order pkg/build's docker engine works:

    build each distinct path, pull each image, tag every service's image locally (by source), then
    tag and push each service to the app's repository.
    """
    def tagged(service, repository):
        return '%s:%s.%s' % (repository, service.name, build_id)

    local, remote = '%s/%s' % (semantics.rack_name, app), 'registry.%s/%s' % (semantics.domain, app)
    images = {path: _image_hash(build_id, path) for path in dict.fromkeys(service.build for service in manifest.services if not service.image)}
    lines = []
    for path, image in images.items():
        lines += ['Building: %s' % path, 'Step 1/1 : emulated build of %s (no image is produced)' % path, 'Successfully built %s' % image[:12]]
    lines += ['Running: docker pull %s' % image for image in dict.fromkeys(service.image for service in manifest.services if service.image)]
    sources = sorted((service.image or images[service.build], tagged(service, local)) for service in manifest.services)
    lines += ['Running: docker tag %s %s' % pair for pair in sources]
    for service in sorted(manifest.services, key=lambda item: item.name):
        lines += ['Running: docker tag %s %s' % (tagged(service, local), tagged(service, remote)), 'Running: docker push %s' % tagged(service, remote)]
    return ''.join(line + '\n' for line in lines)


def _failure(log, error, manifest=None):
    return Outcome(log=log + 'ERROR: %s\n' % error, manifest=manifest, error=error)


def plan_source_build(semantics, app, build_id, manifest_name, chunks):
    """The outcome of building the tarball in ``chunks`` (blocking: run it off the event loop)."""
    try:
        text = scan_source(chunks, manifest_name)
    except SourceError as error:
        return _failure('', error.message)
    if text is None:
        # os.ReadFile(filepath.Join(dir, manifest)) in a fresh os.MkdirTemp directory.
        directory = '/tmp/%09d' % secrets.randbelow(10 ** 9)
        return _failure('', 'open %s: no such file or directory' % golang.path_clean('%s/%s' % (directory, manifest_name)))
    try:
        manifest = parse_manifest(text)
    except ManifestError as error:
        return _failure('', error.message, manifest=text)
    return Outcome(log=_build_log(semantics, app, build_id, manifest), manifest=text)


def failed_source(message):
    """The outcome when the builder cannot even fetch its source."""
    return _failure('', message)


def builder_command(no_cache, build_args):
    # provider/k8s passes DefaultBool(opts.NoCache, true) as -cache: the flag's meaning is inverted
    # on the rack, and the command line shows it that way.
    command = 'build -method tgz -cache %s' % ('true' if no_cache is None else str(no_cache).lower())
    for argument in build_args or ():
        command += ' -build-args %s' % argument
    return command


def start_build(state, app, build, outcome, command):
    """Mark a created build ``running`` (with its builder pod on v3) and queue its outcome."""
    with state.lock:
        if state.builds.get(app, {}).get(build.id) is not build:
            # Deleted (or the app was) while the source was being read.
            return
        if for_rack(state.semantics).builder_pod:
            build.process = _new_pod_name(state, app)
            # The builder prints the build's log as it goes; here all of it at the start (by the clock: stamps may run ahead of it).
            printed_ns = state.now()
            pod = Process(id=build.process, app=app, name='build', command=command, image='convox/convox:%s-build-privileged' % state.semantics.version,
                          started_ns=build.started_ns, service='build', output=[(printed_ns, line) for line in outcome.log.splitlines()])
            state.processes.setdefault(app, {})[build.process] = pod
            logs.register(state, pod)
        build.status = 'running'
        # Started is a stamp, which may run ahead of the clock: the build takes its full time after it.
        due_ns = max(state.now(), build.started_ns) + state.build_ns
        tracker(state).schedule(PendingBuild(app=app, build_id=build.id, due_ns=due_ns, outcome=outcome))


def _new_pod_name(state, app):
    """The builder pod's name: generateName ``build-`` plus Kubernetes' five-character suffix."""
    taken = state.processes.get(app, {})
    while True:
        name = 'build-' + ''.join(secrets.choice(K8S_NAME_ALPHABET) for _position in range(5))
        if name not in taken:
            return name


# ---------------------------------------------------------------- image import, import, export


def check_image_import(state, app, build_id, image):
    """BuildImportImage's checks, in its order; returns the build."""
    if not _VALID_IMAGE_REF.match(image) or any(part in image for part in _DANGEROUS_IMAGE_PARTS) or image[-1] in ':@/':
        raise error_for_status(422, INVALID_IMAGE_MESSAGE)
    build = state.build_get(app, build_id)
    if build.status == 'running':
        raise error_for_status(409, 'build %s is already importing; wait for completion before retrying' % build_id)
    if not build.manifest.strip():
        raise error_for_status(422, 'build %s has no manifest; populate via BuildUpdate before BuildImportImage' % build_id)
    try:
        manifest = parse_manifest(build.manifest, require_services=False)
    except ManifestError as error:
        raise error_for_status(422, 'manifest parse failed: %s' % error.message) from None
    if not manifest.services:
        raise error_for_status(422, 'manifest has no services to relay')
    return build


def start_image_import(state, app, build):
    """The relay runs in the background: ``running`` now, ``complete`` (no release) when due."""
    with state.lock:
        build.status, build.reason, build.started_ns = 'running', '', state.stamp()
        due_ns = max(state.now(), build.started_ns) + state.build_ns
        tracker(state).schedule(PendingBuild(app=app, build_id=build.id, due_ns=due_ns))


def import_build(state, app, source):
    """BuildImport after the archive was read: a complete build and a new, unpromoted release."""
    with state.lock:
        state.settle()
        now = state.stamp()
        build = state.build_add(app, description=source.get('description') or '', logs=source.get('logs') or '',
                                manifest=source.get('manifest') or '', started_ns=now, ended_ns=now)
        release = state.release_create(app, build=build.id)
        build.status, build.release = 'complete', release.id
        return build


def export_members(state, app, build_id):
    """BuildExport's checks and the (name, bytes) members of its archive: build.json, then one image per service."""
    with state.lock:
        state.settle()
        build = state.build_get(app, build_id)
        state.release_get(app, build.release)
        try:
            manifest = parse_manifest(build.manifest, require_services=False)
        except ManifestError as error:
            raise ServerError(error.message) from None
        if not manifest.services:
            raise error_for_status(for_rack(state.semantics).no_services_status, 'no services found to export')
        # json.MarshalIndent: two-space indent, no trailing newline.
        members = [('build.json', render.encode_json(build_json(state, build))[:-1])]
    members += [('%s.%s.tar' % (service.name, build.id), _placeholder_image(service.name, build.id)) for service in manifest.services]
    return members


def _placeholder_image(service, build_id):
    """An empty OCI layout standing in for the image skopeo would copy out of the registry."""
    index = {'schemaVersion': 2, 'manifests': [], 'annotations': {'org.opencontainers.image.ref.name': '%s.%s' % (service, build_id)}}
    return tar_bytes([('oci-layout', b'{"imageLayoutVersion":"1.0.0"}'), ('index.json', json.dumps(index, separators=(',', ':')).encode('utf-8'))])


def tar_bytes(files, mode=0o600):
    """An uncompressed tar of (name, bytes) regular files."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.USTAR_FORMAT) as archive:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def build_json(state, build, repository=None):
    data = for_rack(state.semantics).to_json(build, tracker(state).wildcard_domains.get((build.app, build.id), False))
    if repository is not None:
        data['repository'] = repository
    return data
