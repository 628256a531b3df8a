"""Fixtures for the control server: a running server per test; leaks fail the test.

Every async test here fails if it leaves a task running or the loop reports
an error (an unclosed session, an exception nobody retrieved).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from leak_check import _no_leaks  # noqa: F401  (autouse here)
from server_support import Api, running, settings


@pytest_asyncio.fixture
async def api() -> AsyncIterator[Api]:
    """A control server with an in-memory outbox."""
    async with running(settings()) as server:
        yield server
