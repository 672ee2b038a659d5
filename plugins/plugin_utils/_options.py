# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""What plugins share with modules: the same connection options, read through the config manager."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._connection import CONNECTION_ARGSPEC

CONNECTION_OPTION_NAMES = tuple(sorted(CONNECTION_ARGSPEC))


def connection_options(plugin):
    """Return the connection options of a plugin as the dict ``resolve_connection`` takes.

    Plugins must read options through ``get_option`` (after ``set_options``) so that task
    keywords, Ansible variables and environment variables apply in Ansible's precedence
    order; the resolver then adds the CLI settings as the last source, exactly as for modules.
    """
    return dict((name, plugin.get_option(name)) for name in CONNECTION_OPTION_NAMES)
