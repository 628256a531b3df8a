"""Building a world's fixed setup, and describing it: the "catalog of the world".

The fixed setup is what a consumer is assumed to know before the stream
starts (Zenoti's centers, services, staff and plans, as its REST API lists
them): every id an event refers to is either in it or introduced by an
earlier event of the stream. ``describe`` writes it as a JSON-ready dict
(``World.setup()``, ``mockzenoti world``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from mockzenoti.errors import MockZenotiError
from mockzenoti.factory import EntityFactory
from mockzenoti.model import Center, Organization
from mockzenoti.vocab import COUNTRIES, SITES, WEEKDAYS, CenterKind, Site

__all__ = ["CenterPin", "build_organization", "describe"]


@dataclass(frozen=True, slots=True)
class CenterPin:
    """Values pinned for one center (a YAML scenario's ``world.centers`` item)."""

    name: str | None = None
    time_zone: str | None = None
    code: str | None = None


def _pinned_site(pin: CenterPin, sites: list[Site], rng: random.Random) -> Site:
    """A site for a pinned center: one in the pinned zone if any, else one of ``sites``."""
    pool = sites
    if pin.time_zone is not None:
        pool = [s for s in sites if s.tz == pin.time_zone] or sites
    site = rng.choice(pool)
    return replace(
        site,
        name=pin.name or site.name,
        tz=pin.time_zone or site.tz,
        code=pin.code or site.code,
    )


def _region(
    rng: random.Random, wanted: int, first: str | None, pinned: list[str], centers: int
) -> list[str]:
    """The countries (ISO codes) an organization's centers are in, the first one first.

    Pinned centers' countries come first, then ``first`` (the asked country),
    then seeded countries (weighted by ``Country.weight``, among those with
    sites enough for the centers left) until there are ``wanted`` of them.
    """
    region = list(dict.fromkeys([*pinned, *([first] if first else [])]))
    while len(region) < wanted:
        left = max(centers - sum(_SITES_IN[c] for c in region), 0)
        share = -(-left // (wanted - len(region)))  # centers each further country must hold
        pool = [c for c in COUNTRIES if c not in region and _SITES_IN[c] >= share]
        pool = pool or [c for c in COUNTRIES if c not in region]
        region.append(rng.choices(pool, weights=[COUNTRIES[c].weight for c in pool])[0])
    return region


def _zone_country(tz: str | None) -> str | None:
    """The country of our sites in zone ``tz`` (None for a zone none of them is in)."""
    return next((s.country for s in SITES if s.tz == tz), None) if tz else None


_SITES_IN: dict[str, int] = {c: sum(1 for s in SITES if s.country == c) for c in COUNTRIES}


def build_organization(
    factory: EntityFactory,
    kind: CenterKind,
    centers: int,
    staff: int,
    now: int,
    pins: tuple[CenterPin, ...] = (),
    *,
    countries: int = 1,
    country: str | None = None,
) -> Organization:
    """An organization of ``kind`` with ``centers`` centers of ``staff`` employees each.

    The centers are in one country (``country``, else chosen by the seed), or
    spread over ``countries`` of them, in turn. The first centers take the
    values ``pins`` give them; a pinned time zone puts its center in that
    zone's country (pins may so ask for several countries).
    """
    rng = factory.rng
    org = factory.organization(kind)
    pinned = [_zone_country(pin.time_zone) for pin in pins[:centers]]
    region = _region(rng, countries, country, [c for c in pinned if c], centers)
    used: set[str] = set()
    for i in range(centers):
        home = (pinned[i] if i < len(pinned) else None) or region[i % len(region)]
        sites = [s for s in SITES if s.name not in used and s.country == home] or [
            s for s in SITES if s.name not in used and s.country in region
        ]
        if not sites:
            most = max(_SITES_IN.values())
            raise MockZenotiError(
                f"{centers} centers do not fit in {', '.join(region)}: one country holds at "
                f"most {most} centers here; ask for more countries (countries = "
                f"{-(-centers // most)} or more)",
                field="countries" if countries > 1 else "centers",
            )
        site = _pinned_site(pins[i], sites, rng) if i < len(pins) else rng.choice(sites)
        center = factory.center(org, now, site=site, staff=staff)
        used.add(site.name)
        used.add(center.site.name)
    return org


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _center(c: Center) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "code": c.code,
        "invoice_prefix": c.invoice_prefix,
        "kind": c.kind,
        "time_zone": c.tz,
        "country": c.country.iso,
        "currency": c.currency,
        "phone_code": c.country.phone_code,
        "city": c.site.city,
        "state": c.site.state,
        "zip_code": c.site.zip_code,
        "business_hours": {"opens": _hhmm(c.opens_minute), "closes": _hhmm(c.closes_minute)},
        "weekly_hours": {
            day: None if hours is None else {"opens": _hhmm(hours[0]), "closes": _hhmm(hours[1])}
            for day, hours in zip(WEEKDAYS, (c.hours_on(d) for d in range(7)), strict=True)
        },
        "rooms": [{"id": r.id, "name": r.name} for r in c.rooms],
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "code": s.code,
                "minutes": s.minutes,
                "price": s.price,
                "is_add_on": s.is_add_on,
            }
            for s in c.services
        ],
        "products": [
            {"id": p.id, "name": p.name, "code": p.code, "price": p.price} for p in c.products
        ],
        "classes": [
            {
                "class_id": o.class_id,
                "workshop_id": o.workshop_id,
                "name": o.name,
                "minutes": o.template.minutes,
                "capacity": o.template.capacity,
                "web_capacity": o.template.web_capacity,
            }
            for o in c.classes
        ],
        "employees": [
            {
                "id": e.id,
                "code": e.code,
                "first_name": e.first_name,
                "last_name": e.last_name,
                "email": e.email,
                "job_name": e.job_name,
            }
            for e in c.employees
        ],
        "membership_plans": [
            {
                "id": m.id,
                "name": m.name,
                "code": m.code,
                "price": m.price,
                "months": m.months,
                "guest_passes": m.guest_passes,
            }
            for m in c.membership_plans
        ],
        "package_plans": [
            {
                "id": p.id,
                "name": p.name,
                "code": p.code,
                "price": p.price,
                "days": p.days,
                "services": [{"service_id": s.id, "sessions": n} for s, n in p.services],
            }
            for p in c.package_plans
        ],
    }


def describe(org: Organization, extra: dict[str, Any]) -> dict[str, Any]:
    """The fixed setup of ``org`` as a JSON-ready dict; ``extra`` is put first (seed, sizes)."""
    return {
        **extra,
        "organization": {"id": org.id, "name": org.name, "kind": org.kind},
        "centers": [_center(c) for c in org.centers],
    }
