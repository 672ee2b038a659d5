# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""App resource data export and import (provider/k8s resource.go ResourceExport/ResourceImport)."""

import pytest

from emulator_helpers import create_running_app, deploy_manifest, role_apis

MANIFEST = """resources:
  db:
    type: postgres
  legacy:
    type: mysql
  cache:
    type: redis
  rdsmaria:
    type: rds-mariadb
services:
  web:
    build: .
    port: 3000
"""


@pytest.fixture
def demo(api, rack, clock):
    create_running_app(api, clock)
    deploy_manifest(api, rack, clock, MANIFEST)


@pytest.mark.usefixtures('demo')
def test_export_and_import(api):
    response = api.get('/apps/demo/resources/db/data')
    assert (response.status_code, response.headers['Content-Type']) == (200, 'text/plain; charset=utf-8')
    assert response.text.startswith('--\n-- PostgreSQL database dump\n--\n')
    assert api.get('/apps/demo/resources/legacy/data').text.startswith('-- MySQL dump')
    dump = b'CREATE TABLE t (id int);\n'
    assert api.put('/apps/demo/resources/db/data', data=dump, headers={'Content-Type': 'application/octet-stream'}).content == b'ok\n'
    assert api.get('/apps/demo/resources/db/data').content == dump


@pytest.mark.usefixtures('demo')
def test_refused_types(api, text_api):
    response = api.get('/apps/demo/resources/cache/data')
    assert (response.status_code, response.json()) == (400, {'error': 'export not available for resources of type: redis'})
    response = text_api.put('/apps/demo/resources/cache/data', data=b'x')
    assert (response.status_code, response.text) == (400, 'import not available for resources of type: redis\n')
    # The rack's import switch spells "rds-maridadb": an rds-mariadb import is refused, its export is not.
    assert api.put('/apps/demo/resources/rdsmaria/data', data=b'x').json() == {
        'error': 'import not available for resources of type: rds-mariadb'}
    assert api.get('/apps/demo/resources/rdsmaria/data').status_code == 200


def test_lookup_errors(api, clock):
    assert api.get('/apps/missing/resources/db/data').json() == {'error': 'app not found: missing'}
    create_running_app(api, clock)
    assert api.get('/apps/demo/resources/db/data').json() == {'error': 'no release for app: demo'}
    deploy_manifest(api, api.rack, clock, MANIFEST)
    response = api.put('/apps/demo/resources/nope/data', data=b'x')
    assert (response.status_code, response.json()) == (500, {'error': 'no such resource: nope'})


@pytest.mark.usefixtures('demo')
def test_roles(api, rack):
    apis = role_apis(api, rack)
    assert apis['read'].get('/apps/demo/resources/db/data').status_code == 200
    assert apis['read'].put('/apps/demo/resources/db/data', data=b'x').status_code == 401


def test_v2_has_no_data_routes(v2):
    assert v2.get('/apps/demo/resources/db/data').status_code == 404
