"""Shared pieces of the renderers: Zenoti's datetime forms, money, small sub-objects.

The time writers are cached per instant (and zone), local midnights per day:
a stream writes the same few instants over and over (appointment starts,
local midnights), and the renderers are the hot path of the tool.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from mockzenoti.model import Center
from mockzenoti.timefmt import EMPTY_DATE, TICKS_PER_SECOND, at_local, local_date, utc_second, zone

__all__ = [
    "EMPTY_DATE",
    "ZERO_GUID",
    "center_ref",
    "local",
    "local_day",
    "midnight_utc",
    "money",
    "usage_date",
    "utc",
    "utc_z",
]

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
TPS = TICKS_PER_SECOND


@lru_cache(maxsize=16384)
def utc(ticks: int) -> str:
    """The UTC wall time of ``ticks``, written as ``data`` does: ``2024-07-25T16:15:00``."""
    return utc_second(ticks // TPS)


def utc_z(ticks: int) -> str:
    """UTC with a ``Z`` and no fraction (the opted-in/out ``timestamp``)."""
    return utc(ticks) + "Z"


@lru_cache(maxsize=16384)
def local(ticks: int, tz: str) -> str:
    """The wall time in zone ``tz`` at ``ticks``, written naive: ``2024-07-25T09:15:00``."""
    d = datetime.fromtimestamp(ticks // TPS, zone(tz))
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}"


def local_day(ticks: int, tz: str) -> str:
    """The local calendar date at ``ticks`` as a midnight: ``2023-12-21T00:00:00``."""
    return local(ticks, tz)[:10] + "T00:00:00"


@lru_cache(maxsize=4096)
def _midnight_utc_of(day: date, tz: str) -> str:
    return utc_second(at_local(day, 0, tz) // TPS)


def midnight_utc(ticks: int, tz: str) -> str:
    """The UTC instant at which the local day containing ``ticks`` began, written naive.

    For a Pacific-winter center that is ``...T08:00:00`` (the Invoice.Closed
    sample's ``invoice_date``); at UTC+4 it is ``...T20:00:00`` the day before.
    """
    # local_midnight(ticks, tz), cached per local day.
    return _midnight_utc_of(local_date(ticks, tz), tz)


def usage_date(ticks: int, tz: str) -> str:
    """A package usage date as the samples write it: ``2022-03-01 20:00:00.000``."""
    return midnight_utc(ticks, tz).replace("T", " ") + ".000"


def money(value: float) -> float:
    """An amount as Zenoti writes it: whole amounts as integers (``488``), else 2 decimals."""
    whole = int(value)
    if whole == value:  # most amounts are whole: skip round(), which goes through decimal text
        return whole
    rounded = round(value, 2)
    whole = int(rounded)
    return whole if whole == rounded else rounded


def center_ref(center: Center) -> dict[str, Any]:
    """``{"id", "name"}`` of a center, as membership and package events nest it."""
    return {"id": center.id, "name": center.name}
