"""``mockzenoti run --live [HOST:]PORT``: the live page and the read-only API beside a CLI run.

``serve_live`` runs on one event loop: the read-only server
(``mockzenoti.server.watch``) over the run's own outbox and hub, then the run
(``_runtime.run_phase``: its progress, its Ctrl-C), then the summary
(``conclude``), then, with ``--linger``, the page stays up until Ctrl-C.
The server is up before the first event is accepted, so the page sees the
whole run; it reads what the run writes, a group commit behind at most.
It also answers Zenoti's REST API reads over the run's world (``LiveRest``:
``/v1`` with the key it prints), as the engine accepts the events.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import re
import signal
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mockzenoti.cli._runtime import say
from mockzenoti.errors import ConfigError

if TYPE_CHECKING:
    from mockzenoti.catalog import Catalog
    from mockzenoti.cli.progress import Progress
    from mockzenoti.delivery import Hub, Outbox
    from mockzenoti.event import Event
    from mockzenoti.rest import Sandbox

__all__ = ["CliRuns", "LiveOptions", "LiveRest", "parse_live", "serve_live"]

T = TypeVar("T")
_ADDRESS = re.compile(r"^(?:(?P<host>\[[^\]]+\]|[^:\[\]]+):)?(?P<port>[0-9]{1,5})$")


def parse_live(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """Click callback: ``[HOST:]PORT`` as ``(host, port)`` (host 127.0.0.1 unless given)."""
    if value is None:
        return None
    match = _ADDRESS.match(value.strip())
    port = int(match["port"]) if match else -1
    if match is None or port > 65535:
        raise click.BadParameter(
            f"{value!r} is not [HOST:]PORT (8800, 127.0.0.1:8800, [::1]:8800; port 0: any free "
            "port)",
            param=param,
        )
    host = (match["host"] or "127.0.0.1").strip("[]")
    return host, port


class LiveRest:
    """The run's Zenoti REST API (``/v1``, reads only) beside the live page.

    Its ``key`` is derived from the run's identity (the same command has the
    same key); ``limit`` is calls a minute (0: none). The run's stream gives
    it the sandbox of its world (``attach``) and publishes each accepted batch.
    """

    def __init__(self, spec: Any, limit: int, catalog: Catalog) -> None:
        from mockzenoti.delivery.clock import RealClock
        from mockzenoti.delivery.outbox.admin import spec_key
        from mockzenoti.server.sandboxes import Sandboxes
        from mockzenoti.server.settings import ServerSettings

        digest = hashlib.sha256(f"mockzenoti-rest:{spec_key(spec)}".encode()).hexdigest()
        self.key = digest[:32]
        self.limit = limit
        self.sandboxes = Sandboxes(None, ServerSettings(catalog=catalog), RealClock())
        self.sandbox: Sandbox | None = None

    def attach(self, sandbox: Sandbox) -> None:
        """``/v1`` answers from ``sandbox`` (the world of the stream just made)."""
        self.sandbox = sandbox
        self.sandboxes.add(0, self.key, sandbox, self.limit)

    def publish(self, events: list[Event]) -> None:
        """The engine accepted ``events``."""
        if self.sandbox is not None:
            self.sandbox.publish(events)


@dataclass(frozen=True, slots=True)
class LiveOptions:
    """Where the live page listens, whether it lingers, the catalog it describes, and the
    run's ``/v1`` (``rest``)."""

    host: str
    port: int
    linger: bool
    catalog: Catalog
    token: str | None = None
    rest: LiveRest | None = None


@dataclass(eq=False)
class _CliRun:
    """The run's status as the server's views read it (``runstate.RunStatus``)."""

    final: str | None = None
    error: str | None = None
    resumed: bool = False
    result: dict[str, Any] = field(default_factory=dict)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


class _Ours(Mapping[int, _CliRun]):
    """The run this command delivers, by id: ``run_id``, or any run newer than ``after``.

    Until the run's row is read back its number is not known; the outbox is
    this process's alone, so a run newer than every run at the start is it.
    """

    def __init__(self, runs: CliRuns) -> None:
        self.runs = runs

    def __getitem__(self, run_id: int) -> _CliRun:
        runs = self.runs
        if runs.delivering and (
            run_id == runs.run_id or (runs.run_id is None and run_id > runs.after)
        ):
            runs.run_id = run_id
            return runs.status
        raise KeyError(run_id)

    def __iter__(self) -> Iterator[int]:
        return iter(
            [] if self.runs.run_id is None or not self.runs.delivering else [self.runs.run_id]
        )

    def __len__(self) -> int:
        return len(list(iter(self)))


class CliRuns:
    """The one run this command delivers, as the read routes see it (``runstate.RunsReader``).

    ``run_id``: the run being resumed, else None until the new run's row is
    read (it is the first run newer than ``after``, the newest at the start).
    """

    def __init__(self, box: Outbox, spec: Any, hub: Hub, *, run_id: int | None, after: int) -> None:
        self.baseline = box.counts()  # before the run's engine counts anything
        self.box = box
        self.spec = spec
        self.hub = hub
        self.run_id = run_id
        self.after = after
        self.status = _CliRun(resumed=run_id is not None)
        self.delivering = True

    @property
    def active(self) -> int:
        """1 while the run delivers."""
        return 1 if self.delivering else 0

    async def current(self) -> Mapping[int, _CliRun]:
        """The run while it delivers; nothing after (its record then says ``done``)."""
        return _Ours(self)

    async def progress(self) -> list[dict[str, Any]]:
        """The run's ``run.progress`` (accepted events, deliveries by state)."""
        if self.run_id is None and self.delivering:
            record = await self.box.call(self.box.find_run, self.spec)
            self.run_id = None if record is None else record.id
        run_id = self.run_id
        if run_id is None or not self.delivering:
            return []
        record = await self.box.call(self.box.get_run, run_id)
        counts = await self.box.call(self.box.counts, run_id=run_id)
        return [
            {
                "type": "run.progress",
                "run_id": run_id,
                "accepted": record.accepted,
                "counts": counts,
                "stop_requested": False,
            }
        ]

    def finished(self, interrupted: bool) -> None:
        """The run ended: say so on the stream (the page then reads its final numbers)."""
        self.delivering = False
        if self.run_id is not None and self.hub.active:
            state = "failed" if interrupted else "done"
            error = (
                "interrupted (Ctrl-C): run the same command again to resume"
                if interrupted
                else None
            )
            self.hub.emit(
                {
                    "type": "run.state",
                    "run_id": self.run_id,
                    "state": state,
                    "stop_requested": interrupted,
                    "error": error,
                }
            )


async def _until_signal() -> None:
    """Wait for SIGINT or SIGTERM."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def serve_live(
    live: LiveOptions,
    box: Outbox,
    hub: Hub,
    runs: CliRuns,
    work: Callable[[], Awaitable[T]],
    progress: Progress | None,
    conclude: Callable[[T | None, bool], int],
) -> int:
    """Serve the live page, run ``work``, ``conclude`` (the summary; the exit code), linger."""
    from mockzenoti.delivery import run

    code: int = run(_serve_live(live, box, hub, runs, work, progress, conclude))
    return code


async def _serve_live(
    live: LiveOptions,
    box: Outbox,
    hub: Hub,
    runs: CliRuns,
    work: Callable[[], Awaitable[T]],
    progress: Progress | None,
    conclude: Callable[[T | None, bool], int],
) -> int:
    from aiohttp import web

    from mockzenoti.cli._runtime import run_phase
    from mockzenoti.server.serve import url_for
    from mockzenoti.server.settings import ServerSettings
    from mockzenoti.server.tally import BaselineTally
    from mockzenoti.server.watch import create_watch_app

    settings = ServerSettings(
        host=live.host, port=live.port, outbox=box.path, token=live.token, catalog=live.catalog
    )
    sandboxes = live.rest.sandboxes if live.rest is not None else None
    app = create_watch_app(box, hub, runs, settings, BaselineTally(runs.baseline, hub), sandboxes)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, live.host, live.port).start()
        except OSError as exc:
            what = "in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
            raise ConfigError(
                f"cannot listen on {live.host}:{live.port}: {what}", field="--live"
            ) from None
        url = url_for(live.host, runner.addresses[0][1])
        auth = f" (token required: {url}/?access_token=...)" if live.token else ""
        say(f"live page: {url}/{auth}; read-only API: {url}/runs, {url}/deliveries, {url}/events")
        if live.rest is not None:
            say(f"Zenoti REST API (reads): {url}/v1/ with 'Authorization: apikey {live.rest.key}'")
        result, interrupted = await run_phase(work, progress)
        runs.finished(interrupted)
        code = conclude(result, interrupted)
        if live.linger and not interrupted:
            say(f"the live page stays up at {url}/ until Ctrl-C")
            await _until_signal()
            say("stopping the live page")
        return code
    finally:
        await runner.cleanup()
