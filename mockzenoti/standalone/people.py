"""Standalone guest and employee events."""

from __future__ import annotations

from mockzenoti.factory.people import typical_guest_edit
from mockzenoti.render import employee as render_employee
from mockzenoti.render import guest as render_guest
from mockzenoti.standalone._scene import Builder, Built, Scene

__all__ = ["BUILDERS"]

_CATEGORIES = ("marketing", "marketing", "marketing", "transactional")
_CHANNELS = ("email", "email", "sms", "whatsapp")


def guest_created(scene: Scene, t: int) -> Built:
    """A guest registered at ``t`` (``created_date`` a second or two earlier)."""
    guest = scene.new_guest(t)
    return render_guest.guest_created(guest), (guest.key,)


def guest_updated(scene: Scene, t: int) -> Built:
    """A guest edited at ``t``: a new code suffix, e-mail, surname or WhatsApp choice."""
    rng = scene.factory.rng
    maker = scene.factory.people(scene.center.site.country)
    guest = scene.guest(t)
    typical_guest_edit(guest, maker, rng)
    return render_guest.guest_updated(guest), (guest.key,)


def guest_deleted(scene: Scene, t: int) -> Built:
    """A guest deleted at ``t``."""
    guest = scene.guest(t)
    guest.deleted = True
    return render_guest.guest_deleted(guest), (guest.key,)


def _opted(scene: Scene, t: int, state: str) -> Built:
    rng = scene.factory.rng
    guest = scene.guest(t)
    category, channel = rng.choice(_CATEGORIES), rng.choice(_CHANNELS)
    prefs = guest.preferences
    for other in _CHANNELS[1:]:
        if rng.random() < 0.15:
            prefs.set("marketing", other, "opted-out")
    prefs.set(category, channel, state)
    return render_guest.guest_opted(guest, category, channel, t), (guest.key,)


def guest_opted_in(scene: Scene, t: int) -> Built:
    """A guest opting in to one category and channel at ``t``."""
    return _opted(scene, t, "opted-in")


def guest_opted_out(scene: Scene, t: int) -> Built:
    """A guest opting out of one category and channel at ``t``."""
    return _opted(scene, t, "opted-out")


def employee_created(scene: Scene, t: int) -> Built:
    """A staff member added at ``t``, starting that day."""
    employee = scene.factory.employee(scene.center, t, hired=t)
    return render_employee.employee_created(employee), (employee.key,)


def employee_updated(scene: Scene, t: int) -> Built:
    """A staff member's record edited at ``t`` (a phone, a catalog flag)."""
    rng = scene.factory.rng
    employee = rng.choice(scene.center.employees)
    if rng.random() < 0.5:
        employee.mobile = scene.factory.people(scene.center.site.country).mobile(scene.center.site)
    else:
        employee.show_in_catalog = not employee.show_in_catalog
    return render_employee.employee_updated(employee), (employee.key,)


def employee_deleted(scene: Scene, t: int) -> Built:
    """A staff member removed at ``t``."""
    employee = scene.factory.rng.choice(scene.center.employees)
    employee.active = False
    return render_employee.employee_deleted(employee), (employee.key,)


BUILDERS: dict[str, Builder] = {
    "Guest.Created": guest_created,
    "Guest.Updated": guest_updated,
    "Guest.Deleted": guest_deleted,
    "Guest.OptedIn": guest_opted_in,
    "Guest.OptedOut": guest_opted_out,
    "Employee.Created": employee_created,
    "Employee.Updated": employee_updated,
    "Employee.Deleted": employee_deleted,
}
