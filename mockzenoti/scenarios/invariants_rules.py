"""Per event type: what ``check_stream`` reads from an event's ``data`` and checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from mockzenoti.render._common import midnight_utc
from mockzenoti.scenarios.invariants_state import ZERO_GUID, StreamState
from mockzenoti.timefmt import from_datetime, local_naive

__all__ = ["HANDLERS"]

Data = Mapping[str, Any]
Handler = Callable[[StreamState, Data, int], None]
_TERMINAL = (
    "Class.Booking.Cancelled",
    "Class.Booking.Deleted",
    "Class.Booking.NoShow",
    "Class.Booking.Rejected",
)


def _utc(text: str) -> int:
    return from_datetime(datetime.fromisoformat(text + "+00:00"))


def _names(s: StreamState, guest_id: str, first: str, last: str) -> None:
    known = s.guest_names.get(guest_id)
    if known is not None and known != (first, last):
        s.fail("same-entity", f"guest {guest_id} is {first} {last}, earlier {known[0]} {known[1]}")


# -- guests and employees -------------------------------------------------------------


def guest_record(event: str) -> Handler:
    def handle(s: StreamState, d: Data, ticks: int) -> None:
        s.ref("center", d["center_id"])
        info = d["personal_info"]
        if event == "Guest.Created":
            s.introduce("guest", d["id"])
        else:
            s.ref("guest", d["id"])
        registered = _utc(d["created_date"])
        if (d["id"] in s.old_clients) != (registered < s.registered_before):
            s.fail(
                "clientele",
                f"guest {d['id']} registered {d['created_date']}: "
                + (
                    "a client from before the stream registered after it began"
                    if d["id"] in s.old_clients
                    else "introduced by the stream but registered before it began"
                ),
            )
        s.guest_names[d["id"]] = (info["first_name"], info["last_name"])
        if event == "Guest.Deleted":
            s.end("guest", d["id"])

    return handle


def guest_opted(s: StreamState, d: Data, ticks: int) -> None:
    s.ref("guest", d["id"])
    _names(s, d["id"], d["details"]["first_name"], d["details"]["last_name"])


def employee_record(event: str) -> Handler:
    def handle(s: StreamState, d: Data, ticks: int) -> None:
        s.ref("center", d["center_id"])
        if event == "Employee.Created":
            s.introduce("employee", d["id"])
            s.hired.add(d["id"])
        else:
            s.ref("employee", d["id"])
        if event == "Employee.Deleted":
            s.end("employee", d["id"])

    return handle


# -- classes --------------------------------------------------------------------------


def schedule(event: str) -> Handler:
    def handle(s: StreamState, d: Data, ticks: int) -> None:
        sid, center = str(d["sesion_id"]), d["center_id"]
        s.ref("center", center)
        start = s.local_ticks(center, d["start_time"])
        if event == "Class.Schedule.Created":
            s.introduce("session", sid)
            s.sessions[sid] = {
                "start": start,
                "capacity": d["capacity"],
                "seats": 0,
                "live": set(),
                "center": center,
            }
            return
        s.ref("session", sid)
        info = s.sessions.get(sid)
        if info is None:
            return
        info["start"], info["capacity"] = start, d["capacity"]
        if info["seats"] > d["capacity"]:
            s.fail(
                "capacity",
                f"session {sid} has {info['seats']} seated, capacity now {d['capacity']}",
            )
        if event in ("Class.Schedule.Cancelled", "Class.Schedule.Deleted"):
            if info["live"]:
                s.fail(
                    "session-end", f"session {sid} ended with live bookings {sorted(info['live'])}"
                )
            s.end("session", sid)

    return handle


def booking(event: str) -> Handler:
    def handle(s: StreamState, d: Data, ticks: int) -> None:
        rid, sid = str(d["registration_id"]), str(d["session_id"])
        s.ref("center", d["center_id"])
        s.ref("session", sid)
        s.ref("guest", d["guest_id"])
        for companion in d.get("training_virtual_guests") or ():  # booked together with the guest
            s.ref("guest", companion["guest_id"])
        info = s.sessions.get(sid, {"start": None, "capacity": 0, "seats": 0, "live": set()})
        if event == "Class.Booking.Created":
            if d["registration_id"] <= s.last_registration:
                s.fail("registration-order", f"{rid} after {s.last_registration}")
            s.last_registration = max(s.last_registration, d["registration_id"])
            s.introduce("booking", rid)
            seated = not d["waitlist"]
            s.bookings[rid] = {"session": sid, "seated": seated}
            info["live"].add(rid)
            info["seats"] += seated
        else:
            if event in _TERMINAL and ("booking", rid) in s.ended:
                s.fail("one-terminal", f"booking {rid} already had its terminal event")
            s.ref("booking", rid)
        b = s.bookings.get(rid)
        if b is None or b["session"] != sid:
            s.fail("same-entity", f"booking {rid} is not a booking of session {sid}")
            return
        if event == "Class.Booking.Approved":
            if b["seated"]:
                s.fail("capacity", f"booking {rid} approved but already seated")
            b["seated"] = True
            info["seats"] += 1
        if event in _TERMINAL:
            s.end("booking", rid)
            info["live"].discard(rid)
            if event != "Class.Booking.NoShow" and b["seated"]:
                info["seats"] -= 1
                b["seated"] = False
        if event == "Class.Booking.NoShow" and info["start"] is not None and ticks < info["start"]:
            s.fail(
                "noshow-timing",
                f"booking {rid} marked no-show before the session starts "
                f"({s.at(info['start'], d['center_id'])})",
            )
        if info["seats"] > info["capacity"]:
            s.fail("capacity", f"session {sid} has {info['seats']} seated of {info['capacity']}")

    return handle


def guestpass(s: StreamState, d: Data, ticks: int) -> None:
    s.ref("membership", d["user_membership_id"])
    s.ref("guest", d["guest_id"])
    s.ref("session", d["session_id"])
    s.ref("plan", d["membership"]["id"])


# -- appointments ---------------------------------------------------------------------


def _appointment_times(s: StreamState, a: Data, start_key: str = "start_time") -> None:
    times = s.appointments.get(a["id"])
    if times is None:
        s.fail("introduced", f"appointment {a['id']} was never introduced")
    elif times != (a[start_key], a["end_time"]):
        s.fail(
            "same-entity",
            f"appointment {a['id']} times {a[start_key]}-{a['end_time']} "
            f"differ from {times[0]}-{times[1]}",
        )


def group_created(s: StreamState, d: Data, ticks: int) -> None:
    gid, center = d["appointment_group_id"], d["center_id"]
    s.ref("center", center)
    s.ref("guest", d["guest"]["id"])
    _names(s, d["guest"]["id"], d["guest"]["first_name"], d["guest"]["last_name"])
    s.introduce("group", gid)
    s.introduce("invoice", d["invoice_id"])
    starts = []
    for a in d["appointments"]:
        s.introduce("appointment", a["id"])
        s.appointments[a["id"]] = (a["start_time"], a["end_time"])
        s.ref("item", a["service_id"])
        s.ref("employee", a["therapist_id"])
        if a["room_id"] != ZERO_GUID:
            s.ref("room", a["room_id"])
        tz = s.tz.get(center, "UTC")
        for utc_key, local_key in (
            ("start_time", "start_time_in_center"),
            ("end_time", "end_time_in_center"),
        ):
            if local_naive(_utc(a[utc_key]), tz) != a[local_key]:
                s.fail(
                    "local-utc",
                    f"appointment {a['id']} {utc_key} {a[utc_key]} UTC is not "
                    f"{a[local_key]} in {tz}",
                )
        starts.append(_utc(a["start_time"]))
    s.groups[gid] = {"invoice": d["invoice_id"], "start": min(starts) if starts else 0}


def group_status(s: StreamState, d: Data, ticks: int) -> None:
    gid = d["appointment_group_id"]
    s.ref("group", gid)
    s.ref("invoice", d["invoice_id"])
    g = s.groups.get(gid)
    if g is not None and g["invoice"] != d["invoice_id"]:
        s.fail("same-entity", f"group {gid} names invoice {d['invoice_id']}, not {g['invoice']}")
    status = d["appointment_group_status"]
    if status == -2 and g is not None and ticks < g["start"]:
        s.fail("noshow-timing", f"group {gid} marked no-show before its first appointment")
    if status == 1 and d["invoice_id"] not in s.closed_invoices:
        s.fail("closed-once", f"group {gid} closed before its invoice {d['invoice_id']}")
    if status in (-1, -2):
        s.end("group", gid)


def progress(s: StreamState, d: Data, ticks: int) -> None:
    s.ref("center", d["center_id"])
    s.ref("group", d["appointment_group_id"])
    s.ref("invoice", d["invoice_id"])
    for a in d["appointments"]:
        _appointment_times(s, a)
        s.ref("employee", a["TherapistId"])
        s.ref("item", a["service_id"])
        if a["room_id"]:
            s.ref("room", a["room_id"])


def feedback(s: StreamState, d: Data, ticks: int) -> None:
    s.ref("center", d["center_id"])
    s.ref("group", d["appointment_group_id"])
    s.ref("guest", d["user_id"])


def _payments(s: StreamState, inv: Data) -> None:
    """``total_amount_paid`` adds up the payments; a closed invoice is paid in full."""
    paid = [t["amount_paid"] for t in inv.get("transactions") or ()]
    total = inv["total_price"]["sum_total"]
    told = inv.get("total_amount_paid")
    if told is not None and abs(told - sum(paid)) > 0.011:
        s.fail("payments", f"invoice {inv['id']} total_amount_paid {told} is not {sum(paid)}")
    if inv["is_closed"] and abs(sum(paid) - total) > 0.011:
        s.fail("payments", f"closed invoice {inv['id']} paid {sum(paid)} of {total}")
    if not inv["is_closed"] and not 0 < sum(paid) < total:
        s.fail("payments", f"open invoice {inv['id']} paid {sum(paid)} of {total}")


def invoice_closed(s: StreamState, d: Data, ticks: int) -> None:
    inv = d["invoice"]
    s.ref("center", inv["center_id"])
    s.ref("guest", inv["guest"]["id"])
    _names(s, inv["guest"]["id"], inv["guest"]["first_name"], inv["guest"]["last_name"])
    gid = inv["appointment_group_id"]
    s.ref("group", gid)
    g = s.groups.get(gid)
    _payments(s, inv)
    if inv["is_refund"]:  # a new invoice, refunding the group's closed one
        s.introduce("invoice", inv["id"])
        if g is None or g["invoice"] not in s.closed_invoices:
            s.fail("refund", f"refund {inv['id']} names group {gid}, whose invoice is not closed")
        if inv["total_price"]["sum_total"] >= 0 or not inv["is_closed"]:
            s.fail("refund", f"refund {inv['id']} is not a closed invoice of a negative total")
    else:
        s.ref("invoice", inv["id"])
        if g is None or g["invoice"] != inv["id"]:
            s.fail(
                "invoice-group",
                f"invoice {inv['id']} does not point back to the group that opened it "
                f"(names {gid})",
            )
        if inv["id"] in s.closed_invoices:
            s.fail("closed-once", f"invoice {inv['id']} was closed already")
        if inv["is_closed"]:
            s.closed_invoices.add(inv["id"])
    tz = s.tz.get(inv["center_id"], "UTC")
    if midnight_utc(ticks, tz) != inv["invoice_date"]:
        s.fail(
            "local-utc",
            f"invoice_date {inv['invoice_date']} is not the start of the local "
            f"day the invoice closed ({midnight_utc(ticks, tz)} in {tz})",
        )
    for item in inv["invoice_items"]:
        s.ref("item", item["id"])
        s.ref("employee", item["sale_by_id"])
    for a in inv["appointments"]:
        _appointment_times(s, a)
        s.ref("employee", a["TherapistId"])


# -- memberships and packages ---------------------------------------------------------


def membership(event: str) -> Handler:
    def handle(s: StreamState, d: Data, ticks: int) -> None:
        if event == "Guest.Membership.Created":
            s.ref("guest", d["guest_id"])
            s.ref("plan", d["membership"]["id"])
            s.introduce("membership", d["user_membership_id"])
            s.introduce("invoice", d["group_user_membership_id"])
        else:
            s.ref("membership", d["user_membership_id"])
        s.ref("center", d["center"]["id"])

    return handle


def package(event: str) -> Handler:
    def handle(s: StreamState, d: Data, ticks: int) -> None:
        if event == "Guest.Package.Creation":
            s.introduce("package", d["user_package_id"])
            s.introduce("invoice", d["invoice"]["id"])
            s.ref("plan", d["package"]["id"])
        else:
            s.ref("package", d["user_package_id"])
        s.ref("center", d["center"]["id"])
        for key in (
            "service_redemptions",
            "product_redemptions",
            "service_redemptions_reversal",
            "product_redemptions_reversal",
        ):
            for r in d.get(key) or ():
                s.ref("employee", r["therapist"]["id"])
                s.ref("center", r["center"]["id"])

    return handle


HANDLERS: dict[str, Handler] = {
    **{n: guest_record(n) for n in ("Guest.Created", "Guest.Updated", "Guest.Deleted")},
    "Guest.OptedIn": guest_opted,
    "Guest.OptedOut": guest_opted,
    **{n: employee_record(n) for n in ("Employee.Created", "Employee.Updated", "Employee.Deleted")},
    **{
        f"Class.Schedule.{a}": schedule(f"Class.Schedule.{a}")
        for a in ("Created", "Updated", "Cancelled", "Deleted")
    },
    **{
        f"Class.Booking.{a}": booking(f"Class.Booking.{a}")
        for a in ("Created", "Cancelled", "Deleted", "NoShow", "Approved", "Rejected")
    },
    "Guestpass.redeemed": guestpass,
    "AppointmentGroup.Created": group_created,
    "AppointmentGroup.Status": group_status,
    "Appointment.Started": progress,
    "Appointment.Completed": progress,
    "Appointment.Feedback.V1": feedback,
    "Appointment.Feedback.V2": feedback,
    "Invoice.Closed": invoice_closed,
    **{
        f"Guest.Membership.{a}": membership(f"Guest.Membership.{a}")
        for a in ("Created", "Freeze", "Unfreeze", "Cancelled", "Reinstate")
    },
    **{
        f"Guest.Package.{a}": package(f"Guest.Package.{a}")
        for a in ("Creation", "Redemption", "RedemptionReversal", "StatusUpdate", "ValidityUpdate")
    },
}
