"""``mockzenoti emit EVENT_TYPE --url URL``: generate one event and deliver it.

The event is ``mockzenoti generate EVENT_TYPE``'s first (same seed, same
``--set`` overrides, same bytes), delivered through the outbox with the
target's retry policy. Each attempt is printed as it ends, and each wait before
the next; a target whose first attempt fails gets a hint (``connection refused:
is anything listening on 127.0.0.1:9?``). Then one line per target with the
outcome. Exit 0 when every target got it, 1 otherwise.
"""

from __future__ import annotations

from typing import Any

import click

from mockzenoti.cli._delivery_options import (
    outbox_option,
    target_options,
)
from mockzenoti.cli._delivery_settings import DeliverySettings, seed_number
from mockzenoti.cli._world_options import overrides_option, seed_option
from mockzenoti.errors import MockZenotiError

__all__ = ["emit_command"]


def _describe(change: dict[str, Any]) -> str:
    answer = change.get("status") or change.get("error") or change.get("outcome")
    latency = change.get("latency_ms")
    took = f" in {latency:.1f} ms" if isinstance(latency, int | float) else ""
    return f"  attempt {change.get('n')} to {change.get('target')}: {answer}{took}"


def _span(seconds: float) -> str:
    """``10 ms``, ``30.4 s``, ``4 min 3 s``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


class _Narrator:
    """Says each attempt as it ends, each wait before the next, and once per target a hint."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = urls
        self.warned: set[str] = set()
        self.delivered: set[str] = set()

    def __call__(self, change: dict[str, Any]) -> None:
        from datetime import datetime

        from mockzenoti.cli._runtime import say
        from mockzenoti.cli.hints import failing_line

        if change["type"] != "attempt.finished":
            return
        say(_describe(change))
        target = change["target"]
        if change.get("outcome") == "success":
            self.delivered.add(target)
            return
        if target not in self.warned and target not in self.delivered:
            self.warned.add(target)
            error = change.get("error") or f"HTTP {change.get('status')}"
            say(failing_line(self.urls.get(target, target), change.get("n") or 1, error))
        wait = change.get("wait")
        if wait is not None:
            until = datetime.now().timestamp() + wait
            clock = datetime.fromtimestamp(until).strftime("%H:%M:%S")
            say(f"  waiting {_span(wait)} before attempt {change['n'] + 1} (until {clock})")


@click.command("emit")
@click.argument("event_type")
@seed_option
@overrides_option
@target_options
@outbox_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the final lines.")
@click.pass_context
def emit_command(
    ctx: click.Context,
    /,
    event_type: str,
    seed: str,
    assignments: tuple[str, ...],
    outbox: str,
    quiet: bool,
    **opts: Any,
) -> None:
    """Generate one EVENT_TYPE event and deliver it to every --url (with retries).

    Prints the event id, each attempt, and each target's outcome. Exit 0 when
    delivered everywhere, 1 when not, 2 for bad input.
    """
    from mockzenoti import __version__
    from mockzenoti.catalog.config import settings_from_context
    from mockzenoti.cli._runtime import execute, open_box
    from mockzenoti.delivery import Hub, run_stream
    from mockzenoti.generator import generate
    from mockzenoti.generator.overrides import text_overrides

    settings = settings_from_context(ctx)
    catalog = settings.catalog
    entry = catalog.get(event_type, field="EVENT_TYPE")
    event = generate(entry.name, seed=seed, catalog=catalog)
    try:
        if assignments:
            event = text_overrides(entry, assignments, event.payload, catalog).apply(event)
    except MockZenotiError as exc:
        raise MockZenotiError(exc.message, field="--set") from exc
    delivery = DeliverySettings.from_options(opts)
    targets = delivery.targets(catalog)
    spec = {
        "command": "emit",
        "version": __version__,
        "event_type": entry.name,
        "seed": seed,
        "overrides": sorted(assignments),
        "renames": {
            "event_types": dict(settings.event_types),
            "event_resources": dict(settings.event_resources),
        },
        **delivery.spec(targets),
    }
    click.echo(f"{event.event_type} event_id={event.event_id} id={event.id}")
    hub = Hub()
    if not quiet:
        hub.subscribe(_Narrator({t.name: t.url for t in targets}))
    box = open_box(outbox)
    try:
        result, interrupted = execute(
            lambda: run_stream(
                box, spec, lambda: [event], targets, delivery.options(seed_number(seed)), hub=hub
            )
        )
        run = result.run_id if result is not None else getattr(box.find_run(spec), "id", None)
        rows = [] if run is None else box.list_deliveries(run_id=run).items
    finally:
        box.close()
    for d in rows:
        last = d.last_status if d.last_status is not None else (d.last_error or "no answer")
        click.echo(
            f"{d.target}: {d.state} after {d.attempts} attempt(s), last {last} "
            f"(delivery {d.pk}, id {d.delivery_id})"
        )
    if interrupted:
        click.echo("interrupted: run the same command again to finish delivering")
    ctx.exit(0 if result is not None and result.ok else 1)
