"""``EntityFactory``: seeded creation of organizations, centers, staff, guests and bookings.

Every choice draws from the caller's ``random.Random``; names come from pools
drawn with Faker once per locale (see ``people``), so making 100,000 guests
costs a few random picks each. The world simulation creates its setup and
its new entities through this factory. It is built in three layers, one
module each: ``SalesFactory`` (invoices, memberships, packages),
``BookingFactory`` (class sessions and bookings, appointment groups) and
this class (organization, centers, staff, guests, and the id counters).
"""

from __future__ import annotations

import random

from mockzenoti import ids
from mockzenoti.factory.bookings import BookingFactory
from mockzenoti.factory.people import PersonMaker
from mockzenoti.model import (
    Center,
    ClassOffering,
    Employee,
    Guest,
    Organization,
    Product,
    Room,
    Service,
)
from mockzenoti.timefmt import DAY_TICKS as DAY
from mockzenoti.vocab import (
    CENTER_KINDS,
    CLASSES,
    COUNTRIES,
    JOBS,
    ORG_NAMES,
    PRODUCTS,
    ROOMS,
    SERVICES,
    SITES,
    CenterKind,
    Site,
)

__all__ = ["BUSINESS_HOURS", "EntityFactory", "build_guest"]

# Local opening and closing minute by kind.
BUSINESS_HOURS: dict[CenterKind, tuple[int, int]] = {
    "spa": (9 * 60, 21 * 60),
    "salon": (9 * 60, 20 * 60),
    "med-spa": (9 * 60, 19 * 60),
    "fitness": (6 * 60, 21 * 60),
}


class EntityFactory(BookingFactory):
    """Creates entities from one seeded ``random.Random``.

    Class-side ids (session, class, workshop, registration) and guest numbers
    increase from seeded starting points; entity ids are lowercase GUIDs.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._name_seed = rng.getrandbits(32)
        self._makers: dict[str, PersonMaker] = {}
        self._next_session_id = rng.randrange(40_000, 90_000)
        self._next_registration_id = rng.randrange(100_000, 200_000)
        self._next_recurrence_id = rng.randrange(10_000, 30_000)
        self._next_class_id = rng.randrange(4_000, 12_000)
        self._next_guest_number = rng.randrange(300_000, 900_000)
        self._next_guest_code = rng.randrange(0x10000, 0x3FFFF)
        self._next_employee_code = rng.randrange(100, 400)
        self._used_sites: set[str] = set()

    # -- ids and people ---------------------------------------------------------------

    def shift_class_ids(self, offset: int) -> None:
        """Move the counters of new sessions, registrations and recurrences up by ``offset``.

        Shards of one organization (``mockzenoti.world.shard``) take disjoint ranges.
        """
        self._next_session_id += offset
        self._next_registration_id += offset
        self._next_recurrence_id += offset

    def guid(self) -> str:
        """A fresh lowercase GUID."""
        return ids.guid(self.rng)

    def people(self, country_iso: str) -> PersonMaker:
        """The name/e-mail/phone maker of a country (pools drawn on first use)."""
        maker = self._makers.get(country_iso)
        if maker is None:
            maker = self._makers[country_iso] = self.person_maker(country_iso, self.rng)
        return maker

    def person_maker(self, country_iso: str, rng: random.Random) -> PersonMaker:
        """A maker of ``country_iso``'s people drawing from ``rng``, with this factory's names."""
        seed = (self._name_seed + sum(map(ord, country_iso)) * 7919) & 0xFFFFFFFF
        return PersonMaker(COUNTRIES[country_iso], rng, seed)

    # -- organization and centers -----------------------------------------------------

    def organization(self, kind: CenterKind | None = None, name: str | None = None) -> Organization:
        """A new organization (no centers yet) named in the style of its kind."""
        rng = self.rng
        chosen = _kind(kind, rng)
        if name is None:
            first, second = ORG_NAMES[chosen]
            name = f"{rng.choice(first)} {rng.choice(second)}"
        words = [w for w in name.replace("&", " ").split() if w]
        domain = "".join(ch for ch in "".join(words).lower() if ch.isalnum()) + ".com"
        short = "".join(w[0] for w in words).upper()
        return Organization(self.guid(), name, short, domain, chosen)

    def center(
        self,
        org: Organization,
        now: int,
        *,
        kind: CenterKind | None = None,
        site: Site | None = None,
        country: str | None = None,
        staff: int = 10,
    ) -> Center:
        """A center of ``org`` at ``site`` (or an unused one) with its catalog and ``staff``.

        ``kind`` defaults to the organization's; ``country`` (ISO code) narrows the site.
        """
        rng = self.rng
        kind = kind or org.kind
        if site is None:
            pool = [s for s in SITES if s.name not in self._used_sites]
            if country is not None:
                pool = [s for s in pool if s.country == country] or pool
            site = rng.choice(pool or list(SITES))
        self._used_sites.add(site.name)
        nation = COUNTRIES[site.country]
        opens, closes = BUSINESS_HOURS[kind]
        center = Center(
            id=self.guid(),
            org=org,
            name=site.name,
            code=site.code,
            invoice_prefix=f"{site.code}1",
            kind=kind,
            site=site,
            country=nation,
            phone=self.people(site.country).landline(site),
            opens_minute=opens,
            closes_minute=closes,
            next_invoice_number=rng.randrange(1_000, 9_000),
            next_receipt_number=rng.randrange(200, 3_000),
            product_tax_rate=nation.product_tax_rate,
        )
        center.rooms = [Room(self.guid(), name) for name in ROOMS[kind]]
        center.services = [
            Service(self.guid(), s.name, s.code, s.minutes, s.price, s.add_on, s.category_type)
            for s in SERVICES[kind]
        ]
        center.products = [Product(self.guid(), p.name, p.code, p.price) for p in PRODUCTS[kind]]
        for template in CLASSES[kind]:
            center.classes.append(ClassOffering(self._next_class_id, self._next_class_id, template))
            self._next_class_id += rng.randrange(1, 40)
        jobs = JOBS[kind]
        for i in range(staff):
            # The first few are the kind's main job, so every center has providers.
            self.employee(center, now, job_name=jobs[0] if i < 2 else rng.choice(jobs))
        self.add_plans(center)
        org.centers.append(center)
        return center

    def employee(
        self,
        center: Center,
        now: int,
        *,
        job_name: str | None = None,
        hired: int | None = None,
        gender: int | None = None,
    ) -> Employee:
        """A staff member of ``center``; ``hired`` defaults to some day in the last five years."""
        rng = self.rng
        maker = self.people(center.site.country)
        person = maker.person(gender)
        org = center.org
        first, last = person.first_name, person.last_name
        email = maker.staff_email(first, last, org.domain)
        self._next_employee_code += 1
        job_name = job_name or rng.choice(JOBS[center.kind])
        employee = Employee(
            id=self.guid(),
            center=center,
            code=str(self._next_employee_code) if rng.random() < 0.85 else "",
            first_name=first,
            last_name=last,
            email=email,
            gender=person.gender if rng.random() < 0.8 else -1,
            mobile=maker.mobile(center.site),
            job_id=_job_id(org, job_name),
            job_name=job_name,
            start_ticks=hired if hired is not None else now - rng.randrange(1, 5 * 365) * DAY,
            show_in_catalog=job_name != "FRONT DESK" and rng.random() < 0.8,
        )
        center.employees.append(employee)
        return employee

    # -- guests -----------------------------------------------------------------------

    def guest(self, center: Center, created: int) -> Guest:
        """A guest registered at ``center`` at instant ``created``."""
        rng = self.rng
        self._next_guest_number += rng.randrange(1, 4)
        self._next_guest_code += rng.randrange(1, 6)
        maker = self.people(center.site.country)
        return build_guest(
            rng, maker, center, created, self._next_guest_number, self._next_guest_code
        )


def build_guest(
    rng: random.Random, maker: PersonMaker, center: Center, created: int, number: int, code: int
) -> Guest:
    """A guest of ``center`` drawn from ``rng`` and ``maker`` (bound to the same rng).

    ``number`` is the ``_id`` bigint and ``code`` the counter written in hex as
    the guest code. The world's guest pool calls this with a generator seeded
    per pool index, so a guest is the same whenever it is first needed.
    """
    person = maker.person()
    site = center.site
    return Guest(
        id=ids.guid(rng),
        number=number,
        code=f"{code:X}",
        center=center,
        first_name=person.first_name,
        last_name=person.last_name,
        email=maker.guest_email(person) if rng.random() < 0.92 else "",
        gender=person.gender,
        mobile=maker.mobile(site),
        home_phone=maker.landline(site) if rng.random() < 0.2 else None,
        work_phone=maker.landline(site) if rng.random() < 0.1 else None,
        zip_code=site.zip_code,
        created_ticks=created,
    )


def _kind(kind: CenterKind | None, rng: random.Random) -> CenterKind:
    return kind if kind is not None else rng.choice(CENTER_KINDS)


def _job_id(org: Organization, job_name: str) -> str:
    """A stable GUID per organization and job name (every BEAUTICIAN shares one job_id)."""
    seeded = random.Random(f"{org.id}:{job_name}")
    return ids.guid(seeded)
