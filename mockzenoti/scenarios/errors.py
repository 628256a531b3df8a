"""``ScenarioError``: a scenario that cannot run as written, naming file, line and field."""

from __future__ import annotations

from mockzenoti.errors import MockZenotiError

__all__ = ["ScenarioError"]


class ScenarioError(MockZenotiError):
    """A scenario problem: an unknown name, a malformed file, an illegal step.

    ``file`` and ``line`` locate it in a scenario file (None for built-ins and
    API arguments); ``field`` names the key at fault (``steps[3].no-show``).
    ``str()`` reads ``file:line: field: message``.
    """

    code = "invalid_scenario"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        where = ":".join(str(p) for p in (file, line) if p is not None)
        parts = [p for p in (where, field) if p]
        text = ": ".join([*parts, message])
        super().__init__(text, field=field)
        self.reason = message
        self.file = file
        self.line = line
