# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Rack API calls for certificates (convox-api.md section 2.8).

A rack lists certificates as ``{id, domain, domains, expiration, status}`` only (v2: no
``status``): never the certificate itself, its key or its chain. v3 reads every stored
certificate back on each list, so a malformed upload breaks every later list until it is
deleted: validate uploads before sending them (``_pem.py``).
"""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._wire import api_path

CERTIFICATE_FIELDS = dict(id=str, domain=(str, type(None)), domains=(list, type(None)), expiration=(str, type(None)),
                          status=(str, type(None)))


class CertificatesAPI:
    """Certificates: list, upload, generate, delete. A mixin of ``ConvoxClient``."""

    def certificate_list(self, generated=None):
        """``[Certificate]`` sorted by id. ``generated=True`` (v3): the rack's own namespace only -- its CA,
        uploads, generated certificates and pending Let's Encrypt requests -- without the services'
        certificates. The rack reads the option from the query only; v2 racks ignore it."""
        return self.get_json(api_path('certificates'), params=dict(generated=True if generated else None), kind=list,
                             fields=CERTIFICATE_FIELDS)

    def certificate_upload(self, certificate, private_key, chain=None):
        """Store a PEM certificate (the leaf), its PEM key and the PEM chain; answers the Certificate.

        Each upload stores a new certificate: never sent twice.
        """
        data = dict(pub=certificate, key=private_key, chain=chain or None)
        return self.request('POST', api_path('certificates'), data=data, idempotent=False).json_of(dict, CERTIFICATE_FIELDS)

    def certificate_generate(self, domains, issuer=None, duration=None):
        """Have the rack make a certificate for ``domains``: self-signed (v3: exactly one domain, 365 days),
        ``issuer='letsencrypt'`` (v3: issued later by cert-manager; ``duration`` a Go duration), or on v2 an ACM
        request. Never sent twice."""
        data = dict(domains=list(domains), issuer=issuer, duration=duration)
        return self.request('POST', api_path('certificates', 'generate'), data=data, idempotent=False).json_of(
            dict, CERTIFICATE_FIELDS)

    def certificate_delete(self, id):
        """Delete a certificate of the rack's namespace (v3: anything else is a 500 ``secrets "<id>" not found``)."""
        self.request('DELETE', api_path('certificates', id))
