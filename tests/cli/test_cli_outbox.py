"""``deliveries`` (listing, show) and ``redeliver`` on an outbox an earlier run left."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import ThreadSink, invoke

from mockzenoti.delivery import Outbox


def failed_run(sink: ThreadSink, *extra: str) -> Any:
    """A run of 10 events that all die (the sink answers 500, no retries)."""
    sink.configure(status=500)
    result = invoke(
        "run", "class-lifecycle", "--events", "10", "--url", sink.url, "--retry", "none", *extra
    )
    assert result.exit_code == 1
    sink.configure(status=200)
    return result


def test_deliveries_lists_filters_pages_and_prints_json(sink: ThreadSink) -> None:
    failed_run(sink)
    assert (
        invoke("run", "class-lifecycle", "-s", "2", "--events", "4", "--url", sink.url).exit_code
        == 0
    )

    everything = invoke("deliveries")
    assert everything.exit_code == 0
    lines = everything.stdout.splitlines()
    assert lines[0].split() == [
        "#",
        "STATE",
        "TRIES",
        "LAST",
        "RUN",
        "EVENT",
        "TYPE",
        "EVENT",
        "ID",
        "TARGET",
    ]
    assert len(lines) == 1 + 14 + 1 and lines[-1] == "14 deliveries match; showing 1-14"

    dead = invoke("deliveries", "--state", "dead", "--limit", "3", "--json")
    doc = json.loads(dead.stdout)
    assert doc["total"] == 10 and len(doc["deliveries"]) == 3
    assert {d["state"] for d in doc["deliveries"]} == {"dead"}
    assert {d["last_status"] for d in doc["deliveries"]} == {500}

    last = json.loads(invoke("deliveries", "--run", "last", "--json").stdout)
    assert last["total"] == 4 and {d["run_id"] for d in last["deliveries"]} == {2}
    page = invoke("deliveries", "--run", "1", "--limit", "4", "--offset", "8")
    assert page.stdout.splitlines()[-1] == "10 deliveries match; showing 9-10"
    newest = json.loads(invoke("deliveries", "--newest", "--limit", "1", "--json").stdout)
    assert newest["deliveries"][0]["pk"] == 14


def test_deliveries_show_prints_every_attempt(sink_factory: Any) -> None:
    flaky = sink_factory(fail_first=2, retry_after="0")
    assert (
        invoke(
            "run", "class-lifecycle", "--events", "1", "--url", flaky.url, "--retry", "fast"
        ).exit_code
        == 0
    )
    shown = invoke("deliveries", "show", "1", "--body")
    assert shown.exit_code == 0
    out = shown.stdout
    assert out.startswith("delivery 1: delivered (run 1, target ")
    attempts = [line for line in out.splitlines() if line.startswith("    ")]
    assert [a.split()[3:5] for a in attempts] == [
        ["server_error", "500"],
        ["server_error", "500"],
        ["success", "200"],
    ]
    assert all(" ms " in a for a in attempts)
    assert flaky.bodies()[0].decode() in out  # --body prints what was sent
    by_id = json.loads(
        invoke("deliveries", "show", flaky.calls[0].delivery_id or "", "--json").stdout
    )
    assert by_id["pk"] == 1 and [a["status"] for a in by_id["attempt_log"]] == [500, 500, 200]


def test_reading_a_missing_outbox_or_delivery_exits_2() -> None:
    missing = invoke("deliveries", "--outbox", "nowhere.sqlite")
    assert missing.exit_code == 2 and "--outbox" in missing.stderr
    assert not Path("nowhere.sqlite").exists()
    Outbox("box.sqlite").close()
    unknown = invoke("deliveries", "show", "42", "--outbox", "box.sqlite")
    assert unknown.exit_code == 2 and "no delivery 42 [ID]" in unknown.stderr
    bad_run = invoke("deliveries", "--outbox", "box.sqlite", "--run", "first")
    assert bad_run.exit_code == 2 and "--run" in bad_run.stderr


def test_redeliver_dead_after_fixing_the_sink(sink: ThreadSink, tmp_path: Path) -> None:
    failed_run(sink)
    assert len(sink.calls) == 10
    result = invoke("redeliver", "--state", "dead", "--run", "1", "--report", "r.json")
    assert result.exit_code == 0, result.output
    assert "redeliver: all 10 deliveries delivered" in result.stdout
    assert len(sink.bodies()) == 10
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["loaded"] == 10 and report["counts"] == {"delivered": 10}
    assert report["outbox_counts"]["delivered"] == 10 and report["outbox_counts"]["dead"] == 0
    nothing = invoke("redeliver", "--all")
    assert nothing.exit_code == 0 and "redeliver: nothing to deliver" in nothing.stdout


def test_redeliver_by_id_still_failing_exits_1(sink: ThreadSink) -> None:
    failed_run(sink)
    sink.configure(status=500)
    result = invoke("redeliver", "3", "5")
    assert result.exit_code == 1
    assert "redeliver: 2 dead" in result.stdout
    assert [c.status for c in sink.calls[10:]] == [500, 500]


def test_held_deliveries_need_reactivate_or_discard(sink: ThreadSink) -> None:
    failed_run(sink, "--deactivate-after", "2", "--concurrency", "1")
    with Outbox(".mockzenoti/outbox.sqlite", exclusive=False) as box:
        assert box.counts()["held"] == 8 and box.counts()["dead"] == 2

    refused = invoke("redeliver", "--state", "held")
    assert refused.exit_code == 2 and "--reactivate" in refused.stderr
    discarded = invoke(
        "redeliver", "--state", "held", "--discard", "--event-type", "Class.Schedule.Created"
    )
    assert discarded.exit_code == 0 and discarded.stdout.startswith("discarded ")
    gone = int(discarded.stdout.split()[1])

    result = invoke("redeliver", "--all", "--reactivate")
    assert result.exit_code == 0, result.output
    assert f"target {sink.url} is active again" in result.stdout
    with Outbox(".mockzenoti/outbox.sqlite", exclusive=False) as box:
        counts = box.counts()
        assert box.get_target(sink.url).active
    assert counts["delivered"] == 10 - gone and counts["discarded"] == gone
    assert counts["held"] == counts["dead"] == 0


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((), "--state"),
        (("1",), "IDS"),  # delivered, not dead or held
        (("99",), "IDS"),
        (("--all", "--discard"), "--discard"),
        (("--state", "held", "--discard", "--reactivate"), "--discard"),
        (("--state", "gone"), "--state"),
    ],
)
def test_redeliver_refuses_bad_choices(sink: ThreadSink, args: tuple[str, ...], named: str) -> None:
    assert invoke("run", "class-lifecycle", "--events", "2", "--url", sink.url).exit_code == 0
    result = invoke("redeliver", *args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr


def test_redeliver_force_sends_a_delivered_delivery_again(sink: ThreadSink) -> None:
    first = invoke("emit", "Guest.Created", "--url", sink.url, "--outbox", "f.sqlite")
    assert first.exit_code == 0, first.output
    refused = invoke("redeliver", "1", "--outbox", "f.sqlite")
    assert refused.exit_code == 2 and "--force sends it again" in refused.output
    needs = invoke("redeliver", "--state", "delivered", "--outbox", "f.sqlite")
    assert needs.exit_code == 2 and "add --force" in needs.output
    again = invoke("redeliver", "1", "--force", "--outbox", "f.sqlite")
    assert again.exit_code == 0, again.output
    calls = sink.calls
    assert len(calls) == 2 and calls[0].body == calls[1].body  # the same request, twice
    assert calls[1].duplicate  # what a consumer must recognise
    shown = invoke("deliveries", "show", "1", "--outbox", "f.sqlite")
    assert "attempts   2" in shown.output
