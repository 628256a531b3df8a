"""The pieces behind the pytest plugin (``mockzenoti.pytest_plugin``).

``ZenotiSettings`` (settings.py) is what to import to change a suite's
defaults in a ``conftest.py``::

    from mockzenoti.testing import ZenotiSettings

    @pytest.fixture
    def zenoti_settings():
        return ZenotiSettings(secret="s3cret", ordering="per-entity")

The fixtures' objects live in ``sink.py`` (``ZenotiSink``), ``emitter.py``
(``ZenotiEmitter``), ``runs.py`` (``ZenotiRun``) and ``world.py``
(``ZenotiWorld``); they import aiohttp and the delivery engine, so this
package imports them only when asked (``from mockzenoti.testing.runs import
ZenotiRun``). ``WaitTimeout`` and ``DeliveryFailed`` are what waits and
checks raise. See docs/pytest-plugin.md.
"""

from __future__ import annotations

from mockzenoti.testing.errors import DeliveryFailed, WaitTimeout
from mockzenoti.testing.settings import ZenotiSettings

__all__ = ["DeliveryFailed", "WaitTimeout", "ZenotiSettings"]
