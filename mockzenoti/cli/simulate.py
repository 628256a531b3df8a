"""``mockzenoti simulate``: a scenario's events as JSON Lines, offline, and its truth."""

from __future__ import annotations

import sys
from typing import Any, BinaryIO

import click

from mockzenoti.cli._world_options import limit_options, seed_option, size_options, sizes_from
from mockzenoti.scenarios.cycles import CyclePause

__all__ = ["simulate_command"]

_BATCH = 512


@click.command("simulate")
@click.argument("scenario", metavar="SCENARIO_OR_FILE")
@seed_option
@limit_options(0)
@click.option(
    "--out",
    "--output",
    "-o",
    "out",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Where to write the events, one JSON envelope per line; - for stdout.",
)
@click.option(
    "--expect",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the expected final state (truth, JSON) to this file.",
)
@size_options
@click.pass_context
def simulate_command(
    ctx: click.Context,
    /,
    scenario: str,
    seed: str,
    events: int | None,
    duration: str | None,
    out: str,
    expect: str | None,
    **sizes: Any,
) -> None:
    """Simulate SCENARIO_OR_FILE (a built-in name or a YAML file) and print its events.

    Events come in emission order as JSON Lines. The same scenario, seed,
    sizes and limits give the same bytes. Endless scenarios (soak) need
    --events or --duration.
    """
    from mockzenoti.catalog.config import catalog_from_context
    from mockzenoti.errors import MockZenotiError
    from mockzenoti.scenarios import load_scenario
    from mockzenoti.scenarios.durations import parse_duration
    from mockzenoti.scenarios.truth import write_truth

    chosen = load_scenario(scenario)
    if chosen.endless and events is None and duration is None:
        raise MockZenotiError(
            f"{chosen.name} is endless: give --events N or --duration SIMULATED", field="--events"
        )
    if duration is not None:
        try:
            parse_duration(duration, field="--duration")
        except MockZenotiError as exc:
            raise MockZenotiError(exc.message, field="--duration") from exc
    catalog = catalog_from_context(ctx)
    sim = chosen.simulate(
        seed,
        events=events,
        duration=duration,
        sizes=sizes_from(sizes),
        catalog=catalog,
        track_truth=expect is not None,
    )
    # This process only simulates: the cyclic collector is paused (see scenarios/cycles.py).
    with CyclePause() as cycles:
        if out == "-":
            _write(sim, sys.stdout.buffer, cycles)
        else:
            with open(out, "wb") as fh:
                count = _write(sim, fh, cycles)
            click.echo(f"wrote {count:,} events to {out} (JSON Lines)", err=True)
    if expect:
        write_truth(expect, sim.expected())
        click.echo(f"wrote the expected final state to {expect}", err=True)


def _write(events: Any, fh: BinaryIO, cycles: CyclePause) -> int:
    """Write the events as JSON Lines; how many."""
    from mockzenoti.jsonfast import dumps_transient as dumps

    # Each body is written once and dropped: event.body()'s cached, trimmed copy is not needed.
    batch: list[bytes] = []
    written = 0
    for event in events:
        batch.append(dumps(event.payload))
        if len(batch) >= _BATCH:
            fh.write(b"\n".join(batch) + b"\n")
            written += len(batch)
            batch.clear()
            cycles.count(_BATCH)
    if batch:
        fh.write(b"\n".join(batch) + b"\n")
        written += len(batch)
    fh.flush()
    return written
