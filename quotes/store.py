"""Write extracted articles into one SQLite database (sqlite-utils), ready for Datasette.

The schema is documented in ``docs/database.md``. Three promises shape this module:

* Every row of the database is a function of the set of documents stored, never of the order
  or the number of runs that stored them (apart from the ``added`` timestamps and SQLite's
  internal rowids). Ids are therefore derived from content: a document's id, a quote's
  document id and offsets, a speaker's name and type. Speaker aggregates (counts,
  descriptions) are recomputed from per-document rows rather than incremented.
* A document's rows land whole: each batch of documents is one ``BEGIN IMMEDIATE`` ...
  ``COMMIT``, so a killed writer leaves the batches before it and nothing of the one it was in.
* Readers never block the writer and never see ``database is locked``: the file is in WAL
  mode and every connection waits (``busy_timeout``) instead of failing.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from .records import Article, Document, Quote

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 60_000

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
ERROR_COLUMNS = ("origin", "message", "added")


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

    A paragraph is a run of text between line breaks: trafilatura and most feeds put one
    paragraph per line, plain-text articles put blank lines between them; both work.
    """
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    if para_end < 0:
        para_end = len(text)
    while para_start < start and text[para_start].isspace():
        para_start += 1
    while para_end > end and text[para_end - 1].isspace():
        para_end -= 1
    return para_start, para_end


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
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._create_schema()
        # Speaker ids touched by the current batch, for _refresh_speakers (per connection).
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _affected (id TEXT PRIMARY KEY)")

    # -- schema -------------------------------------------------------------------------

    def _create_schema(self) -> None:
        conn = self.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        existing_views = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")
        }
        if version == SCHEMA_VERSION and set(VIEWS) <= existing_views and self._has_fts():
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in TABLES_SQL.split(";"):
                if statement.strip():
                    conn.execute(statement)
            for name, sql in VIEWS.items():
                conn.execute(f"DROP VIEW IF EXISTS {name}")
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        # sqlite-utils writes the FTS tables and the triggers that keep them in sync.
        if not self.db["quotes"].detect_fts():
            self.db["quotes"].enable_fts(["text"], create_triggers=True, tokenize="porter")
        if not self.db["speakers"].detect_fts():
            self.db["speakers"].enable_fts(
                ["name", "descriptions"], create_triggers=True, tokenize="porter"
            )

    def _has_fts(self) -> bool:
        return bool(self.db["quotes"].detect_fts() and self.db["speakers"].detect_fts())

    # -- writing ------------------------------------------------------------------------

    def add(self, article: Article) -> str:
        """Store one article in its own transaction: ``"added"``, ``"updated"`` or ``"unchanged"``."""
        return self._write_batch([article])[0]

    def add_many(
        self, articles: Iterable[Article], batch_size: int = 64
    ) -> Iterator[tuple[Article, str]]:
        """Store articles in transactions of ``batch_size`` whole documents.

        Yields ``(article, status)`` for each article once the batch holding it has committed,
        so a caller that counts what it was told is never ahead of the database.
        """
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                yield from zip(batch, self._write_batch(batch))
                batch = []
        if batch:
            yield from zip(batch, self._write_batch(batch))

    def _write_batch(self, articles: list[Article]) -> list[str]:
        affected: set[str] = set()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            statuses = [self._write_article(article, affected) for article in articles]
            self._refresh_speakers(affected)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return statuses

    def _stored_meta(self, document_id: str) -> tuple[Any, ...] | None:
        return self.conn.execute(
            "SELECT content_hash, title, url, publisher, published FROM documents WHERE id = ?",
            (document_id,),
        ).fetchone()

    def _delete_document_rows(self, document_id: str, affected: set[str]) -> None:
        """Remove a document's quotes, chain links and speaker mentions (not the document row)."""
        conn = self.conn
        affected.update(
            row[0]
            for row in conn.execute(
                "SELECT speaker_id FROM document_speakers WHERE document_id = ?", (document_id,)
            )
        )
        conn.execute(
            "DELETE FROM chain_links WHERE quote_id IN (SELECT id FROM quotes WHERE document_id = ?)",
            (document_id,),
        )
        conn.execute("DELETE FROM quotes WHERE document_id = ?", (document_id,))
        conn.execute("DELETE FROM document_speakers WHERE document_id = ?", (document_id,))

    def _write_article(self, article: Article, affected: set[str]) -> str:
        document = article.document
        doc_id = document.doc_id
        stored = self._stored_meta(doc_id)
        if stored is not None and tuple(stored) == _meta(document):
            return "unchanged"
        if stored is not None:
            self._delete_document_rows(doc_id, affected)
        rows = _article_rows(article)
        conn = self.conn
        conn.execute(
            _insert_sql("documents", DOCUMENT_COLUMNS)
            + " ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f'"{c}" = excluded."{c}"' for c in DOCUMENT_COLUMNS[1:]),
            rows["document"],
        )
        conn.executemany(_insert_sql("speakers", SPEAKER_COLUMNS, "INSERT OR IGNORE"), rows["speakers"])
        conn.executemany(_insert_sql("document_speakers", DOCUMENT_SPEAKER_COLUMNS), rows["document_speakers"])
        conn.executemany(_insert_sql("quotes", QUOTE_COLUMNS), rows["quotes"])
        conn.executemany(_insert_sql("chain_links", CHAIN_LINK_COLUMNS), rows["chain_links"])
        affected.update(row[0] for row in rows["speakers"])
        return "added" if stored is None else "updated"

    def _refresh_speakers(self, affected: set[str]) -> None:
        """Recompute counts and descriptions of the touched speakers; drop the unreferenced.

        A speaker exists exactly as long as some stored document mentions it (as speaker,
        addressee or link of a chain), so replacing or merging documents leaves no orphans.
        """
        if not affected:
            return
        conn = self.conn
        conn.execute("DELETE FROM _affected")
        conn.executemany("INSERT OR IGNORE INTO _affected (id) VALUES (?)", ((i,) for i in affected))
        conn.execute(
            "DELETE FROM speakers WHERE id IN (SELECT id FROM _affected) AND NOT EXISTS "
            "(SELECT 1 FROM document_speakers ds WHERE ds.speaker_id = speakers.id)"
        )
        descriptions: dict[str, Counter[str]] = {}
        for sid, seen in conn.execute(
            "SELECT speaker_id, descriptions FROM document_speakers "
            "WHERE speaker_id IN (SELECT id FROM _affected)"
        ):
            # Counted once per document: the most widely used title comes first.
            descriptions.setdefault(sid, Counter()).update(set(json.loads(seen)))
        conn.executemany(
            "UPDATE speakers SET descriptions = ? WHERE id = ?",
            (
                (json.dumps(sorted(c, key=lambda d: (-c[d], d)), ensure_ascii=False), sid)
                for sid, c in descriptions.items()
            ),
        )
        conn.execute(
            """
            UPDATE speakers SET
                quote_count = (SELECT count(*) FROM quotes WHERE speaker_id = speakers.id),
                addressed_count = (SELECT count(*) FROM quotes WHERE addressee_id = speakers.id),
                relayed_count = (SELECT count(*) FROM chain_links
                                 WHERE speaker_id = speakers.id AND role = 'conduit'),
                document_count = (SELECT count(*) FROM document_speakers
                                  WHERE speaker_id = speakers.id)
            WHERE id IN (SELECT id FROM _affected)
            """
        )
        conn.execute("DELETE FROM _affected")

    def is_current(self, document: Document) -> bool:
        """True when this document (same id, text and metadata) is already stored."""
        stored = self._stored_meta(document.doc_id)
        return stored is not None and tuple(stored) == _meta(document)

    def record_error(self, origin: str, message: str) -> None:
        """Note an input that failed; the same origin and message are recorded once."""
        self.conn.execute(
            _insert_sql("errors", ERROR_COLUMNS, "INSERT OR IGNORE"), (origin, message, _now())
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
                affected: set[str] = set()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for doc_id, *meta in documents[offset : offset + batch_size]:
                        counts[self._copy_document(doc_id, tuple(meta), affected)] += 1
                    self._refresh_speakers(affected)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            conn.execute(
                f"INSERT OR IGNORE INTO errors ({_columns(ERROR_COLUMNS)}) "
                f"SELECT {_columns(ERROR_COLUMNS)} FROM src.errors"
            )
        finally:
            conn.execute("DETACH DATABASE src")
        return dict(counts)

    def _copy_document(self, doc_id: str, meta: tuple[Any, ...], affected: set[str]) -> str:
        stored = self._stored_meta(doc_id)
        if stored is not None and tuple(stored) == meta:
            return "unchanged"
        conn = self.conn
        if stored is not None:
            self._delete_document_rows(doc_id, affected)
            conn.execute(
                "DELETE FROM documents WHERE id = ?", (doc_id,)
            )
        conn.execute(
            f"INSERT INTO documents ({_columns(DOCUMENT_COLUMNS)}) "
            f"SELECT {_columns(DOCUMENT_COLUMNS)} FROM src.documents WHERE id = ?",
            (doc_id,),
        )
        conn.execute(
            f"INSERT OR IGNORE INTO speakers ({_columns(SPEAKER_COLUMNS)}) "
            f"SELECT {_columns(SPEAKER_COLUMNS, 's.')} FROM src.speakers s "
            "JOIN src.document_speakers ds ON ds.speaker_id = s.id WHERE ds.document_id = ?",
            (doc_id,),
        )
        for table, columns, where in (
            ("document_speakers", DOCUMENT_SPEAKER_COLUMNS, "document_id = ?"),
            ("quotes", QUOTE_COLUMNS, "document_id = ? ORDER BY start, \"end\""),
            (
                "chain_links",
                CHAIN_LINK_COLUMNS,
                "quote_id IN (SELECT id FROM src.quotes WHERE document_id = ?)",
            ),
        ):
            conn.execute(
                f"INSERT INTO {table} ({_columns(columns)}) "
                f"SELECT {_columns(columns)} FROM src.{table} WHERE {where}",
                (doc_id,),
            )
        affected.update(
            row[0]
            for row in conn.execute(
                "SELECT speaker_id FROM document_speakers WHERE document_id = ?", (doc_id,)
            )
        )
        return "added" if stored is None else "updated"


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

    def resolve(name: str | None, type_: str | None) -> str | None:
        if not name:
            return None
        entity = next(
            (e for e in article.entities if e.name == name and (e.type == type_ or not type_)),
            None,
        ) or article.entity(name)
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
                resolve(quote.speaker, quote.speaker_type), quote.speaker_mention,
                quote.speaker_start, quote.speaker_end,
                resolve(quote.addressee, quote.addressee_type),
                text[para_start:para_end], para_start,
                quote.start - para_start, quote.end - para_start,
            )
        )
        for position, link in enumerate(quote.chain):
            link_sid = resolve(link.name, link.type)
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
