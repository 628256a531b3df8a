"""The vocabulary holds together; the factory makes consistent people and bookings, cheaply."""

from __future__ import annotations

import itertools
import random
from zoneinfo import ZoneInfo

import pytest

from mockzenoti.factory import EntityFactory, people
from mockzenoti.model import Center
from mockzenoti.timefmt import MINUTE_TICKS
from mockzenoti.vocab import (
    CENTER_KINDS,
    CLASSES,
    COUNTRIES,
    EMAIL_DOMAINS,
    JOBS,
    MEMBERSHIPS,
    PACKAGES,
    PRODUCTS,
    ROOMS,
    SERVICES,
    SITES,
    CenterKind,
)

NOW = 17_400_000_000_000_000  # 2025-02-20


def test_sites_have_real_zones_known_countries_and_unique_codes() -> None:
    for site in SITES:
        ZoneInfo(site.tz)
        assert site.country in COUNTRIES
        assert len(site.code) == 3 and site.code.isupper()
    assert len({s.code for s in SITES}) == len(SITES)
    assert len({s.name for s in SITES}) == len(SITES)


def test_documented_country_ids_are_kept() -> None:
    us, au = COUNTRIES["US"], COUNTRIES["AU"]
    assert (us.country_id, us.phone_code, us.culture_id, us.documented) == (225, 1, 54, True)
    assert (au.country_id, au.phone_code, au.culture_id, au.documented) == (13, 61, 44, True)


@pytest.mark.parametrize("kind", CENTER_KINDS)
def test_every_kind_has_a_full_vocabulary_whose_plans_name_its_services(kind: CenterKind) -> None:
    offered = SERVICES[kind]
    names = {s.name for s in offered}
    assert any(s.add_on for s in offered) and any(not s.add_on for s in offered)
    assert all(s.minutes >= 0 and s.price >= 0 for s in offered)
    assert CLASSES[kind] and ROOMS[kind] and JOBS[kind] and PRODUCTS[kind]
    assert all(0 < c.web_capacity <= c.capacity for c in CLASSES[kind])
    for plan in MEMBERSHIPS[kind]:
        assert plan.included_service in names | {""}
    for package in PACKAGES[kind]:
        assert {name for name, _ in package.services} <= names


def center(
    seed: int = 1, kind: CenterKind = "spa", country: str | None = None
) -> tuple[EntityFactory, Center]:
    factory = EntityFactory(random.Random(seed))
    org = factory.organization(kind)
    return factory, factory.center(org, NOW, country=country)


def test_the_same_seed_makes_the_same_entities() -> None:
    def snapshot(seed: int) -> list[str]:
        factory, c = center(seed)
        guests = [factory.guest(c, NOW) for _ in range(20)]
        return [c.name, c.org.name, *(f"{g.name} {g.email} {g.mobile} {g.id}" for g in guests)]

    assert snapshot(5) == snapshot(5)
    assert snapshot(5) != snapshot(6)


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_guest_names_emails_and_phones_agree_with_each_other_and_the_center(country: str) -> None:
    factory, c = center(3, "salon", country)
    assert c.site.country == country
    nation = COUNTRIES[country]
    with_mobile = 0
    for _ in range(300):
        guest = factory.guest(c, NOW)
        if guest.mobile is not None:  # most guests give a mobile number
            with_mobile += 1
            mobile = guest.mobile
            assert mobile.country_code == nation.phone_code
            assert len(mobile.number) == nation.mobile_length and mobile.number.isdigit()
            assert mobile.national == nation.trunk_prefix + mobile.number
            assert mobile.display == f"+{nation.phone_code} {mobile.number}"
        if guest.email:
            local = guest.email.split("@")[0]
            first = people.ascii_word(guest.first_name).lower()
            last = people.ascii_word(guest.last_name).lower()
            assert local.startswith(first) or local.startswith(first[:1] + last)
            assert guest.email.split("@")[1] in EMAIL_DOMAINS[country]
    assert 240 < with_mobile < 300
    for employee in c.employees:
        assert employee.mobile.country_code == nation.phone_code
        assert employee.email.endswith("@" + c.org.domain)
        assert employee.email.split("@")[0].split(".")[0] == people.ascii_word(employee.first_name)


def test_guests_come_from_pools_not_from_faker_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    factory, c = center(2, "fitness", "US")
    factory.guest(c, NOW)  # the country's pools are drawn now
    calls = []
    monkeypatch.setattr(people, "_faker", lambda locale: calls.append(locale))
    guests = [factory.guest(c, NOW) for _ in range(5_000)]
    assert calls == []
    assert len({g.id for g in guests}) == 5_000
    numbers = [g.number for g in guests]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5_000
    assert len({g.first_name for g in guests}) > 100


def test_class_ids_are_increasing_integers() -> None:
    factory, c = center(4, "fitness")
    assert all(o.class_id == o.workshop_id for o in c.classes)
    sessions = [factory.class_session(c, NOW + i * 60 * MINUTE_TICKS) for i in range(30)]
    ids = [s.session_id for s in sessions]
    assert ids == sorted(set(ids))
    bookings = [factory.class_booking(sessions[0], factory.guest(c, NOW), NOW) for _ in range(10)]
    regs = [b.registration_id for b in bookings]
    assert regs == sorted(set(regs)) and sessions[0].booked == 10
    teacher_jobs = {s.instructor.job_name for s in sessions if s.instructor is not None}
    assert teacher_jobs == {"INSTRUCTOR"}


def test_appointment_groups_chain_appointments_and_price_the_invoice() -> None:
    factory, c = center(8, "salon")
    for i in range(200):
        start = NOW + i * 90 * MINUTE_TICKS
        group = factory.appointment_group(c, factory.guest(c, NOW), start, NOW)
        appts = group.appointments
        assert appts[0].start_ticks == start
        for a, b in itertools.pairwise(appts):
            assert a.end_ticks == b.start_ticks
            assert a.has_add_ons == b.is_add_on
        items = {item.id: item for item in group.invoice.items}
        assert [a.invoice_item_id for a in appts] == list(items)
        assert group.invoice.group is group
        factory.close_invoice(group.invoice, appts[-1].end_ticks + 5 * MINUTE_TICKS)
        invoice = group.invoice
        assert invoice.is_closed and invoice.receipt_number is not None and invoice.status == 4
        assert invoice.total == round(sum(i.final for i in invoice.items), 2)
        assert invoice.transactions[0].amount == invoice.total


@pytest.mark.parametrize(
    ("faker", "written"),
    [
        ("Mcbride", "McBride"),
        ("Mcdonald", "McDonald"),
        ("Macdonald", "MacDonald"),
        ("Oneal", "O'Neal"),
        ("Obrien", "O'Brien"),
        ("Mack", "Mack"),  # not a "Mac" name
        ("Macias", "Macias"),
        ("Odom", "Odom"),  # not an "O'" name
        ("Olson", "Olson"),
        ("Mc", "Mc"),
    ],
)
def test_surnames_are_cased_as_people_write_them(faker: str, written: str) -> None:
    assert people.cased(faker) == written


def test_name_pools_hold_no_surname_in_fakers_lower_case() -> None:
    pool = people.name_pool("en_US", 5)
    assert not [n for n in pool.last if n.startswith("Mc") and n[2:3].islower()]
    assert "Oneal" not in pool.last and "Obrien" not in pool.last
