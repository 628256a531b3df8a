"""Zenoti's REST API over a run's world: the state ``/v1`` answers from, and its writes.

Plain synchronous Python, like the world (no asyncio, no aiohttp): the
server's routes (``mockzenoti.server.routes_v1*``) and the pytest plugin
call it.

- ``freeze.py``: snapshots of what each event changed, taken as it is emitted;
- ``journal.py``: the snapshots published as the engine accepts the events;
- ``view.py``: the published state (setup, groups, invoices, guests, staff);
- ``shapes.py``: Zenoti's REST objects; ``reads.py``: each read's answer;
- ``sandbox.py``: one run's API (world, view, journal) and its writes
  (the booking flow, no-show, cancel, close); ``bookings.py``: bookings in
  progress and their slots;
- ``access.py``: bearer tokens and Zenoti's rate limit; ``errors.py``.

See docs/rest.md.
"""

from __future__ import annotations

from mockzenoti.rest.errors import DENIED, TOO_MANY_ITEMS, RestError
from mockzenoti.rest.sandbox import Sandbox, SandboxStream

__all__ = ["DENIED", "TOO_MANY_ITEMS", "RestError", "Sandbox", "SandboxStream"]
