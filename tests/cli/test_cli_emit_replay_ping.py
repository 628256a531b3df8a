"""``emit``, ``replay`` and ``ping`` against a real sink."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli_support import ThreadSink, invoke

from mockzenoti.generator import generate
from mockzenoti.scenarios import load_scenario


def test_emit_delivers_the_event_generate_makes(sink: ThreadSink) -> None:
    result = invoke(
        "emit",
        "Guest.Created",
        "--seed",
        "4",
        "--url",
        sink.url,
        "--set",
        "data.personal_info.first_name=Ada",
    )
    assert result.exit_code == 0, result.output
    event = generate("Guest.Created", seed="4", overrides={"data.personal_info.first_name": "Ada"})
    assert sink.bodies() == [event.body()]
    lines = result.stdout.splitlines()
    assert lines[0] == f"Guest.Created event_id={event.event_id} id={event.id}"
    assert lines[1].startswith(f"{sink.url}: delivered after 1 attempt(s), last 200")
    assert "attempt 1 to" in result.stderr


def test_emit_retries_per_policy_and_prints_each_attempt(sink_factory: Any) -> None:
    flaky = sink_factory(fail_first=2)
    result = invoke("emit", "Class.Booking.Created", "--url", flaky.url, "--retry", "fast")
    assert result.exit_code == 0
    assert [c.status for c in flaky.calls] == [500, 500, 200]
    lines = result.stderr.splitlines()
    attempts = [line.split(": ")[1] for line in lines if line.startswith("  attempt ")]
    assert result.stderr.count("waiting ") == 2  # before attempts 2 and 3
    assert [a.split()[0] for a in attempts] == ["500", "500", "200"]


def test_emit_exits_1_when_not_delivered_and_2_for_bad_input(sink_factory: Any) -> None:
    failing = sink_factory(status=410)
    result = invoke("emit", "Class.Booking.Created", "--url", failing.url)
    assert result.exit_code == 1
    assert len(failing.calls) == 1  # a 410 is not retried
    assert ": dead after 1 attempt(s), last 410" in result.stdout
    unknown = invoke("emit", "Class.Booking.Create", "--url", failing.url)
    assert unknown.exit_code == 2 and "EVENT_TYPE" in unknown.stderr
    bad_set = invoke("emit", "Guest.Created", "--url", failing.url, "--set", "data.nope=1")
    assert bad_set.exit_code == 2 and "[--set]" in bad_set.stderr
    no_equals = invoke("emit", "Guest.Created", "--url", failing.url, "--set", "data.code")
    assert no_equals.exit_code == 2 and "--set" in no_equals.stderr
    assert len(failing.calls) == 1


def test_replay_sends_a_simulated_file_byte_for_byte(sink: ThreadSink, tmp_path: Path) -> None:
    assert (
        invoke(
            "simulate",
            "appointment-lifecycle",
            "-s",
            "3",
            "--events",
            "30",
            "--out",
            "events.jsonl",
        ).exit_code
        == 0
    )
    lines = (tmp_path / "events.jsonl").read_bytes().splitlines()
    result = invoke(
        "replay", "events.jsonl", "--url", sink.url, "--concurrency", "1", "--report", "r.json"
    )
    assert result.exit_code == 0, result.output
    assert sink.bodies() == lines  # one at a time: in file order
    assert json.loads((tmp_path / "r.json").read_text())["spec"]["command"] == "replay"
    # a changed file is a new run; the same file again is a new run once finished
    with (tmp_path / "events.jsonl").open("ab") as fh:
        fh.write(lines[0] + b"\n")
    again = invoke("replay", "events.jsonl", "--url", sink.url)
    assert again.exit_code == 0 and "run 2 finished: all 31 deliveries" in again.stdout


def test_replay_refuses_a_bad_line_and_sends_nothing(sink: ThreadSink, tmp_path: Path) -> None:
    good = [e.body() for e in load_scenario("class-lifecycle").simulate("1", events=3)]
    for number, bad in ((2, b'{"event_type": "X"'), (3, b"[1, 2]"), (4, b'{"id": "a"}')):
        lines = [*good[: number - 1], bad, *good[number - 1 :]]
        (tmp_path / "bad.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        result = invoke("replay", "bad.jsonl", "--url", sink.url)
        assert result.exit_code == 2, result.output
        assert f"line {number}:" in result.stderr and "FILE" in result.stderr
    (tmp_path / "empty.jsonl").write_bytes(b"\n\n")
    empty = invoke("replay", "empty.jsonl", "--url", sink.url)
    assert empty.exit_code == 2 and "no events" in empty.stderr
    paced = b'{"id":"a","event_id":"b","event_type":"X","data":{}}\n'
    (tmp_path / "paced.jsonl").write_bytes(paced)
    no_time = invoke("replay", "paced.jsonl", "--url", sink.url, "--pace", "60")
    assert no_time.exit_code == 2 and "line 1" in no_time.stderr
    assert sink.calls == []


def test_ping_sends_an_empty_unsigned_post(sink_factory: Any) -> None:
    ok = sink_factory(secrets=("s",))  # a signed sink: the empty ping is not checked
    result = invoke("ping", "--url", ok.url + "hook", "--header", "X-Env: ci")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{ok.url}hook: 200 in ") and "(success)" in result.stdout
    call = ok.calls[0]
    assert (call.method, call.body, call.headers["X-Env"]) == ("POST", b"", "ci")
    assert "zenoti-webhook-signature" not in call.headers
    per_event = sink_factory(fail_first=3)  # failing events' first attempts is not about pings
    assert invoke("ping", "--url", per_event.url).exit_code == 0
    failing = sink_factory(status=503)
    assert invoke("ping", "--url", failing.url).exit_code == 1
    refused = invoke("ping", "--url", "http://127.0.0.1:9/")
    assert refused.exit_code == 1 and "(connection)" in refused.stdout
    assert invoke("ping", "--url", "nope").exit_code == 2
