# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""What the client is built from: ``ConnectionSettings`` and ``RetrySettings``, validated.

``_connection.resolve_connection`` produces them from module or plugin options; the client
takes them as they are. Neither holds anything but plain values, so both print safely
(the password is shown as ********).
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.convox.convox.plugins.module_utils._errors import REDACTED, ConvoxConfigError, secret_forms

DEFAULT_USER = 'convox'
DEFAULT_TIMEOUT = 30.0
RETRY_DEFAULTS = dict(max_retries=3, backoff_base=1.0, backoff_max=30.0, retry_on_500=False)


class RetrySettings:
    """How transient failures are retried; the rules are in ``_transport``'s docstring."""

    __slots__ = ('max_retries', 'backoff_base', 'backoff_max', 'retry_on_500')

    def __init__(self, max_retries=RETRY_DEFAULTS['max_retries'], backoff_base=RETRY_DEFAULTS['backoff_base'],
                 backoff_max=RETRY_DEFAULTS['backoff_max'], retry_on_500=RETRY_DEFAULTS['retry_on_500']):
        self.max_retries = non_negative(max_retries, 'retries.max_retries', int)
        self.backoff_base = non_negative(backoff_base, 'retries.backoff_base', float)
        self.backoff_max = non_negative(backoff_max, 'retries.backoff_max', float)
        self.retry_on_500 = to_bool(retry_on_500, 'retries.retry_on_500')

    @classmethod
    def from_options(cls, options):
        """Build from the ``retries`` option: a dict whose missing or None entries take the defaults."""
        if options is None:
            return cls()
        if not isinstance(options, dict):
            raise ConvoxConfigError('retries must be a dict with max_retries, backoff_base, backoff_max and retry_on_500')
        unknown = sorted(set(options) - set(RETRY_DEFAULTS))
        if unknown:
            raise ConvoxConfigError('retries has unknown keys: %s' % ', '.join(str(key) for key in unknown))
        values = dict(RETRY_DEFAULTS)
        values.update((key, value) for key, value in options.items() if value is not None)
        return cls(**values)

    def __eq__(self, other):
        return isinstance(other, RetrySettings) and all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return 'RetrySettings(%s)' % ', '.join('%s=%r' % (name, getattr(self, name)) for name in self.__slots__)


class ConnectionSettings:
    """Everything the client needs to reach one rack, already resolved.

    ``rack`` is set only in console mode, where every request carries ``Rack: <rack>``.
    ``verify`` is True, False or the path of a CA bundle. ``credential_source`` says in
    words where the key came from, for error hints; it never holds the key itself.
    """

    __slots__ = ('base_url', 'username', 'password', 'rack', 'verify', 'timeout', 'retries', 'actor', 'credential_source')

    def __init__(self, base_url, password, username=DEFAULT_USER, rack=None, verify=True, timeout=DEFAULT_TIMEOUT,
                 retries=None, actor=None, credential_source=None):
        parts = urlsplit(base_url or '')
        if parts.scheme not in ('http', 'https') or not parts.hostname:
            raise ConvoxConfigError('the rack URL must be an http:// or https:// URL with a host')
        if '@' in parts.netloc:
            # Credentials travel only in the Authorization header, never in URLs that end up in logs.
            raise ConvoxConfigError('the rack URL must not carry credentials; pass them as the API key')
        self.base_url = base_url.rstrip('/')
        self.username = username or DEFAULT_USER
        self.password = password
        self.rack = rack or None
        self.verify = verify
        self.timeout = positive(timeout, 'timeout')
        self.retries = retries if retries is not None else RetrySettings()
        self.actor = actor or None
        self.credential_source = credential_source

    @property
    def console(self):
        """True when requests go through a console and carry the ``Rack`` header."""
        return self.rack is not None

    def secret_values(self):
        """The values a caller must mask in its own output (for example ``module.no_log_values``)."""
        return secret_forms(self.password)

    def __repr__(self):
        return ('ConnectionSettings(base_url=%r, username=%r, password=%s, rack=%r, verify=%r, timeout=%r, retries=%r, actor=%r)'
                % (self.base_url, self.username, REDACTED if self.password else None, self.rack, self.verify,
                   self.timeout, self.retries, self.actor))


def non_negative(value, name, kind):
    """``value`` as ``kind`` (int or float), refusing what is not a number of at least 0."""
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConvoxConfigError('%s must be a number' % name) from None
    if isinstance(value, bool) or math.isnan(number) or number < 0:
        raise ConvoxConfigError('%s must be a number of at least 0' % name)
    return number


def positive(value, name):
    """``value`` as a float, refusing 0, infinity and what is not a number."""
    number = non_negative(value, name, float)
    if number == 0 or math.isinf(number):
        raise ConvoxConfigError('%s must be a finite number more than 0' % name)
    return number


def to_bool(value, name):
    """``value`` as a bool, the way Ansible reads booleans (strictly)."""
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise ConvoxConfigError('%s must be a boolean' % name) from None
