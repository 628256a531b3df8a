"""Write ``fixtures/scenario-file.schema.json``: the JSON Schema of scenario files.

It is built from the language's tables (``mockzenoti/scenarios/files/language.py``)
and the world's size limits. Run from the repository root::

    python -m tools.build_scenario_schema          # write the file
    python -m tools.build_scenario_schema --check  # exit 1 if the committed file is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mockzenoti.scenarios.files.form import SCHEMA_FILE
from mockzenoti.scenarios.files.language import schema

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "fixtures" / SCHEMA_FILE


def text() -> str:
    """The file's text as it should be."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema, or with ``--check`` report whether the committed one is current."""
    args = sys.argv[1:] if argv is None else argv
    wanted = text()
    if "--check" in args:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != wanted:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python -m tools.build_scenario_schema")
            return 1
        return 0
    TARGET.write_text(wanted, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
