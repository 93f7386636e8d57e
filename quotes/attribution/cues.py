"""Cue verbs: "said", "told", "wrote", "urged"… with their speaker and what they report.

A cue claims its content clause (indirect speech, or mixed or direct when the clause holds
quoted words), a directive or characterisation, a report in a relative clause ("which he said
were split"), the clause an "as" report modifies ("As X reported, Y"), and the quotations beside
it (:mod:`.adjacent`).
"""
from __future__ import annotations

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from ..lexicon import Lexicon
from ..speakers import (CONTENT_DEPS, SUBJECT_DEPS, addressee_of, issued_by, mention, outlet_of_addressee, speaker_of,
                        to_addressee)
from .adjacent import adjacent_quotes
from .base import MIN_INDIRECT_WORDS, Attribution, Context, Relay, end_char, has_mark, kind_of, one_report, trim_chars
from .content import characterisation, content_chars, directive
from .relays import frame_relays, journalist_relays, recounted_by, source_relays, split_journalist, without_place

# Cue roles whose "as" clause reports the clause it modifies: "As X reported/wrote/told CNN, …".
AS_REPORT_ROLES = {"speech", "write", "tell"}
HYPOTHETICAL = {"will", "might", "may", "could", "should", "'ll", "wo"}
CONDITIONS = {"if", "unless", "whether"}  # a cue in a condition or a question reports nothing
REFUSALS = {"decline", "refuse"}  # "declined to say whether …" reports nothing

_CUE_HASHES: dict[tuple[int, int], numpy.ndarray] = {}


def cue_candidates(doc: Doc, lexicon: Lexicon):
    """Verbs whose lemma is a cue, reporting nouns, and "according": found on arrays, not token by token."""
    strings = doc.vocab.strings
    key = (id(lexicon), id(strings))
    if key not in _CUE_HASHES:  # once per lexicon and vocabulary, not per document
        lemmas = [*lexicon.cues, *lexicon.noun_cues, "according"]
        _CUE_HASHES[key] = numpy.array([strings.add(lemma) for lemma in lemmas], dtype="uint64")
    wanted = _CUE_HASHES[key]
    lemmas = doc.to_array([LEMMA, LOWER])
    hits = numpy.nonzero(numpy.isin(lemmas[:, 0], wanted) | numpy.isin(lemmas[:, 1], wanted))[0]
    for i in hits:
        tok = doc[int(i)]
        if tok.pos_ in ("VERB", "AUX") or tok.lower_ == "according" \
                or (tok.pos_ == "NOUN" and tok.lemma_.lower() in lexicon.noun_cues):
            yield tok


def from_cue(ctx: Context, verb: Token, role: str) -> list[Attribution] | None:
    """What cue ``verb`` (of lexicon ``role``) reports, said by its subject, or None."""
    if not _reports(verb):
        return None
    as_reported = _as_reported(verb, ctx.text, role) if role in AS_REPORT_ROLES else None
    if role == "conduit" or (as_reported is None and _is_comparison(verb)):
        return None  # "Reuters quoted X as saying": the inner speech verb carries the content
    speaker_tok, conduit_tok, conduit_cue = speaker_of(ctx.index, verb, ctx.lexicon)
    teller = None  # the noun a relative clause's speaker is ("a colleague who told her")
    if speaker_tok is not None and verb.dep_ == "relcl":
        if speaker_tok.tag_ in ("WP", "WDT") and speaker_tok.dep_ == "nsubj":
            # "China, which called it …"; "X released a video that said …" is X's
            speaker_tok = issued_by(verb.head, ctx.lexicon) or verb.head
            teller = speaker_tok
        elif speaker_tok.tag_ != "WP$" and not any(c.tag_ == "WP$" for c in speaker_tok.children):
            return _relative_content(ctx, verb, speaker_tok)
        # "Trump, whose attorneys argued that …": an ordinary report inside the relative clause
    if speaker_tok is not None and speaker_tok.tag_ in ("WP", "WDT") and verb.dep_ != "relcl":
        speaker_tok = _antecedent(speaker_tok) or speaker_tok  # "a colleague who pinched her and told her"
        teller = speaker_tok
    if speaker_tok is None or (verb.tag_ == "VBN" and not any(c.dep_ in SUBJECT_DEPS for c in verb.children)
                               and verb.dep_ in ("advcl", "conj", "acl")):
        return None  # "when asked whether…", "to say that…", "Asked what…, he said": nobody speaks
    cue = verb.doc[verb.i : verb.i + 1]
    speaker, addressee, relays, employer = _heads(ctx, verb, role, speaker_tok, conduit_tok, conduit_cue)
    if teller is not None:  # "X wrote about a colleague who told her, “…”": X relays the colleague
        relays = recounted_by(ctx, teller) + relays
    if as_reported is not None:
        span = as_reported
    elif role == "directive":
        span = directive(verb, ctx.text) or characterisation(verb, ctx.text)
    else:
        span = content_chars(ctx, verb) if role != "direct" else None
    span = _within_brackets(ctx.text, verb, span) if span else None
    found = _content_attributions(ctx, verb, span, cue, speaker, addressee, relays) if span else []
    found = found or [Attribution(q.start, q.end, "direct", cue, speaker, addressee, list(relays), quoted=[q])
                      for q in adjacent_quotes(ctx, verb)]
    for att in found:
        att.speaker_employer = employer
    return found or None


def _antecedent(pronoun: Token) -> Token | None:
    """The noun a relative pronoun's clause modifies."""
    node = pronoun.head
    for _ in range(4):
        if node.dep_ == "relcl":
            return node.head
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _heads(ctx: Context, verb: Token, role: str, speaker_tok: Token, conduit_tok: Token | None,
           conduit_cue: Span | None) -> tuple[Span | None, Span | None, list[Relay], Span | None]:
    """The cue's speaker and addressee mentions, the relays between them and the article, and the
    speaker's outlet when the speaker is a journalist named with it."""
    index, said = ctx.index, verb.lower_
    relays = [Relay(mention(index, conduit_tok), conduit_cue.text.lower())] if conduit_tok is not None else []
    source = source_relays(ctx, verb)
    if source is not None:  # "the Post reported, quoting an official": the official said it
        relays.append(Relay(mention(index, speaker_tok), said))
        speaker_tok = source
    speaker, employer = mention(index, speaker_tok), None
    journalist = split_journalist(ctx, speaker) if speaker is not None else None
    if journalist is not None:  # "MSNBC's Ayman Mohyeldin reported": MSNBC first
        relays.append(Relay(journalist[0], said, media=True))
        employer, speaker = journalist
    relays += frame_relays(ctx, verb, speaker_tok)
    addressee = mention(index, addressee_of(verb) if role == "tell" else to_addressee(verb, ctx.lexicon))
    both = outlet_of_addressee(verb, ctx.lexicon.media["role"]) if role == "tell" else None
    if both is not None:  # "told CNN’s Jake Tapper", parsed as two objects
        outlet = mention(index, both[0])
        relays.append(Relay(outlet, said, media=True))
        relays.append(Relay(mention(index, both[1]), said, addressed=True, employer=outlet))
        return speaker, mention(index, both[1]), relays, employer
    if addressee is not None:  # "told CNN's Jake Tapper": CNN relays, Tapper is spoken to
        *outlet, told = journalist_relays(ctx, without_place(addressee, ctx.lexicon), said, addressed=True)
        relays += outlet
        addressee = told.mention
    return speaker, addressee, relays, employer


def _content_attributions(ctx: Context, verb: Token, span: tuple[int, int], cue: Span, speaker: Span | None,
                          addressee: Span | None, relays: list[Relay]) -> list[Attribution]:
    """The content ``span`` of a cue as attributions (two when the cue interrupts it), and the
    quotation on the other side of the cue: “A,” she said, “B.”"""
    text = ctx.text
    pieces = _around_cue(text, *span, verb, speaker)
    if len(pieces) == 2 and pieces[1][0] > verb.idx and not _has_verb(verb.doc, *pieces[1]):
        # "X hid under desks, he said, but one person ran to the roof": the part after an
        # interrupting cue carries a verb ("The market, he said, has cooled"); the parser cut
        # this one short of it, so it runs to the end of the sentence, or is none
        rest = trim_chars(text, pieces[1][0], end_char(ctx.index.sent(verb.i)[-1]))
        pieces = [pieces[0], rest] if _has_verb(verb.doc, *rest) else pieces[:1]
    found = []
    for start, end in pieces:
        inside = ctx.quoted_in(start, end, verb.idx)
        kind, start, end = kind_of(text, start, end, inside)
        words = text[start:end].split()
        # "But, Carson added, he did not …": a piece of one function word ("But") is no content
        if len(words) == 1 and kind == "indirect" and len(pieces) > 1 and words[0].strip(",;").lower() in STOP_WORDS:
            continue
        if kind != "indirect" or len(words) >= (1 if len(pieces) > 1 else MIN_INDIRECT_WORDS):
            found.append(Attribution(start, end, kind, cue, speaker, addressee, list(relays), quoted=inside))
    if len(found) == 1:
        first = found[0]
        # the other half of the quotation; also after 'The “plan is dead,” she said'
        if first.kind == "direct" or (first.kind == "mixed" and first.end <= verb.idx
                                      and first.quoted[-1].outer_end >= first.end):
            found += [Attribution(q.start, q.end, "direct", cue, speaker, first.addressee, list(relays), quoted=[q])
                      for q in adjacent_quotes(ctx, verb) if q not in first.quoted]
    return found


def _relative_content(ctx: Context, verb: Token, speaker_tok: Token) -> list[Attribution] | None:
    """"…applicants, which he said were evenly split": the clause after the cue, whose subject
    (or object) is the relative pronoun before it. "…whom the couple claims they adopted",
    where the clause has a subject of its own, reports nothing about the noun."""
    clause = next((c for c in verb.children if c.dep_ in CONTENT_DEPS and c.i > verb.i), None)
    if clause is None or any(c.dep_ in SUBJECT_DEPS and c.i > verb.i for c in clause.children):
        return None
    return one_report(ctx, verb, speaker_tok, end_char(verb), end_char(clause.right_edge))


def _as_reported(verb: Token, text: str, role: str) -> tuple[int, int] | None:
    """"As Politico reported Tuesday, the PAC will…", "…failed, as the minister predicted", "as
    the archbishop told the AP, “…”": the clause the "as" clause modifies is the content."""
    children = list(verb.children)
    objects = ("xcomp",) if role == "tell" else ("dobj", "xcomp")  # whom one tells is no content
    if verb.dep_ != "advcl" or not has_mark(verb, "as") \
            or not any(c.dep_ == "nsubj" for c in children) \
            or any(c.dep_ in CONTENT_DEPS or c.dep_ in objects for c in children):
        return None  # "as predicted by critics" names no speaker; "as they threatened to…" reports that
    head = verb.head
    if verb.i < head.i:
        return trim_chars(text, end_char(verb.right_edge), end_char(head.right_edge))
    return trim_chars(text, head.left_edge.idx, verb.left_edge.idx)


def _within_brackets(text: str, verb: Token, span: tuple[int, int]) -> tuple[int, int] | None:
    """A cue inside brackets reports what is inside them: "those who fear softness (“…,” Lee
    wrote last week) and those who …"."""
    sent = verb.sent
    opened = text.rfind("(", sent.start_char, verb.idx)
    if opened < 0 or ")" in text[opened:verb.idx]:
        return span
    closed = text.find(")", verb.idx, sent.end_char)
    if closed < 0:
        return span
    start, end = trim_chars(text, max(span[0], opened + 1), min(span[1], closed))
    return (start, end) if end > start else None


def _has_verb(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.pos_ in ("VERB", "AUX") for t in span)


def _around_cue(text: str, start: int, end: int, verb: Token, speaker: Span | None) -> list[tuple[int, int]]:
    """Content interrupted by its cue ("The industry, she said, is doing better") in two pieces; a
    cue and speaker the parser hung inside the content ("The warden said, “…”") left out of it."""
    lo = min(verb.idx, speaker.start_char if speaker is not None else verb.idx)
    hi = max(end_char(verb), speaker.end_char if speaker is not None else 0)
    if hi <= start or lo >= end:
        return [(start, end)]
    pieces = [trim_chars(text, start, lo), trim_chars(text, hi, end)]
    return [(s, e) for s, e in pieces if e > s]


def _reports(verb: Token) -> bool:
    """Whether the cue reports words said: not "has not said", "will argue", "if he says", "was told", "and told"
    after a passive ("had been diagnosed and told he had three months")."""
    children = list(verb.children)
    if any(c.dep_ == "neg" for c in children) or any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL for c in children):
        return False
    if any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in children):
        return False  # "if the president is now saying …" supposes; it reports nothing
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in REFUSALS:
        return False  # "declined to say whether …": what was not said
    if any(c.dep_ == "auxpass" for c in children):
        return False
    if verb.dep_ == "conj" and not any(c.dep_ in SUBJECT_DEPS for c in children):
        return not any(c.dep_ == "auxpass" for c in verb.head.children)
    return True


def _is_comparison(verb: Token) -> bool:
    """"…lower than TransLink says they are": a comparison, not a report."""
    children = list(verb.children)
    if any(c.dep_ in CONTENT_DEPS for c in children) and not any(c.lower_ == "than" for c in children):
        return False  # "…were stymied as city staff said they could not talk": "as" of time, with content
    return any((c.lower_ == "than" and c.dep_ in ("mark", "advmod", "prep")) or (c.lower_ == "as" and c.dep_ in ("mark", "advmod"))
               for c in children)
