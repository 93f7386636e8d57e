"""The ``quotes`` command end to end: real files in, real extractor, real JSON lines and SQLite out.

The commands run in this process through click's CliRunner, so the spaCy model loads once for
the whole session (``quotes.cli.load_extractor`` keeps it).
"""
from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import quotes
from quotes.cli import cli
from quotes.records import DocumentError
from quotes.run import Counts, Reporter, extract_to, load_extractor

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
EVAL = ROOT.parent / "shared" / "eval"
BUNDLED_CUES = ROOT / "quotes" / "data" / "cues.tsv"
# 'chirp' is not a cue of the bundled lexicon: only a cue list that adds it makes this a quote.
CHIRP = "Harbor master Lena Fors chirped that the ferry would run all winter."

QUOTE_KEYS = {"start", "end", "text", "kind", "cue", "speaker", "speaker_mention", "speaker_type", "speaker_confidence", "addressee",
              "audience", "source_chain", "chain"}


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
        "for args in (['--help'], ['--version'], ['extract', '--help'], ['evaluate', '--help'], ['serve', '--help']):\n"
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


def test_version_prints_the_package_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"quotes {quotes.__version__}\n"


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
    assert "most confident 80%" in result.stdout  # speaker accuracy by confidence band
    gold_ids = [json.loads(line)["id"] for line in (EVAL / "seed.gold.jsonl").read_text(encoding="utf-8").splitlines()]
    predictions = jsonl(pred.read_text(encoding="utf-8"))
    assert [p["id"] for p in predictions] == gold_ids
    assert predictions[0]["quotes"] and all(0 < q["speaker_confidence"] <= 1 for q in predictions[0]["quotes"])


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


# --- --cues ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chirp_cues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled cue list and one more verb."""
    path = tmp_path_factory.mktemp("cues") / "cues-with-chirp.tsv"
    path.write_text(BUNDLED_CUES.read_text(encoding="utf-8") + "chirp\tspeech\tthis test\n", encoding="utf-8")
    return path


def write_cues(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_cue_list_with_one_more_verb_makes_its_sentence_a_quote(extractor, chirp_cues: Path, tmp_path: Path) -> None:
    assert extractor.extract(CHIRP).quotes == []  # not a quote with the bundled cues
    story = tmp_path / "ferry.txt"
    story.write_text(CHIRP, encoding="utf-8")
    result = run("extract", story, "--jsonl", "-", "--cues", chirp_cues)
    assert result.exit_code == 0, result.stderr
    [line] = jsonl(result.stdout)
    assert [(q["text"], q["speaker"], q["cue"]) for q in line["quotes"]] == \
        [("the ferry would run all winter", "Lena Fors", "chirped")]
    assert load_extractor(cues=chirp_cues) is not load_extractor()  # cached per model and cue list
    assert load_extractor(cues=str(chirp_cues)) is load_extractor(None, chirp_cues)


def test_evaluate_scores_with_the_cue_list_given(chirp_cues: Path, tmp_path: Path) -> None:
    start = CHIRP.index("the ferry")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "ferry", "text": CHIRP, "quotes": [
        {"start": start, "end": len(CHIRP) - 1, "speaker": "Lena Fors", "kind": "indirect"}]}) + "\n", encoding="utf-8")
    result = run("evaluate", gold, "--cues", chirp_cues, "--no-baseline")
    assert result.exit_code == 0, result.stderr
    assert "1 predicted, 1 gold" in result.stdout
    assert "span     P 1.000 R 1.000 F1 1.000" in result.stdout


@pytest.mark.parametrize("command", ["extract", "evaluate"])
def test_a_cue_list_with_an_unknown_role_is_an_error_naming_the_file(command: str, tmp_path: Path) -> None:
    cues = write_cues(tmp_path / "my-cues.tsv", "say\tspeech\nyell\tshout\n")
    gold = write_cues(tmp_path / "gold.jsonl", "")
    db = tmp_path / "q.db"
    args = [SEED, "--db", db] if command == "extract" else [gold]
    result = CliRunner().invoke(cli, [command, *map(str, args), "--cues", str(cues)])
    assert result.exit_code == 2
    assert f"Invalid value for '--cues': {cues}: unknown role 'shout' for 'yell'" in result.stderr
    assert "Traceback" not in result.stderr and not db.exists()  # refused before anything is opened


def test_a_cue_list_line_without_a_role_is_an_error_naming_the_file(tmp_path: Path) -> None:
    cues = write_cues(tmp_path / "spaces.tsv", "say speech\n")
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--jsonl", "-", "--cues", str(cues)])
    assert result.exit_code == 2
    assert f"Invalid value for '--cues': {cues}: " in result.stderr


@pytest.mark.slow
def test_cues_reach_the_dask_workers(chirp_cues: Path, tmp_path: Path) -> None:
    text = tmp_path / "chirp.txt"
    text.write_text(CHIRP, encoding="utf-8")
    result = run("extract", text, "--jsonl", "-", "--cues", chirp_cues, "--dask", "local:1")
    assert result.exit_code == 0, result.stderr
    assert [q["cue"] for line in jsonl(result.stdout) for q in line["quotes"]] == ["chirped"]


# --- the Python API: quotes.run --------------------------------------------------------------


class Collect(Reporter):
    def __init__(self) -> None:
        self.errors: list[tuple[str | None, str, DocumentError | None]] = []
        self.finals: list[tuple[Counts, dict[str, int] | None]] = []

    def error(self, origin: str | None, message: str, error: DocumentError | None) -> None:
        self.errors.append((origin, message, error))

    def finished(self, counts: Counts, database: dict[str, int] | None) -> None:
        self.finals.append((counts, database))


def test_extract_to_writes_what_the_command_writes(extractor, tmp_path: Path) -> None:
    out = io.StringIO()
    counts = extract_to([SEED, ARTICLES], jsonl=out, batch_size=2, extractor=extractor)
    assert (counts.read, counts.errors, counts.statuses, counts.interrupted) == (5, 0, {"written": 5}, False)
    assert counts.quotes == sum(len(line["quotes"]) for line in jsonl(out.getvalue())) and counts.speakers
    command = run("extract", SEED, ARTICLES, "--jsonl", "-", "--batch-size", "2")
    assert out.getvalue() == command.stdout


def test_extract_to_a_database_skips_stored_documents_and_reports_errors(tmp_path: Path) -> None:
    empty, db = tmp_path / "empty.txt", tmp_path / "q.db"
    empty.write_bytes(b"")
    reporter = Collect()
    first = extract_to([SEED, empty], db=db, reporter=reporter)
    assert (first.read, first.errors, first.statuses) == (1, 1, {"added": 1})
    assert reporter.errors == [(str(empty), "empty file", None)]
    [(counts, database)] = reporter.finals
    assert counts is first and (database["documents"], database["quotes"], database["errors"]) == (1, first.quotes, 1)
    again = extract_to(SEED, db=db)  # one path needs no list
    assert (again.read, again.statuses, again.quotes, again.done) == (1, {"unchanged": 1}, 0, 1)


def test_extract_to_refuses_what_cannot_work(extractor) -> None:
    with pytest.raises(ValueError, match="jsonl and/or db"):
        extract_to([SEED])
    with pytest.raises(ValueError, match="with dask"):
        extract_to([SEED], jsonl=io.StringIO(), dask="local:1", extractor=extractor)
    with pytest.raises(ValueError, match="not both"):
        extract_to([SEED], jsonl=io.StringIO(), extractor=extractor, cues=BUNDLED_CUES)
