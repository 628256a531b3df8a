"""The lifecycle rules: which action is allowed in which state, and when.

One table (``RULES``) says, per kind of entity and action, the states the
action may start from, the state it leads to and its timing rule relative to
the entity's start (a class session's, or the first appointment's). The
world's operations enforce it (``require``), and nothing else re-tells it: a
scenario file's steps are checked by a dry run through those operations.

State names are the ones the truth file uses: bookings ``booked``,
``waitlisted``, ``approved``, ``cancelled``, ``deleted``, ``noshow``,
``rejected``; sessions ``scheduled``, ``cancelled``, ``deleted``; appointment
groups ``new``, ``confirmed``, ``checked-in``, ``closed``, ``cancelled``,
``noshow``; memberships ``active``, ``frozen``, ``cancelled``; packages
``sold``, ``active``; guests ``exists``, ``deleted``; employees ``active``,
``deleted``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from mockzenoti.errors import MockZenotiError
from mockzenoti.model import (
    AppointmentGroup,
    ClassBooking,
    Employee,
    Guest,
    GuestMembership,
    GuestPackage,
)
from mockzenoti.timefmt import local_naive

__all__ = [
    "GROUP_STATES",
    "KINDS",
    "RULES",
    "STATUS_NAMES",
    "Rule",
    "Timing",
    "TransitionError",
    "booking_state",
    "employee_state",
    "group_state",
    "guest_state",
    "membership_state",
    "package_state",
    "permits",
    "require",
]

KINDS = ("guest", "employee", "session", "booking", "appointment", "membership", "package")
Timing = Literal["before-start", "after-start", "before-end"]

# appointment_group_status codes (Zenoti's appointment status enum) and our state names.
STATUS_NAMES: dict[int, str] = {
    -2: "NoShow",
    -1: "Cancelled",
    0: "New",
    1: "Closed",
    2: "Checkin",
    4: "Confirm",
    10: "Break",
    11: "NotSpecified",
    20: "Available",
    21: "Voided",
}
GROUP_STATES: dict[int, str] = {
    0: "new",
    4: "confirmed",
    2: "checked-in",
    1: "closed",
    -1: "cancelled",
    -2: "noshow",
}


class TransitionError(MockZenotiError):
    """An action the lifecycle rules do not allow in the entity's state or at this time."""

    code = "illegal_transition"


@dataclass(frozen=True, slots=True)
class Rule:
    """What an action needs: one of ``sources``; it leads to ``target`` (None: unchanged)."""

    kind: str
    action: str
    sources: tuple[str, ...]
    target: str | None = None
    timing: Timing | None = None


_LIVE_BOOKING = ("booked", "waitlisted", "approved")
_OPEN_GROUP = ("new", "confirmed")

RULES: dict[tuple[str, str], Rule] = {
    (r.kind, r.action): r
    for r in (
        Rule("session", "update", ("scheduled",), None, "before-start"),
        Rule("session", "cancel", ("scheduled",), "cancelled", "before-start"),
        Rule("session", "delete", ("scheduled",), "deleted", "before-end"),
        Rule("session", "book", ("scheduled",), None, "before-start"),
        Rule("booking", "cancel", _LIVE_BOOKING, "cancelled", "before-start"),
        Rule("booking", "delete", _LIVE_BOOKING, "deleted", "before-end"),
        Rule("booking", "no-show", ("booked", "approved"), "noshow", "after-start"),
        Rule("booking", "approve", ("waitlisted",), "approved", "before-start"),
        Rule("booking", "reject", ("waitlisted",), "rejected"),
        Rule("appointment", "confirm", ("new",), "confirmed"),
        Rule("appointment", "check-in", _OPEN_GROUP, "checked-in"),
        Rule("appointment", "start", ("checked-in",)),
        Rule("appointment", "complete", ("checked-in",)),
        Rule("appointment", "pay", ("checked-in",)),
        Rule("appointment", "close", ("checked-in",), "closed"),
        Rule("appointment", "refund", ("closed",)),
        Rule("appointment", "checkout", (*_OPEN_GROUP, "checked-in"), "closed", "after-start"),
        Rule("appointment", "cancel", _OPEN_GROUP, "cancelled"),
        Rule("appointment", "no-show", _OPEN_GROUP, "noshow", "after-start"),
        Rule("appointment", "reschedule", _OPEN_GROUP, "cancelled"),
        Rule("appointment", "feedback", ("closed",)),
        Rule("membership", "freeze", ("active",), "frozen"),
        Rule("membership", "unfreeze", ("frozen",), "active"),
        Rule("membership", "cancel", ("active", "frozen"), "cancelled"),
        Rule("membership", "reinstate", ("cancelled",), "active"),
        Rule("membership", "guestpass", ("active",)),
        Rule("package", "activate", ("sold",), "active"),
        Rule("package", "redeem", ("active",)),
        Rule("package", "reverse", ("active",)),
        Rule("package", "extend", ("active",)),
        Rule("guest", "use", ("exists",)),
        Rule("guest", "update", ("exists",)),
        Rule("guest", "opt-in", ("exists",)),
        Rule("guest", "opt-out", ("exists",)),
        Rule("guest", "delete", ("exists",), "deleted"),
        Rule("employee", "update", ("active",)),
        Rule("employee", "delete", ("active",), "deleted"),
    )
}


def require(
    kind: str,
    action: str,
    state: str,
    what: str | Callable[[], str],
    now: int = 0,
    start: int = 0,
    end: int = 0,
    tz: str = "UTC",
) -> Rule:
    """The rule for ``action`` on ``what`` (a ``kind`` in ``state``); raises if it does not apply.

    ``start``/``end`` are the instants the timing rules refer to; ``tz`` is
    the zone their message shows them in. ``what`` is the entity's name in
    the message, or a function that writes it: called only to refuse, so that
    the hot path (every booking checks its session) builds no text. Hot
    callers pass everything by position, a little cheaper than by keyword.
    """
    rule = RULES[(kind, action)]
    if permits(rule, state, now, start, end):
        return rule
    name = what if isinstance(what, str) else what()
    if state not in rule.sources:
        needs = " or ".join(rule.sources)
        raise TransitionError(f"cannot {action} {name}: it is {state} ({action} needs {needs})")
    if rule.timing == "before-start":
        raise TransitionError(
            f"cannot {action} {name}: it started at {_at(start, tz)} and it is {_at(now, tz)}"
        )
    if rule.timing == "after-start":
        raise TransitionError(
            f"cannot {action} {name} before it starts at {_at(start, tz)} (it is {_at(now, tz)})"
        )
    raise TransitionError(  # before-end
        f"cannot {action} {name}: it ended at {_at(end, tz)} and it is {_at(now, tz)}"
    )


def permits(rule: Rule, state: str, now: int, start: int, end: int) -> bool:
    """True when ``rule``'s action may happen from ``state`` at ``now`` (``require``'s test)."""
    if state not in rule.sources:
        return False
    timing = rule.timing
    if timing is None:
        return True
    if timing == "before-start":
        return now < start
    return now >= start if timing == "after-start" else now < end


def _at(ticks: int, tz: str) -> str:
    return f"{local_naive(ticks, tz).replace('T', ' ')} {tz}"


def booking_state(b: ClassBooking) -> str:
    """The booking's state name (a booking made on the waitlist is ``waitlisted``)."""
    if b.state == "booked":
        return "waitlisted" if b.waitlist else "booked"
    return "noshow" if b.state == "no-show" else b.state


def group_state(g: AppointmentGroup) -> str:
    """The appointment group's state name, from its status code."""
    state = GROUP_STATES.get(g.status)  # not .get(status, str(status)): str() on every call
    return state if state is not None else str(g.status)


def membership_state(m: GuestMembership) -> str:
    """``cancelled``, ``frozen`` or ``active``."""
    if m.cancellation is not None:
        return "cancelled"
    return "frozen" if m.freeze is not None else "active"


def package_state(p: GuestPackage) -> str:
    """``sold`` until its invoice is paid, then ``active``."""
    return "sold" if p.state == 2 else "active"


def guest_state(g: Guest) -> str:
    """``exists`` or ``deleted``."""
    return "deleted" if g.deleted else "exists"


def employee_state(e: Employee) -> str:
    """``active`` or ``deleted``."""
    return "active" if e.active else "deleted"
