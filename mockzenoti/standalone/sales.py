"""Standalone guest membership and guest package events."""

from __future__ import annotations

from mockzenoti.model import GuestMembership, GuestPackage
from mockzenoti.render import membership as render_membership
from mockzenoti.render import package as render_package
from mockzenoti.render.membership_created import membership_created as render_created
from mockzenoti.standalone._scene import Builder, Built, Scene
from mockzenoti.timefmt import DAY_TICKS, local_midnight

__all__ = ["BUILDERS"]


def _membership(scene: Scene, t: int, low_days: int, high_days: int) -> GuestMembership:
    """A membership sold ``low``..``high`` days before ``t``, in its recurring phase."""
    rng = scene.factory.rng
    center = scene.center
    plans = [p for p in center.membership_plans if p.included] or center.membership_plans
    guest = scene.guest(t, low_days=high_days, high_days=high_days + 400)
    plan = rng.choice(plans)
    m = scene.factory.guest_membership(
        center, guest, scene.days_before(t, low_days, high_days), plan
    )
    m.recurrence_status = 3
    m.grace_period_days = 5
    m.payment_duration, m.payment_duration_type = 3, 1
    m.default_payment_info = rng.choice(("Cash", "Cash", "CreditCard"))
    if m.next_collection_ticks is None:
        # the next monthly collection: a local midnight in the next four weeks
        m.next_collection_ticks = local_midnight(t + rng.randrange(1, 28) * DAY_TICKS, center.tz)
    for balance in m.balances:
        balance.used = rng.randrange(0, balance.total)
    return m


def membership_created(scene: Scene, t: int) -> Built:
    """A membership sold at ``t``."""
    center = scene.center
    rng = scene.factory.rng
    plans = [p for p in center.membership_plans if p.included] or center.membership_plans
    guest = scene.guest(t, low_days=0, high_days=300)
    m = scene.factory.guest_membership(center, guest, t, rng.choice(plans))
    return render_created(m), (m.key, guest.key)


def membership_freeze(scene: Scene, t: int) -> Built:
    """A membership frozen at ``t`` from the next local day."""
    m = _membership(scene, t, 30, 300)
    scene.factory.freeze_membership(m, t)
    return render_membership.membership_freeze(m), (m.key, m.guest.key)


def membership_unfreeze(scene: Scene, t: int) -> Built:
    """A frozen membership resumed at ``t``."""
    m = _membership(scene, t, 40, 300)
    scene.factory.freeze_membership(m, scene.days_before(t, 5, 25))
    scene.factory.unfreeze_membership(m)
    return render_membership.membership_unfreeze(m), (m.key, m.guest.key)


def membership_cancelled(scene: Scene, t: int) -> Built:
    """A membership cancelled at ``t``, effective at the end of the local day."""
    m = _membership(scene, t, 30, 300)
    scene.factory.cancel_membership(m, t)
    return render_membership.membership_cancelled(m), (m.key, m.guest.key)


def membership_reinstate(scene: Scene, t: int) -> Built:
    """A cancelled membership reinstated at ``t``."""
    m = _membership(scene, t, 40, 300)
    scene.factory.cancel_membership(m, scene.days_before(t, 2, 30))
    scene.factory.reinstate_membership(m)
    return render_membership.membership_reinstate(m), (m.key, m.guest.key)


def _package(scene: Scene, t: int, low_days: int, high_days: int) -> GuestPackage:
    guest = scene.guest(t, low_days=high_days, high_days=high_days + 400)
    sold = scene.days_before(t, low_days, high_days)
    return scene.factory.guest_package(scene.center, guest, sold)


def package_creation(scene: Scene, t: int) -> Built:
    """A package sold at ``t`` (its invoice still open)."""
    guest = scene.guest(t, low_days=0, high_days=300)
    p = scene.factory.guest_package(scene.center, guest, t)
    return render_package.package_creation(p), (p.key, guest.key)


def package_redemption(scene: Scene, t: int) -> Built:
    """One session of a package used at ``t``."""
    p = _package(scene, t, 1, 60)
    scene.factory.redeem_package(p, t)
    return render_package.package_redemption(p), (p.key, p.guest.key)


def package_redemption_reversal(scene: Scene, t: int) -> Built:
    """A package redemption undone at ``t``."""
    p = _package(scene, t, 2, 60)
    scene.factory.redeem_package(p, scene.seconds_before(t, 60, 86_400))
    scene.factory.reverse_redemption(p)
    return render_package.package_redemption_reversal(p), (p.key, p.guest.key)


def _activated(scene: Scene, t: int) -> GuestPackage:
    """A package whose invoice was paid at ``t``, seconds after the sale, starting then."""
    guest = scene.guest(t, low_days=0, high_days=300)
    sold = scene.seconds_before(t, 5, 90)
    p = scene.factory.guest_package(scene.center, guest, sold)
    scene.factory.activate_package(p, t)
    p.has_first_redemption = scene.factory.rng.random() < 0.5
    return p


def package_status_update(scene: Scene, t: int) -> Built:
    """A package activated at ``t`` when its invoice was paid."""
    p = _activated(scene, t)
    return render_package.package_status_update(p), (p.key, p.guest.key)


def package_validity_update(scene: Scene, t: int) -> Built:
    """A package's validity extended at ``t`` by 30 to 90 days."""
    p = _activated(scene, scene.days_before(t, 10, 60))
    scene.factory.extend_package(p, scene.factory.rng.choice((30, 60, 90)))
    return render_package.package_validity_update(p), (p.key, p.guest.key)


BUILDERS: dict[str, Builder] = {
    "Guest.Membership.Created": membership_created,
    "Guest.Membership.Freeze": membership_freeze,
    "Guest.Membership.Unfreeze": membership_unfreeze,
    "Guest.Membership.Cancelled": membership_cancelled,
    "Guest.Membership.Reinstate": membership_reinstate,
    "Guest.Package.Creation": package_creation,
    "Guest.Package.Redemption": package_redemption,
    "Guest.Package.RedemptionReversal": package_redemption_reversal,
    "Guest.Package.StatusUpdate": package_status_update,
    "Guest.Package.ValidityUpdate": package_validity_update,
}
