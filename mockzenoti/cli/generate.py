"""``mockzenoti generate``: standalone events as JSON Lines on stdout."""

from __future__ import annotations

import sys
from typing import Any

import click

from mockzenoti.cli._world_options import overrides_option, seed_option
from mockzenoti.limits import MAX_EVENTS

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
    """Print COUNT standalone events of EVENT_TYPE as JSON Lines (one envelope per line)."""
    from mockzenoti.config import catalog_from_context
    from mockzenoti.generator import generate, generate_many
    from mockzenoti.overrides import coerce_text, parse_assignment, resolve

    catalog = catalog_from_context(ctx)
    entry = catalog.get(event_type, field="EVENT_TYPE")
    overrides: dict[str, Any] = {}
    if assignments:
        # Text is read by the schema's type at each path, checked on a first event.
        probe = generate(entry.name, seed=seed, catalog=catalog).payload
        for text in assignments:
            path, raw = parse_assignment(text)
            overrides[path] = coerce_text(entry, path, raw, resolve(probe, path))
    out = sys.stdout.buffer
    for event in generate_many(entry.name, count, seed=seed, overrides=overrides, catalog=catalog):
        out.write(event.body() + b"\n")
    out.flush()
