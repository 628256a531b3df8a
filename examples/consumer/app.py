"""A tiny Zenoti webhook consumer, the kind of application mockzenoti's plugin tests.

It knows nothing of mockzenoti. ``POST /webhooks/zenoti``:

- verifies Zenoti's signature: header ``zenoti-webhook-signature: sha256 =XX-XX-...``,
  the HMAC-SHA256 of the raw body with the shared secret, as uppercase hex
  pairs joined by ``-`` (401 when it does not match);
- is idempotent on ``event_id``: Zenoti delivers at least once, so an event
  seen before is acknowledged and not applied again;
- stores class bookings (by ``registration_id``) and appointment groups (by
  ``appointment_group_id``). Events may arrive out of order (retries,
  concurrency), so each state change carries the ``event_timestamp`` that
  made it and an older event never overwrites a newer state; facts an event
  carries (guest, session, invoice) fill in whatever is still unknown;
- stores what each invoice was paid, as consumers of live traffic read it:
  the payments' ``transactions[].amount_paid`` (``total_amount_paid`` is
  their sum), ``is_closed`` (false while a balance is open) and refunds
  (``is_refund``, negative amounts, an invoice of their own);
- stores each guest's mobile number: ``personal_info.mobile_phone.number``
  of ``Guest.*`` events (null for a guest without one), else the display
  string ``Invoice.Closed`` shows (``+44 7903624233``). Guests who were
  clients before the stream never come with ``Guest.Created``.

``Store.fail_first`` makes it answer 503 to the first N attempts of each
event, the way a consumer does while its database is down.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["STORE", "Store", "create_app", "zenoti_signature"]

SIGNATURE_HEADER = "zenoti-webhook-signature"

BOOKING_STATES = {
    "Class.Booking.Approved": "approved",
    "Class.Booking.Cancelled": "cancelled",
    "Class.Booking.Deleted": "deleted",
    "Class.Booking.NoShow": "noshow",
    "Class.Booking.Rejected": "rejected",
}
# Zenoti's appointment status codes.
GROUP_STATES = {
    0: "new",
    4: "confirmed",
    2: "checked-in",
    1: "closed",
    -1: "cancelled",
    -2: "noshow",
}


def zenoti_signature(secret: str, body: bytes) -> str:
    """The header value Zenoti sends for ``body``."""
    mac = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return "sha256 =" + "-".join(f"{b:02X}" for b in mac)


@dataclass
class Store:
    """What the consumer has learnt (in memory, for the example)."""

    bookings: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    guests: dict[str, dict[str, Any]] = field(default_factory=dict)
    processed: set[str] = field(default_factory=set)
    arrivals: list[str] = field(default_factory=list)
    applied: int = 0
    duplicates: int = 0
    fail_first: int = 0
    attempts: Counter[str] = field(default_factory=Counter)

    def apply(self, payload: dict[str, Any]) -> None:
        """Apply one event's payload (already known to be new)."""
        self.applied += 1
        kind = payload["event_type"]
        version = payload["event_timestamp"]  # one fixed format: compares as text
        data = payload["data"]
        if kind.startswith("Class.Booking."):
            self._booking(kind, version, data)
        elif kind.startswith(("AppointmentGroup.", "Appointment.")):
            self._group(kind, version, data)
        elif kind == "Invoice.Closed":
            self._invoice(version, data["invoice"])
        elif kind in ("Guest.Created", "Guest.Updated", "Guest.Deleted"):
            self._guest(version, data)

    def _invoice(self, version: str, invoice: dict[str, Any]) -> None:
        record = self.invoices.setdefault(invoice["id"], {"version": ""})
        if version <= record["version"]:
            return  # an older Invoice.Closed (a part payment) arrived late
        record.update(
            version=version,
            state="closed" if invoice["is_closed"] else "open",
            total=invoice["total_price"]["sum_total"],
            paid=sum(t["amount_paid"] for t in invoice["transactions"]),
            is_refund=invoice["is_refund"],
            appointment_group_id=invoice["appointment_group_id"],
        )
        guest = self.guests.setdefault(invoice["guest"]["id"], {"version": ""})
        guest.setdefault("phone_shown", invoice["guest"]["mobile_phone"] or None)

    def _guest(self, version: str, data: dict[str, Any]) -> None:
        guest = self.guests.setdefault(data["id"], {"version": ""})
        if version > guest["version"]:
            phone = data["personal_info"]["mobile_phone"]  # {country_code, number} or null
            guest["version"] = version
            guest["mobile"] = None if phone is None else phone["number"]
            guest["country_code"] = None if phone is None else phone["country_code"]

    def _booking(self, kind: str, version: str, data: dict[str, Any]) -> None:
        record = self.bookings.setdefault(data["registration_id"], {"state": None, "version": ""})
        for key in ("session_id", "guest_id", "center_id"):
            if record.get(key) is None:
                record[key] = data.get(key)
        state: str | None
        if kind == "Class.Booking.Created":
            record["waitlist"] = bool(data.get("waitlist"))
            state = "waitlisted" if record["waitlist"] else "booked"
        else:
            state = BOOKING_STATES.get(kind)
        if state is not None and version > record["version"]:
            record["state"], record["version"] = state, version

    def _group(self, kind: str, version: str, data: dict[str, Any]) -> None:
        record = self.groups.setdefault(
            data["appointment_group_id"],
            {"state": None, "status": None, "version": "", "feedback_version": None},
        )
        if kind == "AppointmentGroup.Created":
            record["guest_id"] = data["guest"]["id"]
            record["center_id"] = data["center_id"]
            status: int | None = 0
        elif kind == "AppointmentGroup.Status":
            status = data["appointment_group_status"]
        else:
            status = None
            if kind.startswith("Appointment.Feedback."):
                record["feedback_version"] = data["version"]
        if record.get("invoice_id") is None and data.get("invoice_id"):
            record["invoice_id"] = data["invoice_id"]
        if status is not None and version > record["version"]:
            record["status"], record["version"] = status, version
            record["state"] = GROUP_STATES.get(status, str(status))


STORE = web.AppKey("store", Store)
SECRET = web.AppKey("secret", str)


async def receive(request: web.Request) -> web.Response:
    """The webhook endpoint."""
    store, secret = request.app[STORE], request.app[SECRET]
    body = await request.read()
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not hmac.compare_digest(given, zenoti_signature(secret, body)):
        return web.json_response({"error": "bad signature"}, status=401)
    try:
        payload = json.loads(body)
        event_id = payload["event_id"]
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": "not a Zenoti event"}, status=400)
    store.attempts[event_id] += 1
    if store.attempts[event_id] <= store.fail_first:
        return web.json_response({"error": "database unavailable"}, status=503)
    store.arrivals.append(event_id)
    if event_id in store.processed:
        store.duplicates += 1
        return web.json_response({"ok": True, "duplicate": True})
    store.apply(payload)
    store.processed.add(event_id)
    return web.json_response({"ok": True})


def create_app(secret: str, store: Store | None = None) -> web.Application:
    """The consumer application: ``POST /webhooks/zenoti`` signed with ``secret``."""
    app = web.Application()
    app[STORE] = store or Store()
    app[SECRET] = secret
    app.router.add_post("/webhooks/zenoti", receive)
    return app


if __name__ == "__main__":  # pragma: no cover - run it by hand: python app.py
    web.run_app(create_app("change-me"), host="127.0.0.1", port=8080)
