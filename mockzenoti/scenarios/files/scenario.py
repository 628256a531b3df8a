"""``FileScenario``: a scenario file, checked when loaded, run step by step.

``load_yaml_scenario(path)`` reads the file (YAML with line numbers), checks
its form against the shipped JSON Schema (``form``), reads its steps and
handles (``program``) and checks its meaning by asking the world: two seeded
dry runs, one with every ``with_probability`` block run and one with none,
carry out every step in a world built from the file's ``world:`` section.
Whatever the world refuses (a no-show before the class starts, closing a
visit never checked in, a class the center does not offer) is refused
before anything runs, as ``file:line: field: message``. A lenient step (one
an optional block may have made inapplicable) is refused only when the
world refuses it both ways.

``simulate`` then runs the steps in a world built from the same section,
starting at the file's ``start`` (local time at the first center; 09:00 on
a seeded day by default). See docs/scenarios.md for the language.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mockzenoti.catalog import Catalog
from mockzenoti.errors import MockZenotiError
from mockzenoti.scenarios.base import Scenario, Sizes
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.files.form import check_form
from mockzenoti.scenarios.files.nodes import parse_field, parse_nodes
from mockzenoti.scenarios.files.program import Action, Chance, Plan, Repeat, Step, read_plan
from mockzenoti.scenarios.files.run import Chances, Runner
from mockzenoti.security.limits import MAX_SCENARIO_BYTES
from mockzenoti.timefmt import at_local, zone
from mockzenoti.vocab import CENTER_KINDS, CLASSES, MEMBERSHIPS, PACKAGES, SERVICES
from mockzenoti.world import World, WorldSizes

__all__ = [
    "DRY_RUN_SEED",
    "FileScenario",
    "load_yaml_scenario",
    "parse_yaml_scenario",
    "read_scenario_file",
]

DRY_RUN_SEED = "scenario-file-check"


@dataclass(frozen=True, eq=False)
class FileScenario(Scenario):
    """A checked scenario file; ``plan`` is what the runner follows."""

    name: str
    description: str
    plan: Plan
    endless: bool = False

    @property
    def file(self) -> str:
        """The file the scenario was read from."""
        return self.plan.file

    def build(
        self, seed: int | str, sizes: Sizes, catalog: Catalog | None, recording: bool
    ) -> tuple[World, int | None]:
        """The file's world, its steps on the agenda from the file's start; no natural end."""
        world = _world(self.plan, seed, sizes, catalog, recording)
        world.agenda.spawn(world.start, Runner(self.plan, world).process())
        return world, None


def _fail(plan: Plan, exc: MockZenotiError) -> ScenarioError:
    """``exc`` (naming a field of the file) as a ScenarioError at that field's line."""
    field = exc.field or ""
    line = plan.root.line_of(parse_field(field)) if field else None
    return ScenarioError(exc.message, file=plan.file, line=line, field=exc.field)


def _world(
    plan: Plan,
    seed: int | str,
    sizes: Sizes,
    catalog: Catalog | None,
    recording: bool,
    *,
    kind: str | None = None,
) -> World:
    pinned = {**plan.sizes, **({"kind": plan.kind} if plan.kind else {})}
    if kind is not None:
        pinned.setdefault("kind", kind)
    try:
        chosen = WorldSizes().with_overrides(pinned, prefix="world.sizes.")
    except MockZenotiError as exc:
        raise _fail(plan, exc) from exc
    for i, pin in enumerate(plan.centers):
        if pin.time_zone is not None:
            try:
                zone(pin.time_zone)
            except (KeyError, ValueError) as exc:
                field = f"world.centers[{i}].time_zone"
                message = f"{pin.time_zone!r} is not an IANA time zone (e.g. Australia/Sydney)"
                raise _fail(plan, MockZenotiError(message, field=field)) from exc
    chosen = chosen.with_overrides(sizes)
    world = World(
        seed,
        chosen,
        catalog=catalog,
        pins=plan.centers,
        first_day=plan.start_day,
        recording=recording,
    )
    first = world.centers[0]
    world.begin_at(at_local(world.first_day, plan.start_minute, first.tz))
    return world


def _named_items(steps: tuple[Step, ...]) -> dict[str, set[str]]:
    """The class, service and plan names the steps give."""
    found: dict[str, set[str]] = {"class": set(), "services": set(), "plan": set()}
    for step in steps:
        if isinstance(step, Repeat | Chance):
            for key, names in _named_items(step.body).items():
                found[key] |= names
        elif isinstance(step, Action) and step.verb == "create":
            p = step.params
            found["class"] |= {p["class"]} if "class" in p else set()
            found["services"] |= set(p.get("services", ()))
            found["plan"] |= {p["plan"]} if "plan" in p else set()
    return found


def _dry_kind(plan: Plan) -> str | None:
    """For a file that leaves the kind to the seed: a kind that offers every name it gives."""
    if plan.kind or "kind" in plan.sizes:
        return None
    named = _named_items(plan.steps)
    if not any(named.values()):
        return None
    for kind in CENTER_KINDS:
        offered = {t.name for t in CLASSES[kind]}, {s.name for s in SERVICES[kind]}
        plans = {p.name for p in MEMBERSHIPS[kind]} | {p.name for p in PACKAGES[kind]}
        if (
            named["class"] <= offered[0]
            and named["services"] <= offered[1]
            and (named["plan"] <= plans)
        ):
            return kind
    return None


def _dry_run(plan: Plan, chances: Chances, kind: str | None) -> Runner:
    """Carry out every step in a fresh world, events dropped; the runner, for what it skipped."""
    world = _world(plan, DRY_RUN_SEED, None, None, False, kind=kind)
    runner = Runner(plan, world, chances=chances)
    world.agenda.spawn(world.start, runner.process())
    while world.agenda.busy:  # the runner is the only process; it ends after its last step
        world.agenda.run_next()
        world.pending.clear()
    return runner


def _optional(steps: tuple[Step, ...]) -> bool:
    return any(
        isinstance(s, Chance) or (isinstance(s, Repeat) and _optional(s.body)) for s in steps
    )


def check_meaning(plan: Plan) -> None:
    """Refuse what the world refuses, with or without the optional blocks (module docstring).

    A file without ``with_probability`` is run once: both ways are the same.
    """
    kind = _dry_kind(plan)
    taken = _dry_run(plan, "all", kind)
    skipped = _dry_run(plan, "none", kind) if _optional(plan.steps) else taken
    both = [taken.skipped[p] for p in taken.skipped if p in skipped.skipped]
    if both:
        raise min(both, key=lambda e: e.line or 0)


def parse_yaml_scenario(text: str, file: str, default_name: str = "scenario") -> FileScenario:
    """A scenario from YAML ``text`` (``file`` names it in errors); checked before returning."""
    root = parse_nodes(text, file)
    check_form(root, file)
    plan = read_plan(root, file, default_name)
    check_meaning(plan)
    return FileScenario(plan.name, plan.description or f"Scenario file {file}", plan)


def load_yaml_scenario(path: str | Path) -> FileScenario:
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
        raise ScenarioError(
            f"cannot read {path}: {exc.strerror or exc}", file=str(path), field="scenario"
        ) from exc
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"{path} is larger than {MAX_SCENARIO_BYTES:,} bytes; a scenario file is at most that",
            field="scenario",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{path} is not UTF-8 text (byte {exc.start})", file=str(path), field="scenario"
        ) from exc
