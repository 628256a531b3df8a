"""Bad input raises MockZenotiError subclasses naming the field; good input normalises."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mockzenoti.delivery import Chaos, DeliveryOptions, Target, parse_policy
from mockzenoti.delivery.clock import FakeClock
from mockzenoti.delivery.ratelimit import RateLimiter
from mockzenoti.delivery.targets import validate_targets
from mockzenoti.errors import MockZenotiError

URL = "http://127.0.0.1:9/hook"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "http:///nohost"}, "url"),
        ({"method": "GET"}, "method"),
        ({"method": "DELETE"}, "method"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.5}, "timeout"),
        ({"timeout": "10"}, "timeout"),
        ({"headers": {"Content-Type": "text/plain"}}, "headers"),
        ({"headers": {"X-Num": 5}}, "headers"),
        ({"headers": {"X Bad": "1"}}, "headers"),
        ({"headers": {"X-Inject": "1\r\nX-Evil: 2"}}, "headers"),
        ({"signature": "md5", "secrets": ("s",)}, "signature"),
        ({"signature": "zenoti"}, "secrets"),
        ({"signature": "standard", "secrets": ("%%%",)}, "secrets"),
        ({"policy": "eventually"}, "policy"),
        ({"retry_statuses": frozenset({500})}, "retry_statuses"),
        ({"deactivate_after": -1}, "deactivate_after"),
        ({"event_types": []}, "event_types"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_target_settings_name_the_field(kwargs: dict[str, object], field: str) -> None:
    settings: dict[str, object] = {"url": URL, **kwargs}
    with pytest.raises(MockZenotiError) as info:
        Target(**settings)  # type: ignore[arg-type]
    assert info.value.field == field


def test_target_normalises_and_round_trips_through_json() -> None:
    target = Target(
        URL,
        name="crm",
        method="patch",
        headers={"Authorization": "Bearer t"},
        event_types=frozenset({"Guest.Created"}),
        center_ids=frozenset({"c-1"}),
        secrets=("s3cret",),
        timeout=2.5,
        policy="1s,5s",
        retry_statuses=frozenset({409}),
        deactivate_after=0,
    )
    assert target.method == "PATCH"
    assert target.scheme == "zenoti"
    assert target.policy.schedule == (1.0, 5.0)
    assert Target.from_dict(target.to_dict()) == target
    assert Target(URL).scheme == "none"
    assert replace(Target(URL), secrets=("s",)).scheme == "zenoti"
    assert Target(URL, secrets="one").secrets == ("one",)


def test_from_dict_refuses_unknown_settings() -> None:
    with pytest.raises(MockZenotiError) as info:
        Target.from_dict({"url": URL, "colour": "blue"})
    assert info.value.field == "colour"
    with pytest.raises(MockZenotiError) as info:
        Target.from_dict({"name": "x"})
    assert info.value.field == "url"


def test_filters_by_event_type_name_and_center() -> None:
    org = Target(URL)
    assert org.wants("Guest.Created", None)
    one = Target(URL, event_types=frozenset({"Guest.Created"}), center_ids=frozenset({"c-1"}))
    assert one.wants("Guest.Created", "c-1")
    assert not one.wants("Guest.Created", "c-2")
    assert not one.wants("Guest.Created", None)
    assert not one.wants("Guest.Deleted", "c-1")
    renamed = Target(URL, event_types=frozenset({"Appointment.Started"}))
    assert renamed.wants("Appointment.Start", None, name="Appointment.Started")


def test_target_lists_refuse_duplicates_and_emptiness() -> None:
    with pytest.raises(MockZenotiError) as info:
        validate_targets([Target(URL), Target(URL)])
    assert info.value.field == "targets"
    with pytest.raises(MockZenotiError):
        validate_targets([])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"rate": -5}, "rate"),
        ({"rate": 0}, "rate"),
        ({"rate": float("inf")}, "rate"),
        ({"retry_scale": -0.1}, "retry_scale"),
        ({"ordering": "strict"}, "ordering"),
        ({"batch_size": 0}, "batch_size"),
        ({"max_outstanding": 0}, "max_outstanding"),
        ({"seed": 1.5}, "seed"),
        ({"http_client": "httpx"}, "http_client"),
    ],
)
def test_bad_options_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(MockZenotiError) as info:
        DeliveryOptions(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"duplicate": 1.5}, "chaos.duplicate"),
        ({"reorder": -2}, "chaos.reorder"),
        ({"delay": -1}, "chaos.delay"),
    ],
)
def test_bad_chaos_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(MockZenotiError) as info:
        Chaos(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_negative_rate_for_the_limiter_is_refused() -> None:
    with pytest.raises(MockZenotiError) as info:
        RateLimiter(-1, FakeClock())
    assert info.value.field == "rate"


def test_policy_spec_errors_from_targets_name_policy() -> None:
    with pytest.raises(MockZenotiError) as info:
        parse_policy("3x")
    assert info.value.field == "policy"
