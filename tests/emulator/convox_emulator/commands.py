# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The programs an emulated container can run (DESIGN.md section 6).

Emulated processes run no real programs. A command (the pod's args, or an exec's command, both
split with shellquote as the rack does) is run by this small interpreter instead:

- executables: ``echo`` (``-n``), ``env`` (optionally ``NAME=VALUE... command``), ``sleep`` (coreutils:
  numbers with an ``s``/``m``/``h``/``d`` suffix, summed), ``true``, ``false``, ``cat`` (stdin only) and
  ``sh`` (``-c SCRIPT [NAME [ARG...]]``, ``-e``; without ``-c`` the script is read from stdin), each also
  as ``/bin/NAME`` and ``/usr/bin/NAME``;
- inside ``sh``: lists with ``;``, newlines, ``&&`` and ``||``; quotes and backslashes; ``$NAME``,
  ``${NAME}``, ``${NAME:-word}``, ``$?``, ``$#``, ``$0``-``$9``, ``$@``, ``$*``, ``$$`` with field splitting;
  ``NAME=value`` assignments (also as a command prefix); the builtins ``exit``, ``:``, ``true``, ``false``,
  ``echo``, ``export``, ``unset`` and ``set -e``/``set +e``; ``#`` comments. A missing command is
  dash's ``sh: LINE: NAME: not found`` with status 127. Pipes, redirections, subshells, command
  substitution, ``&`` and compound commands are refused with ``sh: LINE: emulator: unsupported shell
  syntax: ...`` and status 2, so a script never half-works silently.

Anything else is a missing executable (``MissingExecutable``): callers turn it into what the container
runtime answers (see workloads.py and areas/processes.py). ``exit`` is a shell builtin only: as a
command of its own it is missing, as in a real container.

Commands talk to a ``Runtime``: ``write(text)`` (stdout and stderr, which the rack merges),
``read()`` (a chunk of stdin, None at end of input) and ``sleep(seconds)``. ``run(argv, runtime)``
returns the exit status (0-255). ``simulate(argv, env)`` runs a command without waiting, for
processes whose outcome is decided up front (detached one-off processes): sleeps advance a virtual
clock, stdin is empty (a pod has no stdin attached), and the output is recorded with its offsets.
"""

import dataclasses
import re

NANOS = 1000000000
_NAME_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')
_ASSIGNMENT_RE = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)=(.*)\Z', re.DOTALL)
_SLEEP_RE = re.compile(r'([0-9]*\.?[0-9]+|[0-9]+\.)([smhd]?)\Z')
_SLEEP_UNITS = {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400}
# The special parameters $? $# $$ $@ $* $0-$9 after a ``$``.
_SPECIAL_PARAMETERS = '?#$@*0123456789'
# Words that start compound commands: the emulator's shell has none of them.
_RESERVED_WORDS = frozenset(('if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', '{', '}',
                             '!', '[[', ']]'))
# What ``$$`` expands to: the emulated shell is the first process of its container.
SHELL_PID = '1'


class MissingExecutable(Exception):
    """``name`` is not one of the emulator's programs: a real container has no such executable."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


class Runtime:
    """What a running command sees. Subclasses implement the three coroutines."""

    def __init__(self, env):
        self.env = dict(env)

    async def write(self, text):
        raise NotImplementedError

    async def read(self):
        """The next chunk of stdin, or None at end of input."""
        raise NotImplementedError

    async def sleep(self, seconds):
        raise NotImplementedError

    def with_env(self, env):
        """A runtime that shares this one's streams and clock but has ``env`` (for ``env NAME=VALUE cmd`` and shell commands)."""
        return _EnvRuntime(self, env)


class _EnvRuntime(Runtime):
    def __init__(self, parent, env):
        super().__init__(env)
        self._parent = parent

    async def write(self, text):
        await self._parent.write(text)

    async def read(self):
        return await self._parent.read()

    async def sleep(self, seconds):
        await self._parent.sleep(seconds)


# ---------------------------------------------------------------- programs


async def _echo(argv, runtime):
    words = argv[1:]
    newline = True
    if words and words[0] == '-n':
        newline = False
        words = words[1:]
    await runtime.write(' '.join(words) + ('\n' if newline else ''))
    return 0


async def _env(argv, runtime):
    env = dict(runtime.env)
    words = argv[1:]
    while words and _ASSIGNMENT_RE.match(words[0]):
        name, value = _ASSIGNMENT_RE.match(words[0]).groups()
        env[name] = value
        words = words[1:]
    if not words:
        await runtime.write(''.join('%s=%s\n' % (name, env[name]) for name in sorted(env)))
        return 0
    try:
        return await run(words, runtime.with_env(env))
    except MissingExecutable:
        # coreutils env reports the missing program itself.
        await runtime.write("env: '%s': No such file or directory\n" % words[0])
        return 127


def _sleep_seconds(word):
    match = _SLEEP_RE.match(word)
    if match is None:
        return None
    return float(match.group(1)) * _SLEEP_UNITS[match.group(2)]


async def _sleep(argv, runtime):
    if len(argv) < 2:
        await runtime.write("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    total = 0.0
    for word in argv[1:]:
        seconds = _sleep_seconds(word)
        if seconds is None:
            await runtime.write("sleep: invalid time interval '%s'\nTry 'sleep --help' for more information.\n" % word)
            return 1
        total += seconds
    await runtime.sleep(total)
    return 0


async def _true(_argv, _runtime):
    return 0


async def _false(_argv, _runtime):
    return 1


async def _cat(argv, runtime):
    status = 0
    for name in argv[1:] or ['-']:
        if name != '-':
            # The emulated container has no files.
            await runtime.write('cat: %s: No such file or directory\n' % name)
            status = 1
            continue
        while True:
            chunk = await runtime.read()
            if chunk is None:
                break
            await runtime.write(chunk)
    return status


async def _sh(argv, runtime):
    words = argv[1:]
    errexit = False
    script = None
    while words and words[0].startswith('-') and words[0] != '-':
        flags = words.pop(0)[1:]
        for flag in flags:
            if flag == 'c':
                if not words:
                    await runtime.write('sh: 0: -c requires an argument\n')
                    return 2
                script = words.pop(0)
            elif flag == 'e':
                errexit = True
            else:
                await runtime.write('sh: 0: Illegal option -%s\n' % flag)
                return 2
    if script is None:
        if words:
            # ``sh FILE``: the emulated container has no files.
            await runtime.write('sh: 0: cannot open %s: No such file\n' % words[0])
            return 2
        chunks = []
        while True:
            chunk = await runtime.read()
            if chunk is None:
                break
            chunks.append(chunk)
        script = ''.join(chunks)
        words = ['sh']
    name, arguments = (words[0], words[1:]) if words else ('sh', [])
    return await Shell(runtime, name, arguments, errexit).run_script(script)


PROGRAMS = {'echo': _echo, 'env': _env, 'sleep': _sleep, 'true': _true, 'false': _false, 'cat': _cat, 'sh': _sh}


def find_program(name):
    """The program for ``name`` (``echo``, ``/bin/echo``, ``/usr/bin/echo``), or None."""
    for prefix in ('/usr/bin/', '/bin/'):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    else:
        if '/' in name:
            return None
    return PROGRAMS.get(name)


async def run(argv, runtime):
    """Run ``argv``; returns its exit status. Raises MissingExecutable for an unknown program."""
    program = find_program(argv[0]) if argv else None
    if program is None:
        raise MissingExecutable(argv[0] if argv else '')
    return (await program(argv, runtime)) & 0xFF


# ---------------------------------------------------------------- the shell


class ShellSyntaxError(Exception):
    """A script the emulator's shell refuses (``message`` as dash would word it) at ``line``."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


class _ShellExit(Exception):
    def __init__(self, status):
        super().__init__(status)
        self.status = status


@dataclasses.dataclass
class _Word:
    """A word before expansion: parts of (kind, text, quoted), kind 'lit' or 'var' (text is the parameter expression)."""

    parts: list
    line: int

    def literal(self):
        """The word's text if it has no expansions (for assignments and reserved words), else None."""
        if any(kind == 'var' for kind, _text, _quoted in self.parts):
            return None
        return ''.join(text for _kind, text, _quoted in self.parts)

    def unquoted_prefix(self):
        """The leading unquoted literal text (where ``NAME=`` of an assignment must be)."""
        text = []
        for kind, part, quoted in self.parts:
            if kind != 'lit' or quoted:
                break
            text.append(part)
        return ''.join(text)


class _Lexer:
    """Splits a script into words and the operators ``;``, ``&&``, ``||`` and newline."""

    def __init__(self, script):
        self.script = script
        self.index = 0
        self.line = 1

    def tokens(self):
        tokens = []
        while True:
            token = self._next()
            if token is None:
                return tokens
            tokens.append(token)

    def _peek(self, offset=0):
        position = self.index + offset
        return self.script[position] if position < len(self.script) else ''

    def _unsupported(self, what):
        raise ShellSyntaxError(self.line, 'emulator: unsupported shell syntax: %s' % what)

    def _next(self):
        while self._peek() in (' ', '\t') and self._peek():
            self.index += 1
        char = self._peek()
        if not char:
            return None
        if char == '#':
            while self._peek() and self._peek() != '\n':
                self.index += 1
            return self._next()
        if char == '\\' and self._peek(1) == '\n':
            self.index += 2
            self.line += 1
            return self._next()
        if char == '\n':
            self.index += 1
            self.line += 1
            return ('op', '\n', self.line - 1)
        if char == ';':
            if self._peek(1) == ';':
                self._unsupported(';;')
            self.index += 1
            return ('op', ';', self.line)
        if char == '&':
            if self._peek(1) == '&':
                self.index += 2
                return ('op', '&&', self.line)
            self._unsupported('&')
        if char == '|':
            if self._peek(1) == '|':
                self.index += 2
                return ('op', '||', self.line)
            self._unsupported('|')
        if char in '<>()':
            self._unsupported(char)
        return ('word', self._word(), self.line)

    def _word(self):
        parts = []
        line = self.line
        literal = []

        def flush(quoted):
            if literal:
                parts.append(('lit', ''.join(literal), quoted))
                del literal[:]

        while True:
            char = self._peek()
            if not char or char in ' \t\n;&|<>()':
                break
            if char == "'":
                flush(False)
                end = self.script.find("'", self.index + 1)
                if end == -1:
                    raise ShellSyntaxError(line, 'Syntax error: Unterminated quoted string')
                text = self.script[self.index + 1:end]
                self.line += text.count('\n')
                parts.append(('lit', text, True))
                self.index = end + 1
            elif char == '"':
                flush(False)
                self.index += 1
                self._double_quoted(parts, line)
            elif char == '\\':
                following = self._peek(1)
                if following == '\n':
                    self.index += 2
                    self.line += 1
                    continue
                flush(False)
                parts.append(('lit', following, True))
                self.index += 2
            elif char == '$':
                flush(False)
                parts.append(self._parameter(quoted=False))
            elif char == '`':
                self._unsupported('`')
            else:
                literal.append(char)
                self.index += 1
        flush(False)
        return _Word(parts, line)

    def _double_quoted(self, parts, line):
        literal = []
        while True:
            char = self._peek()
            if not char:
                raise ShellSyntaxError(line, 'Syntax error: Unterminated quoted string')
            if char == '"':
                self.index += 1
                break
            if char == '\\' and self._peek(1) in ('$', '`', '"', '\\', '\n'):
                if self._peek(1) == '\n':
                    self.line += 1
                else:
                    literal.append(self._peek(1))
                self.index += 2
            elif char == '$':
                if literal:
                    parts.append(('lit', ''.join(literal), True))
                    literal = []
                parts.append(self._parameter(quoted=True))
            elif char == '`':
                self._unsupported('`')
            else:
                if char == '\n':
                    self.line += 1
                literal.append(char)
                self.index += 1
        # An empty "" still makes a word.
        parts.append(('lit', ''.join(literal), True))

    def _parameter(self, quoted):
        """At a ``$``: a parameter part, or a literal ``$`` when nothing expandable follows."""
        following = self._peek(1)
        if following == '(':
            self._unsupported('$(')
        if following == '{':
            end = self.script.find('}', self.index + 2)
            if end == -1:
                raise ShellSyntaxError(self.line, 'Syntax error: Missing \'}\'')
            expression = self.script[self.index + 2:end]
            self.index = end + 1
            return ('var', '{' + expression, quoted)
        if following and following in _SPECIAL_PARAMETERS:
            self.index += 2
            return ('var', following, quoted)
        match = re.match(r'[A-Za-z_][A-Za-z0-9_]*', self.script[self.index + 1:])
        if match is None:
            self.index += 1
            return ('lit', '$', quoted)
        self.index += 1 + match.end()
        return ('var', match.group(0), quoted)


class Shell:
    """A tiny POSIX-ish shell: see the module docstring for what it understands."""

    def __init__(self, runtime, name, arguments, errexit=False):
        self.runtime = runtime
        self.name = name
        self.arguments = list(arguments)
        self.errexit = errexit
        self.variables = dict(runtime.env)
        self.exported = set(runtime.env)
        self.status = 0

    async def run_script(self, script):
        try:
            tokens = _Lexer(script).tokens()
            lists = self._parse(tokens)
        except ShellSyntaxError as error:
            await self.runtime.write('%s: %d: %s\n' % (self.name, error.line, error.message))
            return 2
        try:
            for and_or in lists:
                await self._and_or(and_or)
        except _ShellExit as done:
            return done.status & 0xFF
        return self.status & 0xFF

    @staticmethod
    def _parse(tokens):
        """Lists of [(operator, [words])]: ``operator`` is None, '&&' or '||' (how the command joins the previous one)."""
        lists, current, words, joiner = [], [], [], None
        for kind, value, line in tokens:
            if kind == 'word':
                if not words and value.literal() in _RESERVED_WORDS:
                    raise ShellSyntaxError(line, 'emulator: unsupported shell syntax: %s' % value.literal())
                words.append(value)
                continue
            if value in ('&&', '||'):
                if not words:
                    raise ShellSyntaxError(line, 'Syntax error: "%s" unexpected' % value)
                current.append((joiner, words))
                words, joiner = [], value
                continue
            # ';' or newline ends a list.
            if words:
                current.append((joiner, words))
            elif joiner is not None:
                if value == '\n':
                    # ``a &&`` continues on the next line.
                    continue
                raise ShellSyntaxError(line, 'Syntax error: "%s" unexpected' % value)
            elif value == ';' and not current:
                raise ShellSyntaxError(line, 'Syntax error: ";" unexpected')
            if current:
                lists.append(current)
            current, words, joiner = [], [], None
        if words:
            current.append((joiner, words))
        elif joiner is not None:
            raise ShellSyntaxError(tokens[-1][2], 'Syntax error: end of file unexpected')
        if current:
            lists.append(current)
        return lists

    async def _and_or(self, commands):
        last = len(commands) - 1
        for position, (joiner, words) in enumerate(commands):
            if joiner == '&&' and self.status != 0:
                continue
            if joiner == '||' and self.status == 0:
                continue
            self.status = await self._simple(words)
            if self.errexit and self.status != 0 and position == last:
                raise _ShellExit(self.status)

    # ------------------------------------------------------------ expansion

    def _parameter(self, expression, line):
        """The value of a parameter expression (``NAME``, ``?``, ``{NAME:-word}``, ...); a str or, for ``@``, a list."""
        if expression.startswith('{'):
            body = expression[1:]
            name, separator, default = body, '', ''
            for operator in (':-', '-'):
                if operator in body:
                    name, default = body.split(operator, 1)
                    separator = operator
                    break
            if not (_NAME_RE.match(name) or (len(name) == 1 and name in _SPECIAL_PARAMETERS)):
                raise ShellSyntaxError(line, 'Bad substitution')
            value = self._parameter(name, line)
            if separator == ':-' and not value:
                return default
            if separator == '-' and name not in self.variables and not name.isdigit():
                return default
            return value
        if expression == '?':
            return str(self.status)
        if expression == '#':
            return str(len(self.arguments))
        if expression == '$':
            return SHELL_PID
        if expression == '0':
            return self.name
        if expression.isdigit():
            index = int(expression)
            return self.arguments[index - 1] if index <= len(self.arguments) else ''
        if expression == '@':
            return list(self.arguments)
        if expression == '*':
            return ' '.join(self.arguments)
        return self.variables.get(expression, '')

    def _expand(self, word):
        """The fields of ``word``: unquoted expansions are split on blanks, quoted text is kept as is."""
        fields = []
        current = []
        has_field = False
        for kind, text, quoted in word.parts:
            if kind == 'lit':
                current.append(text)
                has_field = has_field or quoted or bool(text)
                continue
            value = self._parameter(text, word.line)
            if isinstance(value, list):
                # "$@": one field per argument.
                for position, item in enumerate(value):
                    if position:
                        fields.append(''.join(current))
                        current = []
                    current.append(item)
                    has_field = True
                continue
            if quoted:
                current.append(value)
                has_field = True
                continue
            pieces = re.split(r'[ \t\n]+', value)
            for position, piece in enumerate(pieces):
                if position:
                    if has_field:
                        fields.append(''.join(current))
                    current, has_field = [], False
                if piece:
                    current.append(piece)
                    has_field = True
        if has_field:
            fields.append(''.join(current))
        return fields

    # ------------------------------------------------------------ commands

    async def _simple(self, words):
        try:
            return await self._simple_expanded(words)
        except ShellSyntaxError as error:
            # dash leaves a non-interactive shell on a bad substitution.
            await self.runtime.write('%s: %d: %s\n' % (self.name, error.line, error.message))
            raise _ShellExit(2) from None

    async def _simple_expanded(self, words):
        assignments = []
        position = 0
        while position < len(words):
            match = _ASSIGNMENT_RE.match(words[position].unquoted_prefix())
            if match is None:
                break
            name = match.group(1)
            prefix = len(name) + 1
            value_word = _Word(_drop_prefix(words[position].parts, prefix), words[position].line)
            assignments.append((name, ''.join(self._expand_assignment(value_word))))
            position += 1
        line = words[0].line
        argv = [field for word in words[position:] for field in self._expand(word)]
        if not argv:
            for name, value in assignments:
                self.variables[name] = value
            return 0
        builtin = _BUILTINS.get(argv[0])
        if builtin is not None:
            for name, value in assignments:
                self.variables[name] = value
            return await builtin(self, argv, line)
        env = {name: self.variables[name] for name in self.exported if name in self.variables}
        env.update(assignments)
        try:
            return await run(argv, self.runtime.with_env(env))
        except MissingExecutable as missing:
            await self.runtime.write('%s: %d: %s: not found\n' % (self.name, line, missing.name))
            return 127

    def _expand_assignment(self, word):
        """An assignment's value: expanded but not split."""
        out = []
        for kind, text, _quoted in word.parts:
            if kind == 'lit':
                out.append(text)
            else:
                value = self._parameter(text, word.line)
                out.append(' '.join(value) if isinstance(value, list) else value)
        return out

    async def _exit(self, argv, line):
        if len(argv) < 2:
            raise _ShellExit(self.status)
        if not argv[1].isdigit():
            await self.runtime.write('%s: %d: exit: Illegal number: %s\n' % (self.name, line, argv[1]))
            raise _ShellExit(2)
        raise _ShellExit(int(argv[1]))

    async def _colon(self, _argv, _line):
        return 0

    async def _export(self, argv, _line):
        for word in argv[1:]:
            match = _ASSIGNMENT_RE.match(word)
            if match is not None:
                self.variables[match.group(1)] = match.group(2)
                self.exported.add(match.group(1))
            else:
                self.exported.add(word)
        return 0

    async def _unset(self, argv, _line):
        for name in argv[1:]:
            self.variables.pop(name, None)
            self.exported.discard(name)
        return 0

    async def _set(self, argv, line):
        for option in argv[1:]:
            if option in ('-e', '+e'):
                self.errexit = option == '-e'
            else:
                # Refused like a syntax error: the script stops rather than run on without the option.
                await self.runtime.write('%s: %d: emulator: unsupported shell syntax: set %s\n' % (self.name, line, option))
                raise _ShellExit(2)
        return 0

    async def _program(self, argv, _line):
        return await run(argv, self.runtime.with_env({name: self.variables[name] for name in self.exported if name in self.variables}))


def _drop_prefix(parts, count):
    """``parts`` without their first ``count`` characters (all inside leading unquoted literals)."""
    remaining = []
    for kind, text, quoted in parts:
        if count and kind == 'lit' and not quoted:
            taken = min(count, len(text))
            text = text[taken:]
            count -= taken
            if not text:
                continue
        remaining.append((kind, text, quoted))
    return remaining


_BUILTINS = {
    'exit': Shell._exit,
    ':': Shell._colon,
    'true': Shell._program,
    'false': Shell._program,
    'echo': Shell._program,
    'export': Shell._export,
    'unset': Shell._unset,
    'set': Shell._set,
}


# ---------------------------------------------------------------- simulation


@dataclasses.dataclass
class Outcome:
    """A command run to completion without waiting: what it wrote when, how long it took, its status.

    ``started`` is False when the program is missing (the container never starts); ``output`` is a
    list of (offset_ns, text) chunks.
    """

    started: bool
    status: int
    duration_ns: int
    output: list


class _SimulatedRuntime(Runtime):
    def __init__(self, env):
        super().__init__(env)
        self.now_ns = 0
        self.output = []

    async def write(self, text):
        if text:
            self.output.append((self.now_ns, text))

    async def read(self):
        return None

    async def sleep(self, seconds):
        self.now_ns += int(seconds * NANOS)


def simulate(argv, env):
    """Run ``argv`` at once on a virtual clock; returns an Outcome."""
    runtime = _SimulatedRuntime(env)
    coroutine = run(argv, runtime)
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return Outcome(started=True, status=finished.value, duration_ns=runtime.now_ns, output=runtime.output)
    except MissingExecutable:
        return Outcome(started=False, status=128, duration_ns=0, output=[])
    coroutine.close()
    raise RuntimeError('a simulated command waited for something')


def output_lines(output, end_ns):
    """(offset_ns, line) log entries from (offset_ns, text) chunks: a line is stamped when its newline is written; a last
    unterminated line when the command ends (``end_ns``)."""
    lines, pending, pending_ns = [], '', None
    for offset_ns, text in output:
        if pending_ns is None:
            pending_ns = offset_ns
        pending += text
        while '\n' in pending:
            line, pending = pending.split('\n', 1)
            lines.append((offset_ns, line))
            pending_ns = offset_ns if pending else None
    if pending:
        lines.append((end_ns, pending))
    return lines
