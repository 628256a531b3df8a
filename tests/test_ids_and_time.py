"""ObjectIds, GUIDs and Zenoti's datetime forms."""

from __future__ import annotations

import random
import re

import pytest

from mockzenoti.ids import ObjectIdFactory, guid, objectid_second, target_delivery_id
from mockzenoti.timefmt import dotnet_utc, local_naive, parse_dotnet_utc

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_guid_is_lowercase_v4_and_seeded() -> None:
    values = [guid(random.Random(7)) for _ in range(2)]
    assert values[0] == values[1]
    assert GUID.match(values[0])
    assert guid(random.Random(8)) != values[0]


def test_objectid_pair_shares_second_and_machine_with_event_id_below_id() -> None:
    factory = ObjectIdFactory(random.Random(3))
    second = 0x6239C378
    for _ in range(200):
        event_id, delivery_id = factory.pair(second)
        assert objectid_second(event_id) == objectid_second(delivery_id) == second
        assert event_id[8:18] == delivery_id[8:18] == factory.machine
        step = int(delivery_id[18:], 16) - int(event_id[18:], 16)
        assert 1 <= step <= 3


def test_objectid_counter_keeps_increasing_across_events() -> None:
    factory = ObjectIdFactory(random.Random(5))
    ids = [factory.pair(100)[1] for _ in range(50)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 50


def test_target_delivery_ids_are_distinct_and_keep_second_and_machine() -> None:
    first = "6239c378a961750e01dda09c"
    ids = [target_delivery_id(first, i) for i in range(16)]
    assert ids[0] == first
    assert len(set(ids)) == 16
    assert all(i[:18] == first[:18] for i in ids)
    with pytest.raises(ValueError):
        target_delivery_id(first, -1)


@pytest.mark.parametrize(
    "text",
    [
        "2022-03-22T12:39:20.6984376Z",
        "2022-03-22T12:36:45.390915Z",
        "2024-07-25T14:52:06.769417Z",
        "2022-03-22T12:36:45Z",
    ],
)
def test_dotnet_timestamps_round_trip_exactly(text: str) -> None:
    assert dotnet_utc(parse_dotnet_utc(text)) == text


def test_dotnet_fraction_drops_trailing_zeros() -> None:
    ticks = parse_dotnet_utc("2022-03-22T12:36:45Z") + 3_909_150
    assert dotnet_utc(ticks) == "2022-03-22T12:36:45.390915Z"


def test_parse_refuses_other_forms() -> None:
    for bad in ["2022-03-22T12:36:45", "2022-03-22T12:36:45.12345678Z", "2022-03-22 12:36:45Z"]:
        with pytest.raises(ValueError):
            parse_dotnet_utc(bad)


def test_local_time_matches_documented_bellevue_sample() -> None:
    # AppointmentGroup.Created: 16:15 UTC is 09:15 in Bellevue (UTC-7 in July).
    ticks = parse_dotnet_utc("2024-07-25T16:15:00Z")
    assert local_naive(ticks, "America/Los_Angeles") == "2024-07-25T09:15:00"
