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
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import faults
from ..faults import DataError, describe
from ..records import Article, Document, DocumentError, ExtractionFailed
from ..text import lone_surrogate
from .connection import BUSY_TIMEOUT_MS, column_list, connect, insert_sql, write_transaction
from .identity import IDENTITY_VERSION, Aliases, NameRow, description, identify
from .rows import (
    CHAIN_LINK_COLUMNS, CHAIN_LINK_STAGE_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_NAME_COLUMNS, ERROR_COLUMNS,
    NAME_COLUMNS, QUOTE_COLUMNS, QUOTE_STAGE_COLUMNS, article_rows, now, speaker_id,
)
from .schema import migrate

# The tables a batch stages in TEMP before moving them over: the documents' names as extracted,
# and their quotes and chain links naming them by the ids of those names.
STAGED_TABLES = (
    ("names", NAME_COLUMNS + ("key",)),
    ("document_names", DOCUMENT_NAME_COLUMNS),
    ("quotes", QUOTE_STAGE_COLUMNS),
    ("chain_links", CHAIN_LINK_STAGE_COLUMNS),
)

# The speaker an extracted name ``n`` is in document ``d``: the one it is identified as, or, for a
# mention (no entity), the untyped speaker of that document alone.
def _speaker_of(n: str, document: str) -> str:
    return f"coalesce({n}.speaker_id, quotes_speaker_id({n}.name, NULL, {document}))"


class _DescriptionUnion:
    """SQL aggregate ``quotes_descriptions(json list)``: the descriptions worth showing of all the
    lists, sorted, as a JSON list (one document's names of one speaker)."""

    def __init__(self) -> None:
        self.kept: set[str] = set()

    def step(self, value: str | None) -> None:
        for text in json.loads(value or "[]"):
            kept = description(text)
            if kept:
                self.kept.add(kept)

    def finalize(self) -> str:
        return json.dumps(sorted(self.kept), ensure_ascii=False)


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
            self._register_functions()
            self._create_temp_tables()
            self.aliases = self._settle_identity(given)
        except BaseException:
            self.conn.close()
            raise

    def _register_functions(self) -> None:
        self.conn.create_function("quotes_speaker_id", 3, speaker_id, deterministic=True)
        self.conn.create_aggregate("quotes_descriptions", 1, _DescriptionUnion)

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
                self._identify_all(every_document=new_rules)
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
            self._identify_all(every_document=True)
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
        self._mark_documents(document_ids)
        self.conn.execute("DELETE FROM temp._new")
        self.conn.execute("INSERT INTO temp._new SELECT id FROM temp._batch")
        # a document stored at last has no error left to report (an earlier run's failure)
        self.conn.execute("DELETE FROM errors WHERE document_id IN (SELECT id FROM temp._batch)")
        self._remove_document_rows()

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
        """Take back the quotes, chain links and names of the documents in _batch.

        What they counted for their speakers and names is subtracted first. The document rows
        themselves stay, to be overwritten.
        """
        conn = self.conn
        in_batch = "document_id IN (SELECT id FROM temp._batch)"
        self._count_batch_rows(-1)
        self._count_names(-1)
        conn.execute(
            f"DELETE FROM chain_links WHERE quote_id IN (SELECT id FROM quotes WHERE {in_batch})"
        )
        conn.execute(f"DELETE FROM quotes WHERE {in_batch}")
        conn.execute(f"DELETE FROM document_speakers WHERE {in_batch}")
        conn.execute(f"DELETE FROM document_names WHERE {in_batch}")

    def _count_names(self, sign: int) -> None:
        """Add ``sign`` to the document counts of the names the _batch documents use, and mark
        their identity blocks to be revisited."""
        conn = self.conn
        used = "SELECT name_id FROM document_names WHERE document_id IN (SELECT id FROM temp._batch)"
        conn.execute(
            f"""
            UPDATE extracted_names SET document_count = document_count + :sign * c.n
            FROM (SELECT name_id, count(*) AS n FROM ({used}) GROUP BY name_id) AS c
            WHERE extracted_names.id = c.name_id
            """,
            {"sign": sign},
        )
        conn.execute(
            f"INSERT OR IGNORE INTO temp._keys (key) SELECT DISTINCT key FROM extracted_names "
            f"WHERE key IS NOT NULL AND id IN ({used})"
        )

    def _store_staged(self) -> None:
        """Move the staged rows of the _new documents in, identifying their names.

        The names are added and counted, the identity blocks they touch are identified again
        (:meth:`_identify`), stored documents whose names are identified anew are re-counted under
        their new speakers (:meth:`_reassign`), then the staged quotes and chain links are written
        naming the speakers their names are identified as.
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
        self._count_names(+1)
        conn.execute("DELETE FROM extracted_names WHERE document_count <= 0")
        self._identify()
        self._reassign()
        conn.execute("INSERT OR IGNORE INTO temp._batch SELECT id FROM temp._new")
        self._add_mention_speakers()
        columns = []
        for column in QUOTE_COLUMNS:
            if column in ("speaker_id", "addressee_id"):
                columns.append(f"CASE WHEN s.{column} IS NULL THEN NULL ELSE "
                               f"{_speaker_of(column[0] + 'n', 's.document_id')} END")
            elif column in ("speaker_name_id", "addressee_name_id"):
                raw = "s." + column.replace("_name_id", "_id")
                columns.append(f"nullif({raw}, {_speaker_of(column[0] + 'n', 's.document_id')})")
            else:
                columns.append(f's."{column}"')
        conn.execute(
            f"INSERT INTO quotes ({column_list(QUOTE_COLUMNS)}) SELECT {', '.join(columns)} "
            "FROM temp._stage_quotes s LEFT JOIN extracted_names sn ON sn.id = s.speaker_id "
            "LEFT JOIN extracted_names an ON an.id = s.addressee_id ORDER BY s.rowid"
        )
        columns = [_speaker_of("n", "q.document_id") if c == "speaker_id"
                   else f"nullif(l.speaker_id, {_speaker_of('n', 'q.document_id')})" if c == "name_id"
                   else f'l."{c}"' for c in CHAIN_LINK_COLUMNS]
        conn.execute(
            f"INSERT INTO chain_links ({column_list(CHAIN_LINK_COLUMNS)}) SELECT {', '.join(columns)} "
            "FROM temp._stage_chain_links l JOIN temp._stage_quotes q ON q.id = l.quote_id "
            "JOIN extracted_names n ON n.id = l.speaker_id ORDER BY l.rowid"
        )
        for table, _ in STAGED_TABLES:
            conn.execute(f"DELETE FROM temp._stage_{table}")
        self._add_document_speakers("_new")
        self._count_new_rows()
        conn.execute("DELETE FROM temp._changed")
        self._refresh_speakers()

    def _identify(self) -> None:
        """Identify again the names of the blocks in _keys; those whose speaker changes go to
        _changed, and the speakers they are now identified as are created."""
        conn = self.conn
        rows = conn.execute(
            "SELECT id, name, type, document_count, speaker_id FROM extracted_names "
            "WHERE key IN (SELECT key FROM temp._keys)"
        ).fetchall()
        conn.execute("DELETE FROM temp._keys")
        if not rows:
            return
        found = identify((NameRow(i, name, type_, count) for i, name, type_, count, _ in rows), self.aliases)
        speakers: dict[str, tuple[str, str]] = {}
        changes: list[tuple[str | None, str]] = []
        for name_id, _, _, _, stored in rows:
            speaker = found.get(name_id)
            sid = speaker_id(speaker.name, speaker.type) if speaker else None
            if sid != stored:
                changes.append((sid, name_id))
                if speaker:
                    speakers[sid] = (speaker.name, speaker.type)
        if not changes:
            return
        conn.executemany("INSERT OR IGNORE INTO speakers (id, name, type) VALUES (?, ?, ?)",
                         [(sid, name, type_) for sid, (name, type_) in sorted(speakers.items())])
        conn.executemany("UPDATE extracted_names SET speaker_id = ? WHERE id = ?", changes)
        conn.executemany("INSERT OR IGNORE INTO temp._changed (id) VALUES (?)", [(i,) for _, i in changes])

    def _identify_all(self, every_document: bool = True) -> None:
        """Identify every stored name again (new rules, new aliases, an upgraded database).

        With ``every_document`` (new rules: the descriptions worth showing may differ too) every
        document is re-counted, else only those whose names are identified anew (new aliases)."""
        conn = self.conn
        rows = conn.execute("SELECT id, name, type, key, speaker_id FROM extracted_names").fetchall()
        keys = {}
        for name_id, name, type_, key, _ in rows:
            keys[name_id] = self.aliases.analyze(name, type_).key
        conn.executemany("UPDATE extracted_names SET key = ? WHERE id = ?",
                         [(keys[i], i) for i, _, _, key, _ in rows if keys[i] != key])
        conn.execute("DELETE FROM temp._keys")
        conn.executemany("INSERT OR IGNORE INTO temp._keys (key) VALUES (?)",
                         [(k,) for k in sorted({k for k in keys.values() if k is not None})])
        mentions = [(i,) for i, _, _, _, stored in rows if keys[i] is None and stored is not None]
        conn.executemany("UPDATE extracted_names SET speaker_id = NULL WHERE id = ?", mentions)
        conn.executemany("INSERT OR IGNORE INTO temp._changed (id) VALUES (?)", mentions)
        conn.execute("DELETE FROM temp._new")
        self._identify()
        self._reassign(every_document)
        self._count_new_rows()
        conn.execute("DELETE FROM temp._changed")
        self._refresh_speakers()

    def _reassign(self, every_document: bool = False) -> None:
        """Re-count the stored documents (not of this batch) that use a name in _changed, or
        ``every_document``, under the speakers their names are now identified as, rebuilding
        their document speakers (descriptions filtered anew). Leaves them in _batch."""
        conn = self.conn
        self._mark_documents(())
        conn.execute(
            "INSERT OR IGNORE INTO temp._batch (id) SELECT id FROM documents" if every_document else
            "INSERT OR IGNORE INTO temp._batch (id) SELECT DISTINCT document_id FROM document_names "
            "WHERE name_id IN (SELECT id FROM temp._changed) AND document_id NOT IN (SELECT id FROM temp._new)"
        )
        if conn.execute("SELECT 1 FROM temp._batch LIMIT 1").fetchone() is None:
            return
        self._count_batch_rows(-1)
        self._add_mention_speakers()  # the speakers of names that are now mentions, before rows name them
        in_batch = "IN (SELECT id FROM temp._batch)"
        changed = "IN (SELECT id FROM temp._changed)"
        for column, name_column in (("speaker_id", "speaker_name_id"), ("addressee_id", "addressee_name_id")):
            conn.execute(
                f"""
                UPDATE quotes SET {column} = c.speaker, {name_column} = nullif(c.name, c.speaker)
                FROM (
                    SELECT q.rowid AS rid, n.id AS name, {_speaker_of("n", "q.document_id")} AS speaker
                    FROM quotes q JOIN extracted_names n ON n.id = coalesce(q.{name_column}, q.{column})
                    WHERE q.document_id {in_batch} AND n.id {changed}
                ) AS c
                WHERE quotes.rowid = c.rid
                """
            )
        conn.execute(
            f"""
            UPDATE chain_links SET speaker_id = c.speaker, name_id = nullif(c.name, c.speaker)
            FROM (
                SELECT l.rowid AS rid, n.id AS name, {_speaker_of("n", "q.document_id")} AS speaker
                FROM quotes q JOIN chain_links l ON l.quote_id = q.id
                JOIN extracted_names n ON n.id = coalesce(l.name_id, l.speaker_id)
                WHERE q.document_id {in_batch} AND n.id {changed}
            ) AS c
            WHERE chain_links.rowid = c.rid
            """
        )
        conn.execute(f"DELETE FROM document_speakers WHERE document_id {in_batch}")
        self._add_document_speakers("_batch")

    def _add_mention_speakers(self) -> None:
        """The untyped speakers of the mentions (names of no entity) of the _batch documents."""
        self.conn.execute(
            f"""
            INSERT OR IGNORE INTO speakers (id, name, type)
            SELECT {_speaker_of("n", "dn.document_id")}, n.name, NULL
            FROM document_names dn JOIN extracted_names n ON n.id = dn.name_id
            WHERE dn.document_id IN (SELECT id FROM temp._batch) AND n.speaker_id IS NULL
            ORDER BY dn.rowid
            """
        )

    def _add_document_speakers(self, documents: str) -> None:
        """The speakers of each document in ``documents`` (a temp table of ids), with the
        descriptions worth showing that the document gives any of their names."""
        where = f"dn.document_id IN (SELECT id FROM temp.{documents})"
        self.conn.execute(
            f"""
            INSERT INTO document_speakers (document_id, speaker_id, descriptions)
            SELECT dn.document_id, {_speaker_of("n", "dn.document_id")} AS speaker, quotes_descriptions(dn.descriptions)
            FROM document_names dn JOIN extracted_names n ON n.id = dn.name_id
            WHERE {where}
            GROUP BY dn.document_id, speaker
            ORDER BY dn.document_id, speaker
            """
        )

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
        """Apply the batch's count deltas and rebuild the touched speakers' descriptions and aliases.

        A speaker exists exactly as long as some stored document mentions it (as speaker,
        addressee or link of a chain): one left with no document is deleted, so replacing or
        merging documents leaves no orphans and the table never depends on history.
        """
        conn = self.conn
        touched = "(SELECT id FROM temp._deltas)"
        conn.execute("DELETE FROM speaker_descriptions WHERE document_count <= 0")
        described: dict[str, list[str]] = {}
        for sid, text in conn.execute(
            f"SELECT speaker_id, description FROM speaker_descriptions WHERE speaker_id IN {touched} "
            "ORDER BY speaker_id, document_count DESC, description"
        ):
            described.setdefault(sid, []).append(text)
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
        # Every name a touched speaker goes by: its extracted names, or a mention's own words.
        conn.execute(f"DELETE FROM speaker_aliases WHERE speaker_id IN {touched}")
        conn.execute(
            f"""
            INSERT INTO speaker_aliases (speaker_id, alias, type, document_count)
            SELECT speaker_id, name, type, document_count FROM extracted_names WHERE speaker_id IN {touched}
            UNION ALL
            SELECT {_speaker_of("n", "dn.document_id")}, n.name, n.type, 1
            FROM document_names dn JOIN extracted_names n ON n.id = dn.name_id
            WHERE dn.document_id IN (SELECT id FROM temp._batch) AND n.speaker_id IS NULL
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
