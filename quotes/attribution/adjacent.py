"""Quotations beside their cue: “…,” he said; he said: “…”; called it “false”."""
from __future__ import annotations

from spacy.tokens import Token

from ..marks import Quoted
from .base import Context, end_char


# Words that may stand between a cue and its quotation: "said Wednesday in Ottawa, “…”".
MAX_WORDS_BETWEEN = 8
MAX_WORDS_BEFORE_COLON = 14
POSSESSIVES = ("'s", "’s", "s'", "s’")


def adjacent_quotes(ctx: Context, verb: Token) -> list[Quoted]:
    """Quotations in the cue's sentence (or just across its edges) with only attribution between."""
    text, sent = ctx.text, ctx.index.sent(verb.i)
    lo = sent.start_char
    hi = sent.end_char
    # a quotation may begin in the sentence and run past it ("X said: “A. B.”")
    candidates = [q for q in ctx.quotations.within(max(0, lo - 2), hi) if q.outer_end > lo - 2]
    out = []
    for q in candidates:
        if q.outer_end <= verb.idx:
            if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj") and _set_off(text, q, verb):
                continue  # "…,” adding, “…”": a participle set off goes on to the words after it
            between_start, between_end = q.outer_end, verb.idx
            between = text[between_start:between_end]
            # “…,” he said — the quotation closes its clause; in "a “good” job, she said" it does not
            closed = text[q.start:q.end].rstrip()[-1:] in ",.!?…—–-" or between.lstrip()[:1] in (",", "—", "–", "-", "")
        elif q.outer_start >= verb.idx:
            between_start, between_end = end_char(verb), q.outer_start
            between = text[between_start:between_end]
            if between.rstrip().endswith(POSSESSIVES):
                continue  # "said on CBS’s “Face the Nation”": a quotation after a possessive is a name
            # said Wednesday, “…”; “A,” said X, and “B”; called it “false” — not "pointed to a “serious flaw”"
            closed = (not between.strip() or between.rstrip()[-1:] in ",:—–-"
                      or between.rstrip().endswith((" and", " but")) or _object_of(verb, q))
        else:
            continue
        # phrases on the cue itself ("in an interview with the Business Insider politics editor
        # Oliver Darcy", "on Monday") are attribution too, however long
        words = [t for t in _tokens(ctx, between_start, between_end)
                 if not t.is_punct and t.dep_ != "case" and not _frames(t, verb)]
        # "told Congress when asked last month about the inquiry: “…”": a colon introduces the
        # quotation across a longer phrase than a comma does
        reach = MAX_WORDS_BEFORE_COLON if between.rstrip().endswith(":") else MAX_WORDS_BETWEEN
        if closed and len(words) <= reach and not _sentence_break(ctx, between_start, between_end):
            out.append(q)
    return out


def _tokens(ctx: Context, start: int, end: int) -> list[Token]:
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    return [t for t in span if start <= t.idx < end] if span is not None else []


def _frames(tok: Token, verb: Token) -> bool:
    """Whether ``tok`` stands in a phrase the parser hung on the cue: where, when, to whom, in
    what interview."""
    while tok.head.i != tok.i and tok.head.i != verb.i:
        tok = tok.head
    return tok.head.i == verb.i and tok.dep_ in ("prep", "npadvmod", "advmod")


def _sentence_break(ctx: Context, start: int, end: int) -> bool:
    """Whether a full stop or a semicolon stands between two offsets: a token of its own, not
    the point of "Ms.", "U.S." or "Sen." ("“…,” the agency quoted Ms. Simonyan as saying")."""
    return ";" in ctx.text[start:end] or any(set(t.text) == {"."} for t in _tokens(ctx, start, end))


def _object_of(verb: Token, q: Quoted) -> bool:
    """Whether quotation ``q`` is (inside) the cue's object or complement: "voiced his “anger”"."""
    span = verb.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span.root
    while tok.head.i != tok.i and tok.head.i != verb.i:
        tok = tok.head
    return tok.head.i == verb.i and tok.dep_ in ("dobj", "oprd", "ccomp", "xcomp", "attr", "acomp")


def _set_off(text: str, q: Quoted, verb: Token) -> bool:
    """Whether only a comma (inside or outside the marks) stands between quotation ``q`` and the cue."""
    return text[q.start : verb.idx].rstrip().rstrip("\"'”’“‘").rstrip().endswith(",")
