"""What every ``/v1`` route shares: the key, the rate limit, Zenoti's answers and errors.

A ``/v1`` handler is written ``@v1_route`` and takes ``(request, api)``:
the decorator finds the run's API from ``Authorization: apikey <key>`` or
``bearer <token>`` (401 with Zenoti's message otherwise), counts the call
against the run's rate limit when it has one (429 with ``Retry-After`` past
it; Zenoti's rate headers on every answer), and writes every refusal in
Zenoti's shape:

- 401: ``{"Message": "Authorization has been denied for this request."}``
  (the body ASP.NET Web API writes for that message, Zenoti's);
- any other: ``{"code": 422, "message": "...", "error": {"code", "message",
  "field"}}``: the code and message at the top, as Zenoti's paging error is
  documented, and under ``error``, as its response guide says errors are
  (``field``, ours, names the parameter or body field at fault).

The control API's own token (``--token``) is not asked for here: ``/v1``
has its keys. Nothing a client sends reaches a 500 unless it is a bug,
which is logged and answered in the same shape.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from mockzenoti import jsonfast
from mockzenoti.errors import MockZenotiError
from mockzenoti.event import Event
from mockzenoti.rest.access import parse_authorization
from mockzenoti.rest.errors import DENIED, RestError, error_body
from mockzenoti.server.errors import ApiError
from mockzenoti.server.sandboxes import RunApi, Sandboxes

__all__ = [
    "PREFIX",
    "SANDBOXES",
    "V1_DELIVER",
    "Deliver",
    "denied",
    "json_answer",
    "rest_error",
    "v1_route",
]

log = logging.getLogger("mockzenoti.server.v1")

PREFIX = "/v1/"
Deliver = Callable[[RunApi, list[Event]], Awaitable[None]]
Handler = Callable[[web.Request, RunApi], Awaitable[Any]]

SANDBOXES: web.AppKey[Sandboxes] = web.AppKey("sandboxes")
#: Accepts the events of a ``/v1`` write for delivery to the run's targets, then publishes them.
V1_DELIVER: web.AppKey[Deliver] = web.AppKey("v1_deliver")


def json_answer(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON answer (compact, UTF-8)."""
    return web.Response(
        body=jsonfast.dumps_transient(data),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def denied(headers: Mapping[str, str] | None = None) -> web.Response:
    """Zenoti's 401."""
    return json_answer(error_body(401, DENIED), status=401, headers=headers)


def rest_error(exc: RestError, headers: Mapping[str, str] | None = None) -> web.Response:
    """A refusal in Zenoti's shape (see the module docstring)."""
    merged = {**exc.headers, **(headers or {})}
    body = error_body(exc.error_code if exc.status != 401 else 401, exc.message, exc.field)
    return json_answer(body, status=exc.status, headers=merged)


async def key_of(request: web.Request, sandboxes: Sandboxes) -> str | None:
    """The run key a request authenticates with (apikey, or a live bearer token)."""
    offered = parse_authorization(request.headers.get("Authorization"))
    if offered is None:
        return None
    scheme, value = offered
    if scheme == "bearer":
        return sandboxes.tokens.key_of(value)
    return value


def count_call(sandboxes: Sandboxes, api: RunApi) -> dict[str, str]:
    """Count a call against ``api``'s limit; the rate headers to answer with (none when
    its run has no limit). Past the limit, ``RestError`` 429 carrying them."""
    if api.limit <= 0:
        return {}
    decision = sandboxes.limiter.take(api.key, api.limit)
    headers = decision.headers()
    if not decision.allowed:
        raise RestError(
            429,
            f"API calls quota exceeded: {api.limit} calls a minute are allowed "
            f"(retry in {decision.reset} s).",
            "Authorization",
            headers=headers,
        )
    return headers


def v1_route(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A ``/v1`` handler: authenticated, rate-limited, answered in Zenoti's shapes.

    The handler returns JSON-ready data (answered 200) or a ``web.Response``.
    """

    @functools.wraps(handler)
    async def route(request: web.Request) -> web.StreamResponse:
        sandboxes = request.app[SANDBOXES]
        headers: dict[str, str] = {}
        try:
            key = await key_of(request, sandboxes)
            api = await sandboxes.find(key) if key is not None else None
            if api is None:
                return denied()
            headers = count_call(sandboxes, api)
            result = await handler(request, api)
        except RestError as exc:
            return rest_error(exc, headers)
        except ApiError as exc:  # a body field read with the control API's readers
            status = 400 if exc.status in (400, 422) else exc.status
            return rest_error(RestError(status, exc.message, exc.field), headers)
        except MockZenotiError as exc:
            return rest_error(RestError(400, exc.message, exc.field), headers)
        except web.HTTPException:
            raise
        except Exception:
            log.exception("unexpected error answering %s %s", request.method, request.path)
            error = RestError(500, "internal error; the server log has the details")
            return rest_error(error, headers)
        if isinstance(result, web.StreamResponse):
            result.headers.update(headers)
            return result
        return json_answer(result, headers=headers)

    return route
