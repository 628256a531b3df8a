"""Events of one type, played by a small world: ``generate`` and ``generate_many``.

There is one producer of events, the world. To make an event of type T,
``play`` builds a small organization (one center) under a seed derived from
T and the user's seed, puts on its agenda the built-in stories of T's
lifecycle (``scenarios.activity``) with the rates of that lifecycle raised
so that T comes soon (``RECIPES``), and runs it until T is emitted: the
event is the world's, with its ids, times, keys and every earlier event of
its entities behind it. ``generate_many`` keeps playing the same world for
the next events of T: one ObjectId machine part, increasing ids and times.

Without ``at`` the world starts on a seeded day of 2025 (as every world
does); with ``at`` (an aware datetime) its first day is the day before
``at`` and the events are the first of their type at or after ``at``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from mockzenoti.catalog import Catalog, CatalogEntry, load_catalog
from mockzenoti.errors import MockZenotiError
from mockzenoti.event import Event
from mockzenoti.scenarios.activity import Activity
from mockzenoti.scenarios.base import Simulation
from mockzenoti.scenarios.builtin import BuiltinScenario
from mockzenoti.scenarios.profiles import PROFILES
from mockzenoti.timefmt import from_datetime, parse_dotnet_utc, to_datetime
from mockzenoti.world import World

__all__ = ["MAX_SCAN", "RECIPES", "Recipe", "generate", "generate_many", "play", "recipe_for"]

# Events the world may emit before the next one of the requested type: a bound far above
# what the recipes need (the longest gap measured is about 500 events), so a loop always ends.
MAX_SCAN = 200_000


@dataclass(frozen=True, slots=True)
class Recipe:
    """Which built-in stories make a type, and how the world is tuned for it.

    ``profile`` names the built-in profile whose stories tell the type's
    lifecycle; ``rates`` raise some of its figures; ``sizes`` size the world
    (one center; the kind of business the profile's unless given here).
    """

    profile: str
    rates: dict[str, Any] = field(default_factory=dict)
    sizes: dict[str, Any] = field(default_factory=dict)


_ONE_CENTER = {"centers": 1, "guests": 20_000, "staff": 8}
RECIPES: dict[str, Recipe] = {
    "classes": Recipe(
        "class-lifecycle",
        {
            "class_fill": (0.8, 1.4),
            "session_update": 0.25,
            "session_cancel": 0.2,
            "session_delete": 0.15,
            "booking_cancel": 0.2,
            "booking_delete": 0.12,
            "booking_noshow": 0.2,
        },
        {"kind": "fitness", "sessions_per_day": 24},
    ),
    "guestpass": Recipe(
        "membership-lifecycle",
        {"memberships": 6.0, "member_bookings": 0.9, "guestpass": 0.9},
        {"sessions_per_day": 6},
    ),
    "appointments": Recipe("appointment-lifecycle", {"feedback": 0.7}, {"kind": None}),
    "people": Recipe(
        "guest-lifecycle",
        {"guest_opt": 0.8, "returning_edits": 10.0, "hires": 6.0, "staff_updates": 6.0},
        {"kind": None},
    ),
    "memberships": Recipe(
        "membership-lifecycle",
        {
            "memberships": 8.0,
            "membership_freeze": 0.6,
            "membership_cancel": 0.6,
            "membership_reinstate": 0.8,
            "sales_gap": (1, 3),
        },
    ),
    "packages": Recipe(
        "package-lifecycle",
        {
            "packages": 8.0,
            "package_paid": 0.95,
            "package_reverse": 0.5,
            "package_extend": 0.5,
            "sales_gap": (1, 3),
        },
    ),
}
# Figures for single types, on top of their recipe's: sessions left almost empty when only
# the schedule matters; every session overbooked when waitlists matter (and some bookings
# made with companions, whom an approval or rejection lists).
_TYPE_RATES: dict[str, dict[str, Any]] = {
    **{
        f"Class.Schedule.{n}": {"class_fill": (0.05, 0.2)}
        for n in ("Created", "Updated", "Cancelled", "Deleted")
    },
    "Class.Schedule.Cancelled": {"class_fill": (0.05, 0.2), "session_cancel": 0.5},
    "Class.Schedule.Deleted": {"class_fill": (0.05, 0.2), "session_delete": 0.5},
    "Class.Booking.Approved": {"class_fill": (1.3, 1.6), "booking_cancel": 0.35, "companions": 0.3},
    "Class.Booking.Rejected": {"class_fill": (1.3, 1.6), "companions": 0.3},
}


def recipe_for(name: str) -> Recipe:
    """The recipe of the catalog type ``name`` (its stable catalog name), with its own figures."""
    recipe = _recipe(name)
    extra = _TYPE_RATES.get(name)
    return recipe if extra is None else replace(recipe, rates={**recipe.rates, **extra})


def _recipe(name: str) -> Recipe:
    if name == "Guestpass.redeemed":
        return RECIPES["guestpass"]
    if name.startswith("Class."):
        return RECIPES["classes"]
    if name.startswith(("Appointment", "Invoice.")):
        return RECIPES["appointments"]
    if name.startswith("Guest.Membership."):
        return RECIPES["memberships"]
    if name.startswith("Guest.Package."):
        return RECIPES["packages"]
    return RECIPES["people"]


def _ticks(at: datetime) -> int:
    try:
        return from_datetime(at)
    except ValueError as exc:
        raise MockZenotiError(str(exc), field="at") from exc


def play(
    entry: CatalogEntry, seed: int | str = 0, *, at: datetime | None = None, catalog: Catalog
) -> Simulation:
    """The small world that makes events of ``entry``'s type for ``seed``, as a simulation.

    It runs until it is dropped (no natural end); ``generate_many`` reads it.
    """
    recipe = recipe_for(entry.name)
    profile = replace(PROFILES[recipe.profile], **recipe.rates)
    scenario = BuiltinScenario(f"generate {entry.name}", f"{entry.name} events", profile)
    sizes = {**profile.sizes, **_ONE_CENTER, **recipe.sizes}
    first_day = None if at is None else (to_datetime(_ticks(at)) - timedelta(days=1)).date()
    world = World(f"generate:{entry.name}:{seed}", sizes, catalog=catalog, first_day=first_day)
    if entry.name.startswith("Appointment.Feedback.V"):
        world.feedback_version = int(entry.name[-1])  # the organization's feedback form
    Activity(world, profile).start()
    return Simulation(scenario, world, events=None, until=None, track_truth=False)


def generate_many(
    event_type: str,
    count: int,
    *,
    seed: int | str = 0,
    overrides: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    catalog: Catalog | None = None,
) -> Iterator[Event]:
    """The first ``count`` events of ``event_type`` (catalog or wire name) a small world plays.

    The same ``seed`` gives byte-identical ``body()``s. ``at`` (an aware
    datetime): the events come at or after it. ``overrides`` maps dotted paths
    (``data.guest.first_name``) to values and applies to every event; a path
    that does not exist or a value that breaks the schema raises
    ``OverrideError``. The first event equals ``generate`` with the same arguments.
    """
    if count < 0:
        raise MockZenotiError(f"count must not be negative (got {count})", field="count")
    catalog = catalog if catalog is not None else load_catalog()
    entry = catalog.get(event_type)
    edit = None
    if overrides:
        from mockzenoti.generator.overrides import Overrides

        edit = Overrides(entry, overrides, catalog)
    since = None if at is None else _ticks(at)
    if count == 0:
        return
    sim = play(entry, seed, at=at, catalog=catalog)
    made, scanned = 0, 0
    for event in sim:
        scanned += 1
        if event.name == entry.name and (
            since is None or parse_dotnet_utc(event.timestamp) >= since
        ):
            yield edit.apply(event) if edit is not None else event
            made, scanned = made + 1, 0
            if made == count:
                return
        elif scanned >= MAX_SCAN:
            break
    raise MockZenotiError(
        f"the world made no {entry.name} event in {scanned} events (a bug: please report it)",
        field="event_type",
    )


def generate(
    event_type: str,
    *,
    seed: int | str = 0,
    overrides: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    catalog: Catalog | None = None,
) -> Event:
    """One realistic event of ``event_type``, played by a small world; see ``generate_many``."""
    return next(
        generate_many(event_type, 1, seed=seed, overrides=overrides, at=at, catalog=catalog)
    )
