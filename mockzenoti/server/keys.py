"""Typed keys for what the application holds (``app[OUTBOX]`` and so on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

from mockzenoti.delivery import Hub, Outbox

if TYPE_CHECKING:
    from mockzenoti.server.engine import ServerEngine
    from mockzenoti.server.feed import Feed
    from mockzenoti.server.runs import RunsManager
    from mockzenoti.server.runstate import RunsReader
    from mockzenoti.server.settings import ServerSettings
    from mockzenoti.server.sinks import SinkRegistry
    from mockzenoti.server.stats import Stats
    from mockzenoti.server.tally import Tally

__all__ = [
    "ENGINE",
    "FEED",
    "HUB",
    "OUTBOX",
    "READ_ONLY",
    "RUNS",
    "RUNS_READ",
    "SESSION",
    "SETTINGS",
    "SINKS",
    "STATS",
    "TALLY",
]

SETTINGS: web.AppKey[ServerSettings] = web.AppKey("settings")
SESSION: web.AppKey[aiohttp.ClientSession] = web.AppKey("session")
OUTBOX: web.AppKey[Outbox] = web.AppKey("outbox")
HUB: web.AppKey[Hub] = web.AppKey("hub")
ENGINE: web.AppKey[ServerEngine] = web.AppKey("engine")
RUNS: web.AppKey[RunsManager] = web.AppKey("runs")
#: What the read routes ask about runs: ``RUNS`` itself, or a watched CLI run's (server/watch.py).
RUNS_READ: web.AppKey[RunsReader] = web.AppKey("runs_read")
#: True in a server that only watches (``mockzenoti run --live``): no route changes anything.
READ_ONLY: web.AppKey[bool] = web.AppKey("read_only")
SINKS: web.AppKey[SinkRegistry] = web.AppKey("sinks")
FEED: web.AppKey[Feed] = web.AppKey("feed")
STATS: web.AppKey[Stats] = web.AppKey("stats")
#: Deliveries by state with the live counters of the same moment (``GET /stats``; tally.py).
TALLY: web.AppKey[Tally] = web.AppKey("tally")
