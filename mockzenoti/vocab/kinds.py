"""The four kinds of business Zenoti runs, which pick a center's vocabulary."""

from __future__ import annotations

from typing import Literal

__all__ = ["CENTER_KINDS", "CenterKind"]

CenterKind = Literal["spa", "salon", "med-spa", "fitness"]
CENTER_KINDS: tuple[CenterKind, ...] = ("spa", "salon", "med-spa", "fitness")
