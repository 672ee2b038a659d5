# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The convox.yml model (convox_emulator.manifest): defaults, scale forms, ports, resources and errors."""

import pytest

from convox_emulator.manifest import DEFAULT_CPU, DEFAULT_GPU_VENDOR, DEFAULT_MEMORY, ManifestError, ResourceSpec, ServiceSpec, parse_manifest

FULL = """
environment:
  - COMMON=1
resources:
  database:
    type: postgres
    options:
      storage: 20
      encrypted: true
  cache:
    type: redis
services:
  web:
    build: .
    command: bin/web
    domain: ${HOST}
    port: 3000
    environment:
      - SECRET
      - MODE=production
    resources:
      - database
      - cache
    scale:
      count: 1-3
      cpu: 512
      memory: 1024
  worker:
    image: busybox:1.36
    command: [sleep, "3600"]
  gpu:
    build:
      path: ./gpu
      manifest: Dockerfile.gpu
    scale:
      gpu:
        count: 2
        vendor: amd
"""


def test_full_manifest():
    manifest = parse_manifest(FULL)
    assert [service.name for service in manifest.services] == ['web', 'worker', 'gpu']
    assert manifest.services[0] == ServiceSpec(
        name='web', build='.', image='', command='bin/web', port=3000, port_scheme='http', domain='${HOST}', scale_count=1, scale_min=1,
        scale_max=3, cpu=512, memory=1024, gpu=0, gpu_vendor='', environment=['SECRET', 'MODE=production'], resources=['database', 'cache'])
    worker = manifest.service('worker')
    assert (worker.build, worker.image, worker.command, worker.port) == ('', 'busybox:1.36', 'sleep 3600', None)
    assert (worker.scale_count, worker.scale_min, worker.scale_max, worker.cpu, worker.memory) == (1, 1, 1, DEFAULT_CPU, DEFAULT_MEMORY)
    gpu = manifest.service('gpu')
    # pkg/manifest leaves cpu and memory unset on GPU services.
    assert (gpu.build, gpu.gpu, gpu.gpu_vendor, gpu.cpu, gpu.memory) == ('./gpu', 2, 'amd', 0, 0)
    assert manifest.resources == [ResourceSpec('database', 'postgres', {'storage': '20', 'encrypted': 'true'}), ResourceSpec('cache', 'redis', {})]
    assert manifest.resource('cache').type == 'redis' and manifest.resource('nope') is None and manifest.service('nope') is None
    assert manifest.environment == ['COMMON=1']


@pytest.mark.parametrize('scale, expected', [
    ('2', (2, 2, 2)),
    ('"4"', (4, 4, 4)),
    ('"1-3"', (1, 1, 3)),
    ('{count: 0}', (0, 0, 0)),
    ('{count: 2-5, cpu: 100}', (2, 2, 5)),
    ('{count: {min: 2, max: 6}}', (2, 2, 6)),
    ('{min: 1, max: 4}', (1, 1, 4)),
    ('{max: 3}', (3, 3, 3)),
    ('{memory: 2048}', (1, 1, 1)),
])
def test_scale_forms(scale, expected):
    service = parse_manifest('services:\n  web:\n    scale: %s\n' % scale).services[0]
    assert (service.scale_count, service.scale_min, service.scale_max) == expected


def test_scale_resources_and_gpu_defaults():
    service = parse_manifest('services:\n  web:\n    scale: {cpu: 0, memory: 0, gpu: 1}\n').services[0]
    assert (service.cpu, service.memory, service.gpu, service.gpu_vendor) == (0, 0, 1, DEFAULT_GPU_VENDOR)
    service = parse_manifest('services:\n  web:\n    scale: {cpu: 0, memory: 0}\n').services[0]
    assert (service.cpu, service.memory, service.gpu, service.gpu_vendor) == (DEFAULT_CPU, DEFAULT_MEMORY, 0, '')


@pytest.mark.parametrize('port, expected', [
    ('8080', (8080, 'http')),
    ('https:8443', (8443, 'https')),
    ('{port: 5000, scheme: https}', (5000, 'https')),
    ('{port: 5000}', (5000, 'http')),
])
def test_ports(port, expected):
    service = parse_manifest('services:\n  web:\n    port: %s\n' % port).services[0]
    assert (service.port, service.port_scheme) == expected


def test_neither_build_nor_image_means_build_the_root():
    assert parse_manifest('services:\n  web: {}\n').services[0].build == '.'
    assert parse_manifest('services:\n  web:\n').services[0].build == '.'
    assert parse_manifest(b'services:\n  web:\n    domain: [a.example.com, b.example.com]\n').services[0].domain == 'a.example.com,b.example.com'


def test_services_may_be_optional():
    assert not parse_manifest('', require_services=False).services
    assert parse_manifest('resources:\n  db:\n    type: mysql\n', require_services=False).resources[0].type == 'mysql'


@pytest.mark.parametrize('text, message', [
    ('services: [\n', 'yaml: line 2: expected the node content, but found \'<stream end>\''),
    ('', 'services: at least one service required'),
    ('resources: {}\n', 'services: at least one service required'),
    ('- a\n', 'manifest: expected a map, got list [\'a\']'),
    ('services: 3\n', 'services: expected a map, got int 3'),
    ('services:\n  web: 1\n', 'services.web: expected a map, got int 1'),
    ('services:\n  web:\n    scale: "1-2-3"\n', 'services.web.scale: expected a count or a range like "1-3", got str \'1-2-3\''),
    ('services:\n  web:\n    scale: "3-1"\n', 'services.web.scale: range \'3-1\' has its maximum below its minimum'),
    ('services:\n  web:\n    scale: {cpu: lots}\n', 'services.web.scale.cpu: expected an integer, got str \'lots\''),
    ('services:\n  web:\n    scale: {memory: -1}\n', 'services.web.scale.memory: must not be negative, got -1'),
    ('services:\n  web:\n    scale: {gpu: true}\n', 'services.web.scale.gpu: expected an integer, got bool True'),
    ('services:\n  web:\n    port: http\n', 'services.web.port: expected a port like 3000 or "https:3000", got str \'http\''),
    ('services:\n  web:\n    environment: {A: 1}\n', 'services.web.environment: expected a list, got map {\'A\': 1}'),
    ('services:\n  web:\n    resources: [[db]]\n', 'services.web.resources[0]: expected a string, got list [\'db\']'),
    ('resources:\n  db: {}\nservices:\n  web: {}\n', 'resources.db: type required'),
    ('resources:\n  db:\n    type: postgres\n    options: [1]\nservices:\n  web: {}\n', 'resources.db.options: expected a map, got list [1]'),
    (b'\xff\xfe', 'manifest is not UTF-8: \'utf-8\' codec can\'t decode byte 0xff in position 0: invalid start byte'),
])
def test_errors(text, message):
    with pytest.raises(ManifestError) as caught:
        parse_manifest(text)
    assert caught.value.message == message
    assert str(caught.value) == message
