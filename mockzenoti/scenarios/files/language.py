"""The scenario-file language as data: actions, their parameters, and the JSON Schema of a file.

``VERBS`` says which kinds of entity each action acts on (for ``create``,
the kinds it makes); ``PARAMS`` which parameters an action on a kind takes
and of which type (``TYPES``); ``REQUIRED`` the ones it needs. ``schema()``
writes the form of a file from these tables as a JSON Schema: the file
shipped as ``fixtures/scenario-file.schema.json`` (``tools/build_scenario_schema.py``
writes it; a test checks it is current), which loading checks every file
against and which editors can use. What a step *means* (may this booking
be cancelled now?) is the world's to say: a dry run asks it.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.vocab import CENTER_KINDS, COUNTRIES
from mockzenoti.world.ops_people import CATEGORIES, CHANNELS
from mockzenoti.world.sizes import LIMITS

__all__ = [
    "CONTROL",
    "KIND_ALIASES",
    "MAKES",
    "MAX_REPEAT",
    "MAX_UNROLLED",
    "PARAMS",
    "REQUIRED",
    "SCHEMA_ID",
    "TYPES",
    "VERBS",
    "article",
    "schema",
]

SCHEMA_ID = "urn:mockzenoti:scenario-file"
MAX_REPEAT = 10_000
MAX_UNROLLED = 50_000
CONTROL = ("wait", "repeat", "with_probability")

# verb -> the kinds of entity it acts on (for ``create``: the kinds it makes)
VERBS: dict[str, tuple[str, ...]] = {
    "create": ("guest", "employee", "session", "appointment", "membership", "package"),
    "book": ("session",),
    "cancel": ("booking", "session", "appointment", "membership"),
    "delete": ("booking", "session", "guest", "employee"),
    "no-show": ("booking", "appointment"),
    "approve": ("booking",),
    "reject": ("booking",),
    "update": ("session", "guest", "employee"),
    "confirm": ("appointment",),
    "check-in": ("appointment",),
    "start": ("appointment",),
    "complete": ("appointment",),
    "close": ("appointment",),
    "pay": ("appointment",),
    "refund": ("appointment",),
    "reschedule": ("appointment",),
    "feedback": ("appointment",),
    "opt-in": ("guest",),
    "opt-out": ("guest",),
    "freeze": ("membership",),
    "unfreeze": ("membership",),
    "reinstate": ("membership",),
    "guestpass": ("membership",),
    "activate": ("package",),
    "redeem": ("package",),
    "reverse": ("package",),
    "extend": ("package",),
}
# verbs that make an entity (``as:`` names it), and its kind (None: the created kind)
MAKES: dict[str, str | None] = {
    "create": None,
    "book": "booking",
    "reschedule": "appointment",
    "guestpass": "booking",
}
KIND_ALIASES = {
    "class-session": "session",
    "class-booking": "booking",
    "appointment-group": "appointment",
    "group": "appointment",
}

_NAMES = {"first_name": "text", "last_name": "text", "email": "email"}
PARAMS: dict[tuple[str, str], dict[str, str]] = {
    ("create", "guest"): {**_NAMES, "center": "center"},
    ("create", "employee"): {
        "center": "center",
        "job": "text",
        "first_name": "text",
        "last_name": "text",
    },
    ("create", "session"): {
        "center": "center",
        "class": "text",
        "at": "time",
        "capacity": "count",
        "minutes": "count",
    },
    ("create", "appointment"): {
        "center": "center",
        "guest": "handle",
        "at": "time",
        "services": "names",
    },
    ("create", "membership"): {"center": "center", "guest": "handle", "plan": "text"},
    ("create", "package"): {"center": "center", "guest": "handle", "plan": "text"},
    ("book", "session"): {"guest": "handle", "waitlist": "bool"},
    ("update", "session"): {"at": "time", "minutes": "count", "capacity": "count"},
    ("update", "guest"): dict(_NAMES),
    ("update", "employee"): {"first_name": "text", "last_name": "text"},
    ("close", "appointment"): {"retail": "bool"},
    ("pay", "appointment"): {"retail": "bool"},
    ("reschedule", "appointment"): {"at": "time"},
    ("feedback", "appointment"): {"version": "version", "rating": "rating"},
    ("opt-in", "guest"): {"category": "category", "channel": "channel"},
    ("opt-out", "guest"): {"category": "category", "channel": "channel"},
    ("guestpass", "membership"): {"guest": "handle", "session": "handle"},
    ("extend", "package"): {"days": "count"},
}
REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("reschedule", "appointment"): ("at",),
    ("guestpass", "membership"): ("session",),
    ("extend", "package"): ("days",),
}

_HANDLE = r"^[A-Za-z_][A-Za-z0-9_-]*$"
_DURATION = r"^\s*([0-9]+(\.[0-9]+)?\s*[dhmsDHMS]\s*)+$"
# The JSON Schema of each parameter type (by name, under ``$defs``).
TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": "string", "pattern": r"\S", "description": "a non-empty text"},
    "email": {"type": "string", "pattern": r"^$|@", "description": "an e-mail address"},
    "count": {"type": "integer", "minimum": 1, "maximum": 100_000},
    "version": {"type": "integer", "minimum": 1, "maximum": 2},
    "rating": {"type": "integer", "minimum": 1, "maximum": 5},
    "bool": {"type": "boolean"},
    "center": {
        "type": ["string", "integer"],
        "minimum": 0,
        "description": "a center's name, or its position from 0",
    },
    "time": {
        "type": "string",
        "pattern": r"^\s*(\+" + _DURATION[1:-1] + r"|([01]?[0-9]|2[0-3]):[0-5][0-9])\s*$",
        "description": "+DURATION from the step (+90m), or a local time HH:MM today (18:00)",
    },
    "handle": {
        "type": "string",
        "pattern": r"^\s*[A-Za-z_][A-Za-z0-9_-]*\s*(\[\s*-?[0-9]+\s*\])?\s*$",
        "description": "a handle (an earlier as:), or name[index] for one made in a repeat",
    },
    "names": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/text"}},
    "category": {"enum": list(CATEGORIES)},
    "channel": {"enum": list(CHANNELS)},
    "as": {"type": "string", "pattern": _HANDLE, "description": "a handle name"},
    "duration": {
        "type": "string",
        "pattern": _DURATION,
        "description": "a duration: 45s, 90m, 8h, 1h30m, 2d",
    },
    "repeat": {"type": "integer", "minimum": 1, "maximum": MAX_REPEAT},
    "probability": {"type": "number", "minimum": 0, "maximum": 1},
    "start": {
        "type": "string",
        "pattern": r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2}[ T])?([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$",
        "description": "a local time HH:MM, or a date and time YYYY-MM-DD HH:MM",
    },
}


def article(kind: str) -> str:
    """``a session``, ``an appointment``."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _params(verb: str) -> dict[str, str]:
    """Every parameter ``verb`` takes on any kind (one type per name)."""
    out: dict[str, str] = {}
    for (v, _), params in PARAMS.items():
        if v == verb:
            out.update(params)
    return out


def _action(verb: str) -> dict[str, Any]:
    target = {"enum": [*VERBS["create"], *KIND_ALIASES]} if verb == "create" else _ref("handle")
    props: dict[str, Any] = {verb: target}
    if verb in MAKES:
        props["as"] = _ref("as")
    props.update({name: _ref(kind) for name, kind in _params(verb).items()})
    out: dict[str, Any] = {"properties": props, "additionalProperties": False}
    needed = sorted({n for (v, _), names in REQUIRED.items() if v == verb for n in names})
    if needed:
        out["required"] = needed
    if verb == "create":  # each kind takes its own parameters
        out["allOf"] = [
            {
                "if": {"properties": {"create": {"enum": [k, *_aliases(k)]}}},
                "then": {"propertyNames": {"enum": ["create", "as", *PARAMS[("create", k)]]}},
            }
            for k in VERBS["create"]
        ]
    return out


def _aliases(kind: str) -> list[str]:
    return [alias for alias, k in KIND_ALIASES.items() if k == kind]


def _step() -> dict[str, Any]:
    heads = [*CONTROL, *VERBS]
    branches = [
        {"if": {"required": ["wait"]}, "then": _ref("wait-step")},
        {"if": {"required": ["repeat"]}, "then": _ref("repeat-step")},
        {"if": {"required": ["with_probability"]}, "then": _ref("chance-step")},
        *({"if": {"required": [v]}, "then": _ref(f"{v}-step")} for v in VERBS),
    ]
    return {
        "type": "object",
        "description": "one step: exactly one action (or wait, repeat, with_probability)",
        "oneOf": [{"required": [h]} for h in heads],
        "allOf": branches,
    }


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file's form."""
    sizes = {
        name: {"type": "integer", "minimum": lo, "maximum": hi} for name, (lo, hi) in LIMITS.items()
    }
    for name in ("sessions_per_day", "appointments_per_day", "clientele"):
        sizes[name]["type"] = ["integer", "null"]
    sizes["kind"] = _ref("kind")
    sizes["country"] = _ref("country")
    defs: dict[str, Any] = {
        **TYPES,
        "kind": {"enum": list(CENTER_KINDS)},
        "country": {"enum": [*COUNTRIES, *(c.lower() for c in COUNTRIES), None]},
        "step": _step(),
        "steps": {"type": "array", "minItems": 1, "items": _ref("step")},
        "wait-step": {
            "properties": {"wait": _ref("duration")},
            "additionalProperties": False,
        },
        "repeat-step": {
            "properties": {"repeat": _ref("repeat"), "steps": _ref("steps")},
            "required": ["steps"],
            "additionalProperties": False,
        },
        "chance-step": {
            "properties": {"with_probability": _ref("probability"), "steps": _ref("steps")},
            "required": ["steps"],
            "additionalProperties": False,
        },
        **{f"{v}-step": _action(v) for v in VERBS},
    }
    world = {
        "type": "object",
        "properties": {
            "kind": _ref("kind"),
            "sizes": {"type": "object", "properties": sizes, "additionalProperties": False},
            "centers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {k: _ref("text") for k in ("name", "time_zone", "code")},
                    "additionalProperties": False,
                },
            },
            "guests": {
                "type": "object",
                "propertyNames": _ref("as"),
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        **{k: _ref("text") for k in ("first_name", "last_name")},
                        "email": _ref("email"),
                        "center": _ref("center"),
                    },
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mockzenoti scenario file",
        "description": "A story told step by step (docs/scenarios.md). Written by "
        "tools/build_scenario_schema.py from mockzenoti/scenarios/files/language.py.",
        "type": "object",
        "properties": {
            "name": _ref("text"),
            "description": _ref("text"),
            "world": world,
            "start": _ref("start"),
            "steps": _ref("steps"),
        },
        "required": ["steps"],
        "additionalProperties": False,
        "$defs": defs,
    }
