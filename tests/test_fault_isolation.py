"""A document that fails costs that document only, at every stage and in every way of running.

``QUOTES_INJECT_FAULT=STAGE:MARKER`` (quotes/faults.py) makes the one document of a JSON lines
batch whose text holds MARKER fail at STAGE; ``die:MARKER`` kills the worker process extracting
it. The real command runs in a subprocess (``python -m quotes extract``), in one process, in
two worker processes and on a two-worker local Dask cluster: every other document must be
stored, the failure must be one ``error: FILE:LINE:`` line on stderr (no traceback there) and one
row of the ``errors`` table (with its traceback), and the exit status 1. A later run without the
fault stores the document and its error row goes. ``Extractor.pipe(on_error=...)`` is checked
in this process.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quotes.faults import INJECT_VARIABLE
from quotes.records import Article, Document, DocumentError, ExtractionFailed

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"

MARKER = "XQZ-FAULT-MARKER-1187"
FAULTY_ID = "faulty"
FAULTY_LINE = 4  # the faulty document's line in the JSON lines file
TIMEOUT = 600

MODES = {
    "n-process-1": ["--n-process", "1"],
    "n-process-2": ["--n-process", "2"],
    "dask-local-2": ["--dask", "local:2"],
}


def good_records() -> list[dict]:
    seed = SEED.read_text(encoding="utf-8")
    fields = ("id", "title", "url", "publisher", "published", "text")
    feed = [json.loads(line) for line in (ARTICLES / "feed.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        {"id": "seed-0", "text": seed},
        {k: feed[0][k] for k in fields if k in feed[0]},
        {"id": "seed-1", "text": seed},
        {k: feed[1][k] for k in fields if k in feed[1]},
        {"id": "harbor-ferry-fares", "text": (ARTICLES / "harbor-ferry-fares.txt").read_text(encoding="utf-8")},
        {"id": "seed-2", "text": seed},
    ]


def faulty_record() -> dict:
    seed = SEED.read_text(encoding="utf-8")
    return {"id": FAULTY_ID, "text": seed.rstrip("\n") + f"\n\nReference {MARKER}.\n"}


GOOD_IDS = sorted(record["id"] for record in good_records())


def write_batch(folder: Path) -> Path:
    records = good_records()
    records.insert(FAULTY_LINE - 1, faulty_record())
    path = folder / "batch.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[FAULTY_LINE - 1])["id"] == FAULTY_ID
    return path


def extract(batch: Path, db: Path, mode: list[str], fault: str | None,
            batch_size: int = 2) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != INJECT_VARIABLE}
    if fault is not None:
        env[INJECT_VARIABLE] = fault
    command = [sys.executable, "-m", "quotes", "extract", str(batch), "--db", str(db),
               "--batch-size", str(batch_size), *mode]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=TIMEOUT)


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def stored_ids(db: Path) -> list[str]:
    return [r[0] for r in rows(db, "SELECT id FROM documents ORDER BY id")]


def error_rows(db: Path) -> list[dict]:
    columns = ("origin", "message", "added", "stage", "error_type", "traceback", "document_id")
    return [dict(zip(columns, r)) for r in rows(db, f"SELECT {', '.join(columns)} FROM errors")]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def assert_isolated(result: subprocess.CompletedProcess, batch: Path, db: Path, stage: str,
                    error_type: str = "RuntimeError", traceback: bool = True) -> None:
    report = f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert result.returncode == 1, report
    assert stored_ids(db) == GOOD_IDS, report
    # the good documents are stored whole: quotes and all
    assert rows(db, "SELECT count(*) FROM quotes WHERE document_id = 'seed-2'")[0][0] >= 8, report

    errors = error_rows(db)
    assert len(errors) == 1, (errors, report)
    error = errors[0]
    origin = f"{batch}:{FAULTY_LINE}"
    assert error["origin"] == origin
    assert error["stage"] == stage
    assert error["error_type"] == error_type
    assert error["document_id"] == FAULTY_ID
    assert error["message"].startswith(f"{stage} failed: {error_type}")
    if traceback:
        assert error["traceback"] and error["traceback"].strip()
        assert "RuntimeError: fault injected" in error["traceback"]

    lines = error_lines(result.stderr)
    assert len(lines) == 1, report
    assert lines[0].startswith(f"error: {origin}: {stage} failed: {error_type}"), report
    assert "Traceback" not in result.stderr, report


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(MODES), ids=list(MODES))
def test_a_document_failing_in_attribution_costs_only_itself(tmp_path, mode):
    batch, db = write_batch(tmp_path), tmp_path / "quotes.db"
    result = extract(batch, db, MODES[mode], f"attribution:{MARKER}")
    assert_isolated(result, batch, db, "attribution")


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["parse", "resolution", "chains", "store"])
def test_a_document_failing_at_any_stage_costs_only_itself(tmp_path, stage):
    batch, db = write_batch(tmp_path), tmp_path / "quotes.db"
    result = extract(batch, db, MODES["n-process-1"], f"{stage}:{MARKER}")
    assert_isolated(result, batch, db, stage)


@pytest.mark.slow
def test_a_document_that_kills_its_worker_costs_only_itself(tmp_path):
    batch, db = write_batch(tmp_path), tmp_path / "quotes.db"
    result = extract(batch, db, MODES["n-process-2"], f"die:{MARKER}", batch_size=2)
    report = f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert result.returncode == 1, report
    assert stored_ids(db) == GOOD_IDS, report
    errors = error_rows(db)
    assert [(e["stage"], e["document_id"], e["origin"]) for e in errors] == \
        [("worker", FAULTY_ID, f"{batch}:{FAULTY_LINE}")], report
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"error: {batch}:{FAULTY_LINE}: worker failed: "), report
    assert "Traceback" not in result.stderr, report


@pytest.mark.slow
def test_a_rerun_without_the_fault_stores_the_document_and_clears_its_error(tmp_path):
    batch, db = write_batch(tmp_path), tmp_path / "quotes.db"
    first = extract(batch, db, MODES["n-process-1"], f"attribution:{MARKER}")
    assert_isolated(first, batch, db, "attribution")

    second = extract(batch, db, MODES["n-process-1"], None)
    report = f"exit {second.returncode}\nstderr:\n{second.stderr}"
    assert second.returncode == 0, report
    assert error_lines(second.stderr) == [], report
    assert stored_ids(db) == sorted([*GOOD_IDS, FAULTY_ID])
    assert rows(db, f"SELECT count(*) FROM quotes WHERE document_id = '{FAULTY_ID}'")[0][0] >= 8
    assert error_rows(db) == []


# --- Extractor.pipe(on_error=...), in this process --------------------------------------------


GOOD_TEXT = "\u201cThe bridge will open in May,\u201d Mayor Ellen Park said on Tuesday."
FAULTY_TEXT = f"\u201cThe harbor is safe for ships again,\u201d port director Lukas Becker said.\n\nReference {MARKER}."
LAST_TEXT = "Health minister Aisha Bello told parliament that hospitals would get more nurses."


def pipe_documents() -> list[Document]:
    return [Document(GOOD_TEXT, id="first", origin="feed.jsonl:1"),
            Document(FAULTY_TEXT, id=FAULTY_ID, origin="feed.jsonl:2"),
            Document(LAST_TEXT, id="last", origin="feed.jsonl:3")]


def test_pipe_raises_extraction_failed_at_the_failing_document(extractor, monkeypatch):
    monkeypatch.setenv(INJECT_VARIABLE, f"attribution:{MARKER}")
    seen = []
    with pytest.raises(ExtractionFailed) as raised:
        for article in extractor.pipe(pipe_documents(), on_error="raise"):
            seen.append(article)
    assert [a.id for a in seen] == ["first"]
    error = raised.value.error
    assert (error.stage, error.error_type, error.document.doc_id) == ("attribution", "RuntimeError", FAULTY_ID)
    assert "feed.jsonl:2: attribution failed: RuntimeError" in str(raised.value)


def test_pipe_skips_the_failing_document_with_a_warning(extractor, monkeypatch, caplog):
    monkeypatch.setenv(INJECT_VARIABLE, f"attribution:{MARKER}")
    with caplog.at_level(logging.WARNING, logger="quotes.extractor"):
        results = list(extractor.pipe(pipe_documents(), on_error="skip"))
    assert [type(r) for r in results] == [Article, Article]
    assert [r.id for r in results] == ["first", "last"]
    assert [q.speaker for r in results for q in r.quotes] == ["Ellen Park", "Aisha Bello"]
    warnings = [r for r in caplog.records if r.name == "quotes.extractor" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "feed.jsonl:2: attribution failed: RuntimeError" in warnings[0].getMessage()


@pytest.mark.parametrize("stage", ["parse", "attribution", "resolution", "chains"])
def test_pipe_yields_the_error_in_the_documents_place(extractor, monkeypatch, stage):
    monkeypatch.setenv(INJECT_VARIABLE, f"{stage}:{MARKER}")
    results = list(extractor.pipe(pipe_documents(), batch_size=3, on_error="yield"))
    assert [type(r) for r in results] == [Article, DocumentError, Article]
    error = results[1]
    assert (error.stage, error.error_type, error.document.doc_id) == (stage, "RuntimeError", FAULTY_ID)
    assert error.traceback and "RuntimeError: fault injected" in error.traceback
    assert not error.data_error
    assert [q.speaker for q in results[0].quotes] == ["Ellen Park"]
    assert [q.speaker for q in results[2].quotes] == ["Aisha Bello"]


def test_pipe_without_the_fault_extracts_the_document(extractor, monkeypatch):
    # the marker alone does nothing: the failures above come from the switch
    monkeypatch.delenv(INJECT_VARIABLE, raising=False)
    results = list(extractor.pipe(pipe_documents(), on_error="raise"))
    assert [q.speaker for r in results for q in r.quotes] == ["Ellen Park", "Lukas Becker", "Aisha Bello"]
