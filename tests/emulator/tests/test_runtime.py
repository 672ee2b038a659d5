# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How the emulator runs: TLS, the CLI entry point, concurrency, loopback only."""

import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time

import pytest
import requests

from convox_emulator.server import check_loopback
from convox_emulator.testing import EmulatorServer
from emulator_helpers import Api, wait_for

RUN_PY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'run.py')


@pytest.mark.filterwarnings('ignore::urllib3.exceptions.InsecureRequestWarning')
def test_tls_verifies_with_the_ca():
    with EmulatorServer(password='pw', tls=True) as rack:
        assert rack.url.startswith('https://127.0.0.1:')
        assert os.path.isfile(rack.ca_cert)
        response = Api(rack, verify=rack.ca_cert).get('/system')
        assert response.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(rack.url + '/check', timeout=5)
        localhost = rack.url.replace('127.0.0.1', 'localhost')
        assert requests.get(localhost + '/check', verify=rack.ca_cert, timeout=5).content == b'ok'
        assert requests.get(rack.url + '/check', verify=False, timeout=5).content == b'ok'
        context = ssl.create_default_context(cafile=rack.ca_cert)
        assert context.cert_store_stats()['x509_ca'] == 1
        ca_path = rack.ca_cert
    assert not os.path.exists(ca_path)


def test_plain_server_has_no_ca(rack):
    assert rack.ca_cert is None and rack.url.startswith('http://127.0.0.1:')


def test_twenty_threads_creating_releases_lose_none(api, rack):
    api.post('/apps', data={'name': 'demo'})
    created, errors = [], []

    def worker(index):
        session = Api(rack)
        for step in range(5):
            response = session.post('/apps/demo/releases', data={'env': 'WORKER=%d\nSTEP=%d' % (index, step)})
            if response.status_code == 200:
                created.append(response.json()['id'])
            else:
                errors.append(response.text)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert len(created) == len(set(created)) == 100
    listed = api.get('/apps/demo/releases', params={'limit': '1000'}).json()
    assert sorted(item['id'] for item in listed) == sorted(created)
    stamps = [item['created'] for item in listed]
    assert len(set(stamps)) == 100


def test_concurrent_promotes_admit_one(api, rack, clock):
    api.post('/apps', data={'name': 'demo'})
    clock.advance(3)
    build = rack.state.build_add('demo', manifest='services: {}\n')
    release = api.post('/apps/demo/releases', data={'build': build.id}).json()['id']
    results = []

    def promote():
        results.append(Api(rack).post('/apps/demo/releases/%s/promote' % release).status_code)

    threads = [threading.Thread(target=promote) for _thread in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [200] + [403] * 9


def test_only_loopback_binds():
    for host in ('127.0.0.1', '::1', 'localhost', '127.0.0.2'):
        check_loopback(host)
    for host in ('0.0.0.0', '10.0.0.1', 'example.org', ''):
        with pytest.raises(ValueError):
            check_loopback(host)
    with pytest.raises(ValueError):
        EmulatorServer(host='0.0.0.0').start()


def start_cli(*extra):
    command = [sys.executable, RUN_PY, '--port', '0', '--password', 'SECRET'] + list(extra)
    # Stopped by stop_cli() or the test: the process outlives this function on purpose.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # pylint: disable=consider-using-with
    started = time.monotonic()
    line = process.stdout.readline()
    return process, line, time.monotonic() - started


def stop_cli(process):
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(10)
    finally:
        process.stdout.close()
        process.stderr.close()


def test_cli_prints_one_json_line_and_serves():
    process, line, elapsed = start_cli('--deploy-seconds', '0.1')
    try:
        # Not a timing assertion (the machine may be loaded): the emulator must be ready, not hung.
        assert elapsed < 30.0, 'ready line took %.2f s' % elapsed
        info = json.loads(line)
        assert list(info) == ['url', 'password', 'ca_cert']
        assert info['password'] == 'SECRET' and info['ca_cert'] is None
        assert info['url'].startswith('http://127.0.0.1:')
        session = requests.Session()
        session.auth = ('convox', 'SECRET')
        assert session.post(info['url'] + '/apps', data={'name': 'demo'}, timeout=5).json()['status'] == 'updating'
        wait_for(lambda: session.get(info['url'] + '/apps', timeout=5).json() != [])
    finally:
        assert stop_cli(process) == 0
    assert process.returncode == 0


def test_cli_tls_and_options():
    process, line, _elapsed = start_cli('--tls', '--rack-version', '20240101000000', '--console', 'org/rack', '--build-seconds', '1')
    try:
        info = json.loads(line)
        assert info['url'].startswith('https://') and os.path.isfile(info['ca_cert'])
        response = requests.get(info['url'] + '/system', auth=('convox', 'SECRET'), headers={'Rack': 'org/rack'},
                                verify=info['ca_cert'], timeout=5)
        assert response.json()['version'] == '20240101000000'
    finally:
        assert stop_cli(process) == 0
    assert not os.path.exists(info['ca_cert'])


def test_cli_sigint_and_bad_host():
    process, line, _elapsed = start_cli()
    assert json.loads(line)['url']
    process.send_signal(signal.SIGINT)
    assert process.wait(10) == 0
    process.stdout.close()
    process.stderr.close()
    result = subprocess.run([sys.executable, RUN_PY, '--port', '0', '--password', 'x', '--host', '0.0.0.0'],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and result.stdout == '' and 'loopback' in result.stderr
    result = subprocess.run([sys.executable, RUN_PY, '--port', '0', '--password', 'x', '--console', 'noslash'],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and 'ORG/RACK' in result.stderr
    result = subprocess.run([sys.executable, RUN_PY, '--port', '0', '--password', 'x', '--rack-version', '20180708231844'],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and result.stdout == ''
    assert '--rack-version 20180708231844 is not supported: v2 racks up to 20180708231844' in result.stderr
