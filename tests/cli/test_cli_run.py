"""``mockzenoti run``: delivery to a real sink, exit codes, the report and truth files, the spec."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import ThreadSink, invoke

from mockzenoti import jsonfast
from mockzenoti.delivery import Outbox
from mockzenoti.scenarios import load_scenario
from mockzenoti.scenarios.truth import truth_bytes


def stream(name: str = "class-lifecycle", seed: str = "7", events: int = 40) -> list[bytes]:
    return [e.body() for e in load_scenario(name).simulate(seed, events=events)]


def without_id(body: bytes) -> dict[str, Any]:
    payload: dict[str, Any] = jsonfast.loads(body)
    payload.pop("id")
    return payload


def test_a_run_delivers_every_event_and_exits_0(sink: ThreadSink, tmp_path: Path) -> None:
    result = invoke(
        "run",
        "class-lifecycle",
        "--seed",
        "7",
        "--events",
        "40",
        "--url",
        sink.url,
        "--report",
        "report.json",
        "--expect",
        "truth.json",
    )
    assert result.exit_code == 0, result.output
    assert sorted(sink.bodies()) == sorted(stream())
    assert "run 1 finished: all 40 deliveries delivered" in result.stdout
    for row in ("deliveries", "attempts", "latency", "throughput", "outbox"):
        assert f"  {row} " in result.stdout
    assert ".mockzenoti/outbox.sqlite (run 1)" in result.stdout
    assert (tmp_path / ".mockzenoti" / "outbox.sqlite").is_file()

    sim = load_scenario("class-lifecycle").simulate("7", events=40, track_truth=True)
    list(sim)
    assert (tmp_path / "truth.json").read_bytes() == truth_bytes(sim.expected())
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] is True and report["interrupted"] is False
    assert report["counts"]["delivered"] == 40 and report["deliveries"] == 40
    assert report["attempts"] == {"total": 40, "by_outcome": {"success": 40}}
    latency = report["latency_ms"]
    assert latency["count"] == 40
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]
    assert report["accepted"] == 40 and report["resumed"] is False and report["skipped"] == 0
    assert report["events_per_s"] > 0 and report["duration_s"] > 0
    assert report["dead"] == [] and report["held"] == [] and report["possible_duplicates"] == 0
    assert report["expected"] == json.loads(truth_bytes(sim.expected()))
    assert report["spec"]["scenario"] == "class-lifecycle" and report["spec"]["seed"] == "7"


def test_the_same_seed_gives_the_events_simulate_prints(sink: ThreadSink) -> None:
    simulated = invoke("simulate", "day-in-the-life", "--seed", "11", "--events", "60")
    assert simulated.exit_code == 0
    lines = simulated.stdout.encode().splitlines()
    result = invoke(
        "run",
        "day-in-the-life",
        "--seed",
        "11",
        "--events",
        "60",
        "--url",
        sink.url + "first",
        "--url",
        f"second={sink.url}second",
    )
    assert result.exit_code == 0, result.output
    first, second = sink.bodies("/first"), sink.bodies("/second")
    assert sorted(first) == sorted(lines)  # byte for byte, id included
    assert sorted(map(json.dumps, map(without_id, second))) == sorted(
        map(json.dumps, map(without_id, lines))
    )
    assert not {jsonfast.loads(b)["id"] for b in first} & {jsonfast.loads(b)["id"] for b in second}


@pytest.mark.parametrize("offload", ["on", "off"])
def test_the_world_in_a_helper_process_or_not_sends_the_same_bytes(
    sink: ThreadSink, tmp_path: Path, offload: str
) -> None:
    result = invoke(
        "run",
        "day-in-the-life",
        "--seed",
        "3",
        "--events",
        "300",
        "--url",
        sink.url,
        "--offload",
        offload,
        "--expect",
        "truth.json",
    )
    assert result.exit_code == 0, result.output
    sim = load_scenario("day-in-the-life").simulate("3", events=300, track_truth=True)
    assert sorted(sink.bodies()) == sorted(e.body() for e in sim)
    assert (tmp_path / "truth.json").read_bytes() == truth_bytes(sim.expected())


@pytest.mark.parametrize("client", ["auto", "aiohttp"])
def test_either_http_client_delivers_the_same_requests(sink: ThreadSink, client: str) -> None:
    result = invoke(
        "run",
        "class-lifecycle",
        "--seed",
        "7",
        "--events",
        "40",
        "--url",
        sink.url,
        "--secret",
        "s",
        "--http-client",
        client,
    )
    assert result.exit_code == 0, result.output
    assert sorted(sink.bodies()) == sorted(stream())
    for call in sink.calls:
        assert call.headers["Content-Type"] == "application/json"
        assert call.headers["User-Agent"].startswith("mockzenoti/")
        assert call.headers["zenoti-webhook-signature"].startswith("sha256 =")
        assert int(call.headers["Content-Length"]) == len(call.body)


def test_a_sink_failing_everything_with_no_retries_exits_1(
    sink_factory: Any, tmp_path: Path
) -> None:
    failing = sink_factory(status=500)
    result = invoke(
        "run",
        "class-lifecycle",
        "--events",
        "5",
        "--url",
        failing.url,
        "--retry",
        "none",
        "--report",
        "r.json",
    )
    assert result.exit_code == 1
    assert len(failing.calls) == 5
    assert "run 1 finished with 5 dead" in result.stdout
    assert "mockzenoti redeliver --run 1 --state dead" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["ok"] is False and report["counts"]["dead"] == 5
    assert {d["last_status"] for d in report["dead"]} == {500}
    assert report["attempts"]["by_outcome"] == {"server_error": 5}


def test_a_deactivated_target_leaves_the_rest_held_and_exits_1(sink_factory: Any) -> None:
    failing = sink_factory(status=503)
    result = invoke(
        "run",
        "class-lifecycle",
        "--events",
        "30",
        "--url",
        failing.url,
        "--retry",
        "none",
        "--deactivate-after",
        "3",
        "--concurrency",
        "1",
        "--report",
        "r.json",
    )
    assert result.exit_code == 1
    assert len(failing.calls) == 3  # the target was deactivated after 3 dead in a row
    assert "3 dead, 27 held" in result.stdout
    assert f"inactive    {failing.url}" in result.stdout
    assert "--state held --reactivate" in result.stdout
    report = json.loads(Path("r.json").read_text())
    assert report["inactive_targets"] == [failing.url] and len(report["held"]) == 27

    # a new run (another seed) starts with the target active again
    failing.configure(status=200)
    again = invoke(
        "run",
        "class-lifecycle",
        "--seed",
        "2",
        "--events",
        "5",
        "--url",
        failing.url,
        "--deactivate-after",
        "3",
    )
    assert again.exit_code == 0, again.output
    assert f"target {failing.url} was inactive" in again.stderr


def test_retries_signing_chaos_and_filters_reach_the_wire(sink_factory: Any) -> None:
    strict = sink_factory(secrets=("s3cret",), fail_first=1)
    result = invoke(
        "run",
        "class-lifecycle",
        "-s",
        "7",
        "--events",
        "20",
        "--url",
        strict.url,
        "--secret",
        "s3cret",
        "--retry",
        "fast",
        "--chaos-duplicate",
        "1",
        "--ordering",
        "per-entity",
        "--event-type",
        "Class.Booking.Created",
        "--method",
        "put",
        "--header",
        "X-Test: yes",
        "--report",
        "r.json",
    )
    assert result.exit_code == 0, result.output
    calls = strict.calls
    bookings = [
        b for b in stream(events=20) if jsonfast.loads(b)["event_type"] == "Class.Booking.Created"
    ]
    assert bookings and len(calls) == 3 * len(bookings)  # a failure, a success, a duplicate
    assert all(c.signature_ok for c in calls)
    assert {c.method for c in calls} == {"PUT"}
    assert {c.headers["X-Test"] for c in calls} == {"yes"}
    assert sum(c.duplicate for c in calls) == len(bookings)
    report = json.loads(Path("r.json").read_text())
    assert report["deliveries"] == len(bookings) and report["accepted"] == 20


def test_a_finished_command_run_again_without_a_seed_is_a_new_run_with_fresh_ids(
    sink: ThreadSink,
) -> None:
    args = ("run", "class-lifecycle", "--events", "5", "--url", sink.url)
    first = invoke(*args)
    assert first.exit_code == 0
    again = invoke(*args, "--concurrency", "2")
    assert again.exit_code == 0
    assert "run 2 finished" in again.stdout and "resumed" not in again.stdout
    with Outbox(".mockzenoti/outbox.sqlite", exclusive=False) as box:
        runs = box.list_runs()
    assert [r.state for r in runs] == ["finished", "finished"]
    seeds = [r.spec.pop("seed") for r in runs]
    assert seeds[0] != seeds[1]  # fresh seeds ...
    assert runs[0].spec == runs[1].spec  # ... of the same command (concurrency is not in it)
    ids = [jsonfast.loads(b)["event_id"] for b in sink.bodies()]
    assert len(ids) == 10 and len(set(ids)) == 10  # nothing sent twice
    for result, seed in zip((again, first), seeds, strict=True):
        assert f"seed {seed}: add --seed {seed} to repeat" in result.stderr


def test_a_memory_outbox_keeps_nothing(sink: ThreadSink, tmp_path: Path) -> None:
    result = invoke(
        "run", "class-lifecycle", "--events", "3", "--url", sink.url, "--outbox", ":memory:"
    )
    assert result.exit_code == 0
    assert ":memory: (kept nothing)" in result.stdout
    assert not (tmp_path / ".mockzenoti").exists()


@pytest.mark.parametrize(
    ("args", "named", "said"),
    [
        (("--retry", "sometimes"), "--retry", "unknown retry policy"),
        (("--retry", "1s,soon"), "--retry", "soon"),
        (("--pace", "warp"), "--pace", "warp"),
        (("--chaos-delay", "lots"), "--chaos-delay", "lots"),
        (("--chaos-duplicate", "2"), "--chaos-duplicate", "2"),
        (("--header", "nocolon"), "--header", "NAME:VALUE"),
        (("--header", "Content-Type: text/plain"), "--header", "set by the sender"),
        (("--signing", "standard"), "--secret", "secret"),
        (("--event-type", "Class.Booking.Create"), "--event-type", "Class.Booking.Created"),
        (("--method", "GET"), "--method", "GET"),
        (("--duration", "soon"), "--duration", "soon"),
        (("--centers", "100"), "--centers", "centers"),
        (("--timeout", "0"), "--timeout", "timeout"),
        (("--http-client", "httpx"), "--http-client", "httpx"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    sink: ThreadSink, args: tuple[str, ...], named: str, said: str
) -> None:
    result = invoke("run", "class-lifecycle", "--events", "3", "--url", sink.url, *args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr and said in result.stderr
    assert sink.calls == []


def test_bad_scenarios_and_urls_exit_2(sink: ThreadSink) -> None:
    endless = invoke("run", "soak", "--url", sink.url)
    assert endless.exit_code == 2
    assert "--events" in endless.stderr and "--duration" in endless.stderr
    unknown = invoke("run", "day-in-the-lif", "--url", sink.url, "--events", "3")
    assert unknown.exit_code == 2 and "day-in-the-life" in unknown.stderr
    no_url = invoke("run", "class-lifecycle", "--events", "3")
    assert no_url.exit_code == 2 and "--url" in no_url.stderr
    bad_url = invoke("run", "class-lifecycle", "--events", "3", "--url", "ftp://x/")
    assert bad_url.exit_code == 2 and "[--url]" in bad_url.stderr
    twice = invoke("run", "class-lifecycle", "--events", "3", "--url", sink.url, "--url", sink.url)
    assert twice.exit_code == 2 and "--url" in twice.stderr
    assert sink.calls == []


def test_a_soak_runs_with_a_limit(sink: ThreadSink) -> None:
    result = invoke("run", "soak", "--events", "25", "--url", sink.url, "--seed", "0")
    assert result.exit_code == 0, result.output
    assert len(sink.bodies()) == 25
    assert sorted(sink.bodies()) == sorted(stream("soak", "0", 25))


def test_a_scenario_file_is_identified_by_its_content(sink: ThreadSink, tmp_path: Path) -> None:
    story = tmp_path / "story.yaml"
    story.write_text("steps:\n  - create: guest\n    as: g\n  - opt-out: g\n  - delete: g\n")
    # one guest's three events: per-entity ordering makes their arrival order certain
    result = invoke(
        "run", str(story), "--url", sink.url, "--report", "r.json", "--ordering", "per-entity"
    )
    assert result.exit_code == 0, result.output
    assert [jsonfast.loads(b)["event_type"] for b in sink.bodies()] == [
        "Guest.Created",
        "Guest.OptedOut",
        "Guest.Deleted",
    ]
    spec = json.loads(Path("r.json").read_text())["spec"]
    digest = hashlib.sha256(story.read_bytes()).hexdigest()
    assert spec["source"] == {"file": str(story.resolve()), "sha256": digest}


def test_an_outbox_in_use_exits_2(sink: ThreadSink) -> None:
    with Outbox("busy.sqlite"):
        result = invoke(
            "run", "class-lifecycle", "--events", "3", "--url", sink.url, "--outbox", "busy.sqlite"
        )
    assert result.exit_code == 2
    assert "in use by another process" in result.stderr and "[--outbox]" in result.stderr
    assert sink.calls == []


def test_output_files_in_a_missing_directory_are_refused_first(sink: ThreadSink) -> None:
    for option in ("--report", "--expect"):
        result = invoke(
            "run",
            "class-lifecycle",
            "--events",
            "3",
            "--url",
            sink.url,
            option,
            "no/such/dir/out.json",
        )
        assert result.exit_code == 2 and option in result.stderr
    assert sink.calls == []


def test_engine_options_reach_the_delivery_options() -> None:
    from mockzenoti.cli._delivery_settings import DeliverySettings

    settings = DeliverySettings(
        urls=("http://x/",),
        concurrency=3,
        rate=50.0,
        ordering="per-entity",
        chaos_duplicate=0.5,
        chaos_reorder=4,
        chaos_delay=0.25,
        pace=60.0,
        retry_scale=0.001,
        http_client="aiohttp",
    )
    options = settings.options(seed=9)
    assert options.http_client == "aiohttp"
    assert (options.concurrency, options.rate, options.ordering, options.pace) == (
        3,
        50.0,
        "per-entity",
        60.0,
    )
    assert (options.chaos.duplicate, options.chaos.reorder, options.chaos.delay) == (0.5, 4, 0.25)
    assert (options.retry_scale, options.seed) == (0.001, 9)


def test_timeout_and_center_filters_reach_the_wire(sink_factory: Any) -> None:
    slow = sink_factory(latency=1.0)
    result = invoke(
        "run",
        "class-lifecycle",
        "--events",
        "2",
        "--url",
        slow.url,
        "--timeout",
        "50ms",
        "--retry",
        "none",
        "--report",
        "r.json",
    )
    assert result.exit_code == 1
    assert json.loads(Path("r.json").read_text())["attempts"]["by_outcome"] == {"timeout": 2}

    fast = sink_factory()
    events = list(load_scenario("day-in-the-life").simulate("3", events=80))
    center = events[0].center_id
    assert center is not None
    result = invoke(
        "run", "day-in-the-life", "-s", "3", "--events", "80", "--url", fast.url, "--center", center
    )
    assert result.exit_code == 0
    wanted = sorted(e.body() for e in events if e.center_id == center)
    assert 0 < len(wanted) < 80 and sorted(fast.bodies()) == wanted
