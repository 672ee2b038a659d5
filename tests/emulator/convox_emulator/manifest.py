# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small model of ``convox.yml``, parsed the way v3's ``pkg/manifest`` reads it.

Public names:

- ``parse_manifest(text, require_services=True) -> Manifest``: parse and apply the manifest defaults;
  raises ``ManifestError`` on invalid YAML, a missing or empty ``services`` map (unless
  ``require_services`` is false), or a value of the wrong type.
- ``ManifestError(message)``: ``.message`` is a one-line reason, prefixed with the YAML path of the bad
  value (e.g. ``services.web.scale.count: ...``).
- ``Manifest``: ``.services`` (list of ServiceSpec, file order), ``.resources`` (list of ResourceSpec,
  file order), ``.environment`` (app-level ``KEY``/``KEY=default`` list), ``.service(name)`` and
  ``.resource(name)`` lookups (None when absent).
- ``ServiceSpec``: ``name``, ``build`` (the build path, ``.`` when neither build nor image is given),
  ``image``, ``command``, ``port`` (int or None), ``port_scheme`` (``http``/``https``), ``domain``
  (comma-joined), ``scale_count``, ``scale_min``, ``scale_max``, ``cpu`` (millicores), ``memory``
  (MiB; both 0 when unset on a GPU service, as pkg/manifest does), ``gpu`` (count), ``gpu_vendor``, ``environment`` (list), ``resources`` (list of names).
- ``ResourceSpec``: ``name``, ``type``, ``options`` (dict of str to str).
- ``DEFAULT_CPU``, ``DEFAULT_MEMORY``, ``DEFAULT_GPU_VENDOR``: the defaults pkg/manifest applies.

Scale forms (as in pkg/manifest ServiceScale): ``scale: 2`` (count, min and max 2), ``scale: "1-3"``
(count 1, min 1, max 3), or a map ``{count, min, max, cpu, memory, gpu}`` whose ``count`` takes either
form and whose ``gpu`` is a count or ``{count, vendor}``.

Not modelled: ``${VAR}`` interpolation (pkg/manifest substitutes the app's environment; here values
are taken as written), autoscale/KEDA blocks, volumes, health checks and the other service keys.
"""

import dataclasses
import re

import yaml

DEFAULT_CPU = 250
DEFAULT_MEMORY = 512
DEFAULT_GPU_VENDOR = 'nvidia'
DEFAULT_BUILD_PATH = '.'

_COUNT_RANGE = re.compile(r'^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$')
_PORT_WITH_SCHEME = re.compile(r'^(?:(https?):)?(\d+)$')


class ManifestError(Exception):
    """An invalid manifest; ``message`` says what and where."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class ServiceSpec:  # pylint: disable=too-many-instance-attributes
    """One entry of ``services``, defaults applied."""

    name: str
    build: str = ''
    image: str = ''
    command: str = ''
    port: int = None
    port_scheme: str = 'http'
    domain: str = ''
    scale_count: int = 1
    scale_min: int = 1
    scale_max: int = 1
    cpu: int = DEFAULT_CPU
    memory: int = DEFAULT_MEMORY
    gpu: int = 0
    gpu_vendor: str = ''
    environment: list = dataclasses.field(default_factory=list)
    resources: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ResourceSpec:
    """One entry of ``resources``."""

    name: str
    type: str
    options: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Manifest:
    """The parsed manifest."""

    services: list = dataclasses.field(default_factory=list)
    resources: list = dataclasses.field(default_factory=list)
    environment: list = dataclasses.field(default_factory=list)

    def service(self, name):
        """The ServiceSpec called ``name``, or None."""
        return next((spec for spec in self.services if spec.name == name), None)

    def resource(self, name):
        """The ResourceSpec called ``name``, or None."""
        return next((spec for spec in self.resources if spec.name == name), None)


def _type_name(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, dict):
        return 'map'
    if isinstance(value, list):
        return 'list'
    return type(value).__name__


def _fail(where, expected, value):
    raise ManifestError('%s: expected %s, got %s %r' % (where, expected, _type_name(value), value))


def _mapping(value, where):
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail(where, 'a map', value)
    return value


def _string(value, where):
    if value is None:
        return ''
    # YAML turns unquoted scalars such as 8080 or true into numbers and bools; Go's yaml decodes
    # them into a string field all the same.
    if isinstance(value, (str, int, float)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return _fail(where, 'a string', value)


def _integer(value, where, default):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        return _fail(where, 'an integer', value)
    if value < 0:
        raise ManifestError('%s: must not be negative, got %d' % (where, value))
    return value


def _string_list(value, where):
    if value is None:
        return []
    if not isinstance(value, list):
        return _fail(where, 'a list', value)
    return [_string(item, '%s[%d]' % (where, index)) for index, item in enumerate(value)]


def _count_range(value, where):
    """``2`` or ``"2"`` is (2, 2, 2); ``"1-3"`` and ``{min: 1, max: 3}`` are count 1, min 1, max 3."""
    if isinstance(value, int) and not isinstance(value, bool):
        count = _integer(value, where, 1)
        return count, count, count
    if isinstance(value, dict):
        low = _integer(value.get('min'), where + '.min', 1)
        high = _integer(value.get('max'), where + '.max', low)
        return low, low, high
    if isinstance(value, str):
        match = _COUNT_RANGE.match(value)
        if match:
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) is not None else low
            if high < low:
                raise ManifestError('%s: range %r has its maximum below its minimum' % (where, value))
            return low, low, high
    return _fail(where, 'a count or a range like "1-3"', value)


def _gpu(value, where):
    if isinstance(value, dict):
        count = _integer(value.get('count'), where + '.count', 0)
        vendor = _string(value.get('vendor'), where + '.vendor')
    else:
        count, vendor = _integer(value, where, 0), ''
    if count and not vendor:
        vendor = DEFAULT_GPU_VENDOR
    return count, vendor


def _apply_scale(spec, value, where):
    if value is None:
        return
    if not isinstance(value, dict):
        spec.scale_count, spec.scale_min, spec.scale_max = _count_range(value, where)
        return
    if value.get('count') is not None:
        spec.scale_count, spec.scale_min, spec.scale_max = _count_range(value['count'], where + '.count')
    elif value.get('min') is not None or value.get('max') is not None:
        # scale.min / scale.max without a count (pkg/manifest ApplyDefaults): each bound defaults to the other.
        low = _integer(value.get('min'), where + '.min', None)
        high = _integer(value.get('max'), where + '.max', None)
        low, high = (high if low is None else low), (low if high is None else high)
        spec.scale_count, spec.scale_min, spec.scale_max = low, low, high
    if value.get('gpu') is not None:
        spec.gpu, spec.gpu_vendor = _gpu(value['gpu'], where + '.gpu')
    # A zero cpu or memory means "unset"; pkg/manifest fills the defaults only for services without a GPU.
    cpu_default, memory_default = (0, 0) if spec.gpu else (DEFAULT_CPU, DEFAULT_MEMORY)
    spec.cpu = _integer(value.get('cpu'), where + '.cpu', 0) or cpu_default
    spec.memory = _integer(value.get('memory'), where + '.memory', 0) or memory_default


def _apply_port(spec, value, where):
    if value is None:
        return
    if isinstance(value, dict):
        spec.port = _integer(value.get('port'), where + '.port', None)
        spec.port_scheme = _string(value.get('scheme'), where + '.scheme') or 'http'
        return
    if isinstance(value, int) and not isinstance(value, bool):
        spec.port = _integer(value, where, None)
        return
    match = _PORT_WITH_SCHEME.match(value) if isinstance(value, str) else None
    if not match:
        _fail(where, 'a port like 3000 or "https:3000"', value)
    spec.port_scheme = match.group(1) or 'http'
    spec.port = int(match.group(2))


def _build_path(value, where):
    if isinstance(value, dict):
        return _string(value.get('path'), where + '.path') or DEFAULT_BUILD_PATH
    return _string(value, where)


def _domain(value, where):
    if isinstance(value, list):
        return ','.join(_string_list(value, where))
    return _string(value, where)


def _command(value, where):
    if isinstance(value, list):
        return ' '.join(_string_list(value, where))
    return _string(value, where)


def _service(name, body):
    where = 'services.%s' % name
    body = _mapping(body, where)
    spec = ServiceSpec(name=name)
    spec.build = _build_path(body.get('build'), where + '.build')
    spec.image = _string(body.get('image'), where + '.image')
    if not spec.build and not spec.image:
        spec.build = DEFAULT_BUILD_PATH
    spec.command = _command(body.get('command'), where + '.command')
    _apply_port(spec, body.get('port'), where + '.port')
    spec.domain = _domain(body.get('domain'), where + '.domain')
    _apply_scale(spec, body.get('scale'), where + '.scale')
    spec.environment = _string_list(body.get('environment'), where + '.environment')
    spec.resources = _string_list(body.get('resources'), where + '.resources')
    return spec


def _resource(name, body):
    where = 'resources.%s' % name
    body = _mapping(body, where)
    kind = _string(body.get('type'), where + '.type')
    if not kind:
        raise ManifestError('%s: type required' % where)
    options = _mapping(body.get('options'), where + '.options')
    return ResourceSpec(name=name, type=kind, options={str(key): _string(item, '%s.options.%s' % (where, key)) for key, item in options.items()})


def _load_yaml(text):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, 'problem_mark', None)
        problem = getattr(error, 'problem', None) or str(error)
        if mark is not None:
            raise ManifestError('yaml: line %d: %s' % (mark.line + 1, problem)) from None
        raise ManifestError('yaml: %s' % problem) from None


def parse_manifest(text, require_services=True):
    """Parse ``convox.yml`` text (str or UTF-8 bytes) into a Manifest, or raise ManifestError.

    ``require_services=False`` accepts a manifest without services (an empty text included), as
    pkg/manifest.Load does: callers such as build export then report the lack themselves.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode('utf-8')
        except UnicodeDecodeError as error:
            raise ManifestError('manifest is not UTF-8: %s' % error) from None
    document = _mapping(_load_yaml(text), 'manifest')
    services = _mapping(document.get('services'), 'services')
    if not services and require_services:
        raise ManifestError('services: at least one service required')
    return Manifest(
        services=[_service(str(name), body) for name, body in services.items()],
        resources=[_resource(str(name), body) for name, body in _mapping(document.get('resources'), 'resources').items()],
        environment=_string_list(document.get('environment'), 'environment'),
    )
