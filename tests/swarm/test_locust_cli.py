"""``mockzenoti locust``'s command line, and what importing the Locust side loads."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from mockzenoti.cli import cli, locust_run
from mockzenoti.scenarios.builtin import BUILTINS

URL = "http://127.0.0.1:9/hook"
# Modules that run on asyncio (or load aiohttp): never under gevent.
ASYNC = (
    "aiohttp",
    "uvloop",
    "mockzenoti.server",
    "mockzenoti.sink",
    "mockzenoti.testing",
    "mockzenoti.pytest_plugin",
    "mockzenoti.delivery.engine",
    "mockzenoti.delivery.send",
    "mockzenoti.delivery.runner",
    "mockzenoti.delivery.http1",
    "mockzenoti.delivery.outbox",
    "mockzenoti.scenarios.feed",
    "mockzenoti.scenarios.offload",
)


def _modules(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    modules: list[str] = json.loads(done.stdout.splitlines()[-1])
    return modules


def test_the_locust_side_loads_no_asyncio_code_of_mockzenoti_and_no_aiohttp() -> None:
    modules = _modules("import mockzenoti.locust, mockzenoti.locust.locustfile")
    assert "locust" in modules and "gevent" in modules
    assert [m for m in modules if m.startswith(ASYNC)] == []
    assert "asyncio" not in modules
    delivery = {m for m in modules if m.startswith("mockzenoti.delivery")}
    assert delivery == {
        "mockzenoti.delivery",
        "mockzenoti.delivery.decision",
        "mockzenoti.delivery.policy",
        "mockzenoti.delivery.signing",
    }


def test_the_command_process_never_imports_locust_or_gevent() -> None:
    modules = _modules("import mockzenoti.cli.locust_run")
    assert not [m for m in modules if m.split(".")[0] in ("locust", "gevent")]


def test_the_scenarios_offered_are_the_built_ins() -> None:
    assert sorted(locust_run._SCENARIOS) == sorted(BUILTINS)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "give the webhook --url"),
        (["--url", "ftp://x/"], "not an http:// or https:// URL"),
        (["--url", URL, "--retry", "sometimes"], "--retry"),
        (["--url", URL, "--centers", "99"], "[--centers]"),
        (["--url", URL, "--signing", "standard"], "needs a secret"),
        (["--url", URL, "--timeout", "soon"], "--timeout"),
    ],
)
def test_bad_input_exits_2_naming_the_option(args: list[str], said: str) -> None:
    result = CliRunner().invoke(cli, ["locust", *args])
    assert result.exit_code == 2, result.output
    assert said in result.output


def test_without_locust_installed_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(locust_run, "find_spec", lambda name: None)
    result = CliRunner().invoke(cli, ["locust", "--url", URL])
    assert result.exit_code == 2
    assert "pip install 'mockzenoti[locust]'" in result.output


def _command(monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    seen: list[list[str]] = []

    def fake(cmd: list[str]) -> int:
        seen.append(cmd)
        return 0

    monkeypatch.setattr(locust_run, "_run", fake)
    result = CliRunner().invoke(cli, ["locust", *args])
    assert result.exit_code == 0, result.output
    return seen[0]


def test_options_become_locusts_and_the_swarms_and_the_rest_passes_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cmd = _command(
        monkeypatch,
        "--url",
        URL,
        "--users",
        "6",
        "--run-time",
        "30s",
        "--processes",
        "2",
        "--seed",
        "s",
        "--secret",
        "a",
        "--secret",
        "b",
        "--retry",
        "fast",
        "--centers",
        "4",
        "--scale-retry-after",
        "--csv",
        "out",
        "--html",
        "r.html",
    )
    assert cmd[:3] == [sys.executable, "-m", "locust"]
    assert cmd[3:5] == ["-f", str(locust_run.locustfile())]
    assert locust_run.locustfile().is_file()
    text = " ".join(cmd)
    for part in (
        "--processes 2",
        "--master-bind-host 127.0.0.1 --master-bind-port",
        "--headless -u 6 -r 6",
        f"--host {URL}",
        "-t 30s",
        "--mockzenoti-seed s",
        "--mockzenoti-secret a --mockzenoti-secret b",
        "--mockzenoti-retry fast",
        '--mockzenoti-sizes {"centers": 4}',
        "--mockzenoti-scale-retry-after",
    ):
        assert part in text, part
    assert cmd[-4:] == ["--csv", "out", "--html", "r.html"]
    port = cmd[cmd.index("--master-bind-port") + 1]
    assert cmd[cmd.index("--master-port") + 1] == port and int(port) > 0
    assert "--mockzenoti-report" not in cmd


def test_a_worker_gets_only_what_its_master_does_not_send(monkeypatch: pytest.MonkeyPatch) -> None:
    cmd = _command(monkeypatch, "--worker", "--master-host", "10.0.0.5", "--processes", "4")
    assert cmd[3:] == [
        "-f",
        str(locust_run.locustfile()),
        "--processes",
        "4",
        "--worker",
        "--master-host",
        "10.0.0.5",
    ]


def test_a_report_path_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)
    cmd = _command(monkeypatch, "--url", URL, "--report", "out/r.json")
    assert cmd[cmd.index("--mockzenoti-report") + 1] == str(tmp_path / "out" / "r.json")
