"""The store's SQLite connection: how the file is opened and how a write transaction is taken.

Readers never block the writer and never see ``database is locked``: the file is in WAL mode and
every connection waits (``busy_timeout``) instead of failing. Writes go through
:func:`write_transaction`, sqlite-utils' ``db.atomic()`` with the outermost level opened by
``BEGIN IMMEDIATE``.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 60_000


def connect(path: Path, busy_timeout_ms: int) -> sqlite_utils.Database:
    """Open (or create) the file in WAL mode, as the store's one writing connection."""
    # isolation_level=None: we say BEGIN/COMMIT ourselves, so a batch is exactly one
    # transaction and nothing is committed behind our back.
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=busy_timeout_ms / 1000)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    _switch_to_wal(conn, busy_timeout_ms)
    # NORMAL is crash-safe in WAL mode (a power cut may lose the last commits, never
    # corrupt); FULL would fsync every batch for no gain against a killed process.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Index pages of a growing database no longer fit SQLite's 2 MB default cache; 64 MB
    # keeps batch inserts from re-reading them (a cache, not a reservation).
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA temp_store = MEMORY")
    return sqlite_utils.Database(conn)


def _switch_to_wal(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """``PRAGMA journal_mode = WAL``, waiting like every other statement does.

    Switching a new file to WAL needs an exclusive lock, and SQLite answers ``database is
    locked`` at once, without calling the busy handler, while another connection holds one (two
    processes creating one database together). So we retry until the busy timeout runs out.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction, committed whole or rolled back whole on any error or interrupt.

    Inside a transaction already open this is ``db.atomic()``: a savepoint, so writes nest. The
    outermost level is ``BEGIN IMMEDIATE`` rather than the plain ``BEGIN`` of ``db.atomic()``:
    our transactions read before they write, and a deferred transaction that has read cannot
    wait for another writer's lock (SQLite answers ``database is locked`` at once when the other
    writer has committed in between), while ``BEGIN IMMEDIATE`` takes the write lock first and
    waits for it up to ``busy_timeout``. Readers are not blocked either way (WAL).
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.commit()
    except BaseException:
        db.rollback()  # a no-op when the error already ended the transaction
        raise


def column_list(names: Iterable[str], prefix: str = "") -> str:
    """``"a", "b"`` (or ``p."a", p."b"``): a quoted column list for SQL."""
    return ", ".join(f'{prefix}"{name}"' for name in names)


def insert_sql(table: str, columns: tuple[str, ...], verb: str = "INSERT") -> str:
    """``INSERT INTO table (columns) VALUES (?, ...)``."""
    marks = ", ".join("?" for _ in columns)
    return f"{verb} INTO {table} ({column_list(columns)}) VALUES ({marks})"
