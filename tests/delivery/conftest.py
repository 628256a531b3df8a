"""Fixtures for the delivery layer and the sink: receivers on 127.0.0.1, outboxes, a fake clock.

Every async test here fails if it leaks a task or an unclosed aiohttp session,
and every warning is an error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from delivery_support import START
from leak_check import _no_leaks  # noqa: F401  (autouse here)

from mockzenoti.delivery import FakeClock, Outbox
from mockzenoti.sink import Sink

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.filterwarnings("error"))


@pytest_asyncio.fixture
async def sink() -> AsyncIterator[Sink]:
    """A recording sink on 127.0.0.1, ephemeral port."""
    async with Sink() as running:
        yield running


@pytest.fixture
def outbox() -> Iterator[Outbox]:
    """An in-memory outbox."""
    box = Outbox(":memory:")
    yield box
    box.close()


@pytest.fixture
def clock() -> FakeClock:
    """Virtual time starting at a whole second."""
    return FakeClock(start=START)
