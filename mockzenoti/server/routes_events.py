"""``POST /events``: one event, generated (type, overrides, seed) or given whole, to targets;
``GET /events``: the events the outbox accepted."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from aiohttp import web

from mockzenoti.catalog import Catalog
from mockzenoti.errors import MockZenotiError, OverrideError
from mockzenoti.event import Event
from mockzenoti.generator import generate
from mockzenoti.generator.overrides import set_path
from mockzenoti.server.bodies import Fields, Query, kind_of, read_object
from mockzenoti.server.errors import ApiError, from_library
from mockzenoti.server.keys import ENGINE, OUTBOX, SETTINGS, STATS
from mockzenoti.server.routes_deliveries import delivery_view
from mockzenoti.server.targetspec import resolve_records
from mockzenoti.validation import validate

__all__ = ["event_from_payload", "generated_event", "routes"]

routes = web.RouteTableDef()
_LOCK: web.AppKey[asyncio.Lock] = web.AppKey("events_lock")
_ENVELOPE_IDS = ("id", "event_id", "event_type")


def event_from_payload(payload: Any, catalog: Catalog, *, check: bool) -> Event:
    """An ``Event`` for a full envelope; ``check``: refuse it unless its schema holds."""
    if not isinstance(payload, dict):
        raise ApiError.invalid(f"payload must be an object, not {kind_of(payload)}", "payload")
    if check:
        problems = validate(payload, catalog)
        if problems:
            first = problems[0]
            raise ApiError(
                422,
                "invalid_payload",
                f"the payload does not match its schema: {first}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                f"payload.{first.path}" if first.path else "payload",
                problems=[
                    {"path": f"payload.{p.path}" if p.path else "payload", "message": p.message}
                    for p in problems
                ],
            )
    for key in _ENVELOPE_IDS:
        value = payload.get(key)
        if not isinstance(value, str) or not value or not value.isascii():
            raise ApiError.invalid(
                f"payload.{key} must be a non-empty ASCII string: it identifies the delivery",
                f"payload.{key}",
            )
    event_type = payload["event_type"]
    name = catalog.get(event_type).name if event_type in catalog else event_type
    data = payload.get("data")
    center = data.get("center_id") if isinstance(data, dict) else None
    return Event(name, payload, (), 0, center if isinstance(center, str) else None)


def generated_event(
    catalog: Catalog, event_type: str, seed: int | str, overrides: dict[str, Any], *, check: bool
) -> Event:
    """A generated event with ``overrides``; unchecked overrides only need existing paths."""
    try:
        if check:
            return generate(event_type, seed=seed, overrides=overrides or None, catalog=catalog)
        event = generate(event_type, seed=seed, catalog=catalog)
        payload = event.payload
        for path, value in overrides.items():
            payload = set_path(payload, path, value)
    except OverrideError as exc:
        raise from_library(exc, prefix="overrides.") from None
    except MockZenotiError as exc:
        raise from_library(exc) from None
    return Event(event.name, payload, event.keys, event.seq, event.center_id)


def _seed(body: Fields) -> int | str:
    seed = body.raw("seed")
    if seed is None:
        return random.SystemRandom().randrange(2**31)
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise ApiError.invalid("seed must be a whole number or a string", "seed")
    return seed


@routes.post("/events")
async def post_event(request: web.Request) -> web.Response:
    """Emit one event to the targets (default: every active one); answers its deliveries."""
    app = request.app
    catalog, outbox, engine = app[SETTINGS].catalog, app[OUTBOX], app[ENGINE]
    body = await read_object(request)
    check = body.boolean("validate", True)
    names = body.strings("targets")
    seed: int | str | None = None
    if body.has("payload"):
        extra = [k for k in ("event_type", "overrides", "seed") if body.has(k)]
        if extra:
            raise ApiError.invalid(f"give either payload or {extra[0]}, not both", extra[0])
        event = event_from_payload(body.raw("payload"), catalog, check=check)
    else:
        event_type = body.string("event_type")
        overrides = body.mapping("overrides")
        seed = _seed(body)
        raw = overrides.raw_all() if overrides is not None else {}
        event = generated_event(catalog, event_type, seed, raw, check=check)
    body.finish()
    targets = await resolve_records(outbox, names)
    matched = sum(
        1 for r in targets if r.target.wants(event.event_type, event.center_id, event.name)
    )
    async with app[_LOCK]:
        await engine.accept_events([event], targets)
        page = await outbox.call(
            outbox.list_deliveries,
            event_id=event.event_id,
            newest_first=True,
            limit=max(matched, 1),
        )
    app[STATS].events_posted += 1
    deliveries = sorted(page.items[:matched], key=lambda d: d.pk)
    return web.json_response(
        {
            "event": event.payload,
            "event_id": event.event_id,
            "event_type": event.event_type,
            "name": event.name,
            "seed": seed,
            "deliveries": [delivery_view(d) for d in deliveries],
        },
        status=201,
    )


@routes.get("/events")
async def list_events(request: web.Request) -> web.Response:
    """Accepted events (``run``, ``event_type`` filter; ``payloads=true`` adds the envelopes)."""
    outbox = request.app[OUTBOX]
    q = Query(request)
    limit = q.integer("limit", 100, minimum=1, maximum=1000)
    offset = q.integer("offset", 0)
    page = await outbox.call(
        outbox.list_events,
        run_id=q.identifier("run"),
        event_type=q.text("event_type"),
        limit=limit,
        offset=offset,
        newest_first=q.choice("order", ("asc", "desc"), "asc") == "desc",
        payloads=q.flag("payloads"),
    )
    items = []
    for record in page.items:
        item = record.to_dict()
        item["id"] = item.pop("pk")
        if not q.flag("payloads"):
            del item["payload"]
        items.append(item)
    end = offset + len(page.items)
    return web.json_response(
        {
            "items": items,
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "next_offset": end if end < page.total else None,
        }
    )


def setup(app: web.Application) -> None:
    """Add the routes and the lock that keeps one accept at a time."""
    app[_LOCK] = asyncio.Lock()
    app.add_routes(routes)
