"""An autouse fixture for async test packages: a test fails if it leaks tasks or loop errors.

A conftest imports ``_no_leaks`` to apply it to its directory.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

__all__ = ["_no_leaks"]


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
