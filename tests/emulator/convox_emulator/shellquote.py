# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""github.com/kballard/go-shellquote, which the rack uses for process commands.

``convox run``'s ``Command`` header is split into the pod's args with ``split`` and a process's
``command`` is those args put back together with ``join``, so clients see the Go library's quoting
(backslashes where it can, single quotes around words with blanks), not Python's shlex.
"""

from .errors import ServerError

SPLIT_CHARS = ' \n\t'
DOUBLE_QUOTE_ESCAPES = '$`"\n\\'
SPECIAL_CHARS = '\\\'"`${[|&;<>()*?!'
BLANK_CHARS = ' \t\n'
PREFIX_CHARS = '~'
UNTERMINATED_SINGLE = 'Unterminated single-quoted string'
UNTERMINATED_DOUBLE = 'Unterminated double-quoted string'
UNTERMINATED_ESCAPE = 'Unterminated backslash-escape'


def split(text):
    """shellquote.Split: /bin/sh word splitting with quotes and backslashes; errors are untyped (500)."""
    words = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in SPLIT_CHARS:
            index += 1
            continue
        if char == '\\':
            if index + 1 == len(text):
                raise ServerError(UNTERMINATED_ESCAPE)
            if text[index + 1] == '\n':
                index += 2
                continue
        word, index = _split_word(text, index)
        words.append(word)
    return words


def _split_word(text, index):
    """One word from ``index``; returns it and where the next one may start."""
    word = []
    while index < len(text):
        char = text[index]
        if char in SPLIT_CHARS:
            return ''.join(word), index + 1
        if char == "'":
            end = text.find("'", index + 1)
            if end == -1:
                raise ServerError(UNTERMINATED_SINGLE)
            word.append(text[index + 1:end])
            index = end + 1
        elif char == '"':
            index = _double_quoted(text, index + 1, word)
        elif char == '\\':
            if index + 1 == len(text):
                raise ServerError(UNTERMINATED_ESCAPE)
            # A backslash-newline is elided; any other escaped character is kept as is.
            if text[index + 1] != '\n':
                word.append(text[index + 1])
            index += 2
        else:
            word.append(char)
            index += 1
    return ''.join(word), index


def _double_quoted(text, index, word):
    """Inside double quotes only $ ` " newline and backslash can be escaped; returns the index after the closing quote."""
    while index < len(text):
        char = text[index]
        if char == '"':
            return index + 1
        if char == '\\' and index + 1 < len(text) and text[index + 1] in DOUBLE_QUOTE_ESCAPES:
            if text[index + 1] != '\n':
                word.append(text[index + 1])
            index += 2
            continue
        word.append(char)
        index += 1
    raise ServerError(UNTERMINATED_DOUBLE)


def join(words):
    """shellquote.Join: each word quoted so /bin/sh would split the result back into ``words``."""
    return ' '.join(_quote(word) for word in words)


def _quote(word):
    if not word:
        return "''"
    escaped = []
    for position, char in enumerate(word):
        if char in BLANK_CHARS:
            # Blanks read better inside quotes than behind backslashes: quote the whole word instead.
            return _single_quote(word)
        if char in SPECIAL_CHARS or (position == 0 and char in PREFIX_CHARS):
            escaped.append('\\')
        escaped.append(char)
    return ''.join(escaped)


def _single_quote(word):
    """Single quotes around the word; each ' inside closes the quotes and is written as \\'."""
    out = []
    in_quote = False
    while "'" in word:
        position = word.index("'")
        if position > 0:
            if not in_quote:
                out.append("'")
                in_quote = True
            out.append(word[:position])
        word = word[position + 1:]
        if in_quote:
            out.append("'")
            in_quote = False
        out.append("\\'")
    if word:
        if not in_quote:
            out.append("'")
        out.append(word + "'")
    return ''.join(out)
