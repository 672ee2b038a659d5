# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The errors of the Convox client, and how secrets are kept out of their messages.

Every failure of the client is a ``ConvoxError``; no other exception type escapes it::

    ConvoxError
      ConvoxConfigError            missing or invalid connection settings, invalid names
      ConvoxFileError              a local file to upload or download to cannot be used
      ConvoxMissingLibraryError    the Python library requests is not installed
      ConvoxTransportError         no usable HTTP answer
        ConvoxConnectionError      cannot connect, or the connection broke
          ConvoxTLSError           the certificate was not accepted
        ConvoxTimeoutError         no answer in time
      ConvoxAPIError               an HTTP error answer (status_code, message, request_id, method, path)
        ConvoxValidationError      400, 422
        ConvoxAuthError            401 invalid authentication
        ConvoxForbiddenError       403, and 401 "you are unauthorized to access this" (role too weak)
        ConvoxNotFoundError        404
        ConvoxConflictError        409
        ConvoxServerError          500 (v3 also answers a missing release or build id with 500)
        ConvoxNotImplementedError  501
        ConvoxGatewayError         502, 503, 504
        ConvoxResponseError        a success whose body is not what the API sends (an HTML page, not JSON)

No message ever holds the API key (raw, URL-encoded or inside a Basic header), URL user
info, or request data such as env values: messages are built from the method, the path,
the server's error text and transport facts, and are scrubbed of the key once more.

This file imports nothing outside the standard library, so plugins that run on the
controller (the lookup) can catch these errors without requests being installed.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote, quote_plus

REDACTED = '********'


class ConvoxError(Exception):
    """Base of every error the client raises. ``str()`` is a complete, secret-free sentence.

    ``may_have_acted`` says whether the rack may have acted on the request that failed: True
    unless the failure proves it did not (the request never left, or the rack refused it).
    """

    may_have_acted = True
    # True for the router's empty 404/405: the path is no API route (set by _response).
    unrouted = False

    def __init__(self, message):
        super().__init__(message)
        self.message = message
        # Set by the retry loop when it gave up, so the message says retries were tried.
        self.retries = 0
        # Extra result keys a failed task reports (for example the last status of a wait).
        self.facts = {}

    def describe(self):
        return self.message

    def __str__(self):
        text = self.describe()
        if self.retries:
            text += ' (gave up after %d %s)' % (self.retries, 'retry' if self.retries == 1 else 'retries')
        return text

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, str(self))


class ConvoxConfigError(ConvoxError):
    """Missing or invalid connection settings, or a name that cannot be put in an API path."""

    may_have_acted = False


class ConvoxFileError(ConvoxError):
    """A local file to upload cannot be read, or a download cannot be written."""

    may_have_acted = False


class ConvoxMissingLibraryError(ConvoxError):
    """A Python library the client needs (requests with urllib3) is not installed where it runs.

    ``import_error`` is the traceback of the failed import, for ``missing_required_lib``.
    """

    may_have_acted = False

    def __init__(self, library='requests', import_error=None):
        super().__init__('the Python library %s is required to talk to a Convox rack (pip install %s)' % (library, library))
        self.library = library
        self.import_error = import_error


class ConvoxTransportError(ConvoxError):
    """No usable HTTP answer: ``method`` and ``path`` tell which request."""

    def __init__(self, message, method=None, path=None):
        super().__init__(message)
        self.method = method
        self.path = path


class ConvoxConnectionError(ConvoxTransportError):
    """The connection could not be opened, or broke before the answer was complete."""


class ConvoxTLSError(ConvoxConnectionError):
    """The server's TLS certificate was not accepted."""


class ConvoxTimeoutError(ConvoxTransportError):
    """The server did not answer within the timeout (or the call's deadline passed)."""


class ConvoxAPIError(ConvoxError):
    """The rack, the console or a proxy in front of them answered with an HTTP error.

    ``message`` is the server's own text (the ``error`` of a JSON body, else the trimmed body,
    else ``response status <code>``); ``str()`` adds the request, the status and the request id.
    """

    def __init__(self, status_code, message, request_id=None, method=None, path=None, hint=None):
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.method = method
        self.path = path
        self.hint = hint
        # A 4xx answer is the rack (or a proxy) refusing the request; 501 says the call does not exist.
        self.may_have_acted = status_code >= 500 and status_code != 501

    def describe(self):
        text = '%s %s answered %s: %s' % (self.method or '?', self.path or '?', self.status_code, self.message)
        if self.hint:
            text += '; %s' % self.hint
        if self.request_id:
            text += ' (request id %s)' % self.request_id
        return text


class ConvoxValidationError(ConvoxAPIError):
    """400 or 422: the rack refused the request's parameters."""


class ConvoxAuthError(ConvoxAPIError):
    """401: the credentials were not accepted."""


class ConvoxForbiddenError(ConvoxAPIError):
    """403, or 401 "you are unauthorized to access this" (the credentials' role is too weak)."""


class ConvoxNotFoundError(ConvoxAPIError):
    """404: no such app, object, resource, ... or route."""


class ConvoxConflictError(ConvoxAPIError):
    """409: the app already exists, or is locked."""


class ConvoxServerError(ConvoxAPIError):
    """500: an untyped rack error. v3 racks also answer a missing release, build or process id so."""


class ConvoxNotImplementedError(ConvoxAPIError):
    """501: the rack does not offer this call (for example ``PUT /system`` on v3)."""


class ConvoxGatewayError(ConvoxAPIError):
    """502, 503 or 504: a gateway or the rack was unavailable."""


class ConvoxResponseError(ConvoxAPIError):
    """The server answered with a success whose body is not what the Convox API sends.

    The server accepted the request, so the rack may have acted on it, unless ``foreign`` says
    the answer was a page of something else (a console's login page, a proxy's page), which
    proves the request never reached the rack.
    """

    def __init__(self, status_code, message, request_id=None, method=None, path=None, hint=None, foreign=False):
        super().__init__(status_code, message, request_id, method, path, hint=hint)
        self.foreign = foreign
        self.may_have_acted = not foreign and status_code < 300


_ERROR_CLASSES = {
    400: ConvoxValidationError,
    401: ConvoxAuthError,
    403: ConvoxForbiddenError,
    404: ConvoxNotFoundError,
    409: ConvoxConflictError,
    422: ConvoxValidationError,
    500: ConvoxServerError,
    501: ConvoxNotImplementedError,
    502: ConvoxGatewayError,
    503: ConvoxGatewayError,
    504: ConvoxGatewayError,
}

# Authorization failures (the role lacks r or w) are 401 on the wire, but they mean "you may
# not", not "who are you": retrying with the same credentials cannot help.
_ROLE_DENIED_TEXT = 'unauthorized to access'


def error_class_for(status_code, message=''):
    """Return the ConvoxAPIError subclass for an HTTP status and the server's message."""
    if status_code == 401 and _ROLE_DENIED_TEXT in message:
        return ConvoxForbiddenError
    return _ERROR_CLASSES.get(status_code, ConvoxAPIError)


def secret_forms(secret):
    """Every form a secret takes in text: as is, and percent-encoded the ways URLs and forms encode it."""
    if not secret:
        return ()
    return tuple(sorted(set((secret, quote(secret, safe=''), quote(secret), quote_plus(secret))), key=len, reverse=True))


def basic_credential(username, password):
    """The ``Authorization: Basic`` credential for a user and key, as it travels (UTF-8, base64)."""
    return base64.b64encode(('%s:%s' % (username, password)).encode('utf-8')).decode('ascii')


# C0 controls but tab, DEL, C1 controls, and the Unicode marks that reorder or hide text on a terminal.
_UNPRINTABLE = re.compile('[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]')


def printable(text):
    """Text from a server made safe for a terminal: control characters become visible escapes.

    An error page or header could otherwise carry ANSI escape sequences (recolour, clear or
    rewrite the screen), a NUL, line breaks that forge log lines, or bidi marks that hide text.
    """
    return _UNPRINTABLE.sub(lambda match: match.group().encode('unicode_escape').decode('ascii'), text)


def shown(value):
    """A value quoted for an error message, cut short when long (names and paths, never secrets)."""
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + '...'
