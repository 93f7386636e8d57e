"""Merging quotes databases: shards of one run, or runs over different inputs, into one file.

A source is attached read as it is (never upgraded), so a shard written by any earlier schema
version merges too.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .connection import column_list, write_transaction
from .rows import (
    CHAIN_LINK_STAGE_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_NAME_COLUMNS, ERROR_COLUMNS, QUOTE_STAGE_COLUMNS,
)
from .writer import Store


def merge_from(store: Store, source: str | Path, batch_size: int = 256) -> dict[str, int]:
    """Copy the documents of the database ``source`` into ``store``, as ``store.add`` would.

    Documents already current here are skipped; a document whose text or metadata differs
    replaces ours (the source is taken as the later run). Counts of each status are returned.
    """
    conn = store.conn
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    counts: Counter[str] = Counter()
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM src.sqlite_master WHERE type='table'")}
        if "documents" not in tables:
            raise ValueError(f"{source} is not a quotes database (no documents table)")
        documents = conn.execute(
            "SELECT id, content_hash, title, url, publisher, published FROM src.documents ORDER BY id"
        ).fetchall()
        for offset in range(0, len(documents), batch_size):
            with write_transaction(store.db):
                changed = []
                for doc_id, *meta in documents[offset : offset + batch_size]:
                    stored = store._stored_meta(doc_id)
                    if stored is not None and tuple(stored) == tuple(meta):
                        counts["unchanged"] += 1
                    else:
                        counts["added" if stored is None else "updated"] += 1
                        changed.append(doc_id)
                if changed:
                    _copy_documents(store, changed)
        _copy_errors(store)
    finally:
        conn.execute("DETACH DATABASE src")
    return dict(counts)


def _copy_documents(store: Store, document_ids: list[str]) -> None:
    """Replace the given documents with their rows in the attached ``src`` database.

    The source's rows are taken as the extractor gave them (its extracted names; a source of
    schema 3 or earlier held one speaker per extracted name) and stored as ``add`` stores an
    article's rows: the names are identified here, by this database's rules and aliases.
    """
    conn = store.conn
    store._begin_documents(document_ids)
    in_batch = "IN (SELECT id FROM temp._new)"
    conn.execute(
        f"INSERT INTO documents ({column_list(DOCUMENT_COLUMNS)}) "
        f"SELECT {column_list(DOCUMENT_COLUMNS)} FROM src.documents WHERE id {in_batch} "
        "ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f'"{c}" = excluded."{c}"' for c in DOCUMENT_COLUMNS[1:])
    )
    identified = "name_id" in _source_columns(store, "chain_links")  # schema 4 and later

    def extracted(table: str, column: str, name_column: str) -> str:
        """The extracted name of a source row: a schema-4 row keeps it when it is not its speaker's id."""
        return f"coalesce({table}.{name_column}, {table}.{column})" if identified else f"{table}.{column}"

    if identified:
        names, per_document = "src.extracted_names", "SELECT document_id, name_id, descriptions FROM src.document_names"
    else:
        names, per_document = "src.speakers", "SELECT document_id, speaker_id, descriptions FROM src.document_speakers"
    conn.execute(
        f"INSERT INTO temp._stage_document_names ({column_list(DOCUMENT_NAME_COLUMNS)}) "
        f"SELECT * FROM ({per_document}) WHERE document_id {in_batch} ORDER BY document_id, 2"
    )
    store.stage_names(conn.execute(
        f"SELECT n.id, n.name, n.type FROM {names} n "
        "WHERE n.id IN (SELECT name_id FROM temp._stage_document_names) ORDER BY n.id"
    ).fetchall())
    present = _present(store, "quotes", QUOTE_STAGE_COLUMNS)  # a shard of an older release lacks newer columns
    select = [extracted("q", c, c.replace("_id", "_name_id")) if c in ("speaker_id", "addressee_id") and identified
              else f'q."{c}"' for c in present]
    conn.execute(
        f"INSERT INTO temp._stage_quotes ({column_list(present)}) SELECT {', '.join(select)} "
        f"FROM src.quotes q WHERE q.document_id {in_batch} ORDER BY q.id"
    )
    present = _present(store, "chain_links", CHAIN_LINK_STAGE_COLUMNS)
    select = [extracted("l", c, "name_id") if c == "speaker_id" else f'l."{c}"' for c in present]
    conn.execute(
        f"INSERT INTO temp._stage_chain_links ({column_list(present)}) SELECT {', '.join(select)} "
        f"FROM src.chain_links l WHERE l.quote_id IN (SELECT id FROM src.quotes WHERE document_id {in_batch}) "
        "ORDER BY l.quote_id, l.position"
    )
    store._store_staged()


def _source_columns(store: Store, table: str) -> set[str]:
    return {row[1] for row in store.conn.execute(f"PRAGMA src.table_info({table})")}


def _copy_errors(store: Store) -> None:
    """Add the source's errors not recorded here yet.

    Only the columns the source has are copied: a 0.1.0 source has no ``stage, error_type,
    traceback, document_id`` (naming them anyway would copy their names as values, SQLite taking
    an unknown double-quoted name for a string).
    """
    columns = _present(store, "errors", ERROR_COLUMNS)
    if columns:
        store.conn.execute(
            f"INSERT OR IGNORE INTO errors ({column_list(columns)}) "
            f"SELECT {column_list(columns)} FROM src.errors"
        )


def _present(store: Store, table: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``columns`` the source's ``table`` has."""
    present = {row[1] for row in store.conn.execute(f"PRAGMA src.table_info({table})")}
    return tuple(c for c in columns if c in present)


def merge(sources: Iterable[str | Path], target: str | Path, aliases=None) -> dict[str, int]:
    """Merge shard databases into ``target`` (created if needed).

    The result holds the same rows as one run over all the shards' inputs in the order given:
    a document found in several shards with different text is taken from the last. Speakers are
    identified by the target's rules and aliases (``aliases``, as ``Store`` takes them, replaces
    the target's), whatever the shards' were.
    """
    totals: Counter[str] = Counter()
    with Store(target, aliases=aliases) as store:
        for source in sources:
            if Path(source).resolve() == store.path.resolve():
                raise ValueError(f"cannot merge {source} into itself")
            if not Path(source).exists():
                raise FileNotFoundError(source)
            totals.update(store.merge_from(source))
    return dict(totals)
