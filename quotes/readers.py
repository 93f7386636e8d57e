"""Turn the paths a user names into ``Document`` records, or into errors that say what is wrong.

``read_inputs`` accepts ``.txt`` files, ``.jsonl`` files (one ``{"id", "text", ...}`` object a
line), ``.html``/``.htm`` pages (main text through trafilatura), folders (searched recursively in
sorted order) and ``-`` for standard input. It never raises for bad content: each unreadable file
or line becomes an ``InputError`` naming it, and the rest of the batch goes on.

Text is never altered silently. Bytes are decoded strictly (UTF-8, or UTF-16/UTF-32 when a byte
order mark says so); a file that is not valid in its encoding is an error that names the byte
offset, so every quote offset computed later indexes exactly the text that was read.
"""
from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from quotes.records import Document

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES
STDIN = "-"
STDIN_ORIGIN = "<stdin>"

# Metadata keys of a JSONL record that become Document fields; any other key (including a
# gold-standard "quotes" list) is ignored.
JSONL_METADATA_KEYS = ("title", "url", "publisher", "published")

# Checked longest first: a UTF-32-LE mark begins with the UTF-16-LE one.
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Signatures of common non-text files, so the error can say what the file looks like.
_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class InputError:
    """Something that could not be read: ``origin`` is "file.txt" or "feed.jsonl:12"."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


class _Unreadable(Exception):
    """Raised inside this module for content that cannot become a Document."""


def read_inputs(
    paths: Iterable[str | os.PathLike[str]],
    on_skip: Callable[[str], None] | None = None,
) -> Iterator[Document | InputError]:
    """Yield a Document for every readable text in ``paths`` and an InputError for the rest.

    Files found while walking a folder are skipped when their extension is not supported (one
    ``on_skip`` message per folder, default: a logged warning), hidden files and folders are
    ignored; a file named explicitly with an unsupported extension is an error. An id seen twice
    in one run is an error for the second document, because storing it would silently replace
    the first.
    """
    notify = on_skip or log.warning
    seen: dict[str, str] = {}
    for raw in paths:
        for item in _read_path(str(raw), notify):
            if isinstance(item, Document):
                first = seen.get(item.doc_id)
                if first is not None:
                    yield InputError(item.origin or "?", f"duplicate id {item.doc_id!r} (first read from {first})")
                    continue
                seen[item.doc_id] = item.origin or "?"
            yield item


def _read_path(path: str, notify: Callable[[str], None]) -> Iterator[Document | InputError]:
    if path == STDIN:
        yield from _read_stdin()
        return
    p = Path(path)
    if p.is_dir():
        yield from _read_folder(p, notify)
        return
    if not p.exists():
        yield InputError(path, "no such file or directory")
        return
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        yield InputError(path, f"unsupported file type {p.suffix or '(no extension)'!r}; expected {_supported()} or a folder")
        return
    yield from _read_file(p, path)


def _supported() -> str:
    return ", ".join(SUPPORTED_SUFFIXES)


def _read_folder(folder: Path, notify: Callable[[str], None]) -> Iterator[Document | InputError]:
    files: list[Path] = []
    skipped: dict[str, int] = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            suffix = Path(name).suffix.lower()
            if suffix in SUPPORTED_SUFFIXES:
                files.append(Path(root, name))
            else:
                skipped[suffix or "(no extension)"] = skipped.get(suffix or "(no extension)", 0) + 1
    if skipped:
        total = sum(skipped.values())
        kinds = ", ".join(f"{count} {suffix}" for suffix, count in sorted(skipped.items()))
        notify(f"{folder}: skipped {total} file{'s' if total != 1 else ''} of unsupported type ({kinds}); reading {_supported()}")
    # Sorted by the path relative to the folder, so a run reads documents in the same order on
    # every machine whatever order the file system lists them in.
    for path in sorted(files, key=lambda f: f.relative_to(folder).as_posix()):
        yield from _read_file(path, str(path))


def _read_file(path: Path, origin: str) -> Iterator[Document | InputError]:
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as stream:
                yield from _read_jsonl(stream, origin)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(origin, exc.strerror or str(exc))
        return
    try:
        if suffix in HTML_SUFFIXES:
            yield _html_document(data, id=path.stem, origin=origin)
        else:
            yield _text_document(data, id=path.stem, origin=origin)
    except _Unreadable as exc:
        yield InputError(origin, str(exc))


def _read_stdin() -> Iterator[Document | InputError]:
    data = sys.stdin.buffer.read()
    if _looks_like_jsonl(data):
        yield from _read_jsonl(io.BytesIO(data), STDIN_ORIGIN)
        return
    try:
        yield _text_document(data, id=None, origin=STDIN_ORIGIN)
    except _Unreadable as exc:
        yield InputError(STDIN_ORIGIN, str(exc))


def _looks_like_jsonl(data: bytes) -> bool:
    """True when the first non-blank line of ``data`` is a JSON object."""
    try:
        text = _decode(data[: 1 << 20], partial=True)
    except _Unreadable:
        return False
    for line in text.split("\n"):
        if line.strip():
            if not line.lstrip().startswith("{"):
                return False
            try:
                return isinstance(json.loads(line), dict)
            except ValueError:
                return False
    return False


# --- plain text -------------------------------------------------------------------------------


def _text_document(data: bytes, id: str | None, origin: str) -> Document:
    text = _decode(data)
    _check_text(text, what="file")
    return Document(text=text, id=id, origin=origin)


def _decode(data: bytes, partial: bool = False) -> str:
    """Decode strictly: UTF-8, or the encoding a byte order mark names.

    ``partial`` allows a multi-byte character cut at the end (for sniffing a prefix).
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _strict_decode(data, encoding, partial)
    kind = _binary_kind(data)
    if kind:
        raise _Unreadable(f"binary file ({kind}), not text")
    return _strict_decode(data, "utf-8", partial)


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return kind
    # Text in UTF-8 never holds a NUL byte in practice; UTF-16 without a byte order mark does,
    # and is refused here too rather than guessed at.
    if b"\x00" in data[:_SNIFF_BYTES]:
        return "contains NUL bytes; UTF-16 text needs a byte order mark"
    return None


def _strict_decode(data: bytes, encoding: str, partial: bool) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if partial and exc.end >= len(data) - 3:
            return data[: exc.start].decode(encoding, errors="ignore")
        raise _Unreadable(_decode_error_message(data, encoding, exc)) from None


def _decode_error_message(data: bytes, encoding: str, exc: UnicodeDecodeError) -> str:
    bad = data[exc.start : exc.end]
    line = data.count(b"\n", 0, exc.start) + 1
    name = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}[encoding]
    hint = " (the file may be Latin-1 or Windows-1252: convert it to UTF-8)" if name == "UTF-8" else ""
    return f"not valid {name}: byte 0x{bad[:1].hex().upper()} at byte offset {exc.start} (line {line}){hint}"


def _check_text(text: str, what: str) -> None:
    if not text:
        raise _Unreadable(f"empty {what}")
    if not text.strip():
        raise _Unreadable(f"{what} holds only whitespace")
    surrogate = _lone_surrogate(text)
    if surrogate is not None:
        # Possible only through JSON "\ud800" escapes; such text cannot be written as UTF-8.
        raise _Unreadable(f"text holds an unpaired surrogate U+{ord(text[surrogate]):04X} at character {surrogate}")


def _lone_surrogate(text: str) -> int | None:
    try:
        text.encode("utf-8")
        return None
    except UnicodeEncodeError as exc:
        return exc.start


# --- JSON lines -------------------------------------------------------------------------------


def _read_jsonl(stream: BinaryIO, origin: str) -> Iterator[Document | InputError]:
    """One Document per non-blank line; a bad line is an error naming ``origin:line``."""
    head = stream.read(4)
    stream.seek(0)
    encoding = next((enc for mark, enc in _BYTE_ORDER_MARKS if head.startswith(mark)), None)
    if encoding in ("utf-16", "utf-32"):
        # Only "\n" ends a record: JSON strings cannot hold a raw newline, but they may hold
        # raw U+2028 or "\r", which universal newlines would split on.
        text_stream = io.TextIOWrapper(stream, encoding=encoding, newline="\n")
        try:
            lines: Iterable[tuple[int, str | bytes]] = enumerate(text_stream, start=1)
            yield from _jsonl_lines(lines, origin)
        except UnicodeDecodeError as exc:
            yield InputError(origin, f"not valid {encoding.upper()}: {exc.reason}")
        return
    yield from _jsonl_lines(enumerate(stream, start=1), origin)


def _jsonl_lines(lines: Iterable[tuple[int, str | bytes]], origin: str) -> Iterator[Document | InputError]:
    any_line = False
    for number, raw in lines:
        where = f"{origin}:{number}"
        if isinstance(raw, bytes):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            any_line = True
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = raw[exc.start : exc.start + 1].hex().upper()
                yield InputError(where, f"not valid UTF-8: byte 0x{byte} at column {exc.start + 1}")
                continue
        else:
            line = raw.lstrip("\ufeff") if number == 1 else raw
            if not line.strip():
                continue
            any_line = True
        try:
            yield _jsonl_document(line, where)
        except _Unreadable as exc:
            yield InputError(where, str(exc))
    if not any_line:
        yield InputError(origin, "empty file: no JSON lines")


def _jsonl_document(line: str, where: str) -> Document:
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise _Unreadable(f"expected a JSON object with \"text\", got {_json_type(record)}")
    if "text" not in record:
        raise _Unreadable("JSON object has no \"text\"")
    text = record["text"]
    if not isinstance(text, str):
        raise _Unreadable(f"\"text\" must be a string, got {_json_type(text)}")
    _check_text(text, what="text")
    doc_id = record.get("id")
    if isinstance(doc_id, bool) or (doc_id is not None and not isinstance(doc_id, (str, int))):
        raise _Unreadable(f"\"id\" must be a string or an integer, got {_json_type(doc_id)}")
    metadata = {}
    for key in JSONL_METADATA_KEYS:
        value = record.get(key)
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            raise _Unreadable(f"{key!r} must be a string, got {_json_type(value)}")
        metadata[key] = value if isinstance(value, str) else json.dumps(value)
    return Document(text=text, id=str(doc_id) if doc_id not in (None, "") else None, origin=where, **metadata)


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


# --- HTML ------------------------------------------------------------------------------------


def _html_document(data: bytes, id: str, origin: str) -> Document:
    """The main text of a page, with its title, date and site name, through trafilatura.

    Trafilatura drops ``<script>``, ``<style>``, navigation and boilerplate; the stored text is
    its output, so quote offsets index that text, not the HTML.
    """
    if not data.strip():
        raise _Unreadable("empty file")
    kind = _binary_kind(data)
    if kind and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unreadable(f"binary file ({kind}), not HTML")
    import trafilatura  # slow import, only needed for HTML input

    try:
        extracted = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False, include_tables=True)
    except Exception as exc:  # trafilatura raises assorted parser errors for broken markup
        raise _Unreadable(f"could not parse HTML ({type(exc).__name__}: {exc})") from None
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise _Unreadable("no article text found in the HTML")
    _check_text(text, what="text")
    return Document(
        text=text,
        id=id,
        title=extracted.title or None,
        url=extracted.url or None,
        publisher=extracted.sitename or None,
        published=extracted.date or None,
        origin=origin,
    )
