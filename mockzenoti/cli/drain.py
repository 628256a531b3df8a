"""``mockzenoti drain --outbox FILE``: deliver only what the outbox holds unsettled.

Pending and retrying deliveries of every run, and those a killed process left
mid-attempt (sent again and counted as possible duplicates), go to their
stored targets with their stored settings. Nothing new is generated. Exit 0
when every delivery drained was delivered, 1 otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mockzenoti.cli._delivery_options import (
    engine_options,
    outbox_option,
    progress_options,
    report_option,
    tls_option_group,
)
from mockzenoti.cli._delivery_settings import DeliverySettings

if TYPE_CHECKING:
    from mockzenoti.delivery import Hub

__all__ = ["drain_command", "retry_scale_option"]

F = TypeVar("F", bound=Callable[..., Any])


def retry_scale_option(command: F) -> F:
    """``--retry-scale`` and ``--scale-retry-after``."""
    command = click.option(
        "--scale-retry-after",
        is_flag=True,
        help="Scale a receiver's Retry-After by --retry-scale too [default: honoured as "
        "sent, at most the policy's longest wait].",
    )(command)
    return click.option(
        "--retry-scale",
        type=click.FloatRange(min=0),
        default=1.0,
        show_default=True,
        help="Multiply the retry policy's waits (0.001: minutes become ms).",
    )(command)


@click.command("drain")
@outbox_option
@engine_options
@retry_scale_option
@tls_option_group
@report_option()
@progress_options
@click.pass_context
def drain_command(
    ctx: click.Context, /, outbox: str, report: str | None, progress: str, quiet: bool, **opts: Any
) -> None:
    """Deliver what --outbox holds pending, retrying or interrupted, and nothing else.

    --ca-cert and --insecure are stored on the outbox's https targets.
    """
    import sys

    from mockzenoti.cli._backlog import Backlog, deliver_backlog, use_tls
    from mockzenoti.cli._runtime import open_box
    from mockzenoti.cli.progress import resolve_mode
    from mockzenoti.delivery import drain

    options = DeliverySettings.from_options({**opts, "urls": ()}).options()
    box = open_box(outbox, must_exist=True)
    try:
        use_tls(box, opts.get("ca_cert"), bool(opts.get("insecure")))
        counts = box.counts()
        total = counts["pending"] + counts["delivering"] + counts["retrying"]

        async def work(hub: Hub) -> int:
            result = await drain(box, options, hub=hub)
            return result.loaded

        job = Backlog("drain", work, total, resolve_mode(progress, quiet, sys.stderr), report)
        code = deliver_backlog(box, job)
    finally:
        box.close()
    ctx.exit(code)
