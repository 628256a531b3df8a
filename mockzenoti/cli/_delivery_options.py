"""Options shared by the commands that deliver: targets, engine settings, outbox, progress.

``target_options``, ``engine_options``, ``pace_option``, ``outbox_option`` and
``progress_options`` decorate a click command; ``DeliverySettings.from_options(opts)``
(``_delivery_settings.py``) gathers what they parsed. Values are checked by click
callbacks while the command line is parsed. Nothing here imports aiohttp at import
time: the delivery package is imported inside callbacks, when a command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from mockzenoti.errors import MockZenotiError
from mockzenoti.security.limits import MAX_CONCURRENCY, MAX_TIMEOUT

__all__ = [
    "DEFAULT_OUTBOX",
    "MAX_RETRY_SCALE",
    "URL_ENV",
    "bounded_duration",
    "engine_options",
    "header_option",
    "outbox_option",
    "outbox_path_option",
    "pace_option",
    "parse_duration_option",
    "parse_headers_option",
    "progress_options",
    "report_option",
    "rest_rate_limit_option",
    "target_options",
    "tls_option_group",
]

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_OUTBOX = ".mockzenoti/outbox.sqlite"
#: Pace speed factors (as the API's runs), and the largest retry scale.
MIN_PACE, MAX_PACE = 0.001, 1_000_000.0
MAX_RETRY_SCALE = 1000.0
#: The environment variable that gives ``--url`` when it is not on the command line.
URL_ENV = "MOCKZENOTI_URL"


def _bad(param: click.Parameter | None, exc: MockZenotiError) -> click.BadParameter:
    return click.BadParameter(exc.message, param=param)


def _retry(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from mockzenoti.delivery.policy import parse_policy

    try:
        return parse_policy(value, field="--retry").spec
    except MockZenotiError as exc:
        raise _bad(param, exc) from None


def _pace(ctx: click.Context, param: click.Parameter, value: str) -> float | None:
    from mockzenoti.delivery.pacing import parse_pace

    try:
        speed = parse_pace(value, field="--pace")
    except MockZenotiError as exc:
        raise _bad(param, exc) from None
    if speed is not None and not MIN_PACE <= speed <= MAX_PACE:
        raise click.BadParameter(
            f"a speed factor is from {MIN_PACE:g} to {MAX_PACE:,.0f}", param=param
        )
    return speed


def parse_duration_option(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Click callback: a duration (``500ms``, ``5s``, ``2m``, a bare number of seconds)."""
    if value is None or isinstance(value, float):
        return value
    from mockzenoti.delivery.policy import parse_duration

    try:
        return parse_duration(str(value), field=param.name or "duration")
    except MockZenotiError as exc:
        raise _bad(param, exc) from None


def bounded_duration(maximum: float) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A ``parse_duration_option`` that refuses more than ``maximum`` seconds."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        seconds = parse_duration_option(ctx, param, value)
        if seconds is not None and seconds > maximum:
            raise click.BadParameter(f"at most {maximum:g} seconds", param=param)
        return seconds

    return callback


def parse_headers_option(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    """Click callback: ``NAME:VALUE`` texts as a dict."""
    out: dict[str, str] = {}
    for text in values:
        key, sep, value = text.partition(":")
        if not sep or not key.strip():
            raise click.BadParameter(f"{text!r} is not NAME:VALUE", param=param)
        out[key.strip()] = value.strip()
    return out


def _option(*names: str, **kwargs: Any) -> Callable[[F], F]:
    return click.option(*names, **kwargs)


def header_option(command: F) -> F:
    """``--header NAME:VALUE`` (repeatable), parsed into ``headers``."""
    return _option(
        "--header",
        "headers",
        multiple=True,
        metavar="NAME:VALUE",
        callback=parse_headers_option,
        help="Extra request header (repeatable).",
    )(command)


def report_option(contents: str = "") -> Callable[[F], F]:
    """``--report FILE``: where the command writes its JSON summary (``contents`` says what)."""
    what = f" ({contents})" if contents else ""
    return _option(
        "--report",
        type=click.Path(dir_okay=False),
        default=None,
        help=f"Write a JSON summary here{what}.",
    )


content_type_option = _option(
    "--content-type",
    default="application/json",
    show_default=True,
    metavar="TYPE",
    help="The Content-Type header sent; '' sends none.",
)
tls_options = [
    _option(
        "--ca-cert",
        type=click.Path(exists=True, dir_okay=False, resolve_path=True),
        default=None,
        metavar="FILE",
        help="Check https receivers' certificates against the CAs in this PEM file "
        "[default: the system's, or $SSL_CERT_FILE].",
    ),
    _option(
        "--insecure",
        is_flag=True,
        help="Do not check https receivers' certificates at all.",
    ),
]


def tls_option_group(command: F) -> F:
    """``--ca-cert FILE`` and ``--insecure`` (for commands that send to stored targets)."""
    for option in reversed(tls_options):
        command = option(command)
    return command


def target_options(command: F) -> F:
    """``--url`` (repeatable, ``NAME=URL`` to name it) and each target's settings."""
    options = [
        _option(
            "--url",
            "urls",
            multiple=True,
            required=True,
            envvar=URL_ENV,
            metavar="[NAME=]URL",
            help="Webhook URL (repeatable: each event goes to every URL). "
            "NAME=URL names the target; the default name is the URL. "
            f"Default: ${URL_ENV} (several separated by spaces).",
        ),
        _option(
            "--method",
            type=click.Choice(["POST", "PUT", "PATCH"], case_sensitive=False),
            default="POST",
            show_default=True,
            help="HTTP method.",
        ),
        header_option,
        _option(
            "--timeout",
            default="10s",
            show_default=True,
            metavar="DURATION",
            callback=bounded_duration(MAX_TIMEOUT),
            help="Time allowed per attempt.",
        ),
        _option(
            "--retry",
            default="zenoti",
            show_default=True,
            callback=_retry,
            metavar="POLICY",
            help="zenoti, fast, standard, none, or waits such as 1s,5s,30s.",
        ),
        _option(
            "--retry-scale",
            type=click.FloatRange(0, MAX_RETRY_SCALE),
            default=1.0,
            show_default=True,
            help="Multiply the retry policy's waits (0.001: minutes become ms).",
        ),
        _option(
            "--scale-retry-after",
            is_flag=True,
            help="Scale a receiver's Retry-After by --retry-scale too [default: honoured "
            "as sent, at most the policy's longest wait].",
        ),
        _option(
            "--signing",
            type=click.Choice(["zenoti", "standard", "none"]),
            default=None,
            help="Signature scheme [default: zenoti with --secret, else none].",
        ),
        _option(
            "--secret",
            "secrets",
            multiple=True,
            envvar="MOCKZENOTI_SECRET",
            help="Signing secret (repeatable for rotation; env MOCKZENOTI_SECRET).",
        ),
        _option(
            "--deactivate-after",
            type=click.IntRange(0, 1_000_000),
            default=20,
            show_default=True,
            help="Dead deliveries in a row that deactivate a target (0: never).",
        ),
        _option(
            "--event-type",
            "event_types",
            multiple=True,
            metavar="TYPE",
            help="Send only these event types (repeatable; name or wire type).",
        ),
        _option(
            "--center",
            "center_ids",
            multiple=True,
            metavar="CENTER_ID",
            help="Send only events of these centers (repeatable).",
        ),
        content_type_option,
        *tls_options,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def engine_options(command: F) -> F:
    """Concurrency, rate, ordering and chaos."""
    options = [
        _option(
            "--concurrency",
            type=click.IntRange(1, MAX_CONCURRENCY),
            default=64,
            show_default=True,
            help="Requests in flight at most.",
        ),
        _option(
            "--rate",
            type=click.FloatRange(0, 1_000_000, min_open=True),
            default=None,
            help="Attempts per second at most, across targets [default: unlimited].",
        ),
        _option(
            "--ordering",
            type=click.Choice(["none", "per-entity"]),
            default="none",
            show_default=True,
            help="per-entity: an event waits for earlier events about the same entity.",
        ),
        _option(
            "--http-client",
            type=click.Choice(["auto", "aiohttp"]),
            default="auto",
            show_default=True,
            help="auto: plain http:// URLs through mockzenoti's lean HTTP/1.1 client, "
            "https:// through aiohttp; aiohttp: every request through aiohttp.",
        ),
        _option(
            "--chaos-duplicate",
            type=click.FloatRange(0, 1),
            default=0.0,
            metavar="P",
            help="Send a delivered event again with probability P.",
        ),
        _option(
            "--chaos-reorder",
            type=click.IntRange(0, 10_000),
            default=0,
            metavar="N",
            help="Reorder deliveries ready together within a window of N.",
        ),
        _option(
            "--chaos-delay",
            default=0.0,
            metavar="DURATION",
            callback=bounded_duration(MAX_TIMEOUT),
            help="Add a random delay up to DURATION before each attempt.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def pace_option(command: F) -> F:
    """``--pace asap|realtime|FACTOR``."""
    return _option(
        "--pace",
        default="asap",
        show_default=True,
        callback=_pace,
        metavar="PACE",
        help="asap, realtime, or a speed factor such as 60 (simulated time 60x faster).",
    )(command)


def outbox_path_option(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Click callback: an outbox is a file name or ``:memory:``, never an empty text.

    (SQLite would open an empty name as a private temporary database: the
    run would look durable and keep nothing.)
    """
    if value is not None and not str(value).strip():
        raise click.BadParameter(
            "needs a file name (or :memory: to keep nothing), not an empty text", param=param
        )
    return value


def outbox_option(command: F) -> F:
    """``--outbox FILE`` (``:memory:`` keeps nothing)."""
    return _option(
        "--outbox",
        default=DEFAULT_OUTBOX,
        show_default=True,
        envvar="MOCKZENOTI_OUTBOX",
        metavar="FILE",
        callback=outbox_path_option,
        help="SQLite outbox (env MOCKZENOTI_OUTBOX; :memory: keeps nothing).",
    )(command)


def progress_options(command: F) -> F:
    """``--progress auto|bar|lines|none`` and ``--quiet``."""
    command = _option("--quiet", "-q", is_flag=True, help="No progress output.")(command)
    return _option(
        "--progress",
        type=click.Choice(["auto", "bar", "lines", "none"]),
        default="auto",
        envvar="MOCKZENOTI_PROGRESS",
        show_default=True,
        help="bar on a terminal, plain lines otherwise (env MOCKZENOTI_PROGRESS).",
    )(command)


def rest_rate_limit_option(fn: F) -> F:
    """``--rest-rate-limit [CALLS]``: Zenoti's rate limit on each run's ``/v1`` key."""
    return click.option(
        "--rest-rate-limit",
        type=click.IntRange(0, 1_000_000),
        default=0,
        is_flag=False,
        flag_value=60,
        show_default=True,
        metavar="[CALLS]",
        help="Limit each run's /v1 key to CALLS calls a minute, as Zenoti does (429 with "
        "Retry-After past it); alone: Zenoti's 60. 0: no limit. A run may say otherwise "
        "(rest_rate_limit).",
    )(fn)
