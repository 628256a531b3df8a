"""``mockzenoti deliveries``: what the outbox holds; ``deliveries show ID``: one delivery's log.

Both only read the outbox (a run may be delivering from it at the same time).
The listing filters by state, event type, run (a number or ``last``), target,
event id; pages with ``--limit``/``--offset``; ``--json`` prints one JSON
object for scripts. ``show`` takes the outbox's number for a delivery (the
first column of the listing) or an envelope ``id``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from mockzenoti.cli._delivery_options import DEFAULT_OUTBOX, outbox_path_option
from mockzenoti.errors import MockZenotiError

if TYPE_CHECKING:
    from mockzenoti.delivery import Outbox
    from mockzenoti.delivery.outbox import DeliveryDetail, DeliveryRecord

__all__ = ["deliveries_command", "resolve_run", "when"]

STATE_CHOICE = click.Choice(
    ["pending", "delivering", "retrying", "delivered", "dead", "held", "discarded"]
)


def when(seconds: float | None) -> str:
    """A unix time as ``2025-01-06 10:00:00.123Z`` (``-`` for none)."""
    if seconds is None:
        return "-"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"


def resolve_run(box: Outbox, run: str | None) -> int | None:
    """``--run N`` or ``--run last`` as a run id (None: every run); errors name ``--run``."""
    if run is None:
        return None
    if run == "last":
        runs = box.list_runs(limit=1)
        if not runs:
            raise MockZenotiError("the outbox holds no run yet", field="--run")
        return runs[0].id
    if not run.isdigit():
        raise MockZenotiError(f"{run!r} is not a run number or 'last'", field="--run")
    return int(run)


def _last(d: DeliveryRecord) -> str:
    if d.last_status is not None:
        return str(d.last_status)
    if d.last_error:
        return d.last_error if len(d.last_error) <= 24 else d.last_error[:23] + "…"
    return "-"


def _table(rows: list[DeliveryRecord]) -> list[str]:
    header = ("#", "STATE", "TRIES", "LAST", "RUN", "EVENT TYPE", "EVENT ID", "TARGET")
    lines = [
        (
            str(d.pk),
            d.state,
            str(d.attempts),
            _last(d),
            str(d.run_id or "-"),
            d.event_type,
            d.event_id,
            d.target,
        )
        for d in rows
    ]
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header) - 1)]
    return [
        "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]])
        for r in [header, *lines]
    ]


@click.group("deliveries", invoke_without_command=True)
@click.option(
    "--outbox",
    default=DEFAULT_OUTBOX,
    callback=outbox_path_option,
    show_default=True,
    envvar="MOCKZENOTI_OUTBOX",
    metavar="FILE",
    help="SQLite outbox (env MOCKZENOTI_OUTBOX).",
)
@click.option(
    "--state",
    "states",
    multiple=True,
    type=STATE_CHOICE,
    help="Only deliveries in this state (repeatable).",
)
@click.option("--event-type", default=None, help="Only this wire event type.")
@click.option("--run", default=None, metavar="N|last", help="Only this run's deliveries.")
@click.option("--target", default=None, metavar="NAME", help="Only this target's deliveries.")
@click.option("--event-id", default=None, help="Only the deliveries of this event.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0, 2**62), default=0, show_default=True)
@click.option("--newest", is_flag=True, help="Newest first (default: oldest first).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def deliveries_command(
    ctx: click.Context,
    outbox: str,
    states: tuple[str, ...],
    event_type: str | None,
    run: str | None,
    target: str | None,
    event_id: str | None,
    limit: int,
    offset: int,
    newest: bool,
    as_json: bool,
) -> None:
    """List the outbox's deliveries (filters combine); `deliveries show ID` for one."""
    ctx.ensure_object(dict)
    ctx.obj["outbox"] = outbox
    if ctx.invoked_subcommand is not None:
        return
    from mockzenoti.cli._runtime import open_box

    box = open_box(outbox, must_exist=True, exclusive=False)
    try:
        page = box.list_deliveries(
            state=list(states) or None,
            event_type=event_type,
            run_id=resolve_run(box, run),
            target=target,
            event_id=event_id,
            limit=limit,
            offset=offset,
            newest_first=newest,
        )
    finally:
        box.close()
    if as_json:
        doc = {
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "deliveries": [d.to_dict() for d in page.items],
        }
        click.echo(json.dumps(doc, indent=2))
        return
    if page.items:
        for line in _table(page.items):
            click.echo(line.rstrip())
    end = offset + len(page.items)
    more = " (--offset, --limit for more)" if end < page.total else ""
    shown = f"{offset + 1}-{end}" if page.items else "none"
    click.echo(f"{page.total:,} deliveries match; showing {shown}{more}")


def _find(box: Outbox, ident: str) -> DeliveryDetail:
    from mockzenoti.errors import NotFound

    if ident.isdigit():
        try:
            return box.get_delivery(int(ident))
        except NotFound as exc:
            raise NotFound(exc.message, field="ID") from exc
    page = box.list_deliveries(delivery_id=ident, limit=1)
    if not page.items:
        raise NotFound(f"no delivery with number or id {ident!r}", field="ID")
    return box.get_delivery(page.items[0].pk)


def _show(detail: DeliveryDetail, body: bool) -> list[str]:
    d = detail.delivery
    lines = [
        f"delivery {d.pk}: {d.state} (run {d.run_id or '-'}, target {d.target})",
        f"  event      {d.event_type} event_id={d.event_id} id={d.delivery_id} seq={d.seq}",
        f"  attempts   {d.attempts}; possible duplicates {d.possible_duplicates}",
        f"  next       {when(d.next_at)}",
        f"  keys       {', '.join(detail.keys) or '-'}",
        "attempts:",
    ]
    for a in detail.attempts:
        answer = str(a.status) if a.status is not None else (a.error or "-")
        latency = f"{a.latency_ms:.1f} ms" if a.latency_ms is not None else "-"
        chaos = f" chaos={json.dumps(a.chaos)}" if a.chaos else ""
        snippet = (a.response or "").replace("\n", " ")[:80]
        lines.append(
            f"  {a.n:>3}  {when(a.at)}  {a.outcome:<12} {answer:<6} {latency:>10}"
            f"  {snippet}{chaos}".rstrip()
        )
    if not detail.attempts:
        lines.append("  (none yet)")
    if body:
        lines += ["body:", detail.body.decode("utf-8", "replace")]
    return lines


@deliveries_command.command("show")
@click.argument("ident", metavar="ID")
@click.option(
    "--outbox", default=None, metavar="FILE", callback=outbox_path_option, help="SQLite outbox."
)
@click.option("--body", is_flag=True, help="Print the body sent, too.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def show_command(
    ctx: click.Context, ident: str, outbox: str | None, body: bool, as_json: bool
) -> None:
    """Show delivery ID (its number, or its envelope id) with every attempt."""
    from mockzenoti.cli._runtime import open_box

    path = outbox or (ctx.obj or {}).get("outbox") or DEFAULT_OUTBOX
    box = open_box(path, must_exist=True, exclusive=False)
    try:
        detail = _find(box, ident)
    finally:
        box.close()
    if as_json:
        click.echo(json.dumps(detail.to_dict(), indent=2))
        return
    for line in _show(detail, body):
        click.echo(line)
