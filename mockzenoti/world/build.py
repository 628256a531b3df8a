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

from mockzenoti.factory import EntityFactory
from mockzenoti.model import Center, Organization
from mockzenoti.vocab import SITES, CenterKind, Site

__all__ = ["CenterPin", "build_organization", "describe"]


@dataclass(frozen=True, slots=True)
class CenterPin:
    """Values pinned for one center (a YAML scenario's ``world.centers`` item)."""

    name: str | None = None
    time_zone: str | None = None
    code: str | None = None


def _pinned_site(pin: CenterPin, used: set[str], rng: random.Random) -> Site:
    pool = [s for s in SITES if s.name not in used]
    if pin.time_zone is not None:
        pool = [s for s in pool if s.tz == pin.time_zone] or pool
    site = rng.choice(pool or list(SITES))
    return replace(
        site,
        name=pin.name or site.name,
        tz=pin.time_zone or site.tz,
        code=pin.code or site.code,
    )


def build_organization(
    factory: EntityFactory,
    kind: CenterKind,
    centers: int,
    staff: int,
    now: int,
    pins: tuple[CenterPin, ...] = (),
) -> Organization:
    """An organization of ``kind`` with ``centers`` centers of ``staff`` employees each.

    The first centers take the values ``pins`` give them.
    """
    org = factory.organization(kind)
    used: set[str] = set()
    for i in range(centers):
        site = _pinned_site(pins[i], used, factory.rng) if i < len(pins) else None
        center = factory.center(org, now, site=site, staff=staff)
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
        "city": c.site.city,
        "business_hours": {"opens": _hhmm(c.opens_minute), "closes": _hhmm(c.closes_minute)},
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
