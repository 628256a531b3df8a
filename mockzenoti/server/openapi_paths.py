"""The OpenAPI document's paths: every route, its parameters, body and answers."""

from __future__ import annotations

from typing import Any

from mockzenoti.delivery.outbox import STATES as DELIVERY_STATES
from mockzenoti.server.openapi_ops import (
    DELIVERY_ID,
    LIMIT,
    OFFSET,
    RUN_ID,
    SINK_NAME,
    SSE_EVENT,
    TARGET_ID,
    op,
    path_param,
    query_param,
    receiver,
)
from mockzenoti.server.openapi_schemas import ref
from mockzenoti.server.patterns import END, comma_list
from mockzenoti.server.routes_stream import STREAM_TYPES
from mockzenoti.server.runstate import STATES as RUN_STATES

__all__ = ["paths"]


def paths() -> dict[str, Any]:
    """Every path and operation of the API."""
    text = {"type": "string"}
    state_query = query_param(
        "state",
        {"type": "string", "pattern": comma_list(DELIVERY_STATES)},
        "States, comma-separated: " + ", ".join(DELIVERY_STATES),
    )
    run_query = {"type": "string", "pattern": "^[0-9]{0,18}" + END}
    return {
        "/": {
            "get": op(
                "The live page (HTML; open without a token, docs/live-page.md).",
                "meta",
                (200, text, "text/html"),
                auth=False,
            )
        },
        "/health": {
            "get": op("Liveness (never needs a token).", "meta", (200, ref("Health")), auth=False)
        },
        "/catalog": {"get": op("Every event type.", "catalog", (200, ref("CatalogList")))},
        "/catalog/{event_type}": {
            "get": op(
                "One event type: schema, sample, a generated example.",
                "catalog",
                (200, ref("CatalogDetail")),
                errors=(404,),
                params=(path_param("event_type", {"type": "string"}, "A catalog or wire name."),),
            )
        },
        "/scenarios": {
            "get": op(
                "Built-in scenarios and the files under --scenario-dir.",
                "runs",
                (200, ref("ScenarioList")),
            )
        },
        "/stats": {"get": op("Outbox-wide counts.", "meta", (200, ref("Stats")))},
        "/stats/throughput": {
            "get": op(
                "Attempts and deliveries per second over the last seconds, from the attempt log.",
                "meta",
                (200, ref("Throughput")),
                errors=(422,),
                params=(
                    query_param(
                        "seconds", {"type": "integer", "minimum": 1, "maximum": 3600}, "Window."
                    ),
                ),
            )
        },
        "/metrics": {"get": op("Prometheus text format.", "meta", (200, text, "text/plain"))},
        "/openapi.json": {"get": op("This document.", "meta", (200, {"type": "object"}))},
        "/stream": {
            "get": op(
                "Server-sent events: changes, snapshots, run progress (docs/api.md).",
                "stream",
                (200, SSE_EVENT, "text/event-stream"),
                errors=(422,),
                params=(
                    query_param(
                        "types",
                        {"type": "string", "pattern": comma_list(STREAM_TYPES)},
                        "Event names to receive, comma-separated.",
                    ),
                    query_param(
                        "duration",
                        {"type": "number", "exclusiveMinimum": 0, "maximum": 86400},
                        "Close the stream after this many seconds.",
                    ),
                ),
            )
        },
        "/targets": {
            "post": op(
                "Create a target (only url is required).",
                "targets",
                (201, ref("Target")),
                errors=(403, 409),
                body="TargetCreate",
            ),
            "get": op("Every target.", "targets", (200, ref("TargetList"))),
        },
        "/targets/{id}": {
            "get": op(
                "One target with its deliveries by state.",
                "targets",
                (200, ref("Target")),
                errors=(404,),
                params=(TARGET_ID,),
            ),
            "patch": op(
                "Change settings; activate or deactivate.",
                "targets",
                (200, ref("Target")),
                errors=(403, 404),
                body="TargetPatch",
                params=(TARGET_ID,),
            ),
            "delete": op(
                "Delete a target (409 while it has undelivered deliveries).",
                "targets",
                (204, None),
                errors=(404, 409),
                params=(TARGET_ID,),
            ),
        },
        "/targets/{id}/reactivate": {
            "post": op(
                "Activate; deliver (or discard) held deliveries.",
                "targets",
                (200, ref("Reactivated")),
                errors=(404,),
                body="Reactivate",
                body_required=False,
                params=(TARGET_ID,),
            ),
        },
        "/targets/{id}/ping": {
            "post": op(
                "Zenoti's test button: an empty POST to the URL.",
                "targets",
                (200, ref("Ping")),
                errors=(404,),
                params=(TARGET_ID,),
            ),
        },
        "/events": {
            "post": op(
                "Emit one event (type and overrides, or a full payload).",
                "events",
                (201, ref("EventResult")),
                errors=(409,),
                body="EventRequest",
            ),
            "get": op(
                "Accepted events, filtered and paged.",
                "events",
                (200, ref("EventList")),
                errors=(422,),
                params=(
                    query_param("run", {"type": "string", "pattern": "^[0-9]{0,18}$"}, "Run id."),
                    query_param("event_type", {"type": "string"}, "Wire event type."),
                    LIMIT,
                    OFFSET,
                    query_param("order", {"type": "string", "enum": ["asc", "desc"]}, "By number."),
                    query_param("payloads", {"type": "boolean"}, "Include each envelope."),
                ),
            ),
        },
        "/runs": {
            "post": op(
                "Start a scenario run (a built-in, a document, or a file under --scenario-dir).",
                "runs",
                (201, ref("Run")),
                errors=(403, 404, 409),
                body="RunRequest",
            ),
            "get": op(
                "Runs, newest first.",
                "runs",
                (200, ref("RunList")),
                errors=(422,),
                params=(
                    query_param(
                        "state",
                        {"type": "string", "enum": list(RUN_STATES)},
                        "Only runs in this state.",
                    ),
                    LIMIT,
                    OFFSET,
                ),
            ),
        },
        "/runs/{id}": {
            "get": op(
                "One run (with its expected final state once finished).",
                "runs",
                (200, ref("Run")),
                errors=(404, 422),
                params=(
                    RUN_ID,
                    query_param(
                        "expected",
                        {"type": "boolean"},
                        "Include the expected state (default true).",
                    ),
                ),
            ),
            "delete": op(
                "Stop a run: no more events; those accepted are delivered.",
                "runs",
                (202, ref("Run")),
                errors=(404,),
                params=(RUN_ID,),
                also=(200,),
            ),
        },
        "/runs/{id}/expected": {
            "get": op(
                "The run's expected final state (docs/truth.md).",
                "runs",
                (200, ref("Expected")),
                errors=(404, 409),
                params=(RUN_ID,),
            ),
        },
        "/deliveries": {
            "get": op(
                "Deliveries, filtered and paged.",
                "deliveries",
                (200, ref("DeliveryList")),
                errors=(422,),
                params=(
                    state_query,
                    query_param("event_type", {"type": "string"}, "Wire event type."),
                    query_param("run", run_query, "Run id."),
                    query_param("run_id", run_query, "Run id (alias of run)."),
                    query_param("target", {"type": "string"}, "Target id."),
                    query_param("event_id", {"type": "string"}, "Envelope event_id."),
                    query_param("delivery_id", {"type": "string"}, "Envelope id."),
                    LIMIT,
                    OFFSET,
                    query_param("order", {"type": "string", "enum": ["asc", "desc"]}, "By number."),
                ),
            ),
        },
        "/deliveries/{id}": {
            "get": op(
                "One delivery with every attempt.",
                "deliveries",
                (200, ref("DeliveryDetail")),
                errors=(404,),
                params=(DELIVERY_ID,),
            ),
        },
        "/deliveries/{id}/body": {
            "get": op(
                "The exact bytes sent.",
                "deliveries",
                (200, {}),
                errors=(404,),
                params=(DELIVERY_ID,),
            ),
        },
        "/deliveries/redeliver": {
            "post": op(
                "Redeliver dead or held deliveries by ids or filter (force: delivered ones too, "
                "by ids or state delivered).",
                "deliveries",
                (200, ref("Redelivered")),
                body="Redeliver",
                body_required=False,
            ),
        },
        "/deliveries/discard": {
            "post": op(
                "Discard held deliveries by ids or filter.",
                "deliveries",
                (200, ref("Discarded")),
                body="Discard",
                body_required=False,
            ),
        },
        "/sinks": {"get": op("Every sink.", "sinks", (200, ref("SinkList")))},
        "/sinks/{name}": {
            "get": op("One sink.", "sinks", (200, ref("Sink")), errors=(404,), params=(SINK_NAME,)),
            "put": op(
                "Create a sink or replace its settings.",
                "sinks",
                (200, ref("Sink")),
                errors=(409,),
                body="SinkSettings",
                body_required=False,
                params=(SINK_NAME,),
                also=(201,),
            ),
            "delete": op(
                "Delete a sink.", "sinks", (204, None), errors=(404,), params=(SINK_NAME,)
            ),
        },
        "/sinks/{name}/reset": {
            "post": op(
                "Forget what a sink received.",
                "sinks",
                (200, ref("Sink")),
                errors=(404,),
                params=(SINK_NAME,),
            ),
        },
        "/sink/{name}/received": {
            "get": op(
                "What a sink received, duplicates marked.",
                "sinks",
                (200, ref("Received")),
                errors=(404, 422),
                params=(
                    SINK_NAME,
                    LIMIT | {"schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
                    OFFSET,
                    query_param(
                        "since",
                        {"type": "integer", "minimum": 0},
                        "Only requests from this index on.",
                    ),
                    query_param("payloads", {"type": "boolean"}, "Include payloads."),
                ),
            ),
        },
        "/sink/{name}": {method: receiver() for method in ("post", "put", "patch")},
    }
