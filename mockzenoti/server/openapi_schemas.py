"""The OpenAPI document's request schemas, and the building blocks of every schema.

JSON Schema 2020-12, as OpenAPI 3.1 uses. Request bodies are closed
(``additionalProperties: false``): the server refuses unknown fields.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.server.runspec import API_KEY_PATTERN
from mockzenoti.server.targetspec import HEADER_NAME_PATTERN, HEADER_VALUE_PATTERN, ID_PATTERN

__all__ = ["ANY", "BOOL", "COUNTS", "INT", "NINT", "NNUM", "NSTR", "NUM", "OBJ", "SEED"]
__all__ += ["SIGNING", "STR", "Schema", "obj", "ref", "requests"]

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
ANY: Schema = {}
OBJ: Schema = {"type": "object"}
NSTR: Schema = {"type": ["string", "null"]}
NINT: Schema = {"type": ["integer", "null"]}
NNUM: Schema = {"type": ["number", "null"]}
SEED: Schema = {"type": ["integer", "string"]}
STRINGS: Schema = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
COUNTS: Schema = {"type": "object", "additionalProperties": {"type": "integer"}}
SIGNING: Schema = {"type": "string", "enum": ["zenoti", "standard", "none"]}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": 2**62}


def ref(name: str) -> Schema:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None, props: dict[str, Schema], *, closed: bool = False) -> Schema:
    """An object schema; ``required=None`` means every property is required."""
    out: Schema = {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
    }
    if closed:
        out["additionalProperties"] = False
    return out


def _target_settings(*, create: bool) -> dict[str, Schema]:
    props: dict[str, Schema] = {
        "url": {"type": "string", "minLength": 1, "maxLength": 2048},
        "method": {"type": "string", "enum": ["POST", "PUT", "PATCH", "post", "put", "patch"]},
        "signing": SIGNING,
        "secret": {"oneOf": [{"type": "string", "minLength": 1}, STRINGS]},
        "retry": {"type": "string", "minLength": 1},
        "event_types": STRINGS,
        "center_ids": STRINGS,
        "headers": {
            "type": "object",
            "propertyNames": {"pattern": HEADER_NAME_PATTERN},
            "additionalProperties": {"type": "string", "pattern": HEADER_VALUE_PATTERN},
        },
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600},
        "retry_statuses": {"type": "array", "items": {"type": "integer"}},
        "deactivate_after": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
        "content_type": {"type": ["string", "null"], "pattern": HEADER_VALUE_PATTERN},
        "ca_cert": {"type": ["string", "null"], "minLength": 1},
        "insecure": BOOL,
        "active": BOOL,
    }
    if create:
        props["id"] = {"type": "string", "pattern": ID_PATTERN}
    else:
        props["secret"] = {"oneOf": [{"type": "string", "minLength": 1}, STRINGS, {"type": "null"}]}
        props["discard"] = BOOL
    return props


def _sink_settings() -> Schema:
    return obj(
        [],
        {
            "secret": {"oneOf": [{"type": "string", "minLength": 1}, STRINGS]},
            "signing": SIGNING,
            "status": {"type": "integer", "minimum": 200, "maximum": 599},
            "fail_first": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
            "fail_by": {"type": "string", "enum": ["event_id", "id"]},
            "fail_share": {"type": "number", "minimum": 0, "maximum": 1},
            "fail_probability": {"type": "number", "minimum": 0, "maximum": 1},
            "fail_status": {"type": "integer", "minimum": 200, "maximum": 599},
            "retry_after": {
                "oneOf": [
                    {"type": "string", "pattern": "^[\\x20-\\x7e]+$"},
                    {"type": "number", "minimum": 0},
                ]
            },
            "latency": {"type": "number", "minimum": 0, "maximum": 600},
            "seed": INT,
            "keep": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        },
        closed=True,
    )


def _redeliver(states: list[str], *, force: bool = False) -> Schema:
    state = {"type": "string", "enum": states}
    return obj(
        [],
        {
            "ids": {"type": "array", "items": ID, "minItems": 1},
            "state": {"oneOf": [state, {"type": "array", "items": state, "minItems": 1}]},
            "event_type": {"type": "string", "minLength": 1},
            "run": ID,
            "target": {"type": "string", "minLength": 1},
            **({"force": BOOL} if force else {}),
        },
        closed=True,
    )


def requests(event_types: list[str]) -> dict[str, Schema]:
    """The request bodies; ``event_types`` are the names ``POST /events`` accepts."""
    chaos = obj(
        [],
        {
            "duplicate": {"type": "number", "minimum": 0, "maximum": 1},
            "reorder": {"type": "integer", "minimum": 0, "maximum": 10_000},
            "delay": {"type": "number", "minimum": 0, "maximum": 3600},
        },
        closed=True,
    )
    pace = {
        "oneOf": [
            {"type": "string", "minLength": 1},
            {"type": "number", "minimum": 0.001, "maximum": 1_000_000},
        ]
    }
    return {
        "TargetCreate": obj(["url"], _target_settings(create=True), closed=True),
        "TargetPatch": obj([], _target_settings(create=False), closed=True),
        "Reactivate": obj([], {"discard": BOOL}, closed=True),
        "EventRequest": obj(
            [],
            {
                "event_type": {"type": "string", "enum": event_types},
                "overrides": OBJ,
                "seed": SEED,
                "payload": OBJ,
                "validate": BOOL,
                "targets": STRINGS,
            },
            closed=True,
        ),
        "RunRequest": obj(
            ["scenario"],
            {
                "scenario": {"type": "string", "minLength": 1},
                "seed": SEED,
                "events": {"type": "integer", "minimum": 1, "maximum": 100_000_000},
                "duration": {"type": "string", "minLength": 1},
                "sizes": OBJ,
                "pace": pace,
                "targets": STRINGS,
                "ordering": {"type": "string", "enum": ["none", "per-entity"]},
                "chaos": chaos,
                "retry_scale": {"type": "number", "minimum": 0, "maximum": 1000},
                "scale_retry_after": BOOL,
                "rate": {"type": "number", "minimum": 0.001, "maximum": 1_000_000},
                "track_truth": BOOL,
                "api_key": {"type": "string", "pattern": API_KEY_PATTERN},
                "rest_rate_limit": {
                    "oneOf": [BOOL, {"type": "integer", "minimum": 1, "maximum": 1_000_000}]
                },
            },
            closed=True,
        ),
        "Redeliver": _redeliver(["dead", "held"], force=True),
        "Discard": _redeliver(["held"]),
        "SinkSettings": _sink_settings(),
    }
