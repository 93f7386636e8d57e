"""Paragraphs and lines that carry no reported speech: headlines, repeated teasers, link lists.

Scraped articles repeat their headline and carry "related article" teasers between paragraphs.
Such lines are short and end without sentence punctuation. Photo captions sit between
paragraphs too: they may quote someone, but the people they name are not what the next
paragraph's "he" points back to.
"""
from __future__ import annotations

import bisect
import re

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from . import faults

_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = tuple(".!?:\"”’'»)…")
HEADLINE_MAX_WORDS = 16
# No sentence is longer: real ones almost never reach it (the longest of 15,000 news sentences
# had 223 tokens, 99.99% have fewer than 175), runs of text without full stops do.
MAX_SENTENCE_TOKENS = 250
SENTENCE_END_TOKENS = {".", "!", "?"}
# A photo caption ends with its credit: "(Mark Schiefelbein/Associated Press)", "( Toronto Star file photo )".
_CAPTION_CREDIT = re.compile(
    r"\((?:[^()\n]*/[^()\n]*|[^()\n]*\b(?:photo|photos|file|images?|getty|handout|courtesy|press|pool)\b[^()\n]*)\)[ \t]*$",
    re.IGNORECASE)


def boilerplate_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of headline-like lines.

    >>> t = "Big news today\\n\\nHe said it was “fine.”\\n\\nBig news today\\n"
    >>> [t[s:e] for s, e in boilerplate_lines(t)]
    ['Big news today', 'Big news today']
    """
    out = []
    for m in _LINE.finditer(text):
        line = m.group().strip()
        if line and not line.endswith(_SENTENCE_END) and len(line.split()) <= HEADLINE_MAX_WORDS:
            out.append((m.start(), m.end()))
    return out


def caption_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of photo captions: lines ending with a credit in brackets.

    >>> t = "Kim arrives in Beijing. (Mark Schiefelbein/Associated Press)\\nHe said so."
    >>> [t[s:e] for s, e in caption_lines(t)]
    ['Kim arrives in Beijing. (Mark Schiefelbein/Associated Press)']
    """
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if _CAPTION_CREDIT.search(m.group())]


PARAGRAPHS_COMPONENT = "quotes_paragraphs"


@Language.factory(PARAGRAPHS_COMPONENT)
def make_paragraph_splitter(nlp: Language, name: str):
    """Factory of the ``quotes_paragraphs`` component (registered as a spaCy entry point too, so a
    saved pipeline that holds it loads)."""
    return paragraph_boundaries


def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no sentence (or quote) spans two paragraphs,
    and at least every ``MAX_SENTENCE_TOKENS`` tokens, so that no rule's work on a sentence grows
    with the length of a text that has no full stops (a flattened page, a run of words)."""
    faults.inject("parse", lambda: doc.text)
    if len(doc) < 2:
        return doc
    orths = doc.to_array(ORTH)
    strings = doc.vocab.strings
    distinct = numpy.unique(orths)
    breaks = [h for h in distinct if "\n" in strings[int(h)]]  # few distinct tokens hold "\n"
    starts = numpy.nonzero(numpy.isin(orths[:-1], breaks))[0] + 1
    ends = numpy.isin(orths, [h for h in distinct if strings[int(h)] in SENTENCE_END_TOKENS])
    bounds = [0, *starts.tolist(), len(doc)]
    cuts = [i for first, stop in zip(bounds, bounds[1:]) for i in _long_block_cuts(ends, first, stop)]
    # one array write: setting token.is_sent_start one by one rescans the whole Doc every time
    sent_starts = doc.to_array(SENT_START).astype(numpy.int64)  # 1 starts, -1 continues, 0 the parser decides
    # a lower-case word after a full stop goes on its sentence ("he's lost 16 lbs. since he
    # signed up"): the stop ended an abbreviation, for no English sentence opens in lower case
    stops = [h for h in distinct if strings[int(h)].endswith(".")]
    lower = doc.to_array(IS_LOWER).astype(bool) & doc.to_array(IS_ALPHA).astype(bool)
    after_stop = numpy.nonzero(lower[1:] & numpy.isin(orths[:-1], stops))[0] + 1
    sent_starts[after_stop] = -1
    sent_starts[starts] = 1
    sent_starts[cuts] = 1
    doc.from_array([SENT_START], sent_starts.reshape(-1, 1).astype(numpy.uint64))
    return doc


def _long_block_cuts(ends: numpy.ndarray, first: int, stop: int) -> list[int]:
    """Where to start sentences inside tokens ``first``..``stop`` so none is longer than
    ``MAX_SENTENCE_TOKENS``: after the last full stop that keeps within the limit, else at it."""
    cuts = []
    while stop - first > MAX_SENTENCE_TOKENS:
        window = numpy.nonzero(ends[first + 1 : first + MAX_SENTENCE_TOKENS - 1])[0]
        cut = first + 2 + int(window[-1]) if len(window) else first + MAX_SENTENCE_TOKENS
        cuts.append(cut)
        first = cut
    return cuts


class RangeSet:
    """Character ranges (headlines, captions) asked "does this one hold position i?" in O(log n)."""

    def __init__(self, ranges: list[tuple[int, int]]):
        self.ranges = sorted(ranges)
        self.starts = [r[0] for r in self.ranges]

    def contains(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ranges[i][1]
