"""The player: an event at a time, signed, retried by the shared decision, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockzenoti.delivery.decision import AttemptResult
from mockzenoti.delivery.policy import ZENOTI
from mockzenoti.delivery.signing import verify
from mockzenoti.event import Event
from mockzenoti.swarm import Shard, ShardPlayer, SwarmTarget, shard_simulation
from mockzenoti.swarm.player import USER_AGENT

OK = AttemptResult("success", 200, None, 0.001, None)


def status(code: int, retry_after: float | None = None) -> AttemptResult:
    outcome = "server_error" if code >= 500 else "client_error"
    return AttemptResult(outcome, code, None, 0.001, "no", retry_after)


class Script:
    """A receiver's answers in order (then 200s), and every request it got."""

    def __init__(self, *answers: AttemptResult) -> None:
        self.answers: Iterator[AttemptResult] = iter(answers)
        self.requests: list[tuple[Event, bytes, dict[str, str]]] = []

    def __call__(self, event: Event, body: bytes, headers: dict[str, str]) -> AttemptResult:
        self.requests.append((event, body, headers))
        return next(self.answers, OK)


class Clock:
    """Time that moves only when the player waits; ``stop_after`` waits cut short."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.now = 1_700_000_000.0
        self.waits: list[float] = []
        self.stop_after = stop_after

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        if self.stop_after is not None and len(self.waits) >= self.stop_after:
            return False
        self.waits.append(seconds)
        self.now += seconds
        return True


def player(clock: Clock, **target: Any) -> ShardPlayer:
    options: dict[str, Any] = {"secrets": ("s3cret",), "retry": "zenoti", **target}
    sim = shard_simulation(Shard("p", 0, 0))
    return ShardPlayer(Shard("p", 0, 0), sim, SwarmTarget("http://x/", **options), clock=clock)


def test_events_leave_in_order_signed_with_the_targets_headers() -> None:
    clock, script = Clock(), Script()
    p = player(clock)
    assert [p.play(script, clock.wait) for _ in range(50)] == ["delivered"] * 50
    events = [e for e, _, _ in script.requests]
    assert [e.seq for e in events] == list(range(50))
    for event, body, headers in script.requests:
        assert body == event.body()
        assert verify("zenoti", ["s3cret"], body, headers, now=clock.now)
        assert headers["User-Agent"] == USER_AGENT
        assert headers["Content-Type"] == "application/json"
    assert p.tally.as_dict() == {
        "events": 50,
        "attempts": 50,
        "delivered": 50,
        "retried": 0,
        "dead": 0,
        "held": 0,
        "interrupted": 0,
        "possible_duplicates": 0,
        "outcomes": {"success": 50},
    }
    assert not p.busy and p.undelivered == []


@pytest.mark.parametrize("code", [500, 503, 408, 429])
def test_retried_answers_wait_the_policys_time_then_go_again(code: int) -> None:
    clock, script = Clock(), Script(status(code), status(code))
    p = player(clock)
    assert p.play(script, clock.wait) == "delivered"
    assert len(script.requests) == 3
    assert {r[0].event_id for r in script.requests} == {script.requests[0][0].event_id}
    assert 30 <= clock.waits[0] <= 33 and 60 <= clock.waits[1] <= 63
    assert (p.tally.attempts, p.tally.retried, p.tally.delivered) == (3, 2, 1)


def test_a_retry_after_sets_the_wait_in_real_time_capped_by_the_policy() -> None:
    clock = Clock()
    p = player(clock, retry_scale=0.001)
    assert p.play(Script(status(429, 7.0), status(503, 5000.0)), clock.wait) == "delivered"
    assert clock.waits == [7.0, ZENOTI.retry_after_max]


def test_timeouts_and_closed_connections_are_retried_and_counted_as_possible_duplicates() -> None:
    clock = Clock()
    timeout = AttemptResult("timeout", None, "timed out", 10.0, None)
    closed = AttemptResult("connection", None, "closed", 0.1, None, written=True)
    refused = AttemptResult("connection", None, "refused", 0.1, None, written=False)
    p = player(clock, retry="fast")
    assert p.play(Script(timeout, closed, refused), clock.wait) == "delivered"
    assert p.tally.outcomes == {"timeout": 1, "connection": 2, "success": 1}
    assert p.tally.possible_duplicates == 1


def test_a_refused_answer_is_dead_at_once_and_kept_for_replay() -> None:
    clock, script = Clock(), Script(status(400))
    p = player(clock)
    assert p.play(script, clock.wait) == "dead"
    assert clock.waits == []
    (kept,) = p.undelivered
    event = script.requests[0][0]
    assert kept["state"] == "dead" and kept["last_status"] == 400 and kept["attempts"] == 1
    assert kept["envelope"] == event.payload and kept["shard"] == "w0u0"
    assert (kept["event_id"], kept["event_type"]) == (event.event_id, event.event_type)


def test_retries_run_out_then_the_event_is_dead_and_the_next_one_goes() -> None:
    clock = Clock()
    p = player(clock, retry="1s,2s")
    assert p.play(Script(*[status(500)] * 3), clock.wait) == "dead"
    assert clock.waits == [1.0, 2.0]
    assert p.play(Script(), clock.wait) == "delivered"
    assert p.tally.events == 2 and p.tally.dead == 1 and p.tally.delivered == 1


def test_dead_deliveries_in_a_row_deactivate_the_webhook_and_then_nothing_is_sent() -> None:
    clock = Clock()
    p = player(clock, retry="none", deactivate_after=3)
    script = Script(*[status(500)] * 10)
    assert [p.play(script, clock.wait) for _ in range(3)] == ["dead"] * 3
    assert not p.target.active
    assert p.play(script, clock.wait) is None
    assert len(script.requests) == 3 and p.tally.events == 3


def test_a_success_resets_the_failures_in_a_row() -> None:
    clock = Clock()
    p = player(clock, retry="none", deactivate_after=2)
    script = Script(status(500), OK, status(500), OK)
    assert [p.play(script, clock.wait) for _ in range(4)] == ["dead", "delivered"] * 2
    assert p.target.active


def test_a_retry_the_stop_cuts_short_is_interrupted_and_kept() -> None:
    clock = Clock(stop_after=1)
    p = player(clock)
    assert p.play(Script(status(503), status(503)), clock.wait) == "interrupted"
    assert p.tally.interrupted == 1 and p.tally.attempts == 2 and p.tally.retried == 1
    assert p.undelivered[0]["state"] == "interrupted"


def test_a_finite_stream_ends_and_the_player_says_so() -> None:
    clock = Clock()
    sim = shard_simulation(Shard("f", 0, 0), scenario="guest-lifecycle")
    p = ShardPlayer(Shard("f", 0, 0), sim, SwarmTarget("http://x/"), clock=clock)
    script = Script()
    while p.play(script, clock.wait) is not None:
        pass
    assert p.ended and p.tally.events == len(script.requests) > 0
    assert "zenoti-webhook-signature" not in script.requests[0][2]  # no secret: unsigned


def test_standard_webhooks_signatures_carry_the_delivery_id() -> None:
    clock, script = Clock(), Script()
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    p = player(clock, secrets=(secret,), signing="standard")
    p.play(script, clock.wait)
    event, body, headers = script.requests[0]
    assert headers["webhook-id"] == event.id
    assert verify("standard", [secret], body, headers, now=clock.now)


class Killed(BaseException):
    """What gevent raises in a greenlet killed at once (GreenletExit is a BaseException)."""


def test_a_user_killed_in_the_middle_of_an_event_leaves_it_interrupted_and_kept() -> None:
    clock = Clock()
    p = player(clock)

    def post(event: Event, body: bytes, headers: dict[str, str]) -> AttemptResult:
        if p.tally.attempts:
            raise Killed
        return status(503)

    with pytest.raises(Killed):
        p.play(post, clock.wait)
    assert not p.busy
    assert (p.tally.events, p.tally.interrupted, p.tally.attempts) == (1, 1, 1)
    (kept,) = p.undelivered
    assert kept["state"] == "interrupted" and kept["attempts"] == 2
    assert kept["last_status"] == 503 and kept["last_error"] == "stopped while sending"
