"""``mockzenoti run SCENARIO --url URL``: simulate a scenario and deliver its stream.

The stream is ``load_scenario(SCENARIO).simulate(seed, events|duration, sizes,
catalog)``: the same events, byte for byte, as ``mockzenoti simulate`` prints
for the same arguments (a second or later ``--url`` gets its own envelope
``id``). Running the same command again with the same ``--outbox`` resumes an
interrupted run; see ``run_spec`` for what makes two commands the same run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import click

from mockzenoti.cli._delivery_options import (
    engine_options,
    outbox_option,
    pace_option,
    progress_options,
    report_option,
    rest_rate_limit_option,
    target_options,
)
from mockzenoti.cli._delivery_settings import DeliverySettings, seed_number
from mockzenoti.cli._live import parse_live
from mockzenoti.cli._world_options import (
    again_option,
    fresh_seed_option,
    limit_options,
    size_options,
    world_sizes,
)
from mockzenoti.errors import MockZenotiError

__all__ = ["run_command", "run_spec"]


def _source(text: str) -> dict[str, Any]:
    path = Path(text)
    if path.is_file():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return {"file": str(path.resolve()), "sha256": digest}
    return {"builtin": text}


def run_spec(
    *,
    scenario: str,
    name: str,
    seed: str | None,
    events: int | None,
    duration: int | None,
    sizes: dict[str, Any],
    renames: dict[str, Any],
    delivery: dict[str, Any],
) -> dict[str, Any]:
    """What identifies a run: everything that makes its stream and its delivery what they are.

    The scenario (a built-in's name, or a file's path and content hash), the
    seed, ``--events``/``--duration`` (as simulated ticks), the world's sizes,
    the configured renames of event types, the mockzenoti version, and the
    targets' settings (URL, name, method, headers, filters, signing with
    secrets hashed, timeout, retry policy, deactivation), the ordering and the
    chaos. Not in it: concurrency, rate, pace, retry scale, progress, output
    files (they change timing or reporting, not what is sent). The seed is
    compared only when ``--seed`` was given (``_identity.py``): ``seed=None``
    here gives the spec without it.
    """
    from mockzenoti import __version__

    return {
        "command": "run",
        "version": __version__,
        "scenario": name,
        "source": _source(scenario),
        "seed": seed,
        "events": events,
        "duration": duration,
        "sizes": sizes,
        "renames": renames,
        **delivery,
    }


@click.command("run")
@click.argument("scenario", metavar="SCENARIO_OR_FILE")
@fresh_seed_option
@again_option
@limit_options(1)
@size_options
@target_options
@engine_options
@pace_option
@outbox_option
@report_option("counts, attempts, latency, expected state")
@click.option(
    "--expect",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the expected final state (truth, JSON) here once the stream ends.",
)
@click.option(
    "--offload",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    help="Simulate the world in a helper process, so that this one only delivers "
    "(auto: on with 2 or more CPUs). Same events either way.",
)
@click.option(
    "--live",
    metavar="[HOST:]PORT",
    default=None,
    callback=parse_live,
    help="Serve the live page and the read-only API (/runs, /deliveries, /events) of this "
    "run at http://HOST:PORT/ while it runs (host 127.0.0.1 unless given; port 0: any free "
    "port), with Zenoti's REST API reads over the run's world (/v1; the key is printed; the "
    "world is then simulated in this process). The URL is printed first.",
)
@click.option(
    "--linger",
    is_flag=True,
    help="With --live: keep the page up after the run until Ctrl-C.",
)
@rest_rate_limit_option
@progress_options
@click.pass_context
def run_command(
    ctx: click.Context,
    /,
    scenario: str,
    seed: str | None,
    again: bool,
    events: int | None,
    duration: str | None,
    outbox: str,
    report: str | None,
    expect: str | None,
    offload: str,
    live: tuple[str, int] | None,
    linger: bool,
    rest_rate_limit: int,
    progress: str,
    quiet: bool,
    **opts: Any,
) -> None:
    """Simulate SCENARIO_OR_FILE and deliver its events to every --url.

    Exit 0 when every delivery was delivered, 1 when any is dead, held or
    undelivered at the end, 2 for bad input. Without --seed a fresh seed is
    drawn (and printed). Run the same command again with the same --outbox to
    resume a run that was stopped or killed; with the same --seed after it
    finished, nothing is sent again unless --again.
    """
    import sys

    from mockzenoti.catalog.config import settings_from_context
    from mockzenoti.cli._live import LiveOptions, LiveRest
    from mockzenoti.cli._runtime import say
    from mockzenoti.cli._stream import StreamJob, deliver_stream, plan_for, writable
    from mockzenoti.cli.progress import resolve_mode
    from mockzenoti.scenarios import load_scenario
    from mockzenoti.scenarios.durations import parse_duration
    from mockzenoti.scenarios.seeds import repeat_hint
    from mockzenoti.security.binds import is_loopback
    from mockzenoti.server.settings import ServerSettings

    if linger and live is None:
        raise click.BadParameter("needs --live (it keeps the live page up)", param_hint="--linger")
    if live is not None and not is_loopback(live[0]) and not ServerSettings.token_from_env():
        raise MockZenotiError(
            f"--live would serve this run on {live[0]}, which other machines can reach, without "
            "a token: set MOCKZENOTI_TOKEN, or serve on 127.0.0.1",
            field="--live",
        )
    if rest_rate_limit and live is None:
        raise click.BadParameter(
            "needs --live (it limits the run's /v1 API)", param_hint="--rest-rate-limit"
        )
    chosen = load_scenario(scenario)
    if chosen.endless and events is None and duration is None:
        raise MockZenotiError(
            f"{chosen.name} is endless: give --events N or --duration SIMULATED", field="--events"
        )
    ticks = None if duration is None else parse_duration(duration, field="--duration")
    settings = settings_from_context(ctx)
    catalog = settings.catalog
    sizes = world_sizes(ctx, opts)
    delivery = DeliverySettings.from_options(opts)
    targets = delivery.targets(catalog)
    delivery.options()  # refuse bad engine options before the outbox is touched
    writable(report, "--report")
    writable(expect, "--expect")
    # --live answers /v1 from the world, which must then be in this process.
    remote = live is None and (offload == "on" or (offload == "auto" and _cpus() >= 2))
    track = expect is not None or (report is not None and not chosen.endless)
    if sizes:  # refuse bad sizes now, naming the option (none given: none to refuse)
        try:
            chosen.simulate(seed or "0", events=0, sizes=sizes, catalog=catalog)
        except MockZenotiError as exc:
            if exc.field in sizes:
                field = "--" + exc.field.replace("_", "-")
                raise MockZenotiError(exc.message, field=field) from exc
            raise
    holder: list[Any] = []
    renames: dict[str, dict[str, Any]] = {
        "event_types": dict(settings.event_types),
        "event_resources": dict(settings.event_resources),
    }

    spec = run_spec(
        scenario=scenario,
        name=chosen.name,
        seed=None,
        events=events,
        duration=ticks,
        sizes=sizes,
        renames=renames,
        delivery=delivery.spec(targets),
    )
    plan = plan_for(outbox, spec, seed, again=again)
    assert plan.seed is not None
    run_seed: str = plan.seed
    spec["seed"] = run_seed
    if plan.drawn and not quiet:
        say(repeat_hint(run_seed))
    options = delivery.options(seed_number(run_seed), resend=plan.resend)
    rest = None if live is None else LiveRest(spec, rest_rate_limit, catalog)

    def stream() -> Any:
        if remote:
            from mockzenoti.scenarios.offload import RemoteSimulation, SimulationJob

            for old in holder:
                old.close()
            sim: Any = RemoteSimulation(
                SimulationJob(scenario, run_seed, events, duration, sizes, renames, track)
            )
        else:
            sim = chosen.simulate(
                run_seed,
                events=events,
                duration=duration,
                sizes=sizes,
                catalog=catalog,
                track_truth=track,
            )
        holder[:] = [sim]
        if rest is not None:
            from mockzenoti.rest import Sandbox, SandboxStream

            sandbox = Sandbox.for_simulation(sim)
            rest.attach(sandbox)
            return SandboxStream(sim, sandbox)
        return sim

    limit = f"{events:,} events" if events else (f"{duration} simulated" if duration else "")
    job = StreamJob(
        spec=spec,
        stream_factory=stream,
        targets=targets,
        options=options,
        outbox=outbox,
        title=f"{chosen.name} seed {run_seed}" + (f", {limit}" if limit else ""),
        progress=resolve_mode(progress, quiet, sys.stderr),
        events_total=events,
        report=report,
        expect=expect,
        truth=(lambda: holder[0].expected() if holder and track else None),
        plan=plan,
        live=None
        if live is None
        else LiveOptions(
            live[0],
            live[1],
            linger,
            catalog,
            token=ServerSettings.token_from_env(),
            rest=rest,
        ),
        accepted=rest.publish if rest is not None else None,
    )
    try:
        code = deliver_stream(job)
    finally:
        for sim in holder:
            if remote:
                sim.close()
    ctx.exit(code)


def _cpus() -> int:
    """CPUs this process may run on."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - platform dependent
