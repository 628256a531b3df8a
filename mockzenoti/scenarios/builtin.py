"""The built-in scenarios: one activity profile each, over the same world and lifecycles."""

from __future__ import annotations

from dataclasses import dataclass

from mockzenoti.catalog import Catalog
from mockzenoti.scenarios.activity import Activity
from mockzenoti.scenarios.base import Scenario, Sizes
from mockzenoti.scenarios.profiles import PROFILES, Profile
from mockzenoti.world import CenterPin, World, WorldSizes

__all__ = ["BUILTINS", "BuiltinScenario"]


@dataclass(frozen=True, eq=False)
class BuiltinScenario(Scenario):
    """A built-in scenario: ``profile`` says what happens, per center and day."""

    name: str
    description: str
    profile: Profile
    endless: bool = False

    def build(
        self, seed: int | str, sizes: Sizes, catalog: Catalog | None, recording: bool
    ) -> tuple[World, int | None]:
        """The world (profile sizes, then ``sizes``) with the days on its agenda."""
        world = self.new_world(seed, sizes, catalog, recording)
        activity = Activity(world, self.profile)
        activity.start()
        return world, None if self.endless else activity.natural_end()

    def new_world(
        self, seed: int | str, sizes: Sizes, catalog: Catalog | None, recording: bool
    ) -> World:
        """The world this scenario plays (profile sizes, then ``sizes``), nothing scheduled yet."""
        chosen = WorldSizes().with_overrides(self.profile.sizes).with_overrides(sizes)
        zones = self.profile.zones
        pins = (
            tuple(CenterPin(time_zone=zones[i % len(zones)]) for i in range(chosen.centers))
            if zones
            else ()
        )
        return World(seed, chosen, catalog=catalog, pins=pins, recording=recording)


BUILTINS: dict[str, BuiltinScenario] = {
    s.name: s
    for s in (
        BuiltinScenario(
            "class-lifecycle",
            "One gym's class day: sessions published, booked to capacity and waitlisted, "
            "cancellations, deletions, no-shows, edited, cancelled and deleted sessions.",
            PROFILES["class-lifecycle"],
        ),
        BuiltinScenario(
            "appointment-lifecycle",
            "One spa's appointment day: bookings confirmed, checked in, started, completed, "
            "invoiced and rated; cancellations, reschedules and no-shows.",
            PROFILES["appointment-lifecycle"],
        ),
        BuiltinScenario(
            "guest-lifecycle",
            "Guests register, edit their details, opt in and out and are deleted; "
            "staff are hired, edited and leave.",
            PROFILES["guest-lifecycle"],
        ),
        BuiltinScenario(
            "membership-lifecycle",
            "45 days of a gym's memberships: sold, frozen and unfrozen, cancelled and "
            "reinstated; guest passes used for classes.",
            PROFILES["membership-lifecycle"],
        ),
        BuiltinScenario(
            "package-lifecycle",
            "45 days of a med spa's packages: sold, paid, redeemed session by session, "
            "redemptions reversed, validity extended.",
            PROFILES["package-lifecycle"],
        ),
        BuiltinScenario(
            "day-in-the-life",
            "A day of a whole organization: every lifecycle mixed across its centers over "
            "business hours in each center's own time zone.",
            PROFILES["day-in-the-life"],
        ),
        BuiltinScenario(
            "soak",
            "An endless day-in-the-life at a steady rate: centers in time zones about 8 h "
            "apart, the same mix every day (needs --events or --duration; truth off).",
            PROFILES["soak"],
            endless=True,
        ),
    )
}
