"""The retry decision: a table of cases, Retry-After in both forms, and a light import."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from mockzenoti.delivery.decision import (
    OUTCOMES,
    AttemptResult,
    Decision,
    TargetState,
    decide,
    parse_retry_after,
)
from mockzenoti.delivery.policy import FAST, NONE, ZENOTI, RetryPolicy, parse_policy

NOW = 1_700_000_000.0
SCHEDULE = parse_policy("1s,5s,30s")  # three retries, longest wait 30 s
ACTIVE = TargetState(active=True, failures=0, deactivate_after=20)
INACTIVE = TargetState(active=False, failures=3, deactivate_after=20)


def result(
    outcome: str,
    status: int | None = None,
    *,
    retry_after: float | None = None,
    written: bool = True,
) -> AttemptResult:
    return AttemptResult(outcome, status, None, 0.01, None, retry_after, written)


# (name, result, attempts, policy, target, options, expected decision)
CASES: list[
    tuple[str, AttemptResult, int, RetryPolicy, TargetState, dict[str, object], Decision]
] = [
    ("2xx delivers", result("success", 200), 1, SCHEDULE, ACTIVE, {}, Decision("delivered")),
    (
        "2xx resets the target's failures",
        result("success", 204),
        4,
        SCHEDULE,
        TargetState(failures=7),
        {},
        Decision("delivered", failures=0),
    ),
    (
        "5xx retries after the policy's first wait",
        result("server_error", 503),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW + 1, wait=1.0, wait_from="policy"),
    ),
    (
        "the third retry waits the third wait",
        result("timeout"),
        3,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW + 30, wait=30.0, wait_from="policy"),
    ),
    (
        "retry_scale scales the policy's waits",
        result("server_error", 500),
        2,
        SCHEDULE,
        ACTIVE,
        {"retry_scale": 0.001},
        Decision("retry", at=NOW + 0.005, wait=0.005, wait_from="policy"),
    ),
    (
        "Retry-After is honoured as sent, whatever the scale",
        result("client_error", 429, retry_after=12.0),
        1,
        SCHEDULE,
        ACTIVE,
        {"retry_scale": 0.001},
        Decision("retry", at=NOW + 12, wait=12.0, wait_from="retry-after"),
    ),
    (
        "Retry-After is capped at the policy's longest wait",
        result("server_error", 503, retry_after=3600.0),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW + 30, wait=30.0, wait_from="retry-after"),
    ),
    (
        "scale_retry_after scales the receiver's wait too",
        result("client_error", 429, retry_after=60.0),
        1,
        ZENOTI,
        ACTIVE,
        {"retry_scale": 0.001, "scale_retry_after": True},
        Decision("retry", at=NOW + 0.06, wait=0.06, wait_from="retry-after"),
    ),
    (
        "Retry-After 0 retries at once",
        result("server_error", 503, retry_after=0.0),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW, wait=0.0, wait_from="retry-after"),
    ),
    (
        "the last retry used up: dead",
        result("server_error", 502),
        4,
        SCHEDULE,
        TargetState(failures=2),
        {},
        Decision("dead", failures=3),
    ),
    (
        "a 4xx is not retried: dead at once",
        result("client_error", 404),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("dead", failures=1),
    ),
    (
        "408 is always retried",
        result("client_error", 408),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW + 1, wait=1.0, wait_from="policy"),
    ),
    (
        "a 4xx listed in retry_statuses is retried",
        result("client_error", 409),
        1,
        SCHEDULE,
        TargetState(retry_statuses=frozenset({409})),
        {},
        Decision("retry", at=NOW + 1, wait=1.0, wait_from="policy"),
    ),
    (
        "a redirect is not followed nor retried",
        result("redirect", 301),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("dead", failures=1),
    ),
    (
        "a malformed answer (protocol) is retried",
        result("protocol", written=True),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW + 1, wait=1.0, wait_from="policy"),
    ),
    (
        "a connection closed after the request was written: possible duplicate",
        result("connection", written=True),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW + 1, wait=1.0, wait_from="policy", possible_duplicate=True),
    ),
    (
        "a refused connection wrote nothing: no duplicate",
        result("connection", written=False),
        1,
        SCHEDULE,
        ACTIVE,
        {},
        Decision("retry", at=NOW + 1, wait=1.0, wait_from="policy"),
    ),
    (
        "no retries at all (none): dead",
        result("timeout"),
        1,
        NONE,
        ACTIVE,
        {},
        Decision("dead", failures=1),
    ),
    (
        "a retried failure for an inactive target is held",
        result("server_error", 500),
        1,
        SCHEDULE,
        INACTIVE,
        {},
        Decision("held", failures=3),
    ),
    (
        "a dead delivery for an inactive target still counts",
        result("client_error", 400),
        1,
        SCHEDULE,
        INACTIVE,
        {},
        Decision("dead", failures=4),
    ),
    (
        "reaching deactivate_after deactivates the target",
        result("client_error", 400),
        1,
        SCHEDULE,
        TargetState(failures=19, deactivate_after=20),
        {},
        Decision("dead", failures=20, deactivate=True),
    ),
    (
        "deactivate_after 0 never deactivates",
        result("client_error", 400),
        1,
        SCHEDULE,
        TargetState(failures=999, deactivate_after=0),
        {},
        Decision("dead", failures=1000),
    ),
    (
        "an inactive target is not deactivated again",
        result("client_error", 400),
        1,
        SCHEDULE,
        TargetState(active=False, failures=25, deactivate_after=20),
        {},
        Decision("dead", failures=26),
    ),
]


@pytest.mark.parametrize(
    ("res", "attempts", "policy", "target", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_decision_table(
    res: AttemptResult,
    attempts: int,
    policy: RetryPolicy,
    target: TargetState,
    options: dict[str, object],
    expected: Decision,
) -> None:
    got = decide(res, attempts, policy, target, NOW, **options)  # type: ignore[arg-type]
    if expected.wait is not None:
        assert got.wait == pytest.approx(expected.wait)
        assert got.at == pytest.approx(expected.at)
        got = got._replace(wait=expected.wait, at=expected.at)
    assert got == expected


def test_every_outcome_has_a_decision() -> None:
    for outcome in OUTCOMES:
        got = decide(result(outcome, 200 if outcome == "success" else None), 1, FAST, ACTIVE, NOW)
        assert got.kind in ("delivered", "retry", "dead")


def test_jitter_comes_from_the_rng_given() -> None:
    waits = {
        decide(result("timeout"), 2, ZENOTI, ACTIVE, NOW, rng=random.Random(seed)).wait
        for seed in (1, 1, 1)
    }
    assert len(waits) == 1
    wait = waits.pop()
    assert wait is not None and 60.0 <= wait <= 63.0


def test_attempts_must_count_the_attempt_made() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        decide(result("timeout"), 0, FAST, ACTIVE, NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_retry_after_in_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    when = format_datetime(datetime.fromtimestamp(NOW + 90, UTC), usegmt=True)
    assert parse_retry_after(when, NOW) == pytest.approx(90.0)
    past = format_datetime(datetime.fromtimestamp(NOW - 90, UTC), usegmt=True)
    assert parse_retry_after(past, NOW) == 0.0


def test_importing_the_decision_loads_neither_asyncio_nor_aiohttp() -> None:
    """The Locust users import it in a gevent process, where our asyncio code must not load."""
    script = (
        "import sys, mockzenoti.delivery.decision, mockzenoti.delivery.policy\n"
        "from mockzenoti.delivery.decision import decide\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('asyncio', 'aiohttp'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
