# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Go-compatible encodings underneath (golang.py, render.py, params.py, state.py env rules)."""

import pytest

from convox_emulator import golang, params, render
from convox_emulator.errors import ServerError
from convox_emulator.state import env_diff, parse_env

LAYOUT = '"20060102.150405.000000000"'


@pytest.mark.parametrize('value, nanos', [
    ('20260101.000000.000000000', 1767225600 * 10**9),
    ('20260102.030405.123456789', (1767225600 + 86400 + 3 * 3600 + 4 * 60 + 5) * 10**9 + 123456789),
    ('20240229.235959.000000001', 1709251199 * 10**9 + 1),
])
def test_sortable_time_parses(value, nanos):
    assert golang.parse_sortable_time(value) == nanos
    assert golang.format_sortable_time(nanos) == value


@pytest.mark.parametrize('value, message', [
    ('2026-01-01T00:00:00Z', 'parsing time "2026-01-01T00:00:00Z" as %s: cannot parse "-01-01T00:00:00Z" as "01"' % LAYOUT),
    ('20261301.000000.000000000', 'parsing time "20261301.000000.000000000": month out of range'),
    ('20260230.000000.000000000', 'parsing time "20260230.000000.000000000": day out of range'),
    ('20260101.000000', 'parsing time "20260101.000000" as %s: cannot parse "" as ".000000000"' % LAYOUT),
    ('20260101-000000.000000000', 'parsing time "20260101-000000.000000000" as %s: cannot parse "-000000.000000000" as "."' % LAYOUT),
    ('20260101.000000.000000000Z', 'parsing time "20260101.000000.000000000Z": extra text: "Z"'),
    ('', 'parsing time "" as %s: cannot parse "" as "2006"' % LAYOUT),
])
def test_sortable_time_errors_read_like_go(value, message):
    with pytest.raises(golang.GoError) as caught:
        golang.parse_sortable_time(value)
    assert str(caught.value) == message


@pytest.mark.parametrize('value, nanos', [('2m', 120 * 10**9), ('1h30m', 5400 * 10**9), ('1.5s', 1500000000), ('300ms', 300000000),
                                          ('-1s', -10**9), ('0', 0), ('2m0s', 120 * 10**9)])
def test_durations(value, nanos):
    assert golang.parse_duration(value) == nanos


@pytest.mark.parametrize('value, message', [('', 'time: invalid duration ""'), ('x', 'time: invalid duration "x"'),
                                            ('1', 'time: missing unit in duration "1"'), ('1x', 'time: unknown unit "x" in duration "1x"')])
def test_duration_errors(value, message):
    with pytest.raises(golang.GoError) as caught:
        golang.parse_duration(value)
    assert str(caught.value) == message


def test_format_time_trims_like_go():
    assert golang.format_time(None) == '0001-01-01T00:00:00Z'
    assert golang.format_time(1767225600 * 10**9) == '2026-01-01T00:00:00Z'
    assert golang.format_time(1767225600 * 10**9 + 120000000) == '2026-01-01T00:00:00.12Z'
    assert golang.format_time(1767225600 * 10**9 + 1) == '2026-01-01T00:00:00.000000001Z'


def test_parse_query_matches_net_url():
    assert golang.parse_query('a=1&b=x+y&c=%41&&d') == ([('a', '1'), ('b', 'x y'), ('c', 'A'), ('d', '')], None)
    pairs, error = golang.parse_query('a=1;b=2&c=3&d=%g1')
    assert pairs == [('c', '3')]
    assert str(error) == 'invalid semicolon separator in query'


def test_path_clean():
    assert golang.path_clean('//a/./b/../c/') == '/a/c'
    assert golang.path_clean('/../x') == '/x'
    assert golang.path_clean('/') == '/'


def test_decoders():
    assert params.decode('true', 'bool') is True
    assert params.decode('True', 'bool') is False
    assert params.decode('+5', 'int') == 5
    assert params.decode('a,b', 'list') == ['a', 'b']
    assert params.decode('A=1&A=2&B=', 'map') == {'A': '1', 'B': ''}
    with pytest.raises(ServerError) as caught:
        params.decode('1.5', 'int64')
    assert caught.value.message == 'strconv.ParseInt: parsing "1.5": invalid syntax'


def test_go_json_rendering():
    assert render.encode_json({'b': 1, 'a': [1.0, 2.5], 'c': {}, 'd': None}) == b'{\n  "b": 1,\n  "a": [\n    1,\n    2.5\n  ],\n  "c": {},\n  "d": null\n}\n'
    assert render.encode_json('caf\u00e9 <&>') == '"caf\u00e9 \\u003c\\u0026\\u003e"\n'.encode('utf-8')
    assert render.encode_json_compact({'error': 'a "b"'}) == b'{"error":"a \\"b\\""}\n'
    assert render.go_map({'b': '1', 'a': '2'}) == {'a': '2', 'b': '1'}


def test_accepts_json():
    assert render.accepts_json('application/json')
    assert render.accepts_json('text/html,application/json;q=0.5')
    assert not render.accepts_json('*/*')
    assert not render.accepts_json(None)


def test_env_parsing_and_diff():
    assert parse_env(' K = v \nnoequals\n=x\nA=b=c\r') == {'K': ' v ', 'A': 'b=c'}
    assert env_diff('A=1\nB=2', 'B=3\nC=4') == 'add:C change:B remove:A'
    # EnvDiff trims the whole text, not each line.
    assert env_diff('A=1', ' A=1 \n') == ''
    assert env_diff('A=1', 'A=1 \nB=2') == 'add:B change:A'
    assert env_diff('', '') == ''
    with pytest.raises(ServerError):
        parse_env('K=' + 'x' * 70000)
