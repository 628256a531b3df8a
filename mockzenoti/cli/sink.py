"""``mockzenoti sink``: a webhook receiver on 127.0.0.1 that records and misbehaves on purpose.

The first line printed is ``listening on URL``. Then one line per request
(``--json``: one JSON object per line; ``--quiet``: none): time, the status
answered, method and path, event type and ids, the attempt number for its
event, and marks for duplicates, signatures and deliberate failures.
``GET /received`` lists every request as JSON. Ctrl-C (or SIGTERM) prints a
summary and exits 0.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from mockzenoti.cli._delivery_options import parse_duration_option
from mockzenoti.errors import MockZenotiError

if TYPE_CHECKING:
    from mockzenoti.sink import SinkCall, SinkSettings

__all__ = ["call_line", "sink_command"]


def call_line(call: SinkCall) -> str:
    """One request as a terminal line."""
    at = datetime.fromtimestamp(call.arrived_at).strftime("%H:%M:%S.%f")[:-3]
    etype = call.json.get("event_type") if isinstance(call.json, dict) else None
    parts = [at, str(call.status), call.method, call.path, str(etype or "-")]
    if call.event_id:
        parts.append(f"event_id={call.event_id}")
    if call.delivery_id:
        parts.append(f"id={call.delivery_id}")
    parts.append(f"attempt={call.attempt}")
    if call.duplicate:
        parts.append("DUPLICATE")
    if call.signature_ok is not None:
        parts.append("signature=ok" if call.signature_ok else "signature=BAD")
    if call.reason and call.reason != "signature":
        parts.append(f"({call.reason})")
    return " ".join(parts)


def _summary(counts: dict[str, int]) -> str:
    return (
        f"received {counts['calls']:,} requests: {counts['accepted']:,} accepted, "
        f"{counts['rejected']:,} rejected; {counts['unique_events']:,} distinct events, "
        f"{counts['duplicates']:,} duplicates, {counts['bad_signatures']:,} bad signatures"
    )


async def _serve(settings: SinkSettings, host: str, port: int, mode: str) -> dict[str, int]:
    import asyncio
    import contextlib
    import signal

    from mockzenoti.sink import Sink

    sink = Sink(settings)
    if mode == "lines":
        sink.subscribe(lambda call: click.echo(call_line(call)))
    elif mode == "json":
        sink.subscribe(lambda call: click.echo(json.dumps(call.summary())))
    try:
        url = await sink.start(host, port)
    except OSError as exc:
        raise MockZenotiError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}", field="--port"
        ) from exc
    click.echo(f"listening on {url} (GET {url}received lists what arrived; Ctrl-C stops)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await sink.stop()
    return sink.counts()


@click.command("sink")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8766,
    show_default=True,
    help="Port (0: any free port; the URL is printed). Not serve's 8765, so both run at once.",
)
@click.option(
    "--secret",
    "secrets",
    multiple=True,
    envvar="MOCKZENOTI_SECRET",
    help="Verify signatures with this secret (repeatable; unsigned or wrong: 401).",
)
@click.option(
    "--signing",
    type=click.Choice(["zenoti", "standard"]),
    default=None,
    help="Signature scheme to verify [default: zenoti].",
)
@click.option(
    "--fail-first",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Fail the first N attempts of each event.",
)
@click.option(
    "--fail-share",
    type=click.FloatRange(0, 1),
    default=1.0,
    metavar="P",
    help="Apply --fail-first to this share of events only (a stable, seeded pick) [default: 1].",
)
@click.option(
    "--fail-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    metavar="P",
    help="Fail each request with probability P (seeded).",
)
@click.option(
    "--fail-status",
    type=click.IntRange(100, 599),
    default=500,
    show_default=True,
    help="The status of deliberate failures.",
)
@click.option(
    "--fail-by",
    type=click.Choice(["event_id", "id"]),
    default="event_id",
    show_default=True,
    help="Count --fail-first per event or per delivery id.",
)
@click.option(
    "--status",
    type=click.IntRange(100, 599),
    default=200,
    show_default=True,
    metavar="CODE",
    help="The answer when not failing on purpose.",
)
@click.option(
    "--latency",
    default="0",
    metavar="DURATION",
    callback=parse_duration_option,
    help="Wait this long before answering, e.g. 200ms.",
)
@click.option(
    "--retry-after",
    default=None,
    metavar="SECONDS",
    help="Send Retry-After with each deliberate failure.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of --fail-rate and --fail-share."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per request.")
@click.option("--quiet", "-q", is_flag=True, help="No line per request; only the summary.")
@click.pass_context
def sink_command(
    ctx: click.Context,
    /,
    host: str,
    port: int,
    secrets: tuple[str, ...],
    signing: str | None,
    fail_first: int,
    fail_share: float,
    fail_rate: float,
    fail_status: int,
    fail_by: str,
    status: int,
    latency: float,
    retry_after: str | None,
    seed: int,
    as_json: bool,
    quiet: bool,
) -> None:
    """Receive webhooks on HOST:PORT, print each request, and misbehave on request."""
    from mockzenoti.delivery import run
    from mockzenoti.sink import SinkSettings

    if retry_after is not None and not retry_after.strip().isdigit():
        raise click.BadParameter("a whole number of seconds", param_hint="--retry-after")
    if signing is not None and not secrets:
        raise click.BadParameter("needs --secret to verify with", param_hint="--signing")
    try:
        settings = SinkSettings(
            secrets=secrets,
            scheme=signing,  # type: ignore[arg-type]
            status=status,
            fail_first=fail_first,
            fail_by=fail_by,  # type: ignore[arg-type]
            fail_share=fail_share,
            fail_probability=fail_rate,
            fail_status=fail_status,
            retry_after=retry_after,
            latency=latency,
            seed=seed,
        )
    except MockZenotiError as exc:
        names = {"secrets": "--secret", "scheme": "--signing"}
        raise MockZenotiError(exc.message, field=names.get(exc.field or "", exc.field)) from exc
    mode = "none" if quiet else ("json" if as_json else "lines")
    counts: dict[str, Any] = run(_serve(settings, host, port, mode))
    click.echo(_summary(counts))
