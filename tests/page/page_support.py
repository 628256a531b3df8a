"""For the live page's browser tests: a server in a thread, Debian's Chromium, a JSON client.

``make test`` installs Debian's ``chromium`` when ``/usr/bin/chromium`` is
missing (tools/ensure_chromium.sh). Without it a browser test fails, naming
the command that installs it; it is skipped (with the reason shown in the
summary) only where installing is impossible: not root and no sudo.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
import requests

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def require_chromium() -> None:
    """Fail (or, where nothing can install it, skip) unless Debian's Chromium is there."""
    if os.access(CHROMIUM, os.X_OK):
        return
    if os.geteuid() != 0 and shutil.which("sudo") is None:
        pytest.skip(
            f"{CHROMIUM} is missing and cannot be installed here (not root, no sudo): "
            "the live page's browser tests need Debian's chromium package"
        )
    pytest.fail(
        f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium); "
        "run that, or install Debian's chromium package by hand",
        pytrace=False,
    )


class Client:
    """A small synchronous JSON client for a server (with its token, if any)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        """Send a request; fail unless the status is ``expect``; the JSON answer."""
        response = self.session.request(method, self.base + path, json=body, timeout=10)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json() if response.content else None
