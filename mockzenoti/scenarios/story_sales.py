"""Sales stories: memberships and packages over the weeks after they are sold.

``membership``: sold; maybe frozen for a while and unfrozen (at the end of
the freeze or early); maybe cancelled, and sometimes reinstated. Members
with guest passes may bring visitors to classes (see ``story_classes``).
``package``: sold with its invoice open; paid (activated) minutes later or
never; used session by session while valid, a redemption sometimes undone,
its validity sometimes extended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockzenoti.model import Center
from mockzenoti.timefmt import MINUTE_TICKS, TICKS_PER_SECOND, local_date
from mockzenoti.world import Process
from mockzenoti.world.holds import is_open
from mockzenoti.world.rules import membership_state, package_state

if TYPE_CHECKING:
    from mockzenoti.scenarios.activity import Activity

__all__ = ["membership", "package"]


def membership(act: Activity, center: Center) -> Process:
    """A membership sold now, and what becomes of it until it expires."""
    world, rng, p = act.world, act.rng, act.profile
    m = world.sell_membership(center, world.pool.pick(center, rng, p.returning))
    if m.guestpass_balance > 0:
        members = act.members[center.id]
        if len(members) >= 64:  # keep the list to memberships still open
            members[:] = [x for x in members if is_open(x, world.now)]
        members.append(m)
    if rng.random() < p.membership_freeze:
        yield act.later(center, act.gap())
        if membership_state(m) == "active" and world.now < m.expiry_ticks:
            world.freeze_membership(m)
            assert m.freeze is not None
            end_day = local_date(m.freeze.end_ticks, center.tz)
            early = rng.random() < 0.3
            yield act.later(center, act.gap()) if early else act.day_moment(center, end_day)
            if membership_state(m) == "frozen":
                world.unfreeze_membership(m)
    if rng.random() < p.membership_cancel:
        yield act.later(center, act.gap())
        if membership_state(m) in ("active", "frozen") and world.now < m.expiry_ticks:
            world.cancel_membership(m)
            if rng.random() < p.membership_reinstate:
                yield act.later(center, min(act.gap(), 20))
                world.reinstate_membership(m)


def package(act: Activity, center: Center) -> Process:
    """A package sold now: paid or not, then used while valid."""
    world, rng, p = act.world, act.rng, act.profile
    pkg = world.sell_package(center, world.pool.pick(center, rng, p.returning))
    if rng.random() >= p.package_paid:
        return
    yield world.now + rng.randint(10, 300) * TICKS_PER_SECOND
    world.activate_package(pkg)
    uses = rng.randint(1, sum(b.total for b in pkg.balances) or 1)
    extend_at = rng.randrange(uses) if rng.random() < p.package_extend else -1
    for i in range(uses):
        yield act.later(center, act.gap())
        if world.now >= pkg.end_ticks or package_state(pkg) != "active":
            return
        if not any(b.balance > 0 for b in pkg.balances):
            return
        world.redeem_package(pkg)
        if rng.random() < p.package_reverse:
            yield world.now + rng.randint(1, 90) * MINUTE_TICKS
            world.reverse_redemption(pkg)
        if i == extend_at:
            yield world.now + rng.randint(1, 120) * MINUTE_TICKS
            world.extend_package(pkg, rng.choice((30, 60, 90)))
