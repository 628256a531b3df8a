"""The swarm's tests reuse the reference consumer (tests/) and the threaded sink (tests/cli/)."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
for folder in (TESTS, TESTS / "cli"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
