"""The SQLite outbox: batched writes lose nothing, restarts, queries, targets, runs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from delivery_support import deliver

from mockzenoti.delivery import DeliveryOptions, Engine, FakeClock, Outbox, Target
from mockzenoti.delivery.outbox import STATES, WriteBatch
from mockzenoti.delivery.testing import synthetic_events
from mockzenoti.errors import ConfigError, MockZenotiError, NotFound
from mockzenoti.sink import Sink

URL = "http://127.0.0.1:9/hook"


def stage(box: Outbox, states: list[str], *, run_id: int | None = None, target: str = "t") -> None:
    """Write one event and delivery per state, as an engine would (fresh ids each call)."""
    batch = WriteBatch()
    first_event = box.reserve_ids("events", len(states))
    first_delivery = box.reserve_ids("deliveries", len(states))
    events = synthetic_events(len(states), seed=first_event)
    for i, (state, event) in enumerate(zip(states, events, strict=True)):
        e, d = first_event + i, first_delivery + i
        batch.events.append((e, run_id, i, event.id, event.name, '["k"]', "c-1", event.body(), 1.0))
        batch.deliveries.append(
            (
                d,
                e,
                run_id,
                target,
                0,
                event.id,
                event.event_id,
                event.event_type,
                state,
                0,
                1.0,
                1.0,
            )
        )
    box.apply(batch)


@pytest.mark.asyncio
async def test_small_batches_lose_nothing(tmp_path: Path, sink: Sink) -> None:
    path = tmp_path / "outbox.sqlite"
    events = synthetic_events(500)
    options = DeliveryOptions(batch_size=7, concurrency=8)
    async with Engine(Outbox(path), options) as engine:
        report = await engine.run({"batching": 1}, lambda: iter(events), [Target(sink.url)])
        commits = engine.committer.commits
        engine.outbox.close()
    assert report.delivered == 500
    assert sink.event_ids() == {e.event_id for e in events}
    assert commits < 500  # accepted in batches, marks and results grouped
    with Outbox(path) as box:
        assert box.event_count() == 500
        assert box.counts()["delivered"] == 500
        assert sum(box.attempt_outcomes().values()) == 500
        stored = {
            json.loads(box.get_delivery(d.pk).body)["event_id"]
            for d in box.list_deliveries(limit=500).items
        }
        assert stored == {e.event_id for e in events}


def test_reopening_continues_ids_and_requeues_interrupted_attempts(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    with Outbox(path) as box:
        box.start_run({"r": 1}, ["t"])
        stage(box, ["pending", "delivering", "delivering", "delivered", "retrying"], run_id=1)
    with Outbox(path) as box:
        assert box.reserve_ids("deliveries", 1) == 6  # after the stored ones
        assert box.requeue_interrupted(now=5.0, run_id=1) == 2
        assert box.get_run(1).possible_duplicates == 2
        unsettled = box.load_unsettled(run_id=1)
        assert [d.state for d in unsettled] == ["pending", "pending", "pending", "retrying"]
        assert [d.pk for d in unsettled] == [1, 2, 3, 5]
        assert box.get_delivery(2).delivery.possible_duplicates == 1
        assert box.load_unsettled(after=3, limit=1)[0].pk == 5


def test_a_file_outbox_is_used_by_one_process_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    with Outbox(path):
        with pytest.raises(ConfigError) as info:
            Outbox(path)
        assert info.value.field == "outbox"
        with Outbox(path, exclusive=False) as reader:
            assert reader.counts()["pending"] == 0


def test_an_outbox_from_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    Outbox(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(ConfigError) as info:
        Outbox(path)
    assert info.value.field == "outbox"


def test_listing_filters_pages_and_counts(outbox: Outbox) -> None:
    outbox.start_run({"a": 1}, ["t"])
    outbox.start_run({"b": 2}, ["u"])
    stage(outbox, ["dead", "dead", "held", "delivered"], run_id=1, target="t")
    stage(outbox, ["dead", "pending"], run_id=2, target="u")
    assert outbox.list_deliveries().total == 6
    dead = outbox.list_deliveries(state="dead", limit=2)
    assert (dead.total, len(dead.items), dead.limit) == (3, 2, 2)
    rest = outbox.list_deliveries(state="dead", limit=2, offset=2)
    assert [d.pk for d in dead.items + rest.items] == [1, 2, 5]
    assert outbox.list_deliveries(state=["dead", "held"], run_id=1).total == 3
    assert outbox.list_deliveries(target="u").total == 2
    assert [d.pk for d in outbox.list_deliveries(newest_first=True, limit=2).items] == [6, 5]
    first = outbox.list_deliveries().items[0]
    assert outbox.list_deliveries(event_type=first.event_type).total >= 1
    assert outbox.list_deliveries(delivery_id=first.delivery_id).items[0].pk == first.pk
    assert outbox.list_deliveries(event_id=first.event_id).total == 1
    counts = outbox.counts()
    assert set(counts) == set(STATES)
    assert (counts["dead"], counts["held"], counts["pending"], counts["retrying"]) == (3, 1, 1, 0)
    assert outbox.counts(run_id=2) == dict.fromkeys(STATES, 0) | {"dead": 1, "pending": 1}
    assert outbox.counts(target="t")["delivered"] == 1
    json.dumps([d.to_dict() for d in outbox.list_deliveries().items])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"state": "lost"}, "state"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset")],
)
def test_bad_listing_arguments_name_the_field(
    outbox: Outbox, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(MockZenotiError) as info:
        outbox.list_deliveries(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.asyncio
async def test_one_delivery_with_its_attempt_log(outbox: Outbox, clock: FakeClock) -> None:
    async with Sink(fail_first=2, fail_status=503) as sink:
        await deliver(outbox, Target(sink.url, policy="1s,1s,1s"), 1, clock=clock)
    detail = outbox.get_delivery(1)
    assert detail.delivery.state == "delivered" and detail.delivery.attempts == 3
    assert [(a.n, a.outcome, a.status) for a in detail.attempts] == [
        (1, "server_error", 503),
        (2, "server_error", 503),
        (3, "success", 200),
    ]
    assert all(a.latency_ms is not None and a.latency_ms > 0 for a in detail.attempts)
    assert detail.attempts[0].response is not None and "fail_first" in detail.attempts[0].response
    assert json.loads(detail.body)["id"] == detail.delivery.delivery_id
    as_json = json.loads(json.dumps(detail.to_dict()))
    assert len(as_json["attempt_log"]) == 3
    with pytest.raises(NotFound) as info:
        outbox.get_delivery(999)
    assert info.value.field == "delivery"


def test_targets_crud_keeps_the_active_flag(outbox: Outbox) -> None:
    saved = outbox.save_target(Target(URL, name="crm", secrets=("s",)))
    assert saved.active and saved.consecutive_failures == 0
    outbox.set_target_active("crm", False, now=10.0)
    updated = outbox.save_target(Target(URL, name="crm", method="PUT"))
    assert not updated.active and updated.deactivated_at == 10.0
    assert updated.target.method == "PUT" and updated.target.secrets == ()
    outbox.save_target(Target(URL, name="analytics"))
    assert [t.target.name for t in outbox.list_targets()] == ["analytics", "crm"]
    assert json.loads(json.dumps(updated.to_dict()))["active"] is False
    outbox.set_target_active("crm", True)
    assert outbox.get_target("crm").active
    stage(outbox, ["held"], target="crm")
    with pytest.raises(ConfigError):
        outbox.delete_target("crm")
    outbox.discard(target="crm")
    outbox.delete_target("crm")
    with pytest.raises(NotFound):
        outbox.get_target("crm")


def test_runs_resume_by_spec_until_finished(outbox: Outbox) -> None:
    run, resumed = outbox.start_run({"scenario": "spa", "seed": 1}, ["a"])
    assert not resumed and run.state == "running" and run.targets == ["a"]
    again, resumed = outbox.start_run({"seed": 1, "scenario": "spa"}, ["a"])  # same spec
    assert resumed and again.id == run.id
    other, resumed = outbox.start_run({"scenario": "spa", "seed": 2}, ["a"])
    assert not resumed and other.id != run.id
    finished = outbox.finish_run(run.id, {"delivered": 3})
    assert finished.state == "finished" and finished.counts == {"delivered": 3}
    outbox.set_run_result(run.id, {"expected": {"guests": 2}})
    assert outbox.get_run(run.id).result == {"expected": {"guests": 2}}
    fresh, resumed = outbox.start_run({"scenario": "spa", "seed": 1}, ["a"])
    assert not resumed and fresh.id not in (run.id, other.id)
    assert [r.id for r in outbox.list_runs()] == [fresh.id, other.id, run.id]
    with pytest.raises(ConfigError) as info:
        outbox.start_run({"not json": object()}, [])
    assert info.value.field == "spec"
    with pytest.raises(NotFound):
        outbox.get_run(999)


def test_redeliver_and_discard_by_id_and_filter(outbox: Outbox) -> None:
    outbox.start_run({"a": 1}, ["t"])
    stage(outbox, ["dead", "dead", "held", "held", "delivered"], run_id=1)
    assert outbox.redeliver([1], now=2.0) == [1]
    assert outbox.get_delivery(1).delivery.state == "pending"
    assert outbox.redeliver(states=("held",), run_id=1) == [3, 4]
    assert outbox.redeliver() == [2]  # all that is left dead or held
    assert outbox.redeliver() == []
    with pytest.raises(ConfigError) as info:
        outbox.redeliver(states=("delivered",))
    assert info.value.field == "state"
    stage(outbox, ["held", "held", "dead"], run_id=1)
    assert outbox.discard([6]) == [6]
    assert outbox.discard(target="t") == [7]  # only held ones
    assert outbox.counts()["discarded"] == 2
    assert outbox.counts()["dead"] == 1


def test_batches_of_any_size_are_written_whole_by_few_prepared_statements() -> None:
    """Rows go in chunks of fixed sizes: every row lands, and the statement texts are few."""
    from mockzenoti.delivery.outbox.sqlwrite import _rows

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
    texts: set[str] = set()
    conn.set_trace_callback(texts.add)
    written = 0
    for size in [*range(0, 260), 1000]:
        rows = [(written + i, f"row {written + i}") for i in range(size)]
        _rows(conn, "INSERT INTO t VALUES", 2, rows)
        written += size
    conn.set_trace_callback(None)
    assert conn.execute("SELECT count(*), sum(a), min(b = 'row ' || a) FROM t").fetchone() == (
        written,
        written * (written - 1) // 2,
        1,
    )
    shapes = {text.count("(") for text in texts}  # rows per statement
    assert shapes == {1, 2, 4, 8, 16, 32, 64, 128}
