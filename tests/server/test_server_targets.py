"""``/targets``: create (only url required), validate naming the field, list, patch, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_support import Api, eventually


@pytest.mark.asyncio
async def test_only_url_is_required_and_defaults_are_zenotis(api: Api) -> None:
    target = await api.call("POST", "/targets", {"url": api.sink_url("a")}, expect=201)
    assert target["id"].startswith("tgt-")
    assert target["method"] == "POST" and target["signing"] == "none"
    assert target["retry"] == "zenoti" and target["active"] is True
    assert target["timeout"] == 10 and target["deactivate_after"] == 20
    listed = await api.call("GET", "/targets")
    assert [t["id"] for t in listed["items"]] == [target["id"]]
    one = await api.call("GET", f"/targets/{target['id']}")
    assert one["counts"]["delivered"] == 0 and one["url"] == api.sink_url("a")


@pytest.mark.asyncio
async def test_every_setting_is_kept_and_secrets_are_not_shown(api: Api) -> None:
    body = {
        "id": "orders",
        "url": api.sink_url("orders"),
        "method": "PUT",
        "secret": "whsec_" + "QUJDREVGR0hJSktMTU5PUA==",
        "signing": "standard",
        "retry": "1s,5s,30s",
        "event_types": ["Guest.Created", "Invoice.Closed"],
        "center_ids": ["c1"],
        "headers": {"X-Tenant": "acme"},
        "timeout": 2.5,
        "retry_statuses": [409],
        "deactivate_after": 3,
    }
    target = await api.call("POST", "/targets", body, expect=201)
    assert target["id"] == "orders" and target["method"] == "PUT"
    assert target["signing"] == "standard" and target["secret_count"] == 1
    assert "secret" not in target and "whsec_" not in str(target)
    assert target["retry"] == "1s,5s,30s" and target["event_types"] == [
        "Guest.Created",
        "Invoice.Closed",
    ]
    assert target["center_ids"] == ["c1"] and target["headers"] == {"X-Tenant": "acme"}
    assert (target["timeout"], target["retry_statuses"], target["deactivate_after"]) == (
        2.5,
        [409],
        3,
    )
    rotated = await api.call(
        "PATCH", "/targets/orders", {"secret": ["whsec_" + "QUJD", "whsec_" + "REVG"]}
    )
    assert rotated["secret_count"] == 2
    error = await api.error("POST", "/targets", {**body, "url": api.sink_url("x")}, expect=409)
    assert error["field"] == "id"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "url"),
        ({"url": "ftp://example.com/"}, "url"),
        ({"url": "http://127.0.0.1/", "retry": "sometimes"}, "retry"),
        ({"url": "http://127.0.0.1/", "signing": "zenoti"}, "secret"),
        ({"url": "http://127.0.0.1/", "signing": "pgp", "secret": "x"}, "signing"),
        ({"url": "http://127.0.0.1/", "signing": "standard", "secret": "not-base64!"}, "secret"),
        ({"url": "http://127.0.0.1/", "method": "GET"}, "method"),
        ({"url": "http://127.0.0.1/", "event_types": ["Guest.Craeted"]}, "event_types[0]"),
        ({"url": "http://127.0.0.1/", "event_types": []}, "event_types"),
        ({"url": "http://127.0.0.1/", "headers": {"Content-Type": "x"}}, "headers"),
        ({"url": "http://127.0.0.1/", "headers": {"Bad Name": "x"}}, "headers.Bad Name"),
        ({"url": "http://127.0.0.1/", "headers": {"X": "a\nb"}}, "headers.X"),
        ({"url": "http://127.0.0.1/", "timeout": 0}, "timeout"),
        ({"url": "http://127.0.0.1/", "retry_statuses": [200]}, "retry_statuses"),
        ({"url": "http://127.0.0.1/", "deactivate_after": -1}, "deactivate_after"),
        ({"url": "http://127.0.0.1/", "id": "has space"}, "id"),
        ({"url": "http://127.0.0.1/", "active": "yes"}, "active"),
    ],
)
@pytest.mark.asyncio
async def test_bad_settings_are_422_naming_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    error = await api.error("POST", "/targets", body, expect=422)
    assert error["field"] == field, error
    assert (await api.call("GET", "/targets"))["items"] == []


@pytest.mark.asyncio
async def test_unknown_event_type_filter_suggests_the_closest(api: Api) -> None:
    error = await api.error(
        "POST",
        "/targets",
        {"url": "http://127.0.0.1/", "event_types": ["Guest.Craeted"]},
        expect=422,
    )
    assert "Guest.Created" in error["message"]


@pytest.mark.asyncio
async def test_missing_targets_are_404(api: Api) -> None:
    for method, path in [
        ("GET", "/targets/nope"),
        ("PATCH", "/targets/nope"),
        ("DELETE", "/targets/nope"),
        ("POST", "/targets/nope/reactivate"),
        ("POST", "/targets/nope/ping"),
    ]:
        error = await api.error(method, path, {} if method == "PATCH" else None, expect=404)
        assert error["field"] == "id"


@pytest.mark.asyncio
async def test_patch_changes_settings_and_the_engine_uses_them(api: Api) -> None:
    await api.target("a")
    patched = await api.call("PATCH", "/targets/a", {"url": api.sink_url("b"), "retry": "none"})
    assert patched["url"] == api.sink_url("b") and patched["retry"] == "none"
    await api.call("POST", "/events", {"event_type": "Guest.Created", "seed": 1}, expect=201)
    await api.sink("b").wait_for(1)
    assert api.sink("a").call_count == 0
    error = await api.error("PATCH", "/targets/a", {"retry": "often"}, expect=422)
    assert error["field"] == "retry"
    error = await api.error("PATCH", "/targets/a", {"discard": True}, expect=422)
    assert error["field"] == "discard"


@pytest.mark.asyncio
async def test_deactivated_targets_hold_events_until_reactivated(api: Api) -> None:
    await api.target("a")
    off = await api.call("PATCH", "/targets/a", {"active": False})
    assert off["active"] is False and off["deactivated_at"] is not None
    await api.call("POST", "/events", {"event_type": "Guest.Created", "targets": ["a"]}, expect=201)
    await api.call("POST", "/events", {"event_type": "Guest.Updated", "targets": ["a"]}, expect=201)
    held = await api.call("GET", "/deliveries?state=held")
    assert held["total"] == 2 and api.sink("a").call_count == 0
    on = await api.call("PATCH", "/targets/a", {"active": True})
    assert on["active"] is True
    await api.sink("a").wait_for(2)

    async def delivered() -> bool:
        return (await api.call("GET", "/targets/a"))["counts"]["delivered"] == 2

    await eventually(delivered)


@pytest.mark.asyncio
async def test_reactivate_can_discard_what_was_held(api: Api) -> None:
    await api.target("a", active=False)
    await api.call("POST", "/events", {"event_type": "Guest.Created", "targets": ["a"]}, expect=201)
    result = await api.call("POST", "/targets/a/reactivate", {"discard": True})
    assert result["moved"] == 1 and result["discarded"] is True and result["target"]["active"]
    assert (await api.call("GET", "/deliveries?state=discarded"))["total"] == 1
    assert api.sink("a").call_count == 0
    again = await api.call("POST", "/targets/a/reactivate")  # no body: deliver, nothing held
    assert again["moved"] == 0


@pytest.mark.asyncio
async def test_delete_is_refused_while_deliveries_are_pending(api: Api) -> None:
    await api.target("a", active=False)
    await api.call("POST", "/events", {"event_type": "Guest.Created", "targets": ["a"]}, expect=201)
    error = await api.error("DELETE", "/targets/a", expect=409)
    assert error["code"] == "conflict" and "undelivered" in error["message"]
    await api.call("POST", "/deliveries/discard", {"target": "a"})
    answer = await api.request("DELETE", "/targets/a")
    assert answer.status == 204 and answer.body == b""
    assert (await api.call("GET", "/targets"))["items"] == []
    recreated = await api.target("a")  # the id is free again, and starts active
    assert recreated["active"] is True


@pytest.mark.asyncio
async def test_ping_sends_an_empty_unsigned_post(api: Api) -> None:
    await api.target("a", secret="s3")
    result = await api.call("POST", "/targets/a/ping")
    assert result["outcome"] == "success" and result["status"] == 200
    call = api.sink("a").last
    assert call is not None and call.body == b"" and "zenoti-webhook-signature" not in call.headers


@pytest.mark.asyncio
async def test_ping_reports_a_target_that_does_not_answer(api: Api) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    await api.call(
        "POST", "/targets", {"id": "gone", "url": f"http://127.0.0.1:{port}/"}, expect=201
    )
    result = await api.call("POST", "/targets/gone/ping")
    assert result["outcome"] == "connection" and result["status"] is None and result["error"]


@pytest.mark.asyncio
async def test_an_https_target_with_its_ca_content_type_and_insecure(
    api: Api, tmp_path: Path
) -> None:
    from tls_support import make_ca

    from mockzenoti.sink import Sink

    ca = make_ca(tmp_path)
    async with Sink() as receiver:
        await receiver.stop()  # serve it again with TLS
        url = await receiver.start(ssl_context=ca.server_context)
        body = {
            "id": "tls",
            "url": url,
            "retry": "none",
            "ca_cert": str(ca.pem),
            "content_type": None,
            "deactivate_after": 0,
        }
        created = await api.call("POST", "/targets", body, expect=201)
        assert (created["ca_cert"], created["insecure"], created["content_type"]) == (
            str(ca.pem),
            False,
            None,
        )
        sent = await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
        await receiver.wait_for(1)
        assert receiver.calls[0].status == 200 and "Content-Type" not in receiver.calls[0].headers
        # without the CA, the certificate is refused and the attempt says why
        await api.call("PATCH", "/targets/tls", {"ca_cert": None})
        sent = await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
        number = sent["deliveries"][0]["id"]

        async def dead() -> bool:
            return (await api.call("GET", f"/deliveries/{number}"))["state"] == "dead"

        await eventually(dead)
        error = (await api.call("GET", f"/deliveries/{number}"))["attempt_log"][0]["error"]
        assert "certificate" in error.lower()
        await api.call("PATCH", "/targets/tls", {"insecure": True, "content_type": "text/plain"})
        await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
        await receiver.wait_for(2)
        assert receiver.calls[1].headers["Content-Type"] == "text/plain"


@pytest.mark.asyncio
async def test_target_url_and_ca_cert_mistakes_are_named(api: Api, tmp_path: Path) -> None:
    bad_url = await api.error("POST", "/targets", {"url": "localhost:8000/hook"}, expect=422)
    assert bad_url["field"] == "url"
    assert "did you mean http://localhost:8000/hook?" in bad_url["message"]
    missing = await api.error(
        "POST",
        "/targets",
        {"url": "https://127.0.0.1:9/", "ca_cert": str(tmp_path / "no.pem")},
        expect=422,
    )
    assert missing["field"] == "ca_cert" and "no.pem" in missing["message"]
    both = await api.error(
        "POST",
        "/targets",
        {"url": "https://127.0.0.1:9/", "ca_cert": __file__, "insecure": True},
        expect=422,
    )
    assert both["field"] == "ca_cert"
