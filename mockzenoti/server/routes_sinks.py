"""Receivers in the server: ``/sink/{name}`` takes webhooks; ``/sinks`` configures them.

The webhook routes (``POST``/``PUT``/``PATCH /sink/{name}``) need no token,
since a sender cannot add one to an arbitrary URL; ``GET /sink/{name}/received``
and every ``/sinks`` route do when the server has one.
"""

from __future__ import annotations

from aiohttp import web

from mockzenoti.server.bodies import Query, read_object
from mockzenoti.server.keys import SINKS
from mockzenoti.server.sinks import check_name, parse_sink_settings, sink_view

__all__ = ["RECEIVER_METHODS", "routes"]

routes = web.RouteTableDef()
RECEIVER_METHODS = ("POST", "PUT", "PATCH")


def _base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


@routes.get("/sink/{name}/received")
async def received(request: web.Request) -> web.Response:
    """What the sink received, oldest first, duplicates marked (``payloads=true`` adds bodies).

    The same shape as a standalone ``mockzenoti sink``'s ``GET /received`` (``Sink.received_page``).
    """
    mounted = request.app[SINKS].get(request.match_info["name"])
    q = Query(request)
    page = mounted.sink.received_page(
        limit=q.integer("limit", 1000, minimum=1, maximum=10_000),
        offset=q.integer("offset", 0),
        since=q.integer("since", 0),
        payloads=q.flag("payloads"),
        name=request.match_info["name"],
        forgotten=mounted.dropped,
    )
    return web.json_response(page)


async def receive(request: web.Request) -> web.Response:
    """A webhook for sink ``name`` (created with default settings on first use)."""
    mounted = request.app[SINKS].handler_for(request)
    response = await mounted.sink.handle(request)
    mounted.trim()
    return response


for _method in RECEIVER_METHODS:
    routes.route(_method, "/sink/{name}")(receive)


@routes.get("/sinks")
async def list_sinks(request: web.Request) -> web.Response:
    """Every sink with its settings and counts."""
    registry = request.app[SINKS]
    base = _base(request)
    items = [sink_view(name, m, base) for name, m in sorted(registry.sinks.items())]
    return web.json_response({"items": items})


@routes.get("/sinks/{name}")
async def get_sink(request: web.Request) -> web.Response:
    """One sink."""
    name = request.match_info["name"]
    return web.json_response(sink_view(name, request.app[SINKS].get(name), _base(request)))


@routes.put("/sinks/{name}")
async def put_sink(request: web.Request) -> web.Response:
    """Create a sink or replace its settings (absent settings take their defaults)."""
    name = check_name(request.match_info["name"])
    body = await read_object(request, optional=True)
    settings, keep = parse_sink_settings(body)
    mounted, created = request.app[SINKS].configure(name, settings, keep)
    return web.json_response(
        sink_view(name, mounted, _base(request)), status=201 if created else 200
    )


@routes.post("/sinks/{name}/reset")
async def reset_sink(request: web.Request) -> web.Response:
    """Forget what the sink received (its settings stay)."""
    name = request.match_info["name"]
    mounted = request.app[SINKS].get(name)
    mounted.sink.reset()
    mounted.dropped = 0
    return web.json_response(sink_view(name, mounted, _base(request)))


@routes.delete("/sinks/{name}")
async def delete_sink(request: web.Request) -> web.Response:
    """Remove a sink and what it received."""
    await request.app[SINKS].delete(request.match_info["name"])
    return web.Response(status=204)
