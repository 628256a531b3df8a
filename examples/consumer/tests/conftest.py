"""Point mockzenoti's plugin at the consumer: its URL and its signing secret.

Nothing else is needed: ``zenoti_emitter`` then delivers to the consumer,
signed as Zenoti signs, with fast retries. The consumer runs on the test's own
event loop (aiohttp's ``TestServer`` on 127.0.0.1, a free port); the plugin
delivers from its background loop while the test awaits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from consumer.app import Store, create_app

SECRET = "example-shared-secret"


@pytest.fixture
def store() -> Store:
    """The consumer's storage, to look at after the events."""
    return Store()


@pytest_asyncio.fixture
async def consumer(store: Store) -> AsyncIterator[TestServer]:
    """The consumer application, listening on 127.0.0.1."""
    server = TestServer(create_app(SECRET, store), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
def zenoti_target_url(consumer: TestServer) -> str:
    """Deliver to the consumer instead of the plugin's sink."""
    return str(consumer.make_url("/webhooks/zenoti"))


@pytest.fixture
def zenoti_secret() -> str:
    """Sign with the secret the consumer verifies."""
    return SECRET
