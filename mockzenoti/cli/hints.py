"""What a failing target's last error probably means, in one line a person can act on.

``short_error("connection refused: [Errno 111] ...")`` is ``connection refused``;
``hint(url, error)`` is what to check: ``is anything listening on 127.0.0.1:9?``.
``failing_line`` joins them into the warning printed once when the first
attempts to a target all fail (``Progress`` and ``emit``).
"""

from __future__ import annotations

import re

from yarl import URL

__all__ = ["failing_line", "hint", "short_error", "timeouts_line"]

_HTTP = re.compile(r"^HTTP (\d{3})$")


def short_error(error: str | None) -> str:
    """The cause of an attempt's error, without its details (at most 60 characters)."""
    if not error:
        return "no answer"
    if _HTTP.match(error):
        return error
    head = error.split(": ", 1)[0]
    return head if len(head) <= 60 else head[:59] + "…"


def _address(url: str) -> str:
    try:
        parsed = URL(url)
    except ValueError:
        return url
    host = parsed.host or "?"
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{parsed.port}" if parsed.port is not None else shown


def hint(url: str, error: str | None) -> str:
    """What to check when ``url`` fails with ``error`` (an attempt's error or ``HTTP nnn``)."""
    text = error or ""
    http = _HTTP.match(text)
    if http is not None:
        status = int(http.group(1))
        if status in (401, 403):
            return "does it check a signature? give its secret with --secret (and --signing)"
        if status in (404, 405):
            return "is the path right, and the method (--method)?"
        if 300 <= status < 400:
            return "the URL redirects, and webhooks are not followed: give the final URL"
        if status == 429:
            return "it limits the rate: try --rate or a smaller --concurrency"
        if status >= 500:
            return "the receiver fails: look at its log"
        return "the receiver refuses the request: `mockzenoti deliveries show ID` has its answer"
    cause = short_error(text)
    if cause == "connection refused":
        return f"is anything listening on {_address(url)}?"
    if cause == "host not found":
        return f"is the host name {URL(url).host!r} right?"
    if cause == "certificate not trusted":
        return "give its CA with --ca-cert FILE (or SSL_CERT_FILE), or --insecure"
    if cause == "TLS failed":
        return "does it speak https? a plain server needs http://"
    if cause == "timed out":
        return "it answers slower than --timeout: allow more (--timeout 30s) or send fewer at once"
    if cause in ("connection reset", "closed without an answer"):
        return "the receiver dropped the connection: look at its log"
    if cause == "host unreachable":
        return f"is {_address(url)} reachable from here?"
    return "look at the attempts: `mockzenoti deliveries --state retrying,dead`"


def failing_line(url: str, attempts: int, error: str | None) -> str:
    """The warning for a target whose first ``attempts`` all failed."""
    what = "the first attempt" if attempts == 1 else f"the first {attempts} attempts"
    return f"warning: {what} to {url} failed: {short_error(error)}: {hint(url, error)}"


def timeouts_line(
    timeouts: int, attempts: int, timeout: float | None, concurrency: int | None
) -> str:
    """The warning when timeouts pile up: point at ``--timeout`` and ``--concurrency``."""
    allowed = f" (--timeout {timeout:g}s)" if timeout is not None else ""
    at_once = f"{concurrency} requests at once" if concurrency is not None else "many at once"
    return (
        f"warning: {timeouts:,} of {attempts:,} attempts timed out{allowed}: the receiver is slow "
        f"with {at_once}; try a smaller --concurrency or a longer --timeout"
    )
