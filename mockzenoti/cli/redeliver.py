"""``mockzenoti redeliver (IDS... | --state dead|held ... | --all)``: send settled failures again.

Dead and held deliveries (and, with ``--force``, delivered ones: a deliberate
duplicate) become pending with a fresh retry budget and are delivered at once
(like ``drain``, but only those). Held deliveries belong to a deactivated
target: ``--reactivate`` activates it first (otherwise they are held again),
``--discard`` gives them up instead (kept in the log, never sent).
IDS are the outbox's numbers (``mockzenoti deliveries``' first column).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from mockzenoti.cli._delivery_options import (
    engine_options,
    outbox_option,
    progress_options,
    report_option,
    tls_option_group,
)
from mockzenoti.cli._delivery_settings import DeliverySettings
from mockzenoti.cli.drain import retry_scale_option
from mockzenoti.errors import MockZenotiError

if TYPE_CHECKING:
    from mockzenoti.delivery import Hub, Outbox

__all__ = ["redeliver_command"]

_SETTLED_FAILURES = ("dead", "held")
_FORCEABLE = ("dead", "held", "delivered")


def _check_ids(box: Outbox, ids: tuple[int, ...], force: bool) -> set[str]:
    """The targets of the deliveries ``ids``; refuses unknown ones and other states."""
    from mockzenoti.errors import NotFound

    allowed = _FORCEABLE if force else _SETTLED_FAILURES
    targets = set()
    for pk in ids:
        try:
            delivery = box.get_delivery(pk).delivery
        except NotFound:
            raise MockZenotiError(f"no delivery {pk} in {box.path}", field="IDS") from None
        if delivery.state == "delivered" and not force:
            raise MockZenotiError(
                f"delivery {pk} is delivered; --force sends it again (a "
                "duplicate on purpose, to test idempotency)",
                field="IDS",
            )
        if delivery.state not in allowed:
            raise MockZenotiError(
                f"delivery {pk} is {delivery.state}; only dead and held deliveries are redelivered",
                field="IDS",
            )
        targets.add(delivery.target)
    return targets


def _inactive_involved(
    box: Outbox, named: set[str] | None, states: list[str], filters: dict[str, Any]
) -> list[str]:
    """Inactive targets that some chosen delivery goes to."""
    out = []
    for record in box.list_targets():
        name = record.target.name
        if record.active or (filters["target"] not in (None, name)):
            continue
        if named is not None:
            hit = name in named
        else:
            scoped = {**filters, "target": name}
            hit = box.list_deliveries(state=states, limit=1, **scoped).total > 0
        if hit:
            out.append(name)
    return out


@click.command("redeliver")
@click.argument("ids", nargs=-1, type=int, metavar="[IDS]...")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(_FORCEABLE),
    help="Redeliver every delivery in this state (repeatable; delivered needs --force).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Send delivered deliveries again too: the same request, a duplicate on purpose "
    "(to test a consumer's idempotency).",
)
@click.option("--all", "everything", is_flag=True, help="Every dead and held delivery.")
@click.option("--event-type", default=None, help="Only this wire event type.")
@click.option("--run", default=None, metavar="N|last", help="Only this run's deliveries.")
@click.option("--target", default=None, metavar="NAME", help="Only this target's deliveries.")
@click.option(
    "--reactivate", is_flag=True, help="Activate the chosen deliveries' inactive targets first."
)
@click.option("--discard", is_flag=True, help="Discard the chosen held deliveries instead.")
@outbox_option
@engine_options
@retry_scale_option
@tls_option_group
@report_option()
@progress_options
@click.pass_context
def redeliver_command(
    ctx: click.Context,
    /,
    ids: tuple[int, ...],
    states: tuple[str, ...],
    force: bool,
    everything: bool,
    event_type: str | None,
    run: str | None,
    target: str | None,
    reactivate: bool,
    discard: bool,
    outbox: str,
    report: str | None,
    progress: str,
    quiet: bool,
    **opts: Any,
) -> None:
    """Deliver dead or held deliveries again: IDS, every one in --state, or --all.

    Filters (--event-type, --run, --target) narrow the choice. --force sends
    delivered ones again too (IDS, or --state delivered): the same request, to
    test that a consumer ignores a duplicate. Exit 0 when every one chosen was
    delivered, 1 when not, 2 for bad input.
    """
    import sys

    from mockzenoti.cli._backlog import Backlog, deliver_backlog, use_tls
    from mockzenoti.cli._runtime import open_box
    from mockzenoti.cli.deliveries import resolve_run
    from mockzenoti.cli.progress import resolve_mode
    from mockzenoti.delivery import Engine

    if not (ids or states or everything):
        raise MockZenotiError(
            "say what to redeliver: IDS, --state dead|held or --all", field="--state"
        )
    if discard and reactivate:
        raise MockZenotiError("--discard and --reactivate exclude each other", field="--discard")
    chosen = list(states) if states and not everything else list(_SETTLED_FAILURES)
    if "delivered" in chosen and not force:
        raise MockZenotiError(
            "--state delivered sends delivered deliveries again: add --force", field="--force"
        )
    if ids and force:
        chosen = list(_FORCEABLE)
    if discard and chosen != ["held"] and not ids:
        raise MockZenotiError(
            "only held deliveries are discarded: add --state held", field="--discard"
        )
    options = DeliverySettings.from_options({**opts, "urls": ()}).options()
    box = open_box(outbox, must_exist=True)
    try:
        use_tls(box, opts.get("ca_cert"), bool(opts.get("insecure")))
        run_id = resolve_run(box, run)
        named = _check_ids(box, ids, force) if ids else None
        pks = list(ids) if ids else None
        filters: dict[str, Any] = {"event_type": event_type, "run_id": run_id, "target": target}
        if discard:
            gone = box.discard(pks, **filters)
            click.echo(f"discarded {len(gone):,} held deliveries")
            ctx.exit(0)
        for name in _inactive_involved(box, named, chosen, filters):
            if not reactivate:
                message = f"target {name} is inactive (its deliveries would be held again)"
                raise MockZenotiError(message + ": add --reactivate", field="--reactivate")
            box.set_target_active(name, True)
            click.echo(f"target {name} is active again")
        total = box.list_deliveries(state=chosen, limit=1, **filters).total if not pks else len(pks)

        async def work(hub: Hub) -> int:
            async with Engine(box, options, hub=hub) as engine:
                moved = await engine.redeliver(pks, states=chosen, force=force, **filters)
                await engine.idle()
                return moved

        job = Backlog("redeliver", work, total, resolve_mode(progress, quiet, sys.stderr), report)
        code = deliver_backlog(box, job)
    finally:
        box.close()
    ctx.exit(code)
