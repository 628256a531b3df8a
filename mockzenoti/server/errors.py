"""Errors as JSON: ``{"error": {"code", "message", "field"}}`` with a fitting 4xx status.

``error_middleware`` turns everything a handler raises into that shape:
``ApiError`` (raised by the server's own checks), ``MockZenotiError`` (from
the layers below: 404 for ``NotFound``, 422 otherwise), aiohttp's own
``HTTPException``s (unknown route 404, wrong method 405, body too large
413 ...). Anything else is a bug: it is logged with its traceback and
answered with a JSON 500 that carries no traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from mockzenoti.errors import MockZenotiError, NotFound
from mockzenoti.rest.errors import error_body
from mockzenoti.security.limits import MAX_BODY

__all__ = ["ApiError", "error_middleware", "error_response"]

log = logging.getLogger("mockzenoti.server")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


class ApiError(Exception):
    """An error answer: HTTP ``status``, machine ``code``, human ``message``, JSON ``field``.

    ``extra`` adds keys to the error object (``problems`` for invalid payloads).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})
        self.extra = extra

    @classmethod
    def invalid(cls, message: str, field: str | None, code: str = "invalid") -> ApiError:
        """A 422: the request is well-formed JSON but a value is wrong."""
        return cls(422, code, message, field)

    @classmethod
    def not_found(cls, message: str, field: str | None = None) -> ApiError:
        """A 404."""
        return cls(404, "not_found", message, field)

    @classmethod
    def conflict(cls, message: str, field: str | None = None) -> ApiError:
        """A 409: the request clashes with the current state."""
        return cls(409, "conflict", message, field)


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> web.Response:
    """The JSON error answer."""
    error: dict[str, Any] = {"code": code, "message": message, "field": field}
    if extra:
        error.update(extra)
    return web.json_response({"error": error}, status=status, headers=headers)


def from_library(exc: MockZenotiError, *, prefix: str = "") -> ApiError:
    """An ``ApiError`` for an error of the layers below (404 for ``NotFound``, else 422).

    ``prefix`` is put before the error's field (``payload.`` for a payload's paths).
    """
    field = exc.field
    if field is not None and prefix:
        field = f"{prefix}{field}"
    status = 404 if isinstance(exc, NotFound) else 422
    extra: dict[str, Any] = {}
    problems = getattr(exc, "problems", None)
    if problems:
        extra["problems"] = [
            {"path": f"{prefix}{p.path}" if p.path else prefix.rstrip("."), "message": p.message}
            for p in problems
        ]
    return ApiError(status, exc.code, exc.message, field, **extra)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every failure as a JSON error (see the module docstring)."""
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(
            exc.status, exc.code, exc.message, exc.field, headers=exc.headers, extra=exc.extra
        )
    except MockZenotiError as exc:
        api = from_library(exc)
        return error_response(api.status, api.code, api.message, api.field, extra=api.extra)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {}
        if isinstance(exc, web.HTTPMethodNotAllowed):
            headers["Allow"] = ", ".join(sorted(exc.allowed_methods))
            message = f"{request.method} is not allowed here; allowed: {headers['Allow']}"
        elif exc.status == 404:
            message = f"no route {request.path}"
        elif isinstance(exc, web.HTTPRequestEntityTooLarge):
            message = f"the body is larger than this server takes ({MAX_BODY:,} bytes at most)"
            return error_response(413, "body_too_large", message, "body")
        else:
            message = exc.reason
        if request.path.startswith(("/v1/", "/api/")):  # Zenoti's REST API: Zenoti's shape
            return web.json_response(
                error_body(exc.status, message), status=exc.status, headers=headers
            )
        code = _HTTP_CODES.get(exc.status, "http_error")
        return error_response(exc.status, code, message, None, headers=headers)
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception:
        log.exception("unexpected error answering %s %s", request.method, request.path)
        return error_response(500, "internal", "internal error; the server log has the details")
