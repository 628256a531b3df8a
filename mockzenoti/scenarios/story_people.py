"""Guest and staff stories: registrations, edits, communication choices, deletions, hires.

``guest`` registers a new guest, who may then edit their details, opt out
of (or back into) a channel and ask to be deleted (only when nothing of
theirs is open, so ``Guest.Deleted`` comes last). ``returning_edit`` edits a
guest the stream already knows. ``hire`` adds a staff member who may leave
later; ``staff_update`` edits someone's record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockzenoti.model import Center, Guest
from mockzenoti.timefmt import DAY_TICKS, MINUTE_TICKS
from mockzenoti.world import Process
from mockzenoti.world.holds import open_holds
from mockzenoti.world.ops_people import CATEGORIES, CHANNELS

if TYPE_CHECKING:
    from mockzenoti.scenarios.activity import Activity

__all__ = ["guest", "hire", "returning_edit", "staff_update"]

MIN = MINUTE_TICKS


def _opt(act: Activity, g: Guest) -> None:
    """Opt out of a channel (or, now and then, back into one that was opted out)."""
    prefs = g.preferences
    out = [(c, ch) for c in CATEGORIES for ch in CHANNELS if prefs.get(c, ch) == "opted-out"]
    if out and act.rng.random() < 0.4:
        act.world.opt_guest(g, "opted-in", *out[act.rng.randrange(len(out))])
    elif len(out) < len(CATEGORIES) * len(CHANNELS):
        act.world.opt_guest(g, "opted-out")


def guest(act: Activity, center: Center) -> Process:
    """A guest registers now; edits, opt changes and a deletion may follow the same day."""
    world, rng, p = act.world, act.rng, act.profile
    g = world.pool.fresh(center)
    if g is None:
        return
    world.create_guest(g)
    if rng.random() < p.guest_update:
        yield world.now + rng.randint(5, 240) * MIN
        if g.deleted:
            return
        world.update_guest(g)
    if rng.random() < p.guest_opt:
        yield world.now + rng.randint(5, 240) * MIN
        if g.deleted:
            return
        _opt(act, g)
    if rng.random() < p.guest_delete:
        yield world.now + rng.randint(5, 240) * MIN
        if not g.deleted and not open_holds(g, world.now):
            world.delete_guest(g)


def returning_edit(act: Activity, center: Center) -> Process:
    """A guest the stream knows edits their details or their communication choices."""
    g = act.world.pool.returning(center, act.rng)
    if g is not None:
        if act.rng.random() < 0.6:
            act.world.update_guest(g)
        else:
            _opt(act, g)
    yield from ()


def hire(act: Activity, center: Center) -> Process:
    """A staff member joins today; some leave later, once their last visit is done."""
    world, rng, p = act.world, act.rng, act.profile
    e = world.hire_employee(center)
    if rng.random() >= p.leave:
        return
    low, high = p.leave_after
    yield (
        act.later(center, rng.randint(low, high))
        if high
        else world.now + rng.randint(30, 240) * MIN
    )
    e.bookable = False  # no new visits; leaves once the booked ones are done
    for _ in range(30):
        if not open_holds(e, world.now):
            world.delete_employee(e)
            return
        yield world.now + DAY_TICKS


def staff_update(act: Activity, center: Center) -> Process:
    """Someone's staff record is edited (a phone number, a catalog flag)."""
    staff = [
        e for e in center.employees if e.active and (act.setup_staff_edits or e.hired_in_stream)
    ]
    if staff:
        act.world.update_employee(staff[act.rng.randrange(len(staff))])
    yield from ()
