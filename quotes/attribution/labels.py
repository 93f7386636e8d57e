"""Lines labelled with a speaker's name: transcripts ("TAPPER: And obviously…") and headline
attributions ("Ted Cruz: ‘…’")."""
from __future__ import annotations

import re

from spacy.tokens import Span

from ..docindex import DocIndex
from .base import Attribution, Context, kind_of, trim_chars

_LABELLED_LINE = re.compile(r"^[ \t]*([^:\n]{2,60}?):[ \t]+(\S[^\n]*)$", re.MULTILINE)


def labelled_lines(ctx: Context, found: list[Attribution]) -> list[Attribution]:
    """Transcripts and headline attributions: "TAPPER: And obviously…", "Ted Cruz: ‘…’".

    The label must be a person's or organisation's name, or in capitals the surname of a person
    the article names (section labels such as "ENERGY:" are not speakers); the content is the
    rest of the line.
    """
    doc, text = ctx.doc, ctx.text
    out = []
    for m in _LABELLED_LINE.finditer(text):
        label, (start, end) = m.group(1).strip(), trim_chars(text, *m.span(2))
        if label.lower() in ctx.lexicon.section_labels or ctx.skipped.contains(m.start(1)) or end - start < 10:
            continue
        if any(a.start < end and start < a.end for a in found):
            continue
        span = doc.char_span(m.start(1), m.start(1) + len(m.group(1).rstrip()), alignment_mode="expand")
        if span is None or not _is_name_label(ctx.index, span):
            continue
        colon = doc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        inside = ctx.quotations.within(start, end)
        kind, start, end = kind_of(text, start, end, inside)
        out.append(Attribution(start, end, kind, colon, span, quoted=inside))
    return out


def _is_name_label(index: DocIndex, span: Span) -> bool:
    words = [t for t in span if t.is_alpha]
    if not words or len(words) > 5:
        return False
    if all(t.is_upper for t in words) and len(words) <= 3:
        # a transcript label is the surname of someone the article names ("TAPPER", "Jake Tapper")
        surname = words[-1].lower_
        return any(e.label_ == "PERSON" and e[-1].lower_ == surname for e in index.ents)
    ents = index.ents_in(span.start, span.end)
    named = {t.i for e in ents if e.label_ in ("PERSON", "ORG") for t in e}
    return all(t.i in named or t.lower_ in ("'s", "’s") for t in words)
