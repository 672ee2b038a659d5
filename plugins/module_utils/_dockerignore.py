# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""``.dockerignore`` as Docker reads it, as pure functions.

The Convox CLI packs a source directory with Docker's archive code and the patterns of the
directory's ``.dockerignore``; this file reproduces those rules so a build from Ansible uploads
the same files:

* ``read_patterns(text)``: the file's lines as patterns. A UTF-8 BOM is dropped; lines that
  *start* with ``#`` are comments; the rest is trimmed, empty lines are skipped, a leading ``!``
  (an exception) is kept, and each pattern is cleaned like a path (``a/./b/`` is ``a/b``)
  with one leading ``/`` removed (``/dist`` means ``dist``).
* ``Matcher(patterns)``: patterns apply in order and the last that matches a path decides;
  ``!pattern`` re-includes what an earlier pattern excluded. A pattern that matches a
  directory excludes everything under it. In a pattern ``*`` is any run of characters
  but ``/``, ``?`` one character but ``/``, ``[a-z]``/``[^a-z]`` a class, ``\\`` escapes the
  next character, and ``**`` any number of directories (none included): ``**/*.log``,
  ``build/**``, ``**/tmp``.
* ``Matcher.excluded(path, parent)``: whether a path (relative, ``/``-separated) is left out,
  given what was found for its parent directory (``Matcher.ROOT`` for top-level entries).
* ``Matcher.keeps_exceptions_under(directory)``: whether an excluded directory must still be
  walked because an exception pattern names something inside it (``!docs/README.md`` under
  an excluded ``docs``). As in Docker, only exceptions whose text starts with the directory's
  path count, so ``**``-exceptions do not bring files back from an excluded directory.

An invalid pattern (``[`` without ``]``, a lone ``!``, a trailing ``\\``) raises
ConvoxConfigError, as Docker refuses the whole build context.
"""

from __future__ import annotations

import re
import warnings

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, shown

_EXACT = 'exact'
_PREFIX = 'prefix'
_SUFFIX = 'suffix'
_REGEXP = 'regexp'
# Characters that are special in a regular expression but plain in a path pattern.
_ESCAPED = frozenset('.+()|{}$')
_BOM = '\ufeff'


def clean_path(path):
    """Go's ``path.Clean``: the shortest equivalent slash path (``''`` is ``.``)."""
    if path == '':
        return '.'
    rooted = path.startswith('/')
    parts = []
    for part in path.split('/'):
        if part in ('', '.'):
            continue
        if part == '..':
            if parts and parts[-1] != '..':
                parts.pop()
            elif not rooted:
                parts.append('..')
            continue
        parts.append(part)
    cleaned = '/'.join(parts)
    if rooted:
        return '/' + cleaned
    return cleaned or '.'


def read_patterns(text):
    """The patterns of a ``.dockerignore`` file's text, in order (exceptions keep their ``!``)."""
    patterns = []
    for number, line in enumerate(text.split('\n')):
        # Lines end at \n; a \r before it is dropped, as Go's line scanner does.
        if line.endswith('\r'):
            line = line[:-1]
        if number == 0 and line.startswith(_BOM):
            line = line[1:]
        if line.startswith('#'):
            continue
        line = line.strip()
        if not line:
            continue
        exception = line.startswith('!')
        if exception:
            line = line[1:].strip()
        if line:
            line = clean_path(line)
            if len(line) > 1 and line.startswith('/'):
                line = line[1:]
        patterns.append('!' + line if exception else line)
    return patterns


def _check_syntax(pattern):
    """Refuse what Go's ``filepath.Match`` calls a bad pattern (Docker checks every pattern with it)."""
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char == '\\':
            if index + 1 >= size:
                return False
            index += 2
        elif char == '[':
            index += 1
            if index < size and pattern[index] == '^':
                index += 1
            ranges = 0
            while True:
                if index < size and pattern[index] == ']' and ranges:
                    index += 1
                    break
                index = _class_char(pattern, index)
                if index is None:
                    return False
                if pattern[index] == '-':
                    index = _class_char(pattern, index + 1)
                    if index is None:
                        return False
                ranges += 1
        else:
            index += 1
    return True


def _class_char(pattern, index):
    """One character of a class (possibly escaped); the index after it, or None when the class is broken."""
    if index >= len(pattern) or pattern[index] in '-]':
        return None
    if pattern[index] == '\\':
        index += 1
        if index >= len(pattern):
            return None
    index += 1
    # A class must be closed: something has to follow every character of it.
    return index if index < len(pattern) else None


class _Pattern:
    """One compiled pattern: how it matches (exactly, by prefix, by suffix or a regular expression)."""

    def __init__(self, text, exception):
        self.text = text
        self.exception = exception
        self.kind, self.regexp = _compile(text)

    def matches(self, path):
        if self.kind == _EXACT:
            return path == self.text
        if self.kind == _PREFIX:
            return path.startswith(self.text[:-2])
        if self.kind == _SUFFIX:
            suffix = self.text[2:]
            # "**/name" also matches "name" itself.
            return path.endswith(suffix) or (suffix.startswith('/') and path == suffix[1:])
        return self.regexp.match(path) is not None

    def __repr__(self):
        return '%s%s' % ('!' if self.exception else '', self.text)


def _compile(text):
    """The pattern's kind and, for the regexp kind, its expression (Docker's translation of the pattern)."""
    expression = ['^']
    kind = _EXACT
    index, size, first = 0, len(text), True
    while index < size:
        char = text[index]
        index += 1
        if char == '*':
            if index < size and text[index] == '*':
                index += 1
                # "**/" is read as "**".
                if index < size and text[index] == '/':
                    index += 1
                if index >= size:
                    # A trailing "**" takes everything after what came before it.
                    if kind == _EXACT:
                        kind = _PREFIX
                    else:
                        expression.append('.*')
                        kind = _REGEXP
                else:
                    # Any number of directories, none included.
                    expression.append('(.*/)?')
                    kind = _REGEXP
                if first:
                    kind = _SUFFIX
            else:
                expression.append('[^/]*')
                kind = _REGEXP
        elif char == '?':
            expression.append('[^/]')
            kind = _REGEXP
        elif char in _ESCAPED:
            expression.append('\\' + char)
        elif char == '\\':
            if index < size:
                expression.append('\\' + text[index])
                index += 1
                kind = _REGEXP
            else:
                expression.append('\\\\')
        elif char in '[]':
            expression.append(char)
            kind = _REGEXP
        else:
            expression.append(char)
        first = False
    if kind != _REGEXP:
        return kind, None
    # \Z, not $: Python's $ would also match before a final newline.
    expression.append(r'\Z')
    try:
        with warnings.catch_warnings():
            # Python warns about class syntax it may read differently one day ("[[").
            warnings.simplefilter('ignore')
            return kind, re.compile(''.join(expression))
    except re.error:
        raise ConvoxConfigError('invalid .dockerignore pattern %s: syntax error in pattern' % shown(text)) from None


class Matcher:
    """The patterns of one ``.dockerignore``, applied as Docker applies them while it walks a directory.

    ``excluded(path, parent)`` returns ``(excluded, state)``; pass ``state`` as ``parent`` for the
    entries of that directory. ``ROOT`` is the parent state of top-level entries.
    """

    ROOT = None

    def __init__(self, patterns):
        self.patterns = []
        for text in patterns:
            text = text.strip()
            if not text:
                continue
            text = clean_path(text)
            exception = text.startswith('!')
            if exception:
                if len(text) == 1:
                    raise ConvoxConfigError('invalid .dockerignore pattern "!": an exception needs a pattern after the "!"')
                text = text[1:]
            if not _check_syntax(text):
                raise ConvoxConfigError('invalid .dockerignore pattern %s: syntax error in pattern' % shown(text))
            self.patterns.append(_Pattern(text, exception))
        self.has_exceptions = any(pattern.exception for pattern in self.patterns)

    def excluded(self, path, parent=ROOT):
        """Whether ``path`` is left out; ``parent`` is the state its directory got (None: unknown or top level).

        A pattern that matched the parent matches its entries too. Without the parent's state the
        path's own parent directories are tried, one level at a time, as Docker does.
        """
        excluded = False
        state = []
        for position, pattern in enumerate(self.patterns):
            matched = parent[position] if parent is not None else False
            if not matched:
                # An inclusion cannot change an excluded path, nor an exception an included one.
                if pattern.exception != excluded:
                    state.append(False)
                    continue
                matched = pattern.matches(path)
                if not matched and parent is None:
                    matched = any(pattern.matches(ancestor) for ancestor in _ancestors(path))
            state.append(matched)
            if matched:
                excluded = not pattern.exception
        return excluded, state

    def keeps_exceptions_under(self, directory):
        """True when an exception pattern names a path inside ``directory`` (so it must still be walked)."""
        if not self.has_exceptions:
            return False
        prefix = directory + '/'
        return any(pattern.exception and (pattern.text + '/').startswith(prefix) for pattern in self.patterns)


def _ancestors(path):
    """``a``, ``a/b`` for ``a/b/c``: the parent directories, outermost first."""
    parts = path.split('/')[:-1]
    return ['/'.join(parts[:count]) for count in range(1, len(parts) + 1)]
