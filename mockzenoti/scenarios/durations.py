"""Simulated durations as people write them: ``90m``, ``8h``, ``1h30m``, ``2d``, ``45s``."""

from __future__ import annotations

import re
from datetime import timedelta

from mockzenoti.errors import MockZenotiError
from mockzenoti.timefmt import TICKS_PER_SECOND

__all__ = ["parse_duration", "to_ticks"]

_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(d|h|m|s)", re.IGNORECASE)
_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}


def parse_duration(text: str, *, field: str = "duration") -> int:
    """The ticks of ``text`` (``1h30m``); a malformed or zero duration raises, naming ``field``."""
    pos, seconds = 0, 0.0
    stripped = text.strip()
    while pos < len(stripped):
        m = _PART.match(stripped, pos)
        if m is None:
            raise MockZenotiError(
                f"{text!r} is not a duration (write e.g. 90m, 8h, 1h30m, 2d, 45s)", field=field
            )
        seconds += float(m.group(1)) * _SECONDS[m.group(2).lower()]
        pos = m.end()
    if not stripped or seconds <= 0:
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
