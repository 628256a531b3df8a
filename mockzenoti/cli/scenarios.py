"""``mockzenoti scenarios``: the built-in scenarios, one line each, and the example files."""

from __future__ import annotations

import click

__all__ = ["scenarios_command"]


@click.command("scenarios")
def scenarios_command() -> None:
    """List the built-in scenarios (one line each) and the shipped example scenario files."""
    from mockzenoti.catalog.fixtures import fixtures_dir
    from mockzenoti.errors import MockZenotiError
    from mockzenoti.scenarios import builtin_scenarios, load_scenario

    rows = builtin_scenarios()
    width = max(len(s.name) for s in rows)
    for s in rows:
        click.echo(f"{s.name:<{width}}  {s.description}")
    try:
        files = sorted((fixtures_dir() / "scenarios").glob("*.yaml"))
    except FileNotFoundError:
        files = []
    if files:
        click.echo("\nExample scenario files (mockzenoti simulate FILE):")
        for path in files:
            try:
                description = load_scenario(path).description
            except MockZenotiError as exc:
                description = f"(does not load: {exc.message})"
            click.echo(f"  {path}\n      {description}")
