"""``/runs``: scenario runs delivered through their own engines, stopped, failed, listed."""

from __future__ import annotations

import pytest
from server_support import Api, eventually

from mockzenoti.scenarios import load_scenario

# It loads (three centers by default), and fails at run time in a world of one center.
THIRD_CENTER = """\
name: third-center
description: A class booked at the first center, then a guest of the third one.
steps:
  - create: session
    as: yoga
    at: "+3h"
  - book: yoga
  - wait: 1h
  - create: guest
    center: 2
"""


@pytest.mark.asyncio
async def test_a_run_delivers_its_scenario_and_stores_the_expected_state(api: Api) -> None:
    await api.target("a")
    run = await api.call(
        "POST", "/runs", {"scenario": "class-lifecycle", "seed": 7, "events": 40}, expect=201
    )
    assert (
        run["state"] == "running"
        and run["targets"] == ["a"]
        and run["scenario"] == "class-lifecycle"
    )
    done = await api.wait_run(run["id"])
    assert done["state"] == "done" and done["error"] is None and done["settled"]
    assert done["accepted"] == 40 and done["counts"]["delivered"] == 40
    sim = load_scenario("class-lifecycle").simulate(7, events=40)
    stream = list(sim)
    assert done["expected"] == sim.expected() and done["expected_available"]
    received = {c.event_id for c in api.sink("a").calls}
    assert received == {e.event_id for e in stream}
    assert await api.call("GET", f"/runs/{run['id']}/expected") == sim.expected()
    without = await api.call("GET", f"/runs/{run['id']}?expected=false")
    assert "expected" not in without
    listed = await api.call("GET", "/runs?state=done")
    assert [r["id"] for r in listed["items"]] == [run["id"]] and "expected" not in listed["items"][
        0
    ]
    assert (await api.call("GET", "/runs?state=running"))["items"] == []
    page = await api.call("GET", f"/deliveries?run={run['id']}&limit=5")
    assert page["total"] == 40 and len(page["items"]) == 5 and page["next_offset"] == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "scenario"),
        ({"scenario": "class-lifecyle"}, "scenario"),
        ({"scenario": "class-lifecycle", "events": 0}, "events"),
        ({"scenario": "class-lifecycle", "duration": "soon"}, "duration"),
        ({"scenario": "class-lifecycle", "pace": "slow"}, "pace"),
        ({"scenario": "class-lifecycle", "pace": -2}, "pace"),
        ({"scenario": "class-lifecycle", "sizes": {"guests": 0}}, "sizes.guests"),
        ({"scenario": "class-lifecycle", "sizes": {"gusts": 5}}, "sizes.gusts"),
        ({"scenario": "class-lifecycle", "ordering": "random"}, "ordering"),
        ({"scenario": "class-lifecycle", "chaos": {"duplicate": 2}}, "chaos.duplicate"),
        ({"scenario": "class-lifecycle", "chaos": {"shuffle": 1}}, "chaos.shuffle"),
        ({"scenario": "class-lifecycle", "retry_scale": -1}, "retry_scale"),
        ({"scenario": "class-lifecycle", "targets": ["nope"]}, "targets[0]"),
        ({"scenario": "class-lifecycle", "seed": [1]}, "seed"),
        ({"scenario": "class-lifecycle", "speed": 2}, "speed"),
        ({"scenario_yaml": "steps: [1"}, "scenario_yaml"),
        ({"scenario": "class-lifecycle", "scenario_yaml": "name: x"}, "scenario"),
    ],
)
@pytest.mark.asyncio
async def test_bad_run_requests_name_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    await api.target("a")
    error = await api.error("POST", "/runs", body, expect=422)
    assert error["field"] == field, error
    assert (await api.call("GET", "/runs"))["items"] == []


@pytest.mark.asyncio
async def test_a_run_needs_a_target(api: Api) -> None:
    error = await api.error("POST", "/runs", {"scenario": "class-lifecycle"}, expect=422)
    assert error["field"] == "targets"


@pytest.mark.asyncio
async def test_stopping_takes_no_more_events_and_delivers_those_accepted(api: Api) -> None:
    await api.target("a")
    body = {"scenario": "soak", "seed": 3, "track_truth": True}
    run = await api.call("POST", "/runs", body, expect=201)

    async def some_accepted() -> bool:
        return (await api.call("GET", f"/runs/{run['id']}"))["accepted"] >= 30

    await eventually(some_accepted)
    asked = await api.call("DELETE", f"/runs/{run['id']}", expect=202)
    assert asked["stop_requested"] is True
    stopped = await api.wait_run(run["id"])
    assert stopped["state"] == "stopped" and stopped["settled"]
    accepted = stopped["accepted"]
    assert stopped["counts"]["delivered"] == accepted
    assert len({c.event_id for c in api.sink("a").calls}) == accepted
    assert stopped["expected"]["events"] == accepted
    sim = load_scenario("soak").simulate(3, track_truth=True)
    sim.skip(accepted)
    assert stopped["expected"] == sim.expected()
    again = await api.call("DELETE", f"/runs/{run['id']}", expect=200)
    assert again["state"] == "stopped"


@pytest.mark.asyncio
async def test_stopping_a_paced_run_cuts_its_wait_short(api: Api) -> None:
    await api.target("a")
    run = await api.call(
        "POST", "/runs", {"scenario": "class-lifecycle", "seed": 1, "pace": "realtime"}, expect=201
    )

    async def first_delivered() -> bool:
        got = await api.call("GET", f"/runs/{run['id']}")
        return got["accepted"] >= 1 and got["settled"]

    await eventually(first_delivered)
    await api.call("DELETE", f"/runs/{run['id']}", expect=202)
    stopped = await api.wait_run(run["id"], timeout=5)
    assert stopped["state"] == "stopped", {k: v for k, v in stopped.items() if k != "expected"}
    accepted = stopped["accepted"]
    assert accepted >= 1 and stopped["counts"]["delivered"] == accepted
    assert stopped["expected"]["events"] == accepted  # the event the pacer held is not counted
    assert api.sink("a").call_count == accepted


@pytest.mark.asyncio
async def test_a_run_that_fails_at_run_time_is_failed_with_its_error(api: Api) -> None:
    await api.target("a")
    body = {"scenario_yaml": THIRD_CENTER, "sizes": {"centers": 1}}
    run = await api.call("POST", "/runs", body, expect=201)
    assert run["scenario_source"] == "document"
    failed = await api.wait_run(run["id"])
    assert failed["state"] == "failed"
    assert "scenario_yaml:10" in failed["error"] and "no center 2" in failed["error"]
    assert (
        failed["accepted"] == 3 and failed["counts"]["delivered"] == 3
    )  # nothing accepted is lost
    assert failed["expected"] is None
    error = await api.error("GET", f"/runs/{run['id']}/expected", expect=404)
    assert error["field"] == "id"


@pytest.mark.asyncio
async def test_a_runs_own_options_apply(api: Api) -> None:
    await api.target("a", retry="zenoti")  # 30 s and more between retries ...
    await api.call("PUT", "/sinks/a", {"fail_first": 1}, expect=201)
    body = {
        "scenario": "guest-lifecycle",
        "events": 15,
        "retry_scale": 0.0001,  # ... scaled down for this run
        "ordering": "per-entity",
        "chaos": {"duplicate": 1.0},
    }
    run = await api.call("POST", "/runs", body, expect=201)
    done = await api.wait_run(run["id"])
    assert done["state"] == "done" and done["counts"]["delivered"] == 15
    assert done["ordering"] == "per-entity" and done["chaos"] == {
        "duplicate": 1.0,
        "reorder": 0,
        "delay": 0.0,
    }
    counts = api.sink("a").counts()
    assert counts["unique_events"] == 15 and counts["rejected"] == 15  # one failure each
    assert counts["duplicates"] >= 15  # chaos sent every delivered event once more


@pytest.mark.asyncio
async def test_missing_runs_are_404(api: Api) -> None:
    for path in ("/runs/99", "/runs/abc", "/runs/99/expected"):
        error = await api.error("GET", path, expect=404)
        assert error["field"] == "id"
    await api.error("DELETE", "/runs/99", expect=404)


@pytest.mark.asyncio
async def test_expected_is_409_while_running(api: Api) -> None:
    await api.target("a")
    run = await api.call(
        "POST", "/runs", {"scenario": "class-lifecycle", "pace": "realtime"}, expect=201
    )
    error = await api.error("GET", f"/runs/{run['id']}/expected", expect=409)
    assert error["code"] == "conflict"
    await api.call("DELETE", f"/runs/{run['id']}", expect=202)
    await api.wait_run(run["id"])


@pytest.mark.asyncio
async def test_the_scenarios_route_lists_builtins_and_no_file_by_default(api: Api) -> None:
    listed = await api.call("GET", "/scenarios")
    names = [s["name"] for s in listed["items"]]
    assert "class-lifecycle" in names and "soak" in names
    soak = next(s for s in listed["items"] if s["name"] == "soak")
    assert soak["endless"] is True
    assert listed["files"] == []  # no --scenario-dir: no file is offered (or read)


@pytest.mark.asyncio
async def test_listing_runs_checks_its_filters(api: Api) -> None:
    for query, field in (("state=finished", "state"), ("state=", "state"), ("limit=0", "limit")):
        error = await api.error("GET", f"/runs?{query}", expect=422)
        assert error["field"] == field
    assert (await api.call("GET", "/runs?state=failed&limit=5"))["items"] == []
