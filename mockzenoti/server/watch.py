"""A read-only server over an outbox another part of this process delivers from.

``mockzenoti run --live [HOST:]PORT`` serves it beside the run, on the run's
own event loop: the live page (``GET /`` and ``/static/``), the stream
(``GET /stream``, fed by the run's ``Hub``) and the API's reading routes
(``/health``, ``/catalog``, ``/scenarios``, ``/stats``, ``/metrics``,
``/openapi.json``, ``GET /targets``, ``/runs``, ``/deliveries``,
``/events``), all on the run's own ``Outbox`` (reads go through its worker
thread, as the server's do), and the reads of Zenoti's REST API over the
run's world (``/v1``, docs/rest.md). Nothing it serves changes anything: any other
method answers 405 ``read_only``, and the page hides its buttons
(``GET /health`` says ``read_only: true``).
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Middleware

from mockzenoti.delivery import Hub, Outbox
from mockzenoti.server import (
    routes_deliveries,
    routes_events,
    routes_meta,
    routes_page,
    routes_runs,
    routes_stream,
    routes_targets,
    routes_v1,
)
from mockzenoti.server.app import feed_ctx, on_shutdown
from mockzenoti.server.auth import auth_middleware
from mockzenoti.server.errors import ApiError, error_middleware
from mockzenoti.server.keys import HUB, OUTBOX, READ_ONLY, RUNS_READ, SETTINGS, STATS, TALLY
from mockzenoti.server.runstate import RunsReader
from mockzenoti.server.sandboxes import Sandboxes
from mockzenoti.server.settings import ServerSettings
from mockzenoti.server.stats import Stats
from mockzenoti.server.tally import Tally
from mockzenoti.server.v1 import SANDBOXES

__all__ = ["create_watch_app"]

_READING = ("GET", "HEAD")


async def _read_only(request: web.Request) -> web.StreamResponse:
    """Anything not served: a 404 for a read, a 405 naming why for a change."""
    if request.method in _READING:
        raise ApiError.not_found(f"no route {request.path}")
    raise ApiError(
        405,
        "read_only",
        "this server only watches a `mockzenoti run --live`: it changes nothing "
        "(`mockzenoti serve` is the full API)",
        headers={"Allow": "GET, HEAD"},
    )


def create_watch_app(
    outbox: Outbox,
    hub: Hub,
    runs: RunsReader,
    settings: ServerSettings,
    tally: Tally,
    sandboxes: Sandboxes | None = None,
) -> web.Application:
    """The read-only application over ``outbox`` (see the module docstring).

    ``runs`` tells which runs this process delivers; ``settings`` gives the
    catalog, the token, and the stream's pace and buffers (``host``,
    ``port`` and ``outbox`` are only reported); ``tally`` counts deliveries
    by state for ``GET /stats`` (a ``BaselineTally``). With ``sandboxes``,
    Zenoti's REST API of the run's world answers its reads (``/v1``, with
    ``POST /v1/tokens``); its writes are refused like every other change.
    """
    middlewares: list[Middleware] = [error_middleware]
    if settings.token is not None:
        middlewares.append(auth_middleware(settings.token))
    app = web.Application(middlewares=middlewares)
    app[SETTINGS] = settings
    app[OUTBOX] = outbox
    app[HUB] = hub
    app[STATS] = Stats()
    app[RUNS_READ] = runs
    app[READ_ONLY] = True
    app[TALLY] = tally
    app.cleanup_ctx.append(feed_ctx)
    app.on_shutdown.append(on_shutdown)
    for table in (
        routes_meta.routes,
        routes_targets.routes,
        routes_runs.routes,
        routes_deliveries.routes,
        routes_events.routes,
        routes_stream.routes,
    ):
        app.add_routes([r for r in table if isinstance(r, web.RouteDef) and r.method == "GET"])
    if sandboxes is not None:
        app[SANDBOXES] = sandboxes
        app.add_routes(routes_v1.routes)
    routes_page.setup(app)
    app.router.add_route("*", "/{tail:.*}", _read_only)
    return app
