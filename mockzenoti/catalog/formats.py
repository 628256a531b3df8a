"""The string forms Zenoti's payloads use, as regular expressions.

The schemas under ``fixtures/schemas`` carry these as ``$defs`` holding only a
``pattern`` (the field itself says ``"type": "string"`` or
``["string", "null"]``), so that any JSON Schema validator enforces them and a
null stays a type question. ``validation.py`` uses the descriptions to say what
a value should have looked like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FORMATS", "Format", "matches"]

_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_HEX_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@dataclass(frozen=True, slots=True)
class Format:
    """A named string form: its anchored pattern and what to call it in messages."""

    name: str
    pattern: str
    description: str
    example: str

    def matches(self, value: str) -> bool:
        """True when ``value`` is written in this form."""
        return _compiled(self.pattern).fullmatch(value) is not None


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _CACHE.get(pattern)
    if found is None:
        found = _CACHE[pattern] = re.compile(pattern)
    return found


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "objectid",
            r"^[0-9a-f]{24}$",
            "a MongoDB ObjectId (24 lowercase hex digits)",
            "622b5b33a961750e01db6512",
        ),
        Format(
            "event_timestamp",
            rf"^{_DATE}T{_TIME}(?:\.[0-9]{{1,7}})?Z$",
            "a UTC timestamp with Z and 0 to 7 fraction digits (YYYY-MM-DDTHH:MM:SS.fffffffZ)",
            "2022-03-11T14:22:43.3847049Z",
        ),
        Format(
            "guid",
            rf"^{_HEX_GUID}$",
            "a GUID (8-4-4-4-12 hex digits)",
            "7e4e1a62-5982-4b3c-b9ac-da0f122e7ae5",
        ),
        Format(
            "guid_or_empty",
            rf"^(?:{_HEX_GUID})?$",
            'a GUID or "" (8-4-4-4-12 hex digits, or empty)',
            "",
        ),
        Format(
            "datetime",
            rf"^{_DATE}T{_TIME}$",
            "a date and time without offset or fraction (YYYY-MM-DDTHH:MM:SS)",
            "2022-03-11T08:00:00",
        ),
        Format(
            "utc_seconds",
            rf"^{_DATE}T{_TIME}Z$",
            "a UTC date and time with Z and no fraction (YYYY-MM-DDTHH:MM:SSZ)",
            "2023-11-15T14:30:45Z",
        ),
        Format(
            "sql_datetime",
            rf"^{_DATE} {_TIME}\.[0-9]{{3}}$",
            "a date and time with a space and milliseconds (YYYY-MM-DD HH:MM:SS.fff)",
            "2022-03-01 20:00:00.000",
        ),
    )
}


def matches(name: str, value: str) -> bool:
    """True when ``value`` is written in the format called ``name``."""
    return FORMATS[name].matches(value)
