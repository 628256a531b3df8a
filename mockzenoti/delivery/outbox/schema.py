"""The outbox's SQLite schema and connection settings.

Tables:

- ``targets``: one row per target name: settings (JSON), ``active``,
  ``consecutive_failures`` (dead deliveries in a row), ``deactivated_at``.
- ``runs``: one row per run: the spec (JSON) and its hash ``spec_key``,
  ``state`` (``running`` or ``finished``), ``accepted`` (stream events taken
  so far, committed with them: a resumed run skips that many),
  ``possible_duplicates``, the target names in order, final ``counts`` and an
  optional ``result`` (JSON), timestamps.
- ``events``: one row per accepted event that has at least one delivery:
  seq, the envelope ``id`` (target 0's), name, keys (JSON), center, the
  body bytes sent to target 0 (target ``i``'s differs only by its ``id``).
- ``deliveries``: one row per (event, target): envelope ``delivery_id``
  (target 0 keeps the event's ``id``), ``state``, ``attempts`` (requests sent),
  ``round_base`` (attempts before the current round, so a redelivery gets a
  fresh retry budget), ``next_at`` (due time of a retry), last status or
  error, ``possible_duplicates`` (times it was sent again after the receiver may have
  read it: found mid-attempt after a crash, or its connection closed after the
  whole request was written).
- ``attempts``: the attempt log: delivery, number, time, outcome, status,
  error, latency, response snippet, chaos applied (JSON), and the wait before
  the next attempt with what set it (``policy`` or ``retry-after``).

Times are unix seconds (REAL) from the engine's clock.

Indexes are chosen for the write path: no index covers ``state`` (every state
change would rewrite it); ``deliveries`` has one on ``run_id`` (written once),
and ``attempts`` is clustered by ``(delivery, n)`` so one delivery's log is a
range read without a second index. Listings filtered by state scan, which is
fast enough for an outbox of a few million deliveries.
"""

from __future__ import annotations

import sqlite3

from mockzenoti.delivery.outbox.files import APPLICATION_ID
from mockzenoti.delivery.outbox.sqlwrite import configure
from mockzenoti.errors import ConfigError

__all__ = ["SCHEMA_VERSION", "STATES", "UNSETTLED", "connect"]

SCHEMA_VERSION = 2

#: Every delivery state, in lifecycle order.
STATES = ("pending", "delivering", "retrying", "delivered", "dead", "held", "discarded")
#: States that still need work from an engine.
UNSETTLED = ("pending", "delivering", "retrying")

_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (
    name TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    deactivated_at REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    spec_key TEXT NOT NULL,
    spec TEXT NOT NULL,
    state TEXT NOT NULL,
    accepted INTEGER NOT NULL DEFAULT 0,
    possible_duplicates INTEGER NOT NULL DEFAULT 0,
    targets TEXT NOT NULL DEFAULT '[]',
    counts TEXT,
    result TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS runs_by_spec ON runs (spec_key, state);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    run_id INTEGER,
    seq INTEGER NOT NULL,
    envelope_id TEXT NOT NULL,
    name TEXT NOT NULL,
    keys TEXT NOT NULL,
    center_id TEXT,
    body BLOB NOT NULL,
    accepted_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    event INTEGER NOT NULL,
    run_id INTEGER,
    target TEXT NOT NULL,
    target_index INTEGER NOT NULL,
    delivery_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    round_base INTEGER NOT NULL DEFAULT 0,
    next_at REAL,
    last_status INTEGER,
    last_error TEXT,
    possible_duplicates INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_run ON deliveries (run_id);
CREATE TABLE IF NOT EXISTS attempts (
    delivery INTEGER NOT NULL,
    n INTEGER NOT NULL,
    at REAL NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    latency_ms REAL,
    response TEXT,
    chaos TEXT,
    wait REAL,
    wait_from TEXT,
    PRIMARY KEY (delivery, n)
) WITHOUT ROWID;
"""


def connect(path: str) -> sqlite3.Connection:
    """Open (creating if needed) an outbox database and apply its settings.

    WAL with ``synchronous=NORMAL``: a committed transaction survives the
    process being killed (it may be lost only if the machine itself crashes
    before the next checkpoint). Transactions are explicit (``BEGIN`` ...
    ``COMMIT``); the connection is shared by the outbox's one worker thread
    and callers holding its lock. An outbox of schema version 1 gains the
    attempts' ``wait`` and ``wait_from`` columns.
    """
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    configure(conn)
    conn.executescript(_DDL)
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # files.inspect knows it
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and row[0] == "1":  # version 1 lacked the attempts' wait columns
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ALTER TABLE attempts ADD COLUMN wait REAL")
        conn.execute("ALTER TABLE attempts ADD COLUMN wait_from TEXT")
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
        )
        conn.execute("COMMIT")
        row = (str(SCHEMA_VERSION),)
    if row is None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
    elif int(row[0]) != SCHEMA_VERSION:
        conn.close()
        raise ConfigError(
            f"outbox {path} has schema version {row[0]}, this mockzenoti writes {SCHEMA_VERSION}",
            field="outbox",
        )
    return conn
