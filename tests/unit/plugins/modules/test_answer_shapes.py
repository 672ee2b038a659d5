# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Answers of another shape than the rack's (a proxy's, another service's JSON) fail the task cleanly.

Before, modules read such an answer as if it were the rack's and crashed (``KeyError: 0``, ``'int' object has no
attribute 'split'``), or took ``[null]`` for an app without releases, which ``convox_env`` would have written over.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._settings import ConnectionSettings
from ansible_collections.convox.convox.plugins.modules import (
    convox_app,
    convox_app_config,
    convox_app_info,
    convox_certificate,
    convox_env,
    convox_env_info,
    convox_registry,
    convox_registry_info,
    convox_resource,
    convox_resource_info,
)


@pytest.fixture
def demo(rack):
    client = ConvoxClient(ConnectionSettings(base_url=rack.url, password=rack.password))
    client.app_create('demo')
    client.release_create('demo', env=dict(KEPT='kept-value-1f2e'))
    client.app_config_set('demo', 'c1', 'config-value')
    client.close()
    rack.clear_requests()
    return rack


def answer(path, body):
    return {'method': 'GET', 'path': path, 'status': 200, 'content_type': 'application/json', 'body': json.dumps(body)}


CASES = [
    ('releases not a list', convox_env, dict(app='demo', env=dict(A='1')), answer('^/apps/demo/releases$', {'not': 'a list'}),
     'the answer is a JSON object where the Convox API sends a list'),
    ('a release not an object', convox_env, dict(app='demo', env=dict(A='1')), answer('^/apps/demo/releases$', [None]),
     'the answer (item 0) is a JSON null where the Convox API sends an object'),
    ('env not text', convox_env, dict(app='demo', env=dict(A='1')), answer('^/apps/demo/releases$', [{'id': 'R1', 'env': 7}]),
     'the answer (item 0) has a JSON number as env where the Convox API sends null or string'),
    ('a release without id', convox_env_info, dict(app='demo'), answer('^/apps/demo/releases$', [{'env': 'A=1'}]),
     'the answer (item 0) has no id where the Convox API sends string'),
    ('a mask value not text', convox_env_info, dict(app='demo'),
     answer('^/apps/demo/configs/cli-env-mask$', {'name': 'cli-env-mask', 'value': 5}),
     'the answer has a JSON number as value where the Convox API sends string'),
    ('a config not an object', convox_app_config, dict(app='demo', name='c1', value='new-config-value'), answer('^/apps/demo/configs/c1$', []),
     'the answer is a JSON list where the Convox API sends an object'),
    ('a registry not an object', convox_registry, dict(server='r.example.com', username='u', registry_password='p'),
     answer('^/registries$', [5]), 'the answer (item 0) is a JSON number where the Convox API sends an object'),
    ('a registry server not text', convox_registry_info, dict(), answer('^/registries$', [{'server': 5}]),
     'the answer (item 0) has a JSON number as server where the Convox API sends string'),
    ('a certificate not an object', convox_certificate, dict(generate=True, domains=['z.example.com']),
     answer('^/certificates$', [5]), 'the answer (item 0) is a JSON number where the Convox API sends an object'),
    ('certificate domains not a list', convox_certificate, dict(generate=True, domains=['z.example.com']),
     answer('^/certificates$', [{'id': 'x', 'domains': 5}]), 'the answer (item 0) has a JSON number as domains'),
    ('an app without a name', convox_app, dict(name='demo', locked=True), answer('^/apps/demo$', {}),
     'the answer has no name where the Convox API sends string'),
    ('apps not a list', convox_app_info, dict(), answer('^/apps$', {}), 'the answer is a JSON object where the Convox API sends a list'),
    ('a lock that is not a boolean', convox_app, dict(name='demo', locked=True),
     answer('^/apps/demo$', {'name': 'demo', 'status': 'running', 'locked': 'no'}),
     'the answer has a JSON string as locked where the Convox API sends boolean or null'),
    ('a resource not an object', convox_resource, dict(name='hook1', kind='webhook', parameters=dict(Url='https://hooks.example.com/x')),
     answer('^/resources/hook1$', []), 'the answer is a JSON list where the Convox API sends an object'),
    ('resource parameters not a map', convox_resource, dict(name='hook1', kind='webhook', parameters=dict(Url='https://hooks.example.com/x')),
     answer('^/resources/hook1$', {'name': 'hook1', 'type': 'webhook', 'parameters': [1]}),
     'the answer has a JSON list as parameters where the Convox API sends null or object'),
    ('a linked app not an object', convox_resource, dict(name='hook1', kind='webhook', apps=[]),
     answer('^/resources/hook1$', {'name': 'hook1', 'type': 'webhook', 'apps': ['demo']}),
     'the answer lists an app of resource hook1 that is not a JSON object'),
    ('rack resources not a list', convox_resource_info, dict(), answer('^/resources$', {}),
     'the answer is a JSON object where the Convox API sends a list'),
    ('a rack resource without a name', convox_resource_info, dict(), answer('^/resources$', [{'type': 'webhook'}]),
     'the answer (item 0) has no name where the Convox API sends string'),
    ('app resources not a list', convox_resource_info, dict(app='demo'), answer('^/apps/demo/resources$', 'x'),
     'the answer is a JSON string where the Convox API sends a list'),
]


@pytest.mark.parametrize('what, module, args, fault, message', CASES, ids=[case[0] for case in CASES])
def test_an_answer_of_another_shape_fails_cleanly_before_any_write(demo, run_module, what, module, args, fault, message):
    demo.add_faults([fault])
    result, failed = run_module(module.main, dict(args, host=demo.url, api_key=demo.password, wait_interval=0.1)
                                if module in (convox_app, convox_env, convox_certificate, convox_resource) else
                                dict(args, host=demo.url, api_key=demo.password))
    assert failed, (what, result)
    assert result['changed'] is False
    assert 'answered 200: %s' % message in result['msg'], result['msg']
    assert result.get('status_code') == 200
    assert [entry['method'] for entry in demo.requests() if entry['method'] != 'GET'] == []
    assert 'kept-value-1f2e' not in json.dumps(result)
