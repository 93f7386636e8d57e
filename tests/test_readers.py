"""read_inputs: every kind of input becomes a Document or an InputError that names it.

These tests need no spaCy model: they check what is read, byte for byte, and how bad input is
reported. tests/test_bad_input.py runs the same inputs through the real CLI and extractor.
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from quotes.readers import InputError, read_inputs
from quotes.records import Document

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"


def read(*paths: str | Path, notes: list[str] | None = None) -> list[Document | InputError]:
    return list(read_inputs([str(p) for p in paths], on_skip=(notes.append if notes is not None else None)))


def only(items: list[Document | InputError]) -> Document | InputError:
    assert len(items) == 1, items
    return items[0]


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


# --- plain text ------------------------------------------------------------------------------


def test_text_file_is_read_byte_for_byte_with_its_stem_as_id(tmp_path: Path) -> None:
    text = "First line.\r\nShe said: \u201cyes\u201d.\u2028Next\n"
    doc = only(read(write(tmp_path / "council-vote.txt", text)))
    assert isinstance(doc, Document)
    assert doc.id == "council-vote"
    assert doc.text == text  # no newline translation, no normalization
    assert doc.origin == str(tmp_path / "council-vote.txt")


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.txt", b"")
    error = only(read(path))
    assert error == InputError(str(path), "empty file")


def test_whitespace_only_file_is_an_error(tmp_path: Path) -> None:
    error = only(read(write(tmp_path / "blank.txt", " \n\t\r\n\u00a0\u3000 ")))
    assert isinstance(error, InputError) and "whitespace" in error.message


def test_png_named_txt_is_refused_as_binary(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    error = only(read(write(tmp_path / "photo.txt", png)))
    assert isinstance(error, InputError)
    assert error.message == "binary file (PNG image), not text"


def test_latin1_bytes_are_an_error_naming_the_byte_offset_not_a_silent_guess(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.txt", "Line one.\nThe caf\u00e9 owner said so.\n".encode("latin-1"))
    error = only(read(path))
    assert isinstance(error, InputError) and error.origin == str(path)
    offset = "Line one.\nThe caf".encode("latin-1").__len__()
    assert f"byte 0xE9 at byte offset {offset} (line 2)" in error.message
    assert error.message.startswith("not valid UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_byte_order_mark_are_decoded(tmp_path: Path, encoding: str) -> None:
    text = "\u0130stanbul'da Bakan \u015fu s\u00f6zleri s\u00f6yledi: \u00abHaz\u0131r\u0131z\u00bb. \u201cWe are ready,\u201d he said."
    data = text.encode(encoding)
    if encoding.endswith(("-le", "-be")):
        data = ("\ufeff".encode(encoding)) + data  # an explicit byte order mark
    doc = only(read(write(tmp_path / "bom.txt", data)))
    assert isinstance(doc, Document)
    assert doc.text == text


def test_utf16_without_byte_order_mark_is_refused_not_guessed(tmp_path: Path) -> None:
    error = only(read(write(tmp_path / "nobom.txt", "He said hello.".encode("utf-16-le"))))
    assert isinstance(error, InputError) and "byte order mark" in error.message


def test_utf8_byte_order_mark_is_not_part_of_the_text(tmp_path: Path) -> None:
    doc = only(read(write(tmp_path / "bom8.txt", b"\xef\xbb\xbf\"Hi,\" she said.")))
    assert isinstance(doc, Document) and doc.text == "\"Hi,\" she said."


def test_truncated_utf16_is_an_error(tmp_path: Path) -> None:
    data = "He said \u201cno\u201d.".encode("utf-16")[:-1]
    error = only(read(write(tmp_path / "cut.txt", data)))
    assert isinstance(error, InputError) and error.message.startswith("not valid UTF-16")


@pytest.mark.parametrize(
    "text",
    [
        "Turkish: \u0130\u00e7i\u015fleri Bakan\u0131 \u201cG\u00fcvenlik \u00f6nceli\u011fimizdir\u201d dedi. I\u0131 \u0130i.",
        "\u0420\u0443\u0441\u0441\u043a\u0438\u0439: \u00ab\u041c\u044b \u0433\u043e\u0442\u043e\u0432\u044b\u00bb, \u2014 \u0437\u0430\u044f\u0432\u0438\u043b \u043c\u0438\u043d\u0438\u0441\u0442\u0440.",
        "\u05e2\u05d1\u05e8\u05d9\u05ea: \u05d4\u05d5\u05d0 \u05d0\u05de\u05e8 \"\u05e9\u05dc\u05d5\u05dd\". \u0627\u0644\u0639\u0631\u0628\u064a\u0629: \u0642\u0627\u0644 \u00ab\u0646\u062d\u0646 \u0645\u0633\u062a\u0639\u062f\u0648\u0646\u00bb\u200f.",
        "\u201c\u201d\"\"''\u00ab\u00bb\u201e\u201c",  # only quotation marks
        "He said \u201cthe \u2018first \u201cthird \u2018fourth \u201cfifth\u201d\u2019\u201d\u2019\u201d and \u201cunbalanced. A stray \u201d mark.",
    ],
    ids=["turkish", "cyrillic", "right-to-left", "only-quote-marks", "nested-and-stray"],
)
def test_any_decodable_text_is_kept_exactly(tmp_path: Path, text: str) -> None:
    doc = only(read(write(tmp_path / "t.txt", text)))
    assert isinstance(doc, Document) and doc.text == text


def test_large_document_and_long_unpunctuated_line_are_accepted(tmp_path: Path) -> None:
    big = ("The minister said the talks would continue next week. " * 100_000)[: 5 * 1024 * 1024]
    line = "word " * 40_000
    items = read(write(tmp_path / "big.txt", big), write(tmp_path / "line.txt", line))
    assert [type(i) for i in items] == [Document, Document]
    assert len(items[0].text) == 5 * 1024 * 1024 and items[1].text == line


# --- folders and paths -----------------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order_and_skips_unsupported_once(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B said so.")
    write(tmp_path / "a" / "z.txt", "Z said so.")
    write(tmp_path / "a" / "feed.jsonl", '{"id": "j1", "text": "J said so."}\n')
    write(tmp_path / "c.pdf", b"%PDF-1.4")
    write(tmp_path / "a" / "notes.md", "# notes")
    write(tmp_path / "README", "no extension")
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / ".git" / "x.txt", "hidden folder")
    notes: list[str] = []
    items = read(tmp_path, notes=notes)
    assert [i.id for i in items] == ["j1", "z", "b"]
    assert all(isinstance(i, Document) for i in items)
    assert len(notes) == 1
    assert "skipped 3 files" in notes[0] and ".pdf" in notes[0] and ".md" in notes[0]


def test_explicit_unsupported_file_and_missing_path_are_errors(tmp_path: Path) -> None:
    pdf = write(tmp_path / "report.pdf", b"%PDF-1.4")
    items = read(pdf, tmp_path / "missing.txt", ARTICLES / "harbor-ferry-fares.txt")
    assert items[0] == InputError(str(pdf), items[0].message) and "unsupported file type '.pdf'" in items[0].message
    assert items[1] == InputError(str(tmp_path / "missing.txt"), "no such file or directory")
    assert isinstance(items[2], Document)


def test_duplicate_id_in_one_run_is_an_error_for_the_second(tmp_path: Path) -> None:
    first = write(tmp_path / "one" / "story.txt", "A said so.")
    second = write(tmp_path / "two" / "story.txt", "B said so.")
    items = read(first, second)
    assert isinstance(items[0], Document)
    assert items[1] == InputError(str(second), f"duplicate id 'story' (first read from {first})")


# --- JSON lines ------------------------------------------------------------------------------


def test_jsonl_keeps_metadata_and_ignores_unknown_keys() -> None:
    docs = read(ARTICLES / "feed.jsonl")
    assert [d.id for d in docs] == ["wheat-harvest-2024", "bridge-inspection"]
    wheat = docs[0]
    assert isinstance(wheat, Document)
    assert (wheat.title, wheat.publisher, wheat.published) == (
        "Dry spring cuts wheat harvest forecast", "Example Farm Wire", "2024-06-03")
    assert wheat.url == "https://example.org/news/wheat-harvest-2024"
    assert wheat.origin == f"{ARTICLES / 'feed.jsonl'}:1"
    record = json.loads((ARTICLES / "feed.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert wheat.text == record["text"]


def test_jsonl_bad_lines_are_errors_with_line_numbers_and_good_lines_go_through(tmp_path: Path) -> None:
    lines = [
        b'{"id": "ok1", "text": "He said yes.", "quotes": [{"start": 0}], "extra": {"a": 1}}',
        b"this is not json",
        b"",
        b'{"id": "no-text", "title": "x"}',
        b'{"id": "num", "text": 42}',
        b'{"id": "nul", "text": null}',
        b'["a", "list"]',
        b'{"id": "blank", "text": "   "}',
        b'{"id": "latin", "text": "caf\xe9"}',
        b'{"id": "lone", "text": "bad \\ud800 surrogate"}',
        b'{"id": 7, "text": "Numeric ids become strings, she said.", "published": 2024}',
        b'{"id": "ok2", "text": "Line\\u2028separator and \\r inside, he said."}',
    ]
    path = write(tmp_path / "feed.jsonl", b"\n".join(lines) + b"\n")
    items = read(path)
    by_origin = {i.origin: i for i in items}
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.id for d in docs] == ["ok1", "7", "ok2"]
    assert docs[1].published == "2024"
    assert docs[2].text == "Line\u2028separator and \r inside, he said."
    errors = {i.origin.rsplit(":", 1)[1]: i.message for i in items if isinstance(i, InputError)}
    latin_column = lines[8].index(b"\xe9") + 1
    assert errors == {
        "2": "not valid JSON (Expecting value at column 1)",
        "4": 'JSON object has no "text"',
        "5": '"text" must be a string, got a number',
        "6": '"text" must be a string, got null',
        "7": 'expected a JSON object with "text", got an array',
        "8": "text holds only whitespace",
        "9": f"not valid UTF-8: byte 0xE9 at column {latin_column}",
        "10": "text holds an unpaired surrogate U+D800 at character 4",
    }
    assert all(origin.startswith(f"{path}:") for origin in by_origin)


def test_jsonl_in_utf16_with_byte_order_mark(tmp_path: Path) -> None:
    body = '{"id": "u16", "text": "\u00abHaz\u0131r\u0131z\u00bb dedi."}\n{"id": "u16b", "text": "Ok, he said."}\n'
    items = read(write(tmp_path / "feed16.jsonl", body.encode("utf-16")))
    assert [(i.id, i.text) for i in items] == [("u16", "\u00abHaz\u0131r\u0131z\u00bb dedi."), ("u16b", "Ok, he said.")]


def test_empty_jsonl_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "none.jsonl", b"\n\n")
    assert only(read(path)) == InputError(str(path), "empty file: no JSON lines")


# --- HTML ------------------------------------------------------------------------------------


def test_html_main_text_and_metadata_without_scripts() -> None:
    doc = only(read(ARTICLES / "museum-reopening.html"))
    assert isinstance(doc, Document)
    assert doc.id == "museum-reopening"
    assert doc.title == "Maritime museum reopens after two-year renovation"
    assert doc.publisher == "Example Evening Post"
    assert doc.published == "2024-09-21"
    assert "museum director Helena Castro told the crowd" in doc.text
    html = (ARTICLES / "museum-reopening.html").read_text(encoding="utf-8")
    assert "script text must never become article text" in html and "Injected by a script" in html
    assert "script" not in doc.text and "analytics" not in doc.text and "Injected" not in doc.text
    assert "Subscribe now" not in doc.text and "font-family" not in doc.text


def test_html_without_article_text_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.html", "<html><head><script>var said = 'x';</script></head><body></body></html>")
    error = only(read(path))
    assert isinstance(error, InputError) and error.origin == str(path)
    assert error.message == "no article text found in the HTML"


def test_binary_named_html_is_refused(tmp_path: Path) -> None:
    error = only(read(write(tmp_path / "img.htm", b"\x89PNG\r\n\x1a\n" + bytes(64))))
    assert isinstance(error, InputError) and "PNG" in error.message


# --- standard input ---------------------------------------------------------------------------


def fake_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_jsonl_is_read_as_records(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b'\n{"id": "s1", "text": "He said so."}\nnot json\n')
    items = read("-")
    assert isinstance(items[0], Document) and items[0].id == "s1" and items[0].origin == "<stdin>:2"
    assert items[1] == InputError("<stdin>:3", "not valid JSON (Expecting value at column 1)")


def test_stdin_plain_text_is_one_document_with_a_content_id(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "{braces} do not make JSON. \u201cNo,\u201d she said.\n"
    fake_stdin(monkeypatch, text.encode("utf-8"))
    doc = only(read("-"))
    assert isinstance(doc, Document) and doc.text == text and doc.origin == "<stdin>"
    assert doc.id is None and doc.doc_id == doc.content_hash[:16]


def test_stdin_binary_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b"\x89PNG\r\n\x1a\n" + bytes(10))
    assert only(read("-")) == InputError("<stdin>", "binary file (PNG image), not text")


# --- committed bad fixtures -----------------------------------------------------------------


def test_committed_bad_fixtures_each_give_an_error() -> None:
    items = read(BAD)
    errors = {Path(i.origin.split(":")[0]).name for i in items if isinstance(i, InputError)}
    docs = {i.id for i in items if isinstance(i, Document)}
    assert {"empty.txt", "whitespace.txt", "latin1.txt", "broken.jsonl"} <= errors
    assert {"utf16-bom", "quote-marks-only", "nested-quotes", "turkish", "cyrillic", "rtl"} <= docs
