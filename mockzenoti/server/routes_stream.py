"""``GET /stream``: the live feed as server-sent events (see docs/api.md for names and shapes).

The wire protocol is ``aiohttp-sse``'s (``EventSourceResponse``): the headers,
the ``id``/``event``/``data`` framing, a comment as heartbeat every
``heartbeat`` seconds, a timeout for a client that stops reading. This route
only chooses what to send: the feed's changes for this client (``feed``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import web
from aiohttp_sse import EventSourceResponse, sse_response

from mockzenoti import __version__
from mockzenoti.security.secrecy import redact_passwords
from mockzenoti.server.bodies import Query
from mockzenoti.server.errors import ApiError
from mockzenoti.server.keys import FEED, SETTINGS
from mockzenoti.server.metrics import Counters

__all__ = ["COUNTERS", "STREAM_TYPES", "routes"]

routes = web.RouteTableDef()
COUNTERS: web.AppKey[Counters] = web.AppKey("counters")

#: Every event name the stream sends (``hello`` and ``close`` always, the rest on request).
STREAM_TYPES = (
    "snapshot",
    "accepted",
    "attempt.started",
    "attempt.finished",
    "delivery.state",
    "target.deactivated",
    "target.reactivated",
    "run.state",
    "run.progress",
    "run.finished",
    "dropped",
)


async def send(response: EventSourceResponse, ident: int, change: dict[str, Any]) -> None:
    """One server-sent event: ``id``, ``event`` (the change's type) and JSON ``data``."""
    data = redact_passwords(json.dumps(change, separators=(",", ":"), default=str))
    await response.send(data, id=str(ident), event=change["type"])


def _types(request: web.Request) -> frozenset[str] | None:
    text = request.query.get("types")
    if text is None:
        return None
    chosen = frozenset(text.split(","))
    unknown = sorted(chosen - set(STREAM_TYPES))
    if unknown:
        raise ApiError.invalid(
            f"unknown stream event {unknown[0]!r}; give names from {', '.join(STREAM_TYPES)}, "
            "comma-separated",
            "types",
        )
    return chosen | {"dropped"}


@routes.get("/stream")
async def stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: hub changes, snapshots, run progress; a comment as heartbeat."""
    feed = request.app[FEED]
    settings = request.app[SETTINGS]
    types = _types(request)
    duration = Query(request).number("duration", maximum=86400)
    loop = asyncio.get_running_loop()
    deadline = None if duration is None else loop.time() + duration
    reason = "shutdown"
    # "\n" between lines, as before the library (its default is "\r\n"; both are SSE).
    async with sse_response(request, sep="\n", ping_interval=settings.heartbeat) as response:
        client = feed.open(types)
        hello = {
            "type": "hello",
            "version": __version__,
            "time": time.time(),
            "snapshot_interval": settings.snapshot_interval,
            "heartbeat": settings.heartbeat,
            "types": sorted(types) if types is not None else list(STREAM_TYPES),
            "counters": request.app[COUNTERS].snapshot(),
        }
        try:
            await send(response, next(feed.ids), hello)
            while not client.closed:
                wait = settings.heartbeat  # the library sends the heartbeats
                if deadline is not None:
                    wait = min(wait, deadline - loop.time())
                    if wait <= 0:
                        reason = "duration"
                        break
                await client.wait(wait)
                for change in client.take():
                    await send(response, next(feed.ids), change)
            await send(response, next(feed.ids), {"type": "close", "reason": reason})
        except (ConnectionResetError, TimeoutError):
            pass  # the client went away, or stopped reading (the library aborted it)
        finally:
            feed.leave(client)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
    return response
