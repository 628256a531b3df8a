"""Running delivery work from a command: the outbox, the event loop, Ctrl-C, progress.

``open_box`` opens an outbox, naming ``--outbox`` in any refusal. ``execute``
runs a coroutine on ``mockzenoti.delivery.run`` (uvloop when installed) beside
a ``Progress`` ticker. The first SIGINT or SIGTERM cancels the work, which
lets attempts in flight finish and leaves everything else in the outbox for
the next run (``execute`` then reports ``interrupted``); a second one exits at
once, which the outbox also survives (a resumed run counts possible duplicates).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mockzenoti.errors import MockZenotiError

if TYPE_CHECKING:
    from mockzenoti.cli.progress import Progress
    from mockzenoti.delivery import Outbox

__all__ = ["execute", "open_box", "run_phase", "say"]

T = TypeVar("T")


def say(text: str) -> None:
    """A status line on standard error (kept apart from the summary on standard output)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def open_box(path: str, *, must_exist: bool = False, exclusive: bool = True) -> Outbox:
    """Open the outbox at ``path``; errors name ``--outbox``.

    ``must_exist``: refuse a missing file or ``:memory:`` (commands that only
    read or act on what an earlier run left). ``exclusive=False`` reads an
    outbox another process is delivering from.
    """
    from mockzenoti.delivery import Outbox

    if must_exist:
        if path == ":memory:":
            raise MockZenotiError("an in-memory outbox holds nothing here", field="--outbox")
        if not Path(path).is_file():
            raise MockZenotiError(
                f"no outbox at {path} (mockzenoti run creates it; see --outbox)", field="--outbox"
            )
    try:
        return Outbox(path, exclusive=exclusive)
    except MockZenotiError as exc:
        raise MockZenotiError(exc.message, field="--outbox") from exc
    except (sqlite3.Error, OSError) as exc:
        raise MockZenotiError(f"cannot open the outbox {path}: {exc}", field="--outbox") from exc


def execute(
    work: Callable[[], Awaitable[T]], progress: Progress | None = None
) -> tuple[T | None, bool]:
    """Run ``work()`` to its end; returns ``(result, False)`` or ``(None, True)`` if stopped."""
    from mockzenoti.delivery import run

    return run(run_phase(work, progress))


async def run_phase(
    work: Callable[[], Awaitable[T]], progress: Progress | None
) -> tuple[T | None, bool]:
    """``execute``'s work on the running loop: ``(result, False)``, or ``(None, True)`` if stopped.

    Its signal handlers are in place only while ``work`` runs.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work())
    ticker = asyncio.create_task(progress.run()) if progress is not None else None
    stops = 0

    def stop() -> None:
        nonlocal stops
        stops += 1
        if stops == 1:
            say("\nstopping: attempts in flight may finish; press Ctrl-C again to quit at once")
            task.cancel()
        else:  # the outbox is crash-safe: a later run resumes and counts possible duplicates
            say("quitting at once")
            os._exit(1)

    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop)
            installed.append(sig)
    try:
        try:
            return await task, False
        except asyncio.CancelledError:
            if stops and task.cancelled():
                return None, True
            raise
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        if progress is not None:
            progress.finish()
