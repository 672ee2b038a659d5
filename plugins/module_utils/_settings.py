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

from ansible_collections.convox.convox.plugins.module_utils._errors import REDACTED, ConvoxConfigError, basic_credential, secret_forms

DEFAULT_USER = 'convox'
DEFAULT_TIMEOUT = 30.0
RETRY_DEFAULTS = dict(max_retries=3, backoff_base=1.0, backoff_max=30.0, retry_on_500=False)

# Upper bounds, so that a call's deadline (_failures.call_deadline) is always finite: a request
# may wait a day for its answer (a huge build import), a retry an hour, and a call retries 50 times.
MAX_TIMEOUT = 86400.0
MAX_RETRIES = 50
MAX_BACKOFF = 3600.0


class RetrySettings:
    """How transient failures are retried; the rules are in ``_transport``'s docstring."""

    __slots__ = ('max_retries', 'backoff_base', 'backoff_max', 'retry_on_500')

    def __init__(self, max_retries=RETRY_DEFAULTS['max_retries'], backoff_base=RETRY_DEFAULTS['backoff_base'],
                 backoff_max=RETRY_DEFAULTS['backoff_max'], retry_on_500=RETRY_DEFAULTS['retry_on_500']):
        self.max_retries = bounded(max_retries, 'retries.max_retries', 0, MAX_RETRIES, int)
        self.backoff_base = bounded(backoff_base, 'retries.backoff_base', 0, MAX_BACKOFF)
        self.backoff_max = bounded(backoff_max, 'retries.backoff_max', 0, MAX_BACKOFF)
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
        self.timeout = request_timeout(timeout)
        self.retries = retries if retries is not None else RetrySettings()
        self.actor = actor or None
        self.credential_source = credential_source

    @property
    def console(self):
        """True when requests go through a console and carry the ``Rack`` header."""
        return self.rack is not None

    def secret_values(self):
        """Every form of the key a caller must mask in its own output (for example ``module.no_log_values``):
        the key as is, percent-encoded, and inside the ``Authorization: Basic`` credential."""
        if not self.password:
            return ()
        forms = set(secret_forms(self.password))
        forms.add(basic_credential(self.username, self.password))
        # Longest first, so that a secret containing another is replaced whole.
        return tuple(sorted(forms, key=len, reverse=True))

    def __repr__(self):
        return ('ConnectionSettings(base_url=%r, username=%r, password=%s, rack=%r, verify=%r, timeout=%r, retries=%r, actor=%r)'
                % (self.base_url, self.username, REDACTED if self.password else None, self.rack, self.verify,
                   self.timeout, self.retries, self.actor))


def _number(text):
    return ('%g' % text) if isinstance(text, float) else str(text)


def bounded(value, name, low, high, kind=float, low_open=False):
    """``value`` as ``kind`` (int or float) within ``low`` .. ``high``; ``low_open`` excludes ``low`` itself.

    The message states the range that is really allowed, whatever was wrong with the value.
    """
    if kind is int:
        rule = '%s must be a whole number from %s to %s' % (name, _number(low), _number(high))
    elif low_open:
        rule = '%s must be a number more than %s and at most %s' % (name, _number(low), _number(high))
    else:
        rule = '%s must be a number from %s to %s' % (name, _number(low), _number(high))
    if isinstance(value, bool):
        raise ConvoxConfigError(rule)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConvoxConfigError(rule) from None
    if math.isnan(number) or number < low or number > high or (low_open and number == low):
        raise ConvoxConfigError(rule)
    if kind is int:
        if number != int(number):
            raise ConvoxConfigError(rule)
        return int(number)
    return number


def request_timeout(value, name='timeout'):
    """A request timeout in seconds: more than 0, at most a day."""
    return bounded(value, name, 0, MAX_TIMEOUT, low_open=True)


def to_bool(value, name):
    """``value`` as a bool, the way Ansible reads booleans (strictly)."""
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise ConvoxConfigError('%s must be a boolean' % name) from None
