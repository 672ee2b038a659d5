# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build sources: what a directory's build context holds, content digests, and the streamed archives."""

from __future__ import annotations

import bz2
import gzip
import io
import os
import tarfile
import tracemalloc

import pytest

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxFileError
from ansible_collections.convox.convox.plugins.module_utils._source import (
    DirectoryArchive,
    GzipFile,
    directory_digest,
    file_sha256,
    read_matcher,
    tarball_digest,
    tarball_kind,
    walk_source,
)


def write(root, relative, data=b'x', mode=None):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode('utf-8'))
    if mode is not None:
        os.chmod(path, mode)
    return path


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / 'app'
    write(root, 'convox.yml', 'services:\n  web:\n    build: .\n')
    write(root, 'Dockerfile', 'FROM scratch\n')
    write(root, 'src/main.go', 'package main\n')
    write(root, 'src/main_test.go', 'package main\n')
    write(root, 'docs/README.md', '# docs\n')
    write(root, 'docs/guide.md', 'guide\n')
    write(root, 'node_modules/left-pad/index.js', 'module.exports = 1\n')
    write(root, 'web/node_modules/x.js', 'x\n')
    write(root, 'notes.tmp', 'scratch\n')
    write(root, 'run.sh', '#!/bin/sh\n', mode=0o755)
    (root / 'empty').mkdir()
    os.symlink('src/main.go', str(root / 'link'))
    os.symlink('/etc', str(root / 'outside'))
    return root


def paths(root):
    return [entry.path for entry in walk_source(str(root))]


def archive_bytes(archive):
    return b''.join(archive())


def members(data):
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:gz') as archive:
        return {member.name: member for member in archive.getmembers()}


# ---------------------------------------------------------------------------------------
# Walking a directory as Docker does
# ---------------------------------------------------------------------------------------

def test_without_a_dockerignore_everything_is_packed_parents_first_in_byte_order(tree):
    assert paths(tree) == [
        'Dockerfile', 'convox.yml', 'docs', 'docs/README.md', 'docs/guide.md', 'empty', 'link', 'node_modules',
        'node_modules/left-pad', 'node_modules/left-pad/index.js', 'notes.tmp', 'outside', 'run.sh', 'src', 'src/main.go',
        'src/main_test.go', 'web', 'web/node_modules', 'web/node_modules/x.js',
    ]


def test_dockerignore_patterns_exceptions_and_double_star(tree):
    write(tree, '.dockerignore', '# deps\nnode_modules\n**/node_modules\n*.tmp\ndocs\n!docs/README.md\n**/*_test.go\n')
    assert paths(tree) == [
        '.dockerignore', 'Dockerfile', 'convox.yml', 'docs/README.md', 'empty', 'link', 'outside', 'run.sh', 'src',
        'src/main.go', 'web',
    ]


def test_an_excluded_directory_without_exceptions_is_not_entered(tree, monkeypatch):
    write(tree, '.dockerignore', 'node_modules\n')
    listed = []
    real_listdir = os.listdir

    def listdir(path):
        listed.append(os.path.relpath(path, str(tree)))
        return real_listdir(path)

    monkeypatch.setattr(os, 'listdir', listdir)
    assert 'node_modules' not in paths(tree)
    assert 'node_modules' not in listed and 'node_modules/left-pad' not in listed


def test_everything_except_what_the_build_needs(tree):
    write(tree, '.dockerignore', '*\n!convox.yml\n!Dockerfile\n!src\n')
    assert paths(tree) == ['Dockerfile', 'convox.yml', 'src', 'src/main.go', 'src/main_test.go']


def test_symlinks_are_entries_never_followed(tree):
    entries = {entry.path: entry for entry in walk_source(str(tree))}
    assert entries['link'].kind == 'l' and entries['outside'].kind == 'l'
    assert not any(path.startswith('outside/') for path in entries)


def test_special_files_are_skipped_and_reported(tree):
    os.mkfifo(str(tree / 'pipe'))
    skipped = []
    assert 'pipe' not in [entry.path for entry in walk_source(str(tree), skipped=skipped)]
    assert skipped == ['pipe']


def test_a_bad_dockerignore_pattern_is_refused(tree):
    write(tree, '.dockerignore', 'src/[\n')
    with pytest.raises(ConvoxConfigError) as caught:
        read_matcher(str(tree))
    assert 'syntax error in pattern' in str(caught.value)


# ---------------------------------------------------------------------------------------
# Content digests
# ---------------------------------------------------------------------------------------

def test_the_digest_ignores_times_and_owners_but_not_content(tree):
    digest, entries = directory_digest(str(tree))
    assert entries == 19
    os.utime(str(tree / 'convox.yml'), (1, 1))
    assert directory_digest(str(tree))[0] == digest
    write(tree, 'src/main.go', 'package main // changed\n')
    assert directory_digest(str(tree))[0] != digest


@pytest.mark.parametrize('change', ['mode', 'link', 'empty_dir', 'rename', 'ignored'])
def test_what_changes_the_digest(tree, change):
    write(tree, '.dockerignore', '*.tmp\n')
    before = directory_digest(str(tree))[0]
    if change == 'mode':
        os.chmod(str(tree / 'run.sh'), 0o644)
    elif change == 'link':
        os.unlink(str(tree / 'link'))
        os.symlink('src/main_test.go', str(tree / 'link'))
    elif change == 'empty_dir':
        (tree / 'empty' / 'more').mkdir()
    elif change == 'rename':
        os.rename(str(tree / 'docs' / 'guide.md'), str(tree / 'docs' / 'guide2.md'))
    else:
        write(tree, 'notes.tmp', 'other scratch\n')
    after = directory_digest(str(tree))[0]
    if change == 'ignored':
        assert after == before, 'an ignored file does not count'
    else:
        assert after != before


def test_the_archive_holds_the_build_context_and_records_the_digest_it_sent(tree):
    write(tree, '.dockerignore', 'node_modules\n**/node_modules\n*.tmp\n')
    archive = DirectoryArchive(str(tree))
    data = archive_bytes(archive)
    found = members(data)
    assert sorted(found) == sorted(['.dockerignore', 'Dockerfile', 'convox.yml', 'docs', 'docs/README.md', 'docs/guide.md',
                                    'empty', 'link', 'outside', 'run.sh', 'src', 'src/main.go', 'src/main_test.go', 'web'])
    assert found['run.sh'].mode == 0o755 and found['link'].issym() and found['link'].linkname == 'src/main.go'
    assert found['docs'].isdir()
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:gz') as reopened:
        assert reopened.extractfile('convox.yml').read() == b'services:\n  web:\n    build: .\n'
    assert archive.digest == directory_digest(str(tree))[0]
    assert archive.size == len(data) and archive.entries == 14
    # A tar is whole records (10240 bytes) once uncompressed.
    assert len(gzip.decompress(data)) % tarfile.RECORDSIZE == 0


def test_a_second_pass_sends_the_same_bytes(tree):
    archive = DirectoryArchive(str(tree))
    assert archive_bytes(archive) == archive_bytes(archive)


def test_a_tarball_of_the_same_files_has_the_directory_digest(tree, tmp_path):
    write(tree, '.dockerignore', 'node_modules\n')
    made_here = tmp_path / 'ours.tgz'
    made_here.write_bytes(archive_bytes(DirectoryArchive(str(tree))))
    assert tarball_digest(str(made_here)) == directory_digest(str(tree))

    # tar's own layout (a "./" root, "./"-prefixed names, owners and times of its own) does not matter.
    other = tmp_path / 'tar.tar'
    with tarfile.open(str(other), 'w', format=tarfile.GNU_FORMAT) as archive:
        for entry in walk_source(str(tree)):
            info = archive.gettarinfo(entry.absolute, './' + entry.path)
            info.uid, info.uname, info.mtime = 4242, 'someone', 12345
            if entry.kind == 'f':
                with open(entry.absolute, 'rb') as handle:
                    archive.addfile(info, handle)
            else:
                archive.addfile(info)
        archive.addfile(archive.gettarinfo(str(tree), '.'))
    assert tarball_kind(str(other)) == 'tar'
    assert tarball_digest(str(other)) == directory_digest(str(tree))


def test_tarball_kinds(tmp_path):
    tarball = tmp_path / 'a.tgz'
    tarball.write_bytes(gzip.compress(b'\0' * 1024))
    assert tarball_kind(str(tarball)) == 'gzip'
    compressed = tmp_path / 'a.tar.bz2'
    compressed.write_bytes(bz2.compress(b'\0' * 1024))
    with pytest.raises(ConvoxConfigError) as caught:
        tarball_kind(str(compressed))
    assert 'bzip2-compressed' in str(caught.value) and 'gzip' in str(caught.value)
    text = tmp_path / 'notes.txt'
    text.write_bytes(b'hello')
    with pytest.raises(ConvoxConfigError) as caught:
        tarball_kind(str(text))
    assert 'is not a tarball' in str(caught.value)


def test_a_gzip_that_is_not_a_tar_is_refused(tmp_path):
    broken = tmp_path / 'broken.tgz'
    broken.write_bytes(gzip.compress(b'not a tar at all' * 100))
    with pytest.raises(ConvoxConfigError) as caught:
        tarball_digest(str(broken))
    assert 'is not a readable gzipped tar' in str(caught.value)


@pytest.mark.parametrize('member', ['../evil', 'site/../../evil', './..', '/../etc/cron.d/evil'])
def test_a_tarball_member_outside_its_top_is_refused(tmp_path, member):
    # The rack joins names onto its build directory: newer racks fail the build, older ones write outside it.
    tarball = tmp_path / 'evil.tgz'
    with tarfile.open(str(tarball), 'w:gz') as archive:
        for name in ('convox.yml', member):
            info = tarfile.TarInfo(name)
            info.size = 1
            archive.addfile(info, io.BytesIO(b'x'))
    with pytest.raises(ConvoxConfigError) as caught:
        tarball_digest(str(tarball))
    assert 'lies outside the top of the tarball' in str(caught.value) and repr(member) in str(caught.value)


def test_tarball_members_that_stay_inside_are_taken(tmp_path):
    # A leading / or a .. that stays below the top lands inside the build directory, as on the rack.
    tarball = tmp_path / 'fine.tgz'
    with tarfile.open(str(tarball), 'w:gz') as archive:
        for name in ('/convox.yml', 'site/../Dockerfile', 'a/b/../c'):
            info = tarfile.TarInfo(name)
            info.size = 1
            archive.addfile(info, io.BytesIO(b'x'))
    assert tarball_digest(str(tarball))[1] == 3


def test_a_plain_tar_is_gzipped_while_it_is_sent(tree, tmp_path):
    plain = tmp_path / 'plain.tar'
    with tarfile.open(str(plain), 'w') as archive:
        archive.add(str(tree / 'convox.yml'), 'convox.yml')
    stream = GzipFile(str(plain))
    data = b''.join(stream())
    assert gzip.decompress(data) == plain.read_bytes()
    assert stream.size == len(data)


def test_a_file_that_shrinks_while_it_is_packed_fails_clearly(tree, monkeypatch):
    real_lstat = os.lstat
    target = str(tree / 'src' / 'main.go')

    def lstat(path):
        info = real_lstat(path)
        if path == target:
            # The file shrinks between its listing (the tar header) and its reading.
            with open(target, 'wb'):
                pass
        return info

    monkeypatch.setattr(os, 'lstat', lstat)
    with pytest.raises(ConvoxFileError) as caught:
        archive_bytes(DirectoryArchive(str(tree)))
    assert 'main.go' in str(caught.value) and 'shrank' in str(caught.value)


def test_a_missing_source_file_is_a_file_error(tmp_path):
    with pytest.raises(ConvoxFileError) as caught:
        file_sha256(str(tmp_path / 'nope.tgz'))
    assert 'nope.tgz' in str(caught.value)


def test_packing_a_large_file_keeps_memory_flat(tmp_path):
    root = tmp_path / 'big'
    size = 32 * 1024 * 1024
    with open(str(write(root, 'blob.bin', b'')), 'wb') as handle:
        block = os.urandom(1024 * 1024)
        for _index in range(size // len(block)):
            handle.write(block)
    archive = DirectoryArchive(str(root))
    tracemalloc.start()
    try:
        total = sum(len(chunk) for chunk in archive())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total > size
    # Holding the file (or the archive) would peak above 32 MiB; a streamed pass stays near its chunk size.
    assert peak < 4 * 1024 * 1024, 'peak %d bytes' % peak
