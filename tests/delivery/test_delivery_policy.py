"""Retry policies: presets, explicit schedules, the wait formula, scaling, bad input."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockzenoti.delivery.policy import (
    FAST,
    NONE,
    STANDARD,
    ZENOTI,
    RetryPolicy,
    parse_duration,
    parse_policy,
)
from mockzenoti.errors import ConfigError, MockZenotiError


def test_zenoti_preset_is_five_retries_from_30s_doubling_below_10_minutes() -> None:
    assert ZENOTI.max_retries == 5
    rng = random.Random(1)
    waits = [ZENOTI.base_wait(k, rng) for k in range(1, 6)]
    for k, wait in enumerate(waits, start=1):
        floor = 30.0 * 2 ** (k - 1)
        assert floor <= wait <= min(600.0, floor + 3.0)
    assert all(30.0 <= w <= 600.0 for w in waits)
    assert ZENOTI.retry_after_max == 600.0


@given(st.integers(1, 5), st.integers(0, 2**32))
def test_zenoti_jitter_stays_within_its_bounds(retry: int, seed: int) -> None:
    wait = ZENOTI.base_wait(retry, random.Random(seed))
    floor = 30.0 * 2 ** (retry - 1)
    assert floor <= wait <= floor + 3.0


def test_jitter_is_reproducible_from_the_seed_and_varies_between_seeds() -> None:
    same = {ZENOTI.base_wait(3, random.Random(42)) for _ in range(3)}
    assert len(same) == 1
    different = {ZENOTI.base_wait(3, random.Random(s)) for s in range(20)}
    assert len(different) > 10


def test_exponential_formula_clamps_at_wait_max() -> None:
    policy = RetryPolicy("x", max_retries=6, wait_initial=100, wait_max=500, wait_jitter=0)
    assert [policy.base_wait(k) for k in range(1, 7)] == [100, 200, 400, 500, 500, 500]


def test_fast_preset_is_the_zenoti_shape_in_milliseconds() -> None:
    assert FAST.max_retries == ZENOTI.max_retries
    waits = [FAST.base_wait(k, random.Random(0)) for k in range(1, 6)]
    assert sum(waits) < 0.05
    assert waits == sorted(waits)
    assert waits[0] >= 0.001


def test_standard_preset_is_the_svix_schedule() -> None:
    assert STANDARD.schedule == (5, 300, 1800, 7200, 18000, 36000, 36000)
    assert STANDARD.max_retries == 7
    assert [STANDARD.base_wait(k) for k in range(1, 8)] == list(STANDARD.schedule)


def test_none_never_retries() -> None:
    assert NONE.max_retries == 0
    with pytest.raises(ValueError):
        NONE.base_wait(1)


@pytest.mark.parametrize(
    ("spec", "waits"),
    [
        ("1s,5s,30s", (1.0, 5.0, 30.0)),
        ("500ms, 2m ,1h", (0.5, 120.0, 3600.0)),
        ("0,1.5", (0.0, 1.5)),
        ("250ms", (0.25,)),
    ],
)
def test_explicit_schedules_accept_ms_s_m_h(spec: str, waits: tuple[float, ...]) -> None:
    policy = parse_policy(spec)
    assert policy.schedule == waits
    assert policy.max_retries == len(waits)
    assert parse_policy(policy.spec).schedule == waits  # the normalised spec round-trips
    assert policy.retry_after_max == max(waits)


def test_presets_parse_by_name_case_insensitively() -> None:
    assert parse_policy("Zenoti") is ZENOTI
    assert parse_policy("standard") is STANDARD
    assert parse_policy("none") is NONE
    assert parse_policy("fast") is FAST
    assert parse_policy(ZENOTI) is ZENOTI


@pytest.mark.parametrize("bad", ["", "sometimes", "1s,,2s", "-1s", "5 parsecs", "1s;2s", "1w"])
def test_bad_policies_raise_naming_the_field(bad: str) -> None:
    with pytest.raises(MockZenotiError) as info:
        parse_policy(bad, field="targets[0].policy")
    assert info.value.field == "targets[0].policy"


def test_parse_duration_units_and_errors() -> None:
    assert parse_duration("90") == 90.0
    assert parse_duration("1.5m") == 90.0
    assert parse_duration(".5s") == 0.5
    with pytest.raises(ConfigError) as info:
        parse_duration("soon", field="timeout")
    assert info.value.field == "timeout"


def test_full_zenoti_schedule_at_scale_0_001_is_under_a_second() -> None:
    total = sum(ZENOTI.base_wait(k, random.Random(k)) * 0.001 for k in range(1, 6))
    assert 0.93 <= total < 0.95


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("1.5s", 1.5),
        ("1m30s", 90.0),
        ("2h", 7200.0),
        ("3d", 259200.0),
        ("1h 30m", 5400.0),
        ("10", 10.0),
        ("2M", 120.0),
    ],
)
def test_one_duration_grammar_for_every_option(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["soon", "", "5x", "1m30", "-5s", "ms", "1s,2s"])
def test_malformed_durations_name_their_field(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_duration(text, field="--timeout")
    assert info.value.field == "--timeout"


def test_scenario_durations_share_the_grammar_and_give_ticks() -> None:
    from mockzenoti.scenarios.durations import parse_duration as simulated

    assert simulated("1m30s") == 90 * 10_000_000
    assert simulated("500ms") == 5_000_000
    with pytest.raises(MockZenotiError):
        simulated("0s")
    with pytest.raises(MockZenotiError):
        simulated("90")  # a scenario file says its unit


def test_invalid_policy_objects_are_refused() -> None:
    with pytest.raises(ConfigError):
        RetryPolicy("x", max_retries=-1)
    with pytest.raises(ConfigError):
        RetryPolicy("x", max_retries=2, schedule=(1.0,))
    with pytest.raises(ConfigError):
        RetryPolicy("x", max_retries=1, wait_initial=-1, wait_max=5)


def test_describe_states_the_waits() -> None:
    assert ZENOTI.describe().startswith("zenoti: 5 retries after 30s, 1m, 2m, 4m, 8m")
    assert parse_policy("1s,5s").describe() == "1s,5s: 2 retries after 1s, 5s"
    assert NONE.describe() == "none: no retries"


@pytest.mark.parametrize(
    "schedule",
    [
        "746952s,2724.129h,.74,.8h,.6,220710.14s",  # found by schemathesis: 9.80686e+06s
        "0.0000001s,1.000001s,123456789.123s",
        "30s,1m,2h,1d",
    ],
)
def test_a_schedules_spec_parses_back_to_the_same_waits(schedule: str) -> None:
    policy = parse_policy(schedule)
    again = parse_policy(policy.spec)
    assert again.schedule == policy.schedule and again.spec == policy.spec
    assert "e" not in policy.spec.replace("ms", "")  # the duration grammar has no exponent
