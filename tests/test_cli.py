"""The ``quotes`` command end to end: real files in, real extractor, real JSON lines and SQLite out.

The commands run in this process through click's CliRunner, so the spaCy model loads once for
the whole session (``quotes.cli.load_extractor`` keeps it).
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quotes.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
EVAL = ROOT.parent / "shared" / "eval"

QUOTE_KEYS = {"start", "end", "text", "kind", "cue", "speaker", "speaker_mention", "speaker_type", "addressee",
              "source_chain"}


def run(*args: object, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def assert_offsets_index(text: str, quotes: list[dict]) -> None:
    for q in quotes:
        assert 0 <= q["start"] < q["end"] <= len(text)
        assert text[q["start"]:q["end"]] == q["text"]


def test_help_imports_nothing_heavy() -> None:
    # `quotes --help` must answer at once: spaCy, the store and Datasette load only on use.
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from quotes.cli import cli\n"
        "for args in (['--help'], ['extract', '--help'], ['evaluate', '--help'], ['serve', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0, args\n"
        "heavy = {'spacy', 'thinc', 'sqlite_utils', 'trafilatura', 'datasette', 'dask', 'distributed', 'textacy'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_quotes_runs_the_same_command() -> None:
    out = subprocess.run([sys.executable, "-m", "quotes", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0
    assert all(command in out.stdout for command in ("extract", "evaluate", "serve", "merge"))


def test_extract_a_text_file_to_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "seed.jsonl"
    result = run("extract", SEED, "--jsonl", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # results go to the file, the summary to stderr
    assert "done: 1 document read (1 written)" in result.stderr
    [line] = jsonl(out.read_text(encoding="utf-8"))
    assert set(line) == {"id", "quotes"} and line["id"] == "sochi-idlib-article"
    assert len(line["quotes"]) >= 8
    assert all(set(q) == QUOTE_KEYS for q in line["quotes"])
    assert_offsets_index(SEED.read_text(encoding="utf-8"), line["quotes"])
    assert ["Reuters", "Sergey Shoygu"] in [q["source_chain"] for q in line["quotes"]]
    assert "Staffan de Mistura" in {q["speaker"] for q in line["quotes"]}


def test_extract_a_folder_in_sorted_order_with_metadata(tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    result = run("extract", ARTICLES, "--jsonl", out)
    assert result.exit_code == 0, result.stderr
    lines = jsonl(out.read_text(encoding="utf-8"))
    # feed.jsonl (two records) < harbor-ferry-fares.txt < museum-reopening.html
    assert [line["id"] for line in lines] == ["wheat-harvest-2024", "bridge-inspection", "harbor-ferry-fares",
                                              "museum-reopening"]
    wheat, _, harbor, museum = lines
    assert wheat["publisher"] == "Example Farm Wire" and wheat["published"] == "2024-06-03"
    assert museum["publisher"] == "Example Evening Post" and museum["title"].startswith("Maritime museum")
    assert "title" not in harbor  # a .txt file has no metadata
    assert_offsets_index((ARTICLES / "harbor-ferry-fares.txt").read_text(encoding="utf-8"), harbor["quotes"])
    assert all(line["quotes"] for line in lines), "every fixture article has quotes"
    speakers = {q["speaker"] for line in lines for q in line["quotes"]}
    assert {"Ilse Hartmann", "Maria Lindqvist", "Helena Castro"} <= speakers


def test_extract_a_jsonl_file_ignores_gold_quotes(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    text = "\u201cThe pier will be rebuilt by spring,\u201d harbor master Lena Fors said on Monday."
    feed.write_text(json.dumps({"id": "pier", "text": text, "quotes": [{"start": 0, "end": 3, "text": "bogus"}],
                                "source": "test"}) + "\n", encoding="utf-8")
    result = run("extract", feed, "--jsonl", "-")
    assert result.exit_code == 0, result.stderr
    [line] = jsonl(result.stdout)
    assert line["id"] == "pier"
    assert [q["text"] for q in line["quotes"]] == ["The pier will be rebuilt by spring,"]
    assert line["quotes"][0]["speaker"] == "Lena Fors"


def test_extract_plain_text_from_stdin_to_stdout() -> None:
    text = "\u201cWe will not close the library,\u201d Mayor Ana Ruiz told the council on Tuesday.\n"
    result = run("extract", "-", "--jsonl", "-", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    [line] = jsonl(result.stdout)
    assert len(line["id"]) == 16  # no name on stdin: the id is derived from the text
    [quote] = line["quotes"]
    assert quote["text"] == "We will not close the library," and "Ana Ruiz" in quote["speaker"]
    assert_offsets_index(text, line["quotes"])


def test_extract_jsonl_from_stdin_reports_the_bad_line() -> None:
    lines = [json.dumps({"id": "s1", "text": "\u201cYes,\u201d the coach said."}), "{oops", json.dumps({"id": "s2", "text": "No."})]
    result = run("extract", "-", "--jsonl", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    assert [line["id"] for line in jsonl(result.stdout)] == ["s1", "s2"]
    assert "error: <stdin>:2: not valid JSON" in result.stderr


def test_extract_needs_an_output() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED)])
    assert result.exit_code == 2
    assert "--jsonl" in result.stderr and "--db" in result.stderr


def test_db_run_twice_skips_unchanged_documents_and_force_extracts_again(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    first = run("extract", SEED, ARTICLES, "--db", db)
    assert first.exit_code == 0, first.stderr
    assert "5 documents read (5 added)" in first.stderr
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
    assert f"database: 5 documents, {stored} quotes" in first.stderr

    again = run("extract", SEED, ARTICLES, "--db", db, "--jsonl", tmp_path / "again.jsonl")
    assert again.exit_code == 0
    assert "5 documents read (5 unchanged); 0 quotes" in again.stderr
    assert (tmp_path / "again.jsonl").read_text() == ""  # nothing was extracted

    forced = run("extract", SEED, "--db", db, "--jsonl", tmp_path / "forced.jsonl", "--force")
    assert forced.exit_code == 0
    assert [line["id"] for line in jsonl((tmp_path / "forced.jsonl").read_text())] == ["sochi-idlib-article"]
    assert conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == stored


def test_changed_text_updates_the_stored_document(tmp_path: Path) -> None:
    db, story = tmp_path / "q.db", tmp_path / "story.txt"
    story.write_text("\u201cThe bridge is closed,\u201d the engineer said.", encoding="utf-8")
    assert run("extract", story, "--db", db).exit_code == 0
    story.write_text("\u201cThe bridge is open again,\u201d the engineer said on Friday.", encoding="utf-8")
    result = run("extract", story, "--db", db)
    assert "1 document read (1 updated)" in result.stderr
    rows = sqlite3.connect(db).execute("SELECT text FROM quotes WHERE document_id = 'story'").fetchall()
    assert rows == [("The bridge is open again,",)]


def test_n_process_gives_the_same_output_as_one_process(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("extract", SEED, ARTICLES, "--jsonl", one, "--batch-size", "2").exit_code == 0
    result = run("extract", SEED, ARTICLES, "--jsonl", two, "--batch-size", "2", "--n-process", "2")
    assert result.exit_code == 0, result.stderr
    assert two.read_text(encoding="utf-8") == one.read_text(encoding="utf-8")


def test_merge_unions_shard_databases(tmp_path: Path) -> None:
    a, b, merged, whole = (tmp_path / name for name in ("a.db", "b.db", "merged.db", "whole.db"))
    assert run("extract", SEED, "--db", a).exit_code == 0
    assert run("extract", ARTICLES, "--db", b).exit_code == 0
    assert run("extract", SEED, ARTICLES, "--db", whole).exit_code == 0
    result = run("merge", a, b, "--db", merged)
    assert result.exit_code == 0, result.stderr
    assert "merged 2 databases into" in result.stderr and "5 added" in result.stderr

    def quotes_of(db: Path) -> list[tuple]:
        return sqlite3.connect(db).execute('SELECT id, document_id, start, "end", text, kind FROM quotes ORDER BY id').fetchall()

    assert quotes_of(merged) == quotes_of(whole)
    assert run("merge", merged, "--db", merged).exit_code == 2  # a source cannot be the target


@pytest.mark.skipif(not (EVAL / "seed.gold.jsonl").exists(), reason="../shared/eval is not beside this checkout")
def test_evaluate_scores_the_gold_file_and_writes_predictions(tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    result = run("evaluate", EVAL / "seed.gold.jsonl", "--pred", pred, "--no-baseline")
    assert result.exit_code == 0, result.stderr
    assert "span" in result.stdout and "speaker" in result.stdout
    gold_ids = [json.loads(line)["id"] for line in (EVAL / "seed.gold.jsonl").read_text(encoding="utf-8").splitlines()]
    predictions = jsonl(pred.read_text(encoding="utf-8"))
    assert [p["id"] for p in predictions] == gold_ids
    assert predictions[0]["quotes"]


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and "does not exist" in result.stderr
