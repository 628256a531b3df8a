"""Delivering a stream as a resumable run: what ``run``, ``emit`` and ``replay`` share.

A command builds a ``StreamJob`` (the run's spec, the stream, targets, engine
options, where the outbox is, what to write at the end) and calls
``deliver_stream(job)``, which returns the exit code: 0 when every delivery of
the run was delivered, 1 otherwise (dead, held, undelivered or interrupted).

The spec identifies the run: the same spec finds the unfinished run and
resumes it (events already accepted are skipped, unsettled deliveries are
sent); a finished spec starts a new run. A new run starts with its targets
active again, even if an earlier run deactivated them; the earlier run's held
deliveries stay held (``redeliver --state held --reactivate`` sends them).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mockzenoti.cli._runtime import execute, open_box, say
from mockzenoti.cli.progress import Mode, Progress
from mockzenoti.cli.summary import render_run, run_report
from mockzenoti.errors import NotFound

if TYPE_CHECKING:
    from mockzenoti.cli._live import LiveOptions
    from mockzenoti.delivery import DeliveryOptions, Outbox, Target
    from mockzenoti.event import Event

__all__ = ["StreamJob", "deliver_stream", "writable", "write_bytes", "write_json"]

_UNSETTLED = ("pending", "delivering", "retrying")


@dataclass(slots=True)
class StreamJob:
    """Everything ``deliver_stream`` needs; see the module docstring.

    ``events_total``: the stream's length when known (for the progress bar).
    ``truth``: called after the stream is exhausted, the expected final
    state for ``--report`` and ``--expect`` (None: none). ``live``: serve the
    live page and the read-only API while the run lasts (``run --live``).
    ``accepted``: told of each batch the engine accepts (the run's ``/v1``).
    """

    spec: dict[str, Any]
    stream_factory: Callable[[], Iterable[Event]]
    targets: list[Target]
    options: DeliveryOptions
    outbox: str
    title: str
    progress: Mode = "none"
    events_total: int | None = None
    report: str | None = None
    expect: str | None = None
    truth: Callable[[], dict[str, Any] | None] | None = None
    live: LiveOptions | None = None
    accepted: Callable[[list[Event]], object] | None = None


def writable(path: str | None, option: str) -> None:
    """Refuse, before any work, an output file whose directory does not exist."""
    if path is not None and not Path(path).absolute().parent.is_dir():
        raise click.BadParameter(f"{path}: no such directory", param_hint=option)


def write_json(path: str, document: Any, option: str) -> None:
    """Write ``document`` as indented JSON (a final newline); errors name ``option``."""
    write_bytes(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode(), option)


def write_bytes(path: str, data: bytes, option: str) -> None:
    """Write ``data`` to ``path``; errors name ``option``."""
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise click.BadParameter(f"cannot write {path}: {exc}", param_hint=option) from exc


def _reactivate(box: Outbox, targets: list[Target]) -> list[str]:
    names = []
    for target in targets:
        try:
            record = box.get_target(target.name)
        except NotFound:
            continue
        if not record.active:
            box.set_target_active(target.name, True)
            names.append(target.name)
    return names


def _estimate(job: StreamJob, metrics: Any, skipped: int, loaded: int) -> Callable[[], int | None]:
    """Deliveries this process will settle: those reloaded plus the rest of the stream's."""
    filtered = any(t.event_types or t.center_ids for t in job.targets)
    width = len(job.targets)

    def total() -> int | None:
        if job.events_total is None:
            return None
        per_event = float(width)
        if filtered and metrics.accepted:
            per_event = (sum(metrics.states.values()) - loaded) / metrics.accepted
        return loaded + round(max(0, job.events_total - skipped) * per_event)

    return total


def deliver_stream(job: StreamJob) -> int:
    """Run (or resume) the job's run; print the summary, write the files; the exit code."""
    from mockzenoti.delivery import Hub, run_stream

    writable(job.report, "--report")
    writable(job.expect, "--expect")
    box = open_box(job.outbox)
    try:
        previous = box.find_run(job.spec)
        skipped = previous.accepted if previous is not None else 0
        loaded = 0
        if previous is not None:
            counts = box.counts(run_id=previous.id)
            loaded = sum(counts[s] for s in _UNSETTLED)
            if job.progress != "none":
                say(
                    f"resuming run {previous.id}: {skipped:,} events accepted before, "
                    f"{loaded:,} deliveries unsettled"
                )
        else:
            for name in _reactivate(box, job.targets):
                say(f"target {name} was inactive: active again for this new run")
        if job.progress != "none":
            names = ", ".join(t.name for t in job.targets)
            say(f"{job.title} -> {names} (outbox {job.outbox})")
        hub = Hub()
        progress = Progress(
            hub.metrics,
            mode=job.progress,
            stream=sys.stderr,
            total=_estimate(job, hub.metrics, skipped, loaded),
            events_total=None if job.events_total is None else job.events_total - skipped,
            events_offset=skipped,
            urls={t.name: t.url for t in job.targets},
            timeout=max(t.timeout for t in job.targets),
            concurrency=job.options.concurrency,
        )
        start = time.perf_counter()

        def work() -> Any:
            return run_stream(
                box,
                job.spec,
                job.stream_factory,
                job.targets,
                job.options,
                hub=hub,
                accepted=job.accepted,
            )

        def conclude(result: Any, interrupted: bool) -> int:
            return _conclude(job, box, result, time.perf_counter() - start, hub.metrics.accepted)

        if job.live is None:
            result, interrupted = execute(work, progress)
            return conclude(result, interrupted)
        from mockzenoti.cli._live import CliRuns, serve_live

        newest = box.list_runs(limit=1)
        runs = CliRuns(
            box,
            job.spec,
            hub,
            run_id=previous.id if previous is not None else None,
            after=newest[0].id if newest else 0,
        )
        return serve_live(job.live, box, hub, runs, work, progress, conclude)
    finally:
        box.close()


def _conclude(job: StreamJob, box: Outbox, result: Any, duration: float, processed: int) -> int:
    """After the run (or its interruption): the report, the files, the summary; the exit code."""
    if result is not None:
        run_id = result.run_id
    else:
        running = box.find_run(job.spec)
        if running is None:
            say("interrupted before the run started")
            return 1
        run_id = running.id
    expected = job.truth() if result is not None and job.truth is not None else None
    report = run_report(
        box,
        run_id,
        result,
        spec=job.spec,
        duration=duration,
        processed=processed,
        expected=expected,
    )
    if job.expect is not None and expected is not None:
        from mockzenoti.scenarios.truth import truth_bytes

        write_bytes(job.expect, truth_bytes(expected), "--expect")
    if job.report is not None:
        write_json(job.report, report, "--report")
    for line in render_run(report):
        click.echo(line)
    return 0 if report["ok"] else 1
