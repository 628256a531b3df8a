"""Fixtures for the delivering commands: sinks on 127.0.0.1, a directory per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import ThreadSink


@pytest.fixture
def sink_factory() -> Iterator[Any]:
    """Make sinks with settings; all are closed at the end."""
    made: list[ThreadSink] = []

    def make(**settings: Any) -> ThreadSink:
        made.append(ThreadSink(**settings))
        return made[-1]

    yield make
    for s in made:
        s.close()


@pytest.fixture
def sink(sink_factory: Any) -> ThreadSink:
    """A sink that accepts everything."""
    made: ThreadSink = sink_factory()
    return made


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own directory (the default outbox lands there)."""
    monkeypatch.chdir(tmp_path)
    for var in ("MOCKZENOTI_OUTBOX", "MOCKZENOTI_PROGRESS", "MOCKZENOTI_SECRET"):
        monkeypatch.delenv(var, raising=False)
