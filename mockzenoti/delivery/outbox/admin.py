"""Rows of targets and runs, and the user's actions on deliveries: redeliver, discard, reactivate.

Each part holds the outbox's ``Database``; ``Outbox`` (``box.py``) offers their methods.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from mockzenoti.delivery.outbox.records import RunRecord, TargetRecord
from mockzenoti.delivery.outbox.store import Database
from mockzenoti.delivery.targets import Target
from mockzenoti.errors import ConfigError, NotFound

__all__ = ["DeliveryActions", "RunRows", "TargetRows", "spec_key"]

_TARGET_COLUMNS = "settings, active, consecutive_failures, deactivated_at, created_at, updated_at"


def spec_key(spec: Any) -> str:
    """The identity of a run spec: SHA-256 of its canonical JSON."""
    try:
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"a run spec must be JSON: {exc}", field="spec") from exc
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _target_record(row: tuple[Any, ...]) -> TargetRecord:
    settings, active, failures, deactivated_at, created, updated = row
    return TargetRecord(
        Target.from_dict(json.loads(settings)),
        bool(active),
        failures,
        deactivated_at,
        created,
        updated,
    )


def _where(
    *,
    pks: Sequence[int] | None,
    states: Sequence[str],
    event_type: str | None,
    run_id: int | None,
    target: str | None,
) -> tuple[str, list[Any]]:
    clauses = [f"state IN ({','.join('?' * len(states))})"]
    params: list[Any] = list(states)
    if pks is not None:
        clauses.append(f"id IN ({','.join('?' * len(pks))})")
        params.extend(pks)
    for column, value in (("event_type", event_type), ("run_id", run_id), ("target", target)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return " AND ".join(clauses), params


class TargetRows:
    """Stored targets: settings, active flag, consecutive failures."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save_target(self, target: Target, *, now: float | None = None) -> TargetRecord:
        """Insert or update a target's settings; its active flag and failure count are kept."""
        now = time.time() if now is None else now
        settings = json.dumps(target.to_dict(), sort_keys=True)
        with self.db.transaction() as c:
            c.execute(
                "INSERT INTO targets (name, settings, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, "
                "updated_at = excluded.updated_at",
                (target.name, settings, now, now),
            )
        return self.get_target(target.name)

    def get_target(self, name: str) -> TargetRecord:
        """The stored target ``name``; raises ``NotFound``."""
        rows = self.db.query(f"SELECT {_TARGET_COLUMNS} FROM targets WHERE name = ?", (name,))
        if not rows:
            raise NotFound(f"no target named {name!r}", field="target")
        return _target_record(rows[0])

    def list_targets(self) -> list[TargetRecord]:
        """Every stored target, by name."""
        rows = self.db.query(f"SELECT {_TARGET_COLUMNS} FROM targets ORDER BY name")
        return [_target_record(r) for r in rows]

    def delete_target(self, name: str) -> None:
        """Forget a target; refused while it has unsettled or held deliveries."""
        self.get_target(name)
        busy = self.db.query(
            "SELECT COUNT(*) FROM deliveries WHERE target = ? "
            "AND state IN ('pending', 'delivering', 'retrying', 'held')",
            (name,),
        )[0][0]
        if busy:
            raise ConfigError(
                f"target {name!r} still has {busy} undelivered deliveries; "
                "deliver or discard them first",
                field="target",
            )
        with self.db.transaction() as c:
            c.execute("DELETE FROM targets WHERE name = ?", (name,))

    def set_target_active(self, name: str, active: bool, *, now: float | None = None) -> None:
        """Activate (resetting the failure count) or deactivate a target; deliveries untouched."""
        self.get_target(name)
        now = time.time() if now is None else now
        with self.db.transaction() as c:
            c.execute(
                "UPDATE targets SET active = ?, consecutive_failures = CASE WHEN ? THEN 0 "
                "ELSE consecutive_failures END, deactivated_at = ?, updated_at = ? WHERE name = ?",
                (int(active), int(active), None if active else now, now, name),
            )


class RunRows:
    """Runs: started, resumed, finished, their result."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start_run(
        self, spec: Any, targets: Sequence[str], *, now: float | None = None
    ) -> tuple[RunRecord, bool]:
        """The unfinished run with this spec (resumed: True), or a new one (False)."""
        key = spec_key(spec)
        now = time.time() if now is None else now
        with self.db.transaction() as c:
            row = c.execute(
                "SELECT id FROM runs WHERE spec_key = ? AND state = 'running' "
                "ORDER BY id DESC LIMIT 1",
                (key,),
            ).fetchone()
            if row is not None:
                run_id, resumed = row[0], True
            else:
                cur = c.execute(
                    "INSERT INTO runs (spec_key, spec, state, targets, created_at, updated_at) "
                    "VALUES (?, ?, 'running', ?, ?, ?)",
                    (key, json.dumps(spec, sort_keys=True), json.dumps(list(targets)), now, now),
                )
                run_id, resumed = cur.lastrowid, False
        return self.get_run(run_id), resumed

    def find_run(self, spec: Any) -> RunRecord | None:
        """The unfinished run with this spec (what ``start_run`` would resume), or None."""
        rows = self.db.query(
            f"SELECT {RunRecord.COLUMNS} FROM runs WHERE spec_key = ? AND state = 'running' "
            "ORDER BY id DESC LIMIT 1",
            (spec_key(spec),),
        )
        return RunRecord.from_row(rows[0]) if rows else None

    def get_run(self, run_id: int) -> RunRecord:
        """The run ``run_id``; raises ``NotFound``."""
        rows = self.db.query(f"SELECT {RunRecord.COLUMNS} FROM runs WHERE id = ?", (run_id,))
        if not rows:
            raise NotFound(f"no run {run_id}", field="run")
        return RunRecord.from_row(rows[0])

    def list_runs(self, *, limit: int = 100, offset: int = 0) -> list[RunRecord]:
        """Runs, newest first."""
        rows = self.db.query(
            f"SELECT {RunRecord.COLUMNS} FROM runs ORDER BY id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [RunRecord.from_row(r) for r in rows]

    def finish_run(
        self, run_id: int, counts: Mapping[str, int], *, now: float | None = None
    ) -> RunRecord:
        """Mark a run finished with its final counts by state."""
        now = time.time() if now is None else now
        with self.db.transaction() as c:
            c.execute(
                "UPDATE runs SET state = 'finished', counts = ?, updated_at = ?, finished_at = ? "
                "WHERE id = ?",
                (json.dumps(dict(counts)), now, now, run_id),
            )
        return self.get_run(run_id)

    def set_run_result(self, run_id: int, result: Any) -> None:
        """Store a JSON result for a run (such as the expected final state)."""
        self.get_run(run_id)
        with self.db.transaction() as c:
            c.execute("UPDATE runs SET result = ? WHERE id = ?", (json.dumps(result), run_id))


class DeliveryActions:
    """State changes the user asks for: redeliver, discard, reactivate a target's held ones."""

    def __init__(self, db: Database, targets: TargetRows) -> None:
        self.db = db
        self._targets = targets

    def redeliver(
        self,
        pks: Sequence[int] | None = None,
        *,
        states: Sequence[str] = ("dead", "held"),
        event_type: str | None = None,
        run_id: int | None = None,
        target: str | None = None,
        now: float | None = None,
        force: bool = False,
    ) -> list[int]:
        """Make matching dead or held deliveries pending again, with a fresh retry budget.

        With no ``pks`` and no filter, every dead and held delivery matches.
        ``force`` allows ``delivered`` among ``states`` too: the same request
        goes out again (same envelope ids and body), the duplicate a consumer
        must recognise. Returns the pks changed, oldest first; an engine must
        then deliver them (``Engine.redeliver`` does both). Held deliveries of
        an inactive target are held again when an engine picks them up.
        """
        allowed = ("dead", "held", "delivered") if force else ("dead", "held")
        bad = [s for s in states if s not in allowed]
        if bad:
            hint = "" if force or bad[0] != "delivered" else " (force sends a delivered one again)"
            raise ConfigError(
                f"only dead and held deliveries are redelivered, not {bad[0]}{hint}",
                field="state",
            )
        return self._move("pending", pks, states, event_type, run_id, target, now)

    def discard(
        self,
        pks: Sequence[int] | None = None,
        *,
        event_type: str | None = None,
        run_id: int | None = None,
        target: str | None = None,
        now: float | None = None,
    ) -> list[int]:
        """Mark matching held deliveries ``discarded`` (kept in the log, never sent)."""
        return self._move("discarded", pks, ("held",), event_type, run_id, target, now)

    def reactivate_target(
        self, name: str, *, discard: bool = False, now: float | None = None
    ) -> list[int]:
        """Activate a target; its held deliveries become pending (or discarded).

        Returns the pks moved. An engine must deliver the pending ones
        (``Engine.reactivate`` does both).
        """
        self._targets.set_target_active(name, True, now=now)
        if discard:
            return self.discard(target=name, now=now)
        return self._move("pending", None, ("held",), None, None, name, now)

    def _move(
        self,
        to: str,
        pks: Sequence[int] | None,
        states: Sequence[str],
        event_type: str | None,
        run_id: int | None,
        target: str | None,
        now: float | None,
    ) -> list[int]:
        now = time.time() if now is None else now
        where, params = _where(
            pks=pks, states=states, event_type=event_type, run_id=run_id, target=target
        )
        with self.db.transaction() as c:
            moved = [
                r[0]
                for r in c.execute(f"SELECT id FROM deliveries WHERE {where} ORDER BY id", params)
            ]
            c.execute(
                "UPDATE deliveries SET state = ?, round_base = attempts, next_at = NULL, "
                f"updated_at = ? WHERE {where}",
                (to, now, *params),
            )
        return moved
