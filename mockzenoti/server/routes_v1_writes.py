"""``/v1`` writes: the service booking flow, no-shows, cancelling and closing invoices.

Each write acts on the run's world through its operations (lifecycle rules
apply; a refusal is a 400 in Zenoti's shape), then the events it caused go
to the run's targets at once, through the server's engine and outbox (filed
under the run: they count in its deliveries, not in the stream it resumes),
and ``/v1`` shows them. The run's expected final state follows: a finished
run's stored one is brought up to date after each write. One write of a run
at a time.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from mockzenoti.errors import NotFound
from mockzenoti.event import Event
from mockzenoti.model import AppointmentGroup
from mockzenoti.render._common import local, utc
from mockzenoti.rest.bookings import Booking
from mockzenoti.rest.errors import RestError
from mockzenoti.rest.shapes import invoice_details
from mockzenoti.server.bodies import Fields, read_object
from mockzenoti.server.keys import ENGINE, OUTBOX, RUNS
from mockzenoti.server.sandboxes import RunApi
from mockzenoti.server.v1 import V1_DELIVER, v1_route

__all__ = [
    "MAX_ITEMS",
    "REGISTERED",
    "WAITLISTED",
    "deliver_to_run",
    "parse_booking",
    "routes",
    "setup",
]

routes = web.RouteTableDef()

#: Services one booking may hold.
MAX_ITEMS = 10
_ZERO = "00000000-0000-0000-0000-000000000000"
_GUID = re.compile(r"^[0-9A-Fa-f]{8}-?([0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}$")


def _id(fields: Fields, key: str) -> str:
    value: str = fields.string(key)
    return value.strip()


def _items(guest: Fields) -> list[tuple[str, str | None]]:
    raw = guest.raw("items")
    name = guest.name("items")
    if not isinstance(raw, list) or not raw:
        raise RestError.bad(f"{name} must be a non-empty array of services.", name)
    if len(raw) > MAX_ITEMS:
        raise RestError.bad(f"{name} holds {MAX_ITEMS} services at most.", name)
    out: list[tuple[str, str | None]] = []
    for i, entry in enumerate(raw):
        where = f"{name}[{i}]"
        if not isinstance(entry, dict):
            raise RestError.bad(f"{where} must be an object with item.id.", where)
        fields = Fields(entry, f"{where}.")
        item = fields.mapping("item")
        if item is None:
            raise RestError.bad(f"{where}.item is required (the service: {{id}}).", f"{where}.item")
        service_id = _id(item, "id")
        therapist_id = None
        therapist = fields.mapping("therapist")
        if therapist is not None and therapist.has("id") and not therapist.null("id"):
            chosen = therapist.raw("id")
            if not isinstance(chosen, str):
                where_id = therapist.name("id")
                raise RestError.bad(f"{where_id} must be a string (empty: anyone).", where_id)
            chosen = chosen.strip()
            therapist_id = None if chosen in ("", _ZERO) else chosen
        out.append((service_id, therapist_id))
    return out


def parse_booking(body: Fields) -> tuple[str, str, str, list[tuple[str, str | None]]]:
    """``POST /v1/bookings``: (center_id, date, guest id, [(service id, therapist id)])."""
    center_id = _id(body, "center_id")
    day = body.string("date")
    if not isinstance(day, str):
        raise RestError.bad("date must be a date YYYY-MM-DD.", "date")
    flag = body.raw("is_only_catalog_employees")
    if flag is not None and not isinstance(flag, bool):
        raise RestError.bad(
            "is_only_catalog_employees must be true or false.", "is_only_catalog_employees"
        )
    guests = body.raw("guests")
    if not isinstance(guests, list) or not guests:
        raise RestError.bad("guests must be a non-empty array.", "guests")
    if len(guests) > 1:
        raise RestError.bad(
            "book one guest at a time here (group bookings are not simulated).", "guests"
        )
    if not isinstance(guests[0], dict):
        raise RestError.bad("guests[0] must be an object with id and items.", "guests[0]")
    guest = Fields(guests[0], "guests[0].")
    return center_id, day, _id(guest, "id"), _items(guest)


def _slot(text: str) -> dict[str, Any]:
    return {"Time": text, "Warnings": None, "Priority": 0, "Available": True, "SalePrice": None}


async def _written(request: web.Request, api: RunApi, events: list[Event]) -> None:
    await request.app[V1_DELIVER](api, events)


@routes.post("/v1/bookings")
@v1_route
async def create_booking(request: web.Request, api: RunApi) -> Any:
    """Step 1: a booking request (center, date, guest, services, maybe therapists)."""
    body = await read_object(request)
    center_id, day, guest_id, items = parse_booking(body)
    booking = api.sandbox.create_booking(center_id, day, guest_id, items)
    return {"id": booking.id, "is_reserved": False, "error": None}


@routes.get("/v1/bookings/{booking_id}/slots")
@v1_route
async def booking_slots(request: web.Request, api: RunApi) -> Any:
    """Step 2: the open slots on the booking's date (the center's local time)."""
    times = api.sandbox.slots(request.match_info["booking_id"])
    return {
        "slots": [_slot(t) for t in times],
        "future_days": [],
        "next_available_day": None,
        "Error": None,
    }


@routes.post("/v1/bookings/{booking_id}/slots/reserve")
@v1_route
async def reserve_slot(request: web.Request, api: RunApi) -> Any:
    """Step 3: hold one slot (``slot_time``, as the slots list writes it)."""
    body = await read_object(request)
    slot_time = body.string("slot_time")
    booking = api.sandbox.reserve(request.match_info["booking_id"], slot_time)
    return {"is_reserved": True, "reservation_id": booking.id, "error": None}


def _confirmation(api: RunApi, booking: Booking, group: AppointmentGroup) -> dict[str, Any]:
    view = api.sandbox.view
    invoice = view.invoice_of(group)
    details = invoice_details(invoice)
    return {
        "is_confirmed": True,
        "invoice": {
            "invoice_id": invoice.id,
            "invoice_number": details["invoice_number"],
            "invoice_number_prefix": details["invoice_number_prefix"],
            "appointment_group_id": group.id,
            "center_id": booking.center.id,
            "guest_id": booking.guest.id,
            "total_price": details["total_price"],
            "appointments": [
                {
                    "appointment_id": a.id,
                    "service_id": a.service.id,
                    "therapist_id": a.therapist.id,
                    "start_time": local(a.start_ticks, group.center.tz),
                    "start_time_utc": utc(a.start_ticks),
                }
                for a in group.appointments
            ],
        },
        "Error": None,
    }


@routes.post("/v1/bookings/{booking_id}/slots/confirm")
@v1_route
async def confirm_booking(request: web.Request, api: RunApi) -> Any:
    """Step 4: the appointment group and its invoice; ``AppointmentGroup.Created`` is sent."""
    body = await read_object(request, optional=True)
    notes = body.raw("notes", "")
    if not isinstance(notes, str):
        raise RestError.bad("notes must be a string.", "notes")
    booking_id = request.match_info["booking_id"]
    async with api.lock:
        group, events = api.sandbox.confirm(booking_id, notes)
        await _written(request, api, events)
    booking = api.sandbox.booking(booking_id)
    entry = api.sandbox.view.group(group.id)
    return _confirmation(api, booking, entry.frozen if entry is not None else group)


def _comments(body: Fields) -> None:
    comments = body.raw("comments")
    if comments is not None and not isinstance(comments, str):
        raise RestError.bad("comments must be a string.", "comments")


def _status_answer(group: AppointmentGroup) -> dict[str, Any]:
    return {
        "success": True,
        "appointment_group_id": group.id,
        "invoice_id": group.invoice.id,
        "status": group.status,
        "error": None,
    }


@routes.put("/v1/appointments/{appointment_group_id}/no_show")
@v1_route
async def mark_no_show(request: web.Request, api: RunApi) -> Any:
    """NoShow (-2) once the first appointment has started: ``AppointmentGroup.Status``."""
    _comments(await read_object(request, optional=True))
    group_id = request.match_info["appointment_group_id"]
    async with api.lock:
        events = api.sandbox.no_show(group_id)
        await _written(request, api, events)
    return _status_answer(api.sandbox.group(group_id))


@routes.put("/v1/invoices/{invoice_id}/cancel")
@v1_route
async def cancel_invoice(request: web.Request, api: RunApi) -> Any:
    """Cancel the booking of an open invoice: ``AppointmentGroup.Status`` Cancelled (-1)."""
    _comments(await read_object(request, optional=True))
    async with api.lock:
        group, events = api.sandbox.cancel_invoice(request.match_info["invoice_id"])
        await _written(request, api, events)
    return _status_answer(group)


@routes.post("/v1/invoices/{invoice_id}/close")
@v1_route
async def close_invoice(request: web.Request, api: RunApi) -> Any:
    """Take payment and close: ``Invoice.Closed``, then the group's status Closed (1)."""
    body = await read_object(request, optional=True)
    closed_by = body.raw("closed_by_id")
    if closed_by is not None and not isinstance(closed_by, str):
        raise RestError.bad("closed_by_id must be a string.", "closed_by_id")
    async with api.lock:
        _, events = api.sandbox.close_invoice(request.match_info["invoice_id"])
        await _written(request, api, events)
    return {"is_invoice_closed": True, "error": None}


# -- classes ----------------------------------------------------------------------------------

#: ``RegistrationStatusId`` of an admin registration (Zenoti does not document its values).
REGISTERED, WAITLISTED = 1, 2


@routes.post("/api/Appointments/Admin/Sessions")
@v1_route
async def register_class(request: web.Request, api: RunApi) -> Any:
    """Zenoti's admin class registration: ``{SessionId, GuestId, BookingSrc, Payment}``;
    ``Class.Booking.Created`` is sent (on the waitlist when the session is full)."""
    body = await read_object(request)
    session_id = body.raw("SessionId")
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        raise RestError.bad("SessionId must be the class session's number.", "SessionId")
    guest_id = _id(body, "GuestId")
    source = body.raw("BookingSrc")
    if source is not None and (isinstance(source, bool) or not isinstance(source, int)):
        raise RestError.bad("BookingSrc must be a whole number.", "BookingSrc")
    payment = body.mapping("Payment")
    if payment is not None:
        kind = payment.raw("PaymentType")
        if kind is not None and (isinstance(kind, bool) or not isinstance(kind, int)):
            where = "Payment.PaymentType"
            raise RestError.bad(f"{where} must be a whole number.", where)
    async with api.lock:
        booking, events = api.sandbox.register_class(session_id, guest_id)
        await _written(request, api, events)
    return {
        "RegistrationId": booking.registration_id,
        "RegistrationStatusId": WAITLISTED if booking.waitlist else REGISTERED,
        "Error": None,
    }


# -- delivering a write's events to the run's targets (the control server) --------------------


async def deliver_to_run(app: web.Application, api: RunApi, events: list[Event]) -> None:
    """Accept ``events`` for the run's targets (the server's engine, filed under the run),
    publish them, and keep the run's result true: a running run is marked as changed by
    ``/v1``; a finished run's expected state is stored again."""
    outbox, engine, runs = app[OUTBOX], app[ENGINE], app[RUNS]
    record = await outbox.call(outbox.get_run, api.run_id)
    targets = []
    for name in record.targets:
        try:
            targets.append(await outbox.call(outbox.get_target, name))
        except NotFound:
            continue  # deleted since: the others still get the events
    if events:
        await engine.accept_events(events, targets, run_id=api.run_id)
    api.sandbox.publish(events)
    handle = runs.handles.get(api.run_id)
    if handle is not None and handle.final is None:
        await runs.note_write(handle)
        return
    result = dict(handle.result if handle is not None else record.result or {})
    result["rest_writes"] = (result.get("rest_writes") or 0) + 1
    if result.get("expected") is not None:
        result["expected"] = api.sandbox.expected()
    if handle is not None:
        handle.result = result
    await outbox.call(outbox.set_run_result, api.run_id, result)


def setup(app: web.Application) -> None:
    """Add the write routes; a write's events go to the run's targets (``deliver_to_run``)."""

    async def deliver(api: RunApi, events: list[Event]) -> None:
        await deliver_to_run(app, api, events)

    app[V1_DELIVER] = deliver
    app.add_routes(routes)
