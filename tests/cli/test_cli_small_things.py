"""Small things users hit: misspelt commands, ``MOCKZENOTI_URL``, default ports, completion."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cli_support import ThreadSink, command, invoke, subprocess_env

from mockzenoti.cli.serve import serve_command
from mockzenoti.cli.sink import sink_command


def test_a_misspelt_command_gets_a_did_you_mean() -> None:
    result = invoke("deliveris")
    assert result.exit_code == 2
    assert "No such command 'deliveris'. Did you mean 'deliveries'" in result.output
    far = invoke("xyzzy")
    assert far.exit_code == 2 and "Did you mean" not in far.output
    assert "mockzenoti --help lists them all" in far.output


def test_mockzenoti_url_is_the_default_url(sink: ThreadSink) -> None:
    env = {"MOCKZENOTI_URL": sink.url + "from-env"}
    result = invoke("emit", "Guest.Created", "--retry", "none", "--outbox", ":memory:", env=env)
    assert result.exit_code == 0, result.output
    assert [c.path for c in sink.calls] == ["/from-env"]
    given = invoke(
        "emit", "Guest.Created", "--url", sink.url + "given", "--outbox", ":memory:", env=env
    )
    assert given.exit_code == 0, given.output
    assert [c.path for c in sink.calls] == ["/from-env", "/given"]  # --url wins


def test_several_urls_in_mockzenoti_url(sink: ThreadSink) -> None:
    env = {"MOCKZENOTI_URL": f"{sink.url}a b={sink.url}b"}
    result = invoke("emit", "Guest.Created", "--outbox", ":memory:", env=env)
    assert result.exit_code == 0, result.output
    assert sorted(c.path for c in sink.calls) == ["/a", "/b"]


def test_without_url_the_error_names_the_option_and_the_variable() -> None:
    result = invoke("emit", "Guest.Created", env={"MOCKZENOTI_URL": ""})
    assert result.exit_code == 2 and "Missing option '--url'" in result.output
    assert "MOCKZENOTI_URL" in invoke("emit", "--help").output


def test_sink_and_serve_have_different_default_ports() -> None:
    def default_port(cmd: object) -> object:
        (port,) = [p for p in cmd.params if p.name == "port"]  # type: ignore[attr-defined]
        return port.default

    assert default_port(serve_command) == 8765
    assert default_port(sink_command) == 8766


def test_shell_completion_lists_commands_and_options(tmp_path: Path) -> None:
    env = subprocess_env() | {
        "_MOCKZENOTI_COMPLETE": "bash_complete",
        "COMP_WORDS": "mockzenoti de",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        command(), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["plain,deliveries", "plain,demo"]
    env |= {"COMP_WORDS": "mockzenoti run --ord", "COMP_CWORD": "2"}
    done = subprocess.run(
        command(), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split() == ["plain,--ordering"]
    env = subprocess_env() | {"_MOCKZENOTI_COMPLETE": "bash_source"}
    script = subprocess.run(
        command(), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "_mockzenoti_completion" in script.stdout and "complete " in script.stdout


def test_simulate_says_what_it_wrote(tmp_path: Path) -> None:
    result = invoke(
        "simulate",
        "class-lifecycle",
        "--seed",
        "3",
        "--events",
        "12",
        "--out",
        "e.jsonl",
        "--expect",
        "t.json",
    )
    assert result.exit_code == 0, result.output
    assert "wrote 12 events to e.jsonl (JSON Lines)" in result.output
    assert "wrote the expected final state to t.json" in result.output
    assert len((tmp_path / "e.jsonl").read_text().splitlines()) == 12
    to_stdout = invoke("simulate", "class-lifecycle", "--seed", "3", "--events", "2")
    assert "wrote" not in to_stdout.output and len(to_stdout.output.splitlines()) == 2
