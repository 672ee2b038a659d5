# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ConvoxModule.return_secret: a secret returned under its key, masked everywhere else, and warn() masking."""

from __future__ import annotations

import json

import pytest

from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule

SECRET = 'tok-0123456789abcdef-SECRET'


def warning_texts(result):
    """Warning texts whatever the ansible-core (2.19+ returns WarningSummary objects)."""
    return [warning if isinstance(warning, str) else warning['event']['msg'] for warning in result.get('warnings', [])]


def run(run_module, rack, body, **args):
    def main():
        module = ConvoxModule(argument_spec=dict(mode=dict(type='str', default='ok')), supports_check_mode=True)
        body(module)
    arguments = dict(host=rack.url, api_key=rack.password)
    arguments.update(args)
    return run_module(main, arguments)


def test_the_returned_key_keeps_the_value_and_every_other_place_masks_it(rack, run_module):
    def body(module):
        module.return_secret('token', SECRET)
        module.warn('a warning that quotes %s' % SECRET)
        module.exit_json(changed=True, token='placeholder', note='the token is %s' % SECRET, nested={'copy': SECRET})

    result, failed = run(run_module, rack, body)
    assert not failed
    assert result['token'] == SECRET
    assert result['changed'] is True
    assert result['note'] == 'the token is ********'
    assert result['nested'] == {'copy': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}  # as Ansible masks a whole value
    assert 'a warning that quotes ********' in warning_texts(result)
    rest = dict(result)
    del rest['token']
    assert SECRET not in json.dumps(rest)


def test_a_failure_returns_no_secret(rack, run_module):
    def body(module):
        module.return_secret('token', SECRET)
        module.fail_json(msg='failed after minting %s' % SECRET, token=SECRET)

    result, failed = run(run_module, rack, body)
    assert failed
    assert SECRET not in json.dumps(result)
    assert result['msg'] == 'failed after minting ********'


def test_registered_secrets_are_masked_in_warnings(rack, run_module):
    def body(module):
        module.register_secrets(['value-from-the-rack-123'])
        module.warn('saw value-from-the-rack-123')
        module.exit_json(changed=False)

    result, failed = run(run_module, rack, body)
    assert 'saw ********' in warning_texts(result)
    assert 'value-from-the-rack-123' not in json.dumps(result)


@pytest.mark.parametrize('value', [True, False, None])
def test_booleans_and_none_survive_when_a_secret_is_returned(rack, run_module, value):
    def body(module):
        module.return_secret('token', 'True-False-None')
        module.exit_json(changed=False, flag=value)

    result, failed = run(run_module, rack, body)
    assert result['flag'] is value and result['token'] == 'True-False-None'


def test_a_secret_inside_the_returned_one_does_not_mangle_it_and_stays_masked_elsewhere(rack, run_module):
    def body(module):
        module.register_secrets(['0123'])  # a short secret that happens to occur inside the token
        module.return_secret('token', SECRET)
        module.exit_json(changed=True, note='the key 0123 and the token %s' % SECRET)

    result, failed = run(run_module, rack, body, _ansible_check_mode=False)
    assert not failed
    assert result['token'] == SECRET
    assert result['note'] == 'the key ******** and the token ********'
    assert rack.password not in json.dumps(result)


def test_the_invocation_keeps_no_log_options_masked_when_a_secret_is_returned(rack, run_module):
    def body(module):
        module.return_secret('token', 'tok-' + module.params['api_key'][:6] + '-rest-of-the-token')
        module.exit_json(changed=True)

    result, failed = run(run_module, rack, body)
    assert result['token'].startswith('tok-' + rack.password[:6])
    invocation = result.get('invocation', {}).get('module_args', {})
    assert invocation.get('api_key') in (None, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER')
    rest = dict(result)
    del rest['token']
    assert rack.password not in json.dumps(rest)
