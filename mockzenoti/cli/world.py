"""``mockzenoti world``: the fixed setup of a simulated organization (the catalog of the world)."""

from __future__ import annotations

import json
from typing import Any

import click

from mockzenoti.cli._world_options import seed_option, size_options, world_sizes

__all__ = ["world_command"]


@click.command("world")
@seed_option
@click.option(
    "--scenario",
    default="day-in-the-life",
    show_default=True,
    metavar="SCENARIO_OR_FILE",
    help="Whose world: its sizes and pinned values.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the setup as JSON.")
@size_options
@click.pass_context
def world_command(
    ctx: click.Context, /, seed: str, scenario: str, as_json: bool, **sizes: Any
) -> None:
    """Print the world's fixed setup: organization, centers (zone, hours), rooms, services,
    classes, staff and plans. Every id a simulated stream uses is either here or
    introduced by an earlier event of the stream."""
    from mockzenoti.scenarios import load_scenario

    setup = load_scenario(scenario).world(seed, sizes=world_sizes(ctx, sizes)).setup()
    if as_json:
        click.echo(json.dumps(setup, indent=2, ensure_ascii=False))
        return
    org = setup["organization"]
    click.echo(f"{org['name']} ({org['kind']}, organization {org['id']})")
    click.echo(
        f"seed {setup['seed']}, first day {setup['first_day']}, "
        f"guest pool {setup['guest_pool']} ({setup['clientele']['guests']} clients from before "
        f"the stream), feedback V{setup['feedback_version']}"
    )
    for c in setup["centers"]:
        click.echo(f"\n{c['name']} [{c['code']}] {c['id']}")
        click.echo(
            f"  {c['city']}, {c['country']}, {c['time_zone']}, prices in {c['currency']}, "
            f"invoices {c['invoice_prefix']}"
        )
        click.echo(f"  open {_week(c['weekly_hours'])}")
        click.echo(f"  rooms: {', '.join(r['name'] for r in c['rooms'])}")
        click.echo(f"  services: {', '.join(s['name'] for s in c['services'])}")
        click.echo(f"  classes: {', '.join(k['name'] for k in c['classes'])}")
        click.echo("  staff:")
        for e in c["employees"]:
            click.echo(f"    {e['first_name']} {e['last_name']} ({e['job_name']}) {e['id']}")
        click.echo(f"  memberships: {', '.join(m['name'] for m in c['membership_plans'])}")
        click.echo(f"  packages: {', '.join(p['name'] for p in c['package_plans'])}")


def _week(hours: dict[str, dict[str, str] | None]) -> str:
    """``Mon-Fri 09:00-20:00, Sat 08:00-18:00, closed Sun``: days with the same hours joined."""
    parts: list[tuple[list[str], str]] = []
    for day, span in hours.items():
        text = "closed" if span is None else f"{span['opens']}-{span['closes']}"
        if parts and parts[-1][1] == text:
            parts[-1][0].append(day[:3])
        else:
            parts.append(([day[:3]], text))
    out = []
    for days, text in parts:
        named = days[0] if len(days) == 1 else f"{days[0]}-{days[-1]}"
        out.append(f"closed {named}" if text == "closed" else f"{named} {text}")
    return ", ".join(out)
