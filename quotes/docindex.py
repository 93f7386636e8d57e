"""Sentence and entity look-ups for one parsed ``Doc``, built once.

spaCy rebuilds ``doc.text``, ``doc.ents``, ``doc.sents`` and ``token.sent`` on every access; the rules ask for
them thousands of times per article, so they read them from here instead.
"""
from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span


class DocIndex:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc.text  # joined from the tokens on every access
        self.starts: list[int] = doc.to_array("IDX").tolist()  # each token's character offset
        self.ents: list[Span] = list(doc.ents)
        self._ent_starts = [e.start for e in self.ents]
        self._ent_of: dict[int, Span] = {i: e for e in self.ents for i in range(e.start, e.end)}
        self.sents: list[Span] = list(doc.sents)
        self._sent_starts = [s.start for s in self.sents]

    def ent_at(self, i: int) -> Span | None:
        """The entity holding token ``i``."""
        return self._ent_of.get(i)

    def ents_in(self, start: int, end: int) -> list[Span]:
        """Entities lying wholly within tokens ``start``..``end``."""
        k = bisect.bisect_left(self._ent_starts, start)
        out = []
        while k < len(self.ents) and self.ents[k].start < end:
            if self.ents[k].end <= end:
                out.append(self.ents[k])
            k += 1
        return out

    def sent(self, i: int) -> Span:
        """The sentence holding token ``i``."""
        return self.sents[bisect.bisect_right(self._sent_starts, i) - 1]
