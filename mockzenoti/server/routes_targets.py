"""``/targets``: webhook URLs and how each is delivered to (stored in the outbox)."""

from __future__ import annotations

from aiohttp import web

from mockzenoti.delivery import ping
from mockzenoti.delivery.live import book_for
from mockzenoti.delivery.outbox import TargetRecord
from mockzenoti.errors import ConfigError, NotFound
from mockzenoti.server.bodies import read_object
from mockzenoti.server.errors import ApiError
from mockzenoti.server.keys import ENGINE, OUTBOX, SESSION, SETTINGS
from mockzenoti.server.targetspec import SETTINGS as TARGET_SETTINGS
from mockzenoti.server.targetspec import check_id, new_target_id, parse_target, target_view

__all__ = ["routes"]

routes = web.RouteTableDef()


async def _record(request: web.Request) -> tuple[str, TargetRecord]:
    outbox = request.app[OUTBOX]
    target_id = request.match_info["id"]
    try:
        return target_id, await outbox.call(outbox.get_target, target_id)
    except NotFound:
        raise ApiError.not_found(f"no target {target_id!r}", "id") from None


@routes.post("/targets")
async def create_target(request: web.Request) -> web.Response:
    """Create a target; only ``url`` is required."""
    outbox = request.app[OUTBOX]
    body = await read_object(request, "TargetCreate")
    given = body.string("id", None)
    target_id = check_id(given) if given is not None else new_target_id()
    active = body.boolean("active", True)
    target = parse_target(body, request.app[SETTINGS].catalog, target_id=target_id)
    body.finish()
    try:
        await outbox.call(outbox.get_target, target_id)
    except NotFound:
        pass
    else:
        raise ApiError.conflict(f"a target {target_id!r} exists already", "id")
    await outbox.call(outbox.save_target, target)
    if not active:
        await outbox.call(outbox.set_target_active, target_id, False)
    record = await outbox.call(outbox.get_target, target_id)
    return web.json_response(
        target_view(record), status=201, headers={"Location": f"/targets/{target_id}"}
    )


@routes.get("/targets")
async def list_targets(request: web.Request) -> web.Response:
    """Every target, by id."""
    outbox = request.app[OUTBOX]
    records = await outbox.call(outbox.list_targets)
    return web.json_response({"items": [target_view(r) for r in records]})


@routes.get("/targets/{id}")
async def get_target(request: web.Request) -> web.Response:
    """One target, with its deliveries counted by state."""
    outbox = request.app[OUTBOX]
    target_id, record = await _record(request)
    counts = await outbox.call(outbox.counts, target=target_id)
    return web.json_response(target_view(record, counts))


@routes.patch("/targets/{id}")
async def patch_target(request: web.Request) -> web.Response:
    """Change settings and/or ``active`` (``discard``: drop held deliveries on activation)."""
    outbox, engine = request.app[OUTBOX], request.app[ENGINE]
    target_id, record = await _record(request)
    body = await read_object(request, "TargetPatch")
    active = body.raw("active")
    if active is not None and not isinstance(active, bool):
        raise ApiError.invalid("active must be true or false", "active")
    discard = body.boolean("discard", False)
    if discard and active is not True:
        raise ApiError.invalid("discard applies only with active: true", "discard")
    changed = None
    if any(k in body.data for k in TARGET_SETTINGS):
        base = record.target
        try:
            changed = parse_target(
                body, request.app[SETTINGS].catalog, target_id=target_id, base=base
            )
        except ApiError as exc:
            if exc.status != 422:
                raise
            body.check_schema()  # a body wrong in itself is a 422 ...
            raise ApiError.conflict(  # ... one that clashes with the stored settings a 409
                f"{exc.message} (with the target's current settings)", exc.field
            ) from None
    body.finish()
    if changed is not None:
        await outbox.call(outbox.save_target, changed)
        book_for(outbox).configure(changed)  # engines using it take the new settings
    if active is True:
        await engine.reactivate(target_id, discard=discard)
    elif active is False:
        await engine.deactivate(target_id)
    counts = await outbox.call(outbox.counts, target=target_id)
    record = await outbox.call(outbox.get_target, target_id)
    return web.json_response(target_view(record, counts))


@routes.post("/targets/{id}/reactivate")
async def reactivate_target(request: web.Request) -> web.Response:
    """Activate a target and deliver (or, with ``discard``, drop) its held deliveries."""
    outbox, engine = request.app[OUTBOX], request.app[ENGINE]
    target_id, _ = await _record(request)
    body = await read_object(request, "Reactivate", optional=True)
    discard = body.boolean("discard", False)
    body.finish()
    moved = await engine.reactivate(target_id, discard=discard)
    record = await outbox.call(outbox.get_target, target_id)
    return web.json_response({"target": target_view(record), "moved": moved, "discarded": discard})


@routes.post("/targets/{id}/ping")
async def ping_target(request: web.Request) -> web.Response:
    """Zenoti's test button: an empty POST to the target's URL; reports the answer."""
    _, record = await _record(request)
    result = await ping(request.app[SESSION], record.target)
    return web.json_response(
        {
            "outcome": result.outcome,
            "status": result.status,
            "error": result.error,
            "latency_ms": round(result.latency * 1000, 3),
            "response": result.response,
        }
    )


@routes.delete("/targets/{id}")
async def delete_target(request: web.Request) -> web.Response:
    """Forget a target; refused (409) while it has undelivered or held deliveries."""
    outbox = request.app[OUTBOX]
    target_id, _ = await _record(request)
    try:
        await outbox.call(outbox.delete_target, target_id)
    except ConfigError as exc:
        raise ApiError.conflict(exc.message, "id") from None
    book_for(outbox).forget(target_id)  # a new target may take this id: it starts afresh
    return web.Response(status=204)
