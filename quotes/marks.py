"""Find text between quotation marks, straight from the characters.

Works on the raw string rather than on tokens so that offsets are exact and marks that the
tokenizer glues to words (``“close``) are still seen. Handles “…”, „…“, «…», ‹…›, "…", ‘…’ and
'…' (single marks only where they cannot be apostrophes), nesting, and the news convention for
quotes running over several paragraphs: each paragraph opens with a mark, only the last closes.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Two apostrophes ('') and two backticks (``) stand for double marks in some wire copy.
_MARKS = re.compile(r"'''|''|``|[\"'“”„‟«»‹›‘’‚\n]")
# Scraped text mixes styles ("“…"" after an editor's fix), so curly and straight marks close each other.
_PAIRS = {"“": "”\"", "„": "“”", "‟": "”", "«": "»", "‹": "›", '"': '"”', "‘": "’'", "'": "'", "‚": "‘’"}
_OPENERS_ONLY = {"“", "„", "‟", "«", "‹", "‚"}
_SINGLE = {"‘", "'", "’", "‚"}
_DOUBLE_CLOSERS = {"”", '"', "»"}


@dataclass(frozen=True)
class Quoted:
    """A stretch in quotation marks: ``start``/``end`` exclude the marks, ``outer_*`` include them."""

    start: int
    end: int
    outer_start: int
    outer_end: int


# A single mark before these is an apostrophe of elision, not an opening quote: '60s, ’em, 'til.
_ELISION = re.compile(r"\d\d|(?:em|til|cause|bout|n)\b", re.IGNORECASE)


def _opens(text: str, i: int, j: int) -> bool:
    """A symmetric or single mark opens when it starts a word: after space/start/bracket/dash."""
    before = text[i - 1] if i else " "
    after = text[j] if j < len(text) else " "
    if text[i:j] in _SINGLE and _ELISION.match(text, j):
        return False
    return (before.isspace() or before in "([{—–-/“‘«\"'") and not after.isspace()


def _closes(text: str, i: int, j: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[j] if j < len(text) else " "
    if text[i:j] in _SINGLE and after.isalpha():
        return False  # an apostrophe inside a word: don't, Idlib’s
    return not before.isspace() or after.isspace() or after in ".,;:!?)"


def find_quoted(text: str) -> list[Quoted]:
    """Top-level quoted stretches of ``text``, in order.

    >>> t = 'He said: “It is “done”, ‘really’.” Then: "yes" and don’t.'
    >>> [t[q.start:q.end] for q in find_quoted(t)]
    ['It is “done”, ‘really’.', 'yes']
    >>> find_quoted('“”, he said.')
    []
    >>> t = "''We will win,'' he said."
    >>> [t[q.start:q.end] for q in find_quoted(t)]
    ['We will win,']
    """
    scan = _Scan(text)
    for m in _MARKS.finditer(text):
        raw, i, j = m.group(), m.start(), m.end()
        if raw == "\n":
            if text[scan.para_start:i].strip():
                scan.end_paragraph(i)
            scan.para_start = j  # blank lines between paragraphs are stepped over once
        elif raw == "'''":
            # two marks at once: a single closing before a double ("…a special case,'''"), or
            # a double opening before a single
            if scan.stack and scan.stack[-1][0] == "'":
                scan.mark("'", i, i + 1)
                scan.mark('"', i + 1, j)
            else:
                scan.mark('"', i, i + 2)
                scan.mark("'", i + 2, j)
        else:
            scan.mark({"''": '"', "``": "“"}.get(raw, raw), i, j)
    scan.end_paragraph(len(text), last=True)
    return sorted(scan.found, key=lambda q: q.outer_start)


class _Scan:
    """The state of :func:`find_quoted` as it reads the marks of a text from left to right."""

    def __init__(self, text: str):
        self.text = text
        self.found: list[Quoted] = []
        self.stack: list[tuple[str, int, int]] = []  # (mark, start, width) of the marks still open
        self.para_start = 0
        self.carried: tuple[int, int] | None = None  # (start, width) of a quote open at a paragraph's end
        self.carried_end = 0  # where the last paragraph it ran through ends

    def abandon_carried(self) -> None:
        """The paragraph after an open quotation does not continue it: it ended with the last one."""
        if self.carried is not None:
            start, width = self.carried
            self._until(start, width, self.carried_end)
            self.carried = None

    def end_paragraph(self, end: int, last: bool = False) -> None:
        text, stack = self.text, self.stack
        if stack and stack[0][1] == _first_visible(text, self.para_start) and stack[0][0] not in _SINGLE:
            self.carried = stack[0][1:] if self.carried is None else self.carried
            self.carried_end = end
            if last:  # the text ends inside it
                self.abandon_carried()
        else:
            self.abandon_carried()
            if stack and stack[0][0] not in _SINGLE:
                # '…," he said. "They separate the families.' and no closing mark: the quotation
                # began mid-paragraph, so it cannot run on; it ends with its paragraph
                _, start, width = stack[0]
                self._until(start, width, end)
        self.stack = []

    def _until(self, start: int, width: int, end: int) -> None:
        """A quotation opened at ``start`` and never closed, ending with the paragraph at ``end``."""
        close = end
        while close > start + width and self.text[close - 1].isspace():
            close -= 1
        if any(c.isalnum() for c in self.text[start + width : close]):
            self.found.append(Quoted(start + width, close, start, close))

    def mark(self, ch: str, i: int, j: int) -> None:
        text, stack = self.text, self.stack
        if stack and ch in _DOUBLE_CLOSERS and ch not in _PAIRS[stack[-1][0]]:
            # “… ‘tis … ”: a single mark left open inside a double quotation was an apostrophe
            depth = next((k for k in range(len(stack) - 1, -1, -1)
                          if stack[k][0] not in _SINGLE and ch in _PAIRS[stack[k][0]]), None)
            if depth is not None and (_closes(text, i, j) or ch in "”»"):
                del stack[depth + 1:]
        if stack and stack[-1][0] == "“" == ch and not text[i - 1].isspace() and (j == len(text) or text[j].isspace()):
            ch = "”"  # “It's unusual,“ said …: an opening mark typed where the closing one belongs
        if stack and ch in _PAIRS[stack[-1][0]] and (ch in _OPENERS_ONLY or _closes(text, i, j) or ch in "”»›"):
            _, start, width = stack.pop()
            if not stack:
                outer, width = self.carried if self.carried is not None else (start, width)
                self.carried = None
                if any(c.isalnum() for c in text[outer + width : i]):  # “” and “ ,” quote nothing
                    self.found.append(Quoted(outer + width, i, outer, j))
            return
        if ch in _OPENERS_ONLY or (ch in "\"'‘" and _opens(text, i, j)):
            if self.carried is not None and not stack and i != _first_visible(text, self.para_start):
                self.abandon_carried()  # the continuation convention needs the mark to open the paragraph
            stack.append((ch, i, j - i))


def trim(text: str, start: int, end: int, chars: str) -> tuple[int, int]:
    """``start``/``end`` moved inwards past any of ``chars``.

    >>> trim("  “yes,” ", 0, 9, " “”,")
    (3, 6)
    """
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _first_visible(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


class QuoteIndex:
    """Answers "is this character inside marks?" in O(log n)."""

    def __init__(self, quoted: list[Quoted]):
        self.quoted = quoted
        self.starts = [q.outer_start for q in quoted]

    def containing(self, char: int) -> Quoted | None:
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and char < self.quoted[i].outer_end:
            return self.quoted[i]
        return None

    def within(self, start: int, end: int) -> list[Quoted]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.quoted) and self.quoted[i].outer_start < end:
            out.append(self.quoted[i])
            i += 1
        j = bisect.bisect_right(self.starts, start) - 1
        if j >= 0 and self.quoted[j].outer_start < start < self.quoted[j].outer_end:
            out.insert(0, self.quoted[j])
        return out
