# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""convox_rack_token in-process against the emulator: the token works with its role, check mode sends nothing.

(The action plugin that hides the result from callbacks is exercised by the integration target.)
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.convox.convox.plugins.modules import convox_app, convox_app_info, convox_rack_token


def connection(rack, **extra):
    args = dict(host=rack.url, api_key=rack.password)
    args.update(extra)
    return args


def test_a_read_token_reads_and_cannot_write(rack, run_module):
    result, failed = run_module(convox_rack_token.main, connection(rack, role='read', duration_hours=2))
    assert not failed, result
    token = result['token']
    assert result['changed'] is True and result['role'] == 'read' and result['duration_hours'] == 2
    assert token.count('.') == 2, 'a JWT'
    assert [(entry['method'], entry['path'], entry['form']) for entry in rack.requests()] == [
        ('POST', '/system/jwt/token', ['role', 'durationInHour'])]
    rest = dict(result)
    del rest['token']
    assert token not in json.dumps(rest)

    jwt = dict(host=rack.url, api_user='jwt', api_key=token)
    listed, failed = run_module(convox_app_info.main, jwt)
    assert not failed and listed['apps'] == []
    refused, failed = run_module(convox_app.main, dict(jwt, name='demo'))
    assert failed and refused['changed'] is False
    assert 'you are unauthorized to access this' in refused['msg']
    assert token not in json.dumps(refused)


def test_a_write_token_writes_but_cannot_mint_an_admin_token(rack, run_module):
    write, failed = run_module(convox_rack_token.main, connection(rack, role='write'))
    assert not failed
    jwt = dict(host=rack.url, api_user='jwt', api_key=write['token'])
    created, failed = run_module(convox_app.main, dict(jwt, name='demo', wait_interval=0.1))
    assert not failed and created['changed'] is True
    refused, failed = run_module(convox_rack_token.main, dict(jwt, role='admin'))
    assert failed and refused['changed'] is False and refused['status_code'] == 403
    assert 'admin role required to mint admin tokens' in refused['msg']
    assert 'token' not in refused


def test_the_rack_password_mints_an_admin_token(rack, run_module):
    admin, failed = run_module(convox_rack_token.main, connection(rack, role='admin', duration_hours=8760))
    assert not failed and admin['token']
    again, failed = run_module(convox_rack_token.main, dict(host=rack.url, api_user='jwt', api_key=admin['token'], role='admin'))
    assert not failed and again['token'], 'an admin token mints admin tokens'


def test_check_mode_sends_nothing_and_returns_no_token(rack, run_module):
    result, failed = run_module(convox_rack_token.main, connection(rack, _ansible_check_mode=True))
    assert not failed and result['changed'] is True
    assert 'token' not in result and result['role'] == 'read'
    assert rack.requests() == []


@pytest.mark.parametrize('hours', [0, -1, 8761])
def test_a_duration_out_of_range_fails_before_any_request(rack, run_module, hours):
    result, failed = run_module(convox_rack_token.main, connection(rack, duration_hours=hours))
    assert failed and 'duration_hours must be from 1 to 8760' in result['msg']
    assert rack.requests() == []


def test_tokens_stop_working_after_a_reset_of_the_sign_key(rack, run_module):
    minted, failed = run_module(convox_rack_token.main, connection(rack))
    rack.reset()
    stale, failed = run_module(convox_app_info.main, dict(host=rack.url, api_user='jwt', api_key=minted['token']))
    assert failed and stale['status_code'] == 401
    assert 'was not accepted' in stale['msg']
    assert minted['token'] not in json.dumps(stale)


def test_a_v2_rack_mints_no_admin_token_and_the_task_says_so(emulator, run_module):
    v2 = emulator(rack_version='20240101000000')
    write, failed = run_module(convox_rack_token.main, connection(v2, role='write'))
    assert not failed and write['token']
    admin, failed = run_module(convox_rack_token.main, connection(v2, role='admin'))
    assert failed and admin['changed'] is False
    assert admin['msg'] == 'the rack minted no admin token: v2 racks mint read and write tokens only'
