"""Databases written by earlier versions open, and are upgraded in place, with nothing lost.

``fixtures/db/*.sql`` are SQL dumps of databases made by the released code (how each was made is
in its header): quotes 0.1.0 (schema version 1), the code just before the schema became
sqlite-utils migrations (schema version 2, with a document's failure in ``errors``) and the code
just before speaker identity (schema version 3, one speaker per extracted name) and the code
just before speaker confidence (schema version 4). Each test loads a
dump into a fresh file and opens it with today's Store.

Run as a script, this module writes such a dump:
``python3 tests/test_migrations.py OLD.db fixtures/db/NAME.sql < header.txt``.
"""
from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RELEASE_0_1_0 = FIXTURES / "db" / "quotes-0.1.0.sql"
SCHEMA_2 = FIXTURES / "db" / "quotes-schema-2.sql"
SCHEMA_3 = FIXTURES / "db" / "quotes-schema-3.sql"
SCHEMA_4 = FIXTURES / "db" / "quotes-schema-4.sql"
IDENTITY_TABLES = {
    "extracted_names": ("id", "name", "type", "key", "speaker_id", "document_count"),
    "document_names": ("document_id", "name_id", "descriptions"),
    "speaker_aliases": ("speaker_id", "alias", "type", "document_count"),
    "store_settings": ("key", "value"),
}
# What both databases were made from (paths from the repository root).
INPUTS = ["fixtures/sochi-idlib-article.txt", "fixtures/articles", "fixtures/bad"]
ERRORS_0_1_0 = ("origin", "message", "added")


def write_sql_dump(db: Path, out: Path, header: str) -> None:
    """``db`` as SQL text (sqlite3's iterdump) that :func:`load_sql_dump` loads back.

    iterdump leaves out ``PRAGMA user_version`` (written first here), and it also dumps the rows
    of FTS5 virtual tables, which cannot be inserted back: those are left out (an external-content
    FTS table reads its rows from its content table; its index is in the dumped shadow tables).
    """
    conn = sqlite3.connect(db)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        virtual = [name for name, sql in conn.execute("SELECT name, sql FROM sqlite_master")
                   if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
        skip = tuple(f'INSERT INTO "{name}" VALUES(' for name in virtual)
        with open(out, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(f"-- {line}".rstrip() + "\n" for line in header.strip("\n").splitlines())
            f.write(f"PRAGMA user_version = {version};\n")
            f.writelines(statement + "\n" for statement in conn.iterdump() if not statement.startswith(skip))
    finally:
        conn.close()


def load_sql_dump(dump: Path, db: Path) -> Path:
    conn = sqlite3.connect(db)
    try:
        conn.executescript(dump.read_text(encoding="utf-8"))
    finally:
        conn.close()
    return db


def rows(db: Path, table: str, columns: tuple[str, ...] | None = None) -> list[tuple]:
    """Every row of ``table`` with its rowid, timestamps included, in rowid order."""
    conn = sqlite3.connect(db)
    try:
        names = columns or [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        select = ", ".join(f'"{c}"' for c in names)
        return conn.execute(f'SELECT rowid, {select} FROM "{table}" ORDER BY rowid').fetchall()
    finally:
        conn.close()


def tables(db: Path) -> dict[str, tuple[str, ...]]:
    """The ordinary tables (no FTS) and their columns."""
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'")]
        return {n: tuple(r[1] for r in conn.execute(f'PRAGMA table_info("{n}")')) for n in names}
    finally:
        conn.close()


def schema(db: Path) -> list[tuple]:
    """Every schema object with the text of its DDL, and the schema version."""
    conn = sqlite3.connect(db)
    try:
        objects = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2").fetchall()
        return [("user_version", conn.execute("PRAGMA user_version").fetchone()[0]), *objects]
    finally:
        conn.close()


def rootpages(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type IN ('table', 'index')"))
    finally:
        conn.close()


def open_is_a_no_op(db: Path) -> bool:
    """Opening a Store commits nothing: another connection's ``data_version`` stays the same.

    (Looked at before ``close()``, whose WAL checkpoint changes it whatever was written.)
    """
    from quotes.store import Store

    watcher = sqlite3.connect(db)
    try:
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        store = Store(db)
        try:
            return watcher.execute("PRAGMA data_version").fetchone()[0] == before
        finally:
            store.close()
    finally:
        watcher.close()


@pytest.fixture(scope="module")
def fixture_articles(extractor):
    """The documents both dumps were made from, as the extractor sees them today."""
    from quotes.readers import read_inputs
    from quotes.records import Document

    documents = [d for d in read_inputs([str(ROOT / i) for i in INPUTS]) if isinstance(d, Document)]
    return list(extractor.pipe(documents))


def test_a_0_1_0_database_is_upgraded_in_place_with_nothing_lost(tmp_path, db_contents, fts_consistent):
    from quotes.store import SCHEMA_VERSION, Store
    from quotes.store.rows import CHAIN_LINK_COLUMNS, ERROR_COLUMNS, QUOTE_COLUMNS

    db = load_sql_dump(RELEASE_0_1_0, tmp_path / "quotes.db")
    assert schema(db)[0] == ("user_version", 1)
    old_tables, old_pages = tables(db), rootpages(db)
    assert old_tables["errors"] == ERRORS_0_1_0
    old_rows = {table: rows(db, table) for table in old_tables}
    old_contents = db_contents(db)
    assert old_rows["documents"] and old_rows["quotes"] and old_rows["errors"]

    Store(db).close()

    assert schema(db)[0] == ("user_version", SCHEMA_VERSION)
    assert tables(db) == {**old_tables, "errors": ERROR_COLUMNS, "quotes": QUOTE_COLUMNS,
                          "chain_links": CHAIN_LINK_COLUMNS, **IDENTITY_TABLES}
    # Every document and error is still there, timestamps and rowids too; errors has four more
    # columns, empty. Quotes and chain links keep every value but their speaker's id, which is now
    # the speaker the extracted name is identified as: the name is kept (its own id, when it differs).
    for table in ("documents", "errors"):
        assert rows(db, table, old_tables[table]) == old_rows[table], table
    assert {r[len(ERRORS_0_1_0) + 1:] for r in rows(db, "errors")} == {(None,) * 4}
    assert names_as_extracted(db) == names_as_extracted_0_1_0(old_rows, old_tables)
    assert {r[1:] for r in rows(db, "extracted_names", ("id", "name", "type"))} >= {
        r[1:4] for r in old_rows["speakers"]}
    # Only the errors table was rebuilt: the other tables and their indexes were not rewritten.
    new_pages = rootpages(db)
    assert {n: p for n, p in new_pages.items() if "errors" not in n and n in old_pages} == {
        n: p for n, p in old_pages.items() if "errors" not in n}
    # Full-text search finds what it found (db_contents compares searches too).
    assert {k: v for k, v in db_contents(db).items() if k.startswith("search:")} == {
        k: v for k, v in old_contents.items() if k.startswith("search:")}
    assert fts_consistent(db)
    assert open_is_a_no_op(db)


def names_as_extracted(db: Path) -> dict[str, list]:
    """Each quote's and chain link's extracted names, and each document's names with their
    descriptions, from a database of schema 4."""
    conn = sqlite3.connect(db)
    try:
        return {
            "quotes": conn.execute(
                "SELECT id, coalesce(speaker_name_id, speaker_id), coalesce(addressee_name_id, addressee_id), text "
                "FROM quotes ORDER BY id").fetchall(),
            "chain_links": conn.execute(
                "SELECT quote_id, position, coalesce(name_id, speaker_id), role, cue FROM chain_links "
                "ORDER BY quote_id, position").fetchall(),
            "document_names": conn.execute(
                "SELECT document_id, name_id, descriptions FROM document_names ORDER BY 1, 2").fetchall(),
        }
    finally:
        conn.close()


def names_as_extracted_0_1_0(old_rows: dict, old_tables: dict) -> dict[str, list]:
    """The same, from the rows of a database of schema 1 to 3: one speaker per extracted name."""
    def column(table: str, row: tuple, name: str):
        return row[1 + old_tables[table].index(name)]

    return {
        "quotes": sorted((column("quotes", r, "id"), column("quotes", r, "speaker_id"),
                          column("quotes", r, "addressee_id"), column("quotes", r, "text")) for r in old_rows["quotes"]),
        "chain_links": sorted(tuple(column("chain_links", r, c) for c in ("quote_id", "position", "speaker_id", "role", "cue"))
                              for r in old_rows["chain_links"]),
        "document_names": sorted(tuple(column("document_speakers", r, c) for c in ("document_id", "speaker_id", "descriptions"))
                                 for r in old_rows["document_speakers"]),
    }


def test_a_schema_3_database_is_upgraded_and_its_speakers_identified_with_nothing_lost(
        tmp_path, db_contents, fts_consistent):
    """A database of one speaker per extracted name: every name, quote and description is kept as
    extracted, the speakers are identified across articles, and the result is what merging the
    same database into a new one gives (which stores its rows as ``add`` would)."""
    from quotes.store import SCHEMA_VERSION, Store, merge

    db = load_sql_dump(SCHEMA_3, tmp_path / "quotes.db")
    assert schema(db)[0] == ("user_version", 3)
    old_tables, old_pages = tables(db), rootpages(db)
    old_rows = {table: rows(db, table) for table in old_tables}
    old_contents = db_contents(db)
    names = {r[1]: r[2] for r in old_rows["speakers"]}  # id -> name
    assert {"Harold J. Whitcombe", "Harold Whitcombe", "Whitcombe", "Officials", "Lakeside Herald", "Herald"} <= set(
        names.values())

    Store(db).close()

    assert schema(db)[0] == ("user_version", SCHEMA_VERSION)
    assert names_as_extracted(db) == names_as_extracted_0_1_0(old_rows, old_tables)
    for table in ("documents", "errors"):
        assert rows(db, table) == old_rows[table], table
    # No table of schema 3 was rewritten (the quotes that changed speaker were updated in place).
    assert {n: p for n, p in rootpages(db).items() if n in old_pages} == old_pages
    assert {k: v for k, v in db_contents(db).items() if k.startswith("search:")} == {
        k: v for k, v in old_contents.items() if k.startswith("search:")}
    conn = sqlite3.connect(db)
    speakers = dict(conn.execute("SELECT name, quote_count FROM speakers WHERE type IS NOT NULL"))
    aliases = {a for (a,) in conn.execute(
        "SELECT alias FROM speaker_aliases a JOIN speakers s ON s.id = a.speaker_id WHERE s.name = 'Harold Whitcombe'")}
    officials = conn.execute("SELECT type, document_count FROM speakers WHERE name = 'Officials'").fetchall()
    herald = dict(conn.execute(
        "SELECT a.alias, s.name FROM speaker_aliases a JOIN speakers s ON s.id = a.speaker_id WHERE a.alias LIKE '%Herald'"))
    conn.close()
    assert aliases == {"Harold J. Whitcombe", "Harold Whitcombe", "Whitcombe"}
    assert speakers["Harold Whitcombe"] == sum(1 for r in old_rows["quotes"] if names.get(r[10]) in aliases)
    assert not {"Harold J. Whitcombe", "Whitcombe"} & set(speakers)
    assert len(officials) >= 2 and set(officials) == {(None, 1)}  # a description: one untyped speaker per article
    assert herald == {"Lakeside Herald": "Lakeside Herald", "Herald": "Lakeside Herald"}
    assert fts_consistent(db) and open_is_a_no_op(db)
    merged = tmp_path / "merged.db"
    merge([load_sql_dump(SCHEMA_3, tmp_path / "shard.db")], merged)
    assert db_contents(merged) == db_contents(db)


def test_upgraded_and_new_databases_have_the_schema_of_the_last_release(tmp_path):
    """Schema text and all: a new database is what the code before migrations made (the schema-2
    dump); an upgraded 0.1.0 database is the same."""
    from quotes.store import Store

    new = tmp_path / "new.db"
    Store(new).close()
    released = load_sql_dump(SCHEMA_2, tmp_path / "schema-2.db")
    Store(released).close()
    upgraded = load_sql_dump(RELEASE_0_1_0, tmp_path / "upgraded.db")
    Store(upgraded).close()
    identified = load_sql_dump(SCHEMA_3, tmp_path / "schema-3.db")
    Store(identified).close()
    assert schema(new) == schema(released) == schema(upgraded) == schema(identified)
    assert "_sqlite_migrations" not in tables(new)  # the record is user_version
    assert open_is_a_no_op(new)


def test_adding_the_same_documents_to_an_upgraded_database_finds_them_unchanged(
        tmp_path, fixture_articles, db_contents):
    from quotes.store import Store

    db = load_sql_dump(RELEASE_0_1_0, tmp_path / "quotes.db")
    with Store(db) as store:
        before = db_contents(db)
        assert all(store.is_current(a.document) for a in fixture_articles)
        statuses = [s for _, s in store.add_many(fixture_articles, batch_size=4)]
    assert statuses == ["unchanged"] * len(fixture_articles)
    assert db_contents(db) == before


def test_a_schema_2_database_opens_unchanged_and_its_failed_documents_can_be_stored(
        tmp_path, fixture_articles, db_contents, fts_consistent):
    """The schema-2 dump holds two documents that failed (injected fault): storing them now adds
    them and clears their error rows; every other document is unchanged."""
    from quotes.store import Store

    db = load_sql_dump(SCHEMA_2, tmp_path / "quotes.db")
    failed = {r[-1] for r in rows(db, "errors", ("document_id",)) if r[-1]}
    assert failed == {"harbor-ferry-fares", "turkish"}
    with Store(db) as store:
        before = db_contents(db)
        statuses = {a.id: s for a, s in store.add_many(fixture_articles, batch_size=4)}
    assert {i for i, s in statuses.items() if s == "added"} == failed
    assert {s for i, s in statuses.items() if i not in failed} == {"unchanged"}
    after = db_contents(db)
    assert not {r[-1] for r in rows(db, "errors", ("document_id",))} & failed
    assert {r[0] for r in after["documents"]} == {r[0] for r in before["documents"]} | failed
    assert fts_consistent(db) and open_is_a_no_op(db)


def test_a_0_1_0_shard_merges_as_its_upgrade_would(tmp_path, db_contents):
    """merge reads a source as it is, without upgrading it; its errors keep their three columns
    and the merged rows leave the four new ones empty."""
    from quotes.store import Store, merge

    shard = load_sql_dump(RELEASE_0_1_0, tmp_path / "shard.db")
    shard_schema = schema(shard)
    upgraded = load_sql_dump(RELEASE_0_1_0, tmp_path / "upgraded.db")
    Store(upgraded).close()
    merged = tmp_path / "merged.db"
    assert merge([shard], merged) == {"added": len(rows(shard, "documents"))}
    assert schema(shard) == shard_schema
    assert db_contents(merged) == db_contents(upgraded)


def test_a_failed_upgrade_leaves_the_database_as_it_was(tmp_path, db_contents):
    from quotes.store import SCHEMA_VERSION, Store

    db = load_sql_dump(RELEASE_0_1_0, tmp_path / "quotes.db")
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE _errors_0_1_0 (x)")  # in the way of the errors rebuild
    conn.commit()
    conn.close()
    before_schema, before = schema(db), db_contents(db)
    with pytest.raises(sqlite3.OperationalError, match="_errors_0_1_0"):
        Store(db)
    assert schema(db) == before_schema and db_contents(db) == before
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE _errors_0_1_0")
    conn.commit()
    conn.close()
    Store(db).close()
    assert schema(db)[0] == ("user_version", SCHEMA_VERSION)


def test_two_processes_creating_one_database_at_once_both_succeed(tmp_path):
    """The migrations run under BEGIN IMMEDIATE: the second opener waits, then finds them applied.

    Switching a new file to WAL is the other race (SQLite does not wait for that lock itself):
    it lost about one round in twenty, so the test runs twenty rounds.
    """
    from quotes.store import SCHEMA_VERSION, Store

    for round_number in range(20):
        db = tmp_path / f"quotes-{round_number}.db"
        start, errors = threading.Barrier(3), []

        def open_store() -> None:
            start.wait()
            try:
                Store(db).close()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        openers = [threading.Thread(target=open_store) for _ in range(3)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(timeout=60)
        assert errors == [], f"round {round_number}"
        assert schema(db)[0] == ("user_version", SCHEMA_VERSION)


def test_a_dropped_view_or_search_index_is_made_again(tmp_path, db_contents, fts_consistent):
    from quotes.store import Store

    db = load_sql_dump(SCHEMA_2, tmp_path / "quotes.db")
    Store(db).close()  # brought to the current schema first
    expected_schema, expected = schema(db), db_contents(db)
    conn = sqlite3.connect(db)
    conn.executescript("DROP VIEW quote_view; DROP TABLE quotes_fts;")  # its triggers stay behind
    conn.close()
    Store(db).close()
    assert schema(db) == expected_schema and db_contents(db) == expected
    assert fts_consistent(db)


if __name__ == "__main__":
    write_sql_dump(Path(sys.argv[1]), Path(sys.argv[2]), sys.stdin.read())


def test_a_schema_4_database_gains_speaker_confidence_with_nothing_rewritten(
        tmp_path, db_contents, fts_consistent):
    """The column is added in place: every row is kept as it was, the old quotes have no
    confidence (no one scored them), quote_view shows it, and new quotes get one."""
    from quotes.store import SCHEMA_VERSION, Store, merge

    db = load_sql_dump(SCHEMA_4, tmp_path / "quotes.db")
    assert schema(db)[0] == ("user_version", 4)
    old_tables, old_pages = tables(db), rootpages(db)
    old_rows = {table: rows(db, table) for table in old_tables}

    Store(db).close()

    assert schema(db)[0] == ("user_version", SCHEMA_VERSION)
    assert rootpages(db) == {n: p for n, p in old_pages.items()} | {
        n: p for n, p in rootpages(db).items() if n not in old_pages}  # no table copied
    for table in old_tables:
        if table != "quotes":
            assert rows(db, table) == old_rows[table], table
    assert [r[:-1] for r in rows(db, "quotes")] == old_rows["quotes"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM quote_view WHERE speaker_confidence IS NULL").fetchone()[0] == len(
        old_rows["quotes"])
    conn.close()
    assert fts_consistent(db) and open_is_a_no_op(db)
    merged = tmp_path / "merged.db"
    merge([load_sql_dump(SCHEMA_4, tmp_path / "shard.db")], merged)
    assert db_contents(merged) == db_contents(db)


def test_new_quotes_carry_their_speaker_confidence(tmp_path):
    from quotes import Extractor
    from quotes.store import Store

    article = Extractor().extract('"Prices will rise," said Helen Marsh, a trader.', doc_id="confidence")
    with Store(tmp_path / "quotes.db") as store:
        store.add(article)
    conn = sqlite3.connect(tmp_path / "quotes.db")
    (confidence,) = conn.execute("SELECT speaker_confidence FROM quotes").fetchone()
    conn.close()
    assert confidence == article.quotes[0].speaker_confidence and 0 < confidence <= 1
