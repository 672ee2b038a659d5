# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What differs between rack generations and versions for the rack-administration routes (semantics.Semantics.admin).

v3 is convox/convox pkg/api with provider/k8s and the aws overlay; v2 is convox/rack pkg/api with
provider/aws. The routes v2 does not have (configs, budgets, balancers, letsencrypt, the proxies,
...) are not registered there, so they get the router's empty 404 as on a real v2 rack; nor are v3
routes on a v3 version older than the one that introduced them (FEATURE_VERSIONS).
"""

import dataclasses

from . import certificates
from .workloads import _at_least


# The first v3 release whose routes.go has them (git history of convox/convox pkg/api/routes.go).
FEATURE_VERSIONS = {
    'certificate_renew': (3, 12, 4),
    'letsencrypt': (3, 13, 3),
    'configs': (3, 19, 7),
    'http_proxy': (3, 19, 7),
    'diagnose': (3, 24, 0),
    'karpenter': (3, 24, 3),
    # budgets and cost, scale-override and triggers, service and batched service metrics, a service's manifest summary
    'budgets': (3, 24, 6),
    'service_overrides': (3, 24, 6),
    'gpu_metrics': (3, 24, 6),
    'manifest_service': (3, 24, 6),
}


@dataclasses.dataclass(frozen=True)
class AdminRules:
    """One generation's rack-administration behaviour."""

    # The 3.x routes v2 does not have (balancers, the registry proxy, resource data, ...).
    v3_routes: bool
    # The later v3 routes this version serves (FEATURE_VERSIONS names).
    features: frozenset
    # v2 RegistryAdd refuses blank fields (untyped: 500) and RegistryRemove deletes an S3 key that need not exist (no 404).
    registry_requires_fields: bool
    registry_remove_unknown_ok: bool
    # The certificate store class (certificates.py).
    certificates: object
    # v3 keyroll answers the new key pair as JSON; v2 answers ok.
    keyroll_returns_key: bool
    # v3's certificate list takes the ``generated`` option; v2 has none.
    certificate_generated_option: bool
    # App, service and system metrics: v3 k8s answers 501 for app metrics and reads GPU/rack metrics; v2 reads CloudWatch.
    app_metrics_unimplemented: bool


def v3_rules(version):
    features = frozenset(name for name, minimum in FEATURE_VERSIONS.items() if _at_least(version, minimum))
    return AdminRules(v3_routes=True, features=features, registry_requires_fields=False, registry_remove_unknown_ok=False,
                      certificates=certificates.KubernetesCertificates, keyroll_returns_key=True, certificate_generated_option=True,
                      app_metrics_unimplemented=True)


def v2_rules():
    return AdminRules(v3_routes=False, features=frozenset(), registry_requires_fields=True, registry_remove_unknown_ok=True,
                      certificates=certificates.AcmCertificates, keyroll_returns_key=False, certificate_generated_option=False,
                      app_metrics_unimplemented=False)
