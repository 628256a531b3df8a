"""``/deliveries``: every event sent to every target, its attempts, and redelivery."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from aiohttp import web

from mockzenoti.delivery.live import body_for_target
from mockzenoti.delivery.outbox import STATES, DeliveryDetail, DeliveryRecord
from mockzenoti.delivery.send import Sender
from mockzenoti.errors import NotFound
from mockzenoti.server.bodies import Fields, Query, read_object
from mockzenoti.server.errors import ApiError
from mockzenoti.server.keys import ENGINE, OUTBOX

__all__ = ["MAX_ID", "delivery_view", "routes"]

routes = web.RouteTableDef()
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
#: The largest id a request may name (SQLite integers are 64-bit).
MAX_ID = 2**62


def delivery_view(d: DeliveryRecord) -> dict[str, Any]:
    """A delivery as the API shows it: ``id`` is its number, ``delivery_id`` the envelope id."""
    view = d.to_dict()
    view["id"] = view.pop("pk")
    return view


def _states(text: str | None, field: str = "state") -> list[str] | None:
    if text is None:
        return None
    states = [s.strip() for s in text.split(",") if s.strip()]
    for s in states:
        if s not in STATES:
            raise ApiError.invalid(f"unknown state {s!r}; states are {', '.join(STATES)}", field)
    return states or None


@routes.get("/deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    """Deliveries filtered by state, event type, run, target, event or delivery id; paged."""
    outbox = request.app[OUTBOX]
    q = Query(request)
    run_id, alias = q.identifier("run"), q.identifier("run_id")
    if run_id is not None and alias is not None and run_id != alias:
        raise ApiError.invalid("run and run_id name different runs", "run_id")
    run_id = run_id if run_id is not None else alias
    limit = q.integer("limit", 100, minimum=1, maximum=1000)
    offset = q.integer("offset", 0)
    page = await outbox.call(
        outbox.list_deliveries,
        state=_states(q.text("state")),
        event_type=q.text("event_type"),
        run_id=run_id,
        target=q.text("target"),
        event_id=q.text("event_id"),
        delivery_id=q.text("delivery_id"),
        limit=limit,
        offset=offset,
        newest_first=q.choice("order", ("asc", "desc"), "asc") == "desc",
    )
    end = offset + len(page.items)
    return web.json_response(
        {
            "items": [delivery_view(d) for d in page.items],
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "next_offset": end if end < page.total else None,
        }
    )


async def _detail(request: web.Request) -> DeliveryDetail:
    """The delivery named in the path: its number, or its envelope ``delivery_id``."""
    outbox = request.app[OUTBOX]
    key = request.match_info["id"]
    pk: int | None = None
    if key.isdigit() and len(key) < 19:
        pk = int(key)
    elif _OBJECT_ID.match(key):
        page = await outbox.call(outbox.list_deliveries, delivery_id=key, limit=1)
        pk = page.items[0].pk if page.items else None
    if pk is not None:
        try:
            return await outbox.call(outbox.get_delivery, pk)
        except NotFound:
            pass
    raise ApiError.not_found(f"no delivery {key!r}", "id")


def _body(detail: DeliveryDetail) -> bytes:
    body = detail.body
    try:
        first = json.loads(body)["id"]
    except (ValueError, KeyError, TypeError):
        return body
    return body_for_target(body, first, detail.delivery.delivery_id)


async def _request_view(request: web.Request, detail: DeliveryDetail, body: bytes) -> Any:
    """The request of the delivery's last attempt (or of its next one): method, URL, headers.

    The headers are those ``Sender`` writes, signature included (the standard
    scheme signs the attempt's time, which is stored); ``settings_changed``
    says the target was edited after that attempt, so these are its headers
    with today's settings. None when the target is gone.
    """
    outbox = request.app[OUTBOX]
    try:
        record = await outbox.call(outbox.get_target, detail.delivery.target)
    except NotFound:
        return None
    last = detail.attempts[-1] if detail.attempts else None
    at = last.at if last is not None else time.time()
    target = record.target
    headers = Sender(target).request_headers(body, detail.delivery.delivery_id, at)
    return {
        "attempt": last.n if last is not None else None,
        "method": target.method,
        "url": target.url,
        "headers": headers,
        "settings_changed": last is not None and record.updated_at > last.at,
    }


@routes.get("/deliveries/{id}")
async def get_delivery(request: web.Request) -> web.Response:
    """One delivery with every attempt (``attempt_log``), the payload this target gets, and
    the ``request`` (method, URL, headers with the signature) its last attempt sent."""
    detail = await _detail(request)
    body = _body(detail)
    try:
        payload: Any = json.loads(body)
    except ValueError:
        payload = None
    view = delivery_view(detail.delivery)
    view.update(
        attempt_log=[a.to_dict() for a in detail.attempts],
        payload=payload,
        keys=list(detail.keys),
        center_id=detail.center_id,
        request=await _request_view(request, detail, body),
    )
    return web.json_response(view)


@routes.get("/deliveries/{id}/body")
async def get_delivery_body(request: web.Request) -> web.Response:
    """The exact bytes sent to this delivery's target."""
    detail = await _detail(request)
    return web.Response(body=_body(detail), content_type="application/json")


def _filters(body: Fields, allowed: tuple[str, ...]) -> dict[str, Any]:
    ids = body.raw("ids")
    if ids is not None and (
        not isinstance(ids, list)
        or not ids
        or any(isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= MAX_ID for i in ids)
    ):
        raise ApiError.invalid("ids must be a non-empty array of delivery numbers", "ids")
    state = body.raw("state")
    states = [state] if isinstance(state, str) else state
    if states is not None and (
        not isinstance(states, list) or not states or any(s not in allowed for s in states)
    ):
        raise ApiError.invalid(f"state must be one of {', '.join(allowed)} (or a list)", "state")
    run = body.integer("run", minimum=1, maximum=MAX_ID)
    out: dict[str, Any] = {
        "pks": ids,
        "event_type": body.string("event_type", None),
        "run_id": run,
        "target": body.string("target", None),
    }
    if states is not None:
        out["states"] = tuple(states)
    body.finish()
    return out


@routes.post("/deliveries/redeliver")
async def redeliver(request: web.Request) -> web.Response:
    """Send dead or held deliveries again, by ``ids`` and/or filter (all of them when empty).

    ``force: true`` sends delivered ones again too (named by ``ids``, or ``state: delivered``).
    """
    body = await read_object(request, optional=True)
    force = body.boolean("force", False)
    filters = _filters(body, ("dead", "held", "delivered") if force else ("dead", "held"))
    if force and "states" not in filters and filters["pks"] is not None:
        filters["states"] = ("dead", "held", "delivered")
    count = await request.app[ENGINE].redeliver(force=force, **filters)
    return web.json_response({"redelivered": count})


@routes.post("/deliveries/discard")
async def discard(request: web.Request) -> web.Response:
    """Mark held deliveries discarded (never sent), by ``ids`` and/or filter."""
    body = await read_object(request, optional=True)
    filters = _filters(body, ("held",))
    filters.pop("states", None)
    count = await request.app[ENGINE].discard(**filters)
    return web.json_response({"discarded": count})
