"""What the command line needs from the delivery layer: ``Outbox.find_run``,
``Outbox.latency_percentiles``, ``Sink.subscribe`` and the sink's ``GET /received``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from mockzenoti.delivery import Outbox
from mockzenoti.sink import Sink, SinkCall


@pytest.mark.asyncio
async def test_observers_and_the_received_route() -> None:
    seen: list[SinkCall] = []
    async with Sink(status=202) as sink:
        unsubscribe = sink.subscribe(seen.append)
        async with aiohttp.ClientSession() as session:
            for n in range(3):
                body = json.dumps({"id": f"d{n}", "event_id": "e", "event_type": "X"})
                async with session.post(sink.url + "x", data=body) as resp:
                    assert resp.status == 202
            unsubscribe()
            async with session.post(sink.url + "x", data=b"{}") as resp:
                assert resp.status == 202
            async with session.get(sink.url + "received?since=1") as resp:
                listing: dict[str, Any] = await resp.json()
            async with session.get(sink.url + "received?since=x") as resp:
                assert resp.status == 422
                assert (await resp.json())["error"]["field"] == "since"
    assert [c.delivery_id for c in seen] == ["d0", "d1", "d2"]  # not the one after unsubscribing
    assert listing["counts"]["calls"] == 4 and listing["counts"]["duplicates"] == 2
    assert [c["id"] for c in listing["items"]] == ["d1", "d2", None]
    assert [c["duplicate"] for c in listing["items"]] == [True, True, False]


def test_find_run_and_latency_percentiles(tmp_path: Path) -> None:
    with Outbox(tmp_path / "o.sqlite") as box:
        assert box.find_run({"a": 1}) is None
        run, _ = box.start_run({"a": 1}, ["t"])
        found = box.find_run({"a": 1})
        assert found is not None and found.id == run.id
        empty = box.latency_percentiles(run_id=run.id)
        assert empty == {"p50": None, "p90": None, "p99": None, "max": None, "count": 0}
        box.finish_run(run.id, {})
        assert box.find_run({"a": 1}) is None
        with box.db.transaction() as c:  # attempts as an engine writes them: 1..100 ms
            c.executemany(
                "INSERT INTO attempts (delivery, n, at, outcome, latency_ms) VALUES (?, 1, 0, "
                "'success', ?)",
                [(pk, float(pk)) for pk in range(1, 101)],
            )
        got = box.latency_percentiles(points=(50, 90, 99, 100))
    assert got == {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p100": 100.0, "max": 100.0, "count": 100}


def test_latency_percentiles_are_exact_nearest_ranks_of_any_spread(tmp_path: Path) -> None:
    # Values bunched in one tenth of a millisecond, repeated, spread over seconds: the
    # two-pass count (per tenth, then the tenths holding the ranks) finds the same value
    # as sorting everything.
    import math
    import random

    rng = random.Random(5)
    values = [
        round(rng.choice([rng.expovariate(0.05), rng.uniform(3.0, 3.1), 0.7, 12.0]), 3)
        for _ in range(3_000)
    ]
    points = (1, 25, 50, 90, 99, 100)
    with Outbox(tmp_path / "o.sqlite") as box:
        with box.db.transaction() as c:
            c.executemany(
                "INSERT INTO attempts (delivery, n, at, outcome, latency_ms) VALUES (?, 1, 0, "
                "'success', ?)",
                list(enumerate(values, 1)),
            )
        got = box.latency_percentiles(points=points)
    ordered = sorted(values)
    for p in points:
        assert got[f"p{p}"] == ordered[max(1, math.ceil(p / 100 * len(values))) - 1], p
    assert got["max"] == ordered[-1] and got["count"] == len(values)
