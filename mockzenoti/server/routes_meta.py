"""``/health``, ``/catalog``, ``/scenarios``, ``/stats``, ``/metrics`` and ``/openapi.json``."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from mockzenoti import __version__
from mockzenoti.catalog import CatalogEntry
from mockzenoti.catalog.fixtures import fixtures_dir
from mockzenoti.errors import MockZenotiError, UnknownEventType
from mockzenoti.generator import generate
from mockzenoti.scenarios import builtin_scenarios, load_scenario
from mockzenoti.server.bodies import Query
from mockzenoti.server.errors import ApiError
from mockzenoti.server.keys import (
    FEED,
    HUB,
    OUTBOX,
    READ_ONLY,
    RUNS_READ,
    SETTINGS,
    STATS,
    TALLY,
)
from mockzenoti.server.metrics import prometheus
from mockzenoti.server.openapi import openapi_document
from mockzenoti.server.runstate import STATES, run_state

__all__ = ["entry_view", "routes"]

routes = web.RouteTableDef()


def entry_view(entry: CatalogEntry) -> dict[str, Any]:
    """A catalog entry's description (no schema, no sample)."""
    return {
        "name": entry.name,
        "event_type": entry.event_type,
        "section": entry.section,
        "event_resource": entry.event_resource,
        "name_source": entry.name_source,
        "resource_source": entry.resource_source,
        "sample_kind": entry.sample_kind,
        "shape_of": entry.shape_of,
        "note": entry.note,
    }


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    """Liveness: always open, even when a token is required elsewhere."""
    stats = request.app[STATS]
    return web.json_response(
        {
            "status": "ok",
            "version": __version__,
            "uptime": round(time.time() - stats.started_at, 3),
            "auth": request.app[SETTINGS].token is not None,
            "read_only": request.app[READ_ONLY],
        }
    )


@routes.get("/catalog")
async def catalog(request: web.Request) -> web.Response:
    """Every event type, in the docs' order."""
    entries = list(request.app[SETTINGS].catalog)
    return web.json_response({"items": [entry_view(e) for e in entries], "count": len(entries)})


@routes.get("/catalog/{event_type}")
async def catalog_entry(request: web.Request) -> web.Response:
    """One event type with its JSON Schema, its sample and a generated example."""
    cat = request.app[SETTINGS].catalog
    name = request.match_info["event_type"]
    try:
        entry = cat.get(name)
    except UnknownEventType as exc:
        raise ApiError.not_found(exc.message, "event_type") from None
    example = generate(entry.name, seed=0, catalog=cat).payload
    sample = entry.sample
    return web.json_response(
        {
            **entry_view(entry),
            "schema": entry.schema,
            "sample": sample if sample is not None else example,
            "sample_source": "documented" if sample is not None else "generated",
            "example": example,
        }
    )


def _example_files() -> list[dict[str, Any]]:
    try:
        files = sorted((fixtures_dir() / "scenarios").glob("*.yaml"))
    except FileNotFoundError:
        return []
    out = []
    for path in files:
        try:
            description = load_scenario(path).description
        except MockZenotiError as exc:
            description = f"(does not load: {exc.message})"
        out.append({"path": str(path), "description": description})
    return out


@routes.get("/scenarios")
async def scenarios(request: web.Request) -> web.Response:
    """The built-in scenarios and the example scenario files (``scenario`` takes either)."""
    items = [
        {"name": s.name, "description": s.description, "endless": s.endless}
        for s in builtin_scenarios()
    ]
    return web.json_response({"items": items, "files": _example_files()})


async def _runs_by_state(request: web.Request) -> dict[str, int]:
    outbox = request.app[OUTBOX]
    handles = await request.app[RUNS_READ].current()
    records = await outbox.call(outbox.list_runs, limit=2**31, offset=0)
    counts = dict.fromkeys(STATES, 0)
    for record in records:
        counts[run_state(record, handles.get(record.id))[0]] += 1
    return counts


@routes.get("/stats")
async def stats(request: web.Request) -> web.Response:
    """Outbox-wide counts: deliveries by state, attempts by outcome and their latency
    percentiles, events, runs, targets."""
    outbox = request.app[OUTBOX]
    deliveries, live = await request.app[TALLY]()
    return web.json_response(
        {
            "deliveries": deliveries,
            "attempts": await outbox.call(outbox.attempt_outcomes),
            "events": await outbox.call(outbox.event_count),
            "runs": await _runs_by_state(request),
            "targets": len(await outbox.call(outbox.list_targets)),
            "latency": await outbox.call(outbox.latency_percentiles),
            "live": live,
        }
    )


@routes.get("/stats/throughput")
async def throughput(request: web.Request) -> web.Response:
    """Attempts and deliveries (successful attempts) per second over the last ``seconds``.

    Read from the attempt log, so a page opened late (or reloaded) draws the
    last minute at once; the stream's snapshots carry on from there.
    """
    seconds = Query(request).integer("seconds", 60, minimum=1, maximum=3600)
    outbox = request.app[OUTBOX]
    now = int(time.time())
    first = now - seconds + 1  # the current second (under way) is the last
    found = {s: (n, ok) for s, n, ok in await outbox.call(outbox.attempts_per_second, first)}
    items = []
    for second in range(first, now + 1):
        n, ok = found.get(second, (0, 0))
        items.append({"t": second + 1, "attempts_per_s": n, "delivered_per_s": ok})
    return web.json_response({"seconds": seconds, "items": items})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format."""
    app = request.app
    outbox = app[OUTBOX]
    text = prometheus(
        app[HUB].metrics,
        app[STATS],
        active_runs=app[RUNS_READ].active,
        runs_by_state=await _runs_by_state(request),
        outbox_states=await outbox.call(outbox.counts),
        stream_clients=len(app[FEED].clients),
        stream_dropped=app[FEED].dropped,
    )
    return web.Response(text=text, content_type="text/plain", charset="utf-8")


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of this API."""
    return web.json_response(openapi_document(request.app[SETTINGS].catalog))
