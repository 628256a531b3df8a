"""``mockzenoti events``: the catalog of event types, as a table or as JSON."""

from __future__ import annotations

import json
from typing import Any

import click

from mockzenoti.catalog import Catalog, CatalogEntry
from mockzenoti.catalog.config import catalog_from_context

__all__ = ["catalog_rows", "events"]


def _entry_row(entry: CatalogEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "event_type": entry.event_type,
        "renamed": entry.event_type != entry.name,
        "section": entry.section,
        "event_resource": entry.event_resource,
        "name_source": entry.name_source,
        "resource_source": entry.resource_source,
        "sample": entry.sample_kind,
        "shape_of": entry.shape_of,
        "completed": list(entry.completed),
        "repaired": list(entry.repaired),
        "attested": list(entry.attested),
        "schema_file": entry.schema_file,
        "note": entry.note,
    }


def catalog_rows(catalog: Catalog) -> list[dict[str, Any]]:
    """One JSON-ready dict per entry, in the docs' order."""
    return [_entry_row(e) for e in catalog]


def _paths(described: list[str]) -> str:
    return ", ".join(d.split(": ", 1)[0] for d in described)


def _table(rows: list[dict[str, Any]]) -> str:
    header = ("NAME", "WIRE TYPE", "SECTION", "NAME IS", "SAMPLE", "COMPLETED")
    lines = [
        (
            r["name"],
            r["event_type"] if r["renamed"] else "",
            r["section"],
            r["name_source"],
            r["sample"] if not r["shape_of"] else f"none (shape of {r['shape_of']})",
            _paths(r["completed"]),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header) - 1)]
    out = []
    for row in [header, *lines]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.append("  ".join([*cells, row[-1]]).rstrip())
    inferred = sum(r["name_source"] == "inferred" for r in rows)
    repaired = sum(bool(r["repaired"]) for r in rows)
    attested = sum(bool(r["attested"]) for r in rows)
    out.append("")
    out.append(
        f"{len(rows)} event types: {len(rows) - inferred} documented names, {inferred} inferred "
        f"(renamable in [event_types]); {repaired} samples repaired; {attested} with forms "
        "attested by live traffic. Details: --json"
    )
    return "\n".join(out)


@click.command("events")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as a JSON array.")
@click.pass_context
def events(ctx: click.Context, as_json: bool) -> None:
    """List every event type: name, wire type if renamed, docs section,
    documented or inferred name, sample kind and the parts mockzenoti completed
    (--json adds repairs and the forms consumers of live traffic attest)."""
    rows = catalog_rows(catalog_from_context(ctx))
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(_table(rows))
