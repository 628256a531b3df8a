"""``mockzenoti replay FILE.jsonl --url URL``: deliver a JSON Lines file of events, in order.

Every line is checked before anything is sent: each non-blank line must be a
JSON object with an envelope's ``event_id``, ``id`` and ``event_type``
(strings) and a ``data`` field (with ``--pace``, also a parseable
``event_timestamp``). A bad line exits 2 naming its number. The run's spec
holds the file's path and content hash, so the same command resumes an
interrupted replay and a changed file starts a new one. Events are sent as
compact JSON, which is byte for byte what ``mockzenoti simulate`` wrote.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mockzenoti.cli._delivery_options import (
    engine_options,
    outbox_option,
    pace_option,
    progress_options,
    report_option,
    target_options,
)
from mockzenoti.cli._delivery_settings import DeliverySettings
from mockzenoti.cli._world_options import again_option
from mockzenoti.errors import MockZenotiError

if TYPE_CHECKING:
    from mockzenoti.catalog import Catalog
    from mockzenoti.event import Event

__all__ = ["check_line", "read_events", "replay_command"]

_REQUIRED = ("event_id", "id", "event_type")
#: Bytes in one line of a replayed file (an envelope is a few kilobytes).
MAX_LINE = 16 * 1024 * 1024


def check_line(line: bytes, number: int, *, paced: bool) -> dict[str, Any]:
    """The envelope on line ``number``, or a ``MockZenotiError`` naming the line."""
    from mockzenoti.security.limits import loads_bounded

    try:
        payload = loads_bounded(line)
    except ValueError as exc:
        raise MockZenotiError(f"line {number}: not valid JSON ({exc})", field="FILE") from None
    if not isinstance(payload, dict):
        raise MockZenotiError(f"line {number}: not a JSON object", field="FILE")
    for key in _REQUIRED:
        if not isinstance(payload.get(key), str) or not payload[key]:
            raise MockZenotiError(
                f"line {number}: no {key} (a webhook envelope has "
                "event_id, id, event_type and data)",
                field="FILE",
            )
    if "data" not in payload:
        raise MockZenotiError(f"line {number}: no data field", field="FILE")
    if paced:
        from mockzenoti.timefmt import parse_dotnet_utc

        try:
            parse_dotnet_utc(payload.get("event_timestamp"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise MockZenotiError(
                f"line {number}: --pace needs an event_timestamp such as 2025-01-06T10:00:00.123",
                field="FILE",
            ) from None
    return payload


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as fh:
        for number in itertools.count(1):
            raw = fh.readline(MAX_LINE + 1)
            if not raw:
                return
            if len(raw) > MAX_LINE:
                raise MockZenotiError(
                    f"line {number} is longer than {MAX_LINE:,} bytes", field="FILE"
                )
            line = raw.strip()
            if line:
                yield number, line


def read_events(path: Path, catalog: Catalog, *, paced: bool = False) -> Iterator[Event]:
    """The file's events in order (checked line by line)."""
    from mockzenoti.event import Event

    for seq, (number, line) in enumerate(_lines(path)):
        payload = check_line(line, number, paced=paced)
        wire = catalog.by_wire(payload["event_type"])
        data = payload.get("data")
        center = data.get("center_id") if isinstance(data, dict) else None
        yield Event(
            wire[0].name if wire else payload["event_type"],
            payload,
            seq=seq,
            center_id=center if isinstance(center, str) else None,
        )


def _survey(path: Path, catalog: Catalog, paced: bool) -> tuple[int, str]:
    """Check every line; the number of events and the file's SHA-256."""
    with path.open("rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise MockZenotiError(f"{path} is not a regular file", field="FILE")
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    count = sum(1 for _ in read_events(path, catalog, paced=paced))
    if not count:
        raise MockZenotiError(f"{path} holds no events", field="FILE")
    return count, digest


@click.command("replay")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@again_option
@target_options
@engine_options
@pace_option
@outbox_option
@report_option("counts, attempts, latency")
@progress_options
@click.pass_context
def replay_command(
    ctx: click.Context,
    /,
    file: str,
    again: bool,
    outbox: str,
    report: str | None,
    progress: str,
    quiet: bool,
    **opts: Any,
) -> None:
    """Deliver the events of FILE (JSON Lines, e.g. from `mockzenoti simulate --out`) in order.

    Every line is checked first; a bad one exits 2 with its line number and
    nothing is sent. Exit 0 when every delivery was delivered, 1 otherwise.
    The same command resumes an interrupted replay; after a finished one it
    sends nothing unless --again.
    """
    import sys

    from mockzenoti import __version__
    from mockzenoti.catalog.config import catalog_from_context
    from mockzenoti.cli._stream import StreamJob, deliver_stream, plan_for, writable
    from mockzenoti.cli.progress import resolve_mode

    path = Path(file)
    catalog = catalog_from_context(ctx)
    delivery = DeliverySettings.from_options(opts)
    targets = delivery.targets(catalog)
    paced = delivery.pace is not None
    count, digest = _survey(path, catalog, paced)
    spec = {
        "command": "replay",
        "version": __version__,
        "file": str(path.resolve()),
        "sha256": digest,
        **delivery.spec(targets),
    }
    writable(report, "--report")
    plan = plan_for(outbox, spec, None, seeded=False, again=again)
    job = StreamJob(
        spec=spec,
        stream_factory=lambda: read_events(path, catalog, paced=paced),
        targets=targets,
        options=delivery.options(int(digest[:15], 16), resend=plan.resend),
        outbox=outbox,
        title=f"replay {file}, {count:,} events",
        progress=resolve_mode(progress, quiet, sys.stderr),
        events_total=count,
        report=report,
        plan=plan,
    )
    ctx.exit(deliver_stream(job))
