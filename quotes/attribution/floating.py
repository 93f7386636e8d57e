"""Quotations with no cue of their own: they continue the latest speaker, or belong to the
subject of the sentence a colon ends ("X is blunt: “…”")."""
from __future__ import annotations

import bisect

from spacy.tokens import Doc, Token

from ..marks import Quoted
from ..speakers import mention
from .base import Attribution, Context

# A quotation with no cue continues the previous speaker only this many paragraphs later.
FLOATING_REACH = 2
# A quotation this long against its paragraph fills it.
FILLS_PARAGRAPH = 0.6


def floating(ctx: Context, claimed: set[Quoted], found: list[Attribution]) -> list[Attribution]:
    """Quotations with no cue that continue the latest speaker.

    Only a quotation that is most of its paragraph and reads as speech (a few words, not a
    title) counts; scare quotes and titles inside a sentence stay unattributed.
    """
    doc, text = ctx.doc, ctx.text
    out = []
    by_start = sorted(found, key=lambda a: a.end)
    ends = [a.end for a in by_start]
    for q in ctx.quotations.quoted:
        if q in claimed or ctx.skipped.contains(q.outer_start):
            continue
        para_start = text.rfind("\n", 0, q.outer_start) + 1
        para_end = text.find("\n", q.outer_end)
        para_end = len(text) if para_end < 0 else para_end
        paragraph = text[para_start:para_end].strip()
        words = text[q.start:q.end].split()
        before = text[para_start:q.outer_start].rstrip()
        starts_sentence = not before or before.endswith((".", "!", "?", "”", '"', "’", "'", ":"))
        fills_paragraph = len(text[q.outer_start:q.outer_end]) >= FILLS_PARAGRAPH * len(paragraph)
        if len(words) < 2 or not (starts_sentence or fills_paragraph) or _is_title(words):
            continue
        introducer = _colon_subject(doc, q) if before.endswith(":") else None
        if introducer is not None:  # "Martell, the addictions doctor, is more blunt: “…”"
            out.append(Attribution(q.start, q.end, "direct", None, mention(ctx.index, introducer), quoted=[q]))
            continue
        i = bisect.bisect_right(ends, q.outer_start) - 1
        if i < 0:
            continue
        prev = by_start[i]
        gap = text[prev.end : q.outer_start]
        if gap.count("\n\n") + (gap.count("\n") if "\n\n" not in gap else 0) > FLOATING_REACH * 2:
            continue
        if prev.speaker is None:
            continue
        out.append(Attribution(q.start, q.end, "direct", None, prev.speaker, prev.addressee, list(prev.relays),
                               parent=prev, quoted=[q]))
    return out


def _colon_subject(doc: Doc, q: Quoted) -> Token | None:
    """The subject of the sentence a colon ends, when it names someone: "X is blunt: “…”"."""
    span = doc.char_span(q.outer_start - 2, q.outer_start, alignment_mode="expand")
    colon = next((t for t in reversed(span) if t.text == ":"), None) if span is not None else None
    if colon is None:
        return None
    clause = colon.head  # the parser may make the quotation the root; the colon stays with its clause
    subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i >= colon.i or not (subject.ent_type_ in ("PERSON", "ORG") or subject.pos_ == "PRON"):
        return None
    return subject


def _is_title(words: list[str]) -> bool:
    """“The Lord of the Rings”: every content word capitalised, no sentence punctuation."""
    content = [w for w in words if len(w) > 3]
    return bool(content) and all(w[0].isupper() for w in content) and not words[-1].endswith((".", "!", "?", ","))
