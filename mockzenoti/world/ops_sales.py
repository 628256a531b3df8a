"""World operations on memberships and packages: Guest.Membership.*, Guest.Package.*.

Memberships: sold (Created), frozen and unfrozen, cancelled and reinstated
(within 30 days of the cancellation). Packages: sold with an open invoice
(Creation), activated when paid (StatusUpdate), redeemed while a balance is
left and the package is valid (Redemption), a redemption undone
(RedemptionReversal), validity extended (ValidityUpdate).

Each operation is a function of the world's state (``World`` lists them as
its methods): it checks the rules, changes the entities and emits.
"""

from __future__ import annotations

from mockzenoti.model import (
    Center,
    Guest,
    GuestMembership,
    GuestPackage,
    MembershipPlan,
    PackagePlan,
)
from mockzenoti.render import membership as render_membership
from mockzenoti.render import package as render_package
from mockzenoti.render.membership_created import membership_created
from mockzenoti.world.holds import REINSTATE_WINDOW, hold
from mockzenoti.world.keys import package_keys
from mockzenoti.world.ops_people import use_guest
from mockzenoti.world.rules import TransitionError, membership_state, package_state, require
from mockzenoti.world.state import WorldState

__all__ = [
    "activate_package",
    "cancel_membership",
    "extend_package",
    "freeze_membership",
    "redeem_package",
    "reinstate_membership",
    "reverse_redemption",
    "sell_membership",
    "sell_package",
    "unfreeze_membership",
]


def _membership_rule(m: GuestMembership, action: str) -> None:
    require("membership", action, membership_state(m), f"membership {m.id}")


def _package_rule(p: GuestPackage, action: str) -> None:
    require("package", action, package_state(p), f"package {p.id}")


def _membership_event(
    world: WorldState, name: str, data: dict[str, object], m: GuestMembership
) -> None:
    world.emit(name, data, (m.key, m.guest.key), m.center.id, (m,))


def sell_membership(
    world: WorldState, center: Center, guest: Guest, *, plan: MembershipPlan | None = None
) -> GuestMembership:
    """``Guest.Membership.Created``: a membership sold to ``guest`` and paid now."""
    use_guest(world, guest)
    m = world.factory.guest_membership(center, guest, world.now, plan)
    hold(guest, m, world.now)
    world.emit(
        "Guest.Membership.Created", membership_created(m), (m.key, guest.key), center.id, (m,)
    )
    return m


def freeze_membership(world: WorldState, m: GuestMembership) -> None:
    """``Guest.Membership.Freeze``: paused from the next local midnight."""
    _membership_rule(m, "freeze")
    world.factory.freeze_membership(m, world.now)
    _membership_event(world, "Guest.Membership.Freeze", render_membership.membership_freeze(m), m)


def unfreeze_membership(world: WorldState, m: GuestMembership) -> None:
    """``Guest.Membership.Unfreeze``."""
    _membership_rule(m, "unfreeze")
    world.factory.unfreeze_membership(m)
    data = render_membership.membership_unfreeze(m)
    _membership_event(world, "Guest.Membership.Unfreeze", data, m)


def cancel_membership(world: WorldState, m: GuestMembership) -> None:
    """``Guest.Membership.Cancelled``: effective at the end of the local day (a freeze ends)."""
    _membership_rule(m, "cancel")
    m.freeze = None
    world.factory.cancel_membership(m, world.now)
    data = render_membership.membership_cancelled(m)
    _membership_event(world, "Guest.Membership.Cancelled", data, m)


def reinstate_membership(world: WorldState, m: GuestMembership) -> None:
    """``Guest.Membership.Reinstate``: within 30 days of the cancellation."""
    _membership_rule(m, "reinstate")
    assert m.cancellation is not None
    if world.now >= m.cancellation.initiated_ticks + REINSTATE_WINDOW:
        raise TransitionError(f"cannot reinstate membership {m.id}: cancelled over 30 days ago")
    world.factory.reinstate_membership(m)
    data = render_membership.membership_reinstate(m)
    _membership_event(world, "Guest.Membership.Reinstate", data, m)


def sell_package(
    world: WorldState, center: Center, guest: Guest, *, plan: PackagePlan | None = None
) -> GuestPackage:
    """``Guest.Package.Creation``: a package sold to ``guest``, its invoice still open."""
    use_guest(world, guest)
    p = world.factory.guest_package(center, guest, world.now, plan)
    hold(guest, p, world.now)
    data = render_package.package_creation(p)
    world.emit("Guest.Package.Creation", data, package_keys(p), center.id, (p,))
    return p


def activate_package(world: WorldState, p: GuestPackage) -> None:
    """``Guest.Package.StatusUpdate``: the invoice is paid, the package is active from now."""
    _package_rule(p, "activate")
    world.factory.activate_package(p, world.now)
    data = render_package.package_status_update(p)
    world.emit("Guest.Package.StatusUpdate", data, package_keys(p), p.center.id, (p,))


def redeem_package(world: WorldState, p: GuestPackage) -> None:
    """``Guest.Package.Redemption``: one session of a service with balance left is used."""
    _package_rule(p, "redeem")
    if world.now >= p.end_ticks:
        raise TransitionError(f"cannot redeem package {p.id}: its validity has ended")
    if not any(b.balance > 0 for b in p.balances):
        raise TransitionError(f"cannot redeem package {p.id}: no balance left")
    world.factory.redeem_package(p, world.now)
    data = render_package.package_redemption(p)
    keys = package_keys(p, redemption=True)
    world.emit("Guest.Package.Redemption", data, keys, p.center.id, (p,))


def reverse_redemption(world: WorldState, p: GuestPackage) -> None:
    """``Guest.Package.RedemptionReversal``: the latest redemption not yet undone is undone."""
    _package_rule(p, "reverse")
    if not any(not r.reversed for r in p.redemptions):
        raise TransitionError(f"cannot reverse a redemption of package {p.id}: there is none")
    world.factory.reverse_redemption(p)
    data = render_package.package_redemption_reversal(p)
    keys = package_keys(p, redemption=True)
    world.emit("Guest.Package.RedemptionReversal", data, keys, p.center.id, (p,))


def extend_package(world: WorldState, p: GuestPackage, days: int) -> None:
    """``Guest.Package.ValidityUpdate``: the end of validity moves ``days`` later."""
    _package_rule(p, "extend")
    if days <= 0:
        raise TransitionError(f"cannot extend package {p.id} by {days} days")
    world.factory.extend_package(p, days)
    data = render_package.package_validity_update(p)
    world.emit("Guest.Package.ValidityUpdate", data, package_keys(p), p.center.id, (p,))
