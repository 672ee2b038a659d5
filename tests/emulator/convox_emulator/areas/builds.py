# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds: create from a source URL, list, get, update, import, export, image import (convox-api.md 2.2, 6.6, 6.7).

What happens over time is in builds_state.py. Reading an archive (a source tarball, an import body)
is blocking work on a possibly large file: it runs in the default executor, and request bodies are
spooled (blobs.py), so memory stays flat whatever the size.
"""

import asyncio
import gzip
import urllib.parse

import aiohttp
from aiohttp import web

from .. import builds_state, render
from ..blobs import READ_CHUNK, spool
from ..errors import ApiError, ServerError, Unprocessable
from ..routing import AbortConnection
from ..server import check_loopback
from .objects import sanitize_key

# Source downloads (v2 http(s) URLs) are for local fixtures: a short deadline keeps a stuck server from stalling a test.
FETCH_TIMEOUT_SECONDS = 60


def _json(ctx, build, repository=None):
    return render.json_response(builds_state.build_json(ctx.state, build, repository))


async def build_list(ctx):
    """Newest started first; ``limit`` is a query option (default 10)."""
    state = ctx.state
    limit = ctx.params.query('limit', 'int', default='10')
    with state.lock:
        state.app_get(ctx.var('app'))
        builds = sorted(state.builds[ctx.var('app')].values(), key=lambda build: build.started_ns, reverse=True)
        if limit < 0:
            # BuildList slices bs[0:limit] whenever len(bs) > limit: a negative limit panics and net/http drops the connection.
            raise AbortConnection()
        return render.json_response([builds_state.build_json(state, build) for build in builds[:limit]])


async def build_get(ctx):
    state = ctx.state
    with state.lock:
        state.settle()
        return _json(ctx, state.build_get(ctx.var('app'), ctx.var('id')))


async def build_create(ctx):
    """BuildCreate: the build is saved, then (unless external) its builder starts on the source."""
    state, params, app = ctx.state, ctx.params, ctx.var('app')
    rules = builds_state.for_rack(ctx.semantics)
    url = params.value('url')
    # structs.BuildCreateOptions, in field order; bools never fail to parse, lists and strings cannot.
    build_args = params.param('build-args', 'list')
    description = params.param('description') or ''
    params.param('development', 'bool')
    external = params.param('external', 'bool')
    manifest_name = params.param('manifest') or builds_state.DEFAULT_MANIFEST
    command = builds_state.builder_command(params.param('no-cache', 'bool'), build_args)
    wildcard_domain = bool(params.param('wildcard-domain', 'bool'))
    with state.lock:
        state.app_get(app)
        build = state.build_add(app, description=description, git_sha=(params.param('git-sha') or '') if rules.keeps_git_sha else '')
        builds_state.tracker(state).wildcard_domains[(app, build.id)] = wildcard_domain
    if external and rules.external_builds:
        # The push URL is computed for this response only: the Build resource has no field for it.
        return _json(ctx, build, 'https://convox:%s@api.%s/%s' % (state.password, ctx.semantics.domain, app))
    outcome = await _source_outcome(ctx, app, build.id, url, manifest_name)
    builds_state.start_build(state, app, build, outcome, command)
    data = builds_state.build_json(state, build)
    data['status'] = rules.create_response_status
    return render.json_response(data)


async def _source_outcome(ctx, app, build_id, url, manifest_name):
    """Fetch and read the source like the builder would; every problem becomes a failed build, not an API error."""
    state = ctx.state
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in builds_state.for_rack(ctx.semantics).source_schemes:
        return builds_state.failed_source('unknown source type')
    if parsed.scheme == 'object':
        try:
            key = sanitize_key(parsed.path)
            blob = state.object_get(parsed.netloc, key)
        except ApiError as error:
            return builds_state.failed_source(error.message)
        return await _plan(ctx, app, build_id, manifest_name, blob)
    blob, failure = await _download(state, url, parsed.hostname or '')
    if failure is not None:
        return failure
    try:
        return await _plan(ctx, app, build_id, manifest_name, blob)
    finally:
        blob.discard()


async def _plan(ctx, app, build_id, manifest_name, blob):
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(None, builds_state.plan_source_build, ctx.semantics, app, build_id, manifest_name, blob.chunks())
    except OSError as error:
        # The object was overwritten or deleted between lookup and read.
        return builds_state.failed_source(str(error))


async def _download(state, url, host):
    """GET an http(s) source into a spooled blob; only loopback hosts, so tests never reach the network."""
    try:
        check_loopback(host)
    except ValueError:
        return None, builds_state.failed_source('emulator: refusing to fetch %s: only loopback hosts are allowed' % url)
    try:
        timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
            if response.status != 200:
                return None, builds_state.failed_source('GET %s: %d %s' % (url, response.status, response.reason))
            return await spool(response.content.iter_chunked(READ_CHUNK), state.storage_dir), None
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return None, builds_state.failed_source('GET %s: %s' % (url, error or type(error).__name__))


async def build_update(ctx):
    """BuildUpdate: every option is parsed (500 on a bad time) before the build is looked up."""
    state, params = ctx.state, ctx.params
    ended = params.param('ended', 'time')
    entrypoint = params.param('entrypoint')
    logs = params.param('logs')
    manifest = params.param('manifest')
    release = params.param('release')
    started = params.param('started', 'time')
    status = params.param('status')
    with state.lock:
        state.settle()
        build = state.build_get(ctx.var('app'), ctx.var('id'))
        updates = {'ended_ns': ended, 'entrypoint': entrypoint, 'logs': logs, 'manifest': manifest, 'release': release,
                   'started_ns': started, 'status': status}
        for field, value in updates.items():
            if value is not None:
                setattr(build, field, value)
        if status is not None:
            # Whoever sets the status now owns the build (a builder of its own, an external push).
            builds_state.cancel_pending(state, ctx.var('app'), build)
        return _json(ctx, build)


async def build_import(ctx):
    """BuildImport: a gzipped tar with build.json (and image archives) as the raw body."""
    state = ctx.state
    blob = await spool(ctx.request.content.iter_chunked(READ_CHUNK), state.storage_dir)
    try:
        source = await asyncio.get_running_loop().run_in_executor(None, builds_state.read_import, blob.chunks())
    except builds_state.SourceError as error:
        raise ServerError(error.message) from None
    finally:
        blob.discard()
    return _json(ctx, builds_state.import_build(state, ctx.var('app'), source))


async def build_export(ctx):
    """BuildExport: checks first (errors are ordinary responses), then the gzipped tar, streamed without a length."""
    members = builds_state.export_members(ctx.state, ctx.var('app'), ctx.var('id'))
    body = gzip.compress(builds_state.tar_bytes(members))
    # The handler writes without a Content-Type, so net/http sniffs it (application/x-gzip).
    response = web.StreamResponse(headers={'Content-Type': render.sniff_content_type(body[:512])})
    await response.prepare(ctx.request)
    for offset in range(0, len(body), READ_CHUNK):
        await response.write(body[offset:offset + READ_CHUNK])
    await response.write_eof()
    return response


async def build_image(ctx):
    """BuildImportImage: 422 without ``image``; the relay itself runs in the background; 202 with no body."""
    state, params = ctx.state, ctx.params
    image = params.value('image')
    if not image:
        raise Unprocessable('image param required')
    params.param('src-creds-user')
    params.param('src-creds-pass')
    with state.lock:
        state.settle()
        build = builds_state.check_image_import(state, ctx.var('app'), ctx.var('id'), image)
        builds_state.start_image_import(state, ctx.var('app'), build)
    return render.empty_response(202)


def register(router, state):
    builds_state.install(state)
    router.route('POST', '/apps/{app}/builds', build_create)
    # Before /builds/{id}: gorilla/mux (and aiohttp) match in registration order, and {id} would take "B1.tgz".
    router.route('GET', '/apps/{app}/builds/{id}.tgz', build_export)
    router.route('GET', '/apps/{app}/builds/{id}', build_get)
    router.route('POST', '/apps/{app}/builds/import', build_import)
    if builds_state.for_rack(state.semantics).image_import:
        router.route('POST', '/apps/{app}/builds/{id}/image', build_image)
    router.route('GET', '/apps/{app}/builds', build_list)
    router.route('PUT', '/apps/{app}/builds/{id}', build_update)
