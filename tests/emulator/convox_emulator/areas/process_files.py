# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Files in a process: ``/apps/{app}/processes/{pid}/files`` (convox-api.md 2.5, 1.7; provider/k8s file.go).

The rack execs tar and rm in the pod; here each process has an in-memory file tree
(``files_of(state)[(app, pid)]``: absolute path -> bytes, or None for a directory), gone with the process.

- ``POST`` (raw tar body, query ``tar-extra``: a comma list of ``--no-same-owner``,
  ``--no-same-permissions``, ``--strip-components=N``; anything else is 500 ``unsupported tar flag: X``):
  ``tar -C / -xf -``. A missing pod is 500 ``pods "<pid>" not found``; a body that is not a tar
  archive makes tar exit 2 (500 ``command terminated with non-zero exit code: ...``).
- ``GET`` (``file``): ``tar -cf - <file>`` streamed as it comes: the file (a directory with its
  contents) with the leading ``/`` dropped from member names. The exec runs after the answer has
  started, so a missing file or pod is an empty 200.
- ``DELETE`` (``files``, a comma list, from the query: Go does not parse DELETE bodies): ``rm -f --``;
  missing files are fine, a directory makes rm exit 1.

v2 (ECS, docker): upload and download check the app and the process (404s), take no ``tar-extra``,
and delete is 500 ``unimplemented``.
"""

import io
import posixpath
import tarfile

from aiohttp import web

from .. import golang, render
from ..errors import ServerError
from ..routing import BARE_KEY

EXTENSION_KEY = 'process_files'
_ALLOWED_FLAGS = ('--no-same-owner', '--no-same-permissions')


def files_of(state):
    with state.lock:
        files = state.extensions.get(EXTENSION_KEY)
        if files is None:
            files = state.extensions[EXTENSION_KEY] = {}
        return files


def _process_tree(state, app_name, pid):
    """The process's file tree, or None when the pod does not exist (stale trees of stopped processes are dropped)."""
    files = files_of(state)
    if pid not in state.processes.get(app_name, {}):
        files.pop((app_name, pid), None)
        return None
    return files.setdefault((app_name, pid), {})


def _exit_error(command, code):
    return ServerError('command terminated with non-zero exit code: error executing command [%s], exit code %d' % (' '.join(command), code))


def _allowed_flag(flag):
    if flag in _ALLOWED_FLAGS:
        return True
    prefix = '--strip-components='
    return flag.startswith(prefix) and flag[len(prefix):].isdigit() and flag[len(prefix):].isascii()


def _v2_checks(ctx):
    state = ctx.state
    state.app_get(ctx.var('app'))
    if ctx.var('pid') not in state.processes.get(ctx.var('app'), {}):
        raise state.semantics.workloads.process_not_found(ctx.var('pid'))


async def files_upload(ctx):
    state, app_name, pid = ctx.state, ctx.var('app'), ctx.var('pid')
    command = ['tar']
    if ctx.semantics.major == 2:
        with state.lock:
            _v2_checks(ctx)
    else:
        raw_flags = ctx.params.query('tar-extra')
        if raw_flags is not None:
            flags = raw_flags.split(',')
            for flag in flags:
                if not _allowed_flag(flag):
                    raise ServerError('unsupported tar flag: %s' % flag)
            command += flags
    command += ['-C', '/', '-xf', '-']
    body = await ctx.request.read()
    strip = 0
    for flag in command:
        if flag.startswith('--strip-components='):
            strip = int(flag.split('=', 1)[1])
    with state.lock:
        state.settle()
        tree = _process_tree(state, app_name, pid)
        if tree is None:
            raise ServerError('pods %s not found' % golang.quote(pid))
        try:
            with tarfile.open(fileobj=io.BytesIO(body), mode='r:*') as archive:
                members = [(member, archive.extractfile(member).read() if member.isfile() else None) for member in archive.getmembers()]
        except (tarfile.TarError, EOFError, OSError):
            raise _exit_error(command, 2) from None
        for member, data in members:
            parts = [part for part in member.name.split('/') if part not in ('', '.')][strip:]
            if not parts or '..' in parts or not (member.isfile() or member.isdir()):
                continue
            path = '/' + '/'.join(parts)
            for depth in range(1, len(parts)):
                tree.setdefault('/' + '/'.join(parts[:depth]), None)
            tree[path] = data
    return render.ok_response()


def _archive(tree, requested):
    """tar -cf - <requested>: member names without the leading '/' (GNU tar strips it)."""
    path = posixpath.normpath('/' + requested.lstrip('/')) if requested else ''
    if path not in tree:
        return b''
    selected = [name for name in sorted(tree) if name == path or name.startswith(path.rstrip('/') + '/')]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode='w', format=tarfile.GNU_FORMAT) as archive:
        for name in selected:
            info = tarfile.TarInfo((requested.lstrip('/') if name == path else requested.lstrip('/').rstrip('/') + name[len(path):]) or '.')
            data = tree[name]
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                archive.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


async def files_download(ctx):
    state, app_name, pid = ctx.state, ctx.var('app'), ctx.var('pid')
    requested = ctx.params.value('file')
    with state.lock:
        state.settle()
        if ctx.semantics.major == 2:
            _v2_checks(ctx)
        tree = _process_tree(state, app_name, pid)
        data = _archive(tree, requested) if tree is not None else b''
    if not data:
        ctx.request[BARE_KEY] = True
        return render.empty_response(200)
    # io.Copy into the response: net/http sniffs the type from the first bytes.
    return web.Response(body=data, headers={'Content-Type': render.sniff_content_type(data)})


async def files_delete(ctx):
    state, app_name, pid = ctx.state, ctx.var('app'), ctx.var('pid')
    if ctx.semantics.major == 2:
        raise ServerError('unimplemented')
    names = ctx.params.value('files').split(',')
    command = ['rm', '-f', '--'] + names
    with state.lock:
        state.settle()
        tree = _process_tree(state, app_name, pid)
        if tree is None:
            raise ServerError('pods %s not found' % golang.quote(pid))
        failed = False
        for name in names:
            path = posixpath.normpath('/' + name.lstrip('/')) if name else ''
            if path in tree and tree[path] is None:
                failed = True
            else:
                tree.pop(path, None)
        if failed or '' in names:
            raise _exit_error(command, 1)
    return render.ok_response()


def register(router, _state):
    router.route('DELETE', '/apps/{app}/processes/{pid}/files', files_delete)
    router.route('GET', '/apps/{app}/processes/{pid}/files', files_download)
    router.route('POST', '/apps/{app}/processes/{pid}/files', files_upload)
