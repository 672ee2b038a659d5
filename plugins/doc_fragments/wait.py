# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The wait options of every module that waits for the rack (plugins/module_utils/_wait.py)."""

    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Whether to wait until the rack has finished the operation before the task returns.
      - Nothing is waited for in check mode.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, from 0 to 86400. When the time is up, the task fails with the last status seen
        (RV(ignore:last_status)) and every status seen on the way (RV(ignore:statuses)).
    type: int
    default: 600
  wait_interval:
    description:
      - Seconds between two polls of the rack while waiting, from 0.1 to 300.
      - By default the first poll comes after half a second and the interval grows by half each time up to 3 seconds,
        so a short operation is seen to end within about a second and a long one costs one request every 3 seconds.
    type: float
"""
