"""Errors a user can act on. Each names the field, path or argument at fault."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "ConfigError",
    "MockZenotiError",
    "NotFound",
    "OverrideError",
    "UnknownEventType",
    "closest",
]


class MockZenotiError(Exception):
    """Base class: a problem with what the user asked for, not a bug.

    ``field`` names the argument, option, JSON field or dotted path at fault;
    ``code`` is a short machine-readable kind (used by the HTTP API).
    """

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownEventType(MockZenotiError):
    """An event type that is not in the catalog; carries the closest names."""

    code = "unknown_event_type"

    def __init__(self, name: str, suggestions: list[str], field: str = "event_type") -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown event type {name!r}{hint}", field=field)
        self.name = name
        self.suggestions = suggestions


class OverrideError(MockZenotiError):
    """An override that names a missing path or would break the event's schema."""

    code = "invalid_override"


class ConfigError(MockZenotiError):
    """A configuration file or setting that cannot be used as written."""

    code = "invalid_config"


class NotFound(MockZenotiError):
    """An id (delivery, run, target) that the outbox does not hold."""

    code = "not_found"


def closest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The names in ``candidates`` closest to ``word`` (case-insensitive)."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.5)
    exact_prefix = [c for c in pool if c.lower().startswith(word.lower()) and c not in hits]
    return [lowered[h] for h in hits] + exact_prefix[: max(0, n - len(hits))]
