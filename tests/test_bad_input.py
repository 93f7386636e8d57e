"""One batch mixing every kind of bad input with good articles, through the real CLI into SQLite.

Nothing may crash: each bad input gets an ``error: ORIGIN: MESSAGE`` line naming the file (and
line), lands in the ``errors`` table, and every good document is stored with quote offsets that
index its stored text. The batch runs once (module fixture); the tests read its results.

Very long texts (5 MB, and a 200,000-character line without punctuation, which alone takes
spaCy several seconds) run in a batch of their own, marked slow.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quotes.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
BAD = ROOT / "fixtures" / "bad"

FIVE_MB = 5 * 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + bytes(40)


def five_megabyte_text() -> str:
    """A 5 MB document with quotes at its start, middle and end.

    The padding is spaces because extraction costs time per token: five megabytes of prose would
    take many minutes (throughput is measured in benchmarks/); this checks the size limits, the
    pieces a long text is parsed in, and offsets far past spaCy's one-million-character limit.
    """
    para = "\u201cWe are close to a deal,\u201d the minister told reporters on Friday.\n\n"
    pad = (FIVE_MB - 3 * len(para)) // 2
    return para + " " * pad + para + " " * (FIVE_MB - 3 * len(para) - pad) + para


@dataclass
class Batch:
    result: Result
    db: Path
    generated: Path
    unsupported: Path
    missing: Path

    def rows(self, sql: str) -> list[tuple]:
        return rows(self.db, sql)


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def build_generated(folder: Path) -> None:
    folder.mkdir()
    (folder / "photo.txt").write_bytes(PNG)
    (folder / "latin1-report.txt").write_bytes("The caf\u00e9 owner said \u00abnever\u00bb.".encode("latin-1"))
    (folder / "utf16le.txt").write_bytes("\ufeff\u201cWe are ready,\u201d Ay\u015fe Y\u0131lmaz said.".encode("utf-16-le"))
    (folder / "image.png").write_bytes(PNG)  # unsupported extension inside a folder: skipped
    lines = [
        json.dumps({"id": "gen-ok", "text": "\u201cThe trains will run,\u201d the operator said."}),
        json.dumps({"id": "gen-list-text", "text": ["not", "a", "string"]}),
        json.dumps({"id": "gen-blank", "text": ""}),
    ]
    (folder / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    base = tmp_path_factory.mktemp("bad-batch")
    generated = base / "generated"
    build_generated(generated)
    unsupported = base / "slides.pptx"
    unsupported.write_bytes(b"PK\x03\x04" + bytes(20))
    missing = base / "no-such-file.txt"
    db = base / "batch.db"
    args = [str(SEED), str(ARTICLES), str(BAD), str(generated), str(unsupported), str(missing), "--db", str(db),
            "--batch-size", "4"]
    result = CliRunner().invoke(cli, ["extract", *args], catch_exceptions=False)
    return Batch(result, db, generated, unsupported, missing)


def expected_errors(batch: Batch) -> dict[str, str]:
    """origin -> start of the message, for every bad input in the batch."""
    g = batch.generated
    return {
        f"{BAD / 'broken.jsonl'}:2": "not valid JSON",
        f"{BAD / 'broken.jsonl'}:3": 'JSON object has no "text"',
        f"{BAD / 'broken.jsonl'}:4": '"text" must be a string',
        str(BAD / "empty.txt"): "empty file",
        str(BAD / "latin1.txt"): "not valid UTF-8: byte 0xE9 at byte offset 7",
        str(BAD / "script-only.html"): "no article text found",
        str(BAD / "whitespace.txt"): "file holds only whitespace",
        str(g / "latin1-report.txt"): "not valid UTF-8: byte 0xE9 at byte offset 7",
        f"{g / 'more.jsonl'}:2": '"text" must be a string, got an array',
        f"{g / 'more.jsonl'}:3": "empty text",
        str(g / "photo.txt"): "binary file (PNG image)",
        str(batch.unsupported): "unsupported file type '.pptx'",
        str(batch.missing): "no such file or directory",
    }


GOOD_IDS = {
    "sochi-idlib-article", "wheat-harvest-2024", "bridge-inspection", "harbor-ferry-fares", "museum-reopening",
    "broken-ok-1", "broken-ok-2", "cyrillic", "nested-quotes", "quote-marks-only", "rtl", "turkish", "utf16-bom",
    "utf16le", "gen-ok",
}


def test_batch_finishes_with_exit_status_1_and_a_summary(batch: Batch) -> None:
    stderr = batch.result.stderr
    assert batch.result.exit_code == 1, stderr
    n_errors = len(expected_errors(batch))
    assert re.search(rf"^done: {len(GOOD_IDS)} documents read \({len(GOOD_IDS)} added\); \d+ quotes, \d+ speakers; "
                     rf"{n_errors} errors$", stderr, re.M), stderr
    assert re.search(rf"^database: {len(GOOD_IDS)} documents, \d+ quotes, \d+ speakers, {n_errors} errors$", stderr, re.M)


def test_each_bad_input_has_one_error_line_naming_file_and_line(batch: Batch) -> None:
    lines = [line for line in batch.result.stderr.splitlines() if line.startswith("error: ")]
    expected = expected_errors(batch)
    assert len(lines) == len(expected)
    for origin, message in expected.items():
        assert any(line.startswith(f"error: {origin}: {message}") for line in lines), (origin, lines)


def test_unsupported_files_in_folders_are_skipped_with_one_note(batch: Batch) -> None:
    notes = [line for line in batch.result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2
    assert any(str(BAD) in n and "skipped 1 file" in n and ".csv" in n for n in notes)
    assert any(str(batch.generated) in n and "skipped 1 file" in n and ".png" in n for n in notes)


def test_bad_inputs_are_recorded_in_the_errors_table(batch: Batch) -> None:
    recorded = dict(batch.rows("SELECT origin, message FROM errors"))
    expected = expected_errors(batch)
    assert set(recorded) == set(expected)
    assert all(recorded[origin].startswith(message) for origin, message in expected.items())


def test_all_good_documents_are_stored_with_their_text_unaltered(batch: Batch) -> None:
    stored = dict(batch.rows("SELECT id, text FROM documents"))
    assert set(stored) == GOOD_IDS
    assert stored["sochi-idlib-article"] == SEED.read_text(encoding="utf-8")
    for name in ("cyrillic", "nested-quotes", "quote-marks-only", "rtl", "turkish"):
        assert stored[name] == (BAD / f"{name}.txt").read_bytes().decode("utf-8")
    assert stored["utf16-bom"] == (BAD / "utf16-bom.txt").read_bytes().decode("utf-16")
    assert stored["utf16le"] == "\u201cWe are ready,\u201d Ay\u015fe Y\u0131lmaz said."


def test_every_stored_quote_indexes_its_document_text(batch: Batch) -> None:
    texts = dict(batch.rows("SELECT id, text FROM documents"))
    quotes = batch.rows('SELECT document_id, start, "end", text FROM quotes')
    assert len(quotes) >= 20
    for document_id, start, end, text in quotes:
        assert 0 <= start < end <= len(texts[document_id])
        assert texts[document_id][start:end] == text


def test_running_the_batch_again_changes_nothing(batch: Batch) -> None:
    before = batch.rows("SELECT origin, message FROM errors ORDER BY origin")
    documents = batch.rows("SELECT id, content_hash FROM documents ORDER BY id")
    again = CliRunner().invoke(cli, ["extract", str(SEED), str(ARTICLES), str(BAD), str(batch.generated),
                                     "--db", str(batch.db)], catch_exceptions=False)
    assert again.exit_code == 1
    assert f"{len(GOOD_IDS)} documents read ({len(GOOD_IDS)} unchanged); 0 quotes" in again.stderr
    assert batch.rows("SELECT origin, message FROM errors ORDER BY origin") == before
    assert batch.rows("SELECT id, content_hash FROM documents ORDER BY id") == documents


# --- very long texts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """The seed article between a 5 MB document and a 200,000-character line, into SQLite."""
    base = tmp_path_factory.mktemp("long-batch")
    folder = base / "long"
    folder.mkdir()
    (folder / "big.txt").write_text(five_megabyte_text(), encoding="utf-8")
    # 200,000 characters, one line, no punctuation at all.
    words = "the council and the mayor met residents who asked about ferry fares and bus routes "
    (folder / "long-line.txt").write_text((words * (200_000 // len(words) + 1))[:200_000], encoding="utf-8")
    db = base / "long.db"
    result = CliRunner().invoke(cli, ["extract", str(folder / "big.txt"), str(SEED), str(folder / "long-line.txt"),
                                      "--db", str(db), "--batch-size", "4"], catch_exceptions=False)
    return result, db


@pytest.mark.slow
def test_very_long_texts_are_stored_whole_beside_an_ordinary_article(long_batch: tuple[Result, Path]) -> None:
    result, db = long_batch
    assert result.exit_code == 0, result.stderr
    assert "done: 3 documents read (3 added)" in result.stderr
    stored = dict(rows(db, "SELECT id, text FROM documents"))
    assert stored["big"] == five_megabyte_text()
    assert len(stored["long-line"]) == 200_000
    assert stored["sochi-idlib-article"] == SEED.read_text(encoding="utf-8")
    for document_id, start, end, text in rows(db, 'SELECT document_id, start, "end", text FROM quotes'):
        assert stored[document_id][start:end] == text
    assert rows(db, "SELECT count(*) FROM quotes WHERE document_id = 'sochi-idlib-article'")[0][0] >= 8


@pytest.mark.slow
def test_quotes_are_found_far_into_a_five_megabyte_document(long_batch: tuple[Result, Path]) -> None:
    _, db = long_batch
    starts = [s for (s,) in rows(db, "SELECT start FROM quotes WHERE document_id = 'big' ORDER BY start")]
    assert starts and starts[-1] > FIVE_MB - 200  # the last paragraph, past every parsing piece boundary
