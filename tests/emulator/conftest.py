# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Puts the emulator package on sys.path and offers its fixtures to the tests below."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from convox_emulator.pytest_plugin import convox_rack, convox_rack_server  # noqa: E402,F401 pylint: disable=wrong-import-position,unused-import
