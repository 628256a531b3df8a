"""Where the shipped data lives: ``fixtures/`` in a checkout, ``mockzenoti/fixtures`` in a wheel."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["fixtures_dir"]


@lru_cache(maxsize=1)
def fixtures_dir() -> Path:
    """The directory holding ``payloads/``, ``schemas/`` and ``scenarios/``."""
    here = Path(__file__).resolve().parents[1]  # the package: mockzenoti/
    for candidate in (here / "fixtures", here.parent / "fixtures"):
        if (candidate / "payloads").is_dir():
            return candidate
    raise FileNotFoundError(
        "mockzenoti's fixtures are missing: expected mockzenoti/fixtures (wheel) "
        "or fixtures/ next to the package (checkout)"
    )
