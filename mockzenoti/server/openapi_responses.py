"""The OpenAPI document's answer schemas (what each route returns)."""

from __future__ import annotations

from mockzenoti.delivery.outbox import STATES as DELIVERY_STATES
from mockzenoti.server.openapi_schemas import (
    ANY,
    BOOL,
    COUNTS,
    INT,
    NINT,
    NNUM,
    NSTR,
    NUM,
    OBJ,
    SEED,
    SIGNING,
    STR,
    Schema,
    obj,
    ref,
)
from mockzenoti.server.runstate import STATES as RUN_STATES

__all__ = ["responses"]


def _delivery() -> Schema:
    return obj(
        None,
        {
            "id": INT,
            "delivery_id": STR,
            "event_id": STR,
            "event_type": STR,
            "name": STR,
            "seq": INT,
            "run_id": NINT,
            "target": STR,
            "target_index": INT,
            "state": {"type": "string", "enum": list(DELIVERY_STATES)},
            "attempts": INT,
            "next_at": NNUM,
            "last_status": NINT,
            "last_error": NSTR,
            "possible_duplicates": INT,
            "created_at": NUM,
            "updated_at": NUM,
            "latency_ms": NNUM,
        },
    )


def _run() -> Schema:
    props: dict[str, Schema] = {
        "id": INT,
        "state": {"type": "string", "enum": list(RUN_STATES)},
        "scenario": STR,
        "scenario_source": {"type": "string", "enum": ["builtin", "document", "file"]},
        "scenario_file": NSTR,
        "seed": SEED,
        "events": NINT,
        "duration": NSTR,
        "sizes": {"type": ["object", "null"]},
        "pace": {"type": ["string", "number"]},
        "targets": {"type": "array", "items": STR},
        "ordering": STR,
        "chaos": OBJ,
        "retry_scale": NNUM,
        "scale_retry_after": {"type": ["boolean", "null"]},
        "rate": NNUM,
        "track_truth": {"type": ["boolean", "null"]},
        "api_key": STR,
        "rest_rate_limit": NINT,
        "spec": ANY,
        "accepted": INT,
        "counts": COUNTS,
        "settled": BOOL,
        "possible_duplicates": INT,
        "stop_requested": BOOL,
        "resumed": BOOL,
        "error": NSTR,
        "expected_available": BOOL,
        "expected": {"type": ["object", "null"]},
        "created_at": NUM,
        "updated_at": NUM,
        "finished_at": NNUM,
    }
    required = ["id", "state", "targets", "accepted", "counts", "settled", "stop_requested"]
    required += ["error", "expected_available", "created_at", "updated_at", "finished_at"]
    return obj(required, props)


def responses() -> dict[str, Schema]:
    """The answers' schemas."""
    delivery = _delivery()
    attempt = obj(
        None,
        {
            "n": INT,
            "at": NUM,
            "outcome": STR,
            "status": NINT,
            "error": NSTR,
            "latency_ms": NNUM,
            "response": NSTR,
            "chaos": {"type": ["object", "null"]},
            "wait": NNUM,
            "wait_from": {"enum": ["policy", "retry-after", None]},
        },
    )
    entry_props: dict[str, Schema] = {
        "name": STR,
        "event_type": STR,
        "section": STR,
        "event_resource": NSTR,
        "name_source": STR,
        "resource_source": STR,
        "sample_kind": STR,
        "shape_of": NSTR,
        "note": STR,
    }
    target_props: dict[str, Schema] = {
        "id": STR,
        "url": STR,
        "method": STR,
        "signing": SIGNING,
        "secret_count": INT,
        "retry": STR,
        "retry_description": STR,
        "event_types": {"type": ["array", "null"], "items": STR},
        "center_ids": {"type": ["array", "null"], "items": STR},
        "headers": {"type": "object", "additionalProperties": STR},
        "timeout": NUM,
        "retry_statuses": {"type": "array", "items": INT},
        "deactivate_after": INT,
        "content_type": NSTR,
        "ca_cert": NSTR,
        "insecure": BOOL,
        "active": BOOL,
        "consecutive_failures": INT,
        "deactivated_at": NNUM,
        "created_at": NUM,
        "updated_at": NUM,
    }
    target = obj(list(target_props), {**target_props, "counts": COUNTS})
    sink_call = obj(
        ["index", "method", "path", "event_id", "id", "status", "attempt", "duplicate"],
        {
            "index": INT,
            "method": STR,
            "path": STR,
            "event_id": ANY,
            "id": ANY,
            "event_type": ANY,
            "status": INT,
            "attempt": INT,
            "duplicate": BOOL,
            "signature_ok": {"type": ["boolean", "null"]},
            "reason": NSTR,
            "arrived_at": NUM,
            "payload": ANY,
        },
    )
    return {
        "Error": obj(
            ["error"],
            {
                "error": obj(
                    ["code", "message", "field"],
                    {
                        "code": STR,
                        "message": STR,
                        "field": NSTR,
                        "problems": {
                            "type": "array",
                            "items": obj(None, {"path": STR, "message": STR}),
                        },
                    },
                )
            },
        ),
        "Counts": COUNTS,
        "Health": obj(
            None,
            {"status": STR, "version": STR, "uptime": NUM, "auth": BOOL, "read_only": BOOL},
        ),
        "CatalogEntry": obj(None, entry_props),
        "CatalogList": obj(
            None, {"items": {"type": "array", "items": ref("CatalogEntry")}, "count": INT}
        ),
        "CatalogDetail": obj(
            None,
            {
                **entry_props,
                "schema": OBJ,
                "sample": OBJ,
                "sample_source": {"type": "string", "enum": ["documented", "generated"]},
                "example": OBJ,
            },
        ),
        "ScenarioList": obj(
            None,
            {
                "items": {
                    "type": "array",
                    "items": obj(None, {"name": STR, "description": STR, "endless": BOOL}),
                },
                "files": {"type": "array", "items": obj(None, {"path": STR, "description": STR})},
            },
        ),
        "Target": target,
        "TargetList": obj(None, {"items": {"type": "array", "items": ref("Target")}}),
        "Reactivated": obj(None, {"target": ref("Target"), "moved": INT, "discarded": BOOL}),
        "Ping": obj(
            None,
            {"outcome": STR, "status": NINT, "error": NSTR, "latency_ms": NUM, "response": NSTR},
        ),
        "EventResult": obj(
            None,
            {
                "event": OBJ,
                "event_id": STR,
                "event_type": STR,
                "name": STR,
                "seed": {"type": ["integer", "string", "null"]},
                "deliveries": {"type": "array", "items": ref("Delivery")},
            },
        ),
        "Run": _run(),
        "RunList": obj(
            None, {"items": {"type": "array", "items": ref("Run")}, "limit": INT, "offset": INT}
        ),
        "Expected": OBJ,
        "Delivery": delivery,
        "DeliveryList": obj(
            None,
            {
                "items": {"type": "array", "items": ref("Delivery")},
                "total": INT,
                "limit": INT,
                "offset": INT,
                "next_offset": NINT,
            },
        ),
        "DeliveryDetail": obj(
            [*delivery["required"], "attempt_log", "payload", "keys", "center_id", "request"],
            {
                **delivery["properties"],
                "request": {
                    "type": ["object", "null"],
                    "properties": {
                        "attempt": NINT,
                        "method": STR,
                        "url": STR,
                        "headers": {"type": "object", "additionalProperties": STR},
                        "settings_changed": BOOL,
                    },
                },
                "attempt_log": {"type": "array", "items": attempt},
                "payload": ANY,
                "keys": {"type": "array", "items": STR},
                "center_id": NSTR,
            },
        ),
        "EventList": obj(
            None,
            {
                "items": {
                    "type": "array",
                    "items": obj(
                        ["id", "run_id", "seq", "event_id", "envelope_id", "event_type", "name"],
                        {
                            "id": INT,
                            "run_id": NINT,
                            "seq": INT,
                            "event_id": NSTR,
                            "envelope_id": STR,
                            "event_type": NSTR,
                            "name": STR,
                            "center_id": NSTR,
                            "keys": {"type": "array", "items": STR},
                            "accepted_at": NUM,
                            "payload": ANY,
                        },
                    ),
                },
                "total": INT,
                "limit": INT,
                "offset": INT,
                "next_offset": NINT,
            },
        ),
        "Throughput": obj(
            None,
            {
                "seconds": INT,
                "items": {
                    "type": "array",
                    "items": obj(None, {"t": INT, "attempts_per_s": INT, "delivered_per_s": INT}),
                },
            },
        ),
        "Redelivered": obj(None, {"redelivered": INT}),
        "Discarded": obj(None, {"discarded": INT}),
        "Stats": obj(
            None,
            {
                "deliveries": COUNTS,
                "attempts": COUNTS,
                "events": INT,
                "runs": COUNTS,
                "targets": INT,
                "latency": OBJ,
                "live": OBJ,
            },
        ),
        "Sink": obj(None, {"name": STR, "url": STR, "settings": OBJ, "counts": COUNTS}),
        "SinkList": obj(None, {"items": {"type": "array", "items": ref("Sink")}}),
        "SinkAnswer": obj(None, {"ok": BOOL, "reason": NSTR}),
        "Received": obj(
            None,
            {
                "name": STR,
                "counts": COUNTS,
                "items": {"type": "array", "items": sink_call},
                "total": INT,
                "limit": INT,
                "offset": INT,
                "next_offset": NINT,
            },
        ),
    }
