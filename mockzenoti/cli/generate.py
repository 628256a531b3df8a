"""``mockzenoti generate``: standalone events as JSON Lines on stdout."""

from __future__ import annotations

import sys
from typing import Any

import click

from mockzenoti.catalog import Catalog, load_catalog
from mockzenoti.errors import MockZenotiError

__all__ = ["generate_command"]


def _catalog(ctx: click.Context) -> Catalog:
    """The catalog with the renames of the global ``--config`` file, if any."""
    obj = ctx.find_root().obj or {}
    path = obj.get("config_path")
    try:
        import importlib

        config = importlib.import_module("mockzenoti.config")
    except ModuleNotFoundError:
        if path is not None:
            raise click.UsageError("--config is not supported yet") from None
        return load_catalog()
    loaded: Catalog = config.load_config(path).catalog()
    return loaded


def _fail(exc: MockZenotiError) -> None:
    where = f" [{exc.field}]" if exc.field else ""
    click.echo(f"Error{where}: {exc.message}", err=True)
    sys.exit(2)


@click.command("generate")
@click.argument("event_type")
@click.option(
    "--count",
    "-n",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many events to print.",
)
@click.option(
    "--seed",
    "-s",
    default="0",
    show_default=True,
    help="Seed: the same seed prints the same bytes.",
)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a field by dotted path (repeatable), e.g. data.guest.first_name=Ada.",
)
@click.pass_context
def generate_command(
    ctx: click.Context, event_type: str, count: int, seed: str, assignments: tuple[str, ...]
) -> None:
    """Print COUNT standalone events of EVENT_TYPE as JSON Lines (one envelope per line)."""
    from mockzenoti.generator import generate, generate_many
    from mockzenoti.overrides import coerce_text, parse_assignment, resolve

    try:
        catalog = _catalog(ctx)
        entry = catalog.get(event_type, field="EVENT_TYPE")
        seed_value: int | str = int(seed) if seed.lstrip("-").isdigit() else seed
        overrides: dict[str, Any] = {}
        if assignments:
            probe = generate(entry.name, seed=seed_value, catalog=catalog).payload
            for text in assignments:
                path, raw = parse_assignment(text)
                overrides[path] = coerce_text(entry, path, raw, resolve(probe, path))
        out = sys.stdout.buffer
        events = generate_many(
            entry.name, count, seed=seed_value, overrides=overrides, catalog=catalog
        )
        for event in events:
            out.write(event.body())
            out.write(b"\n")
        out.flush()
    except MockZenotiError as exc:
        _fail(exc)
