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
    return dict((name, plugin_option(plugin, name)) for name in CONNECTION_OPTION_NAMES)


def plugin_option(plugin, name):
    """``plugin.get_option(name)``, with a value that came from an Ansible variable templated.

    The config manager hands a lookup the variables as they are written, so ``convox_api_key:
    "{{ vault_key }}"`` would arrive as that text; keyword arguments arrive templated already.
    The plugin's templar renders only what Ansible trusts as a template (ansible-core 2.19 and
    later do not render text that came from a result), so a value is never templated twice.
    """
    get_with_origin = getattr(plugin, 'get_option_and_origin', None)
    if get_with_origin is None:
        return plugin.get_option(name)
    value, origin = get_with_origin(name)
    templar = getattr(plugin, '_templar', None)
    if templar is not None and value is not None and str(origin).startswith('var'):
        value = templar.template(value)
    return value
