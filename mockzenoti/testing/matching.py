"""Matching received payloads against what a test expects, and saying how close they came.

``fields`` name envelope keys (``event_id``, ``id``, ``event_timestamp``) or
``data`` keys (``registration_id`` means ``data.registration_id``); a dotted
name (``"data.guest.first_name"``, or ``"guest.first_name"`` for short) walks
into objects and lists, so pass those as ``**{"data.guest.first_name": "Maya"}``.
An expected value matches when it is equal; a dict matches a dict containing
at least its items (recursively); a callable matches when it returns true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Comparison",
    "compare",
    "describe_fields",
    "lookup",
    "matches",
    "no_match_message",
    "rank",
    "type_counts",
]

ENVELOPE_KEYS = frozenset(
    {"id", "event_id", "event_schema", "event_resource", "event_type", "event_timestamp", "data"}
)
_MISSING = object()


def _walk(value: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif (
            isinstance(value, list)
            and part.lstrip("-").isdigit()
            and -len(value) <= int(part) < len(value)
        ):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def lookup(payload: Any, name: str) -> Any:
    """The value ``name`` designates in ``payload`` (``_MISSING`` when there is none)."""
    if not isinstance(payload, Mapping):
        return _MISSING
    parts = name.split(".")
    if parts[0] in ENVELOPE_KEYS and (len(parts) > 1 or parts[0] in payload):
        found = _walk(payload, parts)
        if found is not _MISSING or parts[0] != "data":
            return found
    return _walk(payload.get("data"), parts)


def _equal(expected: Any, actual: Any) -> bool:
    if callable(expected):
        try:
            return bool(expected(actual))
        except Exception:
            return False
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return all(k in actual and _equal(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)


def matches(payload: Any, event_type: str | None, fields: Mapping[str, Any]) -> bool:
    """True when ``payload`` has ``event_type`` (None: any) and every field matches."""
    if not isinstance(payload, Mapping):
        return False
    if event_type is not None and payload.get("event_type") != event_type:
        return False
    return all(_check(payload, name, want) for name, want in fields.items())


def _check(payload: Any, name: str, want: Any) -> bool:
    got = lookup(payload, name)
    return got is not _MISSING and _equal(want, got)


def _show(value: Any, width: int = 60) -> str:
    if callable(value):
        text = getattr(value, "__name__", "a predicate")
        return f"<{text}>"
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def describe_fields(event_type: str | None, fields: Mapping[str, Any]) -> str:
    """``a Class.Booking.NoShow event with registration_id=4242`` (for messages)."""
    what = f"a {event_type} event" if event_type else "an event"
    if fields:
        what += " with " + ", ".join(f"{k}={_show(v)}" for k, v in fields.items())
    return what


@dataclass(frozen=True, slots=True)
class Comparison:
    """How one received payload compares with what was expected."""

    index: int
    payload: Any
    same_type: bool
    matched: int
    differences: tuple[str, ...]

    def line(self) -> str:
        """``#3 Class.Booking.NoShow event_id=...: registration_id is 191142, not 4242``."""
        p = self.payload if isinstance(self.payload, Mapping) else {}
        head = f"#{self.index} {p.get('event_type', '?')} event_id={p.get('event_id', '?')}"
        if not self.differences:
            return head + ": matches"
        return head + ": " + "; ".join(self.differences)


def compare(
    index: int, payload: Any, event_type: str | None, fields: Mapping[str, Any]
) -> Comparison:
    """How far ``payload`` is from ``event_type`` and ``fields``."""
    diffs: list[str] = []
    got_type = payload.get("event_type") if isinstance(payload, Mapping) else None
    same = event_type is None or got_type == event_type
    if not same:
        diffs.append(f"event_type is {got_type!r}")
    matched = 0
    for name, want in fields.items():
        got = lookup(payload, name)
        if got is _MISSING:
            diffs.append(f"{name} is missing")
        elif _equal(want, got):
            matched += 1
        else:
            diffs.append(f"{name} is {_show(got)}, not {_show(want)}")
    return Comparison(index, payload, same, matched, tuple(diffs))


def rank(
    payloads: Sequence[Any], event_type: str | None, fields: Mapping[str, Any], limit: int = 5
) -> list[Comparison]:
    """The ``limit`` payloads closest to the expectation: same type first, most fields matching,
    then the latest."""
    compared = [compare(i, p, event_type, fields) for i, p in enumerate(payloads)]
    compared.sort(key=lambda c: (not c.same_type, -c.matched, -c.index))
    return compared[:limit]


def type_counts(payloads: Sequence[Any]) -> str:
    """``Class.Booking.Created x2, Guest.Created x1`` (most frequent first)."""
    counts = Counter(
        p.get("event_type", "?") if isinstance(p, Mapping) else "(not JSON)" for p in payloads
    )
    return ", ".join(f"{name} x{n}" for name, n in counts.most_common())


def no_match_message(
    who: str,
    payloads: Sequence[Any],
    event_type: str | None,
    fields: Mapping[str, Any],
    *,
    rejected: int = 0,
    limit: int = 5,
) -> str:
    """A readable failure: what was expected, what arrived, and the closest events."""
    lines = [f"{who} did not receive {describe_fields(event_type, fields)}."]
    tail = f" ({rejected} more requests were answered with an error)" if rejected else ""
    if not payloads:
        lines.append(f"It received no events{tail}.")
        return "\n".join(lines)
    lines.append(f"It received {len(payloads)} events{tail}: {type_counts(payloads)}.")
    lines.append("Closest:")
    lines.extend("  " + c.line() for c in rank(payloads, event_type, fields, limit))
    return "\n".join(lines)
