"""``mockzenoti ping --url URL``: Zenoti's "test" button, an empty POST.

No body and no signature, as Zenoti's test sends (extra ``--header``\\s are
kept). Prints one line per URL: the status (or the error) and the latency.
Exit 0 when every URL answered 2xx, 1 otherwise.
"""

from __future__ import annotations

import click

from mockzenoti.cli._delivery_options import (
    URL_ENV,
    header_option,
    parse_duration_option,
)
from mockzenoti.cli._delivery_settings import named_error
from mockzenoti.errors import MockZenotiError

__all__ = ["ping_command"]


@click.command("ping")
@click.option(
    "--url",
    "urls",
    multiple=True,
    required=True,
    envvar=URL_ENV,
    metavar="URL",
    help=f"Webhook URL to test (repeatable). Default: ${URL_ENV} (several separated by spaces).",
)
@header_option
@click.option(
    "--timeout",
    default="10s",
    show_default=True,
    metavar="DURATION",
    callback=parse_duration_option,
    help="Time allowed for the answer.",
)
@click.pass_context
def ping_command(
    ctx: click.Context, urls: tuple[str, ...], headers: dict[str, str], timeout: float
) -> None:
    """Send Zenoti's test request (an empty POST) to each --url; print status and latency."""
    from mockzenoti.cli._runtime import execute
    from mockzenoti.delivery import AttemptResult, Target, client_session, ping

    try:
        targets = [Target(url, name=url, headers=headers, timeout=timeout) for url in urls]
    except MockZenotiError as exc:
        raise named_error(exc, "--url") from exc

    async def probe() -> list[AttemptResult]:
        async with client_session(limit=len(targets)) as session:
            return [await ping(session, t) for t in targets]

    results, _ = execute(probe)
    ok = results is not None
    for target, result in zip(targets, results or [], strict=False):
        answer = result.status if result.status is not None else result.error
        click.echo(f"{target.url}: {answer} in {result.latency * 1000:.1f} ms ({result.outcome})")
        ok = ok and result.delivered
    ctx.exit(0 if ok else 1)
