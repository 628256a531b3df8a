"""The parameters each YAML action takes, and their checks.

``PARAMS[(verb, kind)]`` names each parameter's type; ``check_params``
turns the raw values into what the runner needs (``Ref`` for handles,
``When`` for times, names checked against the vocabulary of the pinned
kind of business, or of any kind when it is left to the seed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mockzenoti.errors import MockZenotiError, closest
from mockzenoti.scenarios.durations import parse_duration
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.yaml_program import Action, Ref, parse_ref
from mockzenoti.vocab import CENTER_KINDS, CLASSES, MEMBERSHIPS, PACKAGES, SERVICES
from mockzenoti.world.ops_people import CATEGORIES, CHANNELS

__all__ = ["PARAMS", "REQUIRED", "When", "check_params", "vocabulary"]

_TEXT = "text"
_NAMES = {"first_name": _TEXT, "last_name": _TEXT, "email": "email"}
PARAMS: dict[tuple[str, str], dict[str, str]] = {
    ("create", "guest"): {**_NAMES, "center": "center"},
    ("create", "employee"): {"center": "center", "job": _TEXT, "first_name": _TEXT,
                             "last_name": _TEXT},
    ("create", "session"): {"center": "center", "class": "class", "at": "time",
                            "capacity": "count", "minutes": "count"},
    ("create", "appointment"): {"center": "center", "guest": "guest", "at": "time",
                                "services": "services"},
    ("create", "membership"): {"center": "center", "guest": "guest", "plan": "membership-plan"},
    ("create", "package"): {"center": "center", "guest": "guest", "plan": "package-plan"},
    ("book", "session"): {"guest": "guest", "waitlist": "bool"},
    ("update", "session"): {"at": "time", "minutes": "count", "capacity": "count"},
    ("update", "guest"): dict(_NAMES),
    ("update", "employee"): {"first_name": _TEXT, "last_name": _TEXT},
    ("close", "appointment"): {"retail": "bool"},
    ("reschedule", "appointment"): {"at": "time"},
    ("feedback", "appointment"): {"version": "version", "rating": "rating"},
    ("opt-in", "guest"): {"category": "category", "channel": "channel"},
    ("opt-out", "guest"): {"category": "category", "channel": "channel"},
    ("guestpass", "membership"): {"guest": "guest", "session": "session"},
    ("extend", "package"): {"days": "count"},
}  # fmt: skip
REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("reschedule", "appointment"): ("at",),
    ("guestpass", "membership"): ("session",),
    ("extend", "package"): ("days",),
}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class When:
    """A time in a step: ``+90m`` (``offset`` ticks from now) or ``18:00`` (``minute`` of today)."""

    offset: int | None = None
    minute: int | None = None


def vocabulary(kind: str | None, what: str) -> list[str]:
    """Names of classes, services or plans of ``kind`` (of every kind when None)."""
    tables: dict[str, dict[Any, Any]] = {
        "class": CLASSES,
        "services": SERVICES,
        "membership-plan": MEMBERSHIPS,
        "package-plan": PACKAGES,
    }
    table = tables[what]
    kinds = [kind] if kind in CENTER_KINDS else list(CENTER_KINDS)
    return sorted({item.name for k in kinds for item in table[k]})  # fmt: skip


def _time(value: Any) -> When:
    text = str(value).strip()
    if text.startswith("+"):
        return When(offset=parse_duration(text[1:], field="at"))
    m = _CLOCK.match(text)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return When(minute=int(m.group(1)) * 60 + int(m.group(2)))
    raise MockZenotiError(f"{value!r} is not a time: write +DURATION (+90m) or HH:MM (18:00)")


def _one(type_: str, value: Any, kind: str | None, line: int, file: str, field: str) -> Any:
    def bad(message: str) -> ScenarioError:
        return ScenarioError(message, file=file, line=line, field=field)

    if type_ in ("text", "email"):
        if not isinstance(value, str) or (type_ == "text" and not value.strip()):
            raise bad(f"must be a non-empty text (got {value!r})")
        if type_ == "email" and value and "@" not in value:
            raise bad(f"{value!r} is not an e-mail address")
        return value
    if type_ in ("count", "version", "rating"):
        low, high = {"count": (1, 100_000), "version": (1, 2), "rating": (1, 5)}[type_]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise bad(f"must be a whole number from {low} to {high} (got {value!r})")
        return value
    if type_ == "bool":
        if not isinstance(value, bool):
            raise bad(f"must be true or false (got {value!r})")
        return value
    if type_ == "center":
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise bad(f"name a center or give its position from 0 (got {value!r})")
        return value
    if type_ == "time":
        try:
            return _time(value)
        except MockZenotiError as exc:
            raise bad(exc.message) from exc
    if type_ in ("guest", "session"):
        return parse_ref(value, line, file, field)
    if type_ in ("category", "channel"):
        allowed = CATEGORIES if type_ == "category" else CHANNELS
        if value not in allowed:
            raise bad(f"must be one of {', '.join(allowed)} (got {value!r})")
        return value
    names = vocabulary(kind, type_)
    values = value if type_ == "services" else [value]
    if type_ == "services" and (not isinstance(value, list) or not value):
        raise bad("must be a list of service names")
    for item in values:
        if item not in names:
            hint = closest(str(item), names)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            scope = f"a {kind}" if kind else "any kind of"
            raise bad(f"{item!r} is not offered by {scope} center{extra}")
    return value


def check_params(action: Action, kind: str, world_kind: str | None, file: str) -> dict[str, Any]:
    """The checked parameters of ``action`` on a ``kind``: unknown or missing ones refused."""
    spec = PARAMS.get((action.verb, kind), {})
    out: dict[str, Any] = {}
    for name, (value, line) in action.params.items():
        field = f"{action.path}.{name}"
        if name not in spec:
            known = ", ".join(spec) or "none"
            hint = closest(name, spec)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise ScenarioError(
                f"{action.verb} of a {kind} takes no {name!r}{extra} (it takes: {known})",
                file=file,
                line=line,
                field=field,
            )
        out[name] = _one(spec[name], value, world_kind, line, file, field)
    for name in REQUIRED.get((action.verb, kind), ()):
        if name not in out:
            raise ScenarioError(
                f"{action.verb} of a {kind} needs {name}",
                file=file,
                line=action.line,
                field=f"{action.path}.{name}",
            )
    return out


def is_ref(value: Any) -> bool:
    """True for a handle reference."""
    return isinstance(value, Ref)
