"""World operations on guests and employees: Guest.* and Employee.* events.

A guest is introduced by ``Guest.Created`` the first time an operation names
them (``use_guest``); ``Guest.Deleted`` is refused while the guest holds
anything open (see ``holds``), so it is always the guest's last event. Only
employees hired during the stream can be deleted (see ``keys``).

Each operation is a function of the world's state (``World`` lists them as
its methods): it checks the rules, changes the entities and emits.
"""

from __future__ import annotations

from mockzenoti.factory.people import refresh_optin_codes, typical_guest_edit
from mockzenoti.model import Center, Employee, Guest
from mockzenoti.render import employee as render_employee
from mockzenoti.render import guest as render_guest
from mockzenoti.timefmt import TICKS_PER_SECOND
from mockzenoti.world.holds import open_holds
from mockzenoti.world.rules import TransitionError, employee_state, guest_state, require
from mockzenoti.world.state import WorldState

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "check_guest",
    "create_guest",
    "delete_employee",
    "delete_guest",
    "hire_employee",
    "opt_guest",
    "update_employee",
    "update_guest",
    "use_guest",
]

CATEGORIES = ("marketing", "transactional")
CHANNELS = ("email", "sms", "whatsapp")


def _guest_name(g: Guest) -> str:
    return f"guest {g.first_name} {g.last_name} ({g.id})"


def check_guest(guest: Guest) -> None:
    """Refuse (``TransitionError``) a guest no operation may name any more: a deleted one."""
    if guest.deleted:
        require("guest", "use", "deleted", _guest_name(guest))


def use_guest(world: WorldState, guest: Guest) -> Guest:
    """``guest``, introduced first (``Guest.Created``) if a consumer does not know them yet.

    A client from before the stream is known already (no ``Guest.Created``);
    the first event naming them brings their record into the truth.
    """
    if guest.deleted:
        require("guest", "use", "deleted", _guest_name(guest))
    if not guest.introduced:
        create_guest(world, guest)
    elif not guest.greeted and guest.predates_stream:
        world.greet(guest)
    return guest


def create_guest(world: WorldState, guest: Guest) -> Guest:
    """``Guest.Created``: ``guest`` registers now (``created_date`` a second or two before)."""
    if guest.introduced:
        raise TransitionError(f"cannot create {_guest_name(guest)}: it already exists")
    guest.created_ticks = world.now - world.rng.randrange(1, 3) * TICKS_PER_SECOND
    guest.introduced = True
    world.pool.mark_introduced(guest)
    data = render_guest.guest_created(guest)
    world.emit("Guest.Created", data, (guest.key,), guest.center.id, (guest,))
    return guest


def update_guest(
    world: WorldState,
    guest: Guest,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
) -> None:
    """``Guest.Updated``: the given fields change, or (none given) a typical edit is made."""
    require("guest", "update", guest_state(guest), lambda: _guest_name(guest))
    use_guest(world, guest)
    if first_name is None and last_name is None and email is None:
        maker = world.factory.people(guest.center.site.country)
        typical_guest_edit(guest, maker, world.rng)
    else:
        guest.first_name = first_name if first_name is not None else guest.first_name
        guest.last_name = last_name if last_name is not None else guest.last_name
        guest.email = email if email is not None else guest.email
    refresh_optin_codes(guest)
    data = render_guest.guest_updated(guest)
    world.emit("Guest.Updated", data, (guest.key,), guest.center.id, (guest,))


def opt_guest(
    world: WorldState,
    guest: Guest,
    state: str,
    category: str | None = None,
    channel: str | None = None,
) -> tuple[str, str]:
    """``Guest.OptedIn`` / ``Guest.OptedOut`` for one category and channel.

    ``state`` is ``opted-in`` or ``opted-out``. Without a category or
    channel, one whose preference differs from ``state`` is chosen.
    Returns the (category, channel) changed.
    """
    action = "opt-in" if state == "opted-in" else "opt-out"
    require("guest", action, guest_state(guest), lambda: _guest_name(guest))
    use_guest(world, guest)
    prefs = guest.preferences
    choices = [
        (cat, ch)
        for cat in ((category,) if category else CATEGORIES)
        for ch in ((channel,) if channel else CHANNELS)
        if prefs.get(cat, ch) != state
    ]
    if not choices:
        where = f"{category or 'every category'} {channel or 'on every channel'}"
        raise TransitionError(f"cannot {action} {_guest_name(guest)}: already {state} {where}")
    cat, ch = choices[world.rng.randrange(len(choices))] if len(choices) > 1 else choices[0]
    prefs.set(cat, ch, state)
    name = "Guest.OptedIn" if state == "opted-in" else "Guest.OptedOut"
    data = render_guest.guest_opted(guest, cat, ch, world.now)
    world.emit(name, data, (guest.key,), guest.center.id, (guest,))
    return cat, ch


def delete_guest(world: WorldState, guest: Guest) -> None:
    """``Guest.Deleted``: refused while the guest holds an open booking, visit or sale."""
    require("guest", "delete", guest_state(guest), lambda: _guest_name(guest))
    use_guest(world, guest)
    held = open_holds(guest, world.now)
    if held:
        names = ", ".join(getattr(h, "key", "?") for h in held[:3])
        raise TransitionError(f"cannot delete {_guest_name(guest)}: it still has {names}")
    guest.deleted = True
    world.pool.mark_deleted(guest)
    data = render_guest.guest_deleted(guest)
    world.emit("Guest.Deleted", data, (guest.key,), guest.center.id, (guest,))


# -- employees ------------------------------------------------------------------------


def hire_employee(
    world: WorldState,
    center: Center,
    *,
    job_name: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> Employee:
    """``Employee.Created``: a staff member of ``center`` starting today."""
    e = world.factory.employee(center, world.now, job_name=job_name, hired=world.now)
    e.first_name = first_name or e.first_name
    e.last_name = last_name or e.last_name
    e.hired_in_stream = True
    world.emit("Employee.Created", render_employee.employee_created(e), (e.key,), center.id, (e,))
    return e


def update_employee(
    world: WorldState,
    e: Employee,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
) -> None:
    """``Employee.Updated``: the given names change, or a phone or catalog flag does."""
    require("employee", "update", employee_state(e), f"employee {e.name} ({e.id})")
    if first_name is None and last_name is None:
        if world.rng.random() < 0.5:
            e.mobile = world.factory.people(e.center.site.country).mobile(e.center.site)
        else:
            e.show_in_catalog = not e.show_in_catalog
    else:
        e.first_name = first_name or e.first_name
        e.last_name = last_name or e.last_name
    world.emit("Employee.Updated", render_employee.employee_updated(e), (e.key,), e.center.id, (e,))


def delete_employee(world: WorldState, e: Employee) -> None:
    """``Employee.Deleted``: only for staff hired during the stream with no open work."""
    what = f"employee {e.name} ({e.id})"
    require("employee", "delete", employee_state(e), what)
    if not e.hired_in_stream:
        raise TransitionError(
            f"cannot delete {what}: staff of the fixed setup are not deleted "
            "(only employees hired during the stream are)"
        )
    held = open_holds(e, world.now)
    if held:
        names = ", ".join(getattr(h, "key", "?") for h in held[:3])
        raise TransitionError(f"cannot delete {what}: still working on {names}")
    e.active = False
    world.emit("Employee.Deleted", render_employee.employee_deleted(e), (e.key,), e.center.id, (e,))
