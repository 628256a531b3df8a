"""mockzenoti: a mock Zenoti webhook sender.

It synthesizes realistic, causally consistent Zenoti webhook event streams and
delivers them to a webhook URL with Zenoti's retry semantics.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
