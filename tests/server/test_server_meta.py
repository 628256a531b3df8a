"""``/health``, ``/catalog``, ``/catalog/{event_type}`` and ``/openapi.json``."""

from __future__ import annotations

import pytest
from server_support import Api

from mockzenoti import __version__
from mockzenoti.catalog import load_catalog
from mockzenoti.catalog.config import Settings
from mockzenoti.server.openapi import openapi_document
from mockzenoti.validation import validate


@pytest.mark.asyncio
async def test_health(api: Api) -> None:
    health = await api.call("GET", "/health")
    assert health["status"] == "ok" and health["version"] == __version__
    assert health["auth"] is False and health["uptime"] >= 0


@pytest.mark.asyncio
async def test_the_catalog_lists_every_event_type(api: Api) -> None:
    listed = await api.call("GET", "/catalog")
    names = [e["name"] for e in listed["items"]]
    assert listed["count"] == len(names) == 36 and names == load_catalog().names
    booking = next(e for e in listed["items"] if e["name"] == "Class.Booking.Created")
    assert booking["event_type"] == "Class.Booking.Created" and booking["section"]
    assert "schema" not in booking


@pytest.mark.asyncio
async def test_one_event_type_has_its_schema_sample_and_example(api: Api) -> None:
    entry = await api.call("GET", "/catalog/Invoice.Closed")
    assert entry["schema"]["properties"]["event_type"]["const"] == "Invoice.Closed"
    assert entry["sample_source"] == "documented"
    assert validate(entry["sample"]) == [] and validate(entry["example"]) == []
    undocumented = next(e for e in load_catalog() if e.sample is None)
    shown = await api.call("GET", f"/catalog/{undocumented.name}")
    assert shown["sample_source"] == "generated" and shown["sample"] == shown["example"]
    error = await api.error("GET", "/catalog/Invoice.Closd", expect=404)
    assert error["field"] == "event_type" and "Invoice.Closed" in error["message"]


@pytest.mark.asyncio
async def test_the_openapi_document_is_served(api: Api) -> None:
    served = await api.call("GET", "/openapi.json")
    assert served == openapi_document(load_catalog())
    generated = served["components"]["schemas"]["EventRequest"]["oneOf"][0]
    names = generated["properties"]["event_type"]["enum"]
    assert "Guest.Created" in names


@pytest.mark.asyncio
async def test_renamed_event_types_are_served_under_their_new_names() -> None:
    from server_support import running, settings

    inferred = next(e for e in load_catalog() if e.inferred)
    catalog = Settings(event_types={inferred.name: "Renamed.Type"}).load_catalog()
    async with running(settings(catalog=catalog)) as api:
        entry = await api.call("GET", "/catalog/Renamed.Type")
        assert entry["name"] == inferred.name and entry["event_type"] == "Renamed.Type"
        await api.target("a")
        sent = await api.call("POST", "/events", {"event_type": inferred.name}, expect=201)
        assert sent["event"]["event_type"] == "Renamed.Type"
