"""mockzenoti as a consumer's project gets it: a wheel installed with ``[pytest]`` in a fresh venv.

The wheel is built the way ``make dist`` builds it (``python -m build``: an sdist, then
the wheel from the sdist), installed with the ``pytest`` extra into a new venv in
``tmp_path`` (outside the repository; pip may fetch the dependencies from the index),
and a small consumer suite runs there with the README's pytest settings: a sync test,
async tests against an aiohttp application served by the test's own loop, and a
scenario file shipped inside the wheel. Nothing from this checkout is on that venv's
path, so a data file missing from the wheel, or a dependency missing from the extra,
fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

APP_CONFTEST = """
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer


@pytest.fixture
def received():
    return {}


@pytest_asyncio.fixture
async def my_app(received):
    async def webhook(request):
        event = await request.json()
        received[event["event_id"]] = event
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/webhooks/zenoti", webhook)
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


@pytest.fixture
def zenoti_target_url(my_app):
    return str(my_app.make_url("/webhooks/zenoti"))
"""

APP_TESTS = """
import pytest


@pytest.mark.zenoti(seed=7, secret="s3cret")
async def test_a_scenario_reaches_my_app(zenoti_emitter, received):
    run = await zenoti_emitter.run("class-lifecycle", events=40)
    await run.wait_delivered()
    assert set(received) == {e.event_id for e in run.events}
"""

TESTS = """
import pathlib

import pytest

import mockzenoti


def test_the_installed_package_is_used():
    assert "site-packages" in mockzenoti.__file__, mockzenoti.__file__


def test_sync_emit_reaches_the_sink(zenoti_emitter, zenoti_sink):
    zenoti_emitter.emit_sync("Class.Booking.NoShow", {"data.registration_id": 4242})
    zenoti_sink.assert_received("Class.Booking.NoShow", registration_id=4242)


@pytest.mark.zenoti(retry="zenoti", secret="s3cret")
async def test_async_retries_then_delivers(zenoti_emitter, zenoti_sink):
    zenoti_sink.configure(fail_first=1)
    run = await zenoti_emitter.emit("Guest.Created")
    assert [a.status for a in run.attempts()] == [500, 200]
    assert all(call.signature_ok for call in zenoti_sink.calls)


async def test_a_scenario_file_shipped_in_the_wheel(zenoti_emitter, zenoti_sink):
    shipped = pathlib.Path(mockzenoti.__file__).parent / "fixtures" / "scenarios"
    run = await zenoti_emitter.run(str(shipped / "no-show-after-cancel.yaml"))
    await run.wait_delivered()
    assert zenoti_sink.events_of("Class.Booking.NoShow")
"""


def _readme_pytest_settings() -> str:
    """The pyproject.toml block of README's "Use it in your project" (what a consumer copies)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it in your project", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```toml\n(.*?)```", section, re.S)
    assert blocks, "README's 'Use it in your project' has no pyproject.toml block"
    return blocks[0]


def _env() -> dict[str, str]:
    """No trace of this checkout or of this venv in the subprocesses."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("MOCKZENOTI")}


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    said = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{said}"
    return result


def test_a_consumer_installs_the_wheel_with_the_pytest_extra(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], tmp_path, 600)
    wheels = list(dist.glob("mockzenoti-*.whl"))
    sdists = list(dist.glob("mockzenoti-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in dist.iterdir())
    with tarfile.open(sdists[0]) as sdist:
        names = sdist.getnames()
    assert any(n.endswith("/fixtures/scenarios/no-show-after-cancel.yaml") for n in names)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, 300)
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "--quiet", f"{wheels[0]}[pytest]"], tmp_path, 900)

    project = tmp_path / "consumer"
    (project / "tests" / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text(_readme_pytest_settings(), encoding="utf-8")
    (project / "tests" / "test_webhooks.py").write_text(TESTS, encoding="utf-8")
    (project / "tests" / "app" / "conftest.py").write_text(APP_CONFTEST, encoding="utf-8")
    (project / "tests" / "app" / "test_my_app.py").write_text(APP_TESTS, encoding="utf-8")
    result = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, 600)
    assert re.search(r"\b5 passed\b", result.stdout), result.stdout
    assert "warning" not in result.stdout.lower(), result.stdout

    cli = _run(
        [
            str(venv / "bin" / "mockzenoti"),
            "simulate",
            "class-lifecycle",
            "--seed",
            "1",
            "--events",
            "3",
        ],
        project,
        120,
    )
    assert len(cli.stdout.splitlines()) == 3

    # README's git form, from this repository's committed state (no dependencies: same as above)
    source = f"mockzenoti[pytest] @ git+file://localhost{REPO}"
    _run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", source],
        tmp_path,
        600,
    )
    version = _run([str(venv / "bin" / "mockzenoti"), "--version"], project, 60)
    assert version.stdout.startswith("mockzenoti, version")
