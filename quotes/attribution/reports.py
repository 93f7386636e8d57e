"""Reports without a cue verb: "according to X", and a reporting noun with its owner
("his claim that …", "a statement by the ministry that …")."""
from __future__ import annotations

from spacy.tokens import Token

from ..speakers import mention
from .base import REPORTING_ROLES, Attribution, Context, Relay, end_char, has_mark, kind_of, one_report, trim_chars
from .content import clause_chars
from .relays import source_spoke_to


def according_to(ctx: Context, tok: Token) -> list[Attribution] | None:
    """"The factory will close, according to its owner": the clause the phrase modifies."""
    text = ctx.text
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if source is None:
        return None
    phrase_start, phrase_end = tok.left_edge.idx, end_char(to.right_edge)
    head = tok.head
    while head.dep_ not in ("ROOT", "ccomp", "conj") and head.head.i != head.i:
        head = head.head
    after = tok.doc[to.right_edge.i + 1 : ctx.index.sent(tok.i).end]
    # only when the reported words follow the phrase: in "“…,” Sanders said, according to CNN" the
    # report is done, and CNN reports it
    reporter = _reporter_before(ctx, tok) if any(t.pos_ in ("VERB", "AUX") for t in after) else None
    if reporter is not None and head.i < tok.i:
        # the parser hung the words on the reporting verb: they are the clause after the phrase
        head = next((c for c in head.children if c.dep_ in ("ccomp", "conj", "advcl") and c.i > tok.i), head)
    first = head.left_edge
    if first.lower_ in ("that", "whether") and first.dep_ == "mark" and first.i + 1 < head.right_edge.i:
        first = first.doc[first.i + 1]  # "…told his mother that X, according to Easley": X
    start, end = trim_chars(text, first.idx, end_char(head.right_edge))
    if start >= phrase_start:
        phrase_end = end_char(_source_end(source))
    after = tok.doc.char_span(phrase_end, end, alignment_mode="expand") if phrase_end < end else None
    if start < phrase_start and after is not None and any(t.pos_ in ("VERB", "AUX") for t in after):
        # "Among the precedents at risk, according to Ms. Epstein, are 16 cases"
        pieces = [trim_chars(text, start, phrase_start), trim_chars(text, phrase_end, end)]
    elif start < phrase_start:
        pieces = [trim_chars(text, start, phrase_start)]
    else:
        pieces = [trim_chars(text, phrase_end, end)]
    # "…, according to two officials, that the mayor would resign": the content after "that"
    pieces = [(s + 5, e) if text.startswith("that ", s) and s >= phrase_end else (s, e) for s, e in pieces]
    if sum(e - s for s, e in pieces) < 15:
        return None
    cue = tok.doc[tok.i : to.i + 1]
    found = []
    for start, end in pieces:
        if end > start:
            inside = ctx.quoted_in(start, end, tok.idx)
            kind, start, end = kind_of(text, start, end, inside)
            relays = ([reporter] if reporter is not None else []) + source_spoke_to(ctx, source)
            found.append(Attribution(start, end, kind, cue, mention(ctx.index, source), quoted=inside, relays=relays))
    return found


def _reporter_before(ctx: Context, tok: Token) -> Relay | None:
    """"Politico reported, according to sources, Clinton …", "The Herald reported, according to two
    officials, that …": a reporting verb and its subject just before the phrase report what the
    sources said, so they are its outer conduit."""
    doc = tok.doc
    if tok.i < 3 or doc[tok.i - 1].text != ",":
        return None
    verb = doc[tok.i - 2]
    subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
    if verb.pos_ != "VERB" or subject is None or ctx.lexicon.cue_role(verb.lemma_) not in REPORTING_ROLES:
        return None
    return Relay(mention(ctx.index, subject), verb.lower_)


def _source_end(source: Token) -> Token:
    """The last word of X in a leading "According to X, …".

    The parser sometimes hangs the reported clause on X ("According to Rush Limbaugh, the move
    reeks of fear": "reeks" as an apposition of Limbaugh), so X ends at its first comma, or at
    the second when a verbless apposition sits between ("According to Rubio, a senator, …").
    """
    doc, last = source.doc, source.right_edge
    commas = [t.i for t in doc[source.i + 1 : last.i + 1] if t.text == ","]
    if not commas:
        return last
    if len(commas) > 1 and not any(t.pos_ in ("VERB", "AUX") for t in doc[commas[0] + 1 : commas[1]]):
        return doc[commas[1] - 1]
    return doc[commas[0] - 1]


def noun_report(ctx: Context, noun: Token) -> list[Attribution] | None:
    """"Trump's claim that Obama was born abroad": the that-clause of a reporting noun, said by
    its owner ("his warning that …", "a statement by the ministry that …")."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and c.i > noun.i
                   and has_mark(c, "that")), None)
    owner = next((c for c in noun.children if c.dep_ == "poss"), None) or next(
        (g for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from") for g in c.children
         if g.dep_ == "pobj"), None)
    if clause is None or owner is None:
        return None
    start, end = clause_chars(clause, ctx.text, ctx.lexicon)
    return one_report(ctx, noun, owner, start, end)
