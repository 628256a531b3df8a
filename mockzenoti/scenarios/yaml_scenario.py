"""``YamlScenario``: a scenario file, checked when loaded, run step by step.

``load_yaml_scenario(path)`` reads the file (YAML with line numbers), checks
its form (``yaml_program``) and its meaning (``yaml_check``) and returns a
scenario whose ``simulate`` runs the steps in a world built from the file's
``world:`` section (kind, sizes, pinned centers and guests), starting at its
``start`` (local time at the first center; 09:00 on a seeded day by
default). See docs/scenarios.md for the language.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mockzenoti.catalog import Catalog
from mockzenoti.clock import at_local
from mockzenoti.errors import MockZenotiError
from mockzenoti.limits import MAX_SCENARIO_BYTES
from mockzenoti.scenarios.base import Scenario, Sizes
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.yaml_check import Plan, check_program
from mockzenoti.scenarios.yaml_nodes import parse_nodes
from mockzenoti.scenarios.yaml_program import parse_program
from mockzenoti.scenarios.yaml_run import Runner
from mockzenoti.world import World, WorldSizes

__all__ = ["YamlScenario", "load_yaml_scenario", "parse_yaml_scenario", "read_scenario_file"]


@dataclass(frozen=True, eq=False)
class YamlScenario(Scenario):
    """A checked scenario file; ``plan`` is what the runner follows."""

    name: str
    description: str
    plan: Plan
    endless: bool = False

    @property
    def file(self) -> str:
        """The file the scenario was read from."""
        return self.plan.program.file

    def build(
        self, seed: int | str, sizes: Sizes, catalog: Catalog | None, recording: bool
    ) -> tuple[World, int | None]:
        """The file's world, its steps on the agenda from the file's start; no natural end."""
        program = self.plan.program
        pinned = {**program.sizes, **({"kind": program.kind} if program.kind else {})}
        try:
            chosen = WorldSizes().with_overrides(pinned, prefix="world.sizes.")
        except MockZenotiError as exc:
            raise ScenarioError(exc.message, file=self.file, field=exc.field) from exc
        chosen = chosen.with_overrides(sizes)
        world = World(seed, chosen, catalog=catalog, pins=program.centers,
                      first_day=program.start_day, recording=recording)  # fmt: skip
        first = world.centers[0]
        world.begin_at(at_local(world.first_day, program.start_minute, first.tz))
        world.agenda.spawn(world.start, Runner(self.plan, world).process())
        return world, None


def parse_yaml_scenario(text: str, file: str, default_name: str = "scenario") -> YamlScenario:
    """A scenario from YAML ``text`` (``file`` names it in errors); checked before returning."""
    program = parse_program(parse_nodes(text, file), file, default_name)
    plan = check_program(program)
    return YamlScenario(program.name, program.description or f"Scenario file {file}", plan)


def load_yaml_scenario(path: str | Path) -> YamlScenario:
    """The scenario in the YAML file at ``path``; ``ScenarioError`` names file, line, field.

    Only a regular file of at most ``MAX_SCENARIO_BYTES`` is read (a device
    such as ``/dev/zero`` or a huge file is refused before its content is).
    """
    path = Path(path)
    return parse_yaml_scenario(read_scenario_file(path), str(path), path.stem)


def read_scenario_file(path: Path) -> str:
    """The text of a scenario file: a regular file, UTF-8, at most ``MAX_SCENARIO_BYTES``."""
    try:
        with path.open("rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise ScenarioError(f"{path} is not a regular file", field="scenario")
            data = fh.read(MAX_SCENARIO_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"scenario file {path} does not exist", field="scenario") from None
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror or exc}", file=str(path),
                            field="scenario") from exc  # fmt: skip
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{path} is larger than {MAX_SCENARIO_BYTES:,} bytes; a scenario "
                            "file is at most that", field="scenario")  # fmt: skip
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path} is not UTF-8 text (byte {exc.start})", file=str(path),
                            field="scenario") from exc  # fmt: skip
