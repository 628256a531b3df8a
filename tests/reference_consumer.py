"""A tiny webhook consumer written from the payloads alone: what a correct consumer stores.

The truth tests replay a stream's JSON bodies into it and compare its tables
with ``Simulation.expected()``. It is deliberately independent of the world's
code: it reads only what the events say (and the fixed setup, for class ids).

A guest it has never seen ``Guest.Created`` for is a client from before the
stream: it is stored on first sight (``predates_stream``) with what that
event says, and completed by the later events that say more.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_STATE = {
    0: "new",
    4: "confirmed",
    2: "checked-in",
    1: "closed",
    -1: "cancelled",
    -2: "noshow",
}
BOOKING_END = {
    "Cancelled": "cancelled",
    "Deleted": "deleted",
    "NoShow": "noshow",
    "Approved": "approved",
    "Rejected": "rejected",
}
MEMBERSHIP_STATE = {
    "Freeze": "frozen",
    "Unfreeze": "active",
    "Cancelled": "cancelled",
    "Reinstate": "active",
}


class Consumer:
    """Tables keyed like the truth file's sections."""

    def __init__(self, setup: dict[str, Any]) -> None:
        self.tables: dict[str, dict[str, dict[str, Any]]] = {
            s: {}
            for s in (
                "sessions",
                "bookings",
                "appointment_groups",
                "invoices",
                "memberships",
                "packages",
                "guests",
                "employees",
            )
        }
        self.class_ids = {
            (c["id"], k["name"]): k["class_id"] for c in setup["centers"] for k in c["classes"]
        }

    def take(self, body: bytes) -> None:
        event = json.loads(body)
        kind, data = event["event_type"], event["data"]
        section, _, action = kind.rpartition(".")
        handler = getattr(self, "_" + section.replace(".", "_").lower(), None)
        assert handler is not None, kind
        handler(action, data)

    def met(self, guest_id: str, center_id: str | None = None, **known: Any) -> None:
        """A guest named by an event: stored on first sight, completed with what it says."""
        guest = self.tables["guests"].setdefault(
            guest_id, {"state": "exists", "predates_stream": True}
        )
        if center_id is not None:
            guest.setdefault("center_id", center_id)
        guest.update(known)

    # -- classes ----------------------------------------------------------------------

    def _class_schedule(self, action: str, d: dict[str, Any]) -> None:
        sid = str(d["sesion_id"])
        old = self.tables["sessions"].get(sid, {"seats_taken": 0})
        self.tables["sessions"][sid] = {
            "state": {"Cancelled": "cancelled", "Deleted": "deleted"}.get(action, "scheduled"),
            "center_id": d["center_id"],
            "class_id": self.class_ids[(d["center_id"], d["class_name"])],
            "class_name": d["class_name"],
            "start_time": d["start_time"],
            "end_time": d["end_time"],
            "duration_in_mins": d["duration_in_mins"],
            "capacity": d["capacity"],
            "web_capacity": d["web_capacity"],
            "seats_taken": old["seats_taken"],
        }

    def _class_booking(self, action: str, d: dict[str, Any]) -> None:
        rid, sid = str(d["registration_id"]), str(d["session_id"])
        bookings, session = self.tables["bookings"], self.tables["sessions"][sid]
        self.met(d["guest_id"], d["center_id"])
        if action == "Created":
            waitlist = d["waitlist"]
            bookings[rid] = {
                "state": "waitlisted" if waitlist else "booked",
                "session_id": d["session_id"],
                "guest_id": d["guest_id"],
                "center_id": d["center_id"],
                "waitlist": waitlist,
            }
            session["seats_taken"] += 0 if waitlist else 1
            return
        b = bookings[rid]
        seated = b["state"] in ("booked", "approved")
        b["state"] = BOOKING_END[action]
        if action == "Approved":
            session["seats_taken"] += 1
        elif action in ("Cancelled", "Deleted") and seated:
            session["seats_taken"] -= 1

    # -- appointments -----------------------------------------------------------------

    def _appointmentgroup(self, action: str, d: dict[str, Any]) -> None:
        groups = self.tables["appointment_groups"]
        gid = d["appointment_group_id"]
        if action == "Created":
            guest = d["guest"]
            self.met(
                guest["id"],
                d["center_id"],
                first_name=guest["first_name"],
                last_name=guest["last_name"],
                email=guest["email"],
            )
            groups[gid] = {
                "state": "new",
                "status": 0,
                "center_id": d["center_id"],
                "guest_id": d["guest"]["id"],
                "invoice_id": d["invoice_id"],
                "appointments": [
                    {
                        "id": a["id"],
                        "service_id": a["service_id"],
                        "therapist_id": a["therapist_id"],
                        "start_time": a["start_time"],
                        "end_time": a["end_time"],
                        "progress": 0,
                    }
                    for a in d["appointments"]
                ],
                "feedback_version": None,
            }
            self.tables["invoices"][d["invoice_id"]] = {
                "state": "open",
                "appointment_group_id": gid,
                "guest_id": d["guest"]["id"],
                "center_id": d["center_id"],
                "invoice_number": d["invoice_number"],
                "invoice_number_prefix": d["invoice_number_prefix"],
                "receipt_number": None,
                "total": None,
                "paid": None,
                "is_refund": False,
            }
            return
        groups[gid]["status"] = d["appointment_group_status"]
        groups[gid]["state"] = STATUS_STATE[d["appointment_group_status"]]

    def _appointment(self, action: str, d: dict[str, Any]) -> None:
        if action in ("V1", "V2"):  # Appointment.Feedback.V1 / V2
            self.tables["appointment_groups"][d["appointment_group_id"]]["feedback_version"] = d[
                "version"
            ]
            return
        group = self.tables["appointment_groups"][d["appointment_group_id"]]
        progress = {a["id"]: a["appointment_progress"] for a in d["appointments"]}
        for a in group["appointments"]:
            a["progress"] = progress[a["id"]]

    def _appointment_feedback(self, action: str, d: dict[str, Any]) -> None:
        self._appointment(action, d)

    def _invoice(self, action: str, d: dict[str, Any]) -> None:
        inv = d["invoice"]
        guest = inv["guest"]
        self.met(
            guest["id"],
            inv["center_id"],
            first_name=guest["first_name"],
            last_name=guest["last_name"],
            code=guest["code"],
            email=guest["email"],
        )
        if inv["is_refund"]:  # a refund is an invoice of its own
            self.tables["invoices"][inv["id"]] = {
                "appointment_group_id": inv["appointment_group_id"],
                "guest_id": guest["id"],
                "center_id": inv["center_id"],
                "invoice_number": inv["invoice_number"],
                "invoice_number_prefix": inv["invoice_number_prefix"],
                "is_refund": True,
            }
        row = self.tables["invoices"][inv["id"]]
        paid = sum(t["amount_paid"] for t in inv["transactions"])
        assert paid == inv["total_amount_paid"], inv["id"]
        row.update(
            state="closed" if inv["is_closed"] else "open",
            receipt_number=inv["receipt_number"] if inv["is_closed"] else None,
            total=inv["total_price"]["sum_total"],
            paid=inv["total_amount_paid"],
        )

    # -- people -----------------------------------------------------------------------

    def _guest(self, action: str, d: dict[str, Any]) -> None:
        guests = self.tables["guests"]
        if action in ("OptedIn", "OptedOut"):
            details = d["details"]
            self.met(
                d["id"],
                first_name=details["first_name"],
                last_name=details["last_name"],
                email=details["email"],
                preferences={cat: dict(chs) for cat, chs in d["current_preferences"].items()},
            )
            return
        info, prefs = d["personal_info"], d["preferences"]
        old = guests.get(d["id"])
        current = (
            old["preferences"]
            if old and "preferences" in old
            else {
                c: {ch: "opted-in" for ch in ("email", "sms", "whatsapp")}
                for c in ("marketing", "transactional")
            }
        )

        def flag(on: bool) -> str:
            return "opted-in" if on else "opted-out"

        current["marketing"]["email"] = flag(prefs["receive_marketing_email"])
        current["marketing"]["sms"] = flag(prefs["receive_marketing_sms"])
        current["transactional"]["email"] = flag(prefs["receive_transactional_email"])
        current["transactional"]["sms"] = flag(prefs["receive_transactional_sms"])
        current["transactional"]["whatsapp"] = flag(prefs["receive_transactional_whatsapp"])
        guests[d["id"]] = {
            "state": "deleted" if action == "Deleted" else "exists",
            "center_id": d["center_id"],
            "code": d["code"],
            "first_name": info["first_name"],
            "last_name": info["last_name"],
            "email": info["email"],
            "mobile_phone": info["mobile_phone"],
            "preferences": current,
            "predates_stream": action != "Created" and (old is None or old["predates_stream"]),
        }

    def _employee(self, action: str, d: dict[str, Any]) -> None:
        info = d["personal_info"]
        self.tables["employees"][d["id"]] = {
            "state": "deleted" if action == "Deleted" else "active",
            "center_id": d["center_id"],
            "first_name": info["first_name"],
            "last_name": info["last_name"],
            "email": info["email"],
            "job_name": d["job_info"]["job_name"],
        }

    # -- sales ------------------------------------------------------------------------

    def _guest_membership(self, action: str, d: dict[str, Any]) -> None:
        rows = self.tables["memberships"]
        if action == "Created":
            self.met(d["guest_id"], d["center"]["id"])
            rows[d["user_membership_id"]] = {
                "state": "active",
                "guest_id": d["guest_id"],
                "center_id": d["center"]["id"],
                "plan_id": d["membership"]["id"],
                "plan_name": d["membership"]["name"],
                "invoice_id": d["group_user_membership_id"],
                "expiry_date": d["expiry_date"],
                "guestpass_balance": d["membership"]["guestpass_balance"],
            }
            return
        rows[d["user_membership_id"]]["state"] = MEMBERSHIP_STATE[action]

    def _guestpass(self, action: str, d: dict[str, Any]) -> None:
        self.tables["memberships"][d["user_membership_id"]]["guestpass_balance"] = d["balance"]

    def _guest_package(self, action: str, d: dict[str, Any]) -> None:
        rows = self.tables["packages"]
        pid = d["user_package_id"]
        if action == "Creation":
            rows[pid] = {
                "state": "sold",
                "guest_id": None,
                "center_id": d["center"]["id"],
                "plan_id": d["package"]["id"],
                "plan_name": d["package"]["name"],
                "invoice_id": d["invoice"]["id"],
                "end": d["date"]["end"],
                "balances": [
                    {
                        "service_id": s["service_type_info"]["id"],
                        "total": s["total"],
                        "used": s["used"],
                        "balance": s["balance"],
                    }
                    for s in d["services"]
                ],
            }
            return
        row = rows[pid]
        if action in ("StatusUpdate", "ValidityUpdate"):
            row["state"] = "active" if d["user_package_state"] == 0 else "sold"
            row["end"] = d["date"]["end"]
        step = {"Redemption": 1, "RedemptionReversal": -1}.get(action, 0)
        key = "service_redemptions" if step == 1 else "service_redemptions_reversal"
        for r in d.get(key) or ():
            for b in row["balances"]:
                if b["service_id"] == r["service"]["id"]:
                    b["used"] += step
                    b["balance"] -= step
