"""A locustfile that soaks a Zenoti webhook consumer with mockzenoti's Locust users.

Run it on one machine with two worker processes::

    locust -f examples/locust/locustfile.py --headless -u 12 -r 4 -t 5m --processes 2 \\
        --host http://127.0.0.1:8080/webhooks/zenoti --mockzenoti-report report.json

Each user plays one of the chain's six spas (two users on a spa have guests of
their own), signs like Zenoti with the shared secret, retries like Zenoti
(here the ``fast`` policy) and sends at most 100 events a second. Every
``--mockzenoti-*`` option given on the command line wins over these attributes.
"""

from __future__ import annotations

from locust import constant_throughput

from mockzenoti.locust import ZenotiUser


class SpaChainWebhooks(ZenotiUser):
    """Six day spas in six time zones; each user one spa, at 100 events/s at most."""

    host = "http://127.0.0.1:8080/webhooks/zenoti"  # the webhook URL (--host wins)
    seed = "spa-chain"
    sizes = {"centers": 6, "kind": "spa"}
    secret = "change-me"  # your consumer's webhook secret
    retry = "fast"
    wait_time = constant_throughput(100)  # at most 100 events/s per user
