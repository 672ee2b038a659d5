# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Build sources on the local disk: what a directory holds, its content digest, and its upload stream.

A build source is a directory (packed the way the Convox CLI packs it: Docker's ``.dockerignore``
rules, see ``_dockerignore``), a tarball, or an exported build. Memory stays flat whatever the
size: files are read in chunks, and a directory is tarred and gzipped while it is sent.

* ``walk_source(root)``: the entries a directory's build context holds, in Docker's walk order.
* ``ContentDigest``: a digest of *what* a source holds - paths, entry kinds, permission bits,
  file contents and symlink targets, in sorted path order - so that it does not depend on tar
  or gzip details (order, timestamps, owners, compression). A directory and a tarball made from it
  have the same digest.
* ``directory_digest(root)``, ``tarball_digest(path)``, ``file_sha256(path)``.
* ``DirectoryArchive(root)``, ``GzipFile(path)``: callables for ``Transport.upload``; each call
  returns a fresh iterator of gzip chunks (so a retried upload starts again), and the archive
  records the digest of what it actually sent.
* ``tarball_kind(path)``: ``gzip`` or ``tar``; anything else is refused.

Only directories, regular files and symlinks are packed (symlinks as links, never followed, as
Docker does); sockets, pipes and devices are skipped and reported. Hard links are packed as
separate regular files.
"""

from __future__ import annotations

import collections
import hashlib
import os
import posixpath
import stat
import tarfile
import zlib

from ansible_collections.convox.convox.plugins.module_utils._dockerignore import Matcher, clean_path, read_patterns
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxFileError, shown

CHUNK_SIZE = 64 * 1024
DOCKERIGNORE = '.dockerignore'
_BLOCK = tarfile.BLOCKSIZE
_RECORD = tarfile.RECORDSIZE
_DIGEST_HEADER = b'convox.convox source digest 1\n'
_GZIP_MAGIC = b'\x1f\x8b'
# Compressed formats a rack cannot read (its builder only gunzips): said so instead of a failed build.
_OTHER_COMPRESSIONS = ((b'BZh', 'bzip2'), (b'\xfd7zXZ\x00', 'xz'), (b'\x28\xb5\x2f\xfd', 'zstd'), (b'PK\x03\x04', 'zip'))

DIRECTORY = 'd'
FILE = 'f'
SYMLINK = 'l'
HARDLINK = 'h'

SourceEntry = collections.namedtuple('SourceEntry', 'path kind absolute stat')


def _os_error(action, path, exc):
    return ConvoxFileError('cannot %s %s: %s' % (action, path, exc.strerror or type(exc).__name__))


def source_root(path):
    """The directory a source path names, with symlinks resolved (as the CLI does); refuses anything else."""
    root = os.path.realpath(os.fsdecode(path))
    if not os.path.isdir(root):
        raise ConvoxFileError('cannot read the source directory %s: not a directory' % path)
    return root


def read_matcher(root):
    """The ``.dockerignore`` rules of a source directory (none when it has no such file)."""
    path = os.path.join(root, DOCKERIGNORE)
    try:
        with open(path, 'rb') as handle:
            text = handle.read().decode('utf-8', 'surrogateescape')
    except FileNotFoundError:
        return Matcher([])
    except OSError as exc:
        raise _os_error('read', path, exc) from None
    return Matcher(read_patterns(text))


def _children(absolute, relative):
    try:
        names = os.listdir(absolute)
    except OSError as exc:
        raise _os_error('read the directory', absolute, exc) from None
    # Byte order, as Go's directory walk sorts names.
    for name in sorted(names, key=os.fsencode):
        path = os.path.join(absolute, name)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            # Removed while the directory was being walked.
            continue
        except OSError as exc:
            raise _os_error('read', path, exc) from None
        yield (relative + '/' + name if relative else name), path, info


def _kind(info):
    if stat.S_ISDIR(info.st_mode):
        return DIRECTORY
    if stat.S_ISREG(info.st_mode):
        return FILE
    if stat.S_ISLNK(info.st_mode):
        return SYMLINK
    return None


def walk_source(root, matcher=None, skipped=None):
    """Yield the ``SourceEntry`` of every path the build context of ``root`` holds, parents first.

    Excluded directories are not entered, unless an exception pattern names something inside
    them (then the directory itself stays out and what the exception brings back goes in).
    ``skipped`` (a list) receives the paths of special files (sockets, pipes, devices).
    """
    matcher = matcher if matcher is not None else read_matcher(root)
    pending = [(_children(root, ''), Matcher.ROOT)]
    while pending:
        children, parent_state = pending[-1]
        child = next(children, None)
        if child is None:
            pending.pop()
            continue
        relative, absolute, info = child
        excluded, state = matcher.excluded(relative, parent_state)
        kind = _kind(info)
        if excluded:
            if kind == DIRECTORY and matcher.keeps_exceptions_under(relative):
                pending.append((_children(absolute, relative), state))
            continue
        if kind is None:
            if skipped is not None:
                skipped.append(relative)
            continue
        yield SourceEntry(relative, kind, absolute, info)
        if kind == DIRECTORY:
            pending.append((_children(absolute, relative), state))


class ContentDigest:
    """SHA-256 over a source's entries, sorted by path: kind, permission bits, path, and content or link target."""

    def __init__(self):
        self._records = []

    def add(self, path, kind, mode, payload=b''):
        if isinstance(payload, str):
            payload = os.fsencode(payload)
        self._records.append((os.fsencode(path), kind.encode('ascii'), stat.S_IMODE(mode), payload))

    @property
    def entries(self):
        return len(self._records)

    def hexdigest(self):
        digest = hashlib.sha256(_DIGEST_HEADER)
        for path, kind, mode, payload in sorted(self._records):
            digest.update(b'%s %o %d:%s %d:%s\n' % (kind, mode, len(path), path, len(payload), payload))
        return digest.hexdigest()


def _read_file(entry):
    """The file's bytes in chunks, exactly as many as it had when it was listed (its tar header says so)."""
    remaining = entry.stat.st_size
    try:
        with open(entry.absolute, 'rb') as handle:
            while remaining > 0:
                chunk = handle.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    raise ConvoxFileError('cannot read %s: it shrank while the source was being read' % entry.absolute)
                remaining -= len(chunk)
                yield chunk
    except OSError as exc:
        raise _os_error('read', entry.absolute, exc) from None


def _link_target(entry):
    try:
        return os.readlink(entry.absolute)
    except OSError as exc:
        raise _os_error('read the link', entry.absolute, exc) from None


def _record(content, entry, file_hash=None):
    if entry.kind == FILE:
        content.add(entry.path, FILE, entry.stat.st_mode, file_hash.encode('ascii'))
    elif entry.kind == SYMLINK:
        content.add(entry.path, SYMLINK, entry.stat.st_mode, _link_target(entry))
    else:
        content.add(entry.path, DIRECTORY, entry.stat.st_mode)


def directory_digest(root, matcher=None, skipped=None):
    """``(digest, entries)`` of the build context of a directory (reads every file once)."""
    content = ContentDigest()
    for entry in walk_source(root, matcher, skipped):
        file_hash = None
        if entry.kind == FILE:
            hasher = hashlib.sha256()
            for chunk in _read_file(entry):
                hasher.update(chunk)
            file_hash = hasher.hexdigest()
        _record(content, entry, file_hash)
    return content.hexdigest(), content.entries


def _nonempty(data):
    # An empty chunk would end a chunked request body early on some HTTP stacks.
    return (data,) if data else ()


def _tar_header(entry):
    name = entry.path + '/' if entry.kind == DIRECTORY else entry.path
    info = tarfile.TarInfo(name)
    info.mode = stat.S_IMODE(entry.stat.st_mode)
    info.uid, info.gid = entry.stat.st_uid, entry.stat.st_gid
    info.uname = info.gname = ''
    info.mtime = int(entry.stat.st_mtime)
    if entry.kind == FILE:
        info.type, info.size = tarfile.REGTYPE, entry.stat.st_size
    elif entry.kind == SYMLINK:
        info.type, info.linkname = tarfile.SYMTYPE, _link_target(entry)
    else:
        info.type = tarfile.DIRTYPE
    return info.tobuf(tarfile.PAX_FORMAT, 'utf-8', 'surrogateescape')


class DirectoryArchive:
    """A directory's build context as a gzipped tar, produced while it is sent (``Transport.upload``).

    Each call starts a fresh pass. After a complete pass, ``digest`` is the content digest of what
    was sent, ``entries`` the number of entries and ``size`` the number of gzip bytes.
    """

    def __init__(self, root, matcher=None):
        self.root = root
        self.matcher = matcher if matcher is not None else read_matcher(root)
        self.digest = None
        self.entries = 0
        self.size = 0

    def __call__(self):
        self.digest, self.entries, self.size = None, 0, 0
        return self._chunks()

    def _chunks(self):
        compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        content = ContentDigest()
        written = 0
        for entry in walk_source(self.root, self.matcher):
            header = _tar_header(entry)
            written += len(header)
            for data in _nonempty(compressor.compress(header)):
                self.size += len(data)
                yield data
            file_hash = None
            if entry.kind == FILE:
                hasher = hashlib.sha256()
                for chunk in _read_file(entry):
                    hasher.update(chunk)
                    written += len(chunk)
                    for data in _nonempty(compressor.compress(chunk)):
                        self.size += len(data)
                        yield data
                file_hash = hasher.hexdigest()
                padding = -entry.stat.st_size % _BLOCK
                written += padding
                for data in _nonempty(compressor.compress(b'\0' * padding)):
                    self.size += len(data)
                    yield data
            _record(content, entry, file_hash)
        # Two zero blocks end the archive, which is padded to whole records, as tar writers do.
        trailer = 2 * _BLOCK
        trailer += -(written + trailer) % _RECORD
        for data in _nonempty(compressor.compress(b'\0' * trailer) + compressor.flush()):
            self.size += len(data)
            yield data
        self.digest, self.entries = content.hexdigest(), content.entries


class GzipFile:
    """A local file gzipped while it is sent (a plain tar given as a build source)."""

    def __init__(self, path):
        self.path = path
        self.size = 0

    def __call__(self):
        self.size = 0
        return self._chunks()

    def _chunks(self):
        compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        try:
            with open(self.path, 'rb') as handle:
                while True:
                    chunk = handle.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    for data in _nonempty(compressor.compress(chunk)):
                        self.size += len(data)
                        yield data
        except OSError as exc:
            raise _os_error('read', self.path, exc) from None
        data = compressor.flush()
        self.size += len(data)
        yield data


def _head(path, size):
    try:
        with open(path, 'rb') as handle:
            return handle.read(size)
    except OSError as exc:
        raise _os_error('read', path, exc) from None


def tarball_kind(path):
    """``gzip`` for a gzip file, ``tar`` for an uncompressed tar; anything else is refused."""
    head = _head(path, 512)
    if head.startswith(_GZIP_MAGIC):
        return 'gzip'
    if head[257:262] == b'ustar':
        return 'tar'
    for magic, name in _OTHER_COMPRESSIONS:
        if head.startswith(magic):
            raise ConvoxConfigError('%s is %s-compressed: racks read gzipped tarballs only (recompress it with gzip, or give '
                                    'the directory)' % (path, name))
    if len(head) == 512 and _plain_tar(path):
        return 'tar'
    raise ConvoxConfigError('%s is not a tarball: give a directory, a .tar.gz or a .tar file' % path)


def _plain_tar(path):
    """A pre-POSIX tar without the ustar magic: tarfile's own header check decides."""
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _member_path(name):
    return clean_path('/' + name)[1:]


def _escapes(name):
    """Whether a member lands outside the directory a rack extracts the tarball into.

    The rack joins each name onto its build directory (``filepath.Join(dir, name)``): a leading ``/`` stays
    inside, a ``..`` that climbs above the top does not - newer racks fail the build with ``illegal file path
    in archive``, older ones write the file outside the build directory.
    """
    joined = posixpath.normpath('./' + name)
    return joined == '..' or joined.startswith('../')


def tarball_digest(path, kind=None):
    """``(digest, entries)`` of a tarball's content, comparable with ``directory_digest`` of the same files."""
    kind = kind or tarball_kind(path)
    content = ContentDigest()
    try:
        with open(path, 'rb') as handle, tarfile.open(fileobj=handle, mode='r|gz' if kind == 'gzip' else 'r|') as archive:
            for member in archive:
                if _escapes(member.name):
                    raise ConvoxConfigError('%s holds %s, which lies outside the top of the tarball (its path climbs out with ..): '
                                            'racks refuse it (illegal file path in archive); give paths relative to the top'
                                            % (path, shown(member.name)))
                name = _member_path(member.name)
                if not name:
                    continue
                if member.isreg():
                    hasher = hashlib.sha256()
                    stream = archive.extractfile(member)
                    while True:
                        chunk = stream.read(CHUNK_SIZE)
                        if not chunk:
                            break
                        hasher.update(chunk)
                    content.add(name, FILE, member.mode, hasher.hexdigest())
                elif member.issym():
                    content.add(name, SYMLINK, member.mode, member.linkname)
                elif member.islnk():
                    content.add(name, HARDLINK, member.mode, _member_path(member.linkname))
                elif member.isdir():
                    content.add(name, DIRECTORY, member.mode)
                else:
                    content.add(name, 'o', member.mode, member.type)
    except OSError as exc:
        raise _os_error('read', path, exc) from None
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise ConvoxConfigError('%s is not a readable %s: %s' % (path, 'gzipped tar' if kind == 'gzip' else 'tar', exc or type(exc).__name__)) \
            from None
    return content.hexdigest(), content.entries


def file_sha256(path):
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    try:
        with open(path, 'rb') as handle:
            while True:
                chunk = handle.read(CHUNK_SIZE)
                if not chunk:
                    break
                digest.update(chunk)
    except OSError as exc:
        raise _os_error('read', path, exc) from None
    return digest.hexdigest()


def is_gzip(path):
    return _head(path, 2) == _GZIP_MAGIC
