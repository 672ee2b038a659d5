# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Typed API errors: each carries the HTTP status the rack answers with and its exact message.

A handler raises one of these; the server renders it (JSON or text, see render.py).
Untyped failures in the rack are 500s, hence ServerError for Go/Kubernetes errors.
"""


class ApiError(Exception):
    """An error answered to the client. ``headers`` are added to the error response."""

    status = 500

    def __init__(self, message, headers=None):
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class Unprocessable(ApiError):
    status = 422


class ServerError(ApiError):
    status = 500


class Unimplemented(ApiError):
    status = 501


class Unavailable(ApiError):
    status = 503


_BY_STATUS = {cls.status: cls for cls in (BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Unprocessable, ServerError, Unimplemented, Unavailable)}


def error_for_status(status, message, headers=None):
    """The typed error for a status chosen at run time (rack-version tables pick 400 or 500)."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        error = ApiError(message, headers)
        error.status = status
        return error
    return cls(message, headers)
