"""The outbox file: private, recognised before use, readable read-only, and a full disk is no crash.

A new outbox and its lock are created with mode 0600 (they hold secrets and
URL passwords). A file that is not an outbox (another program's SQLite
database, a damaged outbox, text) is refused with exit 2 and left byte for
byte as it was. ``deliveries`` reads an outbox it may not write. A full disk
ends a run with exit 1 and a clear message; the same command then finishes
it, and every event reaches the receiver. Nothing shown carries a URL's
password or a secret.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import ThreadSink, invoke, run_process

from mockzenoti.delivery import Outbox
from mockzenoti.delivery.outbox import store
from mockzenoti.scenarios import load_scenario


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_outbox_and_its_lock_are_private(sink: ThreadSink, tmp_path: Path) -> None:
    result = invoke("run", "guest-lifecycle", "-n", "3", "--url", sink.url, "--outbox", "o.sqlite")
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "o.sqlite") == 0o600
    assert mode(tmp_path / "o.sqlite.lock") == 0o600


def test_an_outbox_made_before_is_narrowed_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    Outbox(path).close()
    os.chmod(path, 0o644)  # as mockzenoti used to leave it
    Outbox(path).close()
    assert mode(path) == 0o600


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.execute("INSERT INTO people VALUES ('ada')")
    conn.close()


def _damaged(path: Path) -> None:
    whole = path.with_suffix(".whole")
    Outbox(whole).close()
    path.write_bytes(whole.read_bytes()[:300])


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_foreign, "without the outbox's tables"),
        (_damaged, "SQLite cannot read it"),
        (lambda p: p.write_text("not a database\n"), "not an SQLite database"),
    ],
)
@pytest.mark.parametrize("command", ["run", "deliveries", "drain", "serve"])
def test_a_file_that_is_not_an_outbox_is_refused_and_left_as_it_was(
    make: Any, said: str, command: str, tmp_path: Path
) -> None:
    path = tmp_path / "data.sqlite"
    make(path)
    before, names = digest(path), sorted(p.name for p in tmp_path.iterdir())
    args = {
        "run": ("run", "guest-lifecycle", "--url", "http://127.0.0.1:9/"),
        "deliveries": ("deliveries",),
        "drain": ("drain",),
        "serve": ("serve", "--port", "0"),
    }[command]
    done = run_process(*args, "--outbox", str(path), cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and "is not a mockzenoti outbox" in done.stderr
    assert "Traceback" not in done.stderr
    assert digest(path) == before  # byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no lock, -wal or -shm left


@contextlib.contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """Make ``directory`` (and what is in it) impossible to write, for this process too."""
    if os.geteuid() != 0:
        for p in directory.iterdir():
            p.chmod(0o444)
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    # root writes through permissions: mount the directory read-only over itself
    bound = subprocess.run(
        ["mount", "--bind", str(directory), str(directory)], check=False, capture_output=True
    )
    if bound.returncode != 0:
        pytest.skip("as root, needs mount to make a read-only directory")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(directory)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(directory)], check=False)


def test_deliveries_reads_an_outbox_it_may_not_write(sink: ThreadSink, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    box = shared / "box.sqlite"
    made = invoke(
        "run", "guest-lifecycle", "-n", "4", "--seed", "1", "--url", sink.url, "--outbox", str(box)
    )
    assert made.exit_code == 0, made.output
    with read_only(shared):
        with pytest.raises(OSError):
            (shared / "probe").write_text("x")  # really read-only
        listed = invoke("deliveries", "--outbox", str(box), "--json")
        shown = invoke("deliveries", "show", "1", "--outbox", str(box))
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["total"] == 4
    assert shown.exit_code == 0 and "delivered" in shown.stdout


def _failing_writes(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """The outbox's disk fills up after ``after`` commits (SQLite's own error)."""
    real = store.apply_parts
    calls = {"n": 0}

    def apply_parts(conn: sqlite3.Connection, parts: Any) -> None:
        calls["n"] += 1
        if calls["n"] > after:
            raise sqlite3.OperationalError("database or disk is full")
        real(conn, parts)

    monkeypatch.setattr(store, "apply_parts", apply_parts)


def test_a_full_disk_ends_a_run_clearly_and_loses_nothing(
    sink: ThreadSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = (
        "run",
        "class-lifecycle",
        "--seed",
        "9",
        "--events",
        "300",
        "--url",
        sink.url,
        "--outbox",
        "box.sqlite",
        "--offload",
        "off",
        "--concurrency",
        "4",
    )
    with monkeypatch.context() as patch:
        _failing_writes(patch, after=5)
        full = invoke(*args)
    assert full.exit_code == 1, full.output
    assert "the disk is full (outbox box.sqlite)" in full.stderr
    assert "nothing accepted is lost" in full.stderr and "run the same command again" in full.stderr
    assert "Traceback" not in full.output

    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert "resuming run 1" in again.stderr
    wanted = {e.event_id for e in load_scenario("class-lifecycle").simulate("9", events=300)}
    assert {c.event_id for c in sink.calls if 200 <= c.status < 300} == wanted


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (needs mount rights; the injected failure above runs everywhere)."""
    where = tmp_path / "tiny"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)],
        check=False,
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("needs mount rights for a real full disk")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_really_full_disk_too(sink: ThreadSink, tiny_disk: Path, tmp_path: Path) -> None:
    box = tiny_disk / "box.sqlite"
    args = (
        "run",
        "day-in-the-life",
        "--seed",
        "3",
        "--events",
        "5000",
        "--url",
        sink.url,
        "--outbox",
        str(box),
        "-q",
    )
    full = run_process(*args, cwd=tmp_path, timeout=300)
    assert full.returncode == 1, full.stderr
    assert "the disk is full" in full.stderr and "Traceback" not in full.stderr
    subprocess.run(["mount", "-o", "remount,size=64m", str(tiny_disk)], check=True)
    again = run_process(*args, cwd=tmp_path, timeout=300)
    assert again.returncode == 0, again.stderr
    wanted = {e.event_id for e in load_scenario("day-in-the-life").simulate("3", events=5000)}
    assert {c.event_id for c in sink.calls if 200 <= c.status < 300} == wanted


def test_no_password_or_secret_in_what_is_shown(sink: ThreadSink, tmp_path: Path) -> None:
    url = sink.url.replace("http://", "http://hook:s3cr3t-pw@")
    result = invoke(
        "run",
        "guest-lifecycle",
        "-n",
        "3",
        "--seed",
        "2",
        "--url",
        url,
        "--secret",
        "signing-s3cr3t",
        "--header",
        "X-Api-Key: hdr-s3cr3t",
        "--report",
        "r.json",
        "--progress",
        "lines",
    )
    assert result.exit_code == 0, result.output
    report = (tmp_path / "r.json").read_text()
    listing = invoke("deliveries", "--json").stdout + invoke("deliveries", "show", "1").stdout
    for shown in (result.stdout, result.stderr, report, listing):
        assert "s3cr3t-pw" not in shown and "signing-s3cr3t" not in shown
        assert "hdr-s3cr3t" not in shown
    (target,) = json.loads(report)["spec"]["targets"]
    assert target["url"] == url.replace("s3cr3t-pw", "****") == target["name"]
    assert target["secrets"] == 1 and target["headers"] == {"X-Api-Key": "****"}
    assert sink.calls[0].headers["X-Api-Key"] == "hdr-s3cr3t"  # sent as given
    assert all(c.signature_ok is not False for c in sink.calls) and len(sink.calls) == 3
