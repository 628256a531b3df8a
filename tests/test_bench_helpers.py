"""The benchmark's helpers: percentiles, send gaps, rates, RSS sampling, goals, the table."""

from __future__ import annotations

import io
import sys
import time

import pytest

from bench.metrics import (
    ReceiverStats,
    gap_stats,
    median,
    percentile,
    rate_accuracy,
    rate_between,
)
from bench.mz import HEAVY, heavy_modules
from bench.procs import run_bounded, sample_rss
from bench.registry import Bound, Goal, Measurement, Outcome
from bench.report import combine_rounds, evaluate, render_table, summary

MS = 1_000_000  # nanoseconds


def test_percentile_interpolates_between_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert median([7.0]) == 7.0
    assert percentile(list(range(101)), 99) == 99
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_gap_stats_of_an_even_stream_and_one_stall() -> None:
    arrivals = [i * MS for i in range(1001)]  # 1000 gaps of 1 ms
    arrivals[500] += 0  # unchanged; a late arrival below
    even = gap_stats(arrivals)
    assert even["n"] == 1001
    assert even["rate_per_s"] == pytest.approx(1000)
    assert even["p50_gap_ms"] == pytest.approx(1.0)
    assert even["p99_gap_ms"] == pytest.approx(1.0)
    # One 50 ms stall, then the sender catches up: p50 stays, max shows it.
    stalled = [i * MS for i in range(500)] + [549 * MS + i * MS for i in range(500)]
    g = gap_stats(stalled)
    assert g["max_gap_ms"] == pytest.approx(50.0)
    assert g["p50_gap_ms"] == pytest.approx(1.0)


def test_gap_stats_sorts_out_of_order_arrivals() -> None:
    g = gap_stats([3 * MS, 1 * MS, 2 * MS])
    assert g["p50_gap_ms"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        gap_stats([1])


def test_rate_between_two_receiver_snapshots() -> None:
    a = ReceiverStats(requests=100, bytes=0, at_ns=1_000_000_000, last_ns=900_000_000)
    b = ReceiverStats(requests=2100, bytes=0, at_ns=3_000_000_000, last_ns=2_000_000_000)
    assert rate_between(a, b) == pytest.approx(1000)
    assert rate_between(a, b, by_last=True) == pytest.approx(2000)
    with pytest.raises(ValueError):
        rate_between(b, a)
    doc = {"requests": 5, "bytes": 10, "at_ns": 7, "last_ns": 6, "loop": "uvloop"}
    assert ReceiverStats.from_json(doc) == ReceiverStats(5, 10, 7, 6)


def test_rate_accuracy_in_percent() -> None:
    assert rate_accuracy(980, 1000) == pytest.approx(2.0)
    assert rate_accuracy(1010, 1000) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        rate_accuracy(1, 0)


def test_sample_rss_follows_a_growing_process_against_progress() -> None:
    # The child grows to about 60 MiB in steps; the probe stands in for the
    # receiver's counter (progress) and counts calls.
    script = (
        "import time\nblocks = []\n"
        "for _ in range(6):\n    blocks.append(bytearray(10 * 1024 * 1024))\n    time.sleep(0.1)\n"
    )
    calls = iter(range(1_000_000))
    run = sample_rss(
        [sys.executable, "-c", script], timeout=20, interval=0.02, probe=lambda: next(calls)
    )
    assert run.completed.returncode == 0
    assert not run.completed.timed_out
    assert run.peak >= 55 * 1024 * 1024
    assert len(run.samples) >= 5
    progress = [s.progress for s in run.samples]
    assert progress == sorted(progress)
    first = run.rss_at(0)
    assert first is not None and first < run.peak
    growth = run.growth_pct(0, len(run.samples) - 1)
    assert growth is not None and growth > 50
    assert run.rss_at(10**9) is None
    assert run.growth_pct(0, 10**9) is None


def test_sample_rss_counts_the_helpers_a_command_starts() -> None:
    # The command (small) starts a helper holding 50 MiB, as mockzenoti run starts
    # the process that simulates its world: the group's RSS counts both.
    helper = "import sys, time\nb = bytearray(50 * 1024 * 1024)\nsys.stdin.read()\n"
    script = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', {helper!r}], stdin=subprocess.PIPE)\n"
        "time.sleep(1.5)\np.stdin.close()\np.wait()\n"
    )
    run = sample_rss([sys.executable, "-c", script], timeout=20, interval=0.05)
    assert run.completed.returncode == 0
    assert run.peak >= 50 * 1024 * 1024 > run.peak_own > 0
    assert run.peak >= run.peak_own + 45 * 1024 * 1024


def test_a_measurement_limited_to_one_round_runs_once() -> None:
    from bench.orchestrator import run

    calls: list[int] = []

    def once(ctx: object) -> Outcome:
        calls.append(1)
        return Outcome(float(len(calls)))

    def every(ctx: object) -> Outcome:
        return Outcome(1.0)

    selected = [
        Measurement("every", "x", every, Bound(1, 1), Bound(1, 1)),
        Measurement("once", "x", once, Bound(1, 1), Bound(1, 1), rounds=1),
    ]
    doc, failed = run(selected, quick=True, rounds=3, options={}, log=io.StringIO())
    assert not failed and calls == [1]
    assert doc["measurements"]["once"]["value"] == 1.0
    assert "round_values" in doc["measurements"]["every"]["details"]


def test_sample_rss_and_run_bounded_stop_a_process_that_never_ends() -> None:
    start = time.monotonic()
    run = sample_rss([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)
    assert run.completed.timed_out and run.completed.returncode is None
    done = run_bounded([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)
    assert done.timed_out
    assert time.monotonic() - start < 15
    ok = run_bounded([sys.executable, "-c", "print('hi')"], timeout=20)
    assert (ok.returncode, ok.stdout.strip(), ok.timed_out) == (0, "hi", False)


def test_heavy_modules_names_packages_once() -> None:
    loaded = ["click", "aiohttp", "aiohttp.client", "mockzenoti.delivery.engine", "json"]
    assert heavy_modules(loaded) == ["aiohttp", "mockzenoti.delivery"]
    assert heavy_modules(["mockzenoti.cli", "aiohttpx"]) == []
    assert "aiohttp" in HEAVY


def _measure(name: str, **kw: object) -> Measurement:
    return Measurement(name, "events/s", lambda ctx: Outcome(None), Bound(1, 1), Bound(1, 1), **kw)  # type: ignore[arg-type]


def test_goals_ratios_and_the_table() -> None:
    ref = _measure("raw")
    soak = _measure(
        "soak",
        refs=("raw", "naive"),
        goals=(Goal("vs:raw", ">=", 0.7), Goal("vs:naive", ">=", 8), Goal("gap_ms", "<=", 1)),
    )
    results = {
        "raw": Outcome(10_000.0),
        "naive": Outcome(1_000.0),
        "soak": Outcome(7_500.0, {"gap_ms": 2.5, "avg_bytes": 1200}),
    }
    entry = evaluate(soak, results["soak"], results)
    assert entry["ratios"] == {"raw": 0.75, "naive": 7.5}
    verdicts = {g["figure"]: g["pass"] for g in entry["goals"]}
    assert verdicts == {"vs:raw": True, "vs:naive": False, "gap_ms": False}
    missing = evaluate(soak, results["soak"], {"soak": results["soak"]})
    assert missing["ratios"] == {"raw": None, "naive": None}
    assert [g["pass"] for g in missing["goals"]][:2] == [None, None]
    entries = {"raw": evaluate(ref, results["raw"], results), "soak": entry}
    table = render_table(entries)
    assert "soak" in table and "7,500" in table and "0.75" in table
    assert "PASS" in table and "FAIL" in table and "avg_bytes=1,200" in table
    assert summary(entries) == {
        "goals_passed": 1,
        "goals_failed": 2,
        "goals_not_evaluated": 0,
        "skipped": 0,
    }
    with pytest.raises(ValueError):
        Goal("value", "==", 1)


def test_ratios_are_medians_of_side_by_side_ratios() -> None:
    m = _measure("soak", refs=("raw",))
    rounds = [
        {"raw": Outcome(10.0), "soak": Outcome(8.0)},  # 0.8
        {"raw": Outcome(4.0), "soak": Outcome(2.0)},  # 0.5: a noisy round
        {"raw": Outcome(9.0), "soak": Outcome(6.3)},  # 0.7
    ]
    combined = {"raw": Outcome(9.0), "soak": Outcome(6.3)}
    entry = evaluate(m, combined["soak"], combined, rounds)
    assert entry["ratios"]["raw"] == pytest.approx(0.7)
    assert entry["ratio_rounds"]["raw"] == pytest.approx([0.8, 0.5, 0.7])
    assert entry["cpu_ratios"] == {}  # no events_per_cpu_s reported


def test_cpu_ratios_sit_beside_wall_clock_ratios() -> None:
    m = _measure("soak", refs=("raw",), goals=(Goal("vs:raw", ">=", 0.7),))
    results = {
        "raw": Outcome(5000.0, {"events_per_cpu_s": 10_000.0}),
        "soak": Outcome(4000.0, {"events_per_cpu_s": 9_000.0}),
    }
    entry = evaluate(m, results["soak"], results)
    assert entry["ratios"]["raw"] == pytest.approx(0.8)
    assert entry["cpu_ratios"]["raw"] == pytest.approx(0.9)
    assert entry["goals"][0]["observed"] == pytest.approx(0.8)  # goals stay on wall clock
    table = render_table({"soak": entry})
    assert "same, per CPU-second" in table and "0.90" in table


def test_combine_rounds_keeps_the_median_round() -> None:
    rounds = [Outcome(3.0, {"r": 1}), Outcome(1.0, {"r": 2}), Outcome(2.0, {"r": 3}, "slow")]
    c = combine_rounds(rounds)
    assert c.value == 2.0 and c.details["r"] == 3 and c.details["round_values"] == [3.0, 1.0, 2.0]
    assert c.note == "slow"
    skipped = combine_rounds([Outcome(None, note="skipped: no wrk")])
    assert skipped.value is None and skipped.note == "skipped: no wrk"
