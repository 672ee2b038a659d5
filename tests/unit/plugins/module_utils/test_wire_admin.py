# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_wire additions for rack administration: registry servers and config names in paths, RFC 3339 times."""

from __future__ import annotations

import pytest

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError
from ansible_collections.convox.convox.plugins.module_utils._wire import api_path, check_name, format_time, parse_time


@pytest.mark.parametrize('server,path', [
    ('quay.io', '/registries/quay.io'),
    ('registry.example.com:5000', '/registries/registry.example.com%3A5000'),
    ('index.docker.io/v1/', '/registries/index.docker.io%2Fv1%2F'),
    ('ghcr.io/acme', '/registries/ghcr.io%2Facme'),
])
def test_registry_servers_may_hold_a_port_and_a_path(server, path):
    assert api_path('registries', server) == path


@pytest.mark.parametrize('server', ['https://quay.io', 'quay.io//x', 'quay.io/../x', 'quay.io/./x', '/quay.io', 'a b', ''])
def test_registry_servers_the_router_would_mangle_are_refused(server):
    with pytest.raises(ConvoxConfigError):
        check_name('registry', server)


@pytest.mark.parametrize('name', ['cli-env-mask', 'a', 'a.b-c', '0x', 'x' * 249])
def test_config_names_make_valid_secret_names(name):
    assert api_path('apps', 'demo', 'configs', name) == '/apps/demo/configs/' + name


@pytest.mark.parametrize('name', ['Upper', 'under_score', '-lead', 'trail-', 'a..b', '.a', 'x' * 250, 'a/b'])
def test_config_names_the_rack_cannot_store_are_refused(name):
    with pytest.raises(ConvoxConfigError, match='invalid config name'):
        api_path('apps', 'demo', 'configs', name)


@pytest.mark.parametrize('text,seconds', [
    ('1970-01-01T00:00:00Z', 0),
    ('2027-06-01T12:00:00Z', 1811851200),
    ('2027-06-01T12:00:00.999999999Z', 1811851200),
    ('2027-06-01T14:00:00+02:00', 1811851200),
    ('2027-06-01T10:30:00-01:30', 1811851200),
    ('0001-01-01T00:00:00Z', None),
    ('', None),
    (None, None),
])
def test_parse_time_reads_go_times(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize('text', ['yesterday', '2027-13-01T00:00:00Z', '2027-06-01 12:00:00'])
def test_parse_time_refuses_other_text(text):
    with pytest.raises(ConvoxConfigError, match='not an RFC 3339 time'):
        parse_time(text)


def test_format_time_round_trips():
    assert format_time(1811851200) == '2027-06-01T12:00:00Z'
    assert parse_time(format_time(1811851200)) == 1811851200
