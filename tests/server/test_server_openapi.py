"""The OpenAPI document: valid, equal to the routes both ways, and honoured (schemathesis).

Schemathesis generates requests for every operation (valid ones, that must
be accepted, and invalid ones, that must be refused with a 4xx), sends them
to a server on 127.0.0.1 and applies every check it has: never a 5xx (the
sink receivers excepted: answering 5xx on purpose is their job), a
documented status, content type, headers and body schema, 405 with the right
``Allow`` for methods a path lacks. ``/v1``, Zenoti's REST API, too: with a
finished run's key, valid requests naming ids of its world. The examples are
bounded per operation. Requests that would reach beyond the machine or run
for long are kept small and local by ``_keep_local`` without making a
refused request valid; valid bodies name the target that exists
(``_meaningful``).
"""

from __future__ import annotations

import json
import math
import re
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from aiohttp import web
from jsonschema import Draft202012Validator
from schemathesis.checks import CHECKS
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi import checks as openapi_checks  # noqa: F401 (registers them)
from server_thread import ServerThread

from mockzenoti.catalog import load_catalog
from mockzenoti.generator import generate
from mockzenoti.server import ServerSettings, create_app
from mockzenoti.server.openapi import openapi_document
from mockzenoti.testing.waiting import wait_until

DOC = openapi_document(load_catalog())
METHODS = ("get", "put", "post", "patch", "delete")
LOCAL = "http://127.0.0.1:{port}/sink/fuzz"


def _app_routes(app: web.Application) -> set[tuple[str, str]]:
    out = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if route.method in ("HEAD",) or path is None:
            continue
        out.add((route.method.lower(), re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path)))
    return out


def test_paths_and_methods_equal_the_routes_both_ways() -> None:
    documented = {(m, p) for p, item in DOC["paths"].items() for m in item if m in METHODS}
    routes = _app_routes(create_app(ServerSettings(outbox=":memory:")))
    assert documented - routes == set(), "documented but not served"
    assert routes - documented == set(), "served but not documented"


def test_the_document_is_well_formed() -> None:
    assert DOC["openapi"].startswith("3.1")
    refs = set(re.findall(r'"#/components/(\w+)/(\w+)"', str(DOC).replace("'", '"')))
    for kind, name in refs:
        assert name in DOC["components"][kind], f"dangling reference {kind}/{name}"
    for name, schema in DOC["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name
    for path, item in DOC["paths"].items():
        declared_in_path = set(re.findall(r"\{(\w+)\}", path))
        for method, operation in item.items():
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert params == declared_in_path, (method, path)
            assert operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                assert status == "default" or 200 <= int(status) < 500, (path, status)
                assert "$ref" in response or "description" in response


# -- schemathesis ------------------------------------------------------------------------------

FUZZ_TARGET = "fuzz"
STORY = "name: tiny\nsteps:\n  - create: guest\n    as: g\n  - opt-out: g\n"


FUZZ_KEY = "fuzz-run-key-0001"
#: Ids of the fuzz run's world, put in /v1 paths of valid requests (random ids are 404s).
REAL_IDS: dict[str, str] = {}


def _json(method: str, url: str, body: Any = None, key: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"apikey {key}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """A server for the whole module (schemathesis calls it synchronously), with one target
    and a finished run whose /v1 the /v1 operations call (``REAL_IDS``: ids of its world)."""
    with ServerThread(heartbeat=0.2) as server:
        base = server.base
        answer = requests.post(
            f"{base}/targets",
            json={"id": FUZZ_TARGET, "url": LOCAL.format(port=server.port), "retry": "none"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        run = _json(
            "POST",
            f"{base}/runs",
            {"scenario": "appointment-lifecycle", "seed": 3, "events": 40, "api_key": FUZZ_KEY},
        )
        wait_until(
            lambda: _json("GET", f"{base}/runs/{run['id']}?expected=false")["state"] == "done",
            timeout=30,
            what="the fuzz run to finish",
        )
        center = _json("GET", f"{base}/v1/centers", key=FUZZ_KEY)["centers"][0]["id"]
        guest = _json("GET", f"{base}/v1/guests/search?center_id={center}", key=FUZZ_KEY)
        guest_id = guest["guests"][0]["id"]
        visit = _json("GET", f"{base}/v1/guests/{guest_id}/appointments", key=FUZZ_KEY)
        first = visit["appointments"][0]
        REAL_IDS.update(
            center_id=center,
            guest_id=guest_id,
            appointment_id=first["appointment_id"],
            appointment_group_id=first["appointment_group_id"],
            invoice_id=first["invoice_id"],
        )
        yield base


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 12, "mode": "all"},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(openapi_document(load_catalog()), config=CONFIG)
SAMPLE = generate("Guest.Created", seed=1).payload


def _http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        return False


def _smaller(value: Any, limit: float, valid_up_to: float) -> Any:
    """``value`` lowered to ``limit`` if it is a valid number (up to ``valid_up_to``)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return min(value, limit) if ok and 0 < value <= valid_up_to else value


def _keep_local(case: Any, port: int) -> None:
    """Point generated targets at the server's own sink; keep runs, waits and streams short."""
    body, path = case.body, case.operation.path
    if isinstance(body, dict):
        if path in ("/targets", "/targets/{id}") and _http_url(body.get("url")):
            body["url"] = LOCAL.format(port=port)
        if path == "/runs":
            if isinstance(body.get("events"), int) and not isinstance(body["events"], bool):
                body["events"] = _smaller(body["events"], 20, 100_000_000)
            elif "events" not in body:
                body["events"] = 20
        if path == "/sinks/{name}" and "latency" in body:
            body["latency"] = _smaller(body["latency"], 0.01, 600)
    if path == "/stream":
        query = dict(case.query or {})
        query["duration"] = _smaller(query.get("duration", 0.2), 0.2, 86400)
        case.query = query


def _meaningful(case: Any) -> None:
    """A valid body whose values also mean something on this server (no schema can say so).

    Targets named in a request are the one that exists; overrides are none (a
    path must exist in the event); a whole payload is a documented-valid one;
    a scenario document is a scenario; a world's sizes fit each other.
    Each stays valid under the schema, so the case is still checked as a valid
    request that must be accepted.
    """
    if case.meta is None or case.meta.is_negative_at(ParameterLocation.BODY):
        return
    body, path = case.body, case.operation.path
    if not isinstance(body, dict):
        return
    if "targets" in body and path in ("/events", "/runs"):
        body["targets"] = [FUZZ_TARGET]
    if "ca_cert" in body and path in ("/targets", "/targets/{id}"):
        body["ca_cert"] = None  # a certificate authority's PEM is more than a pattern says
    if path == "/events":
        if "overrides" in body:
            body["overrides"] = {}
        if "payload" in body:
            body["payload"] = dict(SAMPLE)
    if path == "/runs" and "scenario_yaml" in body:
        body["scenario_yaml"] = STORY
    sizes = body.get("sizes") if path == "/runs" else None
    if isinstance(sizes, dict):  # sizes that depend on each other, which no schema says:
        if "centers" in sizes:
            sizes["centers"] = 1  # how many centers fit in the countries asked for
        if "clientele" in sizes:
            sizes["clientele"] = 0  # the guests from before the stream are part of the pool


def _v1(case: Any) -> None:
    """/v1 calls carry the fuzz run's key; valid ones name ids of its world."""
    if not case.operation.path.startswith(("/v1/", "/api/")):
        return
    headers = dict(case.headers or {})
    if "Authorization" in headers:  # absent: the case checks that a missing key is refused
        headers["Authorization"] = f"apikey {FUZZ_KEY}"
    case.headers = headers
    negative = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
    if case.path_parameters and not negative:
        case.path_parameters = {
            name: REAL_IDS.get(name, value) for name, value in case.path_parameters.items()
        }


RECEIVER = "/sink/{name}"
CHECKED = [CHECKS.get_one(name) for name in CHECKS.get_all_names() if name != "not_a_server_error"]


def test_every_check_schemathesis_has_is_applied() -> None:
    names = set(CHECKS.get_all_names())
    assert {
        "positive_data_acceptance",
        "negative_data_rejection",
        "unsupported_method",
        "allow_header_conformance",
        "not_a_server_error",
    } <= names
    assert len(CHECKED) == len(names) - 1


@pytest.mark.slow
@schema.parametrize()
def test_every_operation_honours_the_document(case: Any, base_url: str) -> None:
    port = int(base_url.rsplit(":", 1)[1])
    _keep_local(case, port)
    _meaningful(case)
    _v1(case)
    checks = list(CHECKED)
    if case.operation.path != RECEIVER:
        checks.append(CHECKS.get_one("not_a_server_error"))
    case.call_and_validate(base_url=base_url, checks=checks, timeout=10)
