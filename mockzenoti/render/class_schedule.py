"""Class schedule section: Created, Updated, Cancelled, Deleted (one ``data`` shape).

The object mirrors Zenoti's class-session request model (``override_conflict_check``,
``weekdays``, ``num_occurences`` sic), whose times are the center's local wall
time, so ``start_time``/``end_time`` are written local (inferred). ``sesion_id``
(sic) is the integer session id; ``data.event_id`` is unrelated to the
envelope's: null, or -1 after an edit, as the samples show. ``description``
and the virtual links are null until the session is edited, then ``""``.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import ClassSession
from mockzenoti.render._common import local

__all__ = [
    "class_schedule",
    "schedule_cancelled",
    "schedule_created",
    "schedule_deleted",
    "schedule_updated",
]


def class_schedule(session: ClassSession, *, edited: bool = False) -> dict[str, Any]:
    """The shared data of the four schedule events; ``edited`` for the Updated form."""
    tz = session.center.tz
    text = "" if edited else None
    return {
        "sesion_id": session.session_id,
        "center_id": session.center.id,
        "class_name": session.offering.name,
        "start_time": local(session.start_ticks, tz),
        "end_time": local(session.end_ticks, tz),
        "duration_in_mins": session.minutes,
        "instructor_details_list": None,
        "room_id": None,
        "capacity": session.capacity,
        "web_capacity": session.web_capacity,
        "show_in_catalog": 1,
        "is_free_session": False,
        "description": text,
        "html_description": text,
        "is_recurring": False,
        "recurrence_start_time": None,
        "recurrence_end_time": None,
        "recurrence_type": None,
        "frequency": None,
        "num_occurences": None,
        "weekdays": None,
        "override_conflict_check": False,
        "enforce_add_on_conflict": False,
        "class_type": 1,
        "code": None,
        "event_id": -1 if edited else None,
        "student_virtual_link": text,
        "instructor_virtual_link": text,
        "recurrence_id": None,
        "recurrence_session_ids": None,
    }


def schedule_created(session: ClassSession) -> dict[str, Any]:
    """``Class.Schedule.Created``."""
    return class_schedule(session)


def schedule_updated(session: ClassSession) -> dict[str, Any]:
    """``Class.Schedule.Updated``: the session after the edit."""
    return class_schedule(session, edited=True)


def schedule_cancelled(session: ClassSession) -> dict[str, Any]:
    """``Class.Schedule.Cancelled``."""
    return class_schedule(session)


def schedule_deleted(session: ClassSession) -> dict[str, Any]:
    """``Class.Schedule.Deleted``."""
    return class_schedule(session)
