"""The outbox's file: made private, recognised before anything writes to it, read-only on request.

- A new outbox, and its ``.lock`` file, are created with mode 0600: the
  outbox holds the targets' signing secrets and URL passwords (a resumed run
  or a restarted server must sign and send exactly as before, see
  docs/security.md), so only its owner may read it. SQLite gives the
  ``-wal`` and ``-shm`` files the database's own mode.
- An existing file is looked at read-only first: it must be empty, or an
  SQLite database holding mockzenoti's tables. Anything else (another
  program's database, a damaged file, a text file, a device) is refused with
  a ``ConfigError`` naming ``outbox``, and is left exactly as it was: nothing
  is written to it, not even the lock file beside it (the ``-wal`` and
  ``-shm`` files SQLite makes to read a WAL database are removed again).
- ``connect_readonly`` opens it without writing (``mode=ro``); where even the
  shared-memory file cannot be made (a read-only directory or medium) it
  reads the file as it is (``immutable``: what was committed and checkpointed,
  which is everything once the writer has closed it).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path
from typing import IO
from urllib.parse import quote

from mockzenoti.errors import ConfigError

__all__ = [
    "APPLICATION_ID",
    "OUTBOX_TABLES",
    "connect_readonly",
    "create_private",
    "inspect",
    "open_lockfile",
]

#: ``PRAGMA application_id`` of an outbox ("MkZo"); outboxes made before it carry 0.
APPLICATION_ID = 0x4D6B5A6F
#: The tables every outbox has.
OUTBOX_TABLES = frozenset({"meta", "targets", "runs", "events", "deliveries", "attempts"})
_HEADER = b"SQLite format 3\x00"
_PRIVATE = 0o600


def _refuse(path: str, why: str) -> ConfigError:
    return ConfigError(
        f"{path} is not a mockzenoti outbox ({why}); it was left as it is: give another "
        "--outbox, or move that file away",
        field="outbox",
    )


def inspect(path: str) -> bool:
    """Check the file at ``path`` without changing it; True when it holds an outbox already.

    False when there is no file yet, or an empty one (a new outbox is made
    there). Raises ``ConfigError`` (field ``outbox``) for anything else.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError(f"cannot read the outbox {path}: {exc.strerror}", field="outbox") from exc
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "not a regular file")
    if info.st_size == 0:
        return False
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(_HEADER))
    except OSError as exc:
        raise ConfigError(f"cannot read the outbox {path}: {exc.strerror}", field="outbox") from exc
    if header != _HEADER:
        raise _refuse(path, "not an SQLite database")
    sides = [path + s for s in ("-wal", "-shm") if not os.path.exists(path + s)]
    try:
        found, app = _tables(path)
    except ConfigError:
        for side in sides:  # made by SQLite to read it: not ours to leave behind
            with contextlib.suppress(OSError):
                os.remove(side)
        raise
    if app not in (0, APPLICATION_ID):
        raise _refuse(path, f"another program's database (application id {app:#x})")
    missing = sorted(OUTBOX_TABLES - found)
    if missing:
        raise _refuse(path, f"a database without the outbox's tables: no {', '.join(missing)}")
    return True


def _tables(path: str) -> tuple[set[str], int]:
    """The tables of the database at ``path`` and its application id (read-only)."""
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as exc:
        raise _refuse(path, f"SQLite cannot read it: {exc}") from None
    try:
        found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        app: int = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.Error as exc:
        raise _refuse(path, f"damaged: {exc}") from None
    finally:
        conn.close()
    return found, app


def create_private(path: str) -> None:
    """Create the empty file ``path`` readable by its owner only (0600)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # made meanwhile: inspected by the caller
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE))


def make_private(path: str) -> None:
    """Narrow an existing outbox file (made by an older mockzenoti) to 0600, if ours to change."""
    with contextlib.suppress(OSError):
        if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            os.chmod(path, _PRIVATE)


def open_lockfile(path: str) -> IO[str]:
    """The outbox's lock file (``PATH.lock``), created 0600, opened for ``flock``."""
    fd = os.open(path + ".lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND, _PRIVATE)
    return os.fdopen(fd, "a")


def connect_readonly(path: str) -> sqlite3.Connection:
    """A connection that never writes to ``path`` (see the module docstring)."""
    base = f"file:{quote(os.path.abspath(path))}?mode=ro"
    conn = sqlite3.connect(base, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:  # no -shm can be made here: read the file as it is
        conn.close()
    return sqlite3.connect(
        base + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False
    )
