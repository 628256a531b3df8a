"""The optional bearer token: ``Authorization: Bearer <token>`` on every route but a few.

Open without a token: ``GET /health`` (liveness probes), Zenoti's REST API
``/v1/...`` and ``/api/...`` (it takes each run's own key, ``Authorization:
apikey``), the webhook
receivers ``POST``/``PUT``/``PATCH /sink/{name}`` (Zenoti, or any sender,
cannot add a token to an arbitrary URL), and the live page's files ``GET /``
and ``GET /static/...`` (they hold no data; the page passes the token on).
Browsers cannot set headers on an ``EventSource`` or a page load, so
``?access_token=<token>`` is accepted too.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from mockzenoti.server.errors import ApiError

__all__ = ["auth_middleware", "is_open"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_RECEIVER = re.compile(r"^/sink/[^/]+$")


def is_open(method: str, path: str) -> bool:
    """True for the routes that need no token (``/v1/...`` asks for its run's key instead)."""
    if path == "/health" or path.startswith(("/v1/", "/api/")):
        return True
    if method in ("GET", "HEAD") and (path == "/" or path.startswith("/static/")):
        return True
    return method in ("POST", "PUT", "PATCH") and _RECEIVER.match(path) is not None


def _offered(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.query.get("access_token") or None


def auth_middleware(token: str) -> Middleware:
    """A middleware refusing requests without the token (401, JSON)."""
    expected = token.encode("utf-8")

    @web.middleware
    async def check_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Let the request through only with the token (or to an open route)."""
        if not is_open(request.method, request.path):
            offered = _offered(request)
            if offered is None or not hmac.compare_digest(offered.encode("utf-8"), expected):
                raise ApiError(
                    401,
                    "unauthorized",
                    "this server needs a token: Authorization: Bearer <token>"
                    if offered is None
                    else "the token is wrong",
                    "Authorization",
                    headers={"WWW-Authenticate": 'Bearer realm="mockzenoti"'},
                )
        return await handler(request)

    return check_token
