# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desired-state helper: plans, map updates, diffs with hidden secrets, check mode, verification."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._errors import (
    ConvoxConflictError,
    ConvoxGatewayError,
    ConvoxNotFoundError,
    ConvoxServerError,
    ConvoxValidationError,
)
from ansible_collections.convox.convox.plugins.module_utils._state import (
    HIDDEN,
    HIDDEN_AFTER,
    HIDDEN_BEFORE,
    ConvoxStateError,
    DesiredState,
    Field,
    MapUpdate,
    find_listed,
    is_missing_id,
    read_or_none,
)
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path

APP_FIELDS = [Field('locked'), Field('parameters')]
ENV_FIELDS = [Field('env', secret=True)]


class ModuleFlags:
    """The two flags of an AnsibleModule the helper reads."""

    def __init__(self, check_mode=False, diff=True):
        self.check_mode = check_mode
        self._diff = diff


def test_nothing_given_is_nothing_to_do():
    plan = DesiredState(ModuleFlags(), APP_FIELDS).plan({'locked': True, 'parameters': {'BuildCpu': '256'}}, {})
    assert plan.action is None
    assert not plan.changed


def test_only_given_fields_are_compared():
    current = {'locked': True, 'parameters': {'BuildCpu': '256'}}
    plan = DesiredState(ModuleFlags(), APP_FIELDS).plan(current, dict(locked=True, parameters=None))
    assert plan.action is None
    plan = DesiredState(ModuleFlags(), APP_FIELDS).plan(current, dict(locked=False))
    assert plan.action == 'update'
    assert list(plan.changes) == ['locked']
    assert plan.desired == {'locked': False}


def test_absent_object_is_created_with_every_given_field():
    plan = DesiredState(ModuleFlags(), APP_FIELDS).plan(None, dict(locked=False))
    assert plan.action == 'create'
    assert plan.diff() == {'before': {'state': 'absent'}, 'after': {'state': 'present', 'locked': False}}


def test_delete_and_already_absent():
    state = DesiredState(ModuleFlags(), APP_FIELDS)
    assert state.plan({'locked': False}, {}, present=False).action == 'delete'
    assert state.plan(None, {}, present=False).action is None


def test_map_merge_compares_only_given_keys_as_text():
    current = {'parameters': {'BuildCpu': '256', 'BuildMem': '512'}}
    plan = DesiredState(ModuleFlags(), APP_FIELDS).plan(current, dict(parameters=MapUpdate({'BuildCpu': 256})))
    assert plan.action is None
    plan = DesiredState(ModuleFlags(), APP_FIELDS).plan(current, dict(parameters=MapUpdate({'BuildCpu': 1024, 'BuildLabels': 'a=b'})))
    change = plan.changes['parameters']
    assert (change.added, change.changed, change.removed) == (['BuildLabels'], ['BuildCpu'], [])
    assert plan.desired['parameters'] == {'BuildCpu': '1024', 'BuildMem': '512', 'BuildLabels': 'a=b'}


def test_map_purge_and_remove():
    current = {'env': {'A': '1', 'B': '2'}}
    state = DesiredState(ModuleFlags(), ENV_FIELDS)
    plan = state.plan(current, dict(env=MapUpdate({'A': '1'}, purge=True)))
    assert plan.changes['env'].removed == ['B']
    assert plan.desired['env'] == {'A': '1'}
    plan = state.plan(current, dict(env=MapUpdate(remove=['B', 'C'])))
    assert plan.changes['env'].removed == ['B']
    assert state.plan(current, dict(env=MapUpdate(remove=['C']))).action is None


def test_map_values_keep_spaces_and_equals_signs():
    current = {'env': {'A': 'x '}}
    plan = DesiredState(ModuleFlags(), ENV_FIELDS).plan(current, dict(env=MapUpdate({'A': 'x'})))
    assert plan.changes['env'].changed == ['A']
    assert plan.desired['env'] == {'A': 'x'}
    assert DesiredState(ModuleFlags(), ENV_FIELDS).plan({'env': {'A': 'a=b'}}, dict(env=MapUpdate({'A': 'a=b'}))).action is None


def test_drop_empty_treats_empty_values_as_missing():
    current = {'parameters': {'BuildCpu': '256'}}
    update = MapUpdate({'BuildMem': ''}, drop_empty=True)
    assert DesiredState(ModuleFlags(), APP_FIELDS).plan(current, dict(parameters=update)).action is None
    update = MapUpdate({'BuildCpu': ''}, drop_empty=True)
    plan = DesiredState(ModuleFlags(), APP_FIELDS).plan(current, dict(parameters=update))
    assert plan.changes['parameters'].removed == ['BuildCpu']


def test_holds_in_ignores_other_writers_keys_unless_purging():
    update = MapUpdate({'MINE': '1'}, remove=['OLD'])
    assert update.holds_in({'MINE': '1', 'THEIRS': '2'})
    assert not update.holds_in({'MINE': '2'})
    assert not update.holds_in({'MINE': '1', 'OLD': 'x'})
    assert MapUpdate({'MINE': '1'}, purge=True).holds_in({'MINE': '1'})
    assert not MapUpdate({'MINE': '1'}, purge=True).holds_in({'MINE': '1', 'THEIRS': '2'})


def test_secret_diff_hides_values_but_shows_which_changed():
    current = {'env': {'SAME': 's3cret', 'CHANGED': 'old-secret', 'GONE': 'bye-secret'}}
    plan = DesiredState(ModuleFlags(), ENV_FIELDS).plan(
        current, dict(env=MapUpdate({'SAME': 's3cret', 'CHANGED': 'new-secret', 'NEW': 'hi-secret'}, purge=True)))
    diff = plan.diff(presence=False)
    assert diff == {
        'before': {'env': {'SAME': HIDDEN, 'CHANGED': HIDDEN_BEFORE, 'GONE': HIDDEN}},
        'after': {'env': {'SAME': HIDDEN, 'CHANGED': HIDDEN_AFTER, 'NEW': HIDDEN}},
    }
    assert 'secret' not in repr(diff)


def test_secret_scalar_diff():
    fields = [Field('password', secret=True), Field('username')]
    plan = DesiredState(ModuleFlags(), fields).plan({'password': 'a', 'username': 'u'}, dict(password='b', username='u'))
    assert plan.diff()['before'] == {'state': 'present', 'password': HIDDEN_BEFORE, 'username': 'u'}
    assert plan.diff()['after'] == {'state': 'present', 'password': HIDDEN_AFTER, 'username': 'u'}
    plan = DesiredState(ModuleFlags(), fields).plan({'password': 'a', 'username': 'u'}, dict(password='a', username='v'))
    assert plan.diff()['after']['password'] == HIDDEN


def test_secret_rule_hides_only_the_map_entries_it_holds_for():
    """A map of plain settings and credentials: only the entries the rule picks are hidden, before or after."""
    def credential(key, value):
        return key == 'Url' or '@' in value

    fields = [Field('parameters', secret=credential)]
    current = {'parameters': {'Url': 'https://hooks.example.com/T0/s3cret', 'Database': 'app', 'Source': 'tcp://u:old-pw@logs:1'}}
    plan = DesiredState(ModuleFlags(), fields).plan(current, dict(parameters=MapUpdate(
        {'Url': 'https://hooks.example.com/T0/s3cret', 'Database': 'other', 'Source': 'tcp://logs:1', 'Token': 'plain'})))
    diff = plan.diff(presence=False)
    assert diff == {
        'before': {'parameters': {'Url': HIDDEN, 'Database': 'app', 'Source': HIDDEN_BEFORE}},
        'after': {'parameters': {'Url': HIDDEN, 'Database': 'other', 'Source': HIDDEN_AFTER, 'Token': 'plain'}},
    }
    assert 's3cret' not in repr(diff) and 'old-pw' not in repr(diff)
    assert sorted(plan.changes['parameters'].changed) == ['Database', 'Source']


def test_secret_rule_on_a_scalar_field():
    fields = [Field('url', secret=lambda _key, value: '@' in value)]
    plan = DesiredState(ModuleFlags(), fields).plan({'url': 'https://u:pw@a'}, dict(url='https://b'))
    assert plan.diff(presence=False) == {'before': {'url': HIDDEN_BEFORE}, 'after': {'url': HIDDEN_AFTER}}
    plan = DesiredState(ModuleFlags(), fields).plan({'url': 'https://a'}, dict(url='https://b'))
    assert plan.diff(presence=False) == {'before': {'url': 'https://a'}, 'after': {'url': 'https://b'}}


def test_normalize_and_read():
    fields = [Field('count', normalize=int), Field('cpu', read=lambda obj: obj['resources']['cpu'], normalize=int)]
    plan = DesiredState(ModuleFlags(), fields).plan({'count': 2, 'resources': {'cpu': 250}}, dict(count='2', cpu=250))
    assert plan.action is None


def test_writes_are_skipped_in_check_mode_and_the_result_predicts():
    calls = []
    state = DesiredState(ModuleFlags(check_mode=True), APP_FIELDS)
    state.plan({'locked': False}, dict(locked=True))
    assert state.write(calls.append, 'lock') is None
    assert calls == []
    assert state.facts == {'changed': False}
    result = state.result(app={'name': 'x'})
    assert result['changed'] is True
    assert result['diff']['after']['locked'] is True
    assert result['app'] == {'name': 'x'}
    state.verify({'locked': False}, 'app x')  # nothing to verify in check mode


def test_writes_run_outside_check_mode_and_mark_partial_changed():
    calls = []
    state = DesiredState(ModuleFlags(diff=False), APP_FIELDS)
    state.plan({'locked': False}, dict(locked=True))
    state.write(calls.append, 'lock')
    assert calls == ['lock']
    assert state.facts == {'changed': True}
    assert 'diff' not in state.result()


def test_a_failure_reports_only_what_was_written():
    state = DesiredState(ModuleFlags(), APP_FIELDS)
    state.plan({'locked': True}, {}, present=False)
    assert state.failure(app={'name': 'x'}) == {'changed': False, 'app': {'name': 'x'}}
    state.write(lambda: None)
    assert state.failure()['changed'] is True


@pytest.mark.parametrize('error, changed', [
    (ConvoxValidationError(400, 'app name is reserved'), False),
    (ConvoxConflictError(409, 'app already exists: x'), False),
    (ConvoxServerError(500, 'boom'), True),
    (ConvoxGatewayError(502, 'bad gateway'), True),
])
def test_a_write_the_rack_refused_changed_nothing(error, changed):
    state = DesiredState(ModuleFlags(), APP_FIELDS)
    state.plan(None, {})

    def refused():
        raise error
    with pytest.raises(type(error)):
        state.write(refused)
    assert state.facts['changed'] is changed


def test_changes_outside_the_plan_count():
    state = DesiredState(ModuleFlags(check_mode=True), APP_FIELDS)
    state.plan({'locked': False}, {})
    assert state.result()['changed'] is False
    state.changed_outside_plan()
    assert state.result()['changed'] is True
    state.facts['cancelled'] = True
    assert state.result()['cancelled'] is True


def test_verify_names_what_the_rack_did_not_apply():
    state = DesiredState(ModuleFlags(), APP_FIELDS)
    state.plan({'locked': False, 'parameters': {}}, dict(locked=True, parameters=MapUpdate({'Bogus': '1'})))
    state.verify({'locked': True, 'parameters': {'Bogus': '1'}}, 'app x')
    with pytest.raises(ConvoxStateError, match='app x does not show the requested parameters after the update'):
        state.verify({'locked': True, 'parameters': {}}, 'app x')


def test_verify_only_some_fields():
    state = DesiredState(ModuleFlags(), APP_FIELDS)
    state.plan({'locked': False, 'parameters': {}}, dict(locked=True, parameters=MapUpdate({'Bogus': '1'})))
    # The parameters live elsewhere (read back on their own): only locked is checked here.
    state.verify({'locked': True}, 'app x', fields=['locked'])
    with pytest.raises(ConvoxStateError, match='app x does not show the requested locked after'):
        state.verify({'locked': False, 'parameters': {'Bogus': '1'}}, 'app x', fields=['locked'])
    with pytest.raises(ConvoxStateError, match='the requested parameters after'):
        state.verify({'locked': True}, 'app x')


def test_verify_presence():
    state = DesiredState(ModuleFlags(), APP_FIELDS)
    state.plan({'locked': False}, {}, present=False)
    state.verify(None, 'app x')
    with pytest.raises(ConvoxStateError):
        state.verify({'locked': False}, 'app x')


def test_read_or_none():
    def missing():
        raise ConvoxNotFoundError(404, 'app not found: x')
    assert read_or_none(missing) is None
    assert read_or_none(dict, a=1) == {'a': 1}


def test_read_or_none_raises_for_a_path_that_is_no_route(rack):
    client = ConvoxClient(ConnectionSettings(rack.url, rack.password))
    with pytest.raises(ConvoxNotFoundError) as caught:
        read_or_none(client.get_json, api_path('nothing', 'here'))
    assert caught.value.unrouted is True
    assert read_or_none(client.app_get, 'missing') is None


@pytest.mark.parametrize('error, missing', [
    (ConvoxNotFoundError(404, 'build not found: BX'), True),
    (ConvoxServerError(500, 'releases.convox.com "rmissing" not found'), True),
    (ConvoxServerError(500, 'builds.convox.com "bx" not found'), True),
    (ConvoxServerError(500, 'etcdserver: request timed out'), False),
    (ConvoxServerError(500, 'something "x" not found, and more'), False),
    (ConvoxGatewayError(502, 'bad gateway'), False),
])
def test_is_missing_id_reads_v3_kubernetes_not_found(error, missing):
    assert is_missing_id(error) is missing


def test_find_listed_looks_in_the_list_before_asking_for_the_id():
    asked = []

    def get(ident):
        asked.append(ident)
        if ident == 'ROLD':
            return {'id': 'ROLD'}
        raise ConvoxServerError(500, 'releases.convox.com "%s" not found' % ident.lower())

    listed = [{'id': 'RB'}, {'id': 'RA'}]
    assert find_listed(listed, 'ra', 2, get, 'RA') == {'id': 'RA'}
    # A list shorter than the limit holds every object: not there means it does not exist.
    assert find_listed(listed, 'RZ', 10, get, 'RZ') is None
    assert asked == []
    # A full list may have cut the object off: it is read alone.
    assert find_listed(listed, 'ROLD', 2, get, 'ROLD') == {'id': 'ROLD'}
    assert find_listed(listed, 'RZ', 2, get, 'RZ') is None
    assert asked == ['ROLD', 'RZ']


def test_find_listed_passes_other_errors_on():
    def broken(ident):
        raise ConvoxServerError(500, 'etcdserver: request timed out')
    with pytest.raises(ConvoxServerError):
        find_listed([{'id': 'RA'}], 'RB', 1, broken, 'RB')
