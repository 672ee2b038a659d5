# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plugin option adapter hands plugins' options to the same resolver modules use."""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._connection import CONNECTION_ARGSPEC, resolve_connection
from ansible_collections.convox.convox.plugins.plugin_utils._options import connection_options, plugin_option


class FakePlugin:
    """What the adapter needs of a plugin: get_option after set_options."""

    def __init__(self, options):
        self.options = options

    def get_option(self, name):
        return self.options.get(name)


def test_every_connection_option_is_read_through_get_option():
    plugin = FakePlugin(dict(host='rack.example.com', api_key='k', rack='acme/prod'))

    options = connection_options(plugin)

    assert set(options) == set(CONNECTION_ARGSPEC)
    assert (options['host'], options['api_key'], options['rack'], options['timeout']) == ('rack.example.com', 'k', 'acme/prod', None)


def test_the_options_resolve_like_a_module_s(tmp_path):
    plugin = FakePlugin(dict(host='console.example.com', api_key='key', rack='acme/prod', validate_certs=True,
                             config_dir=str(tmp_path)))

    settings = resolve_connection(connection_options(plugin), environ={}, home=str(tmp_path))

    assert settings.base_url == 'https://console.example.com'
    assert settings.rack == 'acme/prod' and settings.console
    assert 'key' in settings.secret_values()


class FakeTemplar:
    """Renders ``{{ name }}`` from its variables, as Ansible's templar would."""

    def __init__(self, variables):
        self.variables = variables

    def template(self, value):
        if isinstance(value, str) and value.startswith('{{ ') and value.endswith(' }}'):
            return self.variables[value[3:-3]]
        return value


class FakePluginWithOrigins(FakePlugin):
    """A plugin whose options know where they came from, as AnsiblePlugin's do."""

    def __init__(self, options, origins, templar=None):
        super().__init__(options)
        self._origins = origins
        self._templar = templar

    def get_option_and_origin(self, name):
        return self.options.get(name), self._origins.get(name, 'default')


def test_values_from_variables_are_templated_and_others_are_not():
    templar = FakeTemplar(dict(vault_key='the-key', rack_url='https://rack.example.com'))
    plugin = FakePluginWithOrigins(
        dict(api_key='{{ vault_key }}', host='{{ rack_url }}', rack='{{ not_templated }}'),
        dict(api_key='var: convox_api_key', host='var: convox_host', rack='Direct'),
        templar)

    options = connection_options(plugin)

    assert (options['api_key'], options['host'], options['rack']) == ('the-key', 'https://rack.example.com', '{{ not_templated }}')
    # Without a templar (a plugin created outside a template), values are left as they are.
    assert plugin_option(FakePluginWithOrigins(dict(host='{{ rack_url }}'), dict(host='var: convox_host')), 'host') == '{{ rack_url }}'


class FakePluginOfAnsible216(FakePlugin):
    """ansible-core 2.16's plugins keep no origins: get_option_and_origin reads the configuration again,
    missing keyword arguments (and a value from a variable shows as the default)."""

    def __init__(self, options, templar):
        super().__init__(options)
        self._templar = templar

    def get_option_and_origin(self, name):
        return None, 'default'


def test_without_origins_a_value_held_by_a_variable_of_the_option_is_templated():
    templar = FakeTemplar(dict(vault_key='the-key'))
    plugin = FakePluginOfAnsible216(dict(api_key='{{ vault_key }}', host='{{ typed_as_a_keyword }}', rack='acme/prod'), templar)
    definitions = dict(api_key=dict(vars=[dict(name='convox_api_key')]), host=dict(vars=[dict(name='convox_host')]),
                       rack=dict(vars=[dict(name='convox_rack')]))
    variables = dict(convox_api_key='{{ vault_key }}', convox_rack='other/rack')

    options = connection_options(plugin, variables, definitions)

    # The keyword's value is kept (it is not the variable's), as are options no variable holds.
    assert (options['api_key'], options['host'], options['rack']) == ('the-key', '{{ typed_as_a_keyword }}', 'acme/prod')
