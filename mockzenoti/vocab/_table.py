"""Reading the ``|``-separated text tables the vocabulary is written in."""

from __future__ import annotations

__all__ = ["sections"]


def sections(table: str) -> dict[str, list[list[str]]]:
    """Rows of a ``[section]``-headed, ``|``-separated text table, by section."""
    out: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for line in table.strip().splitlines():
        if line.startswith("["):
            current = out.setdefault(line.strip("[]"), [])
        else:
            current.append(line.split(" | "))
    return out
