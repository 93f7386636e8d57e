"""Paragraphs and lines that carry no reported speech: headlines, repeated teasers, link lists.

Scraped articles repeat their headline and carry "related article" teasers between paragraphs.
Such lines are short and end without sentence punctuation. Photo captions sit between
paragraphs too: they may quote someone, but the people they name are not what the next
paragraph's "he" points back to.
"""
from __future__ import annotations

import re

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = tuple(".!?:\"”’'»)…")
HEADLINE_MAX_WORDS = 16
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


@Language.component("quotes_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no sentence (or quote) spans two paragraphs."""
    if len(doc) < 2:
        return doc
    orths = doc.to_array(ORTH)[:-1]
    strings = doc.vocab.strings
    breaks = [h for h in numpy.unique(orths) if "\n" in strings[int(h)]]  # few distinct tokens hold "\n"
    for i in numpy.nonzero(numpy.isin(orths, breaks))[0]:
        doc[int(i) + 1].is_sent_start = True
    return doc
