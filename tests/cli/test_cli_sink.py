"""``mockzenoti sink`` as a subprocess; the delivering commands import aiohttp only to run."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from cli_support import command, invoke, run_process, subprocess_env

from mockzenoti.testing.waiting import wait_until


def read_line(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    """The next stdout line of ``proc``, waiting at most ``timeout`` seconds."""
    out = proc.stdout
    assert out is not None
    wait_until(
        lambda: select.select([out], [], [], 0.05)[0],
        timeout=timeout,
        every=0,
        what="a line on stdout",
    )
    return out.readline()


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals and select on pipes")
def test_the_sink_command_receives_misbehaves_lists_and_sums_up(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        command("sink", "--port", "0", "--fail-first", "1", "--secret", "k", "--retry-after", "0"),
        cwd=tmp_path,
        env=subprocess_env(),
        text=True,
        bufsize=1,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        first = read_line(proc)
        assert first.startswith("listening on http://127.0.0.1:")
        url = first.split()[2]
        result = invoke(
            "run",
            "class-lifecycle",
            "--events",
            "5",
            "--url",
            url + "hook",
            "--secret",
            "k",
            "--retry",
            "fast",
            "--concurrency",
            "1",
        )
        assert result.exit_code == 0, result.output
        unsigned = invoke("emit", "Guest.Created", "--url", url, "--retry", "none")
        assert unsigned.exit_code == 1  # no --secret: the sink answers 401
        with urllib.request.urlopen(url + "received", timeout=10) as resp:
            listing = json.loads(resp.read())
        with urllib.request.urlopen(url + "received?since=10", timeout=10) as resp:
            tail = json.loads(resp.read())
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert listing["counts"] == {
        "calls": 11,
        "accepted": 5,
        "rejected": 6,
        "unique_events": 5,
        "duplicates": 0,
        "bad_signatures": 1,
        "forgotten": 0,
    }
    by_event: dict[str, list[tuple[int, int]]] = {}
    for c in listing["items"][:10]:
        by_event.setdefault(c["event_id"], []).append((c["attempt"], c["status"]))
    assert list(by_event.values()) == [[(1, 500), (2, 200)]] * 5
    assert listing["items"][-1]["signature_ok"] is False
    assert [c["index"] for c in tail["items"]] == [10]
    lines = out.splitlines()
    requests = [line for line in lines if " POST " in line]
    assert len(requests) == 11
    assert " 500 POST /hook Class." in requests[0] and "(fail_first)" in requests[0]
    assert sum(" 200 POST /hook " in r and "attempt=2 signature=ok" in r for r in requests) == 5
    assert "signature=BAD" in requests[-1]
    assert lines[-1] == (
        "received 11 requests: 5 accepted, 6 rejected; 5 distinct events, "
        "0 duplicates, 1 bad signatures"
    )


def test_the_sink_command_refuses_bad_options(tmp_path: Path) -> None:
    for args, named in [
        (("--signing", "standard"), "--signing"),
        (("--retry-after", "soon"), "--retry-after"),
        (("--fail-rate", "2"), "--fail-rate"),
        (("--fail-share", "-0.1"), "--fail-share"),
        (("--latency", "forever"), "--latency"),
        (("--signing", "standard", "--secret", "not base64!"), "--secret"),
    ]:
        done = run_process("sink", "--port", "0", *args, cwd=tmp_path, timeout=60)
        assert done.returncode == 2, done.stderr
        assert named in done.stderr


def test_the_delivering_commands_do_not_import_aiohttp_until_they_run() -> None:
    modules = [
        "run",
        "emit",
        "replay",
        "ping",
        "deliveries",
        "redeliver",
        "drain",
        "sink",
        "progress",
        "summary",
    ]
    code = (
        "import sys\n"
        + "".join(f"import mockzenoti.cli.{m}\n" for m in modules)
        + "sys.exit('aiohttp' in sys.modules)\n"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], env=subprocess_env(), timeout=60).returncode
        == 0
    )
    helped = subprocess.run(
        command("run", "--help"), env=subprocess_env(), capture_output=True, text=True, timeout=60
    )
    assert helped.returncode == 0 and "--chaos-duplicate" in helped.stdout


def test_a_run_to_plain_http_receivers_never_loads_aiohttp(sink, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Its requests go through the lean pool: aiohttp (0.3 s of start-up) is not imported."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('aiohttp loaded:', 'aiohttp' in sys.modules))\n"
        "from mockzenoti.cli import main\n"
        "sys.argv[0] = 'mockzenoti'\n"
        "main()\n"
    )
    run = ["run", "class-lifecycle", "--events", "20", "--seed", "1", "--again"]
    for client, loaded in (("auto", "False"), ("aiohttp", "True")):
        done = subprocess.run(
            [sys.executable, "-c", code, *run, "--url", sink.url, "--http-client", client],
            cwd=tmp_path,
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert f"aiohttp loaded: {loaded}" in done.stdout, (client, done.stdout)
