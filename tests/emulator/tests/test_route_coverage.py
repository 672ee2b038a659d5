# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every non-websocket route of the rack is routed (convox-api.md 2; v3 pkg/api/routes.go, v2 convox/rack pkg/api/routes.go).

The router's own answers (an unrouted path, a method the path lacks) are a 404 or 405 with an empty
body and no Request-Id; any routed answer carries a Request-Id, whatever its status. These lists
are the completeness proof: a route missing from the emulator fails here.
"""

import pytest
import requests

from convox_emulator.testing import EmulatorServer
from emulator_helpers import Api

# v3 (3.24.6) routes.go, websockets (SOCKET routes) left out; ANY routes are tried with GET and POST.
V3_ROUTES = (
    ('POST', '/apps/demo/cancel'),
    ('POST', '/apps'),
    ('DELETE', '/apps/demo'),
    ('GET', '/apps/demo/diagnose'),
    ('GET', '/apps/demo'),
    ('GET', '/apps'),
    ('GET', '/apps/demo/manifest/services/web'),
    ('GET', '/apps/demo/metrics'),
    ('GET', '/apps/demo/metrics-by-service'),
    ('PUT', '/apps/demo'),
    ('GET', '/apps/demo/budget'),
    ('POST', '/apps/demo/budget'),
    ('DELETE', '/apps/demo/budget'),
    ('POST', '/apps/demo/budget/reset'),
    ('GET', '/apps/demo/budget/shutdown-state'),
    ('POST', '/apps/demo/budget/simulate-shutdown'),
    ('POST', '/apps/demo/budget/dismiss-recovery'),
    ('GET', '/apps/demo/cost'),
    ('GET', '/apps/demo/balancers'),
    ('POST', '/apps/demo/builds'),
    ('GET', '/apps/demo/builds/BX.tgz'),
    ('GET', '/apps/demo/builds/BX'),
    ('POST', '/apps/demo/builds/import'),
    ('POST', '/apps/demo/builds/BX/image'),
    ('GET', '/apps/demo/builds'),
    ('PUT', '/apps/demo/builds/BX'),
    ('GET', '/apps/demo/configs'),
    ('GET', '/apps/demo/configs/cli-env-mask'),
    ('PUT', '/apps/demo/configs/cli-env-mask'),
    ('GET', '/system/capacity'),
    ('PUT', '/apps/demo/ssl/web/443'),
    ('POST', '/certificates'),
    ('DELETE', '/certificates/cert-x'),
    ('POST', '/certificates/cert-x/renew'),
    ('POST', '/certificates/generate'),
    ('GET', '/certificates'),
    ('GET', '/letsencrypt/config'),
    ('PUT', '/letsencrypt/config'),
    ('POST', '/events'),
    ('DELETE', '/apps/demo/processes/p1/files'),
    ('GET', '/apps/demo/processes/p1/files'),
    ('POST', '/apps/demo/processes/p1/files'),
    ('POST', '/instances/keyroll'),
    ('GET', '/instances'),
    ('DELETE', '/instances/node-9'),
    ('DELETE', '/apps/demo/objects/tmp/x'),
    ('HEAD', '/apps/demo/objects/tmp/x'),
    ('GET', '/apps/demo/objects/tmp/x'),
    ('GET', '/apps/demo/objects'),
    ('POST', '/apps/demo/objects/tmp/x'),
    ('GET', '/apps/demo/processes/p1'),
    ('GET', '/apps/demo/processes'),
    ('POST', '/apps/demo/services/web/processes'),
    ('DELETE', '/apps/demo/processes/p1'),
    ('POST', '/registries'),
    ('GET', '/registries'),
    ('ANY', '/v2/'),
    ('ANY', '/v2/dev/demo/manifests/latest'),
    ('DELETE', '/registries/r.example.com'),
    ('POST', '/apps/demo/releases'),
    ('GET', '/apps/demo/releases/RX'),
    ('GET', '/apps/demo/releases'),
    ('POST', '/apps/demo/releases/RX/promote'),
    ('GET', '/apps/demo/resources/db/data'),
    ('GET', '/apps/demo/resources/db'),
    ('PUT', '/apps/demo/resources/db/data'),
    ('GET', '/apps/demo/resources'),
    ('GET', '/apps/demo/services'),
    ('GET', '/apps/demo/services/web/metrics'),
    ('POST', '/apps/demo/services/web/restart'),
    ('POST', '/apps/demo/services/web/scale-override'),
    ('POST', '/apps/demo/services/web/triggers/disable'),
    ('POST', '/apps/demo/services/web/triggers/enable'),
    ('POST', '/apps/demo/services/web/triggers/threshold'),
    ('PUT', '/apps/demo/services/web'),
    ('GET', '/system'),
    ('GET', '/system/metrics'),
    ('PUT', '/system/jwt/rotate'),
    ('POST', '/system/jwt/token'),
    ('GET', '/system/processes'),
    ('GET', '/system/releases'),
    ('POST', '/resources'),
    ('DELETE', '/resources/hook'),
    ('GET', '/resources/hook'),
    ('POST', '/resources/hook/links'),
    ('GET', '/resources'),
    ('OPTIONS', '/resources'),
    ('DELETE', '/resources/hook/links/demo'),
    ('PUT', '/resources/hook'),
    ('PUT', '/system'),
    ('POST', '/system/karpenter/cleanup'),
    ('ANY', '/custom/http/proxy/metrics'),
    ('GET', '/auth'),
)

# v2 (convox/rack) routes.go, websockets left out. Its RDS snapshot routes and /system/sync/whitelist/instances/ip
# are not modelled (README, known gaps).
V2_ROUTES = (
    ('POST', '/apps/demo/cancel'),
    ('POST', '/apps'),
    ('DELETE', '/apps/demo'),
    ('GET', '/apps/demo'),
    ('GET', '/apps'),
    ('GET', '/apps/demo/metrics'),
    ('PUT', '/apps/demo'),
    ('POST', '/apps/demo/builds'),
    ('GET', '/apps/demo/builds/BX.tgz'),
    ('GET', '/apps/demo/builds/BX'),
    ('POST', '/apps/demo/builds/import'),
    ('GET', '/apps/demo/builds'),
    ('PUT', '/apps/demo/builds/BX'),
    ('GET', '/system/capacity'),
    ('PUT', '/apps/demo/ssl/web/443'),
    ('POST', '/certificates'),
    ('DELETE', '/certificates/cert-x'),
    ('POST', '/certificates/generate'),
    ('GET', '/certificates'),
    ('POST', '/events'),
    ('DELETE', '/apps/demo/processes/p1/files'),
    ('GET', '/apps/demo/processes/p1/files'),
    ('POST', '/apps/demo/processes/p1/files'),
    ('POST', '/instances/keyroll'),
    ('GET', '/instances'),
    ('DELETE', '/instances/node-9'),
    ('DELETE', '/apps/demo/objects/tmp/x'),
    ('HEAD', '/apps/demo/objects/tmp/x'),
    ('GET', '/apps/demo/objects/tmp/x'),
    ('GET', '/apps/demo/objects'),
    ('POST', '/apps/demo/objects/tmp/x'),
    ('GET', '/apps/demo/processes/p1'),
    ('GET', '/apps/demo/processes'),
    ('POST', '/apps/demo/services/web/processes'),
    ('DELETE', '/apps/demo/processes/p1'),
    ('POST', '/registries'),
    ('GET', '/registries'),
    ('DELETE', '/registries/r.example.com'),
    ('POST', '/apps/demo/releases'),
    ('GET', '/apps/demo/releases/RX'),
    ('GET', '/apps/demo/releases'),
    ('POST', '/apps/demo/releases/RX/promote'),
    ('GET', '/apps/demo/resources/db'),
    ('GET', '/apps/demo/resources'),
    ('GET', '/apps/demo/services'),
    ('GET', '/apps/demo/services/web/metrics'),
    ('POST', '/apps/demo/services/web/restart'),
    ('PUT', '/apps/demo/services/web'),
    ('GET', '/system'),
    ('PUT', '/system/jwt/rotate'),
    ('POST', '/system/jwt/token'),
    ('GET', '/system/metrics'),
    ('GET', '/system/processes'),
    ('GET', '/system/releases'),
    ('POST', '/resources'),
    ('DELETE', '/resources/hook'),
    ('GET', '/resources/hook'),
    ('POST', '/resources/hook/links'),
    ('GET', '/resources'),
    ('OPTIONS', '/resources'),
    ('DELETE', '/resources/hook/links/demo'),
    ('PUT', '/resources/hook'),
    ('PUT', '/system'),
    ('GET', '/auth'),
)

# Routes whose handler panics on an empty request (net/http drops the connection: routed, but no answer).
V3_PANICS = {('POST', '/certificates')}

# v3 routes a v2 rack does not have: the router answers them.
V3_ONLY = sorted(set(V3_ROUTES) - set(V2_ROUTES))


def _requests(routes):
    for method, path in routes:
        for real_method in (('GET', 'POST') if method == 'ANY' else (method,)):
            yield real_method, path


def _is_router_answer(response):
    return response.status_code in (404, 405) and 'Request-Id' not in response.headers and not response.content


@pytest.mark.parametrize('method,path', list(_requests(V3_ROUTES)))
def test_every_v3_route_is_routed(rack, method, path):
    if (method, path) in V3_PANICS:
        with pytest.raises(requests.ConnectionError):
            Api(rack).request(method, path)
        return
    response = Api(rack).request(method, path)
    assert not _is_router_answer(response), '%s %s answers the router\'s empty %d' % (method, path, response.status_code)
    assert 'Request-Id' in response.headers


@pytest.mark.parametrize('method,path', list(_requests(V2_ROUTES)))
def test_every_v2_route_is_routed(v2, method, path):
    response = v2.request(method, path)
    assert not _is_router_answer(response), '%s %s answers the router\'s empty %d' % (method, path, response.status_code)


@pytest.mark.parametrize('method,path', [request for request in _requests(V3_ONLY)
                                         if request[1] not in {path for _method, path in V2_ROUTES}])
def test_v3_only_paths_are_unrouted_on_v2(v2, method, path):
    response = v2.request(method, path)
    assert _is_router_answer(response)
    assert response.status_code == 404


@pytest.mark.parametrize('version, absent, present', [
    ('3.24.5', [('GET', '/apps/demo/budget'), ('GET', '/apps/demo/cost'), ('POST', '/apps/demo/services/web/scale-override'),
                ('GET', '/apps/demo/metrics-by-service'), ('GET', '/apps/demo/services/web/metrics'),
                ('GET', '/apps/demo/manifest/services/web')],
     [('POST', '/system/karpenter/cleanup'), ('GET', '/apps/demo/diagnose'), ('GET', '/apps/demo/configs')]),
    ('3.19.4', [('GET', '/apps/demo/configs'), ('GET', '/custom/http/proxy/x'), ('GET', '/apps/demo/diagnose'),
                ('POST', '/system/karpenter/cleanup')],
     [('GET', '/letsencrypt/config'), ('POST', '/certificates/demo/renew'), ('GET', '/apps/demo/balancers')]),
])
def test_older_v3_racks_lack_later_routes(version, absent, present):
    with EmulatorServer(password='pw', rack_version=version) as rack:
        api = Api(rack)
        for method, path in absent:
            assert _is_router_answer(api.request(method, path)), (version, method, path)
        for method, path in present:
            assert not _is_router_answer(api.request(method, path)), (version, method, path)
