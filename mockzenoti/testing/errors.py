"""What the plugin's waits and checks raise: readable messages, meant to end a test."""

from __future__ import annotations

__all__ = ["DeliveryFailed", "WaitTimeout"]


class WaitTimeout(TimeoutError):
    """A wait (``zenoti_sink.wait_for``, ``run.wait_delivered``) ran out of time.

    The message says what was awaited, what arrived and what is still pending.
    """


class DeliveryFailed(AssertionError):
    """A run settled with deliveries that were not delivered (dead, held, discarded).

    The message lists them with their attempts and the last answer.
    """
