# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Export and import an app resource's data (v3 only; provider/k8s resource.go ResourceExport/ResourceImport).

The resource is looked up as ``GET /apps/{app}/resources/{name}`` does (same errors). Databases only:
mysql, mariadb and their RDS kinds through mysqldump/mysql, postgres, postgis and rds-postgres through
pg_dump/psql; any other type is 400 ``export not available for resources of type: <type>`` (or
``import ...``). The rack's import switch spells ``rds-maridadb``, so an rds-mariadb import is refused
the same way. Here an import keeps the raw body and an export streams the last import back, or an
empty dump of the database's kind.
"""

from aiohttp import web

from .. import render
from ..errors import BadRequest
from .app_resources import _rules, app_manifest

EXTENSION_KEY = 'resource_data'
_EXPORT_MYSQL = ('mariadb', 'rds-mariadb', 'mysql', 'rds-mysql')
_EXPORT_POSTGRES = ('postgis', 'postgres', 'rds-postgres')
_IMPORT_TYPES = ('mariadb', 'rds-maridadb', 'mysql', 'rds-mysql') + _EXPORT_POSTGRES
EMPTY_POSTGRES_DUMP = ('--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\nSET client_encoding = \'UTF8\';\n\n'
                       '--\n-- PostgreSQL database dump complete\n--\n\n')
EMPTY_MYSQL_DUMP = ('-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: app\n'
                    '-- ------------------------------------------------------\n\n-- Dump completed\n')


def _resource(state, app_name, name):
    manifest, _release = app_manifest(state, app_name)
    spec = manifest.resource(name)
    if spec is None:
        raise _rules(state).missing(state.semantics, app_name, name)
    return spec


def _dumps(state):
    return state.extensions.setdefault(EXTENSION_KEY, {})


def _on_app_removed(state, app_name):
    dumps = state.extensions.get(EXTENSION_KEY, {})
    for key in [key for key in dumps if key[0] == app_name]:
        del dumps[key]


async def resource_export(ctx):
    state, app_name, name = ctx.state, ctx.var('app'), ctx.var('name')
    with state.lock:
        state.settle()
        spec = _resource(state, app_name, name)
        if spec.type in _EXPORT_MYSQL:
            empty = EMPTY_MYSQL_DUMP
        elif spec.type in _EXPORT_POSTGRES:
            empty = EMPTY_POSTGRES_DUMP
        else:
            raise BadRequest('export not available for resources of type: %s' % spec.type)
        data = _dumps(state).get((app_name, name), empty.encode('utf-8'))
    return web.Response(body=data, headers={'Content-Type': render.sniff_content_type(data)})


async def resource_import(ctx):
    state, app_name, name = ctx.state, ctx.var('app'), ctx.var('name')
    with state.lock:
        state.settle()
        spec = _resource(state, app_name, name)
        if spec.type not in _IMPORT_TYPES:
            raise BadRequest('import not available for resources of type: %s' % spec.type)
    body = await ctx.request.read()
    with state.lock:
        _dumps(state)[(app_name, name)] = body
    return render.ok_response()


def register(router, state):
    if not state.semantics.admin.v3_routes:
        return
    with state.lock:
        if _on_app_removed not in state.on_app_removed:
            state.on_app_removed.append(_on_app_removed)
    router.route('GET', '/apps/{app}/resources/{name}/data', resource_export)
    router.route('PUT', '/apps/{app}/resources/{name}/data', resource_import)
