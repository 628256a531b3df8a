"""``ZenotiUser``: a Locust user that plays one shard of a Zenoti organization to a webhook.

Subclass it in a locustfile (it is abstract) or run ``mockzenoti locust``,
which does. Each user, when it starts, becomes the shard ``(worker index,
its index on that worker)`` of the run's organization (``mockzenoti.swarm``)
and sends that shard's events one after another, each until it is
delivered, dead or held, through Locust's ``FastHttpUser`` client: Locust's
request names are the event types, and a non-2xx answer is a failure in
Locust's statistics. Retries follow the same decision as ``mockzenoti run``
and wait with gevent.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from gevent.timeout import Timeout
from geventhttpclient._parser import HTTPParseError
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.runners import WorkerRunner

from mockzenoti.delivery.decision import AttemptResult, classify, parse_retry_after
from mockzenoti.event import Event
from mockzenoti.locust import hooks
from mockzenoti.swarm import Shard, ShardPlayer, shard_simulation
from mockzenoti.swarm.settings import SwarmSettings

__all__ = ["ZenotiUser"]

_SNIPPET = 256


class ZenotiUser(FastHttpUser):
    """Sends one shard's Zenoti webhooks to the host (the webhook URL), an event per task.

    Settings (each overridden by its ``--mockzenoti-*`` option when given):
    ``seed`` of the run, built-in ``scenario`` (``soak``), world ``sizes``,
    signing ``secret`` (zenoti signature) or ``secrets`` and ``signing``,
    ``retry`` policy (``zenoti``) and ``retry_scale``, attempt ``timeout``
    (seconds), ``drain`` (seconds the stop lets events under way finish their
    retries) and ``deactivate_after`` (dead deliveries in a row).
    ``wait_time`` paces events (``constant(0)``: as fast as the receiver
    answers); set it as for any Locust user, e.g. ``constant_throughput(50)``.

    ``shard`` and ``player`` (its counts: ``player.tally``) are set when the
    user starts.
    """

    abstract = True
    wait_time = constant(0)

    seed: ClassVar[str | int] = "0"
    scenario: ClassVar[str] = "soak"
    sizes: ClassVar[Mapping[str, Any]] = {}
    secret: ClassVar[str | None] = None
    secrets: ClassVar[tuple[str, ...]] = ()
    signing: ClassVar[str | None] = None
    retry: ClassVar[str] = "zenoti"
    retry_scale: ClassVar[float] = 1.0
    timeout: ClassVar[float] = 10.0
    drain: ClassVar[float] = 10.0
    deactivate_after: ClassVar[int] = 20

    shard: Shard
    player: ShardPlayer

    def __init__(self, environment: Environment) -> None:
        self.settings = settings_for(type(self), environment)
        # Every attempt is one request, bounded by the timeout: no client-side retries.
        self.network_timeout = self.connection_timeout = self.settings.timeout
        self.max_retries = 0
        super().__init__(environment)
        self.client.client.cookiejar = None  # Zenoti keeps no state between webhooks
        runner = environment.runner
        worker = runner.worker_index if isinstance(runner, WorkerRunner) else 0
        self.shard = Shard(self.settings.seed, max(worker, 0), hooks.ledger.next_user())

    def on_start(self) -> None:
        """Build this user's shard of the world (about a tenth of a second)."""
        settings = self.settings
        simulation = shard_simulation(
            self.shard,
            scenario=settings.scenario,
            sizes=settings.sizes,
            track_truth=settings.track_truth,
        )
        assert self.host is not None
        target = hooks.ledger.target(self.host, settings)
        self.player = ShardPlayer(self.shard, simulation, target)
        hooks.ledger.settings = settings
        hooks.ledger.players.append(self.player)

    def on_stop(self) -> None:
        """A stopped user is at rest."""
        hooks.ledger.rest()

    @task
    def send_event(self) -> None:
        """Send the shard's next event to its end; rest once the swarm stops or has no more."""
        ledger = hooks.ledger
        if not ledger.stopping.is_set():
            if self.player.play(self._post, ledger.wait) is not None:
                if ledger.stopping.is_set():
                    ledger.rest()
                return
            if not self.player.target.active:
                hooks.deactivated(self.player.target)
        ledger.park()

    def _post(self, event: Event, body: bytes, headers: dict[str, str]) -> AttemptResult:
        """One attempt through Locust's client, recorded in Locust's statistics."""
        target = self.player.target
        started = time.perf_counter()
        with self.client.request(
            # bytes as they are: the signature covers these exact bytes
            target.method,
            "",
            data=body,  # type: ignore[arg-type]
            headers={**headers, "Accept-Encoding": "identity"},
            name=event.event_type,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            latency = time.perf_counter() - started
            status = response.status_code or 0
            error = getattr(response, "error", None)
            if not status:
                outcome, written = _failure(error)
                response.failure(f"{outcome}: {error}")
                return AttemptResult(
                    outcome, None, f"{outcome}: {error}", latency, None, written=written
                )
            outcome, _ = classify(status, frozenset())
            wait = None
            if outcome == "success":
                response.success()
            else:
                response.failure(f"HTTP {status}")
                found = response.headers.get("Retry-After") if response.headers else None
                wait = parse_retry_after(found, time.time())
            snippet = None if outcome == "success" else _text(response.content)
            return AttemptResult(outcome, status, None, latency, snippet, wait)


def _failure(error: BaseException | None) -> tuple[str, bool]:
    """The outcome of a request that got no answer, and whether it was written whole."""
    if isinstance(error, (Timeout, socket.timeout, TimeoutError)):
        return "timeout", True
    if isinstance(error, HTTPParseError):
        return "protocol", True
    if isinstance(error, (ConnectionRefusedError, socket.gaierror)):
        return "connection", False
    return "connection", True


def _text(content: bytes | None) -> str | None:
    return None if not content else content[:_SNIPPET].decode("utf-8", "replace")


def settings_for(user_class: type[ZenotiUser], environment: Environment) -> SwarmSettings:
    """The settings of ``user_class``'s users: its attributes under the command line's options."""
    secrets = tuple(user_class.secrets) or ((user_class.secret,) if user_class.secret else ())
    defaults = {
        "seed": str(user_class.seed),
        "scenario": user_class.scenario,
        "sizes": dict(user_class.sizes),
        "secrets": secrets,
        "signing": user_class.signing,
        "retry": user_class.retry,
        "retry_scale": user_class.retry_scale,
        "timeout": user_class.timeout,
        "drain": user_class.drain,
        "deactivate_after": user_class.deactivate_after,
    }
    options = vars(environment.parsed_options) if environment.parsed_options else {}
    return SwarmSettings.from_options(options, defaults)
