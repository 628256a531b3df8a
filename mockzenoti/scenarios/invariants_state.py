"""The consumer-side state ``check_stream`` keeps while it reads a stream (see ``invariants``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from mockzenoti.scenarios.invariants import Violation
from mockzenoti.timefmt import from_datetime, local_naive, parse_dotnet_utc, zone

__all__ = ["StreamState"]

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
_KEY_PREFIX = {
    "guest": "guest",
    "session": "class-session",
    "booking": "class-booking",
    "group": "appointment-group",
    "membership": "membership",
    "package": "package",
    "employee": "employee",
}


class StreamState:
    """What a consumer knows after each event, and the rules each event must keep."""

    def __init__(self, setup: Mapping[str, Any]) -> None:
        self.violations: list[Violation] = []
        self.known: dict[str, set[str]] = {}
        self.ended: set[tuple[str, str]] = set()
        self.hired: set[str] = set()  # employees introduced by the stream
        self.tz: dict[str, str] = {}
        for c in setup.get("centers", ()):
            self.tz[c["id"]] = c["time_zone"]
            self._know("center", c["id"])
            for kind, items in (
                ("room", c["rooms"]),
                ("item", c["services"]),
                ("item", c["products"]),
                ("employee", c["employees"]),
                ("plan", c["membership_plans"]),
                ("plan", c["package_plans"]),
            ):
                for item in items:
                    self._know(kind, item["id"])
        self.sessions: dict[str, dict[str, Any]] = {}  # id -> start, capacity, seats, live
        self.bookings: dict[str, dict[str, Any]] = {}  # id -> session, seated, ended
        self.groups: dict[str, dict[str, Any]] = {}  # id -> invoice, first start
        self.appointments: dict[str, tuple[str, str]] = {}  # id -> (start, end) UTC
        self.guest_names: dict[str, tuple[str, str]] = {}
        self.closed_invoices: set[str] = set()
        # Guests from before the stream: named without Guest.Created, up to the clientele's size.
        clientele = setup.get("clientele") or {}
        self.clientele: int = clientele.get("guests", 0)
        before = clientele.get("registered_before")
        self.registered_before = parse_dotnet_utc(before) if before else -1
        self.old_clients: set[str] = set()
        self.last_ticks = -1
        self.last_registration = -1
        self._seq = 0
        self._name = ""
        self._needed: list[str] = []

    # -- bookkeeping ------------------------------------------------------------------

    def _know(self, kind: str, id_: object) -> None:
        self.known.setdefault(kind, set()).add(str(id_))

    def fail(self, rule: str, message: str) -> None:
        """Record a violation of ``rule`` by the current event."""
        self.violations.append(Violation(self._seq, self._name, rule, message))

    def introduce(self, kind: str, id_: object) -> None:
        """The current event introduces ``kind`` ``id_``."""
        key = str(id_)
        if key in self.known.get(kind, ()):
            self.fail("introduced", f"{kind} {key} was already introduced")
        self._know(kind, key)
        if kind in _KEY_PREFIX:
            self._needed.append(f"{_KEY_PREFIX[kind]}:{key}")

    def ref(self, kind: str, id_: object) -> None:
        """The current event refers to ``kind`` ``id_``: it must be known and not ended."""
        key = str(id_)
        if key not in self.known.get(kind, ()):
            if kind == "guest" and len(self.old_clients) < self.clientele:
                self.old_clients.add(key)  # a client from before the stream: known already
                self._know(kind, key)
            else:
                more = (
                    f" (the setup's {self.clientele} clients are all named)"
                    if kind == "guest"
                    else ""
                )
                self.fail("introduced", f"{kind} {key} was never introduced{more}")
                return
        if (kind, key) in self.ended:
            self.fail("after-end", f"{kind} {key} has ended")
        if kind in _KEY_PREFIX and (kind != "employee" or key in self.hired):
            self._needed.append(f"{_KEY_PREFIX[kind]}:{key}")

    def end(self, kind: str, id_: object) -> None:
        """The current event ends ``kind`` ``id_``."""
        self.ended.add((kind, str(id_)))

    def local_ticks(self, center_id: str, local: str) -> int | None:
        """The instant of a center-local wall time (None for an unknown center)."""
        tz = self.tz.get(center_id)
        if tz is None:
            return None
        return from_datetime(datetime.fromisoformat(local).replace(tzinfo=zone(tz)))

    # -- one event --------------------------------------------------------------------

    def check(
        self, seq: int, name: str, payload: Mapping[str, Any], keys: tuple[str, ...] | None
    ) -> None:
        """Check one event and take it in."""
        from mockzenoti.scenarios.invariants_rules import HANDLERS

        self._seq, self._name, self._needed = seq, name, []
        stamp = payload.get("event_timestamp")
        try:
            ticks = parse_dotnet_utc(str(stamp))
        except ValueError:
            self.fail("time-order", f"unreadable event_timestamp {stamp!r}")
            ticks = self.last_ticks
        if ticks < self.last_ticks:
            self.fail("time-order", f"{stamp} is earlier than the previous event")
        self.last_ticks = max(ticks, self.last_ticks)
        handler: Callable[[StreamState, Mapping[str, Any], int], None] | None
        handler = HANDLERS.get(name)
        if handler is None:
            self.fail("introduced", f"unknown event type {name!r}")
            return
        handler(self, payload.get("data") or {}, ticks)
        if keys is not None:
            for key in self._needed:
                if key not in keys:
                    self.fail("keys", f"keys {list(keys)} do not name {key}")

    def at(self, ticks: int, center_id: str) -> str:
        """``ticks`` written in the center's local time, for messages."""
        return local_naive(ticks, self.tz.get(center_id, "UTC"))
