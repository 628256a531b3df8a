"""The control server's application: ``create_app(settings)``.

Resources are owned by the application's ``cleanup_ctx``, entered in this
order and left in reverse: the outbox (first, so that a locked one fails
before anything else opens), the HTTP client session, the long-lived engine
(with the hub), the sinks, the runs manager (with the runs' ``/v1`` sandboxes; it resumes
the runs a previous process left and delivers its backlog), the stream feed. On
shutdown the streams are ended and the sinks released first
(``on_shutdown``), then the runs are interrupted (each engine lets attempts
in flight finish within ``shutdown_grace``), then the engine drains the same
way, then the outbox closes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.typedefs import Middleware

from mockzenoti.delivery import Clock, DeliveryOptions, Hub, Outbox, RealClock, client_session
from mockzenoti.errors import ConfigError
from mockzenoti.security.limits import MAX_BODY
from mockzenoti.server import (
    routes_deliveries,
    routes_events,
    routes_meta,
    routes_page,
    routes_runs,
    routes_sinks,
    routes_stream,
    routes_targets,
    routes_v1,
    routes_v1_writes,
)
from mockzenoti.server.auth import auth_middleware
from mockzenoti.server.engine import ServerEngine
from mockzenoti.server.errors import error_middleware
from mockzenoti.server.feed import Feed
from mockzenoti.server.keys import (
    ENGINE,
    FEED,
    HUB,
    OUTBOX,
    READ_ONLY,
    RUNS,
    RUNS_READ,
    SESSION,
    SETTINGS,
    SINKS,
    STATS,
    TALLY,
)
from mockzenoti.server.metrics import Counters
from mockzenoti.server.runs import RunsManager
from mockzenoti.server.sandboxes import Sandboxes
from mockzenoti.server.settings import ServerSettings
from mockzenoti.server.sinks import SinkRegistry
from mockzenoti.server.stats import Stats
from mockzenoti.server.tally import OutboxTally
from mockzenoti.server.v1 import SANDBOXES

__all__ = ["CLOCK", "create_app", "feed_ctx", "on_shutdown"]

CLOCK: web.AppKey[Clock] = web.AppKey("clock")


async def _session(app: web.Application) -> AsyncIterator[None]:
    async with client_session(limit=max(100, app[SETTINGS].concurrency * 2)) as session:
        app[SESSION] = session
        yield


async def _outbox(app: web.Application) -> AsyncIterator[None]:
    path = app[SETTINGS].outbox
    try:
        outbox = Outbox(path)
    except (sqlite3.Error, OSError) as exc:  # not an outbox, unreadable, no room
        raise ConfigError(f"cannot open the outbox {path}: {exc}", field="outbox") from None
    app[OUTBOX] = outbox
    try:
        yield
    finally:
        outbox.close()


async def _engine(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    options = DeliveryOptions(
        concurrency=settings.concurrency,
        retry_scale=settings.retry_scale,
        scale_retry_after=settings.scale_retry_after,
        shutdown_grace=settings.shutdown_grace,
    )
    engine = ServerEngine(
        app[OUTBOX], options, session=app[SESSION], clock=app[CLOCK], hub=app[HUB]
    )
    async with engine:
        app[ENGINE] = engine
        yield


async def _sinks(app: web.Application) -> AsyncIterator[None]:
    registry = SinkRegistry()
    app[SINKS] = registry
    yield
    await registry.close()


async def _runs(app: web.Application) -> AsyncIterator[None]:
    sandboxes = app[SANDBOXES] = Sandboxes(app[OUTBOX], app[SETTINGS], app[CLOCK])
    runs = RunsManager(
        app[SETTINGS],
        app[OUTBOX],
        app[HUB],
        app[SESSION],
        app[ENGINE],
        app[CLOCK],
        app[STATS],
        sandboxes,
    )
    app[RUNS] = app[RUNS_READ] = runs
    engine = app[ENGINE]
    app[TALLY] = OutboxTally(app[OUTBOX], app[HUB], lambda: [engine.committer, *runs.committers()])
    try:
        await runs.start()
        yield
    finally:
        await runs.close()
        sandboxes.close()


async def feed_ctx(app: web.Application) -> AsyncIterator[None]:
    """The ``/stream`` feed (``cleanup_ctx``): snapshots of the hub's counters, run progress."""
    settings = app[SETTINGS]
    runs = app[RUNS_READ]
    counters = app[routes_stream.COUNTERS] = Counters(
        app[HUB].metrics, app[STATS], lambda: runs.active, lambda: len(feed.clients)
    )
    feed = Feed(
        app[HUB],
        counters.snapshot,
        runs.progress,
        interval=settings.snapshot_interval,
        queue_size=settings.stream_queue,
    )
    app[FEED] = feed
    feed.start()
    yield
    await feed.close()


async def on_shutdown(app: web.Application) -> None:
    """End the streams and release sinks' waiting handlers before handlers are awaited."""
    if FEED in app:
        app[FEED].close_clients()
    if SINKS in app:
        await app[SINKS].close()


def create_app(
    settings: ServerSettings | None = None, *, clock: Clock | None = None
) -> web.Application:
    """The control server's ``web.Application`` (resources open when it starts)."""
    settings = settings or ServerSettings()
    middlewares: list[Middleware] = [error_middleware]
    if settings.token is not None:
        middlewares.append(auth_middleware(settings.token))
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[CLOCK] = clock or RealClock()
    app[HUB] = Hub()
    app[STATS] = Stats()
    app[READ_ONLY] = False
    app.cleanup_ctx.extend([_outbox, _session, _engine, _sinks, _runs, feed_ctx])
    app.on_shutdown.append(on_shutdown)
    app.add_routes(routes_meta.routes)
    app.add_routes(routes_targets.routes)
    routes_events.setup(app)
    app.add_routes(routes_runs.routes)
    app.add_routes(routes_deliveries.routes)
    app.add_routes(routes_sinks.routes)
    app.add_routes(routes_stream.routes)
    app.add_routes(routes_v1.routes)
    routes_v1_writes.setup(app)
    routes_page.setup(app)
    return app
