"""A simulation run in a child process, its events streamed back ready to send.

``mockzenoti run`` delivers a scenario's stream while simulating it. The two
compete for one core when they share a process (the world costs about as much
per event as sending it), so by default the world runs in a child process:
``python -m mockzenoti.scenarios.offload`` builds the same ``Simulation`` from a
picklable ``SimulationJob`` and writes its events, already serialised, to a pipe;
``RemoteSimulation`` reads them back as ``Event`` objects.

- Same events: the child runs ``load_scenario(job.scenario).simulate(...)``
  with the job's seed, limits, sizes and catalog renames, so the bodies are
  the bytes an in-process simulation writes. The parent's ``Event.payload``
  holds the envelope's header fields (``id``, ``event_id``, ``event_schema``,
  ``event_resource``, ``event_type``, ``event_timestamp``), not ``data``: the
  body is what is sent.
- Bounded: the child writes frames of ``BATCH`` events and blocks when the
  pipe (1 MiB) is full, so at most a few frames are ahead of the engine.
- Never stalls an event loop: ``ready()`` says whether ``next()`` would wait
  for the child; an asyncio caller then waits for ``fileno()`` to be
  readable (the engine does), so its requests go on meanwhile.
- Resumable: ``skip(n)`` (before the first event is read) makes the child
  drop the first ``n`` events without serialising or sending them.
- Truth: with ``track_truth``, the child sends ``expected()`` after the last
  event; ``RemoteSimulation.expected()`` returns it.
- Errors: an exception in the child is sent back and raised by the parent's
  ``next()``: a ``MockZenotiError`` as itself, anything else as
  ``SimulationProcessError`` carrying the child's traceback.
- Polite: the child lowers its priority (``NICE``); it is a pipe's worth of
  events ahead, so the engine and a receiver on the same machine go first.
- Never orphaned: the child exits when its pipe's reader goes away (a
  write fails), when its parent dies (``PR_SET_PDEATHSIG`` on Linux), and on
  ``close()`` (also called at interpreter exit); it ignores SIGINT, which the
  parent handles.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import subprocess
import sys
import traceback
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from mockzenoti.errors import MockZenotiError
from mockzenoti.event import Event
from mockzenoti.scenarios.cycles import CyclePause
from mockzenoti.scenarios.frames import HEAD, FrameReader

__all__ = ["BATCH", "NICE", "RemoteSimulation", "SimulationJob", "SimulationProcessError", "serve"]

#: Events per frame sent from the child.
BATCH = 256
_SKIP = struct.Struct("!Q")
_PIPE_BYTES = 1 << 20
#: The child's niceness: it runs ahead of the engine by a pipe's worth of events,
#: so it can yield the CPU to the engine and to a local receiver when they need it.
NICE = 10
_F_SETPIPE_SZ = 1031  # Linux fcntl
_EVENTS, _END, _ERROR = b"E", b"T", b"X"
#: The envelope fields sent with each body (the parent's ``Event.payload``).
_HEADER = ("id", "event_id", "event_schema", "event_resource", "event_type", "event_timestamp")


class SimulationProcessError(RuntimeError):
    """The simulation's child process failed or vanished; the message says how."""


@dataclass(frozen=True, slots=True)
class SimulationJob:
    """What the child needs to rebuild the simulation (all picklable).

    ``scenario`` is a built-in's name or a file path (read in the child, from
    the same working directory); ``renames`` are the configured catalog
    renames (``{"event_types": {...}, "event_resources": {...}}``).
    """

    scenario: str
    seed: str | int
    events: int | None = None
    duration: str | None = None
    sizes: Mapping[str, Any] = field(default_factory=dict)
    renames: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    track_truth: bool = False

    def simulate(self) -> Any:
        """The ``Simulation`` this job describes (what the child iterates)."""
        from mockzenoti.catalog import load_catalog
        from mockzenoti.scenarios import load_scenario

        types = dict(self.renames.get("event_types", {}))
        resources = dict(self.renames.get("event_resources", {}))
        catalog = load_catalog(types, resources) if types or resources else None
        return load_scenario(self.scenario).simulate(
            self.seed,
            events=self.events,
            duration=self.duration,
            sizes=dict(self.sizes),
            catalog=catalog,
            track_truth=self.track_truth,
        )


# -- the child ---------------------------------------------------------------------------------


def _frame(out: BinaryIO, kind: bytes, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(HEAD.pack(kind, len(data)))
    out.write(data)
    out.flush()


def _read_exactly(inp: BinaryIO, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = inp.read(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _stream(sim: Any, skip: int, truth: bool, out: BinaryIO, cycles: CyclePause) -> None:
    it = iter(sim)
    for _ in range(skip):
        if next(it, None) is None:
            break
    batch: list[tuple[Any, ...]] = []
    for ev in it:
        p = ev.payload
        header = {k: p[k] for k in _HEADER}
        batch.append((ev.name, header, ev.keys, ev.seq, ev.center_id, ev.body()))
        if len(batch) >= BATCH:
            _frame(out, _EVENTS, batch)
            batch = []
            cycles.count(BATCH)
    if batch:
        _frame(out, _EVENTS, batch)
    _frame(out, _END, sim.expected() if truth else None)


def serve(inp: BinaryIO, out: BinaryIO) -> int:
    """The child's work: read the job and the skip count, stream the events, exit code."""
    try:
        job = pickle.loads(_read_exactly(inp, _SKIP.unpack(_read_exactly(inp, _SKIP.size))[0]))
        sim = job.simulate()
        skip = _SKIP.unpack(_read_exactly(inp, _SKIP.size))[0]
        with CyclePause() as cycles:  # this process only simulates
            _stream(sim, skip, job.track_truth, out, cycles)
    except (EOFError, BrokenPipeError):
        return 0  # the parent went away: nothing to report to
    except BaseException as exc:
        text = traceback.format_exc()
        try:
            pickle.dumps(exc)
            shipped: BaseException | None = exc
        except Exception:
            shipped = None
        with contextlib.suppress(BrokenPipeError, OSError):
            _frame(out, _ERROR, (shipped, type(exc).__name__, str(exc), text))
        return 1
    return 0


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this process when its parent dies (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl
            os._exit(0)


def _child_main() -> None:  # pragma: no cover - runs in the child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(NICE)
    with contextlib.suppress(OSError):
        import fcntl

        fcntl.fcntl(sys.stdout.fileno(), _F_SETPIPE_SZ, _PIPE_BYTES)
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))


# -- the parent --------------------------------------------------------------------------------


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Close the pipes and end the child (SIGTERM, then SIGKILL); reap it."""
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck child
            proc.kill()
            proc.wait()


class RemoteSimulation(Iterator[Event]):
    """The events of ``job``'s simulation, made by a child process (see the module docstring).

    The child starts at once (it builds the world while the caller gets
    ready) and waits for ``skip(n)`` or the first ``next()`` to start
    streaming. Use ``close()`` (or a ``with`` block) when done early.
    """

    def __init__(self, job: SimulationJob, *, python: str = sys.executable) -> None:
        self.job = job
        self._proc = subprocess.Popen(
            [python, "-m", "mockzenoti.scenarios.offload"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=_PIPE_BYTES,
        )
        self._finalizer = weakref.finalize(self, _stop, self._proc)
        self._started = False
        self._done = False
        self._truth: dict[str, Any] | None = None
        self._rows: list[tuple[Any, ...]] = []  # the frame being read, from _next on
        self._next = 0
        assert self._proc.stdout is not None
        self._frames = FrameReader(self._proc.stdout.fileno())  # read past stdout's buffer
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(_SKIP.pack(len(data)) + data)
            self._proc.stdin.flush()
        except OSError as exc:
            self.close()
            raise SimulationProcessError(f"the simulation process did not start: {exc}") from exc

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._proc.pid

    def skip(self, n: int) -> None:
        """Drop the first ``n`` events in the child (only before the first ``next()``)."""
        if self._started:
            raise RuntimeError("skip() must come before the first event is read")
        self._started = True
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(_SKIP.pack(n))
            self._proc.stdin.close()
        except OSError:
            pass  # the child failed already: the next read says why

    def fileno(self) -> int:
        """The child's pipe: when ``ready()`` is False, wait for it to be readable."""
        return self._frames.fileno()

    def ready(self) -> bool:
        """True when ``next()`` will not wait for the child (an event or the end is at hand).

        An asyncio caller waits for ``fileno()`` to be readable until this is
        True, instead of blocking its event loop in ``next()``.
        """
        if self._next < len(self._rows) or self._done:
            return True
        if not self._started:
            self.skip(0)
        return self._frames.poll()

    def __next__(self) -> Event:
        if self._next < len(self._rows):
            self._next += 1
            return Event(*self._rows[self._next - 1])
        if self._done:
            raise StopIteration
        if not self._started:
            self.skip(0)
        rows = self._read()
        self._rows, self._next = rows, 0
        return self.__next__()

    def _read(self) -> list[tuple[Any, ...]]:
        frame = self._frames.read()
        if frame is None:
            self._done = True
            code = self._proc.wait()
            raise SimulationProcessError(
                f"the simulation process exited unexpectedly (exit code {code})"
            )
        kind, data = frame
        obj = pickle.loads(data)
        if kind == _EVENTS:
            rows: list[tuple[Any, ...]] = obj
            return rows
        self._done = True
        self.close()
        if kind == _END:
            self._truth = obj
            return []
        shipped, name, message, text = obj
        if isinstance(shipped, MockZenotiError):
            raise shipped
        raise SimulationProcessError(f"the simulation process failed: {name}: {message}\n{text}")

    def expected(self) -> dict[str, Any]:
        """The truth the child sent after the last event (``track_truth`` jobs)."""
        if self._truth is None:
            raise MockZenotiError(
                "no truth: the stream is not finished or truth tracking is off",
                field="track_truth",
            )
        return self._truth

    def close(self) -> None:
        """Stop the child (idempotent); later ``next()`` calls end the stream."""
        self._done = True
        self._rows, self._next = [], 0
        self._finalizer()

    def __enter__(self) -> RemoteSimulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":  # pragma: no cover - the child process
    _child_main()
