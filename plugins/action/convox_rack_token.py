# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of convox.convox.convox_rack_token: runs the module, then hides its result from every callback.

The module returns the token it minted under ``token`` (and masks it everywhere else). Ansible
has no way to hide one key of a result from the output, so a result holding a token is marked
``_ansible_no_log`` here -- what ``no_log: true`` on the task would do: callbacks show
``censored`` at any verbosity, and ``register`` still holds the token for the next task.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Run the module; mark its result no_log."""

    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        result.update(self._execute_module(module_name=self._task.action, module_args=self._task.args, task_vars=task_vars))
        if 'token' in result:
            # Failures and check mode carry no token: their messages stay visible.
            result['_ansible_no_log'] = True
        return result
