"""The sink: a webhook receiver that records everything and misbehaves on purpose.

- ``receiver``: ``Sink``, the aiohttp receiver (standalone on 127.0.0.1, or mounted);
- ``records``: ``SinkSettings`` (how it behaves) and ``SinkCall`` (one request it read).

See ``receiver``'s docstring for a tour.
"""

from __future__ import annotations

from mockzenoti.sink.receiver import Sink
from mockzenoti.sink.records import SinkCall, SinkSettings

__all__ = ["Sink", "SinkCall", "SinkSettings"]
