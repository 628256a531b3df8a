"""``GET /metrics`` (Prometheus text, parsed here) and ``GET /stats``."""

from __future__ import annotations

import re

import pytest
from server_support import Api, eventually

SAMPLE = re.compile(
    r'^([a-z_:][a-z0-9_:]*)(\{([a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*)?\})? (-?[0-9.e+-]+|\+Inf)$'
)


def parse(text: str) -> tuple[dict[str, str], dict[tuple[str, str], float]]:
    """Families' types and every sample, checking each line against the exposition format."""
    types: dict[str, str] = {}
    samples: dict[tuple[str, str], float] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge", "histogram"), line
            assert name not in types, f"{name} declared twice"
            types[name] = kind
        elif line.startswith("# HELP ") or not line:
            continue
        else:
            match = SAMPLE.match(line)
            assert match, f"not a sample line: {line!r}"
            name, labels = match.group(1), match.group(3) or ""
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            assert name in types or base in types, f"{name} has no TYPE"
            samples[(name, labels)] = float(match.group(5))
    return types, samples


@pytest.mark.asyncio
async def test_metrics_count_events_attempts_runs_and_depth(api: Api) -> None:
    await api.target("a")
    await api.call("PUT", "/sinks/a", {"fail_first": 1}, expect=201)
    for _ in range(2):
        await api.call("POST", "/events", {"event_type": "Guest.Created"}, expect=201)
    run = await api.call("POST", "/runs", {"scenario": "guest-lifecycle", "events": 5}, expect=201)
    await api.wait_run(run["id"])

    async def all_delivered() -> bool:
        return (await api.call("GET", "/stats"))["deliveries"]["delivered"] == 7

    await eventually(all_delivered)
    answer = await api.request("GET", "/metrics")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/plain")
    types, samples = parse(answer.body.decode())
    assert types["mockzenoti_events_generated_total"] == "counter"
    assert samples[("mockzenoti_events_generated_total", "")] == 7
    assert samples[("mockzenoti_events_posted_total", "")] == 2
    assert samples[("mockzenoti_attempts_total", 'outcome="success"')] == 7
    assert samples[("mockzenoti_attempts_total", 'outcome="server_error"')] == 7
    assert samples[("mockzenoti_active_runs", "")] == 0
    assert samples[("mockzenoti_runs", 'state="done"')] == 1
    assert samples[("mockzenoti_outbox_deliveries", 'state="delivered"')] == 7
    assert samples[("mockzenoti_queue_depth", "")] == 0
    assert types["mockzenoti_attempt_latency_seconds"] == "histogram"
    buckets = [
        v for (n, _), v in samples.items() if n == "mockzenoti_attempt_latency_seconds_bucket"
    ]
    assert buckets == sorted(buckets) and buckets[-1] == 14
    assert samples[("mockzenoti_attempt_latency_seconds_bucket", 'le="+Inf"')] == 14
    assert samples[("mockzenoti_attempt_latency_seconds_count", "")] == 14
    latency = (await api.call("GET", "/stats"))["latency"]  # from the outbox: a page loaded late
    assert latency["count"] == 14 and 0 < latency["p50"] <= latency["p99"] <= latency["max"]


@pytest.mark.asyncio
async def test_active_runs_while_a_run_delivers(api: Api) -> None:
    await api.target("a")
    run = await api.call(
        "POST", "/runs", {"scenario": "class-lifecycle", "pace": "realtime"}, expect=201
    )
    _, samples = parse((await api.request("GET", "/metrics")).body.decode())
    assert samples[("mockzenoti_active_runs", "")] == 1
    assert samples[("mockzenoti_runs", 'state="running"')] == 1
    stats = await api.call("GET", "/stats")
    assert stats["runs"]["running"] == 1 and stats["targets"] == 1
    await api.call("DELETE", f"/runs/{run['id']}", expect=202)
    await api.wait_run(run["id"])


@pytest.mark.asyncio
async def test_throughput_and_latencies_are_read_back_from_the_outbox(api: Api) -> None:
    await api.target("a")
    await api.call("PUT", "/sinks/a", {"fail_first": 1}, expect=201)
    run = await api.call("POST", "/runs", {"scenario": "guest-lifecycle", "events": 6}, expect=201)
    await api.wait_run(run["id"])
    history = await api.call("GET", "/stats/throughput?seconds=30")
    items = history["items"]
    assert history["seconds"] == 30 and len(items) == 30
    assert [i["t"] for i in items] == list(range(items[0]["t"], items[0]["t"] + 30))
    # every attempt of the run is in the last 30 s: 6 refused, then 6 delivered
    assert sum(i["attempts_per_s"] for i in items) == 12
    assert sum(i["delivered_per_s"] for i in items) == 6
    listed = (await api.call("GET", "/deliveries?order=desc&limit=3"))["items"]
    assert all(isinstance(d["latency_ms"], float) and d["latency_ms"] >= 0 for d in listed)
    bad = await api.error("GET", "/stats/throughput?seconds=0", expect=422)
    assert bad["field"] == "seconds"


@pytest.mark.asyncio
async def test_stats_counts_and_live_counters_describe_one_moment(api: Api) -> None:
    # The page shows outbox + (live now - live then): the outbox must hold, at least,
    # every change the live counters of the same answer had seen (the engines commit first).
    await api.target("a")
    run = await api.call(
        "POST", "/runs", {"scenario": "day-in-the-life", "events": 300}, expect=201
    )
    samples = 0
    while (await api.call("GET", f"/runs/{run['id']}"))["state"] == "running" and samples < 200:
        stats = await api.call("GET", "/stats")
        live = stats["live"]["states"]
        assert stats["deliveries"]["delivered"] >= live.get("delivered", 0), stats
        samples += 1
    assert samples > 0


def test_a_baseline_tally_adds_the_live_counts_to_settled_states() -> None:
    import asyncio

    from mockzenoti.delivery import Hub
    from mockzenoti.server.tally import BaselineTally

    hub = Hub()
    hub.metrics.states.update(delivered=3, retrying=1, dead=1)
    counts, live = asyncio.run(BaselineTally({"delivered": 5, "pending": 2, "dead": 1}, hub)())
    assert (counts["delivered"], counts["dead"], counts["retrying"], counts["pending"]) == (
        8,
        2,
        1,
        0,
    )
    assert live["states"] == {"delivered": 3, "retrying": 1, "dead": 1}
