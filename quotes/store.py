"""Write extracted articles into one SQLite database (sqlite-utils), ready for Datasette.

The schema is documented in ``docs/database.md``. Three promises shape this module:

* Every row of the database is a function of the set of documents stored, never of the order
  or the number of runs that stored them (apart from the ``added`` timestamps and SQLite's
  internal rowids). Ids are therefore derived from content: a document's id, a quote's
  document id and offsets, a speaker's name and type. Speaker aggregates (counts, how many
  articles give each description) are sums over documents, kept by adding and subtracting
  each document's share inside the same transaction, so every order gives the same totals.
* A document's rows land whole: each batch of documents is one ``BEGIN IMMEDIATE`` ...
  ``COMMIT``, so a killed writer leaves the batches before it and nothing of the one it was in.
* Readers never block the writer and never see ``database is locked``: the file is in WAL
  mode and every connection waits (``busy_timeout``) instead of failing.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from . import faults
from .faults import DataError, describe
from .records import Article, Document, DocumentError, ExtractionFailed, Quote
from .text import lone_surrogate

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 60_000
# A paragraph stored beside a quote holds at most this much text on either side of the quote; a
# longer line gives only the quote's sentence on that side, whatever the line endings.
PARAGRAPH_CONTEXT_CHARS = 400
LINE_BREAK_CHARS = "\n\r\u2028\u2029\u0085\u000b\u000c"
# Columns added to tables of an earlier schema version, by the version that added them.
ADDED_COLUMNS = {
    2: [("errors", "stage", "TEXT"), ("errors", "error_type", "TEXT"), ("errors", "traceback", "TEXT"),
        ("errors", "document_id", "TEXT")],
}

# Bumping SCHEMA_VERSION drops and recreates the views (tables are only ever added to).
TABLES_SQL = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    title TEXT,
    url TEXT,
    publisher TEXT,
    published TEXT,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    quote_count INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS speakers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT,
    descriptions TEXT NOT NULL DEFAULT '[]',
    quote_count INTEGER NOT NULL DEFAULT 0,
    addressed_count INTEGER NOT NULL DEFAULT 0,
    relayed_count INTEGER NOT NULL DEFAULT 0,
    document_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS document_speakers (
    document_id TEXT NOT NULL REFERENCES documents(id),
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    descriptions TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (document_id, speaker_id)
);
CREATE TABLE IF NOT EXISTS speaker_descriptions (
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    description TEXT NOT NULL,
    document_count INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, description)
);
CREATE TABLE IF NOT EXISTS quotes (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    speaker_id TEXT REFERENCES speakers(id),
    speaker_mention TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    addressee_id TEXT REFERENCES speakers(id),
    paragraph TEXT NOT NULL,
    paragraph_start INTEGER NOT NULL,
    paragraph_quote_start INTEGER NOT NULL,
    paragraph_quote_end INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_links (
    quote_id TEXT NOT NULL REFERENCES quotes(id),
    position INTEGER NOT NULL,
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    role TEXT NOT NULL,
    cue TEXT,
    PRIMARY KEY (quote_id, position)
);
CREATE TABLE IF NOT EXISTS errors (
    origin TEXT NOT NULL,
    message TEXT NOT NULL,
    added TEXT NOT NULL,
    stage TEXT,
    error_type TEXT,
    traceback TEXT,
    document_id TEXT,
    PRIMARY KEY (origin, message)
);
CREATE INDEX IF NOT EXISTS idx_quotes_document_id ON quotes(document_id);
CREATE INDEX IF NOT EXISTS idx_quotes_speaker_id ON quotes(speaker_id);
CREATE INDEX IF NOT EXISTS idx_quotes_addressee_id ON quotes(addressee_id);
CREATE INDEX IF NOT EXISTS idx_quotes_kind ON quotes(kind);
CREATE INDEX IF NOT EXISTS idx_quotes_cue ON quotes(cue);
CREATE INDEX IF NOT EXISTS idx_chain_links_speaker_id ON chain_links(speaker_id, role);
CREATE INDEX IF NOT EXISTS idx_document_speakers_speaker_id ON document_speakers(speaker_id);
CREATE INDEX IF NOT EXISTS idx_documents_publisher ON documents(publisher);
CREATE INDEX IF NOT EXISTS idx_documents_published ON documents(published);
CREATE INDEX IF NOT EXISTS idx_speakers_name ON speakers(name);
"""

VIEWS = {
    # One readable row per quote, in the order a reader asks: who, said, what, to whom, through
    # whom. ``rowid`` is the quote's rowid so that Datasette's search box can use quotes_fts on
    # this view too (metadata: fts_table quotes_fts, fts_pk rowid).
    "quote_view": """
CREATE VIEW quote_view AS
SELECT
    s.name AS speaker,
    q.cue AS cue,
    q.text AS quote,
    a.name AS addressee,
    (
        SELECT group_concat(name, ' → ') FROM (
            SELECT cs.name AS name FROM chain_links c JOIN speakers cs ON cs.id = c.speaker_id
            WHERE c.quote_id = q.id ORDER BY c.position
        )
    ) AS chain,
    q.kind AS kind,
    s.type AS speaker_type,
    q.speaker_mention AS speaker_mention,
    d.title AS title,
    d.publisher AS publisher,
    d.published AS published,
    d.url AS url,
    q.id AS quote_id,
    q.document_id AS document_id,
    q.start AS start,
    q."end" AS "end",
    q.speaker_id AS speaker_id,
    q.addressee_id AS addressee_id,
    q.rowid AS rowid
FROM quotes q
JOIN documents d ON d.id = q.document_id
LEFT JOIN speakers s ON s.id = q.speaker_id
LEFT JOIN speakers a ON a.id = q.addressee_id
ORDER BY d.published DESC, q.document_id, q.start
""",
}

DOCUMENT_COLUMNS = (
    "id", "title", "url", "publisher", "published", "text", "content_hash", "quote_count", "added",
)
QUOTE_COLUMNS = (
    "id", "document_id", "start", "end", "text", "kind", "cue", "cue_start", "cue_end",
    "speaker_id", "speaker_mention", "speaker_start", "speaker_end", "addressee_id",
    "paragraph", "paragraph_start", "paragraph_quote_start", "paragraph_quote_end",
)
CHAIN_LINK_COLUMNS = ("quote_id", "position", "speaker_id", "role", "cue")
SPEAKER_COLUMNS = ("id", "name", "type")
DOCUMENT_SPEAKER_COLUMNS = ("document_id", "speaker_id", "descriptions")
ERROR_COLUMNS = ("origin", "message", "added", "stage", "error_type", "traceback", "document_id")
# The tables a batch stages in TEMP before moving them over, in foreign-key order.
STAGED_TABLES = (
    ("speakers", SPEAKER_COLUMNS),
    ("document_speakers", DOCUMENT_SPEAKER_COLUMNS),
    ("quotes", QUOTE_COLUMNS),
    ("chain_links", CHAIN_LINK_COLUMNS),
)


def _columns(names: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{name}"' for name in names)


def _insert_sql(table: str, columns: tuple[str, ...], verb: str = "INSERT") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"{verb} INTO {table} ({_columns(columns)}) VALUES ({marks})"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def speaker_id(name: str, type_: str | None, document_id: str | None = None) -> str:
    """A short stable id for a real-world speaker: same name and type, same id.

    A speaker without an entity type is a bare description ("a spokesperson", "officials"):
    two documents' "a spokesperson" are not the same person, so such ids are scoped to the
    document.
    """
    scope = type_ if type_ else f"untyped\x1f{document_id}"
    return hashlib.sha1(f"{scope}\x1f{name}".encode("utf-8", "surrogatepass")).hexdigest()[:12]


def quote_id(document_id: str, quote: Quote) -> str:
    """``<document id>:<start>-<end>``, zero-padded so that ids sort in reading order."""
    return f"{document_id}:{quote.start:06d}-{quote.end:06d}"


def paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line(s) holding ``text[start:end]``, as ``(paragraph_start, paragraph_end)``.

    A paragraph is a run of text between line breaks (LF, CR, U+2028, U+2029…): trafilatura and
    most feeds put one paragraph per line, plain-text articles put blank lines between them; both
    work. A line longer than ``PARAGRAPH_CONTEXT_CHARS`` on either side of the quote (an article
    with no line breaks at all) is not one paragraph: on that side only the quote's own sentence
    is kept.

    >>> t = "First line.\\rHe said “yes” today.\\rLast."
    >>> s, e = paragraph_around(t, 21, 24)
    >>> t[s:e]
    'He said “yes” today.'
    """
    lo, hi = max(0, start - PARAGRAPH_CONTEXT_CHARS), min(len(text), end + PARAGRAPH_CONTEXT_CHARS)
    para_start = max([text.rfind(c, lo, start) for c in LINE_BREAK_CHARS] + [lo - 1]) + 1
    breaks = [i for i in (text.find(c, end, hi) for c in LINE_BREAK_CHARS) if i >= 0]
    para_end = min(breaks) if breaks else hi
    if para_start == lo and lo > 0:  # the line goes on before the window: start at a sentence
        para_start = _sentence_start(text, lo, start)
    if para_end == hi and hi < len(text):
        para_end = _sentence_end(text, end, hi)
    while para_start < start and text[para_start].isspace():
        para_start += 1
    while para_end > end and text[para_end - 1].isspace():
        para_end -= 1
    return para_start, para_end


_SENTENCE_BREAK = re.compile(r"[.!?][\"”’')\]]*\s+")


def _sentence_start(text: str, lo: int, start: int) -> int:
    """The start of the sentence holding ``start`` (the last sentence break in ``text[lo:start]``),
    else the first word start there."""
    last = None
    for m in _SENTENCE_BREAK.finditer(text, lo, start):
        last = m
    if last is not None:
        return last.end()
    space = text.find(" ", lo, start)
    return space + 1 if space >= 0 else lo


def _sentence_end(text: str, end: int, hi: int) -> int:
    """The end of the sentence holding ``end`` (the first sentence end in ``text[end:hi]``), else
    the last word end there."""
    m = _SENTENCE_BREAK.search(text, end, hi)
    if m:
        return m.start() + len(m.group().rstrip())
    space = text.rfind(" ", end, hi)
    return space if space > end else hi


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back whole on any error or interrupt."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _meta(document: Document) -> tuple[Any, ...]:
    """What decides whether a stored document is current: its text and its metadata."""
    return (
        document.content_hash, document.title, document.url, document.publisher, document.published,
    )


class Store:
    """A quotes database: ``Store("quotes.db").add(article)``.

    Creates the file and schema on first use (idempotent), in WAL mode. Not thread-safe: one
    writer per Store; any number of readers (Datasette) may read the file meanwhile.
    """

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        # isolation_level=None: we say BEGIN/COMMIT ourselves, so a batch is exactly one
        # transaction and nothing is committed behind our back.
        conn = sqlite3.connect(
            str(self.path), isolation_level=None, timeout=busy_timeout_ms / 1000
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL is crash-safe in WAL mode (a power cut may lose the last commits, never
        # corrupt); FULL would fsync every batch for no gain against a killed process.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Index pages of a growing database no longer fit SQLite's 2 MB default cache; 64 MB
        # keeps batch inserts from re-reading them (a cache, not a reservation).
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA temp_store = MEMORY")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._create_schema()
        self._create_temp_tables()

    # -- schema -------------------------------------------------------------------------

    def _create_schema(self) -> None:
        conn = self.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        existing_views = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")
        }
        if version == SCHEMA_VERSION and set(VIEWS) <= existing_views and self._has_fts():
            return
        with _transaction(conn):
            for statement in TABLES_SQL.split(";"):
                if statement.strip():
                    conn.execute(statement)
            self._add_columns(version)
            for name, sql in VIEWS.items():
                conn.execute(f"DROP VIEW IF EXISTS {name}")
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # sqlite-utils writes the FTS tables and the triggers that keep them in sync.
        if not self.db["quotes"].detect_fts():
            self.db["quotes"].enable_fts(["text"], create_triggers=True, tokenize="porter")
        if not self.db["speakers"].detect_fts():
            self.db["speakers"].enable_fts(
                ["name", "descriptions"], create_triggers=True, tokenize="porter"
            )

    def _add_columns(self, version: int) -> None:
        """Bring tables written by schema ``version`` up to date: only ever columns added."""
        conn = self.conn
        for added_in, columns in sorted(ADDED_COLUMNS.items()):
            if version >= added_in:
                continue
            for table, column, sql_type in columns:
                existing = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
                if column not in existing:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")

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
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS _stage_{table} ({_columns(columns)})")

    def _has_fts(self) -> bool:
        return bool(self.db["quotes"].detect_fts() and self.db["speakers"].detect_fts())

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
        with _transaction(self.conn):
            statuses: list[str] = []
            staged: dict[str, dict[str, Any]] = {}  # the last version of each document wins
            for article in articles:
                doc_id, meta = article.id, _meta(article.document)
                current = staged[doc_id]["meta"] if doc_id in staged else self._stored_meta(doc_id)
                if current is not None and tuple(current) == meta:
                    statuses.append("unchanged")
                    continue
                statuses.append("added" if current is None else "updated")
                staged[doc_id] = {"meta": meta, "rows": _article_rows(article)}
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
            _insert_sql("documents", DOCUMENT_COLUMNS)
            + " ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f'"{c}" = excluded."{c}"' for c in DOCUMENT_COLUMNS[1:]),
            [rows["document"] for rows in batches],
        )
        for table, columns in STAGED_TABLES:
            conn.executemany(
                _insert_sql(f"temp._stage_{table}", columns),
                (row for rows in batches for row in rows[table]),
            )
        conn.execute(
            f"INSERT OR IGNORE INTO speakers ({_columns(SPEAKER_COLUMNS)}) "
            f"SELECT {_columns(SPEAKER_COLUMNS)} FROM temp._stage_speakers"
        )
        for table, columns in STAGED_TABLES[1:]:
            conn.execute(
                f"INSERT INTO {table} ({_columns(columns)}) "
                f"SELECT {_columns(columns)} FROM temp._stage_{table} ORDER BY rowid"
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
            _insert_sql("errors", ERROR_COLUMNS, "INSERT OR IGNORE"), (origin, message, _now(), *details)
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

        Documents already current here are skipped; a document whose text or metadata differs
        replaces ours (the source is taken as the later run). Counts of each status are returned.
        """
        conn = self.conn
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        counts: Counter[str] = Counter()
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM src.sqlite_master WHERE type='table'")
            }
            if "documents" not in tables:
                raise ValueError(f"{source} is not a quotes database (no documents table)")
            documents = conn.execute(
                "SELECT id, content_hash, title, url, publisher, published FROM src.documents ORDER BY id"
            ).fetchall()
            for offset in range(0, len(documents), batch_size):
                with _transaction(conn):
                    changed = []
                    for doc_id, *meta in documents[offset : offset + batch_size]:
                        stored = self._stored_meta(doc_id)
                        if stored is not None and tuple(stored) == tuple(meta):
                            counts["unchanged"] += 1
                        else:
                            counts["added" if stored is None else "updated"] += 1
                            changed.append(doc_id)
                    if changed:
                        self._copy_documents(changed)
            conn.execute(
                f"INSERT OR IGNORE INTO errors ({_columns(ERROR_COLUMNS)}) "
                f"SELECT {_columns(ERROR_COLUMNS)} FROM src.errors"
            )
        finally:
            conn.execute("DETACH DATABASE src")
        return dict(counts)

    def _copy_documents(self, document_ids: list[str]) -> None:
        """Replace the given documents with their rows in the attached ``src`` database."""
        conn = self.conn
        self._mark_documents(document_ids)
        self._remove_document_rows()
        in_batch = "IN (SELECT id FROM temp._batch)"
        conn.execute(
            f"INSERT INTO documents ({_columns(DOCUMENT_COLUMNS)}) "
            f"SELECT {_columns(DOCUMENT_COLUMNS)} FROM src.documents WHERE id {in_batch} "
            "ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f'"{c}" = excluded."{c}"' for c in DOCUMENT_COLUMNS[1:])
        )
        conn.execute(
            f"INSERT OR IGNORE INTO speakers ({_columns(SPEAKER_COLUMNS)}) "
            f"SELECT {_columns(SPEAKER_COLUMNS, 's.')} FROM src.speakers s WHERE s.id IN "
            f"(SELECT speaker_id FROM src.document_speakers WHERE document_id {in_batch})"
        )
        for table, columns, where in (
            ("document_speakers", DOCUMENT_SPEAKER_COLUMNS, f"document_id {in_batch}"),
            ("quotes", QUOTE_COLUMNS, f"document_id {in_batch} ORDER BY id"),
            (
                "chain_links",
                CHAIN_LINK_COLUMNS,
                f"quote_id IN (SELECT id FROM src.quotes WHERE document_id {in_batch})",
            ),
        ):
            conn.execute(
                f"INSERT INTO {table} ({_columns(columns)}) "
                f"SELECT {_columns(columns)} FROM src.{table} WHERE {where}"
            )
        self._count_new_rows()
        self._refresh_speakers()


def merge(sources: Iterable[str | Path], target: str | Path) -> dict[str, int]:
    """Merge shard databases into ``target`` (created if needed).

    The result holds the same rows as one run over all the shards' inputs in the order given:
    a document found in several shards with different text is taken from the last.
    """
    totals: Counter[str] = Counter()
    with Store(target) as store:
        for source in sources:
            if Path(source).resolve() == store.path.resolve():
                raise ValueError(f"cannot merge {source} into itself")
            if not Path(source).exists():
                raise FileNotFoundError(source)
            totals.update(store.merge_from(source))
    return dict(totals)


def _article_rows(article: Article) -> dict[str, Any]:
    """The rows one article becomes, as tuples in the column orders above."""
    document = article.document
    doc_id = document.doc_id
    text = document.text
    speakers: dict[str, tuple[str, str, str | None]] = {}
    mentions: dict[str, set[str]] = {}

    def resolve(name: str | None, type_: str | None, key: str | None) -> str | None:
        if not name:
            return None
        entity = article.entity(key)
        if not type_ and entity is not None:
            type_ = entity.type
        sid = speaker_id(name, type_, doc_id)
        speakers.setdefault(sid, (sid, name, type_))
        seen = mentions.setdefault(sid, set())
        if entity is not None:
            seen.update(d for d in entity.descriptions if d)
        return sid

    quote_rows: list[tuple[Any, ...]] = []
    link_rows: list[tuple[Any, ...]] = []
    seen_ids: set[str] = set()
    for quote in sorted(article.quotes, key=lambda q: (q.start, q.end)):
        qid = quote_id(doc_id, quote)
        if qid in seen_ids:  # the same span attributed twice: keep the first attribution
            continue
        seen_ids.add(qid)
        para_start, para_end = paragraph_around(text, quote.start, quote.end)
        quote_rows.append(
            (
                qid, doc_id, quote.start, quote.end, quote.text, quote.kind, quote.cue,
                quote.cue_start, quote.cue_end,
                resolve(quote.speaker, quote.speaker_type, quote.speaker_key), quote.speaker_mention,
                quote.speaker_start, quote.speaker_end,
                resolve(quote.addressee, quote.addressee_type, quote.addressee_key),
                text[para_start:para_end], para_start,
                quote.start - para_start, quote.end - para_start,
            )
        )
        for position, link in enumerate(quote.chain):
            link_sid = resolve(link.name, link.type, link.key)
            if link_sid is not None:
                link_rows.append((qid, position, link_sid, link.role, link.cue))
    meta = (document.title, document.url, document.publisher, document.published)
    return {
        "document": (doc_id, *meta, text, document.content_hash, len(quote_rows), _now()),
        "speakers": list(speakers.values()),
        "document_speakers": [
            (doc_id, sid, json.dumps(sorted(seen), ensure_ascii=False))
            for sid, seen in mentions.items()
        ],
        "quotes": quote_rows,
        "chain_links": link_rows,
    }
