# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ConvoxModule's masking: no_log option values and registered rack values, and values revealed in the diff only."""

from __future__ import annotations

import json

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule

OPTION_VALUE = 'option-value-7d1e'
RACK_VALUE = 'rack-value-51aa'


def masking_module():
    """A module that returns its secret option value and a registered value everywhere it could leak."""
    module = ConvoxModule(argument_spec=dict(env=dict(type='dict', no_log=True), reveal=dict(type='bool', default=False)),
                          supports_check_mode=True)
    values = list(module.params['env'].values()) + [RACK_VALUE]
    module.register_secrets([RACK_VALUE])
    if module.params['reveal']:
        module.reveal_in_diff(values)
    module.warn('a warning about %s' % ' and '.join(values))
    module.exit_json(changed=True, msg='a message about %s' % ' and '.join(values), keys=values,
                     diff=dict(before=dict(env=dict(A=RACK_VALUE)), after=dict(env=module.params['env'])))


def run_masking(run_module, rack, **args):
    args = dict(dict(host=rack.url, api_key=rack.password, env=dict(A=OPTION_VALUE), _ansible_inject_invocation=True), **args)
    result, failed = run_module(masking_module, args)
    assert not failed, result
    return result


def test_secret_values_are_masked_everywhere_including_the_diff(rack, run_module):
    result = run_masking(run_module, rack)
    text = json.dumps(result)
    assert OPTION_VALUE not in text and RACK_VALUE not in text
    assert result['diff']['after']['env']['A'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_revealed_values_show_in_the_diff_only(rack, run_module):
    result = run_masking(run_module, rack, reveal=True)
    assert result['diff'] == dict(before=dict(env=dict(A=RACK_VALUE)), after=dict(env=dict(A=OPTION_VALUE)))
    rest = json.dumps(dict((key, value) for key, value in result.items() if key != 'diff'))
    assert OPTION_VALUE not in rest and RACK_VALUE not in rest
    assert result['msg'] == 'a message about ******** and ********'
    assert 'a warning about ******** and ********' in json.dumps(result['warnings'])
    assert result['invocation']['module_args']['env'] == dict(A='VALUE_SPECIFIED_IN_NO_LOG_PARAMETER')


def test_a_revealed_value_that_is_also_the_api_key_stays_masked(rack, run_module):
    result = run_masking(run_module, rack, reveal=True, env=dict(A=rack.password))
    assert rack.password not in json.dumps(result)
    assert result['diff']['before']['env']['A'] == RACK_VALUE
