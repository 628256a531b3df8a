"""Fixtures for the delivery layer and the sink: receivers on 127.0.0.1, outboxes, a fake clock.

Every async test here fails if it leaks a task or an unclosed aiohttp session,
and every warning is an error.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from delivery_support import START

from mockzenoti.delivery import FakeClock, Outbox
from mockzenoti.sink import Sink

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.filterwarnings("error"))


@pytest_asyncio.fixture(autouse=True)
async def _no_leaks() -> AsyncIterator[None]:
    """Fail the test if it leaves tasks running or objects reporting errors to the loop."""
    loop = asyncio.get_running_loop()
    problems: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: problems.append(context))
    yield
    gc.collect()
    await asyncio.sleep(0)
    current = asyncio.current_task()
    leaked = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    loop.set_exception_handler(None)
    assert not leaked, f"tasks left running: {leaked}"
    assert not problems, f"the loop reported: {[p.get('message') for p in problems]}"


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
