"""Reading the outbox: deliveries and events with paging, one delivery's attempt log,
counts, latency percentiles, attempts per second."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from mockzenoti.delivery.outbox.records import (
    AttemptRecord,
    DeliveryDetail,
    DeliveryRecord,
    EventRecord,
    Page,
)
from mockzenoti.delivery.outbox.schema import STATES
from mockzenoti.delivery.outbox.store import Database
from mockzenoti.errors import ConfigError, NotFound

__all__ = ["Reads"]

_FROM = "FROM deliveries d JOIN events e ON e.id = d.event"


class Reads:
    """Queries of deliveries, attempts and counts (``Outbox`` offers them)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def list_deliveries(
        self,
        *,
        state: str | Sequence[str] | None = None,
        event_type: str | None = None,
        run_id: int | None = None,
        target: str | None = None,
        event_id: str | None = None,
        delivery_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = False,
    ) -> Page[DeliveryRecord]:
        """Deliveries matching every filter given, one page, with the total count."""
        _check_page(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        if state is not None:
            states = [state] if isinstance(state, str) else list(state)
            unknown = [s for s in states if s not in STATES]
            if unknown:
                raise ConfigError(
                    f"unknown state {unknown[0]!r}; states are {', '.join(STATES)}", field="state"
                )
            clauses.append(f"d.state IN ({','.join('?' * len(states))})")
            params.extend(states)
        for column, value in (
            ("d.event_type", event_type),
            ("d.run_id", run_id),
            ("d.target", target),
            ("d.event_id", event_id),
            ("d.delivery_id", delivery_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        total = self.db.query(f"SELECT COUNT(*) FROM deliveries d{where}", params)[0][0]
        order = "DESC" if newest_first else "ASC"
        rows = self.db.query(
            f"SELECT {DeliveryRecord.COLUMNS} {_FROM}{where} ORDER BY d.id {order} "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return Page([DeliveryRecord(*r) for r in rows], total, limit, offset)

    def get_delivery(self, pk: int) -> DeliveryDetail:
        """One delivery with every attempt, its body and keys; raises ``NotFound``."""
        rows = self.db.query(
            f"SELECT {DeliveryRecord.COLUMNS}, e.body, e.keys, e.center_id {_FROM} WHERE d.id = ?",
            (pk,),
        )
        if not rows:
            raise NotFound(f"no delivery {pk}", field="delivery")
        *head, body, keys, center_id = rows[0]
        attempts = self.db.query(
            f"SELECT {AttemptRecord.COLUMNS} FROM attempts WHERE delivery = ? ORDER BY n",
            (pk,),
        )
        return DeliveryDetail(
            DeliveryRecord(*head),
            [AttemptRecord.from_row(a) for a in attempts],
            bytes(body),
            tuple(json.loads(keys)),
            center_id,
        )

    def counts(self, *, run_id: int | None = None, target: str | None = None) -> dict[str, int]:
        """Deliveries by state (every state present, zero included)."""
        clauses, params = [], []
        for column, value in (("run_id", run_id), ("target", target)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.db.query(
            f"SELECT state, COUNT(*) FROM deliveries{where} GROUP BY state", params
        )
        out = dict.fromkeys(STATES, 0)
        out.update(dict(rows))
        return out

    def attempt_outcomes(self, *, run_id: int | None = None) -> dict[str, int]:
        """Attempts by outcome (``success``, ``server_error``, ``timeout`` ...)."""
        sql = "SELECT a.outcome, COUNT(*) FROM attempts a"
        params: tuple[Any, ...] = ()
        if run_id is not None:
            sql += " JOIN deliveries d ON d.id = a.delivery WHERE d.run_id = ?"
            params = (run_id,)
        return dict(self.db.query(sql + " GROUP BY a.outcome", params))

    def retry_waits(self, *, run_id: int | None = None) -> dict[str, int]:
        """Waits before a retry by what set them: ``policy`` and ``retry-after`` (zeros kept)."""
        sql = "SELECT a.wait_from, COUNT(*) FROM attempts a"
        params: tuple[Any, ...] = ()
        where = " WHERE a.wait_from IS NOT NULL"
        if run_id is not None:
            sql += " JOIN deliveries d ON d.id = a.delivery"
            where += " AND d.run_id = ?"
            params = (run_id,)
        out = {"policy": 0, "retry-after": 0}
        out.update(dict(self.db.query(sql + where + " GROUP BY a.wait_from", params)))
        return out

    def latency_percentiles(
        self, *, run_id: int | None = None, points: Sequence[int] = (50, 90, 99)
    ) -> dict[str, float | int | None]:
        """Attempt latencies in ms: ``p50``, ``p90``... (nearest rank), ``max`` and ``count``.

        Attempts without a latency (none recorded) are left out; with no
        attempt at all every value is None and ``count`` is 0.
        """
        join, where, params = "", "a.latency_ms IS NOT NULL", []
        if run_id is not None:
            join, where = " JOIN deliveries d ON d.id = a.delivery", where + " AND d.run_id = ?"
            params.append(run_id)
        base = f"FROM attempts a{join} WHERE {where}"
        for p in points:
            if not 0 < p <= 100:
                raise ConfigError("percentiles are between 0 and 100", field="points")
        count, top = self.db.query(f"SELECT COUNT(*), MAX(a.latency_ms) {base}", params)[0]
        ranks = {p: max(1, math.ceil(p / 100 * count)) for p in points} if count else {}
        found = self._at_ranks(base, params, ranks)
        out: dict[str, float | int | None] = {f"p{p}": found.get(p) for p in points}
        out["max"] = top
        out["count"] = count
        return out

    def _at_ranks(self, base: str, params: list[Any], ranks: dict[int, int]) -> dict[int, float]:
        """The latencies at 1-based ``ranks`` in ascending order, in little memory.

        Sorting a million attempts in SQLite took seconds and tens of MiB at the
        end of a long run. Instead: one scan counts latencies per tenth of a
        millisecond, then the few values in the tenths holding the ranks are
        read back and sorted.
        """
        if not ranks:
            return {}
        tenths: Counter[int] = Counter()
        with self.db.lock:
            for (value,) in self.db.conn.execute(f"SELECT a.latency_ms {base}", params):
                tenths[math.floor(value * 10)] += 1
        where: dict[int, tuple[int, int]] = {}  # point -> (tenth, rank within it)
        below = 0
        for tenth in sorted(tenths):
            n = tenths[tenth]
            for p, rank in ranks.items():
                if below < rank <= below + n:
                    where[p] = (tenth, rank - below)
            below += n
        out: dict[int, float] = {}
        for tenth in {t for t, _ in where.values()}:
            rows = self.db.query(
                f"SELECT a.latency_ms {base} AND a.latency_ms >= ? AND a.latency_ms < ?",
                [*params, (tenth - 1) / 10, (tenth + 2) / 10],  # wide: the filter decides
            )
            values = sorted(v for v in (r[0] for r in rows) if math.floor(v * 10) == tenth)
            for p, (t, k) in where.items():
                if t == tenth:
                    out[p] = values[k - 1]
        return out

    def list_events(
        self,
        *,
        run_id: int | None = None,
        event_type: str | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = False,
        payloads: bool = False,
    ) -> Page[EventRecord]:
        """Accepted events (of a run, of a wire ``event_type``), one page, with the total.

        Both filters scan the events (no index serves them); ``payloads`` adds each envelope.
        """
        _check_page(limit, offset)
        clauses: list[str] = []
        params: list[Any] = []
        if run_id is not None:
            clauses.append("e.run_id = ?")
            params.append(run_id)
        if event_type is not None:
            clauses.append("json_extract(CAST(e.body AS TEXT), '$.event_type') = ?")
            params.append(event_type)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        total = self.db.query(f"SELECT COUNT(*) FROM events e{where}", params)[0][0]
        order = "DESC" if newest_first else "ASC"
        body = ", e.body" if payloads else ""
        rows = self.db.query(
            f"SELECT {EventRecord.COLUMNS}{body} FROM events e{where} ORDER BY e.id {order} "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        if payloads:
            items = [EventRecord.from_row(r[:-1], bytes(r[-1])) for r in rows]
        else:
            items = [EventRecord.from_row(r) for r in rows]
        return Page(items, total, limit, offset)

    def attempts_per_second(self, since: float) -> list[tuple[int, int, int]]:
        """``(second, attempts, successes)`` for each whole second from ``since`` on with any.

        A scan of the attempt log (no index on time; the log is written in
        time order only roughly): what a live page reads once when it opens.
        """
        rows = self.db.query(
            "SELECT CAST(at AS INTEGER) AS s, COUNT(*), SUM(outcome = 'success') FROM attempts "
            "WHERE at >= ? GROUP BY s ORDER BY s",
            (since,),
        )
        return [(int(s), int(n), int(ok)) for s, n, ok in rows]

    def event_count(self) -> int:
        """How many events the outbox holds."""
        count: int = self.db.query("SELECT COUNT(*) FROM events")[0][0]
        return count


def _check_page(limit: int, offset: int) -> None:
    """Refuse a page size or offset out of range, naming it."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
        raise ConfigError("limit is a whole number from 1 to 10000", field="limit")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ConfigError("offset is a non-negative whole number", field="offset")
