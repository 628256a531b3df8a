"""mockzenoti as a pytest plugin: Zenoti webhooks in a test suite, from ``pip install``.

Registered through the ``pytest11`` entry point, so installing mockzenoti is
all a suite needs. Fixtures (see docs/pytest-plugin.md):

- ``zenoti_sink``: a recording receiver on 127.0.0.1 (one server per session,
  reset for each test): ``url``, ``events``, ``calls``, ``last``,
  ``await wait_for(n)``, ``assert_received(event_type, **fields)`` ...
- ``zenoti_emitter``: sends events to ``zenoti_target_url`` (default: the
  sink): ``await emit(name, overrides)``, ``await run(scenario, seed=, events=)``,
  ``send(events | zenoti_world)``, and ``*_sync`` twins for sync tests.
- ``zenoti_world``: a seeded world for bespoke sequences.
- ``zenoti_api``: Zenoti's REST API (``/v1``) over the world of the test's run:
  ``url``, ``key``, ``headers``; writes fire webhooks to the test's target.
- Settings: ``zenoti_settings`` (override it for a suite's defaults),
  ``zenoti_secret``, ``zenoti_target_url``, and the marker
  ``@pytest.mark.zenoti(seed=, retry=, signing=, secret=, ordering=, ...)`` on
  top; ``zenoti_config`` is the result. Retries default to the ``fast`` preset.

This module is imported by every pytest session of an environment with
mockzenoti installed, so it imports nothing heavy: aiohttp, the engine and
the world load inside the fixtures. The sink and the engines run on one
background event loop (``testing/loop.py``), which works alike in sync tests
and in pytest-asyncio's strict and auto modes with any loop scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

import pytest

from mockzenoti.errors import MockZenotiError

if TYPE_CHECKING:
    from mockzenoti.testing.api import RestServer, ZenotiApi
    from mockzenoti.testing.emitter import ZenotiEmitter
    from mockzenoti.testing.loop import LoopThread
    from mockzenoti.testing.settings import ZenotiSettings
    from mockzenoti.testing.sink import SinkServer, ZenotiSink
    from mockzenoti.testing.world import ZenotiWorld

__all__ = [
    "pytest_configure",
    "zenoti_api",
    "zenoti_api_server",
    "zenoti_config",
    "zenoti_emitter",
    "zenoti_secret",
    "zenoti_settings",
    "zenoti_sink",
    "zenoti_sink_server",
    "zenoti_target_url",
    "zenoti_world",
]

T = TypeVar("T")

MARKER = (
    "zenoti(**settings): mockzenoti settings for this test: seed, retry "
    "(fast|zenoti|standard|none|'1s,5s'), retry_scale, signing (zenoti|standard|none), "
    "secret, ordering (none|per-entity), chaos, concurrency, timeout, wait_timeout, "
    "outbox, world, target, ca_cert, insecure, rest_rate_limit. See docs/pytest-plugin.md."
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``zenoti`` marker."""
    config.addinivalue_line("markers", MARKER)


def _checked(make: Callable[[], T]) -> T:
    """``make()``; a settings problem ends the test's setup with its message, no traceback."""
    try:
        return make()
    except MockZenotiError as exc:
        message = exc.message
    pytest.fail(f"mockzenoti: {message}", pytrace=False)


# -- session: the background loop and the sink server ---------------------------------------


@pytest.fixture(scope="session")
def _zenoti_loop() -> Iterator[LoopThread]:
    """The session's background event loop (sink server and delivery engines)."""
    from mockzenoti.testing.loop import LoopThread

    thread = LoopThread()
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture(scope="session")
def zenoti_sink_server(_zenoti_loop: LoopThread) -> Iterator[SinkServer]:
    """The session's one sink server on 127.0.0.1 (``zenoti_sink`` gives each test a view)."""
    from mockzenoti.testing.sink import SinkServer

    server = SinkServer(_zenoti_loop)
    yield server
    server.stop()


# -- settings ---------------------------------------------------------------------------------


@pytest.fixture
def zenoti_secret() -> str | None:
    """The signing secret (None: unsigned). Override it to sign with a secret your app knows."""
    return None


@pytest.fixture
def zenoti_target_url() -> str | None:
    """Where ``zenoti_emitter`` sends (None: ``zenoti_sink``). Override it with your app's URL."""
    return None


@pytest.fixture
def zenoti_settings(zenoti_secret: str | None) -> ZenotiSettings:
    """A suite's default settings; override it in a conftest.py (the marker applies on top)."""
    from mockzenoti.testing.settings import ZenotiSettings

    return ZenotiSettings(secret=zenoti_secret)


@pytest.fixture
def zenoti_config(
    request: pytest.FixtureRequest, zenoti_settings: ZenotiSettings
) -> ZenotiSettings:
    """The settings in effect: ``zenoti_settings`` with the ``zenoti`` markers' values on top.

    Without a ``seed`` in either, the test's own stable seed (from its node id).
    """
    from dataclasses import replace

    from mockzenoti.scenarios.seeds import test_seed
    from mockzenoti.testing.settings import merge_markers

    merged = _checked(lambda: merge_markers(zenoti_settings, request.node.iter_markers("zenoti")))
    if merged.seed is None:
        merged = replace(merged, seed=test_seed(request.node.nodeid))
    return merged


# -- the fixtures a test uses ----------------------------------------------------------------


@pytest.fixture
def zenoti_sink(
    zenoti_sink_server: SinkServer, zenoti_config: ZenotiSettings
) -> Iterator[ZenotiSink]:
    """The session's sink, reset for this test: it verifies signatures when the test signs."""
    from mockzenoti.testing.sink import ZenotiSink

    sink = _checked(lambda: ZenotiSink(zenoti_sink_server, zenoti_config))
    yield sink
    sink.clear()


@pytest.fixture
def zenoti_emitter(
    request: pytest.FixtureRequest,
    _zenoti_loop: LoopThread,
    zenoti_config: ZenotiSettings,
    zenoti_target_url: str | None,
) -> Iterator[ZenotiEmitter]:
    """Sends this test's events to ``zenoti_target_url`` (or ``zenoti_sink``), as Zenoti would."""
    from mockzenoti.testing.emitter import ZenotiEmitter

    url = zenoti_target_url
    if url is None:
        url = request.getfixturevalue("zenoti_sink").url
    outbox = ":memory:"
    if zenoti_config.outbox == "tmp":
        outbox = str(request.getfixturevalue("tmp_path") / "zenoti-outbox.sqlite")
    emitter = _checked(lambda: ZenotiEmitter(_zenoti_loop, zenoti_config, url, outbox))
    if "zenoti_api" in request.fixturenames:  # the test (or a fixture of it) calls back
        api = request.getfixturevalue("zenoti_api")
        emitter.api, api.emitter = api, emitter
    yield emitter
    emitter.close()


@pytest.fixture
def zenoti_world(zenoti_config: ZenotiSettings) -> ZenotiWorld:
    """A seeded world (``seed`` and ``world`` sizes from the settings) for bespoke sequences."""
    from mockzenoti.testing.world import ZenotiWorld

    return _checked(lambda: ZenotiWorld(zenoti_config.effective_seed, zenoti_config.world))


@pytest.fixture(scope="session")
def zenoti_api_server(_zenoti_loop: LoopThread) -> Iterator[RestServer]:
    """The session's ``/v1`` server on 127.0.0.1 (``zenoti_api`` gives each test a key)."""
    from mockzenoti.testing.api import RestServer

    server = RestServer(_zenoti_loop)
    yield server
    server.stop()


@pytest.fixture
def zenoti_api(zenoti_api_server: RestServer, zenoti_config: ZenotiSettings) -> Iterator[ZenotiApi]:
    """Zenoti's REST API over the world of this test's run: ``url``, ``key``, ``headers``.

    It answers for the test's latest ``zenoti_emitter.run(...)`` or
    ``send(zenoti_world)`` as their events are accepted; writes fire webhooks
    to the test's target (docs/pytest-plugin.md, docs/rest.md). It does not
    need the emitter, so an application's fixture can take it before
    ``zenoti_target_url`` exists; the emitter attaches itself.
    """
    from mockzenoti.testing.api import ZenotiApi

    api = ZenotiApi(zenoti_api_server, zenoti_config.rest_rate_limit)
    yield api
    api.close()
