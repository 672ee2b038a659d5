# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Process exec over a real websocket (provider/k8s ProcessExec): the command set, environment, exit codes, stdin,
TTY, timing and the errors, each with the exit marker where the rack writes it."""

import threading
import time

import pytest
import websocket

from emulator_helpers import BINARY, EXIT_MARKER, TEXT, close_socket, deploy_manifest, open_socket, read_frames, split_marker, stream, texts

MANIFEST = ('environment:\n  - SHARED=from-manifest\nservices:\n  web:\n    build: .\n    port: 3000\n    environment:\n      - DEFAULTED=yes\n'
            '      - REQUIRED\n')
PLAIN = {'Tty': 'false', 'Disable-Stdin': 'true'}
OCI_MISSING = ('Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "%s": '
               'OCI runtime exec failed: exec failed: unable to start container process: exec: "%s": executable file not found in $PATH: unknown')


@pytest.fixture
def web(api, rack, clock):
    """A running one-off process of web (``sleep 3600``, the holder ``convox run`` uses) with a run Environment."""
    deploy_manifest(api, rack, clock, MANIFEST)
    api.post('/apps/demo/releases', data={'env': 'FOO=bar\nREQUIRED=given'})
    release = api.get('/apps/demo/releases').json()[0]['id']
    api.post('/apps/demo/releases/%s/promote' % release)
    clock.advance(1)
    process = api.post('/apps/demo/services/web/processes', headers={'Command': 'sleep 3600', 'Environment': 'RUN_ONLY=1&FOO=overridden'}).json()
    clock.advance(1)
    assert api.get('/apps/demo/processes/%s' % process['id']).json()['status'] == 'running'
    return process


def run(rack, pid, command, **headers):
    options = dict(PLAIN)
    options.update({name.replace('_', '-'): value for name, value in headers.items()})
    options['Command'] = command
    return split_marker(stream(rack, '/apps/demo/processes/%s/exec' % pid, options))


@pytest.mark.parametrize('command, output, code', [
    ('echo hello world', 'hello world\n', 0),
    ('echo -n no newline', 'no newline', 0),
    ('/bin/echo path form', 'path form\n', 0),
    ('true', '', 0),
    ('false', '', 1),
    ('sh -c "exit 3"', '', 3),
    ('sh -c "exit 300"', '', 44),
    ('sh -c "echo a; false; echo b"', 'a\nb\n', 0),
    ('sh -c "false && echo no || echo yes"', 'yes\n', 0),
    ('sh -c "true && echo and; false || exit 7"', 'and\n', 7),
    ('sh -ec "echo before; false; echo never"', 'before\n', 1),
    ('sh -c "nosuch --flag; echo status $?"', 'sh: 1: nosuch: not found\nstatus 127\n', 0),
    ('sh -c "echo $0 $1 $#" name first', 'name first 1\n', 0),
    ('sh -c "echo a | cat"', 'sh: 1: emulator: unsupported shell syntax: |\n', 2),
    ('sleep', "sleep: missing operand\nTry 'sleep --help' for more information.\n", 1),
    ('sleep soon', "sleep: invalid time interval 'soon'\nTry 'sleep --help' for more information.\n", 1),
    ('cat /etc/hostname', 'cat: /etc/hostname: No such file or directory\n', 1),
    ('env -i', "env: '-i': No such file or directory\n", 127),
])
def test_the_command_set(rack, web, command, output, code):
    assert run(rack, web['id'], command) == (output, code, [])


def test_environment(rack, web):
    output, code, _errors = run(rack, web['id'], 'env')
    env = dict(line.split('=', 1) for line in output.splitlines())
    assert code == 0
    assert env['FOO'] == 'overridden' and env['RUN_ONLY'] == '1' and env['REQUIRED'] == 'given'
    assert (env['SHARED'], env['DEFAULTED']) == ('from-manifest', 'yes')
    assert (env['APP'], env['SERVICE'], env['PORT'], env['RACK'], env['HOSTNAME']) == ('demo', 'web', '3000', 'dev', web['id'])
    assert env['RELEASE'] == web['release'] and env['BUILD'].startswith('B')
    assert env['RACK_URL'] == 'https://convox:%s@api.dev-system.svc.cluster.local:5443' % rack.password
    assert list(env) == sorted(env)
    assert run(rack, web['id'], 'sh -c "echo $FOO-$RUN_ONLY; X=1 env" ')[0].splitlines()[0] == 'overridden-1'
    assert run(rack, web['id'], 'env ADDED=1 sh -c "echo $ADDED $SERVICE"')[0] == '1 web\n'


def test_a_service_process_has_no_run_environment(api, rack, web):
    service_pod = api.get('/apps/demo/processes', params={'service': 'web'}).json()
    pid = next(item['id'] for item in service_pod if item['id'] != web['id'])
    output = run(rack, pid, 'env')[0]
    assert 'FOO=bar\n' in output and 'RUN_ONLY' not in output


def test_a_process_of_a_service_missing_from_the_manifest_gets_no_rack_variables(api, rack, clock, web):
    adhoc = api.post('/apps/demo/services/adhoc/processes', headers={'Image': 'alpine', 'Command': 'sleep 60', 'Environment': 'ONLY=me'}).json()
    clock.advance(1)
    output = run(rack, adhoc['id'], 'env')[0]
    assert output == 'HOME=/root\nHOSTNAME=%s\nONLY=me\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' % adhoc['id']


def test_missing_executables(rack, web):
    for name in ('nosuch', 'exit', 'bash'):
        output, code, errors = run(rack, web['id'], '%s 3' % name)
        assert (output, code, len(errors)) == ('', 1, 1)
        exec_id = errors[0].split('"')[1]
        assert len(exec_id) == 64 and errors[0] == 'ERROR: %s\n' % (OCI_MISSING % (exec_id, name))
    errors = run(rack, web['id'], '/opt/app/migrate')[2]
    assert errors[0].endswith('exec: "/opt/app/migrate": stat /opt/app/migrate: no such file or directory: unknown\n')
    # The exec id is derived from the process and the command: the same exec gives the same message.
    assert run(rack, web['id'], 'nosuch 3') == run(rack, web['id'], 'nosuch 3')


def test_the_marker_is_the_last_text_and_errors_follow_it(rack, web):
    frames = stream(rack, '/apps/demo/processes/%s/exec' % web['id'], dict(PLAIN, Command='nosuch'))
    assert frames[-3][1].decode().startswith(EXIT_MARKER) and frames[-2][1].startswith(b'ERROR: ') and frames[-1] == (BINARY, b'')


def test_tty_is_the_default(rack, web):
    assert run(rack, web['id'], 'sh -c "echo a; echo b"', Tty='true') == ('a\r\nb\r\n', 0, [])
    frames = stream(rack, '/apps/demo/processes/%s/exec' % web['id'], {'Command': 'echo a', 'Disable-Stdin': 'true'})
    assert frames == [(TEXT, b'a\r\n'), (TEXT, ('%s0\n' % EXIT_MARKER).encode()), (BINARY, b'')]
    # Only the exact "true" is true; anything else turns the TTY off.
    assert run(rack, web['id'], 'echo a', Tty='yes')[0] == 'a\n'


def test_each_write_is_a_frame(rack, web):
    frames = stream(rack, '/apps/demo/processes/%s/exec' % web['id'], dict(PLAIN, Command='sh -c "echo one; echo two; exit 5"'))
    assert texts(frames) == ['one\n', 'two\n', '%s5\n' % EXIT_MARKER]


def test_sleep_takes_real_time(rack, web):
    started = time.monotonic()
    assert run(rack, web['id'], 'sh -c "sleep 1; echo woke; sleep 0.5"') == ('woke\n', 0, [])
    # A lower bound only: the machine may be slow, never fast.
    assert time.monotonic() - started >= 1.5


def test_output_arrives_while_the_command_runs(rack, web):
    ws = open_socket(rack, '/apps/demo/processes/%s/exec' % web['id'], dict(PLAIN, Command='sh -c "echo first; sleep 2; echo second"'))
    try:
        assert ws.recv_data() == (TEXT, b'first\n')
        first = time.monotonic()
        assert ws.recv_data() == (TEXT, b'second\n')
        # The first line came as it was written, not with the rest when the command ended.
        assert time.monotonic() - first >= 1.9
        assert read_frames(ws)[-1] == (BINARY, b'')
    finally:
        close_socket(ws)


def test_stdin_reaches_cat_but_the_eof_frame_does_not(rack, web):
    """v3 ProcessExec copies the socket into a pipe it never closes: the command never sees the client's EOF."""
    ws = open_socket(rack, '/apps/demo/processes/%s/exec' % web['id'], {'Command': 'cat', 'Tty': 'false'})
    try:
        ws.send('hello\n')
        assert ws.recv_data() == (TEXT, b'hello\n')
        ws.send('again')
        assert ws.recv_data() == (TEXT, b'again')
        ws.send_binary(b'')
        ws.settimeout(1)
        with pytest.raises(websocket.WebSocketTimeoutException):
            ws.recv_data()
    finally:
        close_socket(ws)
    # The emulator lets go of the command when the client leaves; the process is still there.
    assert run(rack, web['id'], 'echo still here')[1] == 0


def test_pings_are_answered_while_stdin_is_read(rack, web):
    ws = open_socket(rack, '/apps/demo/processes/%s/exec' % web['id'], {'Command': 'cat', 'Tty': 'false'})
    try:
        ws.ping(b'x')
        assert ws.recv_data(control_frame=True) == (websocket.ABNF.OPCODE_PONG, b'x')
    finally:
        close_socket(ws)


def test_a_close_frame_is_answered_while_stdin_is_read(rack, web):
    """gorilla's reader answers a close frame (its default close handler); the command then has nobody to write to."""
    ws = open_socket(rack, '/apps/demo/processes/%s/exec' % web['id'], {'Command': 'cat', 'Tty': 'false'})
    try:
        ws.send_close()
        assert ws.recv_data(control_frame=True)[0] == websocket.ABNF.OPCODE_CLOSE
    finally:
        close_socket(ws)


def test_disable_stdin_gives_the_command_an_empty_stdin(rack, web):
    assert run(rack, web['id'], 'cat') == ('', 0, [])
    assert run(rack, web['id'], 'sh') == ('', 0, [])


def test_a_v2_rack_passes_the_eof_on(v2, v2_rack):
    """convox/rack's docker exec closes the command's stdin at the client's EOF frame."""
    deploy_manifest(v2, v2_rack, v2_rack.state.clock, 'services:\n  web:\n    build: .\n')
    pid = v2.get('/apps/demo/processes').json()[0]['id']
    ws = open_socket(v2_rack, '/apps/demo/processes/%s/exec' % pid, {'Command': 'sh', 'Tty': 'false'})
    try:
        ws.send('echo from stdin; exit 4\n')
        ws.send_binary(b'')
        assert split_marker(read_frames(ws)) == ('from stdin\n', 4, [])
    finally:
        close_socket(ws)


def test_exec_by_service_name_picks_a_running_process(api, rack, web):
    output = run(rack, 'web', 'sh -c "echo $HOSTNAME"')[0].strip()
    running = sorted(item['id'] for item in api.get('/apps/demo/processes', params={'service': 'web'}).json() if item['status'] == 'running')
    assert output == running[0]


def test_lookup_errors_come_after_a_zero_marker(rack, web):
    assert run(rack, 'nope', 'echo hi') == ('', 0, ['ERROR: pods "nope" not found\n'])
    assert run(rack, web['id'], 'echo "unbalanced') == ('', 0, ['ERROR: Unterminated double-quoted string\n'])


def test_option_errors_come_without_a_marker(rack, web):
    frames = stream(rack, '/apps/demo/processes/%s/exec' % web['id'], {'Command': 'echo', 'Height': 'tall'})
    assert frames == [(TEXT, b'ERROR: strconv.Atoi: parsing "tall": invalid syntax\n'), (BINARY, b'')]


def test_a_process_that_is_not_running(api, rack, clock, web):
    pending = api.post('/apps/demo/services/web/processes', headers={'Command': 'sleep 60'}).json()
    assert run(rack, pending['id'], 'echo hi') == ('', 1, ['ERROR: unable to upgrade connection: container not found ("demo")\n'])
    done = api.post('/apps/demo/services/web/processes', headers={'Command': 'echo done'}).json()
    clock.advance(1)
    assert api.get('/apps/demo/processes/%s' % done['id']).json()['status'] == 'complete'
    assert run(rack, done['id'], 'echo hi')[1:] == (1, ['ERROR: unable to upgrade connection: container not found ("demo")\n'])


def test_entrypoint(api, rack, clock, web):
    build = rack.state.builds['demo'][api.get('/apps/demo/releases/%s' % web['release']).json()['build']]
    build.entrypoint = 'echo entry'
    assert run(rack, web['id'], 'point', Entrypoint='true') == ('entry point\n', 0, [])
    assert run(rack, web['id'], 'echo plain') == ('plain\n', 0, [])
    # The entrypoint comes from the process's release and its build: their lookup errors follow a zero marker.
    rack.state.processes['demo'][web['id']].release = 'RGONE'
    assert run(rack, web['id'], 'point', Entrypoint='true') == ('', 0, ['ERROR: releases.convox.com "rgone" not found\n'])


def test_stopping_the_process_kills_the_command(api, rack, web):
    ws = open_socket(rack, '/apps/demo/processes/%s/exec' % web['id'], dict(PLAIN, Command='sh -c "echo started; sleep 30"'))
    try:
        assert ws.recv_data() == (TEXT, b'started\n')
        assert api.delete('/apps/demo/processes/%s' % web['id']).text == 'ok\n'
        assert split_marker(read_frames(ws)) == ('', 137, [])
    finally:
        close_socket(ws)


def test_a_client_that_leaves_mid_command(rack, web):
    ws = open_socket(rack, '/apps/demo/processes/%s/exec' % web['id'], dict(PLAIN, Command='sleep 30'))
    close_socket(ws)
    assert run(rack, web['id'], 'echo next') == ('next\n', 0, [])


def test_execs_run_side_by_side(rack, web):
    results = []

    def one(number):
        results.append(run(rack, web['id'], 'sh -c "sleep 2; echo %d"' % number))
    threads = [threading.Thread(target=one, args=(number,)) for number in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == [('%d\n' % number, 0, []) for number in range(3)]
    # One after the other they would take 6 s: the sleeps do not block the event loop.
    assert time.monotonic() - started < 5.5
