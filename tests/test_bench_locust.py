"""The Locust rows of ``make bench``: their command lines, their rate, and one real quick run."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import bench.locust_soak as rows
from bench.orchestrator import ORDER, ROOT
from bench.receiver import Receiver
from bench.registry import REGISTRY, Bound, Context


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver.start(ROOT, uvloop=False) as r:
        yield r


def test_the_rows_sit_beside_run_soak_and_compare_two_processes_with_one() -> None:
    assert ORDER.index("locust_1_process") == ORDER.index("delivery_soak") + 1
    assert ORDER.index("locust_2_processes") == ORDER.index("delivery_soak") + 2
    two = REGISTRY["locust_2_processes"]
    assert two.refs == ("locust_1_process", "delivery_soak") and two.needs_receiver
    assert [g.figure for g in two.goals] == ["vs:locust_1_process"]


def test_the_command_is_mockzenoti_locust_with_the_same_users_for_both() -> None:
    one = rows.locust_command(sys.executable, "http://127.0.0.1:1/w", 1, 20.0, Path("/t/r.json"))
    two = rows.locust_command(sys.executable, "http://127.0.0.1:1/w", 2, 20.0, Path("/t/r.json"))
    i = one.index("locust")
    assert one[i + 1 : i + 3] == ["--url", "http://127.0.0.1:1/w"]
    for cmd, processes in ((one, "1"), (two, "2")):
        assert cmd[cmd.index("--processes") + 1] == processes
        assert cmd[cmd.index("--users") + 1] == str(rows.USERS)
        assert cmd[cmd.index("--run-time") + 1] == "20s"
        assert cmd[cmd.index("--report") + 1] == "/t/r.json"
        assert "--secret" in cmd and cmd[cmd.index("--retry") + 1] == "none"


def test_the_rate_leaves_out_the_warm_up() -> None:
    second = 1_000_000_000
    arrivals = [0, 1, 2] + [2 * second + k * second // 100 for k in range(101)]
    assert rows.steady_rate(arrivals, warmup_s=1.5) == pytest.approx(100.0)
    assert rows.steady_rate([5]) == 0.0


@pytest.mark.slow
def test_a_quick_two_process_row_counts_what_the_receiver_saw(receiver: Receiver) -> None:
    ctx = Context(Bound(1, 4.0), True, ROOT, sys.executable, receiver)
    outcome = rows.locust_2_processes(ctx)
    assert outcome.value is not None and outcome.value > 0
    details = outcome.details
    assert details["workers"] == 2 and all(n > 0 for n in details["worker_events"])
    assert sum(details["worker_events"]) == details["events"]
    assert details["receiver_cpu_pct"] >= 0 and details["receiver_bound"] in (0, 1)
