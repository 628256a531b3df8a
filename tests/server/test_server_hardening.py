"""The control API reads no server file by name, bounds what it is sent, leaks no password,
and resumes long runs without stalling (docs/security.md)."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from server_support import Api, running, settings

from mockzenoti.catalog.fixtures import fixtures_dir
from mockzenoti.delivery import Outbox
from mockzenoti.errors import ConfigError
from mockzenoti.security.limits import MAX_BODY, MAX_SCENARIO_BYTES
from mockzenoti.server import ServerSettings
from mockzenoti.server.keys import OUTBOX
from mockzenoti.server.runspec import RunSpec

STORY = "name: tiny\nsteps:\n  - create: guest\n    as: g\n  - opt-out: g\n  - delete: g\n"
SECRET_LINE = "root:$6$not-a-real-hash:19000:0:99999:7:::"


async def _refused(api: Api, scenario: str) -> dict[str, Any]:
    answer = await api.request("POST", "/runs", json_body={"scenario": scenario})
    assert answer.status == 403, (scenario, answer.status, answer.body[:300])
    assert SECRET_LINE.encode() not in answer.body and len(answer.body) < 400
    error: dict[str, Any] = answer.json["error"]
    assert error["code"] == "forbidden" and error["field"] == "scenario"
    assert "scenario_yaml" in error["message"] and "scenario-dir" in error["message"].replace(
        "scenario directory", "scenario-dir"
    )
    return error


@pytest.mark.asyncio
async def test_a_path_is_refused_without_reading_the_file(api: Api, tmp_path: Path) -> None:
    await api.target("a")
    shadow = tmp_path / "shadow.yaml"
    shadow.write_text(SECRET_LINE + "\n")
    example = fixtures_dir() / "scenarios" / "reschedule.yaml"  # a valid file: still refused
    for path in (
        str(shadow),
        "/dev/zero",
        "/etc/passwd",
        "../../etc/passwd",
        str(example),
        "reschedule.yaml",
    ):
        await _refused(api, path)
    assert (await api.call("GET", "/runs"))["items"] == []


@pytest.mark.asyncio
async def test_a_scenario_dir_allows_its_own_files_and_nothing_else(tmp_path: Path) -> None:
    allowed = tmp_path / "scenarios"
    allowed.mkdir()
    (allowed / "tiny.yaml").write_text(STORY)
    outside = tmp_path / "outside.yaml"
    outside.write_text(SECRET_LINE + "\n")
    (allowed / "link.yaml").symlink_to(outside)
    (allowed / "up").symlink_to(tmp_path)
    async with running(settings(scenario_dir=allowed)) as api:
        await api.target("a")
        for given in ("tiny.yaml", str(allowed / "tiny.yaml"), "./up/scenarios/tiny.yaml"):
            run = await api.call("POST", "/runs", {"scenario": given}, expect=201)
            assert run["scenario"] == "tiny" and run["scenario_source"] == "file"
            done = await api.wait_run(run["id"])
            assert done["state"] == "done" and done["counts"]["delivered"] == 3
        for escape in (
            "../outside.yaml",
            str(outside),
            "link.yaml",
            "up/outside.yaml",
            "/dev/zero",
        ):
            error = await _refused(api, escape)
            assert str(tmp_path) not in error["message"]
        missing = await api.error("POST", "/runs", {"scenario": "missing.yaml"}, expect=404)
        assert missing["field"] == "scenario"
        listed = await api.call("GET", "/scenarios")
        assert [f["path"] for f in listed["files"]] == ["tiny.yaml"]  # not the outbound link


def test_a_scenario_dir_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        ServerSettings(scenario_dir=tmp_path / "nope")
    assert caught.value.field == "scenario_dir"


@pytest.mark.asyncio
async def test_a_scenario_document_in_the_request_runs_and_is_bounded(api: Api) -> None:
    await api.target("a")
    run = await api.call("POST", "/runs", {"scenario_yaml": STORY, "seed": 3}, expect=201)
    assert run["scenario"] == "tiny" and run["scenario_source"] == "document"
    assert "scenario_yaml" not in run  # the text is kept with the run, not shown back
    assert (await api.wait_run(run["id"]))["counts"]["delivered"] == 3

    big = STORY + "# " + "x" * MAX_SCENARIO_BYTES + "\n"
    error = await api.error("POST", "/runs", {"scenario_yaml": big}, expect=413)
    assert error["field"] == "scenario_yaml" and f"{MAX_SCENARIO_BYTES:,}" in error["message"]

    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    started = time.perf_counter()
    error = await api.error("POST", "/runs", {"scenario_yaml": bomb}, expect=422)
    assert time.perf_counter() - started < 10
    assert error["field"] == "scenario_yaml" and "aliases are expanded" in error["message"]
    deep = "steps: " + "[" * 5000 + "]" * 5000
    error = await api.error("POST", "/runs", {"scenario_yaml": deep}, expect=422)
    assert "nested more than 64 levels deep" in error["message"]


@pytest.mark.asyncio
async def test_a_run_without_a_seed_gets_a_fresh_one(api: Api) -> None:
    await api.target("a")
    runs = [
        await api.call("POST", "/runs", {"scenario": "guest-lifecycle", "events": 2}, expect=201)
        for _ in range(2)
    ]
    seeds = [r["seed"] for r in runs]
    assert all(isinstance(s, int) and s >= 100_000_000 for s in seeds) and seeds[0] != seeds[1]


@pytest.mark.asyncio
async def test_a_body_too_large_is_a_clear_413(api: Api) -> None:
    answer = await api.request(
        "POST",
        "/targets",
        data=io.BytesIO(b'{"url": "' + b"x" * MAX_BODY + b'"}'),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 413
    assert answer.json["error"] == {
        "code": "body_too_large",
        "field": "body",
        "message": f"the body is larger than this server takes ({MAX_BODY:,} bytes at most)",
    }


@pytest.mark.asyncio
@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
async def test_deep_json_is_a_400_on_every_route_never_a_500(api: Api, depth: int) -> None:
    deep = ("[" * depth + "]" * depth).encode()
    nested = b'{"event_type": "Guest.Created", "overrides": {"x": ' + deep + b"}}"
    for method, path, body in (
        ("POST", "/targets", deep),
        ("POST", "/events", nested),
        ("POST", "/runs", b'{"scenario": "soak", "sizes": ' + deep + b"}"),
        ("POST", "/deliveries/redeliver", deep),
        ("PUT", "/sinks/s", deep),
        ("PATCH", "/targets/t", deep),
    ):
        answer = await api.request(
            method, path, data=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status in (400, 404), (path, answer.status, answer.body[:200])
        if answer.status == 400:
            assert answer.json["error"]["field"] == "body"
            assert "nested more than 64 levels deep" in answer.json["error"]["message"]
    received = await api.request(
        "POST", "/sink/s", data=deep, headers={"Content-Type": "application/json"}
    )
    assert received.status == 200  # a receiver records what it gets; it is not JSON it keeps
    assert api.sink("s").last is not None and api.sink("s").last.json is None


@pytest.mark.asyncio
async def test_url_passwords_are_shown_as_stars_and_kept(api: Api) -> None:
    url = f"http://hook:s3cr3t@127.0.0.1:{api.port}/sink/a"
    created = await api.call("POST", "/targets", {"id": "a", "url": url}, expect=201)
    shown = f"http://hook:****@127.0.0.1:{api.port}/sink/a"
    assert created["url"] == shown
    listed = await api.request("GET", "/targets")
    assert b"s3cr3t" not in listed.body and listed.json["items"][0]["url"] == shown
    # sending the shown URL back (with other changes) keeps the real password
    patched = await api.call("PATCH", "/targets/a", {"url": shown, "timeout": 5})
    assert patched["url"] == shown and patched["timeout"] == 5
    outbox = api.app[OUTBOX]
    assert (await outbox.call(outbox.get_target, "a")).target.url == url


@pytest.mark.asyncio
async def test_credential_headers_are_shown_as_stars_and_kept(api: Api) -> None:
    headers = {"Authorization": "Bearer t0ken", "X-Api-Key": "k3y", "X-Trace": "on"}
    created = await api.call(
        "POST", "/targets", {"id": "a", "url": api.sink_url("a"), "headers": headers}, expect=201
    )
    shown = {"Authorization": "****", "X-Api-Key": "****", "X-Trace": "on"}
    assert created["headers"] == shown
    patched = await api.call("PATCH", "/targets/a", {"headers": {**shown, "X-Trace": "off"}})
    assert patched["headers"] == {**shown, "X-Trace": "off"}
    outbox = api.app[OUTBOX]
    stored = (await outbox.call(outbox.get_target, "a")).target.headers
    assert stored == {**headers, "X-Trace": "off"}  # the credentials themselves were kept


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://127.0.0.1/" + "x" * 9000}, "url"),
        ({"url": "http://127.0.0.1/", "headers": {f"X-{i}": "1" for i in range(101)}}, "headers"),
        ({"url": "http://127.0.0.1/", "secret": ["s"] * 17}, "secret"),
        ({"url": "http://127.0.0.1/", "center_ids": ["c"] * 1001}, "center_ids"),
        ({"url": "http://127.0.0.1/", "timeout": 3601}, "timeout"),
        ({"url": "http://127.0.0.1/", "retry": ",".join(["1s"] * 51)}, "retry"),
    ],
)
async def test_target_fields_have_bounds(api: Api, body: dict[str, Any], field: str) -> None:
    error = await api.error("POST", "/targets", body, expect=422)
    assert error["field"] == field


@pytest.mark.asyncio
async def test_a_restarted_server_resumes_a_long_run_without_stalling(tmp_path: Path) -> None:
    """The events a previous process accepted are simulated again off the event loop."""
    accepted = 20_000
    outbox = str(tmp_path / "outbox.sqlite")
    async with running(settings(outbox=outbox)) as api:
        port = api.port
        await api.target("a")
    spec = RunSpec(scenario="soak", seed=1, events=accepted + 10, targets=["a"])
    with Outbox(outbox) as box:  # a run a killed server left: 20,000 events accepted
        run, _ = box.start_run(spec.to_spec(), ["a"])
        with box.db.transaction() as c:
            c.execute("UPDATE runs SET accepted = ? WHERE id = ?", (accepted, run.id))
    async with running(settings(outbox=outbox), port) as api:
        latencies: list[float] = []  # of each request: /health, then the run's progress
        while True:
            started = time.perf_counter()
            await api.call("GET", "/health")
            latencies.append(time.perf_counter() - started)
            started = time.perf_counter()
            view = await api.call("GET", f"/runs/{run.id}")
            latencies.append(time.perf_counter() - started)
            if view["state"] != "running" or len(latencies) > 100_000:
                break
        assert view["state"] == "done" and view["resumed"] is True
        assert view["accepted"] == accepted + 10 and view["counts"]["delivered"] == 10
        assert len(latencies) >= 10, "the resume ended before /health was asked: not measured"
        assert max(latencies) < 0.5, f"the API stalled {max(latencies):.2f} s during the resume"


@pytest.mark.asyncio
async def test_a_run_another_tool_left_shows_no_password(tmp_path: Path) -> None:
    outbox = str(tmp_path / "outbox.sqlite")
    url = "http://hook:s3cr3t@127.0.0.1:9/hook"
    spec = {
        "command": "run",
        "seed": "1",
        "targets": [{"url": url, "name": url, "secrets": ["sha256:0123456789abcdef"]}],
    }
    with Outbox(outbox) as box:
        run, _ = box.start_run(spec, [url])
        box.finish_run(run.id, {})
    async with running(settings(outbox=outbox, resume_runs=False)) as api:
        answer = await api.request("GET", "/runs")
    assert answer.status == 200 and b"s3cr3t" not in answer.body
    (target,) = answer.json["items"][0]["spec"]["targets"]
    assert target["url"] == "http://hook:****@127.0.0.1:9/hook" and target["secrets"] == 1
