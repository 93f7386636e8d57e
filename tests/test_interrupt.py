"""A killed or interrupted ``quotes extract`` leaves a sound database, and a re-run finishes it.

Real subprocesses over a folder of 1000 short articles (and one bad file), with small batches:

* SIGKILL mid-run: ``PRAGMA integrity_check`` is ok, every stored document has exactly the rows
  an uninterrupted run gives it (no half-written document), and running the same command again
  gives exactly the database of an uninterrupted run (timestamps aside).
* SIGINT mid-run: the command stops after the current batch, says how many documents it got
  through (exit 130), and a re-run again completes to the same database.
"""
from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
N_DOCS = 1000
BATCH_SIZE = "4"
# Stop once this many documents are stored: well into the run, far from its end.
STOP_AFTER = 60
NAMES = ["Anna Berg", "Tomas Lind", "Maria Costa", "Daniel Okafor", "Ilse Hartmann", "Priya Raman", "Jonas Eklund",
         "Lena Fors"]
PLACES = ["the harbor", "the school", "the museum", "the bridge", "the library", "the stadium", "the market"]

Contents = dict[str, list[tuple]]
pytestmark = pytest.mark.slow  # a thousand documents, extracted in subprocesses up to five times


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for i in range(N_DOCS):
        speaker, reporter, place = NAMES[i % 8], NAMES[(i * 3 + 1) % 8], PLACES[i % 7]
        (folder / f"d{i:04d}.txt").write_text(
            f"\u201cWork on {place} will finish in week {i % 52 + 1},\u201d {speaker} said on Monday.\n\n"
            f"{reporter} told reporters that {place} would reopen before winter.\n",
            encoding="utf-8",
        )
    (folder / "d0500-empty.txt").write_bytes(b"")  # an input error, so the errors table is compared too
    return folder


def command(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "quotes", "extract", str(corpus), "--db", str(db), "--batch-size", BATCH_SIZE]


def run_to_end(corpus: Path, db: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command(corpus, db), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr  # 1: the empty file
    assert "error: " in result.stderr and "d0500-empty.txt: empty file" in result.stderr
    return result


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory, db_contents) -> Contents:
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    run_to_end(corpus, db)
    contents = db_contents(db)
    assert len(contents["documents"]) == N_DOCS and len(contents["quotes"]) >= N_DOCS
    assert len(contents["search:harbor"]) >= N_DOCS // 7  # the search index is filled
    return contents


def rows_by_document(contents: Contents) -> dict[str, Contents]:
    """What each document owns: its row, its quotes, their chain links, its speaker mentions."""
    quote_document = {row[0]: row[1] for row in contents["quotes"]}  # quotes: id, document_id, ...
    owned: dict[str, Contents] = {}
    for row in contents["documents"]:
        owned.setdefault(row[0], {}).setdefault("documents", []).append(row)
    for row in contents["quotes"]:
        owned.setdefault(row[1], {}).setdefault("quotes", []).append(row)
    for row in contents["chain_links"]:
        owned.setdefault(quote_document[row[0]], {}).setdefault("chain_links", []).append(row)
    for row in contents["document_speakers"]:
        owned.setdefault(row[0], {}).setdefault("document_speakers", []).append(row)
    return owned


def stored_documents(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def start_and_wait(corpus: Path, db: Path) -> subprocess.Popen:
    process = subprocess.Popen(command(corpus, db), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while stored_documents(db) < STOP_AFTER:
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the run stored nothing for five minutes"
        time.sleep(0.05)
    return process


def assert_sound_and_whole(db: Path, reference: Contents, db_contents: Callable[[Path], Contents]) -> int:
    """Integrity ok and every stored document exactly as in the reference; returns how many."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO quotes_fts(quotes_fts) VALUES('integrity-check')")
    finally:
        conn.close()
    partial = rows_by_document(db_contents(db))
    whole = rows_by_document(reference)
    for document_id, rows in partial.items():
        assert rows == whole[document_id], f"document {document_id} is stored differently from a whole run"
    return len(partial)


def test_sigkill_mid_run_leaves_whole_documents_and_a_rerun_completes(corpus: Path, reference, tmp_path: Path,
                                                                      db_contents) -> None:
    db = tmp_path / "killed.db"
    process = start_and_wait(corpus, db)
    process.kill()
    process.communicate()
    assert process.returncode == -signal.SIGKILL

    stored = assert_sound_and_whole(db, reference, db_contents)
    assert STOP_AFTER <= stored < N_DOCS, "the run ended before it could be killed"

    rerun = run_to_end(corpus, db)
    assert f"{N_DOCS} documents read ({N_DOCS - stored} added, {stored} unchanged)" in rerun.stderr
    assert db_contents(db) == reference


def test_sigint_stops_after_the_current_batch_and_says_how_far_it_got(corpus: Path, reference, tmp_path: Path,
                                                                     db_contents) -> None:
    db = tmp_path / "interrupted.db"
    process = start_and_wait(corpus, db)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    assert "interrupt: finishing the current batch" in stderr
    done = re.search(r"^interrupted after (\d+) documents done: ", stderr, re.M)
    assert done, stderr
    assert "run the same command again to continue" in stderr
    assert "Traceback" not in stderr

    stored = assert_sound_and_whole(db, reference, db_contents)
    assert int(done.group(1)) == stored  # what it says is what the database holds
    assert STOP_AFTER <= stored < N_DOCS

    run_to_end(corpus, db)
    assert db_contents(db) == reference
