"""Bad input at the command line: refused with exit 2 naming the option, never a traceback.

No open bind by accident, bounded numbers, no empty outbox name, output folders
checked before any work, and deep or endless input files refused.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from cli_support import ThreadSink, invoke, run_process

from mockzenoti.sink import Sink


@pytest.mark.parametrize("command", ["serve", "sink"])
@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_listening_beyond_loopback_needs_a_token(command: str, host: str, tmp_path: Path) -> None:
    done = run_process(command, "--host", host, "--port", "0", cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "without a token" in done.stderr and "--token" in done.stderr
    assert "--insecure-no-token" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / ".mockzenoti").exists()  # refused before opening anything


@pytest.mark.parametrize("command", ["serve", "sink"])
def test_insecure_no_token_warns(command: str, tmp_path: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is never this machine's: the bind fails after the warning,
    # so nothing listens beyond loopback even for a moment
    done = run_process(
        command,
        "--host",
        "192.0.2.1",
        "--port",
        "0",
        "--insecure-no-token",
        *(("--outbox", ":memory:") if command == "serve" else ()),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert f"WARNING: {command} listens on 192.0.2.1 without a token" in done.stderr
    assert "cannot listen on 192.0.2.1" in done.stderr and "Traceback" not in done.stderr


def test_loopback_names_need_no_token() -> None:
    from mockzenoti.security.binds import check_bind, is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "", "192.0.2.1"))
    assert check_bind("0.0.0.0", "a-token", False, what="serve") is None


def test_the_standalone_sink_guards_what_it_received_with_its_token() -> None:
    async def scenario() -> tuple[int, int, int, int]:
        sink = Sink()
        url = await sink.start(token="t0ken")
        try:
            async with aiohttp.ClientSession() as session:
                async with session.post(url + "hook", json={"event_id": "e"}) as hook:
                    webhook = hook.status  # a sender cannot add a token: never asked for
                async with session.get(url + "received") as bare:
                    refused = bare.status
                async with session.get(
                    url + "received", headers={"Authorization": "Bearer wrong"}
                ) as wrong:
                    wrong_status = wrong.status
                async with session.get(url + "received?access_token=t0ken") as ok:
                    listed = ok.status
        finally:
            await sink.stop()
        return webhook, refused, wrong_status, listed

    assert asyncio.run(scenario()) == (200, 401, 401, 200)


@pytest.mark.parametrize(
    "args",
    [
        ("run", "class-lifecycle", "--url", "http://127.0.0.1:9/"),
        ("emit", "Guest.Created", "--url", "http://127.0.0.1:9/"),
        ("drain",),
        ("redeliver", "--all"),
        ("deliveries",),
        ("deliveries", "show", "1"),
        ("serve",),
    ],
)
def test_an_empty_outbox_name_is_refused(args: tuple[str, ...], tmp_path: Path) -> None:
    result = invoke(*args, "--outbox", "")
    assert result.exit_code == 2, result.output
    assert "--outbox" in result.output and "file name" in result.output
    assert list(tmp_path.iterdir()) == []  # no temporary database, no ./.lock


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--concurrency", "1000000000"), "--concurrency"),
        (("--concurrency", "10001"), "--concurrency"),
        (("--events", "1000000000"), "--events"),
        (("--timeout", "99999s"), "--timeout"),
        (("--retry-scale", "1e300"), "--retry-scale"),
        (("--rate", "1e300"), "--rate"),
        (("--pace", "1e300"), "--pace"),
        (("--chaos-reorder", "99999999"), "--chaos-reorder"),
        (("--chaos-delay", "999h"), "--chaos-delay"),
        (("--deactivate-after", "99999999999"), "--deactivate-after"),
        (("--seed", "x" * 300), "--seed"),
        (("--retry", ",".join(["1s"] * 51)), "--retry"),
        (("--url", "http://127.0.0.1:9/" + "x" * 9000), "--url"),
    ],
)
def test_numbers_beyond_their_range_are_refused(
    args: tuple[str, ...], option: str, tmp_path: Path
) -> None:
    result = invoke("run", "class-lifecycle", "--url", "http://127.0.0.1:9/", *args)
    assert result.exit_code == 2, result.output
    assert option in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("simulate", "class-lifecycle", "-n", "3", "--out", "/missing/dir/x.jsonl"),
        ("simulate", "class-lifecycle", "-n", "3", "--expect", "/missing/dir/t.json"),
        ("run", "class-lifecycle", "--url", "http://127.0.0.1:9/", "--report", "/missing/r.json"),
        ("run", "class-lifecycle", "--url", "http://127.0.0.1:9/", "--expect", "/missing/t.json"),
    ],
)
def test_a_missing_output_folder_is_named_before_any_work(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "no such directory" in result.output and "/missing/" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_same_run_is_not_sent_when_its_report_cannot_be_written(sink: ThreadSink) -> None:
    result = invoke(
        "run", "class-lifecycle", "-n", "3", "--url", sink.url, "--report", "/missing/r.json"
    )
    assert result.exit_code == 2 and sink.calls == []


@pytest.mark.parametrize("command", ["validate", "replay", "run", "simulate"])
def test_devices_and_deep_documents_are_refused(command: str, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("steps: " + "[" * 100_000 + "]" * 100_000)
    url = ("--url", "http://127.0.0.1:9/")
    for target in ("/dev/zero", str(deep), str(deep_yaml)):
        extra = url if command in ("replay", "run") else ()
        done = run_process(command, target, *extra, cwd=tmp_path, timeout=120)
        assert done.returncode in (1, 2), (target, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout, (target, done.stderr)
        if command != "validate":  # validate counts a bad document as invalid (exit 1)
            assert done.returncode == 2
