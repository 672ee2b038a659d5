# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a module's main() in-process, as Ansible would, and return its JSON result."""

from __future__ import annotations

import contextlib
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.common.text.converters import to_bytes

try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # older ansible-core reads the arguments from this module global
    patch_module_args = None


@contextlib.contextmanager
def _module_args(args):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    saved = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved


@pytest.fixture
def run_module(capsys, monkeypatch, tmp_path):
    """``run_module(main, args) -> (result, failed)``. The CLI settings and CONVOX_* variables of
    the machine running the tests are kept out, so only what a test passes counts."""
    for name in ('CONVOX_HOST', 'CONVOX_PASSWORD', 'CONVOX_RACK', 'CONVOX_CONFIG', 'RACK_URL', 'CONVOX_ACTOR'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('XDG_CONFIG_HOME', str(tmp_path / '.config'))

    def run(main, args):
        if args.get('_ansible_inject_invocation') and 'inject_invocation' not in PASS_VARS:
            # Tests ask for `invocation.module_args` (where a leaked option value would show) with this
            # argument; ansible-core before 2.21 always returns it and does not know the argument.
            args = dict((key, value) for key, value in args.items() if key != '_ansible_inject_invocation')
        capsys.readouterr()
        # Warnings and deprecations are process-wide: a run must not report an earlier run's.
        for name in ('_global_warnings', '_global_deprecations'):
            getattr(ansible_warnings, name).clear()
        with _module_args(args), pytest.raises(SystemExit) as exit_info:
            main()
        result = json.loads(capsys.readouterr().out)
        assert bool(exit_info.value.code) == bool(result.get('failed')), result
        return result, bool(result.get('failed'))

    return run
