#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_build
short_description: Build a Convox app from a source directory, a tarball, a URL or an exported build, and deploy it
version_added: 1.0.0
description:
  - Makes sure the app has a build of the given source, as C(convox build) makes one, and with O(promote=true)
    that it runs it, as C(convox deploy) does.
  - A source directory is packed the way the Convox CLI packs it - honouring its C(.dockerignore) as Docker reads it -
    and tarred and gzipped while it is uploaded to the app's object store; then the build is started from the uploaded
    object. Uploads stream from disk, so memory stays flat whatever the size of the source.
  - With O(wait) the task waits until the build is C(complete); a failed build fails the task with the end of its log.
    A complete build carries the id of its (unpromoted) release, for the next task.
  - "Idempotent by source digest: the task computes a digest of what the source holds (for a directory or a tarball:
    the paths, entry kinds, permission bits, file contents and symlink targets, in sorted order - not the tar or gzip
    bytes, which vary - together with O(manifest), O(development) and O(build_args)) and records it at the end of the
    build's description, as C([convox.convox sha256:<digest>]), which the rack lists with every build. When one of the
    app's newest builds carries the same digest and is complete (or still running), no upload or build is made and
    that build is returned with C(changed=false), unless O(force=true)."
  - An exported build (O(import_path)) keeps the description it had, so an import is recorded differently - in a small
    app object, V(convox.convox/imports/<sha256 of the file>), holding the imported build's id.
author:
  - Convox collection maintainers (@convox-community)
options:
  app:
    description:
      - The app to build.
    type: str
    required: true
  source:
    description:
      - A local directory, or a local tarball (V(.tar.gz), or an uncompressed V(.tar), gzipped while it is uploaded),
        on the host that runs the module.
      - A directory's C(.dockerignore) is applied as Docker applies it - patterns with C(*), C(?), C([...]) and C(**),
        C(!) exceptions, C(#) comments, a leading C(/) meaning the directory itself; the last matching pattern wins,
        an excluded directory excludes everything in it. Symlinks are packed as links, never followed; sockets, pipes
        and devices are skipped (with a warning). A tarball is uploaded as it is, once its member paths are checked - one
        that climbs out of its top with C(..) is refused, as racks refuse it.
      - Exactly one of O(source), O(url) and O(import_path) is required.
    type: path
  url:
    description:
      - A source the rack fetches itself. v3 racks fetch only V(object://<app>/<key>) URLs (an object uploaded to the
        app, for example with M(convox.convox.convox_api)); v2 racks also fetch V(http://) and V(https://) URLs.
        Any other URL fails the task before a build is started.
      - The rack reads the URL's content, not this module, so the build is recognised by the URL itself - a second run
        with the same URL (and options) changes nothing. Use O(force=true) when the content behind the URL changed.
    type: str
  import_path:
    description:
      - A build exported with C(convox builds export) or M(convox.convox.convox_build_info) O(convox.convox.convox_build_info#module:export_dest),
        streamed to the rack's build import (with the long timeout of O(import_timeout)). The rack creates a complete
        build and an unpromoted release from it.
      - O(description), O(manifest), O(development), O(no_cache) and O(build_args) do not apply to an import.
    type: path
  description:
    description:
      - The build's description; the digest marker is appended to it.
      - Not part of the digest - a changed description alone does not make a new build.
    type: str
  manifest:
    description:
      - The manifest file in the source, relative to its top (the rack's default is V(convox.yml)); a path outside the
        source (absolute, or climbing out with C(..)) is refused.
    type: str
  development:
    description:
      - Build the development target of the Dockerfiles (the rack's C(development) build option).
    type: bool
    default: false
  no_cache:
    description:
      - Build without the build cache. Not part of the digest.
    type: bool
    default: false
  build_args:
    description:
      - Docker build arguments, as a dict of name to value. Values cannot contain a comma (the rack splits the list on
        commas).
      - Build arguments are visible to anyone who can list the rack's processes and in the image's history, so they are
        no place for secrets.
    type: dict
  promote:
    description:
      - Deploy the build, as C(convox deploy) does - promote its release, waiting for the app to be C(running) first
        unless O(force=true) - and, with O(wait), wait until the app is C(running) on that release. A rack that rolls
        the deploy back fails the task with RV(rolled_back=true).
      - When the app already runs the build, nothing is promoted. When the newest release is of the build, it is promoted;
        otherwise (the build's release is older than the active one) a new release of the build is created first, with the
        current environment (the newest release's), as the rack does for a new build.
      - With O(promote=true) the task always waits for the build to finish (its release is needed); O(wait) then also
        covers the deploy.
    type: bool
    default: false
  force:
    description:
      - Build even when an identical build exists, and promote without waiting for the app to be C(running) (the rack's
        C(force) promote option).
    type: bool
    default: false
  log_lines:
    description:
      - How many lines of the end of the build log to return in RV(log_tail) (and to show when the build failed).
      - While it waits, the task reads the builder's output from the build log stream, as C(convox build) shows it,
        keeping only these last lines; the log the rack stores when the build ends is read too, and wins. So a failed
        build shows its end even when the rack has not stored its log (yet). Reading the stream needs the Python library
        C(websocket-client); without it only the stored log is read.
      - V(0) reads no log.
    type: int
    default: 20
  import_timeout:
    description:
      - Seconds to wait for the rack to answer an import - it unpacks the whole archive before it does.
    type: float
    default: 1800
requirements:
  - websocket-client >= 1.6 (optional, to read the build log stream while waiting)
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.wait
  - convox.convox.attributes.action_group
  - convox.convox.attributes.state_module
notes:
  - Check mode computes the digest locally (reading the whole source), reads the app's builds and reports whether a build
    (and a deploy) would be made; it uploads nothing.
  - The newest 50 builds of the app are searched for an identical one.
  - O(wait_timeout) applies to each wait - the build, the app becoming C(running) before a promote, and the deploy.
  - A directory that changes while it is uploaded is recorded with the digest of what was actually sent (with a warning).
seealso:
  - module: convox.convox.convox_build_info
  - module: convox.convox.convox_release
"""

EXAMPLES = r"""
- name: Build and deploy the app from its checkout
  convox.convox.convox_build:
    app: myapp
    source: "{{ playbook_dir }}/../myapp"
    description: "{{ lookup('ansible.builtin.pipe', 'git -C ../myapp log -1 --format=%h') }}"
    promote: true
  register: deploy

- name: Show what runs now
  ansible.builtin.debug:
    msg: "build {{ deploy.build.id }}, release {{ deploy.build.release }}"

- name: Build only, from a tarball, with build arguments
  convox.convox.convox_build:
    app: myapp
    source: /tmp/myapp.tar.gz
    build_args:
      NODE_ENV: production
  register: built

- name: Copy a build to another rack (see convox_build_info export_dest)
  convox.convox.convox_build:
    app: myapp
    import_path: /tmp/myapp-build.tgz
    host: "{{ staging_rack_host }}"
    promote: true
"""

RETURN = r"""
build:
  description: The build as the rack reports it - the one made, or the identical one found. Absent in check mode when a
    build would be made.
  returned: when a build exists
  type: dict
  contains:
    id:
      description: The build id.
      type: str
      sample: BABCDEFGHIJ
    status:
      description: V(created), V(running), V(complete) or V(failed).
      type: str
      sample: complete
    release:
      description: The release the build produced (unpromoted), set when the build is complete.
      type: str
      sample: RBCDEFGHIJK
    description:
      description: The build description, ending with the digest marker.
      type: str
    manifest:
      description: The manifest the build read.
      type: str
    logs:
      description: The object URL of the build log.
      type: str
    app:
      description: The app.
      type: str
    started:
      description: When the build started (RFC 3339).
      type: str
    ended:
      description: When it ended (V(0001-01-01T00:00:00Z) while it runs).
      type: str
    process:
      description: The builder process (v3 racks).
      type: str
    reason:
      description: Why the build failed, when the rack says.
      type: str
    entrypoint:
      description: The image entrypoint.
      type: str
    git_sha:
      description: The git commit the build was made from, when given.
      type: str
    repository:
      description: The push URL of an external build.
      type: str
digest:
  description: The build digest - of the source content and the options that change the build (for O(import_path),
    the SHA-256 of the file).
  returned: always
  type: str
  sample: 0c6f3ebeab3c05d5dc0d6c14a9e2d3cbc8e1b6e9d8e46b6b0d1c0c94a1d5b2f3
log_tail:
  description: The last O(log_lines) lines of the build log (the stored log, or what the builder streamed when there is none).
  returned: when the task waited for the build to end (a build found complete is not read again)
  type: list
  elements: str
release:
  description: The id of the release that runs the build after the deploy (or that would be promoted, in check mode).
  returned: with O(promote=true), unless in check mode a release would first be created
  type: str
  sample: RBCDEFGHIJK
created_release:
  description: The release created to deploy the build (when its own release was older than the active one).
  returned: when one was created
  type: str
upload:
  description: What was uploaded.
  returned: when a source was uploaded
  type: dict
  contains:
    object:
      description: The object URL the build was started from (or the import's path).
      type: str
    bytes:
      description: Bytes sent.
      type: int
    entries:
      description: Entries (files, directories, links) packed from a directory.
      type: int
rolled_back:
  description: Whether the rack rolled the deploy back (the task then fails).
  returned: with O(promote=true) when a deploy was waited for
  type: bool
active_release:
  description: The release the app runs after a rack rollback.
  returned: when the rack rolled the deploy back
  type: str
last_status:
  description: The last status seen when a wait failed or timed out.
  returned: when a wait failed
  type: str
statuses:
  description: The statuses seen, in order, when a wait failed or timed out.
  returned: when a wait failed
  type: list
  elements: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

import io
import os
import posixpath
import secrets
from urllib.parse import urlsplit

from ansible_collections.convox.convox.plugins.module_utils._api_builds import BUILD_IMPORT_TIMEOUT
from ansible_collections.convox.convox.plugins.module_utils._builds import (
    BUILD_LOOKBACK,
    build_digest,
    decode_import_marker,
    described,
    encode_import_marker,
    failure_reason,
    find_build,
    import_marker_key,
    log_tail,
    url_digest,
)
from ansible_collections.convox.convox.plugins.module_utils._deploy import (
    BUILD_COMPLETE,
    BUILD_PENDING,
    build_status,
    carry_out,
    wait_build,
)
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, shown
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule, snake_keys
from ansible_collections.convox.convox.plugins.module_utils._releases import NOTHING, RELEASE_LOOKBACK, ReleaseHistory, ReleasePlan, same_id
from ansible_collections.convox.convox.plugins.module_utils._source import (
    DirectoryArchive,
    GzipFile,
    directory_digest,
    file_sha256,
    is_gzip,
    read_matcher,
    source_root,
    tarball_digest,
    tarball_kind,
)
from ansible_collections.convox.convox.plugins.module_utils._state import ConvoxStateError, DesiredState, Field, find_listed, read_or_none
from ansible_collections.convox.convox.plugins.module_utils._wait import ConvoxWaitFailed
from ansible_collections.convox.convox.plugins.module_utils._wire import check_name, encode_list

FIELDS = [Field('digest'), Field('deployed')]
BUILD_ONLY_OPTIONS = ('description', 'manifest', 'build_args')
V3_SOURCE_SCHEMES = ('object',)
V2_SOURCE_SCHEMES = ('object', 'http', 'https')


class Source:
    """What to send: ``kind`` (directory, tarball, url, import), the digest, and the upload body.

    ``identity`` turns a content digest into the build digest (a directory is digested again as it is sent).
    """

    def __init__(self, kind, digest, body=None, url=None, path=None, identity=None):
        self.kind = kind
        self.digest = digest
        self.body = body
        self.url = url
        self.path = path
        self.identity = identity


def build_arguments(module):
    """``build_args`` as the rack's ``KEY=VALUE`` list (refused when the rack could not read it back)."""
    pairs = []
    for key, value in sorted((module.params['build_args'] or {}).items()):
        if not key or '=' in key:
            raise ConvoxConfigError('invalid build argument name %r: names are non-empty and have no "="' % key)
        pairs.append('%s=%s' % (key, encode_list(['' if value is None else value], 'build_args.%s' % key)))
    encode_list(pairs)
    return pairs


def check_manifest(manifest):
    """Refuse a manifest path outside the source: the rack joins it onto its build directory and reads what it names."""
    if manifest and (manifest.startswith('/') or posixpath.normpath(manifest).split('/')[0] == '..'):
        raise ConvoxConfigError('manifest %s is not inside the source: give its path relative to the top of the source, '
                                'for example convox.production.yml' % shown(manifest))


def prepare(module):
    """The source and its digest, read from the local disk (no request yet)."""
    p = module.params
    if p['import_path'] is not None:
        given = [name for name in BUILD_ONLY_OPTIONS if p[name] is not None] + [name for name in ('development', 'no_cache') if p[name]]
        if given:
            raise ConvoxConfigError('%s cannot be used with import_path: an import takes the build as it was exported'
                                    % ', '.join(given))
        path = p['import_path']
        if not os.path.isfile(path):
            raise ConvoxConfigError('import_path %s is not a file' % path)
        if not is_gzip(path):
            raise ConvoxConfigError('import_path %s is not an exported build (a gzipped tar, as convox builds export writes)' % path)
        return Source('import', file_sha256(path), path=path)
    arguments = build_arguments(module)
    check_manifest(p['manifest'])

    def identity(source_digest):
        return build_digest(source_digest, p['manifest'], p['development'], arguments)

    if p['url'] is not None:
        return Source('url', identity(url_digest(p['url'])), url=p['url'])
    path = p['source']
    if os.path.isdir(path):
        root = source_root(path)
        matcher = read_matcher(root)
        skipped = []
        content, _entries = directory_digest(root, matcher, skipped)
        if skipped:
            module.warn('skipped %d special file(s) that a build context cannot hold (sockets, pipes, devices), for example %s'
                        % (len(skipped), skipped[0]))
        return Source('directory', identity(content), body=DirectoryArchive(root, matcher), path=root, identity=identity)
    if not os.path.exists(path):
        raise ConvoxConfigError('source %s does not exist' % path)
    kind = tarball_kind(path)
    content, _entries = tarball_digest(path, kind)
    return Source('tarball', identity(content), body=path if kind == 'gzip' else GzipFile(path), path=path)


def check_url(client, url):
    """Refuse a URL the rack would not fetch, before anything is written."""
    scheme = urlsplit(url).scheme
    if scheme in V3_SOURCE_SCHEMES:
        return
    version = str(client.system_get().get('version') or '')
    v2 = version.isdigit()
    if v2 and scheme in V2_SOURCE_SCHEMES:
        return
    raise ConvoxConfigError('the rack cannot fetch %s sources: %s' % (
        scheme or 'scheme-less', 'v2 racks fetch object://, http:// and https:// URLs' if v2 else
        'v3 racks fetch object://<app>/<key> URLs only (upload the tarball with source instead)'))


def find_existing(client, app, source):
    """The build an identical source already gave, or None."""
    if source.kind == 'import':
        marker = read_or_none(client.object_read, app, import_marker_key(source.digest))
        build_id = decode_import_marker(marker) if marker is not None else None
        if build_id is None:
            return None
        builds = client.build_list(app, limit=BUILD_LOOKBACK)
        build = find_listed(builds, build_id, BUILD_LOOKBACK, client.build_get, app, build_id)
        return build if build is not None and build.get('status') == BUILD_COMPLETE else None
    return find_build(client.build_list(app, limit=BUILD_LOOKBACK), source.digest)


def create(module, state, client, app, source):
    """Upload and start the build (or import it); returns the new build."""
    p = module.params
    if source.kind == 'import':
        build = state.write(client.build_import, app, source.path, timeout=p['import_timeout'])
        state.facts['upload'] = dict(object=source.path, bytes=os.path.getsize(source.path))
        state.facts['build'] = snake_keys(build)
        state.write(client.object_store, app, import_marker_key(source.digest), io.BytesIO(encode_import_marker(build['id'])))
        return build
    url, digest = source.url, source.digest
    if source.kind != 'url':
        # A random key, as the CLI uses: builds of the same source never share an upload.
        key = 'tmp/%s.tgz' % secrets.token_hex(15)
        url = state.write(client.object_store, app, key, source.body)
        upload = dict(object=url)
        if source.kind == 'directory':
            upload.update(bytes=source.body.size, entries=source.body.entries)
            sent = source.identity(source.body.digest)
            if sent != digest:
                module.warn('the source directory changed while it was uploaded; the build records what was sent')
                digest = sent
                state.facts['digest'] = digest
        elif isinstance(source.body, GzipFile):
            upload.update(bytes=source.body.size)
        else:
            upload.update(bytes=os.path.getsize(source.path))
        state.facts['upload'] = upload
    build = state.write(client.build_create, app, url, description=described(p['description'], digest), manifest=p['manifest'],
                        development=p['development'] or None, no_cache=p['no_cache'] or None, build_args=build_arguments(module) or None)
    state.facts['build'] = snake_keys(build)
    return build


def finish_build(module, state, client, app, build):
    """Wait for the build to end; a failed build fails the task with the end of its log."""
    lines = module.params['log_lines']
    try:
        build, streamed = wait_build(client, module.waiter(), app, build['id'], log_lines=lines)
    except ConvoxWaitFailed as error:
        failed = error.value or build
        state.facts['build'] = snake_keys(failed)
        # The stored log, or what the builder streamed when the rack has not stored it (yet).
        tail = log_tail(client, failed, lines) or error.streamed_log or []
        state.facts['log_tail'] = tail
        reason = failed.get('reason') or failure_reason(tail) or 'see the build log'
        module.fail_json(msg='build %s of app %s %s: %s' % (failed.get('id'), app, build_status(failed), reason),
                         **state.failure(last_status=error.status, statuses=error.statuses))
    state.facts['build'] = snake_keys(build)
    state.facts['log_tail'] = log_tail(client, build, lines) or streamed or []
    return build


def deploy_plan(client, app_name, app, build):
    """How to make the app run ``build``, or None before the build has a release (check mode, a running build).

    The releases are read only when the app does not already run the build's own release.
    """
    if build is None or not build.get('release'):
        return None
    if same_id(app.get('release'), build['release']):
        return ReleasePlan(NOTHING, dict(id=app['release'], build=build['id']))
    releases = client.release_list(app_name, limit=RELEASE_LOOKBACK)
    active = None
    if app.get('release'):
        active = find_listed(releases, app['release'], RELEASE_LOOKBACK, client.release_get, app_name, app['release'])
    return ReleaseHistory(releases).plan_build(active, build['id'])


def main():
    module = ConvoxModule(
        argument_spec=dict(
            app=dict(type='str', required=True),
            source=dict(type='path'),
            url=dict(type='str'),
            import_path=dict(type='path'),
            description=dict(type='str'),
            manifest=dict(type='str'),
            development=dict(type='bool', default=False),
            no_cache=dict(type='bool', default=False),
            build_args=dict(type='dict'),
            promote=dict(type='bool', default=False),
            force=dict(type='bool', default=False),
            log_lines=dict(type='int', default=20),
            import_timeout=dict(type='float', default=BUILD_IMPORT_TIMEOUT),
        ),
        wait=True,
        supports_check_mode=True,
        mutually_exclusive=[('source', 'url', 'import_path')],
        required_one_of=[('source', 'url', 'import_path')],
    )
    p = module.params
    app_name = p['app']
    if p['log_lines'] < 0:
        module.fail_json(msg='log_lines must be 0 or more')
    state = DesiredState(module, FIELDS, presence=False)
    with module.api_errors(state.facts):
        check_name('app', app_name)
        source = prepare(module)
        state.facts['digest'] = source.digest
        client = module.client
        if source.kind == 'url':
            check_url(client, source.url)
        existing = None if p['force'] else find_existing(client, app_name, source)
        app = plan = None
        if p['promote'] and existing is not None:
            app = client.app_get(app_name)
            plan = deploy_plan(client, app_name, app, existing)
        state.plan(dict(digest=source.digest if existing is not None else None, deployed=plan is not None and plan.action == NOTHING),
                   dict(digest=source.digest, deployed=True if p['promote'] else None))
        if p['force']:
            state.changed_outside_plan()
        build = existing
        if existing is not None:
            state.facts['build'] = snake_keys(existing)
        elif not module.check_mode:
            build = create(module, state, client, app_name, source)
        if build is not None and not module.check_mode:
            pending = build_status(build) in BUILD_PENDING
            if pending and (p['wait'] or p['promote']):
                build = finish_build(module, state, client, app_name, build)
            if p['promote'] and (pending or existing is None):
                # Read what runs now: the app may have changed while it built.
                app = client.app_get(app_name)
                plan = deploy_plan(client, app_name, app, build)
        if p['promote'] and not module.check_mode:
            if plan is None:
                raise ConvoxStateError('build %s is complete but the rack gave it no release to deploy' % build['id'])
            state.facts['rolled_back'] = False
            release, _created = carry_out(state, client, module.waiter(), app_name, app, plan, force=p['force'], wait=p['wait'])
            state.facts['release'] = release['id']
        elif p['promote'] and plan is not None and plan.release is not None:
            state.facts['release'] = plan.release['id']
    module.exit_json(**state.result())


if __name__ == '__main__':
    main()
