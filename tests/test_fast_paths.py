"""The generation fast paths give what the plain forms give, byte for byte.

The envelope reuses a second's ids prefix and wall time and writes counters
from a table; the renderers' time writers are cached per instant and local
day; appointment operations ask ``permits`` before ``require``; whole amounts
skip ``round``. Each is checked here against the plain form.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from mockzenoti.envelope import EventStream
from mockzenoti.ids import ObjectIdFactory
from mockzenoti.model.sales import round_cents
from mockzenoti.render._common import local, local_day, midnight_utc, money, utc, utc_z
from mockzenoti.timefmt import TICKS_PER_SECOND, at_local, dotnet_utc, local_date, utc_second, zone
from mockzenoti.world.rules import RULES, TransitionError, permits, require

ZONES = (
    "Pacific/Honolulu",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/New_York",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",
)


def instants(seed: int, count: int) -> list[int]:
    """Random instants of 2024-2027, many on whole seconds and minutes, some near midnights."""
    rng = random.Random(seed)
    low, high = 17_040_672_000_000_000, 18_000_000_000_000_000
    found = []
    for _ in range(count):
        t = rng.randrange(low, high)
        found.append((t, t - t % TICKS_PER_SECOND, t - t % 600_000_000)[rng.randrange(3)])
    return found


def test_utc_second_is_gmtime_written_naive() -> None:
    for t in instants(1, 3000):
        s = t // TICKS_PER_SECOND
        g = time.gmtime(s)
        assert utc_second(s) == time.strftime("%Y-%m-%dT%H:%M:%S", g)
        assert utc(t) == utc_second(s) and utc_z(t) == utc_second(s) + "Z"


def test_cached_local_writers_match_the_plain_conversions() -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    rng = random.Random(2)
    for t in instants(2, 4000):
        tz = rng.choice(ZONES)
        wall = (epoch + timedelta(microseconds=t // 10)).astimezone(zone(tz))
        assert local_date(t, tz) == wall.date()
        assert local(t, tz) == wall.replace(tzinfo=None, microsecond=0).isoformat()
        assert local_day(t, tz) == wall.date().isoformat() + "T00:00:00"
        midnight = datetime(wall.year, wall.month, wall.day, tzinfo=zone(tz)).astimezone(UTC)
        assert midnight_utc(t, tz) == midnight.replace(tzinfo=None).isoformat()
        assert at_local(wall.date(), 0, tz) == (midnight - epoch) // timedelta(microseconds=1) * 10


def test_envelope_stamps_and_ids_match_the_plain_writers() -> None:
    stream = EventStream(random.Random(5))
    rng = random.Random(7)
    t = 17_400_000_000_000_000
    for _ in range(3000):
        t += rng.choice((0, 1, 3, TICKS_PER_SECOND - 1, TICKS_PER_SECOND, 600_000_000))
        payload = stream.event("AppointmentGroup.Status", {}, t).payload
        stamped = stream._last
        assert payload["event_timestamp"] == dotnet_utc(stamped)
        prefix = f"{stamped // TICKS_PER_SECOND:08x}{stream.machine}"
        assert payload["event_id"][:18] == payload["id"][:18] == prefix
        assert 1 <= int(payload["id"][18:], 16) - int(payload["event_id"][18:], 16) <= 3


def test_objectid_pairs_match_minted_ids_across_the_counter_wrap() -> None:
    paired, minted = ObjectIdFactory(random.Random(4)), ObjectIdFactory(random.Random(4))
    paired._counter = minted._counter = 0xFFFFF0  # wraps to 0 within the run
    for i in range(3000):
        second = 0x6239C378 + i // 3
        event_id, delivery_id = paired.pair(second)
        assert event_id == minted.mint(second)
        minted._counter = int(delivery_id[18:], 16) - 1 & 0xFFFFFF
        assert delivery_id == minted.mint(second)


def test_permits_agrees_with_require_on_every_rule_state_and_time() -> None:
    states = {s for rule in RULES.values() for s in (*rule.sources, rule.target) if s}
    for (kind, action), rule in RULES.items():
        for state in sorted(states):
            for now in (0, 5, 10, 15, 20, 25):
                allowed = permits(rule, state, now, 10, 20)
                try:
                    require(kind, action, state, "it", now=now, start=10, end=20)
                except TransitionError:
                    assert not allowed, (kind, action, state, now)
                else:
                    assert allowed, (kind, action, state, now)


def test_money_fast_paths_match_round() -> None:
    rng = random.Random(3)
    amounts = [0, 0.0, -0.0, 7, 120.0, -35.0, 0.005, 0.015, 2.675, 1.005, 5.12, -1.125, 1e15 + 0.5]
    amounts += [
        rng.randrange(-50_000, 50_000) / rng.choice((1, 4, 8, 10, 100, 1000, 3))
        for _ in range(20_000)
    ]
    amounts += [a * r for a in amounts[:2_000] for r in (0.1, 0.0825, 0.2)]
    for a in amounts:
        rounded = round(a, 2)
        whole = int(rounded)
        plain = whole if whole == rounded else rounded
        assert money(a) == plain and type(money(a)) is type(plain), a
        cents = round_cents(a)
        assert cents == round(a + 0.0, 2) and type(cents) is float, a
        assert str(cents) == str(round(a + 0.0, 2)), a
