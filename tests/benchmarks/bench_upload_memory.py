# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peak memory of convox_build uploads as the source grows: an ``import_path`` and a ``source`` directory.

Run from the checkout (it takes a minute or two; nothing is asserted, figures are printed)::

    .venv-2.21/bin/python tests/benchmarks/bench_upload_memory.py [--sizes 8,16,32,64,128,160]

For each size (MiB) it writes a source directory (``convox.yml``, ``Dockerfile`` and one file of
random bytes of that size) and an exported build (``build.json`` and an image archive of that size),
then runs the real ``convox_build`` module in a fresh Python process against an in-process rack
emulator: once with ``source`` (digest pass, then tar+gzip while uploading, then the build) and once
with ``import_path`` (digest pass, then the streamed import). Each child reports the peak of
Python's traced allocations during the module run (tracemalloc) and its peak resident set size
(``VmHWM`` of ``/proc/self/status``; ``ru_maxrss`` where there is no ``/proc``). Both stay flat when uploads stream; a client that held the file in
memory would grow by the file's size.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIB = 1024 * 1024
BLOCK = MIB

CHILD = r'''
import contextlib, io, json, sys, tracemalloc
from ansible.module_utils import basic
from ansible_collections.convox.convox.plugins.modules import convox_build
args = json.loads(sys.argv[1])
try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:
    patch_module_args = None
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8')
output = io.StringIO()
tracemalloc.start()
with contextlib.ExitStack() as stack:
    if patch_module_args is not None:
        stack.enter_context(patch_module_args(args))
    stack.enter_context(contextlib.redirect_stdout(output))
    try:
        convox_build.main()
    except SystemExit:
        pass
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
# VmHWM: this program's own peak resident set (ru_maxrss would also count the parent's pages before exec).
rss = None
with contextlib.suppress(OSError):
    with open('/proc/self/status', encoding='ascii') as status:
        rss = next((int(line.split()[1]) * 1024 for line in status if line.startswith('VmHWM:')), None)
result = json.loads(output.getvalue())
print(json.dumps({'peak': peak, 'rss': rss, 'failed': bool(result.get('failed')), 'msg': result.get('msg'),
                  'bytes': (result.get('upload') or {}).get('bytes')}))
'''


def collection_tree(scratch):
    """A directory holding ansible_collections/convox/convox -> this checkout, for the child's imports."""
    namespace = os.path.join(scratch, 'collections', 'ansible_collections', 'convox')
    os.makedirs(namespace)
    os.symlink(ROOT, os.path.join(namespace, 'convox'))
    return os.path.join(scratch, 'collections')


def write_random(path, size):
    with open(path, 'wb') as handle:
        for _index in range(size // BLOCK):
            handle.write(os.urandom(BLOCK))


def make_source(directory, size):
    os.makedirs(directory)
    with open(os.path.join(directory, 'convox.yml'), 'w', encoding='utf-8') as handle:
        handle.write('services:\n  web:\n    build: .\n    port: 3000\n')
    with open(os.path.join(directory, 'Dockerfile'), 'w', encoding='utf-8') as handle:
        handle.write('FROM scratch\nCOPY blob.bin /\n')
    write_random(os.path.join(directory, 'blob.bin'), size)


def make_export(path, blob):
    """An exported build: build.json, then a service image archive (here: the random blob)."""
    build = {'id': 'BBENCHMARK', 'app': 'bench', 'description': 'benchmark', 'manifest': 'services:\n  web:\n    build: .\n',
             'logs': '', 'status': 'complete'}
    data = json.dumps(build).encode('utf-8')
    # Level 1: the export only has to be a valid gzip; random bytes do not compress anyway.
    with gzip.open(path, 'wb', compresslevel=1) as zipped, tarfile.open(fileobj=zipped, mode='w|') as archive:
        info = tarfile.TarInfo('build.json')
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        archive.add(blob, 'web.BBENCHMARK.tar')


def run_child(pythonpath, args):
    """Run the module in a fresh process; return (report, peak RSS in bytes, seconds)."""
    env = dict(os.environ, PYTHONPATH=pythonpath)
    started = time.monotonic()
    with subprocess.Popen([sys.executable, '-c', CHILD, json.dumps(args)], stdout=subprocess.PIPE, env=env) as child:
        output = child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    report = json.loads(output.decode('utf-8').strip().splitlines()[-1])
    if report['failed']:
        raise SystemExit('the module failed: %s' % report['msg'])
    # Without /proc, ru_maxrss (KiB on Linux): an upper bound that may include the parent's pages before exec.
    return report, report['rss'] or usage.ru_maxrss * 1024, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--sizes', default='8,16,32,64,128,160', help='file sizes in MiB (default: %(default)s)')
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(',')]
    sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))
    from convox_emulator.testing import EmulatorServer  # pylint: disable=import-outside-toplevel

    scratch = tempfile.mkdtemp(prefix='convox-benchmark-')
    try:
        pythonpath = collection_tree(scratch)
        with EmulatorServer(password='benchmark', deploy_seconds=0.1, build_seconds=0.1) as rack:
            rack.state.app_create('bench')
            connection = dict(host=rack.url, api_key=rack.password, wait_interval=0.2, wait_timeout=600, force=True, app='bench')
            print('%8s  %-11s  %16s  %14s  %10s  %8s' % ('file', 'upload', 'tracemalloc peak', 'RSS peak', 'sent', 'seconds'))
            for size in sizes:
                source = os.path.join(scratch, 'source-%d' % size)
                make_source(source, size * MIB)
                export = os.path.join(scratch, 'export-%d.tgz' % size)
                make_export(export, os.path.join(source, 'blob.bin'))
                for label, args in (('source', dict(connection, source=source)), ('import_path', dict(connection, import_path=export))):
                    report, rss, elapsed = run_child(pythonpath, args)
                    print('%5d MiB  %-11s  %12.2f MiB  %10.1f MiB  %6.1f MiB  %8.1f' % (
                        size, label, report['peak'] / MIB, rss / MIB, (report['bytes'] or 0) / MIB, elapsed))
                    sys.stdout.flush()
                shutil.rmtree(source)
                os.unlink(export)
                # The emulator spools uploads to disk: drop them between sizes.
                rack.reset()
                rack.state.app_create('bench')
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == '__main__':
    main()
