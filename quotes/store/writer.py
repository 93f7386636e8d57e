"""The writer: :class:`Store` adds articles to a quotes database, batch by batch.

This module holds the write path: opening (and upgrading) the database, staging a batch's rows,
replacing stored documents and moving the rows in, recording errors. The speaker side of each
batch, which names are which speaker and what each document counts for them, is in
:mod:`.speaker_upkeep`, run inside the same transaction.

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

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import faults
from ..faults import DataError, describe
from ..records import Article, Document, DocumentError, ExtractionFailed
from ..text import lone_surrogate
from .connection import BUSY_TIMEOUT_MS, column_list, connect, insert_sql, write_transaction
from .identity import IDENTITY_VERSION, Aliases
from .rows import (
    CHAIN_LINK_COLUMNS, CHAIN_LINK_STAGE_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_NAME_COLUMNS, ERROR_COLUMNS,
    NAME_COLUMNS, QUOTE_COLUMNS, QUOTE_STAGE_COLUMNS, article_rows, now,
)
from .schema import migrate
from .speaker_upkeep import (
    add_document_speakers, add_mention_speakers, count_batch_rows, count_names, identify_all, identify_blocks,
    mark_documents, reassign, refresh_speakers, register_functions, speaker_of,
)

# The tables a batch stages in TEMP before moving them over: the documents' names as extracted,
# and their quotes and chain links naming them by the ids of those names.
STAGED_TABLES = (
    ("names", NAME_COLUMNS + ("key",)),
    ("document_names", DOCUMENT_NAME_COLUMNS),
    ("quotes", QUOTE_STAGE_COLUMNS),
    ("chain_links", CHAIN_LINK_STAGE_COLUMNS),
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

    Speakers are identified across articles (:mod:`.identity`). ``aliases`` (a TSV file of
    ``name<TAB>canonical name[<TAB>type]``, a mapping, or :class:`.identity.Aliases`) corrects what
    the rules get wrong; the database keeps the aliases it was given, so a Store opened without
    ``aliases`` goes on applying them, and one opened with other aliases (an empty list clears
    them) identifies every stored speaker again before it returns.
    """

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 aliases: Aliases | str | Path | Mapping[str, str] | Iterable[tuple] | None = None) -> None:
        self.path = Path(path)
        given = Aliases.coerce(aliases)  # a bad aliases file fails before the database is touched
        self.db = connect(self.path, busy_timeout_ms)
        self.conn = self.db.conn
        try:
            migrate(self.db)
            register_functions(self.conn)
            self._create_temp_tables()
            self.aliases = self._settle_identity(given)
        except BaseException:
            self.conn.close()
            raise

    def _create_temp_tables(self) -> None:
        """Per-connection scratch tables: the documents being counted (``_batch``) and written
        (``_new``), the identity blocks to revisit (``_keys``) and the names identified anew
        (``_changed``), speaker deltas, and the staged rows."""
        conn = self.conn
        for table in ("_batch", "_new", "_changed"):
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY)")
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _keys (key TEXT PRIMARY KEY)")
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _deltas (id TEXT PRIMARY KEY, quotes INTEGER, "
            "addressed INTEGER, relayed INTEGER, documents INTEGER)"
        )
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _descriptions (id TEXT PRIMARY KEY, descriptions TEXT)")
        for table, columns in STAGED_TABLES:
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS _stage_{table} ({column_list(columns)})")

    # -- identity settings ----------------------------------------------------------------

    def _settings(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM store_settings"))

    def _settle_identity(self, given: Aliases | None) -> Aliases:
        """The aliases in force; identifies every stored speaker again first when the rules
        (:data:`.identity.IDENTITY_VERSION`) or the aliases differ from those the database was
        identified with. A current database is only read."""
        settings = self._settings()
        if settings.get("identity_version") == str(IDENTITY_VERSION) and (
                given is None or given.to_json() == settings.get("aliases", Aliases().to_json())):
            return Aliases.from_json(settings.get("aliases"))
        with write_transaction(self.db):
            settings = self._settings()  # another writer may have settled it meanwhile
            aliases = given if given is not None else Aliases.from_json(settings.get("aliases"))
            new_rules = settings.get("identity_version") != str(IDENTITY_VERSION)
            if new_rules or settings.get("aliases") != aliases.to_json():
                self.aliases = aliases
                identify_all(self.conn, aliases, every_document=new_rules)
                self.conn.executemany(
                    "INSERT INTO store_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [("identity_version", str(IDENTITY_VERSION)), ("aliases", aliases.to_json())],
                )
        return aliases

    def reidentify(self, aliases: Aliases | str | Path | Mapping[str, str] | Iterable[tuple] | None = None) -> None:
        """Identify every stored speaker again, with new ``aliases`` if given (what opening the
        database with other aliases does)."""
        given = Aliases.coerce(aliases) if aliases is not None else self.aliases
        with write_transaction(self.db):
            self.aliases = given
            identify_all(self.conn, given, every_document=True)
            self.conn.executemany(
                "INSERT INTO store_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("identity_version", str(IDENTITY_VERSION)), ("aliases", given.to_json())],
            )

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
        self._begin_documents(staged)
        batches = [entry["rows"] for entry in staged.values()]
        conn.executemany(
            insert_sql("documents", DOCUMENT_COLUMNS)
            + " ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f'"{c}" = excluded."{c}"' for c in DOCUMENT_COLUMNS[1:]),
            [rows["document"] for rows in batches],
        )
        names = {row[0]: row for rows in batches for row in rows["names"]}
        self.stage_names(names.values())
        for table, columns in STAGED_TABLES[1:]:
            conn.executemany(
                insert_sql(f"temp._stage_{table}", columns),
                (row for rows in batches for row in rows[table]),
            )
        self._store_staged()

    def stage_names(self, names: Iterable[tuple[str, str, str | None]]) -> None:
        """Stage extracted names ``(id, name, type)`` with the identity block each falls in."""
        self.conn.executemany(
            insert_sql("temp._stage_names", NAME_COLUMNS + ("key",)),
            ((sid, name, type_, self.aliases.analyze(name, type_).key) for sid, name, type_ in names),
        )

    def _begin_documents(self, document_ids: Iterable[str]) -> None:
        """Mark the documents a batch (re)writes and take back what their stored versions hold."""
        mark_documents(self.conn, document_ids)
        self.conn.execute("DELETE FROM temp._new")
        self.conn.execute("INSERT INTO temp._new SELECT id FROM temp._batch")
        # a document stored at last has no error left to report (an earlier run's failure)
        self.conn.execute("DELETE FROM errors WHERE document_id IN (SELECT id FROM temp._batch)")
        self._remove_document_rows()

    def _stored_meta(self, document_id: str) -> tuple[Any, ...] | None:
        return self.conn.execute(
            "SELECT content_hash, title, url, publisher, published FROM documents WHERE id = ?",
            (document_id,),
        ).fetchone()

    def _remove_document_rows(self) -> None:
        """Take back the quotes, chain links and names of the documents in _batch.

        What they counted for their speakers and names is subtracted first. The document rows
        themselves stay, to be overwritten.
        """
        conn = self.conn
        in_batch = "document_id IN (SELECT id FROM temp._batch)"
        count_batch_rows(conn, -1)
        count_names(conn, -1)
        conn.execute(
            f"DELETE FROM chain_links WHERE quote_id IN (SELECT id FROM quotes WHERE {in_batch})"
        )
        conn.execute(f"DELETE FROM quotes WHERE {in_batch}")
        conn.execute(f"DELETE FROM document_speakers WHERE {in_batch}")
        conn.execute(f"DELETE FROM document_names WHERE {in_batch}")

    def _store_staged(self) -> None:
        """Move the staged rows of the _new documents in, identifying their names.

        The names are added and counted, the identity blocks they touch are identified again
        (:func:`.speaker_upkeep.identify_blocks`), stored documents whose names are identified anew
        are re-counted under their new speakers (:func:`.speaker_upkeep.reassign`), then the staged
        quotes and chain links are written naming the speakers their names are identified as.
        """
        conn = self.conn
        conn.execute(
            "INSERT OR IGNORE INTO extracted_names (id, name, type, key, speaker_id, document_count) "
            "SELECT id, name, type, key, NULL, 0 FROM temp._stage_names ORDER BY rowid"
        )
        conn.execute(
            f"INSERT INTO document_names ({column_list(DOCUMENT_NAME_COLUMNS)}) "
            f"SELECT {column_list(DOCUMENT_NAME_COLUMNS)} FROM temp._stage_document_names ORDER BY rowid"
        )
        count_names(conn, +1)
        conn.execute("DELETE FROM extracted_names WHERE document_count <= 0")
        identify_blocks(conn, self.aliases)
        reassign(conn)
        conn.execute("INSERT OR IGNORE INTO temp._batch SELECT id FROM temp._new")
        add_mention_speakers(conn)
        columns = []
        for column in QUOTE_COLUMNS:
            if column in ("speaker_id", "addressee_id"):
                columns.append(f"CASE WHEN s.{column} IS NULL THEN NULL ELSE "
                               f"{speaker_of(column[0] + 'n', 's.document_id')} END")
            elif column in ("speaker_name_id", "addressee_name_id"):
                raw = "s." + column.replace("_name_id", "_id")
                columns.append(f"nullif({raw}, {speaker_of(column[0] + 'n', 's.document_id')})")
            else:
                columns.append(f's."{column}"')
        conn.execute(
            f"INSERT INTO quotes ({column_list(QUOTE_COLUMNS)}) SELECT {', '.join(columns)} "
            "FROM temp._stage_quotes s LEFT JOIN extracted_names sn ON sn.id = s.speaker_id "
            "LEFT JOIN extracted_names an ON an.id = s.addressee_id ORDER BY s.rowid"
        )
        columns = [speaker_of("n", "q.document_id") if c == "speaker_id"
                   else f"nullif(l.speaker_id, {speaker_of('n', 'q.document_id')})" if c == "name_id"
                   else f'l."{c}"' for c in CHAIN_LINK_COLUMNS]
        conn.execute(
            f"INSERT INTO chain_links ({column_list(CHAIN_LINK_COLUMNS)}) SELECT {', '.join(columns)} "
            "FROM temp._stage_chain_links l JOIN temp._stage_quotes q ON q.id = l.quote_id "
            "JOIN extracted_names n ON n.id = l.speaker_id ORDER BY l.rowid"
        )
        for table, _ in STAGED_TABLES:
            conn.execute(f"DELETE FROM temp._stage_{table}")
        add_document_speakers(conn, "_new")
        count_batch_rows(conn, +1)
        conn.execute("DELETE FROM temp._changed")
        refresh_speakers(conn)

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
