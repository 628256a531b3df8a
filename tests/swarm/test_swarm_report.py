"""One report for the swarm: parts summed per worker, truths merged, settings read."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from mockzenoti.delivery.decision import AttemptResult
from mockzenoti.errors import MockZenotiError
from mockzenoti.swarm import (
    Shard,
    ShardPlayer,
    SwarmTarget,
    merge_truths,
    render_summary,
    shard_simulation,
    swarm_report,
    worker_part,
)
from mockzenoti.swarm.settings import ARGUMENTS, SwarmSettings


def _players(worker: int, users: int, events: int, *, fail_every: int = 0) -> list[ShardPlayer]:
    target = SwarmTarget("http://x/", retry="none", deactivate_after=0)
    out = []
    count = itertools.count(1)

    def post(event: Any, body: bytes, headers: dict[str, str]) -> AttemptResult:
        if fail_every and next(count) % fail_every == 0:
            return AttemptResult("client_error", 410, None, 0.0, None)
        return AttemptResult("success", 200, None, 0.0, None)

    for user in range(users):
        shard = Shard("r", worker, user)
        p = ShardPlayer(shard, shard_simulation(shard, track_truth=True), target)
        for _ in range(events):
            p.play(post, lambda s: True)
        out.append(p)
    return out


def test_parts_add_up_per_worker_and_in_all_with_one_merged_truth() -> None:
    parts = [worker_part(1, _players(1, 2, 150)), worker_part(0, _players(0, 3, 100))]
    report = swarm_report(parts, duration_s=2.0, settings={"seed": "r", "url": "http://x/"})
    assert report["ok"] is True
    assert (report["events"], report["delivered"], report["users"]) == (600, 600, 5)
    assert report["events_per_s"] == 300.0
    assert [(w["index"], w["users"], w["events"]) for w in report["workers"]] == [
        (0, 3, 300),
        (1, 2, 300),
    ]
    assert report["expected"]["events"] == 600
    assert report["expected"]["seed"] == "r" and report["conflicts"] == []
    assert report["seed"] == "r" and report["url"] == "http://x/"
    assert report["undelivered"] == [] and report["missing_workers"] == []
    lines = render_summary(report)
    assert lines[0] == "swarm finished: all 600 events delivered"
    assert any(
        line.split() == ["workers", "2:", "delivered", "#0", "300,", "#1", "300"] for line in lines
    )


def test_dead_events_and_missing_workers_make_the_report_not_ok() -> None:
    part = worker_part(0, _players(0, 1, 40, fail_every=10))
    report = swarm_report([part], duration_s=1.0, settings={})
    assert not report["ok"] and report["dead"] == 4 and len(report["undelivered"]) == 4
    assert render_summary(report)[0] == "swarm finished with 4 dead"
    missing = swarm_report(
        [worker_part(0, _players(0, 1, 5))], duration_s=1.0, settings={}, missing_workers=[1]
    )
    assert not missing["ok"]
    assert render_summary(missing)[0] == "swarm finished without the counts of worker #1"


def test_a_part_without_tracked_truth_has_none() -> None:
    target = SwarmTarget("http://x/")
    shard = Shard("n", 0, 0)
    p = ShardPlayer(shard, shard_simulation(shard), target)
    assert worker_part(0, [p])["expected"] is None
    assert swarm_report([worker_part(0, [p])], duration_s=0, settings={})["events_per_s"] is None


def _truth(stamp: str | None, **sections: dict[str, Any]) -> dict[str, Any]:
    names = (
        "sessions",
        "bookings",
        "appointment_groups",
        "invoices",
        "memberships",
        "packages",
        "guests",
        "employees",
    )
    return {
        "scenario": "soak",
        "seed": "7",
        "events": 2,
        "finished": False,
        "last_event_timestamp": stamp,
        "event_types": {"Guest.Created": 2},
        **{n: sections.get(n, {}) for n in names},
    }


def test_merging_truths_takes_the_latest_timestamp_and_names_disagreements() -> None:
    a = _truth("2025-03-01T10:00:02Z", guests={"g1": {"state": "exists"}})
    b = _truth("2025-03-01T10:00:02.5Z", guests={"g1": {"state": "deleted"}, "g2": {}})
    c = _truth(None)
    merged, conflicts = merge_truths([a, b, c])
    assert merged["last_event_timestamp"] == "2025-03-01T10:00:02.5Z"
    assert merged["events"] == 6 and merged["event_types"] == {"Guest.Created": 6}
    assert merged["counts"]["guests"] == 2 and merged["finished"] is False
    assert conflicts == ["guests.g1"]
    assert merge_truths([])[0]["events"] == 0


def test_settings_take_the_command_line_over_the_class_defaults() -> None:
    options = {
        "mockzenoti_seed": "cli",
        "mockzenoti_retry": None,
        "mockzenoti_secret": ["a", "b"],
        "mockzenoti_sizes": '{"centers": 4}',
        "mockzenoti_expect": False,
    }
    settings = SwarmSettings.from_options(options, {"seed": "class", "retry": "fast"})
    assert (settings.seed, settings.retry, settings.secrets) == ("cli", "fast", ("a", "b"))
    assert settings.sizes == {"centers": 4} and not settings.track_truth
    assert SwarmSettings.from_options({"mockzenoti_report": "r.json"}).track_truth
    assert "secrets" not in SwarmSettings(secrets=("x",)).public()
    assert SwarmSettings(secrets=("x",)).public()["signing"] == "zenoti"
    assert {a.flag[2:].replace("-", "_") for a in ARGUMENTS} >= {"mockzenoti_seed"}


@pytest.mark.parametrize("sizes", ["{not json", "[1, 2]"])
def test_bad_sizes_name_their_option(sizes: str) -> None:
    with pytest.raises(MockZenotiError) as caught:
        SwarmSettings.from_options({"mockzenoti_sizes": sizes})
    assert caught.value.field == "--mockzenoti-sizes"
