"""What one article becomes in the database: content-derived ids, the paragraph around each quote,
and the rows of every table as tuples in the column orders below."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from typing import Any

from ..records import Article, Quote

# A paragraph stored beside a quote holds at most this much text on either side of the quote; a
# longer line gives only the quote's sentence on that side, whatever the line endings.
PARAGRAPH_CONTEXT_CHARS = 400
LINE_BREAK_CHARS = "\n\r\u2028\u2029\u0085\u000b\u000c"

DOCUMENT_COLUMNS = (
    "id", "title", "url", "publisher", "published", "text", "content_hash", "quote_count", "added",
)
# A quote, chain link and document's names as the extractor gave them: ``speaker_id``,
# ``addressee_id`` (and a link's ``speaker_id``) hold the id of the *extracted name* here; the writer
# puts the speaker it is identified as in their place (:mod:`.identity`).
QUOTE_STAGE_COLUMNS = (
    "id", "document_id", "start", "end", "text", "kind", "cue", "cue_start", "cue_end",
    "speaker_id", "speaker_mention", "speaker_start", "speaker_end", "addressee_id",
    "paragraph", "paragraph_start", "paragraph_quote_start", "paragraph_quote_end", "audience",
    "speaker_confidence",
)
CHAIN_LINK_STAGE_COLUMNS = ("quote_id", "position", "speaker_id", "role", "cue", "mention", "mention_start", "mention_end")
NAME_COLUMNS = ("id", "name", "type")
DOCUMENT_NAME_COLUMNS = ("document_id", "name_id", "descriptions")
# The tables' columns. Since schema 4 a quote keeps the extracted names of its speaker and
# addressee (``speaker_name_id``, ``addressee_name_id``), and a chain link its own (``name_id``),
# whenever they are not the speaker's own id.
# The table's columns in its own order: schema 5 added ``speaker_confidence`` last.
QUOTE_COLUMNS = QUOTE_STAGE_COLUMNS[:-1] + ("speaker_name_id", "addressee_name_id", "speaker_confidence")
CHAIN_LINK_COLUMNS = CHAIN_LINK_STAGE_COLUMNS + ("name_id",)
SPEAKER_COLUMNS = ("id", "name", "type")
DOCUMENT_SPEAKER_COLUMNS = ("document_id", "speaker_id", "descriptions")
EXTRACTED_NAME_COLUMNS = ("id", "name", "type", "key", "speaker_id", "document_count")
SPEAKER_ALIAS_COLUMNS = ("speaker_id", "alias", "type", "document_count")
ERROR_COLUMNS = ("origin", "message", "added", "stage", "error_type", "traceback", "document_id")


def now() -> str:
    """The ``added`` timestamp: UTC, ISO 8601, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def speaker_id(name: str, type_: str | None, document_id: str | None = None) -> str:
    """A short stable id for a name and type: same name and type, same id.

    It is the id of an extracted name (``extracted_names.id``) and of a speaker (``speakers.id``:
    the speaker's display name and type). A name without an entity type is a bare description ("a
    spokesperson", "officials"): two documents' "a spokesperson" are not the same person, so such
    ids are scoped to the document.
    """
    scope = type_ if type_ else f"untyped\x1f{document_id}"
    return hashlib.sha1(f"{scope}\x1f{name}".encode("utf-8", "surrogatepass")).hexdigest()[:12]


def quote_id(document_id: str, quote: Quote) -> str:
    """``<document id>:<start>-<end>``, zero-padded so that ids sort in reading order."""
    return f"{document_id}:{quote.start:06d}-{quote.end:06d}"


def paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line(s) holding ``text[start:end]``, as ``(paragraph_start, paragraph_end)``.

    A paragraph is a run of text between line breaks (LF, CR, U+2028, U+2029…): trafilatura and
    most feeds put one paragraph per line, plain-text articles put blank lines between them; both
    work. A line longer than ``PARAGRAPH_CONTEXT_CHARS`` on either side of the quote (an article
    with no line breaks at all) is not one paragraph: on that side only the quote's own sentence
    is kept.

    >>> t = "First line.\\rHe said “yes” today.\\rLast."
    >>> s, e = paragraph_around(t, 21, 24)
    >>> t[s:e]
    'He said “yes” today.'
    """
    lo, hi = max(0, start - PARAGRAPH_CONTEXT_CHARS), min(len(text), end + PARAGRAPH_CONTEXT_CHARS)
    para_start = max([text.rfind(c, lo, start) for c in LINE_BREAK_CHARS] + [lo - 1]) + 1
    breaks = [i for i in (text.find(c, end, hi) for c in LINE_BREAK_CHARS) if i >= 0]
    para_end = min(breaks) if breaks else hi
    if para_start == lo and lo > 0:  # the line goes on before the window: start at a sentence
        para_start = _sentence_start(text, lo, start)
    if para_end == hi and hi < len(text):
        para_end = _sentence_end(text, end, hi)
    while para_start < start and text[para_start].isspace():
        para_start += 1
    while para_end > end and text[para_end - 1].isspace():
        para_end -= 1
    return para_start, para_end


_SENTENCE_BREAK = re.compile(r"[.!?][\"”’')\]]*\s+")


def _sentence_start(text: str, lo: int, start: int) -> int:
    """The start of the sentence holding ``start`` (the last sentence break in ``text[lo:start]``),
    else the first word start there."""
    last = None
    for m in _SENTENCE_BREAK.finditer(text, lo, start):
        last = m
    if last is not None:
        return last.end()
    space = text.find(" ", lo, start)
    return space + 1 if space >= 0 else lo


def _sentence_end(text: str, end: int, hi: int) -> int:
    """The end of the sentence holding ``end`` (the first sentence end in ``text[end:hi]``), else
    the last word end there."""
    m = _SENTENCE_BREAK.search(text, end, hi)
    if m:
        return m.start() + len(m.group().rstrip())
    space = text.rfind(" ", end, hi)
    return space if space > end else hi


def article_rows(article: Article) -> dict[str, Any]:
    """The rows one article becomes, as tuples in the column orders above: its names as extracted
    (``names``, ``document_names``), and its quotes and chain links naming them by those ids."""
    document = article.document
    doc_id = document.doc_id
    text = document.text
    speakers: dict[str, tuple[str, str, str | None]] = {}
    mentions: dict[str, set[str]] = {}

    def resolve(name: str | None, type_: str | None, key: str | None) -> str | None:
        if not name:
            return None
        entity = article.entity(key)
        if not type_ and entity is not None:
            type_ = entity.type
        sid = speaker_id(name, type_, doc_id)
        speakers.setdefault(sid, (sid, name, type_))
        seen = mentions.setdefault(sid, set())
        if entity is not None:
            seen.update(d for d in entity.descriptions if d)
        return sid

    quote_rows: list[tuple[Any, ...]] = []
    link_rows: list[tuple[Any, ...]] = []
    seen_ids: set[str] = set()
    for quote in sorted(article.quotes, key=lambda q: (q.start, q.end)):
        qid = quote_id(doc_id, quote)
        if qid in seen_ids:  # the same span attributed twice: keep the first attribution
            continue
        seen_ids.add(qid)
        para_start, para_end = paragraph_around(text, quote.start, quote.end)
        quote_rows.append(
            (
                qid, doc_id, quote.start, quote.end, quote.text, quote.kind, quote.cue,
                quote.cue_start, quote.cue_end,
                resolve(quote.speaker, quote.speaker_type, quote.speaker_key), quote.speaker_mention,
                quote.speaker_start, quote.speaker_end,
                resolve(quote.addressee, quote.addressee_type, quote.addressee_key),
                text[para_start:para_end], para_start,
                quote.start - para_start, quote.end - para_start, quote.audience,
                quote.speaker_confidence,
            )
        )
        for position, link in enumerate(quote.chain):
            link_sid = resolve(link.name, link.type, link.key)
            if link_sid is not None:
                link_rows.append((qid, position, link_sid, link.role, link.cue, link.mention, link.start, link.end))
    meta = (document.title, document.url, document.publisher, document.published)
    return {
        "document": (doc_id, *meta, text, document.content_hash, len(quote_rows), now()),
        "names": list(speakers.values()),
        "document_names": [
            (doc_id, sid, json.dumps(sorted(seen), ensure_ascii=False))
            for sid, seen in mentions.items()
        ],
        "quotes": quote_rows,
        "chain_links": link_rows,
    }
