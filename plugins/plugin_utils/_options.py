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


def connection_options(plugin, variables=None, definitions=None):
    """Return the connection options of a plugin as the dict ``resolve_connection`` takes.

    Plugins must read options through ``get_option`` (after ``set_options``) so that task
    keywords, Ansible variables and environment variables apply in Ansible's precedence
    order; the resolver then adds the CLI settings as the last source, exactly as for modules.
    ``variables`` (what ``set_options`` was given) and ``definitions`` (the plugin's option
    definitions) tell which values came from a variable where ansible-core keeps no origins.
    """
    return dict((name, plugin_option(plugin, name, variables, definitions)) for name in CONNECTION_OPTION_NAMES)


def plugin_option(plugin, name, variables=None, definitions=None):
    """``plugin.get_option(name)``, with a value that came from an Ansible variable templated.

    The config manager hands a lookup the variables as they are written, so ``convox_api_key:
    "{{ vault_key }}"`` would arrive as that text; keyword arguments arrive templated already.
    The plugin's templar renders only what Ansible trusts as a template (ansible-core 2.19 and
    later do not render text that came from a result), so a value is never templated twice.
    """
    value = plugin.get_option(name)
    templar = getattr(plugin, '_templar', None)
    if templar is None or value is None:
        return value
    if getattr(plugin, '_origins', None) is not None:
        from_variable = str(plugin.get_option_and_origin(name)[1]).startswith('var')
    else:
        # ansible-core 2.16 keeps no origin of what set_options set (its get_option_and_origin reads the
        # configuration again and misses keyword arguments): a value came from a variable when one of the
        # variables the option reads holds it.
        names = [entry.get('name') for entry in ((definitions or {}).get(name) or {}).get('vars') or ()]
        from_variable = any(var in (variables or {}) and variables[var] == value for var in names)
    return templar.template(value) if from_variable else value
