"""The locustfile ``mockzenoti locust`` runs: one concrete ``ZenotiUser``, set by options."""

from __future__ import annotations

from mockzenoti.locust import ZenotiUser

__all__ = ["MockZenotiUser"]


class MockZenotiUser(ZenotiUser):
    """A ``ZenotiUser`` whose settings all come from ``--mockzenoti-*`` options."""
