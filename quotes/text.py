"""Text the way scrapers deliver it, made fit for parsing without losing its offsets.

Articles arrive with no-break and narrow no-break spaces, zero-width characters and soft hyphens
inside names, HTML entities left in the text (``&quot;``, ``&#8220;``, ``&nbsp;``), lone CR line
endings, Unicode line and paragraph separators, and now and then a lone surrogate. spaCy treats
each of these as a word of its own or as part of a word, so names break and quotation marks go
unseen. :func:`prepare` turns such a text into the *clean* text that is parsed, and keeps the
map back: every offset found in the clean text is turned into an offset of the text as given
(:meth:`Prepared.source_span`), so ``text[quote.start:quote.end]`` always indexes the article.

What changes, and why:

* ``&quot;``, ``&#8220;``, ``&nbsp;`` and every other complete HTML character reference become
  the character they stand for;
* zero-width characters, bidirectional marks and soft hyphens are removed (they are invisible,
  and inside a name they make a different name);
* every Unicode space becomes a plain space, and every line separator (lone CR, U+2028, U+2029,
  NEL, vertical tab, form feed) a line feed; the CR of a CRLF becomes a space, so CRLF files keep
  their paragraphs;
* a lone surrogate is removed (it cannot be encoded, so spaCy would fail on it);
* two spaces or more become one (spaCy makes a word of the second, which breaks names);
* a run of more than ``SYMBOL_RUN_MAX`` symbols with no letter, digit or space among them (emoji,
  punctuation) keeps ``SYMBOL_RUN_KEEP`` at each end and becomes spaces in between: spaCy's
  tokenizer splits such a run one character at a time, at a cost that grows with the square of
  its length, and no word of it could be a quote or a name.
"""
from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field

# Characters with no width: removed (they shift offsets, which the map records).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Characters replaced one for one (offsets unchanged).
SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
LINE_BREAKS = "\r\u2028\u2029\u0085\u000b\u000c"
SYMBOL_RUN_MAX = 10
SYMBOL_RUN_KEEP = 3

_ONE_FOR_ONE = str.maketrans({**{c: " " for c in SPACES}, **{c: "\n" for c in LINE_BREAKS}})
_SURROGATES = "\ud800-\udfff"
# Removed or replaced before anything else: character references, invisible characters, lone surrogates.
_REFERENCES = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|[" + INVISIBLE + _SURROGATES + "]")
_SYMBOL_RUN = re.compile(r"[^\w\s]{%d,}" % (SYMBOL_RUN_MAX + 1))
# Two spaces or more are one: spaCy makes a token of the second, and it breaks names and parses.
_SPACE_RUN = re.compile(r"[ \t]{2,}")
_NEEDS_WORK = re.compile(r"[&" + INVISIBLE + SPACES + LINE_BREAKS + _SURROGATES + r"]|[ \t]{2}|" + _SYMBOL_RUN.pattern)
_SURROGATE = re.compile(r"[" + _SURROGATES + "]")
_NAME_NOISE = str.maketrans({c: None for c in INVISIBLE})


@dataclass
class OffsetMap:
    """How one edit of a text moved its offsets.

    ``anchors`` holds ``(new offset, old offset)`` at every place where the two texts stop running
    in step (something replaced or removed); between anchors they advance together. ``widths``
    gives, for new characters that replaced a run of old ones, how many they replaced (0 for all
    but the last character of a replacement).
    """

    anchors: list[tuple[int, int]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)

    def start(self, i: int) -> int:
        """The old offset where new character ``i`` begins."""
        k = bisect.bisect_right(self.anchors, (i, float("inf"))) - 1
        if k < 0:
            return i
        new, old = self.anchors[k]
        return old + (i - new)

    def end(self, i: int) -> int:
        """The old offset where the new text up to ``i`` (exclusive) ends."""
        if i <= 0:
            return i
        return self.start(i - 1) + self.widths.get(i - 1, 1)


@dataclass
class Prepared:
    """A clean text and the way back to the text as given, through the edits that made it."""

    source: str
    text: str
    maps: list[OffsetMap] = field(default_factory=list)  # in the order the edits were made

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Clean offsets ``start``/``end`` as offsets of the text as given."""
        end = max(start, end)
        for edit in reversed(self.maps):
            start, end = edit.start(start), (edit.end(end) if end > start else edit.start(start))
        return start, end


def prepare(text: str) -> Prepared:
    """The clean text to parse, with its map back to ``text``.

    >>> p = prepare("&quot;We\\u00a0won,&quot; said  Ma\\u00adria.")
    >>> p.text
    '"We won," said Maria.'
    >>> start, end = p.source_span(p.text.index("We"), p.text.index(","))
    >>> "&quot;We\\u00a0won,&quot; said  Ma\\u00adria."[start:end]
    'We\\xa0won'
    """
    if not _NEEDS_WORK.search(text):
        return Prepared(text, text)
    maps = []
    clean, edit = _edit(text, _REFERENCES, _unreference)
    maps.append(edit)
    clean = clean.replace("\r\n", " \n").translate(_ONE_FOR_ONE)  # one for one: no map needed
    clean = _SYMBOL_RUN.sub(_blank_middle, clean)
    clean, edit = _edit(clean, _SPACE_RUN, lambda run: " ")
    maps.append(edit)
    return Prepared(text, clean, [m for m in maps if m.anchors])


def _unreference(raw: str) -> str:
    """A character reference as its character(s), an invisible character or lone surrogate as nothing."""
    if not raw.startswith("&"):
        return ""
    # "&nosuchentity;" stays as it is; "&shy;" or "&#8203;" goes like the character itself
    return html.unescape(raw).translate(_ONE_FOR_ONE).translate(_NAME_NOISE)


def _edit(text: str, pattern: re.Pattern, replace) -> tuple[str, OffsetMap]:
    """``text`` with every match of ``pattern`` replaced by ``replace(match)``, and the map back."""
    edit = OffsetMap()
    pieces: list[str] = []
    new_at = old_at = 0
    for m in pattern.finditer(text):
        raw = m.group()
        replacement = replace(raw)
        if replacement == raw:
            continue
        pieces.append(text[old_at : m.start()])
        new_at += m.start() - old_at
        pieces.append(replacement)
        # every character of the replacement starts where the match did; the last ends where it ended
        for k in range(len(replacement)):
            edit.anchors.append((new_at + k, m.start()))
            edit.widths[new_at + k] = len(raw) if k == len(replacement) - 1 else 0
        new_at += len(replacement)
        old_at = m.end()
        edit.anchors.append((new_at, old_at))
    if not edit.anchors:
        return text, edit
    pieces.append(text[old_at:])
    return "".join(pieces), edit


def _blank_middle(m: re.Match) -> str:
    run = m.group()
    return run[:SYMBOL_RUN_KEEP] + " " * (len(run) - 2 * SYMBOL_RUN_KEEP) + run[-SYMBOL_RUN_KEEP:]


def normalize_name(name: str) -> str:
    """A name, description or cue as it is stored: invisible characters out, spaces collapsed.

    >>> normalize_name("Anna\\u00a0 Be\\u200brg\\u00adman\\n")
    'Anna Bergman'
    """
    return " ".join(name.translate(_NAME_NOISE).split())


def lone_surrogate(text: str) -> int | None:
    """The offset of the first unpaired surrogate in ``text`` (it cannot be written as UTF-8), or None."""
    m = _SURROGATE.search(text)
    return m.start() if m else None
