"""The speaker side of a batch, in SQL: which speaker each stored name is, and what each
document counts for its speakers.

:class:`.writer.Store` moves a batch's rows in; these steps, run inside the same transaction,
keep the speakers in step with them:

* :func:`count_names` counts the documents that use each extracted name and marks the identity
  blocks (:mod:`.identity`) the batch touches; :func:`identify_blocks` identifies those blocks
  again and :func:`reassign` moves the stored documents whose names now mean another speaker
  over to it; :func:`identify_all` does it for every stored name (new rules, new aliases);
* :func:`count_batch_rows` adds (or, before a document is replaced, subtracts) what the
  documents in ``temp._batch`` count for their speakers, and :func:`refresh_speakers` applies
  those deltas, rebuilds the touched speakers' descriptions and aliases, and deletes a speaker
  no document names any more.

Speaker aggregates are sums over documents, so adding and subtracting each document's share
gives the same totals in any order. The steps share the connection's TEMP tables (created by
the Store): ``_batch`` (the documents being counted), ``_new`` (those being written), ``_keys``
(identity blocks to revisit), ``_changed`` (names identified anew), ``_deltas`` and
``_descriptions``.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from .descriptions import description
from .identity import Aliases, NameRow, identify
from .rows import speaker_id


# The speaker an extracted name ``n`` is in document ``d``: the one it is identified as, or, for a
# mention (no entity), the untyped speaker of that document alone.
def speaker_of(n: str, document: str) -> str:
    return f"coalesce({n}.speaker_id, quotes_speaker_id({n}.name, NULL, {document}))"


class DescriptionUnion:
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


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions these steps use: ``quotes_speaker_id`` and ``quotes_descriptions``."""
    conn.create_function("quotes_speaker_id", 3, speaker_id, deterministic=True)
    conn.create_aggregate("quotes_descriptions", 1, DescriptionUnion)


def mark_documents(conn: sqlite3.Connection, document_ids: Iterable[str]) -> None:
    """Fill temp._batch with the ids of the documents this batch (re)writes."""
    conn.execute("DELETE FROM temp._batch")
    conn.executemany("INSERT OR IGNORE INTO temp._batch (id) VALUES (?)", ((i,) for i in document_ids))


def count_names(conn: sqlite3.Connection, sign: int) -> None:
    """Add ``sign`` to the document counts of the names the _batch documents use, and mark
    their identity blocks to be revisited."""
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


def identify_blocks(conn: sqlite3.Connection, aliases: Aliases) -> None:
    """Identify again the names of the blocks in _keys; those whose speaker changes go to
    _changed, and the speakers they are now identified as are created."""
    rows = conn.execute(
        "SELECT id, name, type, document_count, speaker_id FROM extracted_names "
        "WHERE key IN (SELECT key FROM temp._keys)"
    ).fetchall()
    conn.execute("DELETE FROM temp._keys")
    if not rows:
        return
    found = identify((NameRow(i, name, type_, count) for i, name, type_, count, _ in rows), aliases)
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


def identify_all(conn: sqlite3.Connection, aliases: Aliases, every_document: bool = True) -> None:
    """Identify every stored name again (new rules, new aliases, an upgraded database).

    With ``every_document`` (new rules: the descriptions worth showing may differ too) every
    document is re-counted, else only those whose names are identified anew (new aliases)."""
    rows = conn.execute("SELECT id, name, type, key, speaker_id FROM extracted_names").fetchall()
    keys = {}
    for name_id, name, type_, key, _ in rows:
        keys[name_id] = aliases.analyze(name, type_).key
    conn.executemany("UPDATE extracted_names SET key = ? WHERE id = ?",
                     [(keys[i], i) for i, _, _, key, _ in rows if keys[i] != key])
    conn.execute("DELETE FROM temp._keys")
    conn.executemany("INSERT OR IGNORE INTO temp._keys (key) VALUES (?)",
                     [(k,) for k in sorted({k for k in keys.values() if k is not None})])
    mentions = [(i,) for i, _, _, _, stored in rows if keys[i] is None and stored is not None]
    conn.executemany("UPDATE extracted_names SET speaker_id = NULL WHERE id = ?", mentions)
    conn.executemany("INSERT OR IGNORE INTO temp._changed (id) VALUES (?)", mentions)
    conn.execute("DELETE FROM temp._new")
    identify_blocks(conn, aliases)
    reassign(conn, every_document)
    count_batch_rows(conn, +1)
    conn.execute("DELETE FROM temp._changed")
    refresh_speakers(conn)


def reassign(conn: sqlite3.Connection, every_document: bool = False) -> None:
    """Re-count the stored documents (not of this batch) that use a name in _changed, or
    ``every_document``, under the speakers their names are now identified as, rebuilding
    their document speakers (descriptions filtered anew). Leaves them in _batch."""
    mark_documents(conn, ())
    conn.execute(
        "INSERT OR IGNORE INTO temp._batch (id) SELECT id FROM documents" if every_document else
        "INSERT OR IGNORE INTO temp._batch (id) SELECT DISTINCT document_id FROM document_names "
        "WHERE name_id IN (SELECT id FROM temp._changed) AND document_id NOT IN (SELECT id FROM temp._new)"
    )
    if conn.execute("SELECT 1 FROM temp._batch LIMIT 1").fetchone() is None:
        return
    count_batch_rows(conn, -1)
    add_mention_speakers(conn)  # the speakers of names that are now mentions, before rows name them
    in_batch = "IN (SELECT id FROM temp._batch)"
    changed = "IN (SELECT id FROM temp._changed)"
    for column, name_column in (("speaker_id", "speaker_name_id"), ("addressee_id", "addressee_name_id")):
        conn.execute(
            f"""
            UPDATE quotes SET {column} = c.speaker, {name_column} = nullif(c.name, c.speaker)
            FROM (
                SELECT q.rowid AS rid, n.id AS name, {speaker_of("n", "q.document_id")} AS speaker
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
            SELECT l.rowid AS rid, n.id AS name, {speaker_of("n", "q.document_id")} AS speaker
            FROM quotes q JOIN chain_links l ON l.quote_id = q.id
            JOIN extracted_names n ON n.id = coalesce(l.name_id, l.speaker_id)
            WHERE q.document_id {in_batch} AND n.id {changed}
        ) AS c
        WHERE chain_links.rowid = c.rid
        """
    )
    conn.execute(f"DELETE FROM document_speakers WHERE document_id {in_batch}")
    add_document_speakers(conn, "_batch")


def add_mention_speakers(conn: sqlite3.Connection) -> None:
    """The untyped speakers of the mentions (names of no entity) of the _batch documents."""
    conn.execute(
        f"""
        INSERT OR IGNORE INTO speakers (id, name, type)
        SELECT {speaker_of("n", "dn.document_id")}, n.name, NULL
        FROM document_names dn JOIN extracted_names n ON n.id = dn.name_id
        WHERE dn.document_id IN (SELECT id FROM temp._batch) AND n.speaker_id IS NULL
        ORDER BY dn.rowid
        """
    )


def add_document_speakers(conn: sqlite3.Connection, documents: str) -> None:
    """The speakers of each document in ``documents`` (a temp table of ids), with the
    descriptions worth showing that the document gives any of their names."""
    where = f"dn.document_id IN (SELECT id FROM temp.{documents})"
    conn.execute(
        f"""
        INSERT INTO document_speakers (document_id, speaker_id, descriptions)
        SELECT dn.document_id, {speaker_of("n", "dn.document_id")} AS speaker, quotes_descriptions(dn.descriptions)
        FROM document_names dn JOIN extracted_names n ON n.id = dn.name_id
        WHERE {where}
        GROUP BY dn.document_id, speaker
        ORDER BY dn.document_id, speaker
        """
    )


def count_batch_rows(conn: sqlite3.Connection, sign: int) -> None:
    """Add ``sign`` times the speaker counts of the _batch documents' rows to the deltas.

    Counts are sums over documents, so adding and subtracting them per document gives the
    same totals in any order, without recounting a popular speaker's every quote per batch.
    """
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


def refresh_speakers(conn: sqlite3.Connection) -> None:
    """Apply the batch's count deltas and rebuild the touched speakers' descriptions and aliases.

    A speaker exists exactly as long as some stored document mentions it (as speaker,
    addressee or link of a chain): one left with no document is deleted, so replacing or
    merging documents leaves no orphans and the table never depends on history.
    """
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
        SELECT {speaker_of("n", "dn.document_id")}, n.name, n.type, 1
        FROM document_names dn JOIN extracted_names n ON n.id = dn.name_id
        WHERE dn.document_id IN (SELECT id FROM temp._batch) AND n.speaker_id IS NULL
        """
    )
    conn.execute(
        f"DELETE FROM speakers WHERE id IN {touched} AND document_count <= 0"
    )
    conn.execute("DELETE FROM temp._deltas")
