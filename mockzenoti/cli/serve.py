"""``mockzenoti serve``: the control API (and the live page) on 127.0.0.1:8765 by default."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from mockzenoti.cli._delivery_options import outbox_path_option, rest_rate_limit_option
from mockzenoti.security.binds import check_bind
from mockzenoti.security.limits import MAX_CONCURRENCY

__all__ = ["serve_command"]


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (anything but a loopback address needs --token).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--outbox",
    "outbox_path",
    default=".mockzenoti/server.sqlite",
    show_default=True,
    callback=outbox_path_option,
    type=click.Path(dir_okay=False),
    help="SQLite outbox: targets, runs and deliveries survive a restart (:memory: keeps none). "
    "Apart from the CLI's .mockzenoti/outbox.sqlite, so `run` and `serve` can work side by side.",
)
@click.option(
    "--token",
    envvar="MOCKZENOTI_TOKEN",
    default=None,
    help="Require 'Authorization: Bearer TOKEN' (default: $MOCKZENOTI_TOKEN; none: open).",
)
@click.option(
    "--insecure-no-token",
    is_flag=True,
    help="Listen on a non-loopback --host without a token anyway (a warning is printed).",
)
@click.option(
    "--scenario-dir",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Let POST /runs name YAML scenario files under this directory (default: none; "
    "send documents as scenario_yaml).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file (TOML); same as the global --config.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, MAX_CONCURRENCY),
    default=64,
    show_default=True,
    help="Requests in flight per engine.",
)
@click.option(
    "--retry-scale",
    type=click.FloatRange(0, 1000),
    default=1.0,
    show_default=True,
    help="Scale the retry policy's waits of POST /events and redeliveries (runs: "
    "their retry_scale field).",
)
@click.option(
    "--scale-retry-after",
    is_flag=True,
    help="Scale a receiver's Retry-After by --retry-scale too (runs: their "
    "scale_retry_after field).",
)
@click.option(
    "--shutdown-grace",
    type=click.FloatRange(0.001, 3600),
    default=5.0,
    show_default=True,
    help="Seconds attempts in flight get to finish when stopping.",
)
@rest_rate_limit_option
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level (default: warnings).")
@click.pass_context
def serve_command(
    ctx: click.Context,
    host: str,
    port: int,
    outbox_path: str,
    token: str | None,
    insecure_no_token: bool,
    scenario_dir: str | None,
    config_path: str | None,
    concurrency: int,
    retry_scale: float,
    scale_retry_after: bool,
    shutdown_grace: float,
    rest_rate_limit: int,
    verbose: bool,
) -> None:
    """Run the control server until Ctrl-C (SIGINT) or SIGTERM.

    Prints the URL it listens on; the API is described at /openapi.json.
    Each run gets Zenoti's REST API over its world at /v1/ with a key of its
    own, printed when the run starts (docs/rest.md). Stopping lets attempts
    in flight finish; runs left running resume when a server starts again on
    the same outbox.
    """
    from mockzenoti.catalog.config import catalog_from_context
    from mockzenoti.delivery import run
    from mockzenoti.server.serve import serve
    from mockzenoti.server.settings import ServerSettings

    warning = check_bind(host, token, insecure_no_token, what="serve")
    if warning is not None:
        click.echo(warning, err=True)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    root = ctx.find_root()
    root.ensure_object(dict)
    if config_path is not None:
        root.obj["config_path"] = config_path
        root.obj.pop("settings", None)
    settings = ServerSettings(
        host=host,
        port=port,
        outbox=outbox_path,
        token=token or None,
        catalog=catalog_from_context(ctx),
        concurrency=concurrency,
        retry_scale=retry_scale,
        scale_retry_after=scale_retry_after,
        shutdown_grace=shutdown_grace,
        scenario_dir=None if scenario_dir is None else Path(scenario_dir),
        rest_rate_limit=rest_rate_limit,
    )

    def ready(url: str) -> None:
        """Say where the server listens (the line scripts wait for)."""
        auth = " (token required)" if settings.token else ""
        click.echo(f"mockzenoti serving on {url}{auth}; API: {url}/openapi.json; Ctrl-C stops")

    run(serve(settings, ready=ready, announce=lambda line: click.echo(line)))
    click.echo("mockzenoti stopped", err=True)
