"""What the tests share: one extractor for the whole session (loading the model costs seconds),
and a way to compare two databases row for row."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

# Columns that hold wall-clock time: the only ones allowed to differ between equivalent runs.
TIMESTAMP_COLUMNS = {"added"}
# Words whose full-text search results are compared along with the rows.
SEARCH_WORDS = ("committee", "reopen", "harbor", "week")


@pytest.fixture(scope="session")
def extractor():
    """The default Extractor, loaded once per test session (the CLI's cached one, so tests that
    go through ``quotes.cli`` in this process share it too)."""
    from quotes.cli import load_extractor

    return load_extractor()


def database_contents(path: str | Path) -> dict[str, list[tuple]]:
    """Every table's rows, timestamp columns left out, sorted; and what full-text search finds.

    FTS shadow tables are left out: their index layout depends on how writes were split into
    transactions, not on what is stored. What a search returns is compared instead.
    """
    conn = sqlite3.connect(path)
    try:
        tables = [name for name, kind in conn.execute("SELECT name, type FROM pragma_table_list WHERE schema = 'main'")
                  if kind in ("table", "virtual") and not name.startswith("sqlite_") and "_fts" not in name]
        contents = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            kept = ", ".join(f'"{c}"' for c in columns if c not in TIMESTAMP_COLUMNS)
            contents[table] = sorted(conn.execute(f'SELECT {kept} FROM "{table}"').fetchall(), key=repr)
        for word in SEARCH_WORDS:
            contents[f"search:{word}"] = sorted(conn.execute(
                "SELECT q.id FROM quotes_fts JOIN quotes q ON q.rowid = quotes_fts.rowid WHERE quotes_fts MATCH ?",
                (word,)).fetchall())
        return contents
    finally:
        conn.close()


@pytest.fixture(scope="session")
def db_contents():
    """:func:`database_contents`, for tests to compare databases with."""
    return database_contents


def fts_is_consistent(path: str | Path) -> bool:
    """Whether both full-text indexes pass SQLite's integrity check against their tables."""
    conn = sqlite3.connect(path)
    try:
        for table in ("quotes_fts", "speakers_fts"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES('integrity-check')")
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


@pytest.fixture(scope="session")
def fts_consistent():
    """:func:`fts_is_consistent`, for tests of what the store writes."""
    return fts_is_consistent
