"""Where a run's scenario comes from: a built-in name, a document in the request, or a file.

The control API reads no server file by name unless the server was started
with ``--scenario-dir DIR``: then ``scenario`` may name a YAML file under
DIR (relative to it, or absolute). The path is resolved first (``..`` and
symbolic links followed), and a file whose real place is outside DIR is
refused like any other path, before anything is read, so no byte of it can
reach an answer. A document sent in the request (``scenario_yaml``) needs no
file at all. Either way the YAML text is kept in the run's spec, so a
restarted server resumes the run from the same text even if the file changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockzenoti.errors import MockZenotiError, closest
from mockzenoti.scenarios.builtin import BUILTINS
from mockzenoti.scenarios.files.scenario import (
    FileScenario,
    parse_yaml_scenario,
    read_scenario_file,
)
from mockzenoti.security.limits import MAX_SCENARIO_BYTES
from mockzenoti.server.errors import ApiError

__all__ = ["ScenarioSource", "list_files", "resolve_source"]

_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class ScenarioSource:
    """A checked scenario: its name as runs show it, its YAML text (None for a built-in), and
    the file (under the scenario directory) the text came from."""

    name: str
    yaml: str | None = None
    file: str | None = None


def _looks_like_a_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.lower().endswith(_SUFFIXES)


def _refused(text: str, scenario_dir: Path | None) -> ApiError:
    how = (
        "name a file under the server's scenario directory (GET /scenarios lists them)"
        if scenario_dir is not None
        else "start the server with --scenario-dir DIR to allow files under DIR"
    )
    return ApiError(
        403,
        "forbidden",
        "this server reads no scenario file by that name: send the document itself as "
        f"scenario_yaml, or {how}",
        "scenario",
    )


def _file(text: str, scenario_dir: Path | None) -> Path:
    """The real path of the scenario file ``text`` names, if it lies under ``scenario_dir``."""
    if scenario_dir is None or "\0" in text:
        raise _refused(text, scenario_dir)
    root = scenario_dir.resolve()
    try:
        real = (root / text).resolve(strict=True)  # an absolute ``text`` replaces ``root``
    except FileNotFoundError:
        raise ApiError.not_found(
            f"no scenario file {text!r} under the scenario directory", "scenario"
        ) from None
    except (OSError, RuntimeError, ValueError):  # a loop of links, a name too long
        raise _refused(text, scenario_dir) from None
    if not real.is_relative_to(root) or not real.is_file():
        raise _refused(text, scenario_dir)
    return real


def resolve_source(
    scenario: str | None, document: str | None, scenario_dir: Path | None
) -> ScenarioSource:
    """The scenario a ``POST /runs`` asks for, checked; ``ApiError`` names the field."""
    if (scenario is None) == (document is None):
        raise ApiError.invalid("give either scenario (a name) or scenario_yaml", "scenario")
    if document is not None:
        size = len(document.encode("utf-8", "surrogatepass"))
        if size > MAX_SCENARIO_BYTES:
            raise ApiError(
                413,
                "body_too_large",
                f"scenario_yaml is {size:,} bytes; a scenario is at most {MAX_SCENARIO_BYTES:,}",
                "scenario_yaml",
            )
        return ScenarioSource(
            _parse(document, "scenario_yaml", "scenario_yaml", "scenario").name, document
        )
    assert scenario is not None
    if scenario in BUILTINS:
        return ScenarioSource(scenario)
    if not _looks_like_a_path(scenario):
        hint = closest(scenario, BUILTINS)
        extra = (
            f"; did you mean {', '.join(hint)}?" if hint else f"; built-ins: {', '.join(BUILTINS)}"
        )
        raise ApiError.invalid(
            f"no built-in scenario named {scenario!r}{extra}", "scenario", "invalid_scenario"
        )
    path = _file(scenario, scenario_dir)
    try:
        text = read_scenario_file(path)
    except MockZenotiError as exc:
        raise ApiError.invalid(exc.message, "scenario", "invalid_scenario") from None
    return ScenarioSource(_parse(text, scenario, "scenario", path.stem).name, text, scenario)


def _parse(text: str, file: str, field: str, default_name: str) -> FileScenario:
    """The scenario in ``text`` (errors say ``file:line`` and name ``field``)."""
    try:
        return parse_yaml_scenario(text, file, default_name)
    except MockZenotiError as exc:
        raise ApiError.invalid(str(exc), field, "invalid_scenario") from None


def list_files(scenario_dir: Path | None) -> list[dict[str, Any]]:
    """The YAML files directly under the scenario directory (none without one)."""
    if scenario_dir is None:
        return []
    out = []
    root = scenario_dir.resolve()
    for path in sorted(p for suffix in _SUFFIXES for p in root.glob(f"*{suffix}")):
        real = path.resolve()
        if not real.is_relative_to(root) or not real.is_file():
            continue  # a link leading out of the directory is not offered
        try:
            description = parse_yaml_scenario(read_scenario_file(real), path.name).description
        except MockZenotiError as exc:
            description = f"(does not load: {exc.message})"
        out.append({"path": path.name, "description": description})
    return out
