"""A run as the server tracks it (``RunHandle``) and as the API shows it (``run_view``).

The read routes (``GET /runs``, ``/stats``, the stream's progress) ask a
``RunsReader`` which runs this process delivers now: the server's
``RunsManager``, or the watcher of a CLI run (``mockzenoti run --live``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from mockzenoti.delivery import Engine
from mockzenoti.delivery.outbox import UNSETTLED, RunRecord
from mockzenoti.errors import MockZenotiError
from mockzenoti.security.secrecy import public_spec, redact_url
from mockzenoti.server.runspec import RunSpec
from mockzenoti.server.settings import ServerSettings

if TYPE_CHECKING:
    from mockzenoti.server.sandboxes import RunApi

__all__ = [
    "FINAL",
    "STATES",
    "RunHandle",
    "RunStatus",
    "RunsReader",
    "describe",
    "expected_for",
    "run_state",
    "run_view",
]

#: A run's states as the API shows them.
STATES = ("running", "done", "stopped", "failed")
FINAL = ("done", "stopped", "failed")
_FOREIGN = "interrupted: this run was not started by the control server, so it is not resumed here"


class RunStatus(Protocol):
    """What a view reads of a run this process delivers (a ``RunHandle``, or a CLI run)."""

    final: str | None
    error: str | None
    resumed: bool
    result: dict[str, Any]
    stop: asyncio.Event


class RunsReader(Protocol):
    """The runs this process delivers, as the read routes and the live feed see them."""

    @property
    def active(self) -> int:
        """How many runs are delivering now."""

    async def current(self) -> Mapping[int, RunStatus]:
        """The runs delivering now (or just finished), by id; take it before reading records."""

    async def progress(self) -> list[dict[str, Any]]:
        """``run.progress`` changes for the runs delivering now."""


@dataclass(eq=False)
class RunHandle:
    """A run this process started or resumed: its task, stop request, stream and result."""

    id: int
    spec: RunSpec
    sim: Any = None
    result: dict[str, Any] = field(default_factory=dict)
    resumed: bool = False
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    cut: bool = False
    error: str | None = None
    final: str | None = None
    engine: Engine | None = None
    api: RunApi | None = None  # its /v1 (sandbox, key)

    @property
    def running(self) -> bool:
        """True while the run's task is alive."""
        return self.task is not None and not self.task.done()


def describe(exc: BaseException) -> str:
    """A one-line account of an error for a run's ``error`` field."""
    if isinstance(exc, MockZenotiError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def expected_for(handle: RunHandle, accepted: int, settings: ServerSettings) -> Any:
    """The expected final state after the run's ``accepted`` events (None without truth).

    The run's own simulation is used when it handed out exactly the events
    accepted; otherwise (a paced run stopped mid-wait holds one more) the
    stream is simulated again up to ``accepted``.
    """
    sim = handle.sim
    if sim is None or not sim.tracking:
        return None
    if sim.emitted != accepted:
        sim = handle.spec.simulate(settings.catalog)
        sim.skip(accepted)
    return sim.expected()


def _result(record: RunRecord, handle: RunStatus | None) -> dict[str, Any]:
    """The run's stored result; the handle's copy once it has finished (fresher)."""
    if handle is not None and handle.final is not None:
        return handle.result
    return record.result if isinstance(record.result, dict) else {}


def run_state(record: RunRecord, handle: RunStatus | None) -> tuple[str, str | None]:
    """The API state of a run and its error message.

    Take ``handle`` (or None) before reading ``record``: a run whose handle
    is gone has its final result in the outbox already.
    """
    result = _result(record, handle)
    error = result.get("error")
    if handle is not None and handle.final is None:
        return "running", handle.error or error
    if result.get("state") in FINAL:
        return str(result["state"]), error
    if RunSpec.from_spec(record.spec) is None:
        return ("done", None) if record.state == "finished" else ("failed", _FOREIGN)
    if error:
        return "failed", error
    return ("done", None) if record.state == "finished" else ("running", None)


def _command_view(spec: Any) -> dict[str, Any]:
    """What the page shows of a run a command started: scenario (or what it sent), seed, events."""
    if not isinstance(spec, dict) or "command" not in spec:
        return {}
    command = spec["command"]
    what = spec.get("scenario") or spec.get("event_type") or command
    if command == "replay":
        what = "replay " + str(spec.get("file", "")).rsplit("/", 1)[-1]
    elif command == "emit":
        what = f"emit {what}"
    return {
        "command": command,
        "scenario": what,
        "seed": spec.get("seed"),
        "events": spec.get("events"),
    }


def run_view(
    record: RunRecord,
    handle: RunStatus | None,
    counts: dict[str, int],
    *,
    expected: bool = False,
) -> dict[str, Any]:
    """A run as ``GET /runs/{id}`` shows it (``expected``: include the expected final state)."""
    state, error = run_state(record, handle)
    result = _result(record, handle)
    spec = RunSpec.from_spec(record.spec)
    view: dict[str, Any] = {"id": record.id, "state": state}
    if spec is not None:
        view.update(spec.public())
    else:
        view.update(_command_view(record.spec), spec=public_spec(record.spec))
    view.update(
        targets=[redact_url(name) for name in record.targets],
        accepted=record.accepted,
        counts=counts,
        settled=not any(counts.get(s, 0) for s in UNSETTLED),
        possible_duplicates=record.possible_duplicates,
        stop_requested=bool(result.get("stop_requested"))
        or (handle is not None and handle.stop.is_set()),
        resumed=handle.resumed if handle is not None else bool(result.get("resumed")),
        error=error,
        expected_available=result.get("expected") is not None,
        created_at=record.created_at,
        updated_at=record.updated_at,
        finished_at=record.finished_at,
    )
    if expected:
        view["expected"] = result.get("expected")
    return view
