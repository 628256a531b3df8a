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
  is cut in the middle and the counts are exact, then writes
  ``--mockzenoti-report``; ``quit``: prints the summary last, after Locust's
  tables, and the exit code says whether every event was delivered.

Ctrl-C in a terminal reaches every process of the swarm at once, in any
phase; so a worker sends its part before it tells the master it quits (one
part, whether the master's ``finish`` or Ctrl-C asked first), and the master
holds the test in ``stopping`` while it gathers, so that Locust does not
hand a quitting worker's users to the others meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import gevent
from gevent.event import Event as Flag
from gevent.lock import Semaphore
from locust import events
from locust.env import Environment
from locust.runners import (
    STATE_INIT,
    STATE_RUNNING,
    STATE_SPAWNING,
    STATE_STOPPING,
    MasterRunner,
    WorkerRunner,
)

from mockzenoti.security.secrecy import redact_url
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
    keeps the workers' ``parts`` and the ``members`` of the test (every
    worker connected while it ran); ``gathered`` is set while no gathering
    is under way. A worker is ``closed`` from the moment it starts its part
    until the master stops the test: a spawn that comes late starts nothing.
    ``quitting``: the process is on its way out (a first Ctrl-C then changes
    nothing; ``interrupts`` counts them).
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
        self.members: set[int] = set()
        self.arrived = Flag()
        self.gathered = Flag()
        self.gathered.set()
        self.settings: SwarmSettings | None = None
        self.started = time.time()
        self.drain_until = 0.0
        self.sent = False  # a worker sent its part of this test
        self.closed = False
        self.answering = Semaphore()
        self.quitting = False
        self.interrupts = 0
        self.forked = False  # a worker --processes forked, before init
        self.environment: Environment | None = None
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
        """A test starts (again, from the web UI): new users, an active webhook, new counts.

        Not on a closed worker (its part is sent, or under way) nor in a process
        on its way out: users a late spawn starts rest at once, and the counts
        and report stay those of the test that stopped.
        """
        if self.closed or self.quitting:
            return
        self.players.clear()
        self.targets.clear()
        self.stopping.clear()
        self.running.set()
        self.parts.clear()
        self.members.clear()
        self.sent = False
        self.report = None
        self.started = time.time()

    def answer(self, index: int, send: Callable[[dict[str, Any]], None]) -> None:
        """A worker's answer to the stop: finish, then ``send(part)``; once per test.

        The master's ``finish`` and Ctrl-C may both ask, in either order: the
        second waits until the first has sent the part, so a worker that quits
        has always sent its part before it tells the master.
        """
        self.closed = True
        with self.answering:
            if not self.sent:
                send(self.finish(index))
                self.sent = True

    def reopen(self) -> None:
        """The master stopped the test (its parts are in): the next spawn starts a new one."""
        if not self.quitting:
            self.closed = False

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


def _early(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C while Locust starts (before ``init``).

    The master (or a run without workers) remembers it and stops at ``init``;
    a worker ``--processes`` forked, not started yet (no user, maybe not even
    connected), leaves quietly. A second Ctrl-C stops at once.
    """
    ledger.interrupts += 1
    if ledger.interrupts > 1:
        raise KeyboardInterrupt
    if ledger.forked:
        raise SystemExit(0)
    log.info("Ctrl-C: the swarm stops as soon as Locust has started")


def _forked() -> None:
    """In a worker Locust just forked: one Ctrl-C before the fork ends it at once."""
    if ledger.environment is None:
        ledger.forked = True
        if ledger.interrupts:
            os._exit(0)  # nothing started here; the master stops the swarm


def _hold_ctrl_c() -> None:
    """In the Locust process that will run the swarm, keep a Ctrl-C that comes too early.

    Locust imports, forks its workers and connects them before ``init``, and
    handles no Ctrl-C until then: one pressed meanwhile ends a process with a
    traceback, or leaves the master waiting for a worker that is gone.
    ``mockzenoti locust`` starts Locust with SIGINT blocked, so one pressed
    while Locust imports is pending until here; from here ``_early`` takes it.
    Not in a ``--worker`` of its own: it may wait long for its master, and
    Ctrl-C there ends it as Locust does.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    launched = sys.argv[0].replace("\\", "/").endswith(("/locust", "/locust/__main__.py"))
    blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    worker = "--worker" in sys.argv or os.environ.get("LOCUST_MODE_WORKER", "").lower() in (
        "1",
        "true",
    )
    default = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if (launched or blocked) and not worker and default:
        signal.signal(signal.SIGINT, _early)
        os.register_at_fork(after_in_child=_forked)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])


_hold_ctrl_c()


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
    ledger.interrupts += 1
    _on_ctrl_c()


def _on_ctrl_c() -> None:
    """Stop for the Ctrl-C counted in ``ledger.interrupts``, from a greenlet of its own.

    A first Ctrl-C that comes when the process is already on its way out
    changes nothing (a second one stops it at once). A headless master still
    waiting for its workers stops from here: Locust handles no Ctrl-C there.
    """
    main = gevent.get_hub().parent
    environment = ledger.environment
    runner = environment.runner if environment is not None else None
    if ledger.interrupts == 1 and ledger.quitting:
        log.info("stopping already: a second Ctrl-C stops at once")
        return
    options = environment.parsed_options if environment is not None else None
    if (
        ledger.interrupts == 1
        and isinstance(runner, MasterRunner)
        and runner.state == STATE_INIT
        and options is not None
        and options.headless
    ):
        assert environment is not None
        main.throw(SystemExit(_stop_before_start(environment, runner)))
        return
    main.throw(KeyboardInterrupt)


def _stop_before_start(environment: Environment, runner: MasterRunner) -> int:
    """Ctrl-C before the test started: workers told to quit, an empty report; the exit code.

    No worker got a user yet, so no event was sent: the report says so.
    """
    ledger.quitting = True
    ledger.closed = True  # a start that races this one leaves the report as it is
    log.info("Ctrl-C before the swarm started: no event was sent")
    runner.send_message("quit")  # connected workers quit (each sends an empty part first)
    _conclude(environment, [], [])
    _summary(exit_code=0)
    return environment.process_exit_code or 0


@events.init.add_listener
def _init(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    ledger.environment = environment
    if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _early):
        gevent.signal_handler(signal.SIGINT, _interrupt)
        if ledger.interrupts:
            gevent.spawn(_on_ctrl_c)  # pressed while Locust started: stop now
    if isinstance(runner, WorkerRunner):

        def send(part: dict[str, Any]) -> None:
            runner.send_message(PART, part)

        def on_finish(environment: Environment, msg: Any, **_: Any) -> None:
            ledger.answer(runner.worker_index, send)

        def on_quitting(environment: Environment, **_: Any) -> None:
            # Ctrl-C reaches the workers --processes forked too, maybe before the
            # master's finish, maybe while answering it: either way the part goes
            # before Locust tells the master this worker quits (this listener runs
            # first), even an empty one (Ctrl-C before any user started).
            ledger.quitting = True
            if runner.worker_index >= 0:
                ledger.answer(runner.worker_index, send)

        def on_stop(environment: Environment, **_: Any) -> None:
            ledger.reopen()

        runner.register_message(FINISH, on_finish, concurrent=True)
        environment.events.quitting.add_listener(on_quitting)
        environment.events.test_stop.add_listener(on_stop)
    elif isinstance(runner, MasterRunner):

        def on_part(environment: Environment, msg: Any, **_: Any) -> None:
            ledger.parts[int(msg.data["index"])] = msg.data
            ledger.arrived.set()

        def on_connect(client_id: str, **_: Any) -> None:
            # a worker that joins the test while it runs is one of its members
            if runner.state in (STATE_SPAWNING, STATE_RUNNING) and ledger.gathered.is_set():
                ledger.members.add(runner.get_worker_index(client_id))

        def hold(**_: Any) -> None:
            # A ramp-up that ends while the parts are gathered would set the test
            # running again, and Locust then rebalances users when a worker quits.
            if not ledger.gathered.is_set():
                runner.update_state(STATE_STOPPING)

        runner.register_message(PART, on_part)
        environment.events.worker_connect.add_listener(on_connect)
        _complete_worker_reports(environment)
        environment.events.spawning_complete.add_listener(hold)
    if not isinstance(runner, WorkerRunner):

        def on_master_quitting(environment: Environment, **_: Any) -> None:
            # Ctrl-C while the run-time's stop gathers in another greenlet: the
            # report is made before Locust tells the workers to quit; after a
            # second Ctrl-C, not: Locust stops at once, and says it has no report.
            ledger.quitting = True
            if ledger.interrupts < 2:
                ledger.gathered.wait()
            elif not ledger.gathered.is_set():
                log.error("stopped before every worker's counts came: no report")
                environment.process_exit_code = 1

        environment.events.quitting.add_listener(on_master_quitting)


def _complete_worker_reports(environment: Environment) -> None:
    """Let the master read a report a worker sent before its runner was complete.

    A worker that gets the master's ``quit`` (a Ctrl-C while workers connect)
    while its runner is still being made sends its last stats before Locust
    adds ``user_classes_count`` to them, and Locust's master listener then
    fails on the missing key. Such a worker started no user: this listener,
    put before Locust's, says so.
    """

    def complete(client_id: str, data: dict[str, Any], **_: Any) -> None:
        data.setdefault("user_classes_count", {})
        data.setdefault("user_count", 0)

    handlers = getattr(environment.events.worker_report, "_handlers", None)
    if isinstance(handlers, list):
        handlers.insert(0, complete)
    else:  # pragma: no cover - a Locust that keeps its listeners elsewhere
        environment.events.worker_report.add_listener(complete)


@events.test_start.add_listener
def _start(environment: Environment, **_: Any) -> None:
    ledger.begin()
    _told.clear()
    runner = environment.runner
    if isinstance(runner, MasterRunner):
        ledger.members = {runner.get_worker_index(c.id) for c in runner.clients.all}


@events.test_stopping.add_listener
def _gather(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    if isinstance(runner, WorkerRunner) or runner is None:
        return  # a worker answers the master's FINISH
    if not ledger.gathered.is_set() or ledger.report is not None:
        return  # Locust stops a test twice at times (Ctrl-C, and the last worker quitting)
    ledger.gathered.clear()
    try:
        options = environment.parsed_options
        if options is not None and options.headless:
            ledger.quitting = True  # a headless run quits once its test stops
        if isinstance(runner, MasterRunner):
            parts, missing = _gather_parts(runner, _settings(environment))
        else:
            parts, missing = [ledger.finish(0)], []
        _conclude(environment, parts, missing)
    finally:
        ledger.gathered.set()


def _gather_parts(
    runner: MasterRunner, settings: SwarmSettings
) -> tuple[list[dict[str, Any]], list[int]]:
    """Ask every worker to finish and wait for their parts; the parts and the workers missing.

    From here the test is ``stopping`` for Locust too: a worker that quits
    meanwhile (Ctrl-C) is not replaced by a rebalance that would start users
    on the others and hold the master's messages for a second.
    """
    runner.update_state(STATE_STOPPING)

    def connected() -> set[int]:
        return {runner.get_worker_index(c.id) for c in runner.clients.all}

    expected = ledger.members | connected()
    runner.send_message(FINISH)
    deadline = time.monotonic() + settings.drain + settings.timeout + 2 * GATHER_GRACE
    # Wait for a part from every worker still connected: a worker sends its part
    # before it quits, so one gone without it is given up; Locust says nothing
    # when a worker goes, so the wait wakes at each part and every CHECK seconds.
    while not connected() <= set(ledger.parts) and time.monotonic() < deadline:
        ledger.arrived.clear()
        ledger.arrived.wait(min(CHECK, max(0.0, deadline - time.monotonic())))
    missing = sorted(expected - set(ledger.parts))
    return [ledger.parts[i] for i in sorted(ledger.parts)], missing


def _conclude(environment: Environment, parts: list[dict[str, Any]], missing: list[int]) -> None:
    """The report from the parts: kept for the summary, written, and the exit code set."""
    settings = _settings(environment)
    public = next((p["settings"] for p in parts if p.get("settings")), settings.public())
    report = ledger.report = swarm_report(
        parts,
        duration_s=time.time() - ledger.started,
        settings={"url": _shown(environment.host or _host(environment)), **public},
        missing_workers=missing,
    )
    environment.process_exit_code = 0 if report["ok"] else 1
    if settings.report:
        target = Path(settings.report)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def _shown(url: str | None) -> str | None:
    """The webhook URL as the report shows it (a password in it as ``****``)."""
    return None if url is None else redact_url(url)


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
