"""Options shared by the commands that simulate or generate: seed, sizes, limits, overrides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from mockzenoti.security.limits import MAX_EVENTS

__all__ = [
    "again_option",
    "fresh_seed_option",
    "limit_options",
    "overrides_option",
    "seed_option",
    "size_options",
    "sizes_from",
    "world_sizes",
]

F = TypeVar("F", bound=Callable[..., Any])
#: Characters in a seed.
MAX_SEED = 256

_SIZES: tuple[tuple[str, str, str], ...] = (
    ("--centers", "centers", "Centers of the organization."),
    ("--guests", "guests", "Guests in the pool (made only when first needed)."),
    ("--staff", "staff", "Employees per center."),
    ("--sessions-per-day", "sessions_per_day", "Class sessions per center and day."),
    ("--appointments-per-day", "appointments_per_day", "Appointment bookings per center and day."),
    ("--countries", "countries", "Countries the centers are spread over (default 1: one region)."),
    ("--clientele", "clientele", "Guests of the pool who predate the stream (default 3/5)."),
)


def seed_option(command: F) -> F:
    """``--seed/-s TEXT``: the same seed gives the same bytes."""
    return click.option(
        "--seed",
        "-s",
        default="0",
        show_default=True,
        help="Seed (any text): the same seed gives the same output, byte for byte.",
    )(command)


def fresh_seed_option(command: F) -> F:
    """``--seed/-s TEXT``, a fresh one by default (printed, and kept by a resumed run)."""
    return click.option(
        "--seed",
        "-s",
        default=None,
        callback=_seed_text,
        help="Seed (any text): the same seed gives the same output, byte for byte "
        "[default: a fresh one, printed; a resumed run keeps its own].",
    )(command)


def _seed_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not 0 < len(value) <= MAX_SEED:
        raise click.BadParameter(f"a seed is 1 to {MAX_SEED} characters", param=param)
    return value


def again_option(command: F) -> F:
    """``--again``: send a run that finished already once more, as a new run."""
    return click.option(
        "--again",
        is_flag=True,
        help="The same command (and --seed) finished before: send it again as a new run "
        "(same ids: every delivery counts as a possible duplicate).",
    )(command)


def size_options(command: F) -> F:
    """The world size options (each defaults to the scenario's own size)."""
    for flag, name, text in reversed(_SIZES):
        command = click.option(flag, name, type=click.IntRange(min=0), default=None, help=text)(
            command
        )
    command = click.option(
        "--country",
        type=click.Choice(["US", "CA", "GB", "AU", "IN"], case_sensitive=False),
        default=None,
        help="The organization's country (default: chosen by the seed).",
    )(command)
    return click.option(
        "--kind",
        type=click.Choice(["spa", "salon", "med-spa", "fitness"]),
        default=None,
        help="Kind of business (default: the scenario's, else chosen by the seed).",
    )(command)


def sizes_from(options: dict[str, Any]) -> dict[str, Any]:
    """The sizes the user gave (options left unset are not overrides)."""
    names = [name for _, name, _ in _SIZES] + ["kind", "country"]
    return {n: options[n] for n in names if options.get(n) is not None}


def world_sizes(ctx: click.Context, options: dict[str, Any]) -> dict[str, Any]:
    """The sizes to simulate with: ``mockzenoti.toml``'s ``[world]``, then the options given."""
    from mockzenoti.catalog.config import settings_from_context

    return {**settings_from_context(ctx).world, **sizes_from(options)}


def limit_options(min_events: int) -> Callable[[F], F]:
    """``--events/--count/-n N`` (at least ``min_events``) and ``--duration/-d SIMULATED``."""

    def decorate(command: F) -> F:
        command = click.option(
            "--duration",
            "-d",
            metavar="SIMULATED",
            default=None,
            help="Stop after this much simulated time from the start, e.g. 8h, 3d, 90m.",
        )(command)
        return click.option(
            "--events",
            "--count",
            "-n",
            "events",
            type=click.IntRange(min_events, MAX_EVENTS),
            default=None,
            help="Stop after N events (a built-in goes on past its natural length).",
        )(command)

    return decorate


def overrides_option(command: F) -> F:
    """``--set PATH=VALUE`` (repeatable): overrides by dotted path, as ``assignments``."""
    return click.option(
        "--set",
        "assignments",
        multiple=True,
        metavar="PATH=VALUE",
        help="Override a field by dotted path (repeatable), e.g. data.guest.first_name=Ada.",
    )(command)
