"""The swarm's machinery in each Locust process: options, this process's users, one report.

Registered on import (``mockzenoti.locust`` imports it), so a user's own
locustfile gets it by importing ``ZenotiUser``:

- ``init_command_line_parser``: the ``--mockzenoti-*`` options (``ARGUMENTS``);
  the master sends them to its workers with each spawn;
- ``init``: this process's ``Ledger`` and the two messages of the stop:
  the master asks every worker to finish (``mockzenoti:finish``), each worker
  lets its users finish the attempt under way, takes no new event, and
  answers with its part (``mockzenoti:part``: counts, undelivered events,
  merged truth);
- ``test_stopping``: the master (or the only process of a run without
  workers) gathers the parts *before* Locust stops any user, so no request
  is cut in the middle and the counts are exact;
- ``test_stop``: writes ``--mockzenoti-report``; ``quit``: prints the summary
  last, after Locust's tables, and the exit code says whether every event was
  delivered.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event as Flag
from locust import events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from mockzenoti.swarm import ShardPlayer, SwarmTarget, render_summary, swarm_report, worker_part
from mockzenoti.swarm.settings import ARGUMENTS, SwarmSettings

__all__ = ["CHECK", "FINISH", "GATHER_GRACE", "PART", "Ledger", "deactivated", "ledger"]

FINISH = "mockzenoti:finish"
PART = "mockzenoti:part"
#: Seconds the stop waits for attempts under way beyond their timeout, and for parts.
GATHER_GRACE = 30.0
#: Seconds between two looks at which workers are still connected, while gathering.
CHECK = 0.5

log = logging.getLogger("mockzenoti.locust")


class Ledger:
    """This process's side of the swarm: its users' players, its targets, the stop.

    ``stopping`` is set from the moment the swarm stops: users finish the
    attempt under way and take no new event; ``running`` is its opposite (a
    resting user waits for it: a test started again from the web UI);
    ``settled`` wakes the stop each time a user comes to rest. The master
    keeps the workers' ``parts``.
    """

    def __init__(self) -> None:
        self.players: list[ShardPlayer] = []
        self.targets: dict[tuple[Any, ...], SwarmTarget] = {}
        self.users = 0
        self.stopping = Flag()
        self.running = Flag()
        self.running.set()
        self.settled = Flag()
        self.parts: dict[int, dict[str, Any]] = {}
        self.arrived = Flag()
        self.settings: SwarmSettings | None = None
        self.started = time.time()
        self.drain_until = 0.0
        self.sent = False  # a worker sent its part of this test
        self.report: dict[str, Any] | None = None

    def next_user(self) -> int:
        """The next user's index in this process (0, 1, 2 ... for the whole run)."""
        index = self.users
        self.users += 1
        return index

    def target(self, url: str, settings: SwarmSettings) -> SwarmTarget:
        """The process's one ``SwarmTarget`` for ``url`` and ``settings`` (made on first use)."""
        key = (
            url,
            settings.secrets,
            settings.signing,
            settings.retry,
            settings.retry_scale,
            settings.scale_retry_after,
            settings.timeout,
            settings.deactivate_after,
        )
        found = self.targets.get(key)
        if found is None:
            found = self.targets[key] = SwarmTarget(
                url,
                secrets=settings.secrets,
                signing=settings.signing,  # type: ignore[arg-type]
                retry=settings.retry,
                retry_scale=settings.retry_scale,
                scale_retry_after=settings.scale_retry_after,
                timeout=settings.timeout,
                deactivate_after=settings.deactivate_after,
            )
        return found

    def rest(self) -> None:
        """A user came to rest (an event finished while stopping, or it stopped)."""
        self.settled.set()

    def park(self) -> None:
        """Rest until the swarm stops, then until a test starts again."""
        self.rest()
        self.stopping.wait()
        self.running.wait()

    def settle(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` s) until no user has an event under way."""
        deadline = time.monotonic() + timeout
        while any(p.busy for p in self.players):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.settled.clear()
            if any(p.busy for p in self.players):
                self.settled.wait(left)
        return True

    def part(self, index: int) -> dict[str, Any]:
        """This process's part of the report (with the settings its users played)."""
        part = worker_part(index, self.players)
        part["settings"] = self.settings.public() if self.settings else None
        return part

    def begin(self) -> None:
        """A test starts (again, from the web UI): new users, an active webhook, new counts."""
        self.players.clear()
        self.targets.clear()
        self.stopping.clear()
        self.running.set()
        self.parts.clear()
        self.sent = False
        self.report = None
        self.started = time.time()

    def finish(self, index: int) -> dict[str, Any]:
        """Stop taking events, let the events under way end, and return this process's part.

        An attempt in flight ends (within its timeout); a retry due within the
        settings' ``drain`` seconds still goes; an event waiting longer is
        ``interrupted``.
        """
        settings = self.settings or SwarmSettings()
        self.drain_until = time.monotonic() + settings.drain
        self.running.clear()
        self.stopping.set()
        timeout = settings.drain + settings.timeout + GATHER_GRACE
        if not self.settle(timeout):
            log.warning("users still had attempts under way after %.0f s", timeout)
        return self.part(index)

    def wait(self, seconds: float) -> bool:
        """Wait ``seconds`` with gevent for a retry; False when the stop cuts it short.

        Once the swarm stops, a retry due after the drain window is cut short.
        """
        due = time.monotonic() + seconds
        if not self.stopping.is_set() and not self.stopping.wait(max(0.0, seconds)):
            return True
        if due > self.drain_until:
            return False
        gevent.sleep(max(0.0, due - time.monotonic()))
        return True


ledger = Ledger()


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    for arg in ARGUMENTS:
        extra: dict[str, Any] = {}
        if arg.kind == "flag":
            extra = {"action": "store_true", "default": None}
        elif arg.kind == "texts":
            extra = {"action": "append", "default": None}
        elif arg.kind in ("float", "int"):
            extra = {"type": float if arg.kind == "float" else int, "default": None}
        else:
            extra = {"default": None}
        secret = arg.name == "secrets"
        parser.add_argument(arg.flag, help=arg.help, include_in_web_ui=not secret, **extra)


def _interrupt() -> None:
    """Ctrl-C: raise ``KeyboardInterrupt`` in the main greenlet only (Locust stops from there).

    Python raises it in whatever greenlet runs when the signal comes, which may
    be a user in the middle of an event; gevent runs this handler in a greenlet
    of its own instead.
    """
    gevent.get_hub().parent.throw(KeyboardInterrupt)


@events.init.add_listener
def _init(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        gevent.signal_handler(signal.SIGINT, _interrupt)
    if isinstance(runner, WorkerRunner):

        def send_part() -> None:
            if not ledger.sent:
                ledger.sent = True
                runner.send_message(PART, ledger.finish(runner.worker_index))

        def on_finish(environment: Environment, msg: Any, **_: Any) -> None:
            send_part()

        def on_quitting(environment: Environment, **_: Any) -> None:
            # Ctrl-C reaches the workers --processes forked too: each sends its part
            # before Locust tells the master it quits (this listener runs first).
            if ledger.players:
                send_part()

        runner.register_message(FINISH, on_finish, concurrent=True)
        environment.events.quitting.add_listener(on_quitting)
    elif isinstance(runner, MasterRunner):

        def on_part(environment: Environment, msg: Any, **_: Any) -> None:
            ledger.parts[int(msg.data["index"])] = msg.data
            ledger.arrived.set()

        runner.register_message(PART, on_part)


@events.test_start.add_listener
def _start(environment: Environment, **_: Any) -> None:
    ledger.begin()
    _told.clear()


@events.test_stopping.add_listener
def _gather(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    if isinstance(runner, WorkerRunner) or runner is None:
        return  # a worker answers the master's FINISH
    settings = _settings(environment)
    missing: list[int] = []
    if isinstance(runner, MasterRunner):

        def connected() -> set[int]:
            return {runner.get_worker_index(c.id) for c in runner.clients.all}

        expected = connected()
        runner.send_message(FINISH)
        deadline = time.monotonic() + settings.drain + settings.timeout + 2 * GATHER_GRACE
        # Wait for a part from every worker still connected (one that quit without
        # sending its part is given up); Locust says nothing when a worker goes, so
        # the wait wakes at each part and at least every CHECK seconds.
        while not connected() <= set(ledger.parts) and time.monotonic() < deadline:
            ledger.arrived.clear()
            ledger.arrived.wait(min(CHECK, max(0.0, deadline - time.monotonic())))
        missing = sorted(expected - set(ledger.parts))
        parts = [ledger.parts[i] for i in sorted(ledger.parts)]
    else:
        parts = [ledger.finish(0)]
    public = next((p["settings"] for p in parts if p.get("settings")), settings.public())
    ledger.report = swarm_report(
        parts,
        duration_s=time.time() - ledger.started,
        settings={"url": environment.host or _host(environment), **public},
        missing_workers=missing,
    )


def _host(environment: Environment) -> str | None:
    """The webhook URL of the locustfile's first user class, when --host did not give one."""
    return next((c.host for c in environment.user_classes if c.host), None)


def _settings(environment: Environment) -> SwarmSettings:
    """The settings of this process's users (on the master: of the locustfile's first one)."""
    if ledger.settings is None:
        from mockzenoti.locust.user import ZenotiUser, settings_for

        ours = [c for c in environment.user_classes if issubclass(c, ZenotiUser)]
        if ours:
            ledger.settings = settings_for(ours[0], environment)
        else:
            options = vars(environment.parsed_options) if environment.parsed_options else {}
            ledger.settings = SwarmSettings.from_options(options)
    return ledger.settings


@events.test_stop.add_listener
def _write(environment: Environment, **_: Any) -> None:
    report = ledger.report
    if report is None:
        return
    environment.process_exit_code = 0 if report["ok"] else 1
    path = _settings(environment).report
    if path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


@events.quit.add_listener
def _summary(exit_code: int, **_: Any) -> None:
    if ledger.report is not None:
        print("\n" + "\n".join(render_summary(ledger.report)), file=sys.stdout, flush=True)


def deactivated(target: SwarmTarget) -> None:
    """Say once per process that the webhook was deactivated and users stopped sending."""
    if target not in _told:
        _told.add(target)
        log.error(
            "%s deactivated after %d dead deliveries in a row: this process's users stop "
            "sending (the undelivered events are in the report)",
            target.url,
            target.state.failures,
        )


_told: set[SwarmTarget] = set()
