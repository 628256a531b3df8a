"""Settings from ``mockzenoti.toml``: renames of inferred names and resources, world defaults.

The file is found in this order: an explicit path (``--config FILE``), the
``MOCKZENOTI_CONFIG`` environment variable, ``./mockzenoti.toml`` when present;
without any, the defaults apply (nothing renamed). Three tables are read::

    [event_types]                       # stable name = wire event_type
    "Appointment.Started" = "Appointment.Start"

    [event_resources]                   # stable name = event_resource, or "null"
    "Guest.Membership.Freeze" = "Membership"
    "Class.Booking.Approved" = "null"   # sends JSON null

    [world]                             # world sizes for simulate, run and world
    countries = 2                       # an organization in two countries
    country = "GB"                      # the (first) country

``[world]`` takes any world size (``WorldSizes``: centers, guests, kind,
countries, country, clientele ...); a command's own options win over it.

Dotted names may be quoted or bare (``Appointment.Started = "..."`` is a TOML
nested table; it is read as the dotted name). Only inferred names and
resources can be changed. Every mistake raises ``ConfigError`` naming the
file and the key (``event_types.Appointment.Started``).

API: ``load_settings(path)`` -> ``Settings`` (frozen) whose ``load_catalog()``
builds the configured catalog; commands call ``catalog_from_context(ctx)``.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mockzenoti.catalog.entries import Catalog, load_catalog
from mockzenoti.errors import ConfigError, MockZenotiError, closest

#: Bytes of a settings file read at most (it holds a few renames).
MAX_SETTINGS_BYTES = 1024 * 1024

if TYPE_CHECKING:
    import click

__all__ = [
    "DEFAULT_FILE",
    "ENV_VAR",
    "TABLES",
    "Settings",
    "catalog_from_context",
    "find_config",
    "load_settings",
    "parse_settings",
    "settings_from_context",
]

DEFAULT_FILE = "mockzenoti.toml"
ENV_VAR = "MOCKZENOTI_CONFIG"
TABLES = ("event_types", "event_resources", "world")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Settings:
    """What a settings file says; ``path`` is None when no file was read."""

    path: Path | None = None
    event_types: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    event_resources: Mapping[str, str | None] = field(default_factory=lambda: _EMPTY)
    world: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)  # world size defaults

    @cached_property
    def catalog(self) -> Catalog:
        """The catalog with this file's renames applied (built once)."""
        return self.load_catalog()

    def load_catalog(self) -> Catalog:
        """A new catalog with this file's renames and resources applied."""
        try:
            return load_catalog(dict(self.event_types), dict(self.event_resources))
        except MockZenotiError as exc:
            key = (exc.field or "").removeprefix("catalog.")
            raise ConfigError(f"{self._where()}: {exc.message}", field=key or None) from exc

    def _where(self) -> str:
        return str(self.path) if self.path is not None else "settings"


def find_config(
    path: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Path | None:
    """The settings file to read: ``path``, else ``$MOCKZENOTI_CONFIG``, else ./mockzenoti.toml."""
    environ = os.environ if environ is None else environ
    if path is not None and str(path) != "":
        return Path(path)
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    default = Path(cwd if cwd is not None else ".") / DEFAULT_FILE
    return default if default.is_file() else None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _table(doc: Mapping[str, Any], name: str, where: str) -> dict[str, Any]:
    table = doc.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [{name}] must be a table", field=name)
    return _flatten(table)


def parse_settings(doc: Mapping[str, Any], path: Path | None = None) -> Settings:
    """Check a parsed settings document and build ``Settings`` from it."""
    where = str(path) if path is not None else "settings"
    for key in doc:
        if key not in TABLES:
            hint = closest(key, TABLES)
            extra = f"; did you mean [{hint[0]}]?" if hint else f"; known: {', '.join(TABLES)}"
            raise ConfigError(f"{where}: unknown setting {key!r}{extra}", field=key)
    known = load_catalog().names
    event_types: dict[str, str] = {}
    event_resources: dict[str, str | None] = {}
    world = _world(doc, where)
    for table in ("event_types", "event_resources"):
        for name, value in _table(doc, table, where).items():
            key = f"{table}.{name}"
            if name not in known:
                hint = closest(name, known)
                extra = f"; did you mean {', '.join(hint)}?" if hint else ""
                raise ConfigError(f"{where}: unknown event type {name!r}{extra}", field=key)
            if not isinstance(value, str) or not value.strip():
                what = "wire event_type" if table == "event_types" else 'resource name or "null"'
                raise ConfigError(f"{where}: {key} must be a non-empty {what}", field=key)
            if table == "event_types":
                event_types[name] = value
            else:
                event_resources[name] = None if value == "null" else value
    settings = Settings(
        path,
        MappingProxyType(event_types),
        MappingProxyType(event_resources),
        MappingProxyType(world),
    )
    settings.catalog  # noqa: B018 - refuse documented names now, not at first use
    return settings


def _world(doc: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The ``[world]`` table, checked as world sizes (a mistake names ``world.KEY``)."""
    from mockzenoti.world.sizes import WorldSizes

    table = _table(doc, "world", where)
    try:
        sizes = WorldSizes().with_overrides(table, prefix="world.")
    except MockZenotiError as exc:
        raise ConfigError(f"{where}: {exc.message}", field=exc.field) from exc
    return {key.replace("-", "_"): getattr(sizes, key.replace("-", "_")) for key in table}


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Settings:
    """Read the settings file that ``find_config`` picks (defaults when there is none)."""
    found = find_config(path, environ=environ, cwd=cwd)
    if found is None:
        return Settings()
    try:
        with found.open("rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise ConfigError(f"settings file {found} is not a regular file", field="--config")
            data = fh.read(MAX_SETTINGS_BYTES + 1)
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"settings file {found} does not exist", field="--config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"settings file {found} cannot be read: {exc}", field="--config") from exc
    if len(data) > MAX_SETTINGS_BYTES:
        raise ConfigError(
            f"settings file {found} is larger than {MAX_SETTINGS_BYTES:,} bytes", field="--config"
        )
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{found}: not valid TOML: {exc}", field="--config") from exc
    except RecursionError:
        raise ConfigError(f"{found}: nested too deeply", field="--config") from None
    return parse_settings(doc, found)


def settings_from_context(ctx: click.Context) -> Settings:
    """The settings for a command, read once per invocation from the global ``--config``."""
    root = ctx.find_root()
    root.ensure_object(dict)
    cached = root.obj.get("settings")
    if not isinstance(cached, Settings):
        cached = root.obj["settings"] = load_settings(root.obj.get("config_path"))
    return cached


def catalog_from_context(ctx: click.Context) -> Catalog:
    """The configured catalog for a command (see ``settings_from_context``)."""
    return settings_from_context(ctx).catalog
