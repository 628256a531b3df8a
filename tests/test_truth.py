"""The truth file matches what a consumer replaying the stream ends with."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_consumer import Consumer

from mockzenoti.errors import MockZenotiError
from mockzenoti.scenarios import builtin_scenarios, load_scenario
from mockzenoti.scenarios.truth import truth_bytes
from mockzenoti.world.rules import STATUS_NAMES

NAMES = [s.name for s in builtin_scenarios()]
SECTIONS = (
    "sessions",
    "bookings",
    "appointment_groups",
    "invoices",
    "memberships",
    "packages",
    "guests",
    "employees",
)


def comparable(truth: dict[str, Any], tables: dict[str, Any]) -> dict[str, Any]:
    """The truth without what no payload says (reschedule links, a package's guest).

    A guest from before the stream is compared on what the events told the
    consumer about them (docs/truth.md); one that only a package names (its
    payloads do not name the buyer) is not in the consumer's tables at all.
    """
    out = {s: copy.deepcopy(truth[s]) for s in SECTIONS}
    for group in out["appointment_groups"].values():
        for key in ("status_name", "rescheduled_from", "rescheduled_to"):
            group.pop(key)
    buyers = {p["guest_id"] for p in out["packages"].values()}
    for package in out["packages"].values():
        package["guest_id"] = None
    for gid, guest in list(out["guests"].items()):
        if not guest["predates_stream"]:
            continue
        told = tables["guests"].get(gid)
        if told is None:
            assert gid in buyers, f"guest {gid} is in the truth but no event named them"
            del out["guests"][gid]
        else:
            out["guests"][gid] = {k: guest[k] for k in told}
    return out


def replay(
    name: str, seed: int, events: int | None, sizes: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any], list[bytes]]:
    sim = load_scenario(name).simulate(seed, events=events, sizes=sizes, track_truth=True)
    consumer = Consumer(sim.world.setup())
    bodies = []
    for event in sim:
        consumer.take(event.body())
        bodies.append(event.body())
    return sim.expected(), consumer.tables, bodies


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), seed=st.integers(0, 10**6), events=st.integers(0, 1_200))
def test_truth_equals_the_reference_consumer_after_any_prefix(
    name: str, seed: int, events: int
) -> None:
    truth, tables, bodies = replay(name, seed, events, {"centers": 2})
    assert comparable(truth, tables) == tables
    assert truth["events"] == len(bodies)
    assert truth["counts"] == {s: len(truth[s]) for s in SECTIONS}
    assert sum(truth["event_types"].values()) == len(bodies)
    if bodies:
        assert truth["last_event_timestamp"] == json.loads(bodies[-1])["event_timestamp"]


def test_group_status_names_come_from_the_enum_and_reschedules_link_both_ways() -> None:
    truth, _, _ = replay("appointment-lifecycle", 5, None, {"appointments_per_day": 80})
    groups = truth["appointment_groups"]
    assert {g["status_name"] for g in groups.values()} <= set(STATUS_NAMES.values())
    for gid, g in groups.items():
        assert g["status_name"] == STATUS_NAMES[g["status"]]
        if g["rescheduled_to"]:
            new = groups[g["rescheduled_to"]]
            assert g["state"] == "cancelled" and new["rescheduled_from"] == gid
            assert new["guest_id"] == g["guest_id"]
    assert any(g["rescheduled_to"] for g in groups.values())


def test_closed_invoices_carry_totals_and_receipts_and_point_to_their_groups() -> None:
    truth, _, _ = replay("appointment-lifecycle", 9, None)
    closed = [i for i in truth["invoices"].values() if i["state"] == "closed"]
    assert closed
    for invoice in closed:
        assert invoice["receipt_number"].startswith("R") and invoice["total"] > 0
        group = truth["appointment_groups"][invoice["appointment_group_id"]]
        assert group["state"] == "closed"
        assert all(a["progress"] == 2 for a in group["appointments"])


def test_package_guests_are_guests_of_the_stream() -> None:
    truth, _, _ = replay("package-lifecycle", 2, None)
    assert truth["packages"]
    assert all(p["guest_id"] in truth["guests"] for p in truth["packages"].values())


def test_truth_is_off_for_endless_scenarios_unless_asked() -> None:
    sim = load_scenario("soak").simulate(1, events=10)
    list(sim)
    assert not sim.tracking
    with pytest.raises(MockZenotiError) as caught:
        sim.expected()
    assert caught.value.field == "track_truth"
    asked = load_scenario("soak").simulate(1, events=10, track_truth=True)
    list(asked)
    assert asked.expected()["events"] == 10


def test_the_truth_document_is_byte_identical_and_says_how_the_run_ended() -> None:
    first = load_scenario("class-lifecycle").simulate(12)
    second = load_scenario("class-lifecycle").simulate(12)
    list(first), list(second)
    doc = first.expected()
    assert truth_bytes(doc) == truth_bytes(second.expected())
    assert doc["scenario"] == "class-lifecycle" and doc["seed"] == "12"
    assert doc["finished"] is True and doc["format"] == 1
    cut = load_scenario("class-lifecycle").simulate(12, events=5)
    list(cut)
    assert cut.expected()["finished"] is False
