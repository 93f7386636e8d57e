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
* a lone surrogate becomes U+FFFD (it cannot be encoded, so spaCy would fail on it);
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
SYMBOL_RUN_MAX = 40
SYMBOL_RUN_KEEP = 10

_ONE_FOR_ONE = str.maketrans({**{c: " " for c in SPACES}, **{c: "\n" for c in LINE_BREAKS}})
_EDITS = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|[" + INVISIBLE + "]")
_SYMBOL_RUN = re.compile(r"[^\w\s]{%d,}" % (SYMBOL_RUN_MAX + 1))
_NEEDS_WORK = re.compile(r"[&" + INVISIBLE + SPACES + LINE_BREAKS + r"\ud800-\udfff]|" + _SYMBOL_RUN.pattern)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NAME_NOISE = str.maketrans({c: None for c in INVISIBLE})


@dataclass
class Prepared:
    """A clean text and the way back to the text as given.

    ``anchors`` holds ``(clean offset, source offset)`` at every place where the two texts stop
    running in step (an entity replaced, an invisible character removed); between anchors they
    advance together. ``widths`` gives, for clean characters that replaced several source
    characters, how many they replaced.
    """

    source: str
    text: str
    anchors: list[tuple[int, int]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)

    def source_start(self, i: int) -> int:
        """The source offset where clean character ``i`` begins."""
        if not self.anchors:
            return i
        k = bisect.bisect_right(self.anchors, (i, float("inf"))) - 1
        if k < 0:
            return i
        clean, source = self.anchors[k]
        return source + (i - clean)

    def source_end(self, i: int) -> int:
        """The source offset where the clean text up to ``i`` (exclusive) ends."""
        if i <= 0 or not self.anchors:
            return i
        last = i - 1
        return self.source_start(last) + self.widths.get(last, 1)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Clean offsets ``start``/``end`` as offsets of the text as given."""
        if start >= end:
            s = self.source_start(start)
            return s, s
        return self.source_start(start), self.source_end(end)


def prepare(text: str) -> Prepared:
    """The clean text to parse, with its map back to ``text``.

    >>> p = prepare("&quot;We\\u00a0won,&quot; said Ma\\u00adria.")
    >>> p.text
    '"We won," said Maria.'
    >>> start, end = p.source_span(p.text.index("We"), p.text.index(","))
    >>> "&quot;We\\u00a0won,&quot; said Ma\\u00adria."[start:end]
    'We\\xa0won'
    """
    if not _NEEDS_WORK.search(text):
        return Prepared(text, text)
    anchors: list[tuple[int, int]] = []
    widths: dict[int, int] = {}
    pieces: list[str] = []
    clean_at = source_at = 0
    for m in _EDITS.finditer(text):
        raw = m.group()
        replacement = html.unescape(raw) if raw.startswith("&") else ""
        if replacement == raw:
            continue  # "&nosuchentity;" stays as it is
        pieces.append(text[source_at : m.start()])
        clean_at += m.start() - source_at
        pieces.append(replacement)
        # every character of the replacement starts where the reference did; the last one ends
        # where it ended (html.unescape gives one character, very rarely two)
        for k in range(len(replacement)):
            anchors.append((clean_at + k, m.start()))
            widths[clean_at + k] = len(raw) if k == len(replacement) - 1 else 0
        clean_at += len(replacement)
        source_at = m.end()
        anchors.append((clean_at, source_at))
    pieces.append(text[source_at:])
    clean = "".join(pieces) if anchors else text
    clean = _SURROGATE.sub("\ufffd", clean.replace("\r\n", " \n").translate(_ONE_FOR_ONE))
    clean = _SYMBOL_RUN.sub(_blank_middle, clean)
    return Prepared(text, clean, anchors, widths)


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
