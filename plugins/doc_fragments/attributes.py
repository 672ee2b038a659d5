# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Attribute blocks shared by the collection's modules."""

    # Every module extends this one: it documents membership of the action group.
    ACTION_GROUP = r"""
attributes:
  action_group:
    description: Use C(group/convox.convox.convox) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - convox.convox.convox
"""

    # Modules that only read from the rack.
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: This action does not modify state, so it runs normally in check mode.
    support: full
  diff_mode:
    description: This action does not modify state.
    support: N/A
  idempotent:
    description: This action does not modify state.
    support: full
"""

    # Modules that manage state on the rack.
    STATE_MODULE = r"""
attributes:
  check_mode:
    description: Can run in check mode, making no change and predicting C(changed) and the diff truthfully.
    support: full
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) when run in diff mode.
    support: full
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change and sends no write request.
    support: full
"""
