"""Delivering a stream as a resumable run: what ``run``, ``emit`` and ``replay`` share.

A command builds a ``StreamJob`` (the run's spec, the stream, targets, engine
options, where the outbox is, what to write at the end) and calls
``deliver_stream(job)``, which returns the exit code: 0 when every delivery of
the run was delivered, 1 otherwise (dead, held, undelivered or interrupted).

The spec identifies the run: the same spec finds the unfinished run and
resumes it (events already accepted are skipped, unsettled deliveries are
sent); the same spec as a finished run sends nothing unless ``--again``
(``_identity.py`` decides, with the seed). A new run starts with its targets
active again, even if an earlier run deactivated them; the earlier run's held
deliveries stay held (``redeliver --state held --reactivate`` sends them).
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mockzenoti.cli._delivery_options import DEFAULT_OUTBOX
from mockzenoti.cli._identity import Plan, plan_run
from mockzenoti.cli._runtime import execute, open_box, say, storage_failed
from mockzenoti.cli.progress import Mode, Progress
from mockzenoti.cli.summary import render_run, run_report
from mockzenoti.errors import NotFound
from mockzenoti.security.secrecy import public_spec, redact_url

if TYPE_CHECKING:
    from mockzenoti.cli._live import LiveOptions
    from mockzenoti.delivery import DeliveryOptions, Outbox, Target
    from mockzenoti.delivery.outbox import RunRecord
    from mockzenoti.event import Event

__all__ = [
    "StreamJob",
    "already_finished",
    "announce_leftovers",
    "deliver_stream",
    "hold_after_finish",
    "plan_for",
    "writable",
    "write_bytes",
    "write_json",
]

_UNSETTLED = ("pending", "delivering", "retrying")


@dataclass(slots=True)
class StreamJob:
    """Everything ``deliver_stream`` needs; see the module docstring.

    ``events_total``: the stream's length when known (for the progress bar).
    ``truth``: called after the stream is exhausted, the expected final
    state for ``--report`` and ``--expect`` (None: none). ``live``: serve the
    live page and the read-only API while the run lasts (``run --live``).
    ``plan``: the seed and which run this is (``_identity.plan_run``).
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
    plan: Plan | None = None

    @property
    def plan_seed(self) -> str | None:
        """The run's seed (None for commands without one)."""
        return None if self.plan is None else self.plan.seed


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
        failed = storage_failed(exc, f"{option} {path}")
        if failed is not None:
            raise failed from exc
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


def plan_for(
    path: str, spec: dict[str, Any], seed: str | None, *, seeded: bool = True, again: bool = False
) -> Plan:
    """The ``Plan`` of a command (its spec without seed) on the outbox at ``path``."""
    box = open_box(path)
    try:
        return plan_run(box, spec, seed, seeded=seeded, again=again)
    finally:
        box.close()


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S") + " UTC"


def already_finished(
    box: Outbox, spec: dict[str, Any], seed: str | None, run: RunRecord
) -> dict[str, Any]:
    """Say that this command's run finished already (nothing is sent); its report."""
    report = run_report(box, run.id, None, spec=public_spec(spec), duration=0.0, processed=0)
    counts = report["counts"]
    bad = {s: n for s, n in counts.items() if n and s != "delivered"}
    report.update(
        ok=not bad, interrupted=False, already_finished=True, seed=seed, finished_at=run.finished_at
    )
    what = f"{counts.get('delivered', 0):,} of {report['deliveries']:,} deliveries delivered"
    if bad:
        what += " (" + ", ".join(f"{n:,} {s}" for s, n in bad.items()) + ")"
    click.echo(
        f"run {run.id} of this command finished at {_when(run.finished_at)}: "
        f"{report['accepted']:,} events, {what}; nothing was sent again"
    )
    click.echo(
        "  --again sends it again as a new run (the same ids: every delivery counts as "
        "a possible duplicate); leave out --seed for fresh events"
    )
    return report


def announce_leftovers(plan: Plan | None, outbox: str) -> list[dict[str, Any]]:
    """Say which unfinished runs of other commands the outbox holds, and how to finish them."""
    out = []
    where = "" if outbox == DEFAULT_OUTBOX else f" --outbox {shlex.quote(outbox)}"
    for other in plan.others if plan is not None else []:
        say(
            f"note: the outbox also holds unfinished {other.describe()} with "
            f"{other.unsettled:,} deliveries not delivered yet: run its command again to "
            f"finish it, or `mockzenoti drain{where}` to deliver what it accepted"
        )
        out.append({"run_id": other.run.id, "unsettled": other.unsettled, "what": other.describe()})
    return out


def deliver_stream(job: StreamJob) -> int:
    """Run (or resume) the job's run; print the summary, write the files; the exit code."""
    from mockzenoti.delivery import Hub, run_stream

    writable(job.report, "--report")
    writable(job.expect, "--expect")
    box = open_box(job.outbox)
    try:
        if job.plan is not None and job.plan.repeat:
            assert job.plan.finished is not None
            report = already_finished(box, job.spec, job.plan_seed, job.plan.finished)
            if job.report is not None:
                write_json(job.report, report, "--report")
            return 0
        leftovers = announce_leftovers(job.plan, job.outbox)
        previous = box.find_run(job.spec)
        skipped = previous.accepted if previous is not None else 0
        loaded = 0
        if previous is not None:
            counts = box.counts(run_id=previous.id)
            loaded = sum(counts[s] for s in _UNSETTLED)
            if job.progress != "none":
                seed = "" if job.plan_seed is None else f" (seed {job.plan_seed})"
                say(
                    f"resuming run {previous.id}{seed}: {skipped:,} events accepted before, "
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
            urls={t.name: redact_url(t.url) for t in job.targets},
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
            if result is not None:
                hold_after_finish()
            duration = time.perf_counter() - start
            return _conclude(job, box, result, duration, hub.metrics.accepted, leftovers)

        if job.live is None:
            result, interrupted = execute(work, progress, outbox=job.outbox)
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
        try:
            return serve_live(job.live, box, hub, runs, work, progress, conclude)
        except (sqlite3.Error, OSError) as exc:
            failed = storage_failed(exc, f"outbox {job.outbox}")
            if failed is None:
                raise
            raise failed from exc
    finally:
        box.close()


def _conclude(
    job: StreamJob,
    box: Outbox,
    result: Any,
    duration: float,
    processed: int,
    leftovers: list[dict[str, Any]],
) -> int:
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
        spec=public_spec(job.spec),
        duration=duration,
        processed=processed,
        expected=expected,
    )
    report["seed"] = job.plan_seed
    report["other_unfinished"] = leftovers
    if job.expect is not None and expected is not None:
        from mockzenoti.scenarios.truth import truth_bytes

        write_bytes(job.expect, truth_bytes(expected), "--expect")
    if job.report is not None:
        write_json(job.report, report, "--report")
    for line in render_run(report):
        click.echo(line)
    return 0 if report["ok"] else 1


def hold_after_finish() -> None:
    """Tests only: with ``MOCKZENOTI_TEST_HOLD_AFTER_FINISH`` set, stop here until killed.

    The run is marked finished in the outbox; this is the window between
    that mark and the process's exit in which a kill used to make the same
    command send everything again. The crash-window test sets the variable,
    waits for the line below and kills the process here (bounded: 60 s).
    """
    if os.environ.get("MOCKZENOTI_TEST_HOLD_AFTER_FINISH"):
        say("holding after the finished mark (MOCKZENOTI_TEST_HOLD_AFTER_FINISH)")
        time.sleep(60)
