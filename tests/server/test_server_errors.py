"""Every error is JSON ``{"error": {"code", "message", "field"}}``; the optional bearer token."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web
from server_support import Api, running, settings

from mockzenoti.server import create_app
from mockzenoti.server.auth import is_open
from mockzenoti.server.bodies import Fields


@pytest.mark.asyncio
async def test_unknown_routes_and_methods_are_json(api: Api) -> None:
    error = await api.error("GET", "/nowhere", expect=404)
    assert error["code"] == "not_found" and "/nowhere" in error["message"]
    answer = await api.request("DELETE", "/health")
    assert answer.status == 405 and answer.json["error"]["code"] == "method_not_allowed"
    assert "GET" in answer.headers["Allow"]


@pytest.mark.asyncio
async def test_bad_bodies_are_400_or_422_naming_the_field(api: Api) -> None:
    answer = await api.request("POST", "/targets", data="{not json")
    assert answer.status == 400 and answer.json["error"]["code"] == "bad_json"
    assert answer.json["error"]["field"] == "body"
    answer = await api.request("POST", "/targets", data="")
    assert answer.status == 400 and answer.json["error"]["code"] == "missing_body"
    error = await api.error("POST", "/targets", [1, 2], expect=422)
    assert error["field"] == "body" and "array" in error["message"]
    error = await api.error("POST", "/targets", {"url": 7}, expect=422)
    assert error["field"] == "url" and "string" in error["message"]
    error = await api.error("POST", "/targets", {"url": "http://x/", "retyr": "fast"}, expect=422)
    assert (error["code"], error["field"]) == ("unknown_field", "retyr")
    assert "retry" in error["message"]  # the closest known field is suggested
    error = await api.error("GET", "/deliveries?limit=abc", expect=422)
    assert error["field"] == "limit"
    error = await api.error("GET", "/deliveries?limit=", expect=422)
    assert error["field"] == "limit"


@pytest.mark.asyncio
async def test_a_bug_answers_a_json_500_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(settings())

    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("the secret internals")

    app.router.add_get("/boom", boom)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        import aiohttp

        url = f"http://127.0.0.1:{runner.addresses[0][1]}/boom"
        with caplog.at_level(logging.ERROR, logger="mockzenoti.server"):
            async with aiohttp.ClientSession() as session, session.get(url) as resp:
                body = await resp.json()
                assert resp.status == 500
        assert body["error"]["code"] == "internal"
        assert "secret internals" not in str(body) and "Traceback" not in str(body)
        assert any("the secret internals" in r.getMessage() or r.exc_info for r in caplog.records)
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_token_is_required_everywhere_but_health_and_the_receivers() -> None:
    async with running(settings(token="s3cret")) as api:
        api.token = None
        assert (await api.request("GET", "/health")).status == 200
        guarded = [
            "/targets",
            "/openapi.json",
            "/stream",
            "/metrics",
            "/stats",
            "/sinks",
            "/runs/1",
        ]
        for method, path in [("GET", p) for p in guarded] + [("POST", "/events")]:
            error = await api.error(method, path, expect=401)
            assert error["code"] == "unauthorized"
        answer = await api.request("GET", "/targets", headers={"Authorization": "Bearer nope"})
        assert answer.status == 401 and answer.json["error"]["message"] == "the token is wrong"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        ok = await api.request("GET", "/targets", headers={"Authorization": "Bearer s3cret"})
        assert ok.status == 200
        assert (await api.request("GET", "/targets?access_token=s3cret")).status == 200
        # A webhook sender cannot add a token: the receivers stay open ...
        assert (await api.request("POST", "/sink/open", json_body={"x": 1})).status == 200
        # ... but reading what arrived needs it.
        assert (await api.request("GET", "/sink/open/received")).status == 401
        api.token = "s3cret"
        received = await api.call("GET", "/sink/open/received")
        assert received["total"] == 1


def test_open_routes() -> None:
    assert is_open("GET", "/health")
    assert is_open("POST", "/sink/a") and is_open("PUT", "/sink/a")
    assert not is_open("GET", "/sink/a/received")
    assert not is_open("POST", "/sink/a/b") and not is_open("GET", "/targets")


def test_fields_refuse_wrong_types_naming_nested_fields() -> None:
    from mockzenoti.server.errors import ApiError

    body = Fields({"chaos": {"delay": "soon"}})
    chaos = body.mapping("chaos")
    assert chaos is not None
    with pytest.raises(ApiError) as info:
        chaos.number("delay")
    assert info.value.field == "chaos.delay" and info.value.status == 422
    with pytest.raises(ApiError) as info:
        Fields({"n": True}).integer("n")
    assert "whole number" in info.value.message  # a boolean is not a number
