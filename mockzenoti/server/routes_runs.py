"""``/runs``: scenario runs, their progress, their expected final state, stopping them."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from aiohttp import web

from mockzenoti.delivery.outbox import RunRecord
from mockzenoti.errors import MockZenotiError, NotFound
from mockzenoti.server.bodies import Query, read_object
from mockzenoti.server.errors import ApiError, from_library
from mockzenoti.server.keys import OUTBOX, RUNS, RUNS_READ, SETTINGS
from mockzenoti.server.runspec import RunSpec, parse_run_request
from mockzenoti.server.runstate import STATES, run_state, run_view
from mockzenoti.server.scenario_source import resolve_source
from mockzenoti.server.targetspec import resolve_targets
from mockzenoti.server.v1 import SANDBOXES

__all__ = ["routes"]

routes = web.RouteTableDef()


def _run_id(request: web.Request) -> int:
    key = request.match_info["id"]
    if key.isdigit() and len(key) < 19:
        return int(key)
    raise ApiError.not_found(f"no run {key!r}", "id")


async def _record(request: web.Request, run_id: int) -> RunRecord:
    outbox = request.app[OUTBOX]
    try:
        return await outbox.call(outbox.get_run, run_id)
    except NotFound:
        raise ApiError.not_found(f"no run {run_id}", "id") from None


async def _view(request: web.Request, run_id: int, *, expected: bool) -> dict[str, Any]:
    """The run as the API shows it (its handle is taken before its record is read)."""
    outbox = request.app[OUTBOX]
    handle = (await request.app[RUNS_READ].current()).get(run_id)
    record = await _record(request, run_id)
    counts = await outbox.call(outbox.counts, run_id=run_id)
    return _with_rest(request, run_view(record, handle, counts, expected=expected), record)


def _with_rest(request: web.Request, view: dict[str, Any], record: RunRecord) -> dict[str, Any]:
    """The run's ``rest_rate_limit`` in effect (calls a minute, null: none)."""
    spec = RunSpec.from_spec(record.spec)
    if spec is not None:
        limit = spec.rate_limit(request.app[SETTINGS].rest_rate_limit)
        view["rest_rate_limit"] = limit or None
    return view


@routes.post("/runs")
async def create_run(request: web.Request) -> web.Response:
    """Start a scenario run; answers at once with the run (its ``id``), state ``running``."""
    app = request.app
    runs = app[RUNS]
    body = await read_object(request, "RunRequest")
    spec = parse_run_request(body)
    if spec.api_key is not None and await app[SANDBOXES].taken(spec.api_key):
        raise ApiError.conflict("another run has this api_key already", "api_key")
    targets = await resolve_targets(app[OUTBOX], spec.targets or None)
    loop = asyncio.get_running_loop()
    source = await loop.run_in_executor(  # reading and checking YAML takes a while: not here
        runs.executor,
        resolve_source,
        spec.scenario or None,
        spec.scenario_yaml,
        app[SETTINGS].scenario_dir,
    )
    spec = replace(
        spec,
        scenario=source.name,
        scenario_yaml=source.yaml,
        scenario_file=source.file,
        targets=[t.name for t in targets],
    )
    try:
        sim = await loop.run_in_executor(runs.executor, spec.simulate, app[SETTINGS].catalog)
    except MockZenotiError as exc:
        raise from_library(exc) from None
    handle = await runs.create(spec, targets, sim)
    return web.json_response(
        await _view(request, handle.id, expected=False),
        status=201,
        headers={"Location": f"/runs/{handle.id}"},
    )


@routes.get("/runs")
async def list_runs(request: web.Request) -> web.Response:
    """Runs, newest first (``state`` filters; ``limit``/``offset`` page)."""
    outbox = request.app[OUTBOX]
    q = Query(request)
    state = q.pick("state", STATES)
    limit = q.integer("limit", 100, minimum=1, maximum=1000)
    offset = q.integer("offset", 0)
    handles = await request.app[RUNS_READ].current()
    if state is None:
        records = await outbox.call(outbox.list_runs, limit=limit, offset=offset)
    else:
        everything = await outbox.call(outbox.list_runs, limit=2**31, offset=0)
        chosen = [r for r in everything if run_state(r, handles.get(r.id))[0] == state]
        records = chosen[offset : offset + limit]
    items = []
    for record in records:
        counts = await outbox.call(outbox.counts, run_id=record.id)
        items.append(_with_rest(request, run_view(record, handles.get(record.id), counts), record))
    return web.json_response({"items": items, "limit": limit, "offset": offset})


@routes.get("/runs/{id}")
async def get_run(request: web.Request) -> web.Response:
    """One run: state, counts by state; the expected final state once finished
    (``expected=false`` leaves it out)."""
    run_id = _run_id(request)
    include = Query(request).flag("expected", True)
    return web.json_response(await _view(request, run_id, expected=include))


@routes.get("/runs/{id}/expected")
async def get_expected(request: web.Request) -> web.Response:
    """The run's expected final state alone (409 until the run has finished; 404 without truth)."""
    run_id = _run_id(request)
    view = await _view(request, run_id, expected=True)
    if view["state"] == "running":
        raise ApiError.conflict(f"run {run_id} is still running", "id")
    if view["expected"] is None:
        raise ApiError.not_found(
            f"run {run_id} has no expected state (failed, or truth was not tracked)", "id"
        )
    return web.json_response(view["expected"])


@routes.delete("/runs/{id}")
async def stop_run(request: web.Request) -> web.Response:
    """Stop a run: no more events are taken; those accepted are still delivered.

    Answers 202 with the run (``stop_requested``); its state turns ``stopped``
    when its deliveries are settled. A run that already finished answers 200.
    """
    run_id = _run_id(request)
    await _record(request, run_id)
    handle = await request.app[RUNS].stop(run_id)
    view = await _view(request, run_id, expected=False)
    return web.json_response(view, status=202 if handle is not None else 200)
