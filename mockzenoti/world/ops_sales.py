"""World operations on memberships and packages: Guest.Membership.*, Guest.Package.*.

Memberships: sold (Created), frozen and unfrozen, cancelled and reinstated
(within 30 days of the cancellation). Packages: sold with an open invoice
(Creation), activated when paid (StatusUpdate), redeemed while a balance is
left and the package is valid (Redemption), a redemption undone
(RedemptionReversal), validity extended (ValidityUpdate).
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
from mockzenoti.world.ops_appointments import AppointmentOps
from mockzenoti.world.rules import TransitionError, membership_state, package_state, require

__all__ = ["SalesOps"]


class SalesOps(AppointmentOps):
    """Sell, freeze, unfreeze, cancel, reinstate memberships; sell, activate, redeem packages."""

    def _membership_rule(self, m: GuestMembership, action: str) -> None:
        require("membership", action, membership_state(m), f"membership {m.id}")

    def _package_rule(self, p: GuestPackage, action: str) -> None:
        require("package", action, package_state(p), f"package {p.id}")

    def _membership_event(self, name: str, m: GuestMembership) -> None:
        render = {
            "Guest.Membership.Freeze": render_membership.membership_freeze,
            "Guest.Membership.Unfreeze": render_membership.membership_unfreeze,
            "Guest.Membership.Cancelled": render_membership.membership_cancelled,
            "Guest.Membership.Reinstate": render_membership.membership_reinstate,
        }[name]
        self._emit(name, render(m), (m.key, m.guest.key), m.center.id, (m,))

    def sell_membership(
        self, center: Center, guest: Guest, *, plan: MembershipPlan | None = None
    ) -> GuestMembership:
        """``Guest.Membership.Created``: a membership sold to ``guest`` and paid now."""
        self.use_guest(guest)
        m = self.factory.guest_membership(center, guest, self.now, plan)
        hold(guest, m, self.now)
        self._emit("Guest.Membership.Created", membership_created(m), (m.key, guest.key),
                   center.id, (m,))  # fmt: skip
        return m

    def freeze_membership(self, m: GuestMembership) -> None:
        """``Guest.Membership.Freeze``: paused from the next local midnight."""
        self._membership_rule(m, "freeze")
        self.factory.freeze_membership(m, self.now)
        self._membership_event("Guest.Membership.Freeze", m)

    def unfreeze_membership(self, m: GuestMembership) -> None:
        """``Guest.Membership.Unfreeze``."""
        self._membership_rule(m, "unfreeze")
        self.factory.unfreeze_membership(m)
        self._membership_event("Guest.Membership.Unfreeze", m)

    def cancel_membership(self, m: GuestMembership) -> None:
        """``Guest.Membership.Cancelled``: effective at the end of the local day (a freeze ends)."""
        self._membership_rule(m, "cancel")
        m.freeze = None
        self.factory.cancel_membership(m, self.now)
        self._membership_event("Guest.Membership.Cancelled", m)

    def reinstate_membership(self, m: GuestMembership) -> None:
        """``Guest.Membership.Reinstate``: within 30 days of the cancellation."""
        self._membership_rule(m, "reinstate")
        assert m.cancellation is not None
        if self.now >= m.cancellation.initiated_ticks + REINSTATE_WINDOW:
            raise TransitionError(f"cannot reinstate membership {m.id}: cancelled over 30 days ago")
        self.factory.reinstate_membership(m)
        self._membership_event("Guest.Membership.Reinstate", m)

    def sell_package(
        self, center: Center, guest: Guest, *, plan: PackagePlan | None = None
    ) -> GuestPackage:
        """``Guest.Package.Creation``: a package sold to ``guest``, its invoice still open."""
        self.use_guest(guest)
        p = self.factory.guest_package(center, guest, self.now, plan)
        hold(guest, p, self.now)
        self._emit("Guest.Package.Creation", render_package.package_creation(p),
                   package_keys(p), center.id, (p,))  # fmt: skip
        return p

    def activate_package(self, p: GuestPackage) -> None:
        """``Guest.Package.StatusUpdate``: the invoice is paid, the package is active from now."""
        self._package_rule(p, "activate")
        self.factory.activate_package(p, self.now)
        self._emit("Guest.Package.StatusUpdate", render_package.package_status_update(p),
                   package_keys(p), p.center.id, (p,))  # fmt: skip

    def redeem_package(self, p: GuestPackage) -> None:
        """``Guest.Package.Redemption``: one session of a service with balance left is used."""
        self._package_rule(p, "redeem")
        if self.now >= p.end_ticks:
            raise TransitionError(f"cannot redeem package {p.id}: its validity has ended")
        if not any(b.balance > 0 for b in p.balances):
            raise TransitionError(f"cannot redeem package {p.id}: no balance left")
        self.factory.redeem_package(p, self.now)
        self._emit("Guest.Package.Redemption", render_package.package_redemption(p),
                   package_keys(p, redemption=True), p.center.id, (p,))  # fmt: skip

    def reverse_redemption(self, p: GuestPackage) -> None:
        """``Guest.Package.RedemptionReversal``: the latest redemption not yet undone is undone."""
        self._package_rule(p, "reverse")
        if not any(not r.reversed for r in p.redemptions):
            raise TransitionError(f"cannot reverse a redemption of package {p.id}: there is none")
        self.factory.reverse_redemption(p)
        self._emit("Guest.Package.RedemptionReversal",
                   render_package.package_redemption_reversal(p),
                   package_keys(p, redemption=True), p.center.id, (p,))  # fmt: skip

    def extend_package(self, p: GuestPackage, days: int) -> None:
        """``Guest.Package.ValidityUpdate``: the end of validity moves ``days`` later."""
        self._package_rule(p, "extend")
        if days <= 0:
            raise TransitionError(f"cannot extend package {p.id} by {days} days")
        self.factory.extend_package(p, days)
        self._emit("Guest.Package.ValidityUpdate", render_package.package_validity_update(p),
                   package_keys(p), p.center.id, (p,))  # fmt: skip
