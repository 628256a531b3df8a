"""The OpenAPI document's request schemas, and the building blocks of every schema.

JSON Schema 2020-12, as OpenAPI 3.1 uses. Request bodies are closed
(``additionalProperties: false``): the server refuses unknown fields.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.scenarios.builtin import BUILTINS
from mockzenoti.security.limits import (
    MAX_BODY,
    MAX_EVENTS,
    MAX_RETRY_WAITS,
    MAX_TIMEOUT,
    MAX_URL,
)
from mockzenoti.server.bodies import MAX_ITEMS, MAX_TEXT
from mockzenoti.server.patterns import (
    DURATION_PATTERN,
    END,
    NOT_BLANK_PATTERN,
    RESERVED_HEADER_PATTERN,
    RETRY_PATTERN,
    SCENARIO_FILE_PATTERN,
    SEED_TEXT_PATTERN,
    STANDARD_SECRET_PATTERN,
    URL_PATTERN,
)
from mockzenoti.server.runspec import API_KEY_PATTERN, MAX_PACE, MAX_RATE, MIN_PACE
from mockzenoti.server.sinks import RETRY_AFTER_PATTERN
from mockzenoti.server.targetspec import (
    HEADER_NAME_PATTERN,
    HEADER_VALUE_PATTERN,
    ID_PATTERN,
    MAX_CA_TEXT,
    MAX_HEADERS,
    MAX_SECRETS,
    MAX_TARGETS,
)
from mockzenoti.vocab import CENTER_KINDS
from mockzenoti.world.sizes import LIMITS as SIZE_LIMITS

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
#: A seed as requests give it: a 64-bit whole number or one line of text.
SEED_IN: Schema = {
    "oneOf": [
        {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1},
        {"type": "string", "pattern": SEED_TEXT_PATTERN},
    ]
}
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


def _text(description: str, max_length: int = MAX_TEXT) -> Schema:
    """A one-line, non-blank string."""
    return {
        "type": "string",
        "pattern": NOT_BLANK_PATTERN,
        "maxLength": max_length,
        "description": description,
    }


def _strings(item: Schema, max_items: int = MAX_ITEMS, *, unique: bool = False) -> Schema:
    out: Schema = {"type": "array", "items": item, "minItems": 1, "maxItems": max_items}
    if unique:
        out["uniqueItems"] = True
    return out


#: The targets a request names (each once; each must exist).
TARGET_NAMES: Schema = {
    "type": "array",
    "items": {"type": "string", "pattern": ID_PATTERN},
    "minItems": 1,
    "maxItems": MAX_TARGETS,
    "uniqueItems": True,
}


def _secrets(item: Schema) -> Schema:
    return {"oneOf": [item, _strings(item, MAX_SECRETS)]}


_STANDARD_SECRET: Schema = {
    "type": "string",
    "pattern": STANDARD_SECRET_PATTERN,
    "maxLength": MAX_TEXT,
    "description": "a Standard Webhooks secret: base64, optionally after whsec_",
}


def _signing_rules(*, patch: bool) -> list[Schema]:
    """The zenoti and standard schemes need a secret; standard ones are base64.

    A PATCH may rely on the stored secrets (a clash with them is a 409), so
    there only a secret given with ``signing: standard`` is checked, and a
    secret removed (null) while asking for a signing scheme is refused.
    """
    signed: Schema = {
        "properties": {"signing": {"enum": ["zenoti", "standard"]}},
        "required": ["signing"],
    }
    standard: Schema = {"properties": {"signing": {"const": "standard"}}, "required": ["signing"]}
    standard_secret = {"properties": {"secret": _secrets(_STANDARD_SECRET)}}
    if patch:
        return [
            {"if": standard, "then": standard_secret},
            {"if": signed, "then": {"properties": {"secret": {"not": {"type": "null"}}}}},
        ]
    return [
        {"if": signed, "then": {"required": ["secret"]}},
        {"if": standard, "then": standard_secret},
    ]


def _target_settings(event_types: list[str], *, create: bool) -> dict[str, Schema]:
    secret = _text("a signing secret")
    props: dict[str, Schema] = {
        "url": {
            "type": "string",
            "pattern": URL_PATTERN,
            "maxLength": MAX_URL,
            "description": "an http(s) URL in visible ASCII (spaces encoded as %20)",
        },
        "method": {"type": "string", "enum": ["POST", "PUT", "PATCH", "post", "put", "patch"]},
        "signing": SIGNING,
        "secret": _secrets(secret),
        "retry": {
            "type": "string",
            "pattern": RETRY_PATTERN,
            "description": f"zenoti, fast, standard, none, or up to {MAX_RETRY_WAITS} waits "
            "such as 1s,5s,30s",
        },
        "event_types": _strings({"type": "string", "enum": event_types}),
        "center_ids": _strings(_text("a center id")),
        "headers": {
            "type": "object",
            "maxProperties": MAX_HEADERS,
            "propertyNames": {
                "pattern": HEADER_NAME_PATTERN,
                "not": {"pattern": RESERVED_HEADER_PATTERN},
                "description": "an HTTP header name the sender does not set itself",
            },
            "additionalProperties": {
                "type": "string",
                "pattern": HEADER_VALUE_PATTERN,
                "maxLength": MAX_TEXT,
            },
        },
        "timeout": {"type": "number", "minimum": 0.001, "maximum": MAX_TIMEOUT},
        "retry_statuses": {
            "type": "array",
            "items": {"type": "integer", "minimum": 300, "maximum": 499},
            "maxItems": 200,
        },
        "deactivate_after": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
        "content_type": {
            "oneOf": [
                {
                    "type": "string",
                    "pattern": "^[\\t\\x20-\\x7e]*[\\x21-\\x7e][\\t\\x20-\\x7e]*" + END,
                    "maxLength": MAX_TEXT,
                },
                {"type": "null"},
            ]
        },
        "ca_cert": {
            "oneOf": [
                {
                    "type": "string",
                    "pattern": "^\\s*-----BEGIN ",
                    "maxLength": MAX_CA_TEXT,
                    "description": "the PEM text of the CAs (a file's name is refused: 403)",
                },
                {"type": "null"},
            ]
        },
        "insecure": BOOL,
        "active": BOOL,
    }
    if create:
        props["id"] = {"type": "string", "pattern": ID_PATTERN}
    else:
        props["secret"] = {"oneOf": [secret, _strings(secret, MAX_SECRETS), {"type": "null"}]}
        props["discard"] = BOOL
    return props


def _target(event_types: list[str], *, create: bool) -> Schema:
    schema = obj(
        ["url"] if create else [], _target_settings(event_types, create=create), closed=True
    )
    rules = _signing_rules(patch=not create)
    both: Schema = {  # check against a CA, or not at all
        "properties": {"insecure": {"const": True}, "ca_cert": {"type": "string"}},
        "required": ["insecure", "ca_cert"],
    }
    rules.append({"not": both})
    if not create:  # discard applies only when activating
        discard: Schema = {"properties": {"discard": {"const": True}}, "required": ["discard"]}
        active: Schema = {"properties": {"active": {"const": True}}, "required": ["active"]}
        rules.append({"if": discard, "then": active})
    schema["allOf"] = rules
    return schema


def _sink_settings() -> Schema:
    schema = obj(
        [],
        {
            "secret": _secrets(_text("a secret to verify signatures with")),
            "signing": SIGNING,
            "status": {"type": "integer", "minimum": 200, "maximum": 599},
            "fail_first": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
            "fail_by": {"type": "string", "enum": ["event_id", "id"]},
            "fail_share": {"type": "number", "minimum": 0, "maximum": 1},
            "fail_probability": {"type": "number", "minimum": 0, "maximum": 1},
            "fail_status": {"type": "integer", "minimum": 200, "maximum": 599},
            "retry_after": {
                "oneOf": [
                    {"type": "string", "pattern": RETRY_AFTER_PATTERN},
                    {"type": "number", "minimum": 0},
                ]
            },
            "latency": {"type": "number", "minimum": 0, "maximum": 600},
            "seed": {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1},
            "keep": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        },
        closed=True,
    )
    schema["allOf"] = _signing_rules(patch=False)
    return schema


def _redeliver(states: list[str], *, force: bool = False) -> Schema:
    """Deliveries by ids and filters; with ``force``, delivered ones too (``force: true``)."""
    state = {"type": "string", "enum": [*states, "delivered"] if force else states}
    schema = obj(
        [],
        {
            "ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": MAX_ITEMS},
            "state": {"oneOf": [state, {"type": "array", "items": state, "minItems": 1}]},
            "event_type": _text("a wire event type"),
            "run": ID,
            "target": _text("a target id"),
            **({"force": BOOL} if force else {}),
        },
        closed=True,
    )
    if force:  # only force sends delivered ones again
        delivered = {
            "anyOf": [{"const": "delivered"}, {"type": "array", "contains": {"const": "delivered"}}]
        }
        schema["allOf"] = [
            {
                "if": {"properties": {"state": delivered}, "required": ["state"]},
                "then": {"properties": {"force": {"const": True}}, "required": ["force"]},
            }
        ]
    return schema


def _sizes() -> Schema:
    props: dict[str, Schema] = {
        name: {
            "type": ["integer", "null"] if name.endswith("_per_day") else "integer",
            "minimum": low,
            "maximum": high,
        }
        for name, (low, high) in SIZE_LIMITS.items()
    }
    props["kind"] = {"enum": [*CENTER_KINDS, None]}
    return obj([], props, closed=True)


def _events(event_types: list[str]) -> Schema:
    """``POST /events``: a generated event (type, overrides, seed) or a whole payload."""
    common: dict[str, Schema] = {"validate": BOOL, "targets": TARGET_NAMES}
    envelope_id = {"type": "string", "minLength": 1, "pattern": "^[\\x00-\\x7f]*$"}
    generated = obj(
        ["event_type"],
        {
            "event_type": {"type": "string", "enum": event_types},
            "overrides": {"type": "object", "maxProperties": MAX_ITEMS},
            "seed": SEED_IN,
            **common,
        },
        closed=True,
    )
    given = obj(
        ["payload"],
        {
            "payload": obj(
                ["id", "event_id", "event_type"],
                {"id": envelope_id, "event_id": envelope_id, "event_type": envelope_id},
            ),
            **common,
        },
        closed=True,
    )
    return {"oneOf": [generated, given]}


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
            {"type": "string", "enum": ["asap", "realtime"]},
            {"type": "number", "minimum": MIN_PACE, "maximum": MAX_PACE},
        ]
    }
    scenario = {
        "anyOf": [
            {"type": "string", "enum": list(BUILTINS)},
            {
                "type": "string",
                "pattern": SCENARIO_FILE_PATTERN,
                "maxLength": MAX_TEXT,
                "description": "a YAML file under the server's --scenario-dir (403 without one)",
            },
        ]
    }
    run = obj(
        [],
        {
            "scenario": scenario,
            "scenario_yaml": {"type": "string", "minLength": 1, "maxLength": MAX_BODY},
            "seed": SEED_IN,
            "events": {"type": "integer", "minimum": 1, "maximum": MAX_EVENTS},
            "duration": {"type": "string", "pattern": DURATION_PATTERN},
            "sizes": _sizes(),
            "pace": pace,
            "targets": TARGET_NAMES,
            "ordering": {"type": "string", "enum": ["none", "per-entity"]},
            "chaos": chaos,
            "retry_scale": {"type": "number", "minimum": 0, "maximum": 1000},
            "scale_retry_after": BOOL,
            "rate": {"type": "number", "minimum": 0.001, "maximum": 1_000_000},
            "track_truth": BOOL,
            "api_key": {"type": "string", "pattern": API_KEY_PATTERN},
            "rest_rate_limit": {
                "oneOf": [BOOL, {"type": "integer", "minimum": 1, "maximum": MAX_RATE}]
            },
        },
        closed=True,
    )
    run["oneOf"] = [{"required": ["scenario"]}, {"required": ["scenario_yaml"]}]
    return {
        "TargetCreate": _target(event_types, create=True),
        "TargetPatch": _target(event_types, create=False),
        "Reactivate": obj([], {"discard": BOOL}, closed=True),
        "EventRequest": _events(event_types),
        "RunRequest": run,
        "Redeliver": _redeliver(["dead", "held"], force=True),
        "Discard": _redeliver(["held"]),
        "SinkSettings": _sink_settings(),
    }
