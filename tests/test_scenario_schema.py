"""The JSON Schema of scenario files: current, valid, and what a file's form is checked by."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from mockzenoti.catalog.fixtures import fixtures_dir
from mockzenoti.scenarios import ScenarioError
from mockzenoti.scenarios.files import parse_yaml_scenario
from mockzenoti.scenarios.files.form import SCHEMA_FILE
from tools.build_scenario_schema import text as schema_text

SCHEMA = fixtures_dir() / SCHEMA_FILE
EXAMPLES = sorted((fixtures_dir() / "scenarios").glob("*.yaml"))


def test_the_shipped_schema_is_current() -> None:
    assert SCHEMA.read_text("utf-8") == schema_text(), (
        "fixtures/scenario-file.schema.json is stale: run python -m tools.build_scenario_schema"
    )


def test_the_schema_is_a_valid_draft_2020_12_schema_the_examples_meet() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in EXAMPLES:  # an independent validator (editors use others still)
        jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_examples_tell_editors_where_the_schema_is(path: Path) -> None:
    first = path.read_text("utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
    assert (path.parent / f"../{SCHEMA_FILE}").resolve() == SCHEMA.resolve()


FORM = [
    ("steps:\n  - cancel: x\n    as: y\n", 3, "steps[0].as", "cancel makes nothing to name"),
    (
        "steps:\n  - create: guest\n    capacity: 3\n",
        3,
        "steps[0].capacity",
        "create of a guest takes no 'capacity'",
    ),
    (
        "steps:\n  - create: guest\n    cancel: x\n",
        2,
        "steps[0]",
        "several actions (create, cancel)",
    ),
    ("steps:\n  - create: room\n", 2, "steps[0].create", "cannot create 'room'"),
    (
        "steps:\n  - create: session\n    as: s\n  - reschedule: s\n",
        4,
        "steps[1].at",
        "reschedule of an appointment needs at",
    ),
    ("steps: []\n", 1, "steps", "non-empty list of steps"),
    ("steps:\n  - wait: 5\n", 2, "steps[0].wait", "not a duration"),
    ("steps:\n  - wait: 0m\n", 2, "steps[0].wait", "not a positive duration"),
    ("steps:\n  - repeat: 2\n", 2, "steps[0].steps", "repeat needs steps"),
    (
        "world:\n  sizes:\n    gests: 5\nsteps:\n  - wait: 1m\n",
        3,
        "world.sizes.gests",
        "did you mean guests",
    ),
    ("world:\n  kind: gym\nsteps:\n  - wait: 1m\n", 2, "world.kind", "kind must be one of"),
    ("world:\n  centers: Bondi\nsteps:\n  - wait: 1m\n", 2, "world.centers", "must be a list"),
    (
        "world:\n  guests:\n    ann: {email: ann}\nsteps:\n  - wait: 1m\n",
        3,
        "world.guests.ann.email",
        "not an e-mail address",
    ),
    ("start: noon\nsteps:\n  - wait: 1m\n", 1, "start", "start must be a local time"),
    ("start: '2025-02-30 09:00'\nsteps:\n  - wait: 1m\n", 1, "start", "not a date"),
    ("steps:\n  - create: guest\n    as: 9g\n", 3, "steps[0].as", "not a handle name"),
    ("steps:\n  - create: session\n    at: '25:00'\n", 3, "steps[0].at", "not a time"),
    (
        "steps:\n  - create: guest\n    as: g\n  - update: g\n    capacity: 3\n",
        5,
        "steps[1].capacity",
        "update of a guest takes no 'capacity'",
    ),
    (
        "steps:\n  - create: guest\n    as: g\n  - opt-in: g\n    channel: fax\n",
        5,
        "steps[1].channel",
        "must be one of email, sms, whatsapp",
    ),
    (
        "steps:\n  - book: s\n  - create: session\n    as: s\n",
        2,
        "steps[0].book",
        "unknown handle 's'",
    ),
]


@pytest.mark.parametrize(("text", "line", "field", "says"), FORM)
def test_each_form_problem_names_file_line_and_field(
    text: str, line: int, field: str, says: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_yaml_scenario(text, "form.yaml")
    error = caught.value
    assert (error.file, error.line, error.field) == ("form.yaml", line, field), str(error)
    assert str(error).startswith(f"form.yaml:{line}: {field}: ")
    assert says in str(error)
