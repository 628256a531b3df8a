"""Failures read well, and retries never wait for real backoff.

The generated tests below fail on purpose; the subprocess's report must say
what was expected, what arrived and what is closest.
"""

from __future__ import annotations

import pytest
from plugin_support import ini, run

FAILING_TESTS = """
import pytest


@pytest.mark.asyncio
async def test_assert_received_shows_the_closest(zenoti_emitter, zenoti_sink):
    await zenoti_emitter.emit("Class.Booking.Created", {"data.registration_id": 17})
    await zenoti_emitter.emit("Class.Booking.NoShow", {"data.registration_id": 4242})
    zenoti_sink.assert_received("Class.Booking.NoShow", registration_id=4243)


def test_assert_not_received(zenoti_emitter, zenoti_sink):
    zenoti_emitter.emit_sync("Guest.Created", {"data.personal_info.first_name": "Maya"})
    zenoti_sink.assert_not_received("Guest.Created", **{"personal_info.first_name": "Maya"})


@pytest.mark.asyncio
async def test_wait_for_times_out(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_first=1)
    await zenoti_emitter.emit("Guest.Created")
    await zenoti_sink.wait_for(2, event_type="Guest.Created", timeout=0.2)


@pytest.mark.zenoti(retry="none")
def test_wait_delivered_reports_dead_deliveries(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(status=500)
    zenoti_emitter.emit_sync("Guest.Created")


def test_wait_delivered_times_out(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(latency=5)
    run = zenoti_emitter.run_sync("class-lifecycle", events=3, timeout=0.3)
"""

BACKOFF_TESTS = """
import pytest


def test_fast_by_default(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_first=3)
    run = zenoti_emitter.emit_sync("Guest.Created")
    assert run.policy.spec == "fast" and zenoti_emitter.options.retry_scale == 1.0
    assert [a.status for a in run.attempts()] == [500, 500, 500, 200]


@pytest.mark.zenoti(retry="zenoti")
def test_zenoti_policy_scaled_down(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_first=2, retry_after="120")
    run = zenoti_emitter.run_sync("class-lifecycle", events=30)
    assert (run.policy.spec, run.policy.wait_initial, run.policy.max_retries) == ("zenoti", 30, 5)
    assert zenoti_emitter.options.retry_scale == pytest.approx(0.05 / 600)
    assert {d.attempts for d in run.deliveries} == {3}


@pytest.mark.zenoti(retry="standard")
def test_standard_policy_scaled_down(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_first=4)
    run = zenoti_emitter.emit_sync("Guest.Created")
    assert run.policy.schedule[-1] == 36000 and run.deliveries[0].attempts == 5
    assert zenoti_emitter.options.retry_scale == pytest.approx(0.05 / 36000)
"""


def test_failures_read_well(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(test_failing=FAILING_TESTS)
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(failed=5)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: zenoti_sink did not receive a Class.Booking.NoShow event "
            "with registration_id=4243.",
            "*It received 2 events: Class.Booking.Created x1, Class.Booking.NoShow x1.",
            "*Closest:",
            "*#1 Class.Booking.NoShow event_id=*: registration_id is 4242, not 4243",
            "*#0 Class.Booking.Created event_id=*: event_type is 'Class.Booking.Created'; "
            "registration_id is 17, not 4243",
            # assert_not_received
            "*zenoti_sink received 1 x a Guest.Created event with "
            "personal_info.first_name='Maya' (event_id *)",
            # wait_for
            "*WaitTimeout: zenoti_sink.wait_for timed out after 0.2s: wanted 2 x a Guest.Created "
            "event, got 1.",
            "*Accepted 1 events: Guest.Created x1.",
            "*Answered 1 requests with an error: 500 (fail_first) x1.",
            # wait_delivered: dead
            "*DeliveryFailed: run #1: emit Guest.Created (1 events) to http://127.0.0.1:*/ "
            "with retry policy 'none' settled with deliveries not delivered: dead 1.",
            "*dead       Guest.Created event_id=*: 1 attempt, last answer 500: *",
            # wait_delivered: timeout
            "*WaitTimeout: run #1: scenario class-lifecycle (seed *) (3 events) to "
            "http://127.0.0.1:*/ with retry policy 'fast' was not delivered within 0.3s: "
            "delivering 3.",
            "*delivering Class.Schedule.Created event_id=*: attempt 1 waiting for an answer",
            "*(Is the target listening, and is the event loop serving it free to run?)",
        ],
        consecutive=False,
    )


def test_retries_never_wait_for_real_backoff(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(test_backoff=BACKOFF_TESTS)
    run(pytester).assert_outcomes(passed=3)
