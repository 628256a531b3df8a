"""The end-to-end mockzenoti measurements, each run with a stand-in command.

The stand-in (a small Python sender or writer) exercises each slot's own code
(receiver recording, RSS sampling, gap and rate arithmetic) quickly; the real
command lines are checked against the CLI's flags.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import bench.mz_pending as slots
from bench.orchestrator import ROOT
from bench.receiver import Receiver
from bench.registry import PENDING, REGISTRY, Bound, Context

LINE = '{"event_type":"Guest.Created","data":{}}'


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver.start(ROOT, uvloop=False) as r:
        yield r


def _ctx(bound: Bound, receiver: Receiver | None = None) -> Context:
    return Context(bound, True, ROOT, sys.executable, receiver)


def _sender(url: str, count: int, rate: float = 0.0) -> list[str]:
    """A stand-in soak: ``count`` POSTs to ``url``, paced at ``rate``/s when given."""
    script = (
        "import sys, time, urllib.request\n"
        "url, n, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])\n"
        "start = time.monotonic()\n"
        "for i in range(n):\n"
        "    if rate:\n"
        "        time.sleep(max(0.0, start + i / rate - time.monotonic()))\n"
        "    urllib.request.urlopen(urllib.request.Request(url, data=b'{}'), timeout=10).read()\n"
    )
    return [sys.executable, "-c", script, url, str(count), str(rate)]


def test_the_slots_are_registered_with_the_command_lines_of_the_cli() -> None:
    names = {"generation_day", "delivery_soak", "memory_soak", "rate_1000"}
    assert names <= set(REGISTRY) and not names & set(PENDING)
    gen = slots.generation_command(sys.executable, 10, Path("/tmp/out"))
    assert gen[gen.index("simulate") :][:2] == ["simulate", "day-in-the-life"]
    assert "--events" in gen and "--out" in gen
    goals = {g.figure for g in REGISTRY["delivery_soak"].goals}
    assert goals == {"vs:raw_aiohttp", "vs:requests_loop"}
    cmd = slots.delivery_command(sys.executable, "http://127.0.0.1:1/w", 10, Path("/tmp/w"))
    i = cmd.index("run")
    assert cmd[i : i + 4] == ["run", "soak", "--pace", "asap"] and "--concurrency" in cmd
    assert cmd[cmd.index("--url") + 1] == "http://127.0.0.1:1/w" and "--count" in cmd
    rate = slots.rate_command(sys.executable, "http://127.0.0.1:1/w", 1000, 2.5, Path("/tmp/w"))
    assert rate[rate.index("--events") + 1] == "2500" and rate[rate.index("--rate") + 1] == "1000"


def test_generation_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(python: str, count: int, out: Path) -> list[str]:
        script = "import sys\nopen(sys.argv[1], 'w').write(sys.argv[2] * int(sys.argv[3]))\n"
        return [python, "-c", script, str(out), LINE + "\n", str(count)]

    monkeypatch.setattr(slots, "generation_command", fake)
    outcome = slots.generation_day(_ctx(Bound(500, 30)))
    assert outcome.details["events"] == 500
    assert outcome.value is not None and outcome.value > 0
    assert outcome.details["startup_s"] > 0 and outcome.details["whole_run_events_per_s"] > 0
    assert outcome.details["avg_bytes"] == len(LINE)


def test_delivery_slot(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> None:
    monkeypatch.setattr(slots, "delivery_command", lambda py, url, n, wd: _sender(url, n))
    outcome = slots.delivery_soak(_ctx(Bound(50, 30), receiver))
    assert outcome.details["n"] == 50 and outcome.note == ""
    assert outcome.value is not None and outcome.value > 0


def test_rate_slot_reports_gaps(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> None:
    monkeypatch.setattr(
        slots, "rate_command", lambda py, url, rate, s, wd: _sender(url, int(rate * s), 200.0)
    )
    outcome = slots.rate_1000(_ctx(Bound(40, 30), receiver))  # 40 events "at 1000/s"
    details = outcome.details
    assert details["n"] == 40
    # The stand-in paces at 200/s: about 5 ms between sends, far from the target.
    assert 3 < details["p50_gap_ms"] < 30
    assert details["rate_error_pct"] > 50


def test_memory_slot_samples_rss(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> None:
    monkeypatch.setattr(slots, "delivery_command", lambda py, url, n, wd: _sender(url, n, 100.0))
    outcome = slots.memory_soak(_ctx(Bound(100, 30), receiver))
    assert outcome.value is not None and 5 < outcome.value < 200  # MiB
    assert outcome.details["samples"] >= 1
    assert outcome.details["rss_growth_upto_events"] > 0
    assert 0 < outcome.details["peak_own_mib"] <= outcome.value
