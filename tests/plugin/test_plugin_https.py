"""The plugin's ``ca_cert`` and ``insecure`` settings against an https receiver.

The receiver is a ``Sink`` served with a certificate from a CA this test
made (trustme), on the plugin's own background loop; ``zenoti_target_url``
points the emitter at it, as a consumer points it at its own https app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tls_support import TestCA, make_ca

from mockzenoti.sink import Sink
from mockzenoti.testing.emitter import ZenotiEmitter
from mockzenoti.testing.errors import DeliveryFailed
from mockzenoti.testing.loop import LoopThread


@pytest.fixture
def ca(tmp_path: Path) -> TestCA:
    """A CA made for this test."""
    return make_ca(tmp_path)


@pytest.fixture
def https_receiver(_zenoti_loop: LoopThread, ca: TestCA) -> Iterator[Sink]:
    """A sink on https://127.0.0.1 with a certificate from ``ca``."""

    async def make() -> Sink:
        return Sink()

    sink = _zenoti_loop.call(make())
    _zenoti_loop.call(sink.start(ssl_context=ca.server_context))
    yield sink
    _zenoti_loop.call(sink.stop())


@pytest.fixture
def zenoti_target_url(https_receiver: Sink) -> str:
    """Deliver to the https receiver."""
    return https_receiver.url


def test_ca_cert_trusts_the_receivers_certificate(
    request: pytest.FixtureRequest, ca: TestCA, https_receiver: Sink
) -> None:
    request.node.add_marker(pytest.mark.zenoti(ca_cert=str(ca.pem)))
    emitter: ZenotiEmitter = request.getfixturevalue("zenoti_emitter")
    emitter.emit_sync("Guest.Created")
    assert [c.status for c in https_receiver.calls] == [200]


@pytest.mark.zenoti(insecure=True, target={"content_type": None})
def test_insecure_and_no_content_type(zenoti_emitter: ZenotiEmitter, https_receiver: Sink) -> None:
    zenoti_emitter.emit_sync("Guest.Created")
    (call,) = https_receiver.calls
    assert call.status == 200 and "Content-Type" not in call.headers


@pytest.mark.zenoti(retry="none")
def test_without_the_ca_the_failure_names_the_certificate(
    zenoti_emitter: ZenotiEmitter, https_receiver: Sink
) -> None:
    with pytest.raises(DeliveryFailed, match=r"(?i)certificate"):
        zenoti_emitter.emit_sync("Guest.Created")
    assert https_receiver.calls == []
