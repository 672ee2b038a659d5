# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built-in command set on its own (commands.py): the shell's expansion and lists, and the simulated runs that decide
what a one-off process does (the websocket tests run the same programs over exec)."""

import pytest

from convox_emulator import commands


def simulated(argv, env=None):
    outcome = commands.simulate(argv, {'HOME': '/root', 'SPACED': ' a  b ', 'EMPTY': ''} if env is None else env)
    return outcome.status, ''.join(text for _offset, text in outcome.output)


@pytest.mark.parametrize('script, output', [
    ('echo $SPACED.', 'a b .\n'),
    ('echo "$SPACED."', ' a  b .\n'),
    ('echo x$EMPTY y', 'x y\n'),
    ('echo $EMPTY | x', 'sh: 1: emulator: unsupported shell syntax: |\n'),
    ('set -- a; echo "$@"', 'sh: 1: emulator: unsupported shell syntax: set --\n'),
    ('echo "$EMPTY" | wc', 'sh: 1: emulator: unsupported shell syntax: |\n'),
    ('echo ${MISSING:-fallback} ${EMPTY-kept}.', 'fallback .\n'),
    ('echo ${HOME}/x $$ $?', '/root/x 1 0\n'),
    ("echo 'single $HOME' \"double $HOME\" back\\ slash", 'single $HOME double /root back slash\n'),
    ('A=1; B="$A 2"; echo $B', '1 2\n'),
    ('A=1 sh -c \'echo inner $A\'', 'inner 1\n'),
    ('A=local; sh -c "echo [\\$A]"', '[]\n'),
    ('export A=exported; sh -c \'echo [$A]\'', '[exported]\n'),
    ('unset HOME; echo [$HOME]', '[]\n'),
    ('# a comment\necho one # trailing\n\necho two', 'one\ntwo\n'),
    ('echo line one \\\n  continued', 'line one continued\n'),
    ('false ||\n  echo recovered', 'recovered\n'),
    ('nosuch\necho $?', 'sh: 1: nosuch: not found\n127\n'),
    ('echo a; nosuch; echo b', 'a\nsh: 1: nosuch: not found\nb\n'),
    ('\n\nnosuch', 'sh: 3: nosuch: not found\n'),
    ('echo $(date)', 'sh: 1: emulator: unsupported shell syntax: $(\n'),
    ('echo `date`', 'sh: 1: emulator: unsupported shell syntax: `\n'),
    ('echo > file', 'sh: 1: emulator: unsupported shell syntax: >\n'),
    ('sleep 1 &', 'sh: 1: emulator: unsupported shell syntax: &\n'),
    ('if true; then echo; fi', 'sh: 1: emulator: unsupported shell syntax: if\n'),
    ('echo "open', 'sh: 1: Syntax error: Unterminated quoted string\n'),
    ('&& echo', 'sh: 1: Syntax error: "&&" unexpected\n'),
    ('echo a &&', 'sh: 1: Syntax error: end of file unexpected\n'),
    ('echo ${A B}', 'sh: 1: Bad substitution\n'),
])
def test_shell(script, output):
    assert simulated(['sh', '-c', script])[1] == output


@pytest.mark.parametrize('script, status', [
    ('true', 0), ('false', 1), ('exit', 0), ('false; exit', 1), ('exit 7; exit 8', 7), ('exit 256', 0), ('false || true', 0),
    ('true && false', 1), ('nosuch', 127), ('exit x', 2), ('echo "x', 2), ('set -e; false; exit 9', 1), ('set -e; false || true; exit 9', 9),
    ('set -e; false && true; exit 9', 9), ('set -x', 2), ('', 0), (':', 0),
])
def test_shell_status(script, status):
    assert simulated(['sh', '-c', script])[0] == status


def test_sh_options():
    assert simulated(['sh', '-c'])[1] == 'sh: 0: -c requires an argument\n'
    assert simulated(['sh', '-x', 'script'])[1] == 'sh: 0: Illegal option -x\n'
    assert simulated(['sh', 'script.sh']) == (2, 'sh: 0: cannot open script.sh: No such file\n')
    # Without -c the script is stdin, which a simulated process does not have.
    assert simulated(['sh']) == (0, '')


def test_simulated_time_and_lines():
    outcome = commands.simulate(['sh', '-c', 'echo -n start; sleep 1.5; echo " end"; sleep 1m; echo -n tail'], {})
    assert (outcome.started, outcome.status, outcome.duration_ns) == (True, 0, 61500000000)
    assert commands.output_lines(outcome.output, outcome.duration_ns) == [(1500000000, 'start end'), (61500000000, 'tail')]


def test_sleep_forms():
    for words, seconds in ((['1'], 1), (['.5'], 0.5), (['2.'], 2), (['1m', '30s'], 90), (['1h'], 3600), (['1d'], 86400)):
        outcome = commands.simulate(['sleep'] + words, {})
        assert (outcome.status, outcome.duration_ns) == (0, int(seconds * 1e9)), words


def test_missing_programs():
    for argv in (['exit', '3'], ['bash', '-c', 'true'], ['./run'], ['/opt/bin/echo', 'x'], []):
        assert commands.simulate(argv, {}) == commands.Outcome(started=False, status=128, duration_ns=0, output=[]), argv
    for name in ('echo', 'env', 'sleep', 'true', 'false', 'cat', 'sh'):
        assert commands.find_program(name) is commands.find_program('/bin/' + name) is commands.find_program('/usr/bin/' + name)
