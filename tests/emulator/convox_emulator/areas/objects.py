# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Objects: the rack's blob store, used for source uploads and build logs (convox-api.md 2.8).

Like the k8s provider, the store does not check that the app exists: it is a directory per app.
Uploads are read in chunks and spooled (blobs.py); downloads stream.
"""

import hashlib
import secrets

from aiohttp import web

from .. import golang, render
from ..blobs import READ_CHUNK, spool
from ..errors import BadRequest, Unimplemented


def sanitize_key(key):
    """pkg/api sanitizeObjectKey: cleaned relative path, no '..' segment, not empty."""
    cleaned = golang.path_clean('/' + key)[1:]
    if cleaned in ('', '.') or not cleaned.strip() or '..' in key.split('/'):
        raise BadRequest('invalid object key')
    return cleaned


def temporary_key():
    """ObjectStore with an empty key: tmp/ + 30 hex characters."""
    return 'tmp/%s' % hashlib.sha256(secrets.token_bytes(1024)).hexdigest()[:30]


async def object_store(ctx):
    app = ctx.var('app')
    key = ctx.var('key')
    if key:
        key = sanitize_key(key)
    ctx.params.header('Public', 'bool')
    blob = await spool(ctx.request.content.iter_chunked(READ_CHUNK), ctx.state.storage_dir)
    if not key:
        key = temporary_key()
    ctx.state.object_put(app, key, blob)
    return render.json_response({'Url': 'object://%s/%s' % (app, key)})


async def object_exists(ctx):
    """HEAD: the handler renders JSON true/false; HEAD drops the body, so both are a bare 200."""
    key = sanitize_key(ctx.var('key'))
    return render.json_response(ctx.state.object_exists(ctx.var('app'), key))


async def object_fetch(ctx):
    key = sanitize_key(ctx.var('key'))
    blob = ctx.state.object_get(ctx.var('app'), key)
    # The handler io.Copy's without a Content-Type, so net/http sniffs one from the first bytes.
    response = web.StreamResponse(headers={'Content-Type': render.sniff_content_type(blob.head(512))})
    response.content_length = blob.size
    await response.prepare(ctx.request)
    for chunk in blob.chunks():
        await response.write(chunk)
    await response.write_eof()
    return response


async def object_delete(ctx):
    key = sanitize_key(ctx.var('key'))
    ctx.state.object_delete(ctx.var('app'), key)
    return render.ok_response()


async def object_list(ctx):
    prefix = ctx.params.value('prefix')
    if '..' in prefix.split('/'):
        raise BadRequest('invalid prefix')
    if not ctx.semantics.object_list_supported:
        raise Unimplemented('unimplemented')
    app = ctx.var('app')
    with ctx.state.lock:
        keys = sorted(key for (owner, key) in ctx.state.objects if owner == app and key.startswith(prefix))
    return render.json_response(keys)


def register(router, _state):
    router.route('DELETE', '/apps/{app}/objects/{key:.*}', object_delete)
    router.route('HEAD', '/apps/{app}/objects/{key:.*}', object_exists)
    router.route('GET', '/apps/{app}/objects/{key:.*}', object_fetch)
    router.route('GET', '/apps/{app}/objects', object_list)
    router.route('POST', '/apps/{app}/objects/{key:.*}', object_store)
