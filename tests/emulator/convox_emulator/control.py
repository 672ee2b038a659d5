# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Control routes under /_emulator/ (DESIGN.md section 6), for tests and tools.

They take the rack password (any Basic user name), never need a Rack header, are not logged
and are not subject to faults:

- ``GET /_emulator/requests``     the request log (see requestlog.py)
- ``DELETE /_emulator/requests``  clear it
- ``POST /_emulator/faults``      add faults: a JSON list (see faults.py); ``GET`` lists, ``DELETE`` clears them
- ``POST /_emulator/reset``       empty rack, log and faults, new JWT sign key
- ``POST /_emulator/deploys``     ``{"app": NAME, "outcome": "rollback"}``: that app's next promote fails
  (``updating``, then ``rollback`` with the previous release, then ``running``); ``"success"``
  cancels a pending failure. ``GET`` lists the pending outcomes.
"""

import json

from aiohttp import web

from . import render
from .errors import BadRequest, Unauthorized
from .security import basic_credentials, password_matches

PREFIX = '/_emulator/'
DEPLOY_OUTCOMES = ('rollback', 'success')


def is_control(request):
    return request.path.startswith(PREFIX)


def _json(value):
    return web.Response(body=render.encode_json(value), headers={'Content-Type': render.JSON_CONTENT_TYPE})


def register(router, state):
    def guarded(handler):
        async def endpoint(request):
            _user, password = basic_credentials(request.headers.get('Authorization'))
            try:
                if not password_matches(state, password):
                    raise Unauthorized('invalid authentication', {'WWW-Authenticate': 'Basic realm="convox"'})
                return await handler(request)
            except BadRequest as error:
                return render.error_response(error, True)
            except Unauthorized as error:
                return render.error_response(error, render.accepts_json(request.headers.get('Accept')))
        return endpoint

    async def list_requests(_request):
        return _json(state.request_log.entries())

    async def clear_requests(_request):
        state.request_log.clear()
        return render.ok_response()

    async def add_faults(request):
        try:
            specs = json.loads(await request.text())
            added = state.faults.add(specs)
        except ValueError as exc:
            raise BadRequest('invalid faults: %s' % exc) from None
        return _json({'added': added, 'faults': state.faults.pending()})

    async def list_faults(_request):
        return _json(state.faults.pending())

    async def clear_faults(_request):
        state.faults.clear()
        return render.ok_response()

    async def set_deploy_outcome(request):
        try:
            spec = json.loads(await request.text())
        except ValueError as exc:
            raise BadRequest('invalid deploy outcome: %s' % exc) from None
        if not isinstance(spec, dict) or set(spec) != {'app', 'outcome'}:
            raise BadRequest('invalid deploy outcome: expected a JSON object with exactly "app" and "outcome"')
        if not isinstance(spec['app'], str) or not spec['app']:
            raise BadRequest('invalid deploy outcome: app must be a non-empty string')
        if spec['outcome'] not in DEPLOY_OUTCOMES:
            raise BadRequest('invalid deploy outcome: outcome must be one of %s' % ', '.join(DEPLOY_OUTCOMES))
        return _json(state.deploy_outcome_set(spec['app'], spec['outcome']))

    async def list_deploy_outcomes(_request):
        with state.lock:
            return _json(dict(state.deploy_outcomes))

    async def reset(_request):
        state.reset()
        return render.ok_response()

    router.add_route('GET', PREFIX + 'requests', guarded(list_requests))
    router.add_route('DELETE', PREFIX + 'requests', guarded(clear_requests))
    router.add_route('POST', PREFIX + 'faults', guarded(add_faults))
    router.add_route('GET', PREFIX + 'faults', guarded(list_faults))
    router.add_route('DELETE', PREFIX + 'faults', guarded(clear_faults))
    router.add_route('POST', PREFIX + 'reset', guarded(reset))
    router.add_route('POST', PREFIX + 'deploys', guarded(set_deploy_outcome))
    router.add_route('GET', PREFIX + 'deploys', guarded(list_deploy_outcomes))
