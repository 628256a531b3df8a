"""``generate``: one realistic standalone event of any catalog type, deterministic under a seed.

Each call builds a small seeded fragment of an organization (one center of
a kind that fits the event, its staff and catalog) with the entity factory,
plays the short story that ends in the event (a guest books, the class
starts, the invoice closes) and renders it. ``generate_many`` keeps going in
the same fragment and stream: one machine part, increasing ids, time moving
forward through the center's business hours.

Without ``at``, the first event falls at a moment chosen by the seed within
business hours of the center's local day, in a fixed recent period.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from mockzenoti.catalog import Catalog, CatalogEntry, load_catalog
from mockzenoti.envelope import EventStream
from mockzenoti.errors import MockZenotiError
from mockzenoti.event import Event
from mockzenoti.factory import BUSINESS_HOURS, EntityFactory
from mockzenoti.standalone import BUILDERS, CLASS_TYPES, Scene
from mockzenoti.timefmt import (
    MINUTE_TICKS,
    TICKS_PER_SECOND,
    at_local,
    from_datetime,
    local_date,
    local_minute,
)
from mockzenoti.vocab import CENTER_KINDS, SITES, CenterKind, Site

__all__ = ["PERIOD_DAYS", "PERIOD_START", "default_moment", "generate", "generate_many"]

# Default event times fall in this period (a recent year, Mondays to Sundays).
PERIOD_START = date(2025, 1, 6)
PERIOD_DAYS = 357
_CLASS_KINDS: tuple[CenterKind, ...] = ("fitness", "fitness", "fitness", "spa")


def default_moment(site: Site, kind: CenterKind, rng: random.Random) -> int:
    """A whole-second instant within business hours of a local day in the default period."""
    opens, closes = BUSINESS_HOURS[kind]
    day = PERIOD_START + timedelta(days=rng.randrange(PERIOD_DAYS))
    minute = rng.randrange(opens + 15, closes - 30)
    return at_local(day, minute, site.tz) + rng.randrange(60) * TICKS_PER_SECOND


def _advance(scene: Scene, t: int, rng: random.Random) -> int:
    """The next event's instant: a few seconds to minutes on, skipping closed hours."""
    center = scene.center
    t += rng.randrange(5, 600) * TICKS_PER_SECOND
    if local_minute(t, center.tz) >= center.closes_minute:
        day = local_date(t, center.tz) + timedelta(days=1)
        t = at_local(day, center.opens_minute, center.tz)
        t += rng.randrange(0, 90) * MINUTE_TICKS + rng.randrange(60) * TICKS_PER_SECOND
    elif local_minute(t, center.tz) < center.opens_minute:
        t = at_local(local_date(t, center.tz), center.opens_minute, center.tz)
    return t


def _ticks(at: datetime) -> int:
    try:
        return from_datetime(at)
    except ValueError as exc:
        raise MockZenotiError(str(exc), field="at") from exc


def _scene(entry: CatalogEntry, rng: random.Random, at: datetime | None) -> tuple[Scene, int]:
    kind = rng.choice(_CLASS_KINDS if entry.name in CLASS_TYPES else CENTER_KINDS)
    site = rng.choice(SITES)
    t = default_moment(site, kind, rng) if at is None else _ticks(at)
    factory = EntityFactory(rng)
    org = factory.organization(kind)
    center = factory.center(org, t, kind=kind, site=site, staff=8)
    return Scene(factory, org, center), t


def generate_many(
    event_type: str,
    count: int,
    *,
    seed: int | str = 0,
    overrides: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    catalog: Catalog | None = None,
) -> Iterator[Event]:
    """``count`` standalone events of ``event_type`` (catalog name or wire name).

    The same ``seed`` gives byte-identical ``body()``s. ``at`` (an aware
    datetime) pins the first event's instant. ``overrides`` maps dotted paths
    (``data.guest.first_name``) to values and applies to every event; a path
    that does not exist or a value that breaks the schema raises
    ``OverrideError``. The first event equals ``generate`` with the same arguments.
    """
    if count < 0:
        raise MockZenotiError(f"count must not be negative (got {count})", field="count")
    catalog = catalog if catalog is not None else load_catalog()
    entry = catalog.get(event_type)
    builder = BUILDERS[entry.name]
    # The type is part of the seed: two types never share ids under one seed.
    rng = random.Random(f"mockzenoti:{entry.name}:{seed}")
    stream = EventStream(random.Random(rng.getrandbits(64)), catalog=catalog)
    scene, t = _scene(entry, rng, at)
    center_id = scene.center.id
    edit = None
    if overrides:
        from mockzenoti.generator.overrides import Overrides

        edit = Overrides(entry, overrides, catalog)
    for _ in range(count):
        data, keys = builder(scene, t)
        event = stream.event(entry, data, t, keys=keys, center_id=center_id)
        yield edit.apply(event) if edit is not None else event
        t = _advance(scene, t, rng)


def generate(
    event_type: str,
    *,
    seed: int | str = 0,
    overrides: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    catalog: Catalog | None = None,
) -> Event:
    """One realistic standalone event of ``event_type``; see ``generate_many``."""
    return next(
        generate_many(event_type, 1, seed=seed, overrides=overrides, at=at, catalog=catalog)
    )
