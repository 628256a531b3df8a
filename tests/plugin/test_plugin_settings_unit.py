"""``ZenotiSettings``, markers on top, and what the settings become (target, options)."""

from __future__ import annotations

from typing import Any

import pytest

from mockzenoti.delivery import parse_policy
from mockzenoti.errors import ConfigError
from mockzenoti.testing import ZenotiSettings
from mockzenoti.testing.settings import merge_markers
from mockzenoti.testing.wiring import auto_retry_scale, build_options, build_target


class Marker:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs


def test_defaults_are_fast_unsigned_and_unordered() -> None:
    s = ZenotiSettings()
    assert (s.retry, s.scheme, s.ordering, s.outbox, s.seed_number) == (
        "fast",
        "none",
        "none",
        ":memory:",
        0,
    )
    assert ZenotiSettings(secret="x").scheme == "zenoti"
    assert ZenotiSettings(secret="x", signing="none").scheme == "none"
    assert ZenotiSettings(seed="abc").seed_number == ZenotiSettings(seed="abc").seed_number != 0
    plain = ZenotiSettings(chaos={"duplicate": 0.1}, target={"headers": {"X-A": "1"}}).as_dict()
    assert plain["chaos"] == {"duplicate": 0.1} and plain["target"] == {"headers": {"X-A": "1"}}
    assert type(plain["target"]) is dict and plain["retry"] == "fast"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"seed": 1.5}, "seed"),
        ({"retry": ""}, "retry"),
        ({"retry_scale": -1}, "retry_scale"),
        ({"scale_retry_after": "yes"}, "scale_retry_after"),
        ({"signing": "hmac"}, "signing"),
        ({"signing": "zenoti"}, "secret"),
        ({"secret": ""}, "secret"),
        ({"ordering": "global"}, "ordering"),
        ({"chaos": {"duplicates": 0.1}}, "chaos.duplicates"),
        ({"concurrency": 0}, "concurrency"),
        ({"timeout": 0}, "timeout"),
        ({"wait_timeout": True}, "wait_timeout"),
        ({"outbox": "/tmp/x.sqlite"}, "outbox"),
        ({"world": 3}, "world"),
        ({"target": {"url": "http://x"}}, "target.url"),
    ],
)
def test_bad_values_name_their_setting(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ZenotiSettings(**changes)
    assert caught.value.field == field


def test_markers_apply_farthest_first() -> None:
    base = ZenotiSettings(secret="suite")
    # iter_markers yields the closest first: the function's, then the class's
    merged = merge_markers(base, [Marker(seed=2), Marker(seed=1, ordering="per-entity")])
    assert (merged.seed, merged.ordering, merged.secret) == (2, "per-entity", "suite")
    with pytest.raises(ConfigError, match="did you mean 'ordering'"):
        merge_markers(base, [Marker(orderng="none")])
    with pytest.raises(ConfigError, match="keyword arguments only"):
        merge_markers(base, [Marker(7)])


@pytest.mark.parametrize(
    ("spec", "scale"),
    [
        ("fast", 1.0),
        ("none", 1.0),
        ("zenoti", 0.05 / 600),
        ("standard", 0.05 / 36000),
        ("1s,5s,30s", 0.05 / 30),
        ("10ms,20ms", 1.0),
    ],
)
def test_auto_retry_scale_makes_the_longest_wait_50_ms(spec: str, scale: float) -> None:
    assert auto_retry_scale(parse_policy(spec)) == pytest.approx(scale)


def test_what_the_settings_become() -> None:
    s = ZenotiSettings(
        seed="x",
        secret="s3cret",
        retry="zenoti",
        retry_scale=0.5,
        ordering="per-entity",
        chaos={"duplicate": 0.5},
        concurrency=3,
        timeout=2,
        target={"deactivate_after": 0},
    )
    target = build_target(s, "http://127.0.0.1:9/hook")
    assert (target.scheme, target.secrets, target.policy.spec, target.timeout) == (
        "zenoti",
        ("s3cret",),
        "zenoti",
        2,
    )
    assert target.deactivate_after == 0
    options = build_options(s, target.policy)
    assert (options.retry_scale, options.ordering, options.concurrency) == (0.5, "per-entity", 3)
    assert options.chaos.duplicate == 0.5 and options.seed == s.seed_number
    assert options.scale_retry_after is True  # a test never waits for a consumer's limiter
    honoured = build_options(ZenotiSettings(scale_retry_after=False), target.policy)
    assert honoured.scale_retry_after is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retry": "often"}, "retry"),
        ({"signing": "standard", "secret": "not base64!"}, "secret"),
        ({"target": {"method": "GET"}}, "target.method"),
        ({"target": {"colour": "red"}}, "target"),
    ],
)
def test_target_problems_name_the_setting(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_target(ZenotiSettings(**changes), "http://127.0.0.1:9/")
    assert caught.value.field == field
    assert caught.value.message.startswith(field)
