"""Bounds on everything a user hands in: sizes, counts, nesting, numbers.

One place for the limits that keep a bad or hostile input from costing
memory, time or a traceback (docs/security.md lists them). The CLI refuses a
value beyond them with exit code 2, the HTTP API with a JSON 4xx; both name
the option or field.

``check_depth`` walks a decoded JSON (or YAML) value without recursion and
refuses one nested deeper than ``MAX_DEPTH``; ``loads_bounded`` decodes JSON
text and applies it (a document too deep for the decoder's own recursion is
refused the same way).
"""

from __future__ import annotations

from typing import Any

from mockzenoti.errors import MockZenotiError

__all__ = [
    "MAX_BODY",
    "MAX_CONCURRENCY",
    "MAX_DEPTH",
    "MAX_EVENTS",
    "MAX_RETRY_WAITS",
    "MAX_SCENARIO_BYTES",
    "MAX_TIMEOUT",
    "MAX_URL",
    "MAX_WAIT",
    "MAX_YAML_NODES",
    "NotText",
    "TooDeep",
    "all_text",
    "check_depth",
    "loads_bounded",
]

#: Requests in flight at most (``--concurrency``, ``concurrency``).
MAX_CONCURRENCY = 10_000
#: Waits in a retry schedule (``1s,5s,30s`` has 3).
MAX_RETRY_WAITS = 50
#: Characters in a target URL.
MAX_URL = 8 * 1024
#: Seconds an attempt may last (``--timeout``) and a single retry wait may be.
MAX_TIMEOUT = 3600.0
MAX_WAIT = 7 * 24 * 3600.0
#: Events a run may be asked for (``--events``, ``events``).
MAX_EVENTS = 100_000_000
#: Levels of nesting in a JSON body, payload, override or YAML document.
MAX_DEPTH = 64
#: Bytes of an HTTP request body to the control server (a 413 beyond).
MAX_BODY = 1024 * 1024
#: Bytes of a scenario document (a file, or one sent in a request).
MAX_SCENARIO_BYTES = 256 * 1024
#: Values in a YAML document once its aliases are expanded (an alias bomb stops here).
MAX_YAML_NODES = 100_000


class TooDeep(MockZenotiError, ValueError):
    """A JSON or YAML value nested deeper than ``MAX_DEPTH`` (a ``ValueError``, as bad JSON is)."""

    code = "too_deep"


class NotText(MockZenotiError, ValueError):
    """A JSON string escaping a lone surrogate: no text, so nothing can store or send it."""


def check_depth(value: Any, field: str | None = None, limit: int = MAX_DEPTH) -> Any:
    """``value`` itself, unless its objects and arrays nest deeper than ``limit`` (``TooDeep``)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise TooDeep(f"nested more than {limit} levels deep", field=field)
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return value


def all_text(value: Any) -> bool:
    """True when every string in ``value`` (object keys too) is text UTF-8 can write.

    JSON's ``\\ud800`` escape decodes to a lone surrogate, which no file,
    database or socket takes.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        strings: list[Any] = []
        if isinstance(item, dict):
            strings.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            strings.append(item)
        for text in strings:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def loads_bounded(data: bytes | str, field: str | None = None) -> Any:
    """JSON ``data`` decoded, at most ``MAX_DEPTH`` deep; ``ValueError`` when it is not JSON."""
    from mockzenoti import jsonfast

    try:
        value = jsonfast.loads(data)
    except RecursionError:
        raise TooDeep(f"nested more than {MAX_DEPTH} levels deep", field=field) from None
    except ValueError as exc:
        if "recursion" in str(exc).lower():  # orjson's own depth limit
            raise TooDeep(f"nested more than {MAX_DEPTH} levels deep", field=field) from None
        raise
    check_depth(value, field)
    if not all_text(value):
        raise NotText("a string holds a lone surrogate (such as \\ud800): not text", field=field)
    return value
