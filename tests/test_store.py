"""The quotes database: schema, idempotence, replacement, shared speakers, merge, crash safety.

Every article here comes from the real Extractor on the bundled fixtures (the seed article and
fixtures/articles), so the assertions are about what the pipeline really stores.
"""
from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from quotes.records import Article, Document
from quotes.store import Store, merge, paragraph_around

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
DATABASE_DOC = ROOT / "docs" / "database.md"

@pytest.fixture(scope="session")
def extractor():
    import quotes

    return quotes.Extractor()


def seed_document(doc_id: str = "sochi-idlib", text: str | None = None) -> Document:
    text = SEED.read_text(encoding="utf-8") if text is None else text
    return Document(text, id=doc_id, title=text.splitlines()[0], origin=str(SEED))


def fixture_documents() -> list[Document]:
    from quotes.readers import read_inputs

    return [d for d in read_inputs([str(ARTICLES)]) if isinstance(d, Document)]


@pytest.fixture(scope="session")
def seed_article(extractor) -> Article:
    return extractor.extract(SEED.read_text(encoding="utf-8"), doc_id="sochi-idlib")


@pytest.fixture(scope="session")
def corpus(extractor) -> list[Article]:
    """The seed, a shorter second report sharing its speakers, and the other fixture articles."""
    seed_text = SEED.read_text(encoding="utf-8")
    # The second report keeps only the Security Council paragraphs: same envoy, fewer quotes.
    council = "\n\n".join(p for p in seed_text.split("\n\n") if "envoy" in p or "council" in p)
    documents = [seed_document(), seed_document("council-report", council), *fixture_documents()]
    return list(extractor.pipe(documents))


def store_all(path: Path, articles: list[Article], batch_size: int = 64) -> list[str]:
    with Store(path) as store:
        return [status for _, status in store.add_many(articles, batch_size=batch_size)]


def test_seed_article_is_stored_as_the_extractor_found_it(tmp_path, seed_article):
    db = tmp_path / "quotes.db"
    with Store(db) as store:
        assert store.add(seed_article) == "added"
        assert store.summary()["quotes"] == len(seed_article.quotes) >= 8
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    text = conn.execute("SELECT text FROM documents WHERE id = 'sochi-idlib'").fetchone()["text"]
    for row in conn.execute("SELECT * FROM quotes"):
        assert text[row["start"] : row["end"]] == row["text"]
        # The paragraph context holds the quote at the stored offsets.
        para = row["paragraph"]
        assert para[row["paragraph_quote_start"] : row["paragraph_quote_end"]] == row["text"]
        assert text[row["paragraph_start"] :].startswith(para)

    mistura = [q for q in seed_article.quotes if q.speaker == "Staffan de Mistura"]
    speaker = conn.execute("SELECT * FROM speakers WHERE name = 'Staffan de Mistura'").fetchone()
    assert speaker["type"] == "PERSON"
    assert speaker["quote_count"] == len(mistura) >= 3
    entity = seed_article.entity(mistura[0].speaker_key)
    assert set(json.loads(speaker["descriptions"])) == set(entity.descriptions)
    addressees = {
        r[0]
        for r in conn.execute(
            "SELECT a.name FROM quotes q JOIN speakers a ON a.id = q.addressee_id "
            "WHERE q.speaker_id = ?",
            (speaker["id"],),
        )
    }
    assert addressees == {q.addressee for q in mistura if q.addressee}
    assert any("Security Council" in name for name in addressees)

    # "Every quote relayed through Reuters" is one join.
    relayed = conn.execute(
        "SELECT q.text FROM chain_links l JOIN speakers s ON s.id = l.speaker_id "
        "JOIN quotes q ON q.id = l.quote_id WHERE s.name = 'Reuters' AND l.role = 'conduit'"
    ).fetchall()
    expected = [q for q in seed_article.quotes if q.source_chain[:1] == ["Reuters"]]
    assert [r[0] for r in relayed] == [q.text for q in expected]
    assert "swift decisions" in relayed[0][0]
    # quote_view draws the chain with arrows, outermost source first.
    chain = conn.execute(
        "SELECT chain FROM quote_view WHERE quote_id = (SELECT quote_id FROM chain_links l "
        "JOIN speakers s ON s.id = l.speaker_id WHERE s.name = 'Reuters')"
    ).fetchone()[0]
    assert chain == " → ".join(expected[0].source_chain)
    assert chain.startswith("Reuters → ")
    conn.close()


def test_rerun_on_the_same_input_changes_nothing(tmp_path, corpus, db_contents):
    db = tmp_path / "quotes.db"
    assert set(store_all(db, corpus, batch_size=2)) == {"added"}
    first = db_contents(db)
    assert store_all(db, corpus, batch_size=2) == ["unchanged"] * len(corpus)
    assert db_contents(db) == first
    with Store(db) as store:
        assert all(store.is_current(a.document) for a in corpus)
        assert not store.is_current(seed_document(text=SEED.read_text() + "\nMore."))
        assert not store.is_current(dataclasses.replace(corpus[0].document, title="Retitled"))


def test_speakers_are_shared_across_documents(tmp_path, corpus):
    db = tmp_path / "quotes.db"
    store_all(db, corpus)
    expected = sum(q.speaker == "Staffan de Mistura" for a in corpus for q in a.quotes)
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT quote_count, document_count FROM speakers WHERE name = 'Staffan de Mistura'"
    ).fetchall()
    assert rows == [(expected, 2)]
    assert counts_match_rows(db)


def counts_match_rows(path: Path) -> bool:
    """Every speaker's counts and descriptions are what a recount of the rows gives."""
    conn = sqlite3.connect(path)
    try:
        wrong = conn.execute(
            """
            SELECT name FROM speakers s WHERE
                quote_count != (SELECT count(*) FROM quotes WHERE speaker_id = s.id)
                OR addressed_count != (SELECT count(*) FROM quotes WHERE addressee_id = s.id)
                OR relayed_count != (SELECT count(*) FROM chain_links
                                     WHERE speaker_id = s.id AND role = 'conduit')
                OR document_count != (SELECT count(*) FROM document_speakers WHERE speaker_id = s.id)
                OR document_count = 0
            """
        ).fetchall()
        recounted = conn.execute(
            "SELECT ds.speaker_id, d.value, count(*) FROM document_speakers ds, "
            "json_each(ds.descriptions) d GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        kept = conn.execute(
            "SELECT speaker_id, description, document_count FROM speaker_descriptions ORDER BY 1, 2"
        ).fetchall()
        return wrong == [] and recounted == kept
    finally:
        conn.close()


def test_changed_text_replaces_the_documents_quotes(tmp_path, extractor, corpus, db_contents, fts_consistent):
    db = tmp_path / "quotes.db"
    store_all(db, corpus)
    council = next(a for a in corpus if a.id == "council-report")
    # The council report is rewritten without the envoy's last warning.
    new_text = "\n\n".join(p for p in council.text.split("\n\n") if "warned" not in p)
    assert new_text != council.text
    revised = extractor.extract(new_text, doc_id="council-report")
    with Store(db) as store:
        assert store.add(revised) == "updated"
    conn = sqlite3.connect(db)
    stored = conn.execute(
        "SELECT text FROM quotes WHERE document_id = 'council-report' ORDER BY start"
    ).fetchall()
    assert [r[0] for r in stored] == [q.text for q in sorted(revised.quotes, key=lambda q: q.start)]
    assert not any("unfortunate case" in r[0] for r in stored)
    expected = sum(
        q.speaker == "Staffan de Mistura"
        for a in corpus
        if a.id != "council-report"
        for q in a.quotes
    ) + sum(q.speaker == "Staffan de Mistura" for q in revised.quotes)
    assert conn.execute(
        "SELECT quote_count FROM speakers WHERE name = 'Staffan de Mistura'"
    ).fetchone() == (expected,)
    conn.close()
    assert fts_consistent(db) and counts_match_rows(db)
    # The result is exactly what storing the revised corpus from scratch gives.
    fresh = tmp_path / "fresh.db"
    store_all(fresh, [revised if a.id == "council-report" else a for a in corpus])
    assert db_contents(db) == db_contents(fresh)


def test_speakers_without_quotes_left_are_removed(tmp_path, extractor, seed_article, fts_consistent):
    db = tmp_path / "quotes.db"
    with Store(db) as store:
        store.add(seed_article)
        quiet = extractor.extract("The committee met on Tuesday.", doc_id="sochi-idlib")
        assert store.add(quiet) == "updated"
        assert store.summary() == {"documents": 1, "quotes": 0, "speakers": 0, "errors": 0}
    assert fts_consistent(db)


def test_order_of_input_does_not_change_the_database(tmp_path, corpus, db_contents):
    forward, backward = tmp_path / "forward.db", tmp_path / "backward.db"
    store_all(forward, corpus, batch_size=3)
    store_all(backward, corpus[::-1], batch_size=1)
    assert db_contents(forward) == db_contents(backward)


def test_merge_of_shards_equals_a_single_run(tmp_path, corpus, db_contents, fts_consistent):
    single = tmp_path / "single.db"
    store_all(single, corpus)
    shards = [tmp_path / "shard-0.db", tmp_path / "shard-1.db"]
    store_all(shards[0], corpus[0::2])
    store_all(shards[1], corpus[1::2])
    with Store(shards[0]) as store:
        store.record_error("feed.jsonl:7", "not JSON")
    with Store(single) as store:
        store.record_error("feed.jsonl:7", "not JSON")
    merged = tmp_path / "merged.db"
    counts = merge(shards, merged)
    assert counts == {"added": len(corpus)}
    assert db_contents(merged) == db_contents(single)
    assert fts_consistent(merged) and counts_match_rows(merged)
    # Merging again adds nothing.
    assert merge(shards, merged) == {"unchanged": len(corpus)}
    assert db_contents(merged) == db_contents(single)
    with pytest.raises(ValueError):
        merge([merged], merged)


def test_errors_are_recorded_once(tmp_path):
    with Store(tmp_path / "quotes.db") as store:
        store.record_error("bad/latin1.txt", "not UTF-8")
        store.record_error("bad/latin1.txt", "not UTF-8")
        store.record_error("bad/empty.txt", "empty document")
        assert store.summary()["errors"] == 2


def test_database_is_wal_and_readers_do_not_block_the_writer(tmp_path, corpus):
    db = tmp_path / "quotes.db"
    store_all(db, corpus[:1])
    reader = sqlite3.connect(db, timeout=0)
    assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reader.execute("BEGIN")
    before = reader.execute("SELECT count(*) FROM documents").fetchone()
    # A reader holding a snapshot open neither blocks the writer nor sees a half batch.
    assert set(store_all(db, corpus[1:])) == {"added"}
    assert reader.execute("SELECT count(*) FROM documents").fetchone() == before
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM documents").fetchone() == (len(corpus),)
    reader.close()


def test_a_second_writer_waits_for_the_first_instead_of_failing(tmp_path, corpus, fts_consistent):
    """A batch takes the write lock before it reads (BEGIN IMMEDIATE). A deferred transaction that
    had read while another writer held the lock could not wait for it: 'database is locked'."""
    db = tmp_path / "quotes.db"
    store_all(db, corpus[:1])
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO errors (origin, message, added) VALUES ('other', 'writer', 'now')")
    statuses: list[str] = []

    def write() -> None:
        with Store(db) as store:
            statuses.extend(status for _, status in store.add_many(corpus[1:3]))

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.5)
    assert writer.is_alive() and statuses == []  # waiting for the lock
    other.execute("COMMIT")
    other.close()
    writer.join(timeout=60)
    assert statuses == ["added", "added"]
    assert counts_match_rows(db) and fts_consistent(db)


def test_batches_nest_in_a_callers_transaction(tmp_path, corpus, fts_consistent):
    """Inside ``store.db.atomic()`` each batch is a savepoint: the caller's rollback takes it back."""
    db = tmp_path / "quotes.db"
    with Store(db) as store:
        with pytest.raises(RuntimeError):
            with store.db.atomic():
                assert store.add(corpus[0]) == "added"
                assert store.summary()["documents"] == 1
                raise RuntimeError("the caller changes its mind")
        assert store.summary() == {"documents": 0, "quotes": 0, "speakers": 0, "errors": 0}
        with store.db.atomic():
            assert [s for _, s in store.add_many(corpus[:2], batch_size=1)] == ["added", "added"]
        assert store.summary()["documents"] == 2
    assert counts_match_rows(db) and fts_consistent(db)


KILLED_WRITER = textwrap.dedent(
    """
    import pickle, sys, time
    from quotes.store import Store, writer

    articles = pickle.load(open(sys.argv[2], "rb"))
    store = Store(sys.argv[1])
    first, rest = articles[:2], articles[2:]
    for _ in store.add_many(first, batch_size=2):
        pass
    refresh = writer.refresh_speakers

    def refresh_then_stall(conn):
        refresh(conn)
        if conn.in_transaction and store.summary()["documents"] > len(first):
            # Inside the second batch: its documents, quotes and speakers are all written.
            print("mid-batch", flush=True)
            time.sleep(600)

    writer.refresh_speakers = refresh_then_stall  # the name the writer calls it by
    for _ in store.add_many(rest, batch_size=len(rest)):
        pass
    """
)


def test_a_killed_writer_leaves_whole_documents_and_a_rerun_completes(tmp_path, corpus, db_contents, fts_consistent):
    db = tmp_path / "quotes.db"
    pickled = tmp_path / "articles.pickle"
    pickled.write_bytes(pickle.dumps(corpus))
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(db), str(pickled)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert writer.stdout.readline().strip() == "mid-batch"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    with Store(db) as store:
        assert store.summary()["documents"] == 2
        assert store.summary()["quotes"] == sum(len(a.quotes) for a in corpus[:2])
        assert [s for _, s in store.add_many(corpus)] == ["unchanged"] * 2 + ["added"] * (len(corpus) - 2)
    uninterrupted = tmp_path / "uninterrupted.db"
    store_all(uninterrupted, corpus)
    assert db_contents(db) == db_contents(uninterrupted)
    assert fts_consistent(db) and counts_match_rows(db)


def test_paragraph_is_the_line_holding_the_quote():
    text = "Title\n\n  He said “yes” today.  \nNext line."
    start = text.index("yes")
    para_start, para_end = paragraph_around(text, start, start + 3)
    assert text[para_start:para_end] == "He said “yes” today."
    # A quote running over a line break takes both lines.
    start = text.index("today")
    para_start, para_end = paragraph_around(text, start, text.index("Next") + 4)
    assert text[para_start:para_end] == "He said “yes” today.  \nNext line."


def sql_examples(path: Path) -> list[str]:
    """The ```sql blocks under "SQL examples" in a document."""
    doc = path.read_text(encoding="utf-8")
    section = doc.split("## SQL examples", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


@pytest.mark.parametrize("document", [DATABASE_DOC, ROOT / "README.md"], ids=["database.md", "README.md"])
def test_docs_sql_examples_run_and_find_the_seed_quotes(tmp_path, corpus, document):
    examples = sql_examples(document)
    assert 3 <= len(examples) <= 5
    db = tmp_path / "quotes.db"
    store_all(db, corpus)
    conn = sqlite3.connect(db)
    for sql in examples:
        rows = conn.execute(sql).fetchall()
        assert rows, f"no rows from the documented example:\n{sql}"
    conn.close()
