"""The catalog: every Zenoti webhook event type, its schema, its documented sample, its forms.

- ``entries``: the event types (``Catalog``, ``CatalogEntry``, ``load_catalog``);
- ``samples``: the documented samples as traffic carries them (wrapped, completed, repaired);
- ``formats``: the string forms Zenoti's payloads use (dates, ids), as patterns;
- ``fixtures``: where the shipped payloads, schemas and scenario files live;
- ``config``: ``mockzenoti.toml``, which renames inferred event names and resources.

Plain synchronous Python: no asyncio, no aiohttp.
"""

from __future__ import annotations

from mockzenoti.catalog.entries import (
    Catalog,
    CatalogEntry,
    NameSource,
    SampleKind,
    load_catalog,
)
from mockzenoti.catalog.fixtures import fixtures_dir

__all__ = ["Catalog", "CatalogEntry", "NameSource", "SampleKind", "fixtures_dir", "load_catalog"]
