"""``mockzenoti validate FILE``: check captured webhook payloads against the schemas.

FILE (``-`` for standard input) holds one JSON object, a JSON array of
objects, or JSON Lines (one object per line). For each event that fails, the
command prints its position (line number for JSON Lines, item number for an
array), its ``event_type`` and ``event_id``, then each failing path with what
was wrong; then a summary line. Exit 0 when every event is valid, 1 when any
is not (a line that is not JSON counts as a failure), 2 for bad usage.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from typing import Any

import click

from mockzenoti.catalog import Catalog
from mockzenoti.catalog.config import catalog_from_context
from mockzenoti.security.limits import MAX_DEPTH, NotText, TooDeep, all_text, check_depth
from mockzenoti.validation import Problem, validate

__all__ = ["MAX_INPUT", "Item", "check_items", "read_items", "validate_command"]

#: Bytes of input read at most.
MAX_INPUT = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Item:
    """One event read from the input, or the reason it could not be read."""

    where: str  # "line 3", "item 2", "document"
    payload: Any = None
    error: str | None = None


def _loads(text: str) -> Any:
    """``json.loads`` refusing a value nested deeper than ``MAX_DEPTH`` (``TooDeep``)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(f"nested more than {MAX_DEPTH} levels deep") from None
    check_depth(value)
    if not all_text(value):
        raise NotText("a string holds a lone surrogate (such as \\ud800): not text")
    return value


def _decode_error(exc: json.JSONDecodeError, line: int | None = None) -> str:
    at = f"line {line}, column {exc.colno}" if line is not None else f"line {exc.lineno}"
    return f"not valid JSON: {exc.msg} ({at})"


def _json_lines(text: str) -> list[Item]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(Item(f"line {number}", _loads(line)))
        except json.JSONDecodeError as exc:
            items.append(Item(f"line {number}", error=_decode_error(exc, number)))
        except (TooDeep, NotText) as exc:
            items.append(Item(f"line {number}", error=exc.message))
    return items


def _parses_alone(line: str) -> bool:
    try:
        return isinstance(_loads(line), dict)
    except (json.JSONDecodeError, TooDeep, NotText):
        return False


def read_items(text: str) -> list[Item]:
    """Split the input into events: a JSON object, a JSON array, or JSON Lines.

    The whole text is tried as one JSON document first; when that fails and at
    least one line holds a whole object, it is read as JSON Lines so that one
    bad line does not hide the others.
    """
    try:
        document = _loads(text)
    except json.JSONDecodeError as exc:
        if any(_parses_alone(line) for line in text.splitlines()):
            return _json_lines(text)
        return [Item("document", error=_decode_error(exc))]
    except (TooDeep, NotText) as exc:
        return [Item("document", error=exc.message)]
    if isinstance(document, list):
        return [Item(f"item {i}", value) for i, value in enumerate(document, start=1)]
    return [Item("document", document)]


def _label(payload: Any) -> str:
    if not isinstance(payload, dict):
        return "(not an object)"
    event_type = payload.get("event_type", "(no event_type)")
    event_id = payload.get("event_id", "(none)")
    return f"{event_type} event_id={event_id}"


def check_items(items: list[Item], catalog: Catalog) -> tuple[list[str], int]:
    """The report lines for the failing items, and how many failed."""
    lines: list[str] = []
    failed = 0
    for item in items:
        if item.error is not None:
            failed += 1
            lines.append(f"{item.where}: {item.error}")
            continue
        problems: list[Problem] = validate(item.payload, catalog)
        if problems:
            failed += 1
            lines.append(f"{item.where}: {_label(item.payload)}: {len(problems)} problem(s)")
            lines.extend(f"  {p}" for p in problems)
    return lines, failed


@click.command("validate")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, readable=True)
)
@click.pass_context
def validate_command(ctx: click.Context, file: str) -> None:
    """Check each event in FILE (JSON, JSON array or JSON Lines; - for stdin)
    against its event type's schema; exit 1 if any event is invalid."""
    catalog = catalog_from_context(ctx)
    with click.open_file(file, "rb") as stream:
        if file != "-" and not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise click.BadParameter("not a regular file", param_hint="FILE")
        raw = stream.read(MAX_INPUT + 1)
    if len(raw) > MAX_INPUT:
        raise click.BadParameter(f"larger than {MAX_INPUT:,} bytes; split it", param_hint="FILE")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"not UTF-8 text ({exc.reason})", param_hint="FILE") from exc
    if not text.strip():
        raise click.BadParameter("holds no events (it is empty)", param_hint="FILE")
    items = read_items(text)
    if not items:
        raise click.BadParameter("holds no events (an empty array)", param_hint="FILE")
    lines, failed = check_items(items, catalog)
    for line in lines:
        click.echo(line)
    valid = len(items) - failed
    noun = "event" if len(items) == 1 else "events"
    click.echo(f"checked {len(items)} {noun}: {valid} valid, {failed} invalid")
    ctx.exit(1 if failed else 0)
