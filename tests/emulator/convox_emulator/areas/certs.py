# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificates: list, upload, generate, delete, renew, apply (convox-api.md 2.8; transcript row 72). The model is certificates.py."""

from .. import certificates, golang, render
from ..errors import ServerError


async def certificate_list(ctx):
    """``generated`` is a param: on a GET only the query carries it (the SDK's body param never arrives)."""
    generated = ctx.params.param('generated', 'bool') if ctx.semantics.admin.certificate_generated_option else None
    state = ctx.state
    with state.lock:
        state.settle()
        return render.json_response(certificates.store_of(state).list(state, bool(generated)))


async def certificate_create(ctx):
    """CertificateCreate: ``pub`` and ``key`` through c.Value, ``chain`` a param."""
    pub, key = ctx.params.value('pub'), ctx.params.value('key')
    chain = ctx.params.param('chain')
    state = ctx.state
    with state.lock:
        state.settle()
        return render.json_response(certificates.store_of(state).create(state, pub, key, chain))


async def certificate_generate(ctx):
    domains = ctx.params.value('domains').split(',')
    issuer = duration = None
    if ctx.semantics.admin.certificate_generated_option:
        issuer, duration = ctx.params.param('issuer'), ctx.params.param('duration')
    state = ctx.state
    with state.lock:
        state.settle()
        return render.json_response(certificates.store_of(state).generate(state, domains, issuer, duration))


async def certificate_delete(ctx):
    state = ctx.state
    with state.lock:
        certificates.store_of(state).delete(state, ctx.var('id'))
    return render.ok_response()


async def certificate_renew(ctx):
    state = ctx.state
    with state.lock:
        state.settle()
        certificates.store_of(state).renew(state, ctx.var('id'))
    return render.ok_response()


async def certificate_apply(ctx):
    """CertificateApply: ``id`` through c.Value, then the port (strconv's error is untyped: 500), then the provider."""
    cert_id = ctx.params.value('id')
    try:
        port = golang.atoi(ctx.var('port'))
    except golang.GoError as exc:
        raise ServerError(str(exc)) from None
    state = ctx.state
    with state.lock:
        state.settle()
        certificates.store_of(state).apply(state, ctx.var('app'), ctx.var('service'), port, cert_id)
    return render.ok_response()


def register(router, state):
    certificates.attach(state)
    router.route('PUT', '/apps/{app}/ssl/{service}/{port}', certificate_apply)
    router.route('POST', '/certificates', certificate_create)
    router.route('DELETE', '/certificates/{id}', certificate_delete)
    if 'certificate_renew' in state.semantics.admin.features:
        router.route('POST', '/certificates/{id}/renew', certificate_renew)
    router.route('POST', '/certificates/generate', certificate_generate)
    router.route('GET', '/certificates', certificate_list)
