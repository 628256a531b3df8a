"""Simulated durations as people write them: ``90m``, ``8h``, ``1h30m``, ``2d``, ``45s``.

The grammar is ``timefmt.parse_seconds``' (the one every option shares); here
durations become ticks and must be positive.
"""

from __future__ import annotations

from datetime import timedelta

from mockzenoti.errors import MockZenotiError
from mockzenoti.timefmt import TICKS_PER_SECOND, parse_seconds

__all__ = ["parse_duration", "to_ticks"]


def parse_duration(text: str, *, field: str = "duration") -> int:
    """The ticks of ``text`` (``1h30m``); a malformed or zero duration raises, naming ``field``."""
    seconds = parse_seconds(text, field=field)
    if seconds <= 0:
        raise MockZenotiError(f"{text!r} is not a positive duration", field=field)
    return round(seconds * TICKS_PER_SECOND)


def to_ticks(value: timedelta | str | int | float, *, field: str = "duration") -> int:
    """Ticks of a ``timedelta``, a duration text or a number of seconds (must be positive)."""
    if isinstance(value, timedelta):
        ticks = round(value.total_seconds() * TICKS_PER_SECOND)
    elif isinstance(value, str):
        return parse_duration(value, field=field)
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise MockZenotiError(
            f"a duration is a timedelta or a text like 8h (got {value!r})", field=field
        )
    else:
        ticks = round(value * TICKS_PER_SECOND)
    if ticks <= 0:
        raise MockZenotiError(f"the duration must be positive (got {value!r})", field=field)
    return ticks
