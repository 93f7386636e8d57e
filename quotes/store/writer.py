"""The writer: :class:`Store` adds articles to a quotes database, batch by batch.

* Every row is a function of the set of documents stored, never of the order or the number of
  runs that stored them (apart from the ``added`` timestamps and SQLite's rowids): ids come from
  content (:mod:`.rows`), and speaker aggregates (counts, how many articles give each
  description) are sums over documents, kept by adding and subtracting each document's share
  inside the same transaction, so every order gives the same totals.
* A document's rows land whole: each batch of documents is one ``BEGIN IMMEDIATE`` ...
  ``COMMIT`` (:func:`.connection.write_transaction`), so a killed writer leaves the batches
  before it and nothing of the one it was in.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .. import faults
from ..faults import DataError, describe
from ..records import Article, Document, DocumentError, ExtractionFailed
from ..text import lone_surrogate
from .connection import BUSY_TIMEOUT_MS, column_list, connect, insert_sql, write_transaction
from .rows import (
    CHAIN_LINK_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_SPEAKER_COLUMNS, ERROR_COLUMNS, QUOTE_COLUMNS,
    SPEAKER_COLUMNS, article_rows, now,
)
from .schema import migrate

# The tables a batch stages in TEMP before moving them over, in foreign-key order.
STAGED_TABLES = (
    ("speakers", SPEAKER_COLUMNS),
    ("document_speakers", DOCUMENT_SPEAKER_COLUMNS),
    ("quotes", QUOTE_COLUMNS),
    ("chain_links", CHAIN_LINK_COLUMNS),
)


def _meta(document: Document) -> tuple[Any, ...]:
    """What decides whether a stored document is current: its text and its metadata."""
    return (
        document.content_hash, document.title, document.url, document.publisher, document.published,
    )


class Store:
    """A quotes database: ``Store("quotes.db").add(article)``.

    Creates the file and schema on first use and upgrades an older database in place
    (:mod:`.schema`), in WAL mode. Not thread-safe: one writer per Store; any number of readers
    (Datasette) may read the file meanwhile.
    """

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.db = connect(self.path, busy_timeout_ms)
        self.conn = self.db.conn
        try:
            migrate(self.db)
            self._create_temp_tables()
        except BaseException:
            self.conn.close()
            raise

    def _create_temp_tables(self) -> None:
        """Per-connection scratch tables: the batch's documents, touched speakers, staged rows."""
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _batch (id TEXT PRIMARY KEY)")
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _deltas (id TEXT PRIMARY KEY, quotes INTEGER, "
            "addressed INTEGER, relayed INTEGER, documents INTEGER)"
        )
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _descriptions (id TEXT PRIMARY KEY, descriptions TEXT)")
        for table, columns in STAGED_TABLES:
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS _stage_{table} ({column_list(columns)})")

    # -- writing ------------------------------------------------------------------------
    #
    # A batch is written set-wise: rows are staged in TEMP tables, then moved with one
    # INSERT ... SELECT per table. FTS5 flushes its pending index at every statement that
    # touches it, so one statement per batch instead of one per row makes the trigger-kept
    # index about seven times cheaper to maintain.

    def add(self, article: Article) -> str:
        """Store one article in its own transaction: ``"added"``, ``"updated"`` or ``"unchanged"``."""
        return self._write_batch([article])[0]

    def add_many(
        self, articles: Iterable[Article], batch_size: int = 64,
        on_error: Callable[[DocumentError], None] | None = None,
    ) -> Iterator[tuple[Article, str]]:
        """Store articles in transactions of ``batch_size`` whole documents.

        Yields ``(article, status)`` for each article once the batch holding it has committed,
        so a caller that counts what it was told is never ahead of the database. A batch that
        fails is written again one document per transaction, so one bad document never costs its
        neighbours: it is yielded with status ``"failed"``, its error recorded in ``errors`` and
        passed to ``on_error`` (without ``on_error`` it is raised as ``ExtractionFailed``).
        """
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                yield from self._write_isolated(batch, on_error)
                batch = []
        if batch:
            yield from self._write_isolated(batch, on_error)

    def _write_isolated(self, batch: list[Article], on_error: Callable[[DocumentError], None] | None
                        ) -> Iterator[tuple[Article, str]]:
        try:
            yield from zip(batch, self._write_batch(batch))
            return
        except Exception:
            if len(batch) == 1 and on_error is None:
                raise
        for article in batch:
            try:
                status = self._write_batch([article])[0]
            except Exception as exc:
                error = DocumentError(article.document, "store", *describe(exc))
                self.record_error(error.origin, f"{error.stage} failed: {error.error_type}: {error.message}",
                                  error=error)
                if on_error is None:
                    raise ExtractionFailed(error) from exc
                on_error(error)
                status = "failed"
            yield article, status

    def _write_batch(self, articles: list[Article]) -> list[str]:
        for article in articles:
            faults.inject("store", lambda: article.text)
            surrogate = lone_surrogate(article.text)
            if surrogate is not None:
                raise DataError(f"text holds an unpaired surrogate U+{ord(article.text[surrogate]):04X} at "
                                f"character {surrogate}, which SQLite cannot store as UTF-8")
        with write_transaction(self.db):
            statuses: list[str] = []
            staged: dict[str, dict[str, Any]] = {}  # the last version of each document wins
            for article in articles:
                doc_id, meta = article.id, _meta(article.document)
                current = staged[doc_id]["meta"] if doc_id in staged else self._stored_meta(doc_id)
                if current is not None and tuple(current) == meta:
                    statuses.append("unchanged")
                    continue
                statuses.append("added" if current is None else "updated")
                staged[doc_id] = {"meta": meta, "rows": article_rows(article)}
            if staged:
                self._replace_documents(staged)
        return statuses

    def _replace_documents(self, staged: dict[str, dict[str, Any]]) -> None:
        """Write the staged documents, replacing whatever was stored under their ids."""
        conn = self.conn
        self._mark_documents(staged)
        # a document stored at last has no error left to report (an earlier run's failure)
        conn.execute("DELETE FROM errors WHERE document_id IN (SELECT id FROM temp._batch)")
        self._remove_document_rows()
        batches = [entry["rows"] for entry in staged.values()]
        conn.executemany(
            insert_sql("documents", DOCUMENT_COLUMNS)
            + " ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f'"{c}" = excluded."{c}"' for c in DOCUMENT_COLUMNS[1:]),
            [rows["document"] for rows in batches],
        )
        for table, columns in STAGED_TABLES:
            conn.executemany(
                insert_sql(f"temp._stage_{table}", columns),
                (row for rows in batches for row in rows[table]),
            )
        conn.execute(
            f"INSERT OR IGNORE INTO speakers ({column_list(SPEAKER_COLUMNS)}) "
            f"SELECT {column_list(SPEAKER_COLUMNS)} FROM temp._stage_speakers"
        )
        for table, columns in STAGED_TABLES[1:]:
            conn.execute(
                f"INSERT INTO {table} ({column_list(columns)}) "
                f"SELECT {column_list(columns)} FROM temp._stage_{table} ORDER BY rowid"
            )
        for table, _ in STAGED_TABLES:
            conn.execute(f"DELETE FROM temp._stage_{table}")
        self._count_new_rows()
        self._refresh_speakers()

    def _mark_documents(self, document_ids: Iterable[str]) -> None:
        """Fill temp._batch with the ids of the documents this batch (re)writes."""
        self.conn.execute("DELETE FROM temp._batch")
        self.conn.executemany("INSERT OR IGNORE INTO temp._batch (id) VALUES (?)", ((i,) for i in document_ids))

    def _stored_meta(self, document_id: str) -> tuple[Any, ...] | None:
        return self.conn.execute(
            "SELECT content_hash, title, url, publisher, published FROM documents WHERE id = ?",
            (document_id,),
        ).fetchone()

    def _remove_document_rows(self) -> None:
        """Take back the quotes, chain links and speaker mentions of the documents in _batch.

        What they counted for their speakers is subtracted first. The document rows themselves
        stay, to be overwritten.
        """
        conn = self.conn
        in_batch = "document_id IN (SELECT id FROM temp._batch)"
        self._count_batch_rows(-1)
        conn.execute(
            f"DELETE FROM chain_links WHERE quote_id IN (SELECT id FROM quotes WHERE {in_batch})"
        )
        conn.execute(f"DELETE FROM quotes WHERE {in_batch}")
        conn.execute(f"DELETE FROM document_speakers WHERE {in_batch}")

    def _count_new_rows(self) -> None:
        """Add what the freshly written documents in _batch count for their speakers."""
        self._count_batch_rows(+1)

    def _count_batch_rows(self, sign: int) -> None:
        """Add ``sign`` times the speaker counts of the _batch documents' rows to the deltas.

        Counts are sums over documents, so adding and subtracting them per document gives the
        same totals in any order, without recounting a popular speaker's every quote per batch.
        """
        conn = self.conn
        in_batch = "document_id IN (SELECT id FROM temp._batch)"
        conn.execute(
            f"""
            INSERT INTO temp._deltas (id, quotes, addressed, relayed, documents)
            SELECT id, :sign * sum(q), :sign * sum(a), :sign * sum(r), :sign * sum(d) FROM (
                SELECT speaker_id AS id, 1 AS q, 0 AS a, 0 AS r, 0 AS d
                    FROM quotes WHERE {in_batch} AND speaker_id IS NOT NULL
                UNION ALL SELECT addressee_id, 0, 1, 0, 0
                    FROM quotes WHERE {in_batch} AND addressee_id IS NOT NULL
                UNION ALL SELECT l.speaker_id, 0, 0, 1, 0
                    FROM chain_links l JOIN quotes q ON q.id = l.quote_id
                    WHERE q.{in_batch} AND l.role = 'conduit'
                UNION ALL SELECT speaker_id, 0, 0, 0, 1
                    FROM document_speakers WHERE {in_batch}
            ) WHERE true
            GROUP BY id
            ON CONFLICT (id) DO UPDATE SET
                quotes = quotes + excluded.quotes,
                addressed = addressed + excluded.addressed,
                relayed = relayed + excluded.relayed,
                documents = documents + excluded.documents
            """,
            {"sign": sign},
        )
        conn.execute(
            f"""
            INSERT INTO speaker_descriptions (speaker_id, description, document_count)
            SELECT ds.speaker_id, d.value, :sign * count(*)
            FROM document_speakers ds, json_each(ds.descriptions) d
            WHERE ds.{in_batch}
            GROUP BY ds.speaker_id, d.value
            ON CONFLICT (speaker_id, description)
            DO UPDATE SET document_count = document_count + excluded.document_count
            """,
            {"sign": sign},
        )

    def _refresh_speakers(self) -> None:
        """Apply the batch's count deltas and rebuild the touched speakers' descriptions.

        A speaker exists exactly as long as some stored document mentions it (as speaker,
        addressee or link of a chain): one left with no document is deleted, so replacing or
        merging documents leaves no orphans and the table never depends on history.
        """
        conn = self.conn
        touched = "(SELECT id FROM temp._deltas)"
        conn.execute("DELETE FROM speaker_descriptions WHERE document_count <= 0")
        described: dict[str, list[str]] = {}
        for sid, description in conn.execute(
            f"SELECT speaker_id, description FROM speaker_descriptions WHERE speaker_id IN {touched} "
            "ORDER BY speaker_id, document_count DESC, description"
        ):
            described.setdefault(sid, []).append(description)
        conn.execute("DELETE FROM temp._descriptions")
        conn.executemany(
            "INSERT INTO temp._descriptions (id, descriptions) VALUES (?, ?)",
            (
                (sid, json.dumps(described.get(sid, []), ensure_ascii=False))
                for (sid,) in conn.execute(f"SELECT id FROM speakers WHERE id IN {touched}").fetchall()
            ),
        )
        # One statement for all touched speakers: it also re-indexes them in speakers_fts once.
        conn.execute(
            """
            UPDATE speakers SET
                quote_count = speakers.quote_count + d.quotes,
                addressed_count = speakers.addressed_count + d.addressed,
                relayed_count = speakers.relayed_count + d.relayed,
                document_count = speakers.document_count + d.documents,
                descriptions = t.descriptions
            FROM temp._deltas d JOIN temp._descriptions t ON t.id = d.id
            WHERE d.id = speakers.id
            """
        )
        conn.execute(
            f"DELETE FROM speakers WHERE id IN {touched} AND document_count <= 0"
        )
        conn.execute("DELETE FROM temp._deltas")

    def is_current(self, document: Document) -> bool:
        """True when this document (same id, text and metadata) is already stored."""
        stored = self._stored_meta(document.doc_id)
        return stored is not None and tuple(stored) == _meta(document)

    def record_error(self, origin: str, message: str, error: DocumentError | None = None) -> None:
        """Note an input or a document that failed; the same origin and message are recorded once.

        With ``error``, its stage, exception type, traceback (for a bug) and document id are kept
        too; the row goes once that document is stored.
        """
        details = (error.stage, error.error_type, error.traceback, error.document.doc_id) if error else (None,) * 4
        self.conn.execute(
            insert_sql("errors", ERROR_COLUMNS, "INSERT OR IGNORE"), (origin, message, now(), *details)
        )

    # -- reading ------------------------------------------------------------------------

    def summary(self) -> dict[str, int]:
        """Row counts: documents, quotes, speakers, errors."""
        return {
            table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("documents", "quotes", "speakers", "errors")
        }

    def close(self) -> None:
        """Checkpoint the WAL into the main file (immutable readers see only that) and close.

        The checkpoint does not wait: with a reader (Datasette) still open it copies what it can
        and the rest stays in the WAL, which SQLite and ``quotes serve`` fold in later.
        """
        try:
            self.conn.execute("PRAGMA busy_timeout = 0")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- merging ------------------------------------------------------------------------

    def merge_from(self, source: str | Path, batch_size: int = 256) -> dict[str, int]:
        """Copy the documents of another quotes database into this one, as ``add`` would.

        See :func:`.merge.merge_from`.
        """
        from .merge import merge_from  # merge builds on the writer, not the other way round

        return merge_from(self, source, batch_size)
