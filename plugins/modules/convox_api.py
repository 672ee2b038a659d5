#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: convox_api
short_description: Call any route of the Convox rack API
version_added: 1.0.0
description:
  - The escape hatch for what no other module of the collection covers - any method, any path of the
    Convox rack API, with the collection's connection options, retries, error handling and secret hygiene.
  - Form fields, query parameters and headers are encoded the way the rack reads them - a dict value becomes the
    single URL-encoded field the rack expects for maps (for example C(parameters)), a boolean becomes V(true) or
    V(false), a list becomes a comma-separated value.
  - Prefer the dedicated modules where one exists (for example M(convox.convox.convox_app)) - they are idempotent
    and support check and diff mode.
author:
  - Convox collection maintainers (@convox-community)
options:
  method:
    description:
      - The HTTP method. Case does not matter - V(get) is V(GET), as in M(ansible.builtin.uri).
    type: str
    choices: [GET, POST, PUT, DELETE, HEAD, OPTIONS]
    default: GET
  path:
    description:
      - The API path, starting with C(/), for example C(/apps/myapp/releases). Percent-encode special characters yourself.
      - Put query parameters in O(params), not in the path.
      - C(.) and C(..) segments are refused, also percent-encoded (C(%2E%2E)), since the rack routes on the decoded path.
    type: str
    required: true
  params:
    description:
      - Query string parameters.
    type: dict
  data:
    description:
      - Form fields, sent as C(application/x-www-form-urlencoded). Only with O(method=POST) or O(method=PUT) -
        the rack reads form bodies of no other method; use O(params) for the others.
      - Mutually exclusive with O(body_path) and O(dest).
    type: dict
  headers:
    description:
      - Extra request headers; some rack routes (for example running a process) take their options as headers.
      - C(Authorization) and C(Rack) come from the connection options and cannot be set here; neither can the headers
        the HTTP client sets from the request itself - C(Host), C(Content-Length), C(Transfer-Encoding), C(Connection),
        C(Keep-Alive), C(TE), C(Trailer), C(Upgrade), C(Expect) and C(Proxy-*).
    type: dict
  body_path:
    description:
      - A file sent as the raw request body (C(application/octet-stream)), streamed from disk with constant memory -
        for example a source tarball for C(POST /apps/{app}/objects/{key}) or an exported build for
        C(POST /apps/{app}/builds/import).
      - The upload is sent again only when no connection could be made at all (refused, or a temporary name
        resolution failure), since then nothing was sent; after any other failure it is not retried. Large bodies need a longer O(timeout) - for example V(1800)
        for a build import.
      - The file must be readable, also in check mode; a missing file fails the task before anything is sent.
    type: path
  dest:
    description:
      - Write the response body to this file instead of returning it, streamed with constant memory - for example
        a build export from C(GET /apps/{app}/builds/{id}.tgz). Only with O(method=GET).
      - The task reports C(changed) when the file did not exist or its content differs. A replaced file keeps
        its permissions; a new one is created with mode C(0600).
      - In check mode the body is downloaded to a temporary file to compare, and O(dest) is not touched.
    type: path
  status_code:
    description:
      - The HTTP status codes that count as success. Any other status fails the task with the rack's error message.
    type: list
    elements: int
    default: [200, 202]
  changed:
    description:
      - What to report as C(changed) when the rack accepts the request.
      - By default V(false) for V(GET), V(HEAD) and V(OPTIONS), which do not modify the rack, and V(true) for other methods;
        with O(dest), whether the file changed.
      - A request that failed, or whose error status is listed in O(status_code), reports V(false) when the rack
        provably did not act on it, whatever this option says - an HTTP 4xx or 501 answer (the rack or a proxy refused it),
        a console's login page instead of the rack's answer, invalid input, missing credentials, an unreadable O(body_path),
        and a connection that was refused, never opened, failed TLS or named a host that does not exist.
      - It reports this option's value (by default V(true) for a write) when the rack may have acted on the request -
        an HTTP 5xx answer other than 501 (a gateway's 502, 503 or 504 may come after the rack received the request),
        or a connection that broke or timed out after the request was sent.
    type: bool
notes:
  - "Responses are returned as the rack sends them. Some carry secrets (a release's C(env), registry passwords);
    set C(no_log: true) on such tasks."
  - In check mode V(GET), V(HEAD) and V(OPTIONS) requests are sent, since they do not modify the rack;
    other requests are not sent - the path, fields, headers and O(body_path) are checked and the connection
    (credentials included) is resolved as for a real run, so a task that would fail fails, and C(changed) is
    predicted from O(changed).
extends_documentation_fragment:
  - convox.convox.connection
  - convox.convox.attributes.action_group
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying the rack.
    support: partial
    details: V(GET), V(HEAD) and V(OPTIONS) requests are sent in check mode; other requests are checked without being sent,
      and C(changed) is predicted from O(changed).
  diff_mode:
    description: The module cannot tell what a request changes.
    support: none
  idempotent:
    description: The module sends the request as asked; whether that is idempotent depends on the route.
    support: none
seealso:
  - module: convox.convox.convox_app
  - module: convox.convox.convox_app_info
  - module: convox.convox.convox_system_info
"""

EXAMPLES = r"""
- name: List the instances of the rack
  convox.convox.convox_api:
    path: /instances
  register: instances

- name: Mint a read-only JWT for lookups (valid for 4 hours)
  convox.convox.convox_api:
    method: POST
    path: /system/jwt/token
    data:
      role: read
      durationInHour: 4
    changed: false
  register: jwt
  no_log: true

- name: Set app parameters (the dict is sent as the single encoded field the rack expects)
  convox.convox.convox_api:
    method: PUT
    path: /apps/myapp
    data:
      parameters:
        BuildCpu: "512"
        BuildMem: "1024"

- name: Treat a missing app as a normal answer
  convox.convox.convox_api:
    path: /apps/maybe-there
    status_code: [200, 404]
  register: maybe

- name: Export a build to a file
  convox.convox.convox_api:
    path: /apps/myapp/builds/BABCDEFGHIJ.tgz
    dest: /tmp/myapp-build.tgz
"""

RETURN = r"""
msg:
  description: Says that a write request was not sent because the task ran in check mode.
  returned: in check mode, for methods other than V(GET), V(HEAD) and V(OPTIONS)
  type: str
  sample: POST /apps not sent in check mode
status:
  description: The HTTP status code of the response.
  returned: when a request was sent
  type: int
  sample: 200
request_id:
  description: The rack's C(Request-Id) for the request, to quote in a support request.
  returned: when the rack sent one
  type: str
  sample: 3f2a9c1b7d4e
content_type:
  description: The C(Content-Type) of the response.
  returned: when the rack answered with a status that is not an error
  type: str
  sample: application/json
json:
  description: The decoded body of a JSON response.
  returned: when the response is JSON, the method is not V(HEAD) and O(dest) is not set
  type: raw
  sample: [{"name": "myapp", "status": "running"}]
content:
  description: The body of a response that is not JSON.
  returned: when the response is not JSON, the method is not V(HEAD) and O(dest) is not set
  type: str
  sample: "ok\n"
error:
  description: The rack's error message, for an error status accepted by O(status_code).
  returned: when the status is an error listed in O(status_code)
  type: str
  sample: "app not found: maybe-there"
dest:
  description: The file the body was written to. It appears complete or not at all.
  returned: when O(dest) is set
  type: str
size:
  description: The number of bytes written to O(dest).
  returned: when O(dest) is set
  type: int
checksum:
  description: The SHA-256 of the bytes written to O(dest).
  returned: when O(dest) is set
  type: str
api_retries:
  description: How many times a request was retried after a transient failure.
  returned: always
  type: int
  sample: 0
"""

import os

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxAPIError, ConvoxConfigError, ConvoxError
from ansible_collections.convox.convox.plugins.module_utils._failures import SAFE_METHODS
from ansible_collections.convox.convox.plugins.module_utils._module import ConvoxModule
from ansible_collections.convox.convox.plugins.module_utils._wire import check_request_headers, check_request_path

# The rack reads form fields only from the bodies of these methods (convox-api.md 1.5).
FORM_METHODS = ('POST', 'PUT')


def validate(module):
    """Refuse what the task cannot mean, before any credential is looked up: a path that is not
    an API path, headers that the connection or the HTTP client own, options that do not fit."""
    params = module.params
    try:
        check_request_path(params['path'])
        check_request_headers(params['headers'])
    except ConvoxConfigError as error:
        module.fail_from_error(error, changed=False)
    if params['dest'] and params['method'] != 'GET':
        module.fail_json(msg='dest needs method GET')
    if params['data'] and params['method'] not in FORM_METHODS:
        module.fail_json(msg='data is sent as a form body, which the rack reads only for %s; use params for %s'
                         % (' and '.join(FORM_METHODS), params['method']))


def download(module, fields):
    """Stream the body to ``dest``, or in check mode to a temporary file that is then removed,
    so that ``changed`` says truthfully whether ``dest`` differs from what the rack serves."""
    params = module.params
    dest = params['dest']
    before = module.sha256(dest) if os.path.isfile(dest) else None
    response = module.client.download(params['path'], None if module.check_mode else dest, **fields)
    if module.check_mode:
        os.unlink(response.dest_path)
    return response, dict(dest=dest, size=response.size, checksum=response.sha256), before != response.sha256


def send(module):
    """Send the request; returns (response, extra result keys, whether it changed anything).
    The client encodes dict, bool and list values the way the rack reads them."""
    params = module.params
    fields = dict(params=params['params'], headers=params['headers'])
    if params['dest']:
        return download(module, fields)
    changed = params['method'] not in SAFE_METHODS
    if params['body_path']:
        return module.client.upload(params['method'], params['path'], params['body_path'], **fields), {}, changed
    return module.client.request(params['method'], params['path'], data=params['data'], **fields), {}, changed


def read_body(response):
    """The body as JSON or text. The rack API never answers with HTML: an HTML page is a
    console asked without a rack, or a proxy's error page, and json() explains which."""
    if response.is_json or response.content_type.startswith('text/html'):
        return dict(json=response.json())
    return dict(content=response.text)


def check(module):
    """Check mode for a write: resolve the connection and check the request as sending it would,
    without sending it, so that only a task that would be sent predicts a change."""
    params = module.params
    module.client.check_request(params['method'], params['path'], params=params['params'], data=params['data'],
                                headers=params['headers'], body_path=params['body_path'])


def main():
    module = ConvoxModule(
        argument_spec=dict(
            method=dict(type='str', choices=['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'], default='GET'),
            path=dict(type='str', required=True),
            params=dict(type='dict'),
            data=dict(type='dict'),
            headers=dict(type='dict'),
            body_path=dict(type='path'),
            dest=dict(type='path'),
            status_code=dict(type='list', elements='int', default=[200, 202]),
            changed=dict(type='bool'),
        ),
        mutually_exclusive=[('data', 'body_path'), ('dest', 'body_path'), ('dest', 'data')],
        any_case=('method',),
        supports_check_mode=True,
    )
    validate(module)
    params = module.params
    method, told = params['method'], params['changed']
    # What an accepted request reports; a failed one reports it only if the rack may have acted on it.
    accepted = method not in SAFE_METHODS if told is None else told
    result = dict(changed=False)

    with module.api_errors(result):
        if module.check_mode and method not in SAFE_METHODS:
            check(module)
            module.exit_json(msg='%s %s not sent in check mode' % (method, params['path']), changed=accepted)
        try:
            response, extra, changed = send(module)
        except ConvoxError as error:
            # One rule for every failure: changed only when the rack may have acted on the request.
            result['changed'] = accepted and error.may_have_acted
            # An error with a success status is an answer that is not the rack's (an HTML page).
            if not isinstance(error, ConvoxAPIError) or error.status_code < 300 or error.status_code not in params['status_code']:
                raise
            result.update(status=error.status_code, error=error.message)
            if error.request_id:
                result['request_id'] = error.request_id
            module.exit_json(**result)
        result.update(changed=changed if told is None else told, status=response.status,
                      content_type=response.content_type, **extra)
        if response.request_id:
            result['request_id'] = response.request_id
        if response.status not in params['status_code']:
            module.fail_json(msg='%s %s answered %d, expected one of %s' % (
                method, params['path'], response.status, params['status_code']), **result)
        if not extra and method != 'HEAD':
            result.update(read_body(response))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
