"""``mockzenoti demo``: what ``make run`` shows a newcomer, with nothing to set up.

It starts the control server (and its live page) on 127.0.0.1, a receiver
inside it that fails the first attempt of a share of events, a target signed
like Zenoti with Zenoti's retry policy (waits scaled down), and a
``day-in-the-life`` run paced to last ``--seconds``; it prints the page's URL
and the run's Zenoti REST API key first, progress while the run lasts, and
the summary at the end; the page stays up after the run until Ctrl-C
(``docs/live-page.md``, ``docs/rest.md``).
"""

from __future__ import annotations

import click

from mockzenoti.cli._delivery_options import progress_options, rest_rate_limit_option

__all__ = ["demo_command"]


@click.command("demo")
@click.option(
    "--seconds",
    type=click.FloatRange(1, 3600),
    default=30.0,
    show_default=True,
    help="How long the run lasts: its simulated day is paced to fit.",
)
@click.option(
    "--seed", "-s", default="1", show_default=True, help="The scenario's seed (any text)."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="The server's port on 127.0.0.1. When 8765 is taken a free port is used instead; "
    "a --port given that is taken is an error (exit 2). 0: any free port.",
)
@click.option(
    "--fail-share",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    metavar="P",
    help="Share of the events whose first attempt the receiver answers 503.",
)
@click.option(
    "--linger/--no-linger",
    default=True,
    show_default=True,
    help="Keep the server and its live page up after the run, until Ctrl-C "
    "(--no-linger: exit when the run ends).",
)
@rest_rate_limit_option
@progress_options
@click.pass_context
def demo_command(
    ctx: click.Context,
    seconds: float,
    seed: str,
    port: int,
    fail_share: float,
    linger: bool,
    rest_rate_limit: int,
    progress: str,
    quiet: bool,
) -> None:
    """Watch a simulated Zenoti organization deliver a day of webhooks, live.

    Starts the control server with a receiver that refuses the first attempt of
    some events, runs day-in-the-life against it for about --seconds, and prints
    a summary. Open the URL it prints first to watch on the live page; it stays
    up after the run until Ctrl-C (--no-linger: the demo exits when the run
    ends). A Ctrl-C during the run stops it (events already accepted are still
    delivered), prints the summary and exits; a second one quits at once.

    Exit 0 when every delivery was delivered (also after a Ctrl-C stop), 1 when
    some is dead, held or undelivered, 2 for bad options or a --port in use.
    """
    import sys

    from mockzenoti.catalog.config import catalog_from_context
    from mockzenoti.cli._demo import Demo, DemoOptions
    from mockzenoti.cli.progress import resolve_mode
    from mockzenoti.delivery import run

    options = DemoOptions(
        seconds=seconds,
        seed=seed,
        host="127.0.0.1",
        port=port,
        port_given=ctx.get_parameter_source("port") is not click.core.ParameterSource.DEFAULT,
        fail_share=fail_share,
        linger=linger,
        rest_rate_limit=rest_rate_limit,
        progress=resolve_mode(progress, quiet, sys.stderr),
        catalog=catalog_from_context(ctx),
    )
    ctx.exit(run(Demo(options).main()))
