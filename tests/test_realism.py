"""Three simulated weeks look like a real business, read as a consumer reads them.

Two 21-day ``day-in-the-life`` streams (a salon group and a gym group, three
centers each) are simulated once and checked as properties of what a
consumer receives: the fields consumers of live traffic read, one country,
a week with a rhythm, an existing clientele, UTMs as Zenoti's widget writes
them, names cased as people write them. Shares and medians have bounds with
room around the figures the profiles aim at; each test says what it checks.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mockzenoti.event import Event
from mockzenoti.scenarios import load_scenario
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.vocab import COUNTRIES

DAYS = 21
KINDS = {"salon": "weeks-salon", "fitness": "weeks-gym"}  # kind -> seed
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Booking:
    """A booking as a consumer sees it: a group created or a class booked."""

    guest_id: str
    center_id: str
    booked: datetime  # UTC
    starts: datetime  # local, naive
    day: int  # days since the stream's start
    utm: tuple[str, str] | None  # appointments only
    kind: str


@dataclass
class Weeks:
    """One 21-day stream and what a consumer reads from it."""

    events: list[Event]
    setup: dict[str, Any]
    truth: dict[str, Any]
    bookings: list[Booking] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # guest id -> position of its Created

    def of(self, name: str) -> list[dict[str, Any]]:
        """The ``data`` of every event called ``name``."""
        return [e.payload["data"] for e in self.events if e.name == name]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")[:19]).replace(tzinfo=UTC)


@cache
def weeks(kind: str) -> Weeks:
    sim = load_scenario("day-in-the-life").simulate(
        KINDS[kind], duration=f"{DAYS}d", sizes={"kind": kind}, track_truth=True
    )
    run = Weeks(list(sim), sim.world.setup(), {})
    run.truth = sim.expected()
    start = _utc(run.setup["start"])
    sessions: dict[int, datetime] = {}  # session id -> its local start
    for i, event in enumerate(run.events):
        data = event.payload["data"]
        stamp = _utc(event.timestamp)
        day = (stamp - start) // timedelta(days=1)
        if event.name == "Guest.Created":
            run.created[data["id"]] = i
        elif event.name.startswith("Class.Schedule."):
            sessions[data["sesion_id"]] = datetime.fromisoformat(data["start_time"])
        elif event.name == "AppointmentGroup.Created":
            first = datetime.fromisoformat(data["appointments"][0]["start_time_in_center"])
            utm = (data["utm_source"], data["utm_medium"])
            guest = data["guest"]["id"]
            run.bookings.append(
                Booking(guest, data["center_id"], stamp, first, day, utm, "appointment")
            )
        elif event.name == "Class.Booking.Created":
            starts = sessions[data["session_id"]]
            run.bookings.append(
                Booking(data["guest_id"], data["center_id"], stamp, starts, day, None, "class")
            )
    return run


@pytest.fixture(params=sorted(KINDS))
def run(request: pytest.FixtureRequest) -> Weeks:
    return weeks(request.param)


# -- 1. the fields consumers read ------------------------------------------------------


def test_closed_invoices_carry_what_consumers_read(run: Weeks) -> None:
    """amount_paid per payment and their total; the prefix; the guest's email; open and refunds."""
    invoices = [d["invoice"] for d in run.of("Invoice.Closed")]
    prefixes = {c["id"]: c["invoice_prefix"] for c in run.setup["centers"]}
    assert len(invoices) > 500
    for inv in invoices:
        paid = [t["amount_paid"] for t in inv["transactions"]]
        assert paid and all("amount" not in t for t in inv["transactions"])
        assert inv["total_amount_paid"] == pytest.approx(sum(paid))
        assert re.fullmatch(r"[A-Z]{2}", inv["invoice_number_prefix"])
        assert inv["invoice_number_prefix"] == prefixes[inv["center_id"]]
        assert inv["guest"]["email"] == inv["guest"]["guest_email"]
    assert len(set(prefixes.values())) == len(prefixes)  # one per center
    opened = [i for i in invoices if not i["is_closed"]]
    refunds = [i for i in invoices if i["is_refund"]]
    assert 0.005 < len(opened) / len(invoices) < 0.08
    assert 0.003 < len(refunds) / len(invoices) < 0.05
    closed_later = {i["id"] for i in invoices if i["is_closed"] and not i["is_refund"]}
    assert all(i["total_amount_paid"] < i["total_price"]["sum_total"] for i in opened)
    end = _utc(run.events[-1].timestamp)
    settled = [i for i in opened if _utc(i["invoice_date"]) < end - timedelta(days=5)]
    assert settled and all(i["id"] in closed_later for i in settled)  # paid up within days
    for r in refunds:
        assert r["total_price"]["sum_total"] < 0 and r["total_amount_paid"] < 0
        assert all(i["price"]["final"] <= 0 for i in r["invoice_items"])


def test_guests_have_a_mobile_object_and_the_invoice_shows_the_same_number(run: Weeks) -> None:
    records = run.of("Guest.Created") + run.of("Guest.Updated")
    phones = [r["personal_info"]["mobile_phone"] for r in records]
    with_phone = [p for p in phones if p is not None]
    assert 0.8 < len(with_phone) / len(phones) < 0.97  # most, not all
    country = COUNTRIES[run.setup["centers"][0]["country"]]
    national = {}
    for r in records:
        p = r["personal_info"]["mobile_phone"]
        if p is not None:
            assert set(p) == {"country_code", "number"} and p["country_code"] == country.phone_code
            assert p["number"].startswith(country.trunk_prefix) and p["number"].isdigit()
            national[r["id"]] = p["number"].removeprefix(country.trunk_prefix)
        else:
            national[r["id"]] = None
    compared = 0
    for d in run.of("Invoice.Closed"):
        guest = d["invoice"]["guest"]
        if guest["id"] in national:
            number = national[guest["id"]]
            expected = "" if number is None else f"+{country.phone_code} {number}"
            assert guest["mobile_phone"] == expected
            compared += 1
    assert compared > 20


# -- 2. one region ---------------------------------------------------------------------


def test_the_organization_is_in_one_country(run: Weeks) -> None:
    centers = run.setup["centers"]
    assert len({c["country"] for c in centers}) == 1
    assert len({c["currency"] for c in centers}) == 1
    country = COUNTRIES[centers[0]["country"]]
    assert all(c["phone_code"] == country.phone_code for c in centers)
    infos = [d["personal_info"] for d in run.of("Guest.Created")]
    codes = {p["country_code"] for info in infos for p in info.values() if isinstance(p, dict)}
    assert codes == {country.phone_code}
    ids = {d["address_info"]["country_id"] for d in run.of("Guest.Created")}
    assert ids == {country.country_id}


def test_several_countries_only_when_asked() -> None:
    from mockzenoti.world import World

    for seed in range(8):
        assert len({c["country"] for c in World(seed, {"centers": 4}).setup()["centers"]}) == 1
    spread = World(1, {"centers": 4, "countries": 2}).setup()["centers"]
    assert len({c["country"] for c in spread}) == 2
    uk = World(1, {"centers": 2, "country": "gb"}).setup()["centers"]
    assert {(c["country"], c["currency"], c["phone_code"]) for c in uk} == {("GB", "GBP", 44)}


def test_prices_are_in_the_countrys_currency() -> None:
    from mockzenoti.world import World

    def haircut(country: str) -> float:
        world = World(2, {"centers": 1, "kind": "salon", "country": country})
        return next(s.price for s in world.centers[0].services if not s.is_add_on)

    us, india, uk = haircut("US"), haircut("IN"), haircut("GB")
    assert india > 10 * us and india % 50 == 0  # rupees, in round fifties
    assert 0.6 * us < uk < us


# -- 3. a week with a rhythm -----------------------------------------------------------


def _visits(run: Weeks) -> list[Booking]:
    return [b for b in run.bookings if b.kind == "appointment"]


def test_centers_keep_their_opening_hours_and_some_close_a_day(run: Weeks) -> None:
    weeks_of = {c["id"]: list(c["weekly_hours"].values()) for c in run.setup["centers"]}
    for b in run.bookings:
        hours = weeks_of[b.center_id][b.starts.weekday()]
        assert hours is not None, (b.center_id, b.starts)
        assert hours["opens"] <= b.starts.strftime("%H:%M") <= hours["closes"]


def test_some_centers_close_one_day_a_week() -> None:
    from mockzenoti.world import World

    closed = Counter(
        sum(h is None for h in c["weekly_hours"].values())
        for seed in range(20)
        for c in World(seed, {"kind": "salon"}).setup()["centers"]
    )
    assert closed[1] > 10 and closed[0] > 5 and set(closed) <= {0, 1}


def test_salons_are_busiest_late_in_the_week_and_on_saturdays() -> None:
    per_day = Counter(WEEKDAYS[b.starts.weekday()] for b in _visits(weeks("salon")))
    late = per_day["Thu"] + per_day["Fri"] + per_day["Sat"]
    early = per_day["Mon"] + per_day["Tue"] + per_day["Wed"]
    assert late > 1.5 * early
    assert per_day["Sat"] == max(per_day.values())


def test_gyms_fill_mornings_and_evenings() -> None:
    hours = Counter(b.starts.hour for b in weeks("fitness").bookings if b.kind == "class")
    morning = sum(hours[h] for h in (6, 7, 8))
    evening = sum(hours[h] for h in (17, 18, 19))
    afternoon = sum(hours[h] for h in (13, 14, 15))
    assert morning > 2 * afternoon and evening > 2 * afternoon


def test_bookings_are_made_days_ahead_online_at_any_hour(run: Weeks) -> None:
    """Median lead of a day or more; same-day and walk-in bookings a minority."""
    zones = {c["id"]: ZoneInfo(c["time_zone"]) for c in run.setup["centers"]}
    settled = [b for b in run.bookings if b.day >= 7]  # past the stream's first week
    leads, same_day, night = [], 0, 0
    for b in settled:
        booked = b.booked.astimezone(zones[b.center_id]).replace(tzinfo=None)
        leads.append((b.starts - booked) / timedelta(days=1))
        same_day += booked.date() == b.starts.date()
        night += booked.hour < 6 or booked.hour >= 22
    assert statistics.median(leads) >= 1.0
    assert same_day / len(settled) < 0.35
    pairs = zip(leads, settled, strict=True)
    walk_ins = [lead for lead, b in pairs if b.utm == ("", "") and lead < 1 / 24]
    assert len(walk_ins) / len(settled) < 0.1
    assert night > 0  # online bookings come at night too


# -- 4. an existing clientele ----------------------------------------------------------


def test_most_bookings_after_the_first_week_come_from_returning_guests(run: Weeks) -> None:
    seen: set[str] = set()
    new = total = 0
    for b in run.bookings:
        first_time = b.guest_id in run.created and b.guest_id not in seen
        seen.add(b.guest_id)
        if b.day >= 7:
            total += 1
            new += first_time
    assert total > 500
    assert new / total < 0.35  # new guests a minority


def test_guests_from_before_the_stream_are_in_the_truth_and_keep_the_invariants(
    run: Weeks,
) -> None:
    named = {b.guest_id for b in run.bookings}
    old = named - set(run.created)
    assert len(old) > 100  # no Guest.Created for them: the stream started mid-life
    assert len(old) <= run.setup["clientele"]["guests"]
    guests = run.truth["guests"]
    assert all(guests[g]["predates_stream"] for g in old)
    assert not any(guests[g]["predates_stream"] for g in run.created)
    assert check_stream(run.events, run.setup) == []


# -- 5. UTMs as the widget writes them -------------------------------------------------


def test_widget_bookings_say_booknow_and_front_desk_bookings_carry_none(run: Weeks) -> None:
    utms = Counter(b.utm for b in _visits(run))
    online = {u: n for u, n in utms.items() if u != ("", "")}
    widget = sum(n for (source, _), n in online.items() if source == "booknow")
    assert 0.3 < utms[("", "")] / sum(utms.values()) < 0.7  # the desk and walk-ins
    assert widget / sum(online.values()) > 0.8
    mediums = {medium for source, medium in online if source == "booknow"}
    assert "google" in mediums and any(m.startswith("aff") for m in mediums)
    assert all(medium for _, medium in online)


# -- 6. names --------------------------------------------------------------------------


def test_surnames_are_cased_as_people_write_them(run: Weeks) -> None:
    names = {d["personal_info"]["last_name"] for d in run.of("Guest.Created")}
    names |= {d["guest"]["last_name"] for d in run.of("AppointmentGroup.Created")}
    faker_cased = re.compile(r"Mc[a-z]+|Macdonald|O(neal|neill|brien|connor|connell|donnell)")
    assert [n for n in names if faker_cased.fullmatch(n)] == []
    assert any(re.fullmatch(r"Mc[A-Z][a-z]+|O'[A-Z][a-z]+|Mac[A-Z][a-z]+", n) for n in names)
