"""Delivering what an outbox already holds: what ``drain`` and ``redeliver`` share.

``deliver_backlog`` runs an engine task (``drain``, or redelivering chosen
deliveries) with progress, then reports what became of the deliveries the
engine took: the delivery ``Metrics`` count exactly those, since an engine
counts the deliveries it loads and every move they make. Exit 0 when all of
them were delivered, 1 otherwise.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from mockzenoti.cli._runtime import execute
from mockzenoti.cli.progress import Mode, Progress
from mockzenoti.cli.summary import backlog_report, render_backlog

if TYPE_CHECKING:
    from mockzenoti.delivery import Hub, Outbox

__all__ = ["Backlog", "deliver_backlog", "use_tls"]


@dataclass(slots=True)
class Backlog:
    """A backlog job: ``work(hub)`` returns how many deliveries it took in."""

    what: str
    work: Callable[[Hub], Awaitable[int]]
    total: int
    progress: Mode = "none"
    report: str | None = None


def use_tls(box: Outbox, ca_cert: str | None, insecure: bool) -> list[str]:
    """Store ``--ca-cert``/``--insecure`` on the outbox's ``https://`` targets; their names.

    Stored, so that a later ``drain`` or ``redeliver`` checks certificates the same way.
    """
    from dataclasses import replace

    from mockzenoti.cli._delivery_settings import named_error
    from mockzenoti.errors import MockZenotiError

    if ca_cert is None and not insecure:
        return []
    changed = []
    for record in box.list_targets():
        target = record.target
        if target.url.lower().startswith("https://"):
            try:
                box.save_target(replace(target, ca_cert=ca_cert, insecure=insecure))
            except MockZenotiError as exc:
                raise named_error(exc) from exc
            changed.append(target.name)
    return changed


def deliver_backlog(box: Outbox, job: Backlog) -> int:
    """Run ``job`` on the open outbox ``box``; print the summary; the exit code."""
    from mockzenoti.cli._stream import writable, write_json
    from mockzenoti.delivery import Hub

    writable(job.report, "--report")
    hub = Hub()
    urls = {r.target.name: r.target.url for r in box.list_targets()}
    progress = Progress(
        hub.metrics, mode=job.progress, stream=sys.stderr, total=lambda: job.total, urls=urls
    )
    start = time.perf_counter()
    loaded, interrupted = execute(lambda: job.work(hub), progress)
    states = dict(hub.metrics.states)
    inactive = sorted(r.target.name for r in box.list_targets() if not r.active)
    report: dict[str, Any] = backlog_report(
        box,
        states,
        loaded=loaded if loaded is not None else sum(states.values()),
        duration=time.perf_counter() - start,
        possible_duplicates=hub.metrics.possible_duplicates,
        inactive=inactive,
        interrupted=interrupted,
    )
    if job.report is not None:
        write_json(job.report, report, "--report")
    for line in render_backlog(report, job.what):
        click.echo(line)
    return 0 if report["ok"] else 1
