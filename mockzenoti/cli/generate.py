"""``mockzenoti generate``: events of one type, played by a small world, as JSON Lines on stdout."""

from __future__ import annotations

import sys

import click

from mockzenoti.cli._world_options import overrides_option, seed_option
from mockzenoti.security.limits import MAX_EVENTS

__all__ = ["generate_command"]


@click.command("generate")
@click.argument("event_type")
@click.option(
    "--count",
    "-n",
    type=click.IntRange(1, MAX_EVENTS),
    default=1,
    show_default=True,
    help="How many events to print.",
)
@seed_option
@overrides_option
@click.pass_context
def generate_command(
    ctx: click.Context, event_type: str, count: int, seed: str, assignments: tuple[str, ...]
) -> None:
    """Print COUNT events of EVENT_TYPE as JSON Lines (one envelope per line).

    A small world plays the type's lifecycle until it has made COUNT of them.
    """
    from mockzenoti.catalog.config import catalog_from_context
    from mockzenoti.generator import generate_many
    from mockzenoti.generator.overrides import Overrides, text_overrides

    catalog = catalog_from_context(ctx)
    entry = catalog.get(event_type, field="EVENT_TYPE")
    out = sys.stdout.buffer
    edit: Overrides | None = None
    for event in generate_many(entry.name, count, seed=seed, catalog=catalog):
        if assignments and edit is None:
            # Text is read by the schema's type at each path, checked on the first event.
            edit = text_overrides(entry, assignments, event.payload, catalog)
        out.write((event if edit is None else edit.apply(event)).body() + b"\n")
    out.flush()
