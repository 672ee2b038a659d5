# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``.dockerignore`` rules as Docker documents and applies them (reading the file, matching, walking)."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._dockerignore import Matcher, clean_path, read_patterns
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError


def excluded(patterns, path):
    """What a directory walk decides for ``path``: each parent directory first, its state passed down."""
    matcher = Matcher(patterns)
    parts = path.split('/')
    state = Matcher.ROOT
    for depth in range(1, len(parts)):
        state = matcher.excluded('/'.join(parts[:depth]), state)[1]
    return matcher.excluded(path, state)[0]


def excluded_without_context(patterns, path):
    return Matcher(patterns).excluded(path)[0]


# ---------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------

def test_comments_blank_lines_and_whitespace():
    text = '# build output\n\n  dist  \n\t*.log\n #not a comment\n'
    assert read_patterns(text) == ['dist', '*.log', '#not a comment']


def test_leading_slash_and_path_elements_are_cleaned():
    text = '/node_modules\n./tmp/\nsrc/../secrets\n/a/./b//c/\n/\n'
    assert read_patterns(text) == ['node_modules', 'tmp', 'secrets', 'a/b/c', '/']


def test_exceptions_keep_their_mark_and_are_cleaned_too():
    assert read_patterns('!README.md\n! /docs/keep/\n!\n') == ['!README.md', '!docs/keep', '!']


def test_bom_and_crlf_line_ends():
    assert read_patterns('\ufeff*.tmp\r\nbuild\r\n') == ['*.tmp', 'build']
    # Only a BOM at the very start is one.
    assert read_patterns('a\n\ufeffb') == ['a', '\ufeffb']


@pytest.mark.parametrize('path, cleaned', [
    ('', '.'), ('.', '.'), ('a/', 'a'), ('a//b', 'a/b'), ('./a', 'a'), ('a/../b', 'b'), ('../a', '../a'),
    ('a/../..', '..'), ('/../a', '/a'), ('//a', '/a'), ('/', '/'), ('a/./b/.', 'a/b'),
])
def test_clean_path_is_go_path_clean(path, cleaned):
    assert clean_path(path) == cleaned


# ---------------------------------------------------------------------------------------
# Matching one pattern (Docker's documented examples and its pattern syntax)
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('pattern, path, result', [
    # The examples of Docker's .dockerignore documentation.
    ('*/temp*', 'somedir/temporary.txt', True),
    ('*/temp*', 'somedir/temp', True),
    ('*/temp*', 'temporary.txt', False),
    ('*/temp*', 'a/b/temporary.txt', False),
    ('*/*/temp*', 'somedir/subdir/temporary.txt', True),
    ('*/*/temp*', 'somedir/temporary.txt', False),
    ('temp?', 'tempa', True),
    ('temp?', 'temp', False),
    ('temp?', 'tempab', False),
    ('temp?', 'temp/', False),
    # * and ? never cross a '/'.
    ('*.md', 'README.md', True),
    ('*.md', 'docs/README.md', False),
    ('a*b', 'a/b', False),
    ('a?b', 'a/b', False),
    # ** is any number of directories, none included.
    ('**/*.go', 'main.go', True),
    ('**/*.go', 'cmd/tool/main.go', True),
    ('**/*.go', 'main.goo', False),
    ('**', 'anything/at/all', True),
    ('dir/**', 'dir/file', True),
    ('dir/**', 'dir/sub/file', True),
    ('dir/**', 'dir', False),
    ('dir/**', 'dirt/file', False),
    ('**/dir', 'dir', True),
    ('**/dir', 'a/b/dir', True),
    ('**/dir', 'a/bdir', False),
    ('**dir', 'a/bdir', True),
    ('a/**/b', 'a/b', True),
    ('a/**/b', 'a/x/y/b', True),
    ('a/**/b', 'a/x/y/bb', False),
    ('**/cache/*', 'x/cache/entry', True),
    ('**/cache/**', 'x/cache/y/z', True),
    ('a**/*.txt', 'a/dir/file.txt', True),
    # Classes, escapes, and characters that are plain in a path pattern.
    ('file[0-9].txt', 'file7.txt', True),
    ('file[0-9].txt', 'filex.txt', False),
    ('file[^0-9].txt', 'filex.txt', True),
    ('file[^0-9].txt', 'file7.txt', False),
    ('file[^0-9].txt', 'file/.txt', True),
    ('a.b', 'a.b', True),
    ('a.b', 'axb', False),
    ('a.*', 'axb', False),
    ('v1+(x)|{y}$.txt', 'v1+(x)|{y}$.txt', True),
    ('dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', True),
    (r'a\*b', 'a*b', True),
    (r'a\*b', 'axb', False),
    (r'a\?', 'a?', True),
    ('.*', '.env', True),
    ('.*', 'env', False),
    # A pattern names a path from the top of the context, exactly.
    ('node_modules', 'node_modules', True),
    ('node_modules', 'web/node_modules', False),
    ('config', 'config.yml', False),
])
def test_one_pattern(pattern, path, result):
    assert excluded([pattern], path) is result


@pytest.mark.parametrize('pattern', ['[', 'a[', '[]', '[]a]', '[a-]', '[-a]', 'a\\', 'x[a-z', '[^]'])
def test_invalid_patterns_are_refused(pattern):
    with pytest.raises(ConvoxConfigError) as caught:
        Matcher([pattern])
    assert 'syntax error in pattern' in str(caught.value)


def test_a_lone_exception_mark_is_refused():
    with pytest.raises(ConvoxConfigError) as caught:
        Matcher(read_patterns('!\n'))
    assert 'an exception needs a pattern' in str(caught.value)


def test_valid_odd_patterns_are_accepted():
    Matcher(['a]', r'[\]]', '[a-z0-9_]*', '**/**', '!keep'])
    assert excluded([r'x[\]]'], 'x]') is True


# ---------------------------------------------------------------------------------------
# Several patterns: the last match decides, exceptions, directories
# ---------------------------------------------------------------------------------------

def test_the_documented_exception_examples():
    # *.md excluded except README.md
    assert excluded(['*.md', '!README.md'], 'README.md') is False
    assert excluded(['*.md', '!README.md'], 'CHANGES.md') is True
    # No markdown but README files, and not README-secret.md
    patterns = ['*.md', '!README*.md', 'README-secret.md']
    assert excluded(patterns, 'README-secret.md') is True
    assert excluded(patterns, 'README-public.md') is False
    assert excluded(patterns, 'notes.md') is True
    # The same lines in another order: the last line wins, so every README file is included.
    patterns = ['*.md', 'README-secret.md', '!README*.md']
    assert excluded(patterns, 'README-secret.md') is False


def test_an_exception_before_the_pattern_has_no_effect():
    assert excluded(['!main.go', '*.go'], 'main.go') is True


def test_a_directory_pattern_excludes_its_content():
    for line in ('docs', 'docs/', '/docs', 'docs/*'):
        assert excluded(read_patterns(line), 'docs/guide/index.md') is True, line
    assert excluded(['docs'], 'docsite/index.md') is False


def test_an_exception_inside_an_excluded_directory():
    patterns = ['docs', '!docs/README.md']
    assert excluded(patterns, 'docs/README.md') is False
    assert excluded(patterns, 'docs/other.md') is True


def test_an_exception_then_a_later_exclusion():
    patterns = ['**', '!web', 'web/secret']
    assert excluded(patterns, 'web/index.html') is False
    assert excluded(patterns, 'web/secret') is True
    assert excluded(patterns, 'web/secret/key') is True
    assert excluded(patterns, 'other') is True


def test_everything_but_some_files():
    patterns = ['*', '!convox.yml', '!src']
    assert excluded(patterns, 'convox.yml') is False
    assert excluded(patterns, 'src/main.go') is False
    assert excluded(patterns, 'Makefile') is True
    assert excluded(patterns, 'build/out') is True


def test_without_the_parent_state_parents_are_tried_one_level_at_a_time():
    assert excluded_without_context(['docs'], 'docs/a/b.md') is True
    assert excluded_without_context(['a/b'], 'a/b/c/d') is True
    assert excluded_without_context(['*.md'], 'x/y.md') is False


def test_no_patterns_excludes_nothing():
    matcher = Matcher(read_patterns('# only a comment\n\n'))
    assert matcher.patterns == []
    assert matcher.excluded('anything')[0] is False
    assert matcher.has_exceptions is False


# ---------------------------------------------------------------------------------------
# Walking into excluded directories
# ---------------------------------------------------------------------------------------

def test_an_excluded_directory_is_walked_only_for_exceptions_that_name_something_in_it():
    matcher = Matcher(['docs', 'build', '!docs/README.md', '!**/keep'])
    assert matcher.keeps_exceptions_under('docs') is True
    # Docker only looks at the text of exceptions: "**/keep" does not bring files back from build/.
    assert matcher.keeps_exceptions_under('build') is False
    assert matcher.keeps_exceptions_under('doc') is False
    assert Matcher(['docs']).keeps_exceptions_under('docs') is False


def test_exceptions_naming_a_deeper_path_keep_every_level():
    matcher = Matcher(['vendor', '!vendor/a/b/keep.txt'])
    assert matcher.keeps_exceptions_under('vendor') is True
    assert matcher.keeps_exceptions_under('vendor/a') is True
    assert matcher.keeps_exceptions_under('vendor/a/b') is True
    assert matcher.keeps_exceptions_under('vendor/c') is False
