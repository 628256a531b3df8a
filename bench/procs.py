"""Child processes that are always stopped: bounded runs and RSS sampling.

Every child is started in its own session (process group) so that stopping it
also stops anything it started, and so that a Ctrl-C in the terminal reaches
the orchestrator, which then stops its children in ``finally`` blocks.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Completed",
    "RssRun",
    "RssSample",
    "bench_env",
    "own_cpu_seconds",
    "process_cpu_seconds",
    "read_group_rss",
    "read_rss",
    "run_bounded",
    "sample_rss",
    "stop_process",
    "system_busy_seconds",
]

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


def bench_env(root: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for children: ours, with ``root`` importable (``python -m bench.x``)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env.pop("PYTHONSTARTUP", None)
    if extra:
        env.update(extra)
    return env


def stop_process(proc: subprocess.Popen[bytes], grace: float = 3.0) -> None:
    """Stop ``proc`` and its process group: close its stdin, SIGTERM, then SIGKILL."""
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(grace)
    # Whatever the child left behind in its group goes too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for stream in (proc.stdout, proc.stderr):  # its pipes are ours to close
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


@dataclass(slots=True)
class Completed:
    """A finished bounded run: exit code (None when it was killed at the timeout).

    ``cpu_s`` is the CPU time (user + system) the child and its waited-for
    descendants used.
    """

    returncode: int | None
    stdout: str
    stderr: str
    elapsed: float
    timed_out: bool
    cpu_s: float = 0.0


@contextlib.contextmanager
def _child(
    cmd: Sequence[str], cwd: Path | None, env: Mapping[str, str] | None
) -> Iterator[tuple[subprocess.Popen[bytes], Callable[[], tuple[str, str]]]]:
    # Output goes to files, not pipes: a chatty child cannot block on a full pipe.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )

        def output() -> tuple[str, str]:
            out.seek(0)
            err.seek(0)
            return (
                out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"),
            )

        try:
            yield proc, output
        finally:
            stop_process(proc)


def run_bounded(
    cmd: Sequence[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Completed:
    """Run ``cmd`` to completion, killing it (and its group) after ``timeout`` seconds."""
    start, cpu = time.perf_counter(), _children_cpu()
    with _child(cmd, cwd, env) as (proc, output):
        try:
            code: int | None = proc.wait(timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            stop_process(proc)
            code, timed_out = None, True
        elapsed = time.perf_counter() - start
        stdout, stderr = output()
    return Completed(code, stdout, stderr, elapsed, timed_out, _children_cpu() - cpu)


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used, from ``/proc/PID/stat``."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        # Fields after the parenthesised command name; utime and stime are 14 and 15.
        fields = f.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def system_busy_seconds() -> float:
    """CPU time all cores spent busy (not idle or waiting on I/O) since boot, from /proc/stat."""
    with open("/proc/stat", "rb") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    # guest time is already counted in user time.
    return (sum(fields[:8]) - idle) / _TICKS


def own_cpu_seconds() -> float:
    """CPU time of this process plus its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def read_rss(pid: int) -> int:
    """Resident set size of process ``pid`` in bytes (from ``/proc/PID/statm``)."""
    with open(f"/proc/{pid}/statm", "rb") as f:
        return int(f.read().split()[1]) * _PAGE


def read_group_rss(pgid: int) -> int:
    """Total resident set size in bytes of the processes in process group ``pgid``.

    A child started in its own session (``run_bounded``, ``sample_rss``) leads a
    group that also holds the helper processes it starts (``mockzenoti run``'s
    simulation process), so this is the memory the command uses as a whole.
    """
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) == pgid:  # state, ppid, pgrp
                total += read_rss(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return total


@dataclass(frozen=True, slots=True)
class RssSample:
    """One sample: seconds since start, RSS in bytes, and the probe's progress (or None).

    ``rss`` is the whole process group's (the command and its helpers); ``own``
    the command's process alone.
    """

    t: float
    rss: int
    progress: int | None = None
    own: int = 0


@dataclass(slots=True)
class RssRun:
    """A command run while its RSS was sampled."""

    completed: Completed
    samples: list[RssSample] = field(default_factory=list)

    @property
    def peak(self) -> int:
        """The largest RSS seen, in bytes (0 when no sample was taken)."""
        return max((s.rss for s in self.samples), default=0)

    @property
    def peak_own(self) -> int:
        """The largest RSS of the command's own process, in bytes."""
        return max((s.own for s in self.samples), default=0)

    def rss_at(self, progress: int) -> int | None:
        """The RSS at the first sample whose progress reached ``progress``."""
        for s in self.samples:
            if s.progress is not None and s.progress >= progress:
                return s.rss
        return None

    def growth_pct(self, lo: int, hi: int) -> float | None:
        """RSS growth in percent between progress ``lo`` and ``hi`` (None if not reached)."""
        a, b = self.rss_at(lo), self.rss_at(hi)
        if a is None or b is None or a == 0:
            return None
        return (b - a) / a * 100


def sample_rss(
    cmd: Sequence[str],
    *,
    timeout: float,
    interval: float = 0.25,
    probe: Callable[[], int] | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> RssRun:
    """Run ``cmd`` and sample its RSS (and its process group's) every ``interval`` seconds.

    ``probe`` (for example the receiver's request count) is called at each
    sample so that RSS can be read against progress (``RssRun.rss_at``). The
    child is killed after ``timeout`` seconds.
    """
    samples: list[RssSample] = []
    start = time.perf_counter()
    with _child(cmd, cwd, env) as (proc, output):
        deadline = start + timeout
        timed_out = False
        while proc.poll() is None:
            now = time.perf_counter()
            if now >= deadline:
                stop_process(proc)
                timed_out = True
                break
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError):
                own = read_rss(proc.pid)
                if own:  # a zombie (exited, not yet reaped) reads as 0
                    group = max(read_group_rss(proc.pid), own)
                    samples.append(RssSample(now - start, group, probe() if probe else None, own))
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(min(interval, max(deadline - now, 0.0)))
        elapsed = time.perf_counter() - start
        stdout, stderr = output()
    completed = Completed(
        None if timed_out else proc.returncode, stdout, stderr, elapsed, timed_out
    )
    return RssRun(completed, samples)
