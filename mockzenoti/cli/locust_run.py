"""``mockzenoti locust --url URL``: soak a webhook from a Locust swarm, without a locustfile.

The command starts Locust as its own process (``python -m locust``) on the
locustfile ``mockzenoti/locust/locustfile.py``, headless, and turns its own
options into Locust's (``--users`` is ``-u``, ``--url`` is ``--host``) and
into the swarm's custom options (``--seed`` is ``--mockzenoti-seed`` ...).
Options it does not know go to Locust as they are: ``--master
--expect-workers 2``, ``--worker --master-host H``, ``--csv``, ``--html``.
This process never imports Locust or gevent, and Locust's processes never
import mockzenoti's asyncio code. See docs/soak.md.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path
from types import FrameType
from typing import Any

import click

from mockzenoti.cli._delivery_options import parse_duration_option
from mockzenoti.cli._world_options import size_options, sizes_from
from mockzenoti.errors import MockZenotiError

__all__ = ["locust_argv", "locust_command"]

_SCENARIOS = [
    "soak",
    "day-in-the-life",
    "class-lifecycle",
    "appointment-lifecycle",
    "guest-lifecycle",
    "membership-lifecycle",
    "package-lifecycle",
]


def _retry(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from mockzenoti.delivery.policy import parse_policy

    try:
        return parse_policy(value, field="--retry").spec
    except MockZenotiError as exc:
        raise click.BadParameter(exc.message, param=param) from None


def locustfile() -> Path:
    """The locustfile of ``mockzenoti locust`` (found without importing Locust)."""
    import mockzenoti

    return Path(mockzenoti.__file__).parent / "locust" / "locustfile.py"


def locust_argv(
    *,
    url: str | None,
    users: int,
    spawn_rate: float | None,
    run_time: str | None,
    processes: int | None,
    swarm: dict[str, Any],
    passthrough: tuple[str, ...] = (),
) -> list[str]:
    """Locust's command line (after ``python -m locust``) for these options.

    A worker (``--worker`` among ``passthrough``) gets only the locustfile and
    what was passed through: its master sends it everything else. With
    ``processes`` the master and its workers meet on 127.0.0.1 on a free port
    (unless ``--master-bind-*`` options say otherwise), so runs side by side
    never meet.
    """
    argv = ["-f", str(locustfile())]
    if processes is not None:
        argv += ["--processes", str(processes)]
    if "--worker" in passthrough:
        return argv + list(passthrough)
    if processes is not None and not any(a.startswith("--master-bind") for a in passthrough):
        # The master and its forked workers meet on 127.0.0.1, on a port of their own.
        port = str(_free_port())
        argv += [
            "--master-bind-host",
            "127.0.0.1",
            "--master-bind-port",
            port,
            "--master-port",
            port,
        ]
    argv += ["--headless", "-u", str(users), "-r", str(spawn_rate or users)]
    if url is not None:
        argv += ["--host", url]
    if run_time is not None:
        argv += ["-t", run_time]
    for flag, value in swarm.items():
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                argv += [flag, str(item)]
        else:
            argv += [flag, str(value)]
    return argv + list(passthrough)


@click.command(
    "locust",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Webhook URL every user posts to (not on a --worker).",
)
@click.option(
    "--users",
    "-u",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Locust users: one shard of the organization each.",
)
@click.option(
    "--spawn-rate",
    "-r",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Users started per second [default: all at once].",
)
@click.option(
    "--run-time",
    "-t",
    default=None,
    metavar="DURATION",
    help="Stop after this long (Locust's form: 30s, 5m, 1h30m) [default: Ctrl-C].",
)
@click.option(
    "--processes",
    type=int,
    default=None,
    help="Worker processes on this machine (Locust forks them; -1: one per core).",
)
@click.option(
    "--seed",
    "-s",
    default="0",
    show_default=True,
    help="Seed of the run: each user's shard is seeded from it and its indexes.",
)
@click.option(
    "--scenario",
    type=click.Choice(_SCENARIOS),
    default="soak",
    show_default=True,
    help="Built-in scenario each user plays at its center.",
)
@size_options
@click.option(
    "--secret",
    "secrets",
    multiple=True,
    envvar="MOCKZENOTI_SECRET",
    help="Signing secret (repeatable; env MOCKZENOTI_SECRET).",
)
@click.option(
    "--signing",
    type=click.Choice(["zenoti", "standard", "none"]),
    default=None,
    help="Signature scheme [default: zenoti with --secret, else none].",
)
@click.option(
    "--retry",
    default="zenoti",
    show_default=True,
    callback=_retry,
    metavar="POLICY",
    help="zenoti, fast, standard, none, or waits such as 1s,5s,30s.",
)
@click.option(
    "--retry-scale",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Multiply the policy's waits (0.001: minutes become ms).",
)
@click.option(
    "--scale-retry-after",
    is_flag=True,
    default=False,
    help="Scale a receiver's Retry-After by --retry-scale too.",
)
@click.option(
    "--timeout",
    default="10s",
    show_default=True,
    metavar="DURATION",
    callback=parse_duration_option,
    help="Time allowed per attempt.",
)
@click.option(
    "--drain",
    default="10s",
    show_default=True,
    metavar="DURATION",
    callback=parse_duration_option,
    help="At the stop, events under way may finish their retries for this long.",
)
@click.option(
    "--deactivate-after",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Dead deliveries in a row that deactivate the webhook in a worker (0: never).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the swarm's JSON report here (counts, workers, expected state).",
)
@click.pass_context
def locust_command(
    ctx: click.Context,
    /,
    url: str | None,
    users: int,
    spawn_rate: float | None,
    run_time: str | None,
    processes: int | None,
    seed: str,
    scenario: str,
    secrets: tuple[str, ...],
    signing: str | None,
    retry: str,
    retry_scale: float,
    scale_retry_after: bool,
    timeout: float,
    drain: float,
    deactivate_after: int,
    report: str | None,
    **sizes: Any,
) -> None:
    """Soak --url with a Locust swarm: each user plays one shard of one organization.

    Headless; other options go to Locust as they are (--master --expect-workers K,
    --worker --master-host H, --csv PREFIX, --html FILE). Exit 0 when every event
    was delivered, 1 when one is dead, held or was interrupted, 2 for bad input.
    """
    passthrough = tuple(ctx.args)
    worker = "--worker" in passthrough
    if find_spec("locust") is None:
        raise MockZenotiError(
            "Locust is not installed: pip install 'mockzenoti[locust]'", field="locust"
        )
    if url is None and not worker:
        raise MockZenotiError(
            "give the webhook --url (only a --worker goes without)", field="--url"
        )
    chosen = sizes_from(sizes)
    _check(url, chosen, secrets, signing)
    swarm = {
        "--mockzenoti-seed": seed,
        "--mockzenoti-scenario": scenario,
        "--mockzenoti-sizes": json.dumps(chosen) if chosen else None,
        "--mockzenoti-secret": secrets,
        "--mockzenoti-signing": signing,
        "--mockzenoti-retry": retry,
        "--mockzenoti-retry-scale": retry_scale,
        "--mockzenoti-scale-retry-after": scale_retry_after,
        "--mockzenoti-timeout": timeout,
        "--mockzenoti-drain": drain,
        "--mockzenoti-deactivate-after": deactivate_after,
        "--mockzenoti-report": str(Path(report).resolve()) if report else None,
    }
    argv = locust_argv(
        url=url,
        users=users,
        spawn_rate=spawn_rate,
        run_time=run_time,
        processes=processes,
        swarm=swarm,
        passthrough=passthrough,
    )
    ctx.exit(_run([sys.executable, "-m", "locust", *argv]))


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _check(
    url: str | None, sizes: dict[str, Any], secrets: tuple[str, ...], signing: str | None
) -> None:
    """Refuse bad input now, naming the option, rather than in every Locust process."""
    from mockzenoti.delivery.signing import Signer
    from mockzenoti.world import WorldSizes

    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise MockZenotiError(f"{url!r} is not an http:// or https:// URL", field="--url")
    scheme: Any = signing or ("zenoti" if secrets else "none")
    Signer(scheme, secrets, field="--secret")
    try:
        WorldSizes().with_overrides(sizes)
    except MockZenotiError as exc:
        flag = "--" + (exc.field or "").replace("_", "-")
        raise MockZenotiError(exc.message, field=flag) from None


def _run(cmd: list[str]) -> int:
    """Run Locust until it exits; its exit code is the command's.

    Ctrl-C reaches Locust's processes too (they stop the swarm and report); a
    second one kills Locust's master at once. SIGTERM is passed on to the master,
    which stops as for Ctrl-C.
    """
    proc = subprocess.Popen(cmd)

    def terminate(signum: int, frame: FrameType | None) -> None:
        proc.terminate()

    previous = signal.signal(signal.SIGTERM, terminate)
    interrupts = 0
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                interrupts += 1
                if interrupts > 1:
                    proc.kill()
    finally:
        signal.signal(signal.SIGTERM, previous)
