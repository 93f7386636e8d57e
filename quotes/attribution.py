"""Tie quoted and reported content to its cue and speaker mention, from the dependency parse.

Input: a parsed ``Doc``, the quoted stretches from :mod:`quotes.marks` and the lexicon.
Output: :class:`Attribution` records in character offsets, with the speaker still a *mention*
(``he``, ``the envoy``) found by :mod:`quotes.speakers`; :mod:`quotes.resolution` turns mentions
into names.

The rules, in the order they claim content:

1. a cue verb (``said``, ``told``, ``wrote``…) with a content clause: indirect speech, or a mixed
   quote when the clause holds quoted words, or a direct quote when it is all in marks; also
   directives ("urged residents to…") and characterisations ("calls it a rookie mistake");
   reports in a relative clause ("which he said were split") and "As X reported, Y";
2. a cue verb next to a quotation: ``“…,” he said, “…”`` and ``X said: “…”``;
3. ``according to X``, and a reporting noun with its owner ("his claim that …");
4. a line labelled with a speaker's name: "TAPPER: …", "Ted Cruz: ‘…’";
5. a quotation with no cue: after "X is blunt:" it is X's, otherwise it continues the previous
   speaker when it starts a sentence or fills its paragraph.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Span, Token

from .docindex import INDEX_KEY, DocIndex
from .docindex import index_of as _index
from .lexicon import Lexicon
from .marks import Quoted, trim
from .speakers import (ADJACENT_ROLES, CONTENT_DEPS, OBJECT_DEPS, SUBJECT_DEPS, addressee_of, apposed_subject,
                       issued_by, mention, speaker_of)

CUE_ROLES = ADJACENT_ROLES | {"directive"}  # every role a cue verb can play
TRIM = " \t\n,;:—–-"
MIN_INDIRECT_WORDS = 3
# A quotation with no cue continues the previous speaker only this many paragraphs later.
FLOATING_REACH = 2
DASHES = {"--", "—", "–"}
CLAUSE_BREAKS = {":", ";"} | DASHES  # what cuts a clause before the cue off from it


_CUE_HASHES: dict[tuple[int, int], numpy.ndarray] = {}


def _cue_candidates(doc: Doc, lexicon: Lexicon):
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


@dataclass
class Attribution:
    """Content (character offsets) attributed to a cue and a speaker mention."""

    start: int
    end: int
    kind: str
    cue: Span | None
    speaker: Span | None
    addressee: Span | None = None
    conduit: Span | None = None
    conduit_cue: Span | None = None
    parent: "Attribution | None" = None  # continued (floating or split) from this attribution
    quoted: list[Quoted] = field(default_factory=list)


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


def attribute(doc: Doc, quotations: QuoteIndex, lexicon: Lexicon, skipped: RangeSet,
              index: DocIndex | None = None) -> list[Attribution]:
    """All attributions in ``doc``, ordered by content start.

    ``skipped`` holds the character ranges (headlines, link lines) where nothing is attributed.
    """
    doc.user_data[INDEX_KEY] = index or DocIndex(doc)
    try:
        return _attribute(doc, quotations, lexicon, skipped)
    finally:
        del doc.user_data[INDEX_KEY]  # user_data crosses processes with msgpack: keep it plain


def _attribute(doc: Doc, index: QuoteIndex, lexicon: Lexicon, skipped: RangeSet) -> list[Attribution]:
    text = _index(doc).text
    found: list[Attribution] = []

    for tok in _cue_candidates(doc, lexicon):
        if index.containing(tok.idx) or skipped.contains(tok.idx):
            continue
        if tok.lower_ == "according":
            att = _according_to(tok, text, index)
        elif tok.pos_ == "NOUN":
            att = _noun_report(tok, text, index, lexicon)
        else:
            role = lexicon.cue_role(tok.lemma_)
            if role not in CUE_ROLES or tok.pos_ != "VERB":
                continue
            att = _from_cue(tok, role, text, index, lexicon)
        found.extend(att or [])

    found.extend(_labelled_lines(doc, text, index, skipped, found))
    found.sort(key=lambda a: a.start)
    found = _drop_overlaps(found)
    claimed = {q for a in found for q in a.quoted}
    found.extend(_floating(doc, index.quoted, claimed, found, skipped))
    found.sort(key=lambda a: a.start)
    return found


def _from_cue(verb: Token, role: str, text: str, index: QuoteIndex, lexicon: Lexicon) -> list[Attribution] | None:
    if not _reports(verb):
        return None
    if role in ("speech", "write") and (span := _as_reported(verb, text)) is not None:
        return _one_report(verb, speaker_of(verb, lexicon)[0], *span, text, index)
    if role == "conduit" or _is_comparison(verb):
        return None  # "Reuters quoted X as saying": the inner speech verb carries the content
    speaker_tok, conduit_tok, conduit_cue = speaker_of(verb, lexicon)
    if speaker_tok is not None and verb.dep_ == "relcl":
        if speaker_tok.tag_ in ("WP", "WDT") and speaker_tok.dep_ == "nsubj":
            # "China, which called it …"; "X released a video that said …" is X's
            speaker_tok = issued_by(verb.head, lexicon) or verb.head
        elif speaker_tok.tag_ != "WP$" and not any(c.tag_ == "WP$" for c in speaker_tok.children):
            return _relative_content(verb, speaker_tok, text, index)
        # "Trump, whose attorneys argued that …": an ordinary report inside the relative clause
    if speaker_tok is None or (verb.tag_ == "VBN" and not any(c.dep_ in SUBJECT_DEPS for c in verb.children)
                               and verb.dep_ in ("advcl", "conj", "acl")):
        return None  # "when asked whether…", "to say that…", "Asked what…, he said": nobody speaks
    addressee = addressee_of(verb) if role == "tell" else None
    cue = verb.doc[verb.i : verb.i + 1]
    if role == "directive":
        span = _directive(verb, text) or _characterisation(verb, text)
    else:
        span = _content_chars(verb, text, lexicon) if role != "direct" else None
    if span is not None:
        speaker = mention(speaker_tok)
        pieces = _around_cue(text, *span, verb, speaker)
        found = []
        for start, end in pieces:
            inside = index.within(start, end)
            kind, start, end = _kind_of(text, start, end, inside)
            if kind != "indirect" or len(text[start:end].split()) >= (1 if len(pieces) > 1 else MIN_INDIRECT_WORDS):
                found.append(Attribution(start, end, kind, cue, speaker, mention(addressee),
                                         mention(conduit_tok), conduit_cue, quoted=inside))
        if found:
            first = found[0]
            # “A,” she said, “B.”: the other half; also after 'The “plan is dead,” she said'
            if len(found) == 1 and (first.kind == "direct" or (first.kind == "mixed" and first.end <= verb.idx
                                                               and first.quoted[-1].outer_end >= first.end)):
                found += [Attribution(q.start, q.end, "direct", cue, speaker, first.addressee,
                                      first.conduit, conduit_cue, quoted=[q])
                          for q in _adjacent_quotes(verb, text, index) if q not in first.quoted]
            return found
    adjacent = _adjacent_quotes(verb, text, index)
    if not adjacent:
        return None
    return [
        Attribution(q.start, q.end, "direct", cue, mention(speaker_tok), mention(addressee),
                    mention(conduit_tok), conduit_cue, quoted=[q])
        for q in adjacent
    ]


def _relative_content(verb: Token, speaker_tok: Token, text: str, index: QuoteIndex) -> list[Attribution] | None:
    """"…applicants, which he said were evenly split": the clause after the cue, whose subject
    (or object) is the relative pronoun before it. "…whom the couple claims they adopted",
    where the clause has a subject of its own, reports nothing about the noun."""
    clause = next((c for c in verb.children if c.dep_ in CONTENT_DEPS and c.i > verb.i), None)
    if clause is None or any(c.dep_ in SUBJECT_DEPS and c.i > verb.i for c in clause.children):
        return None
    return _one_report(verb, speaker_tok, _end_char(verb), _end_char(clause.right_edge), text, index)


def _noun_report(noun: Token, text: str, index: QuoteIndex, lexicon: Lexicon) -> list[Attribution] | None:
    """"Trump's claim that Obama was born abroad": the that-clause of a reporting noun, said by
    its owner ("his warning that …", "a statement by the ministry that …")."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and c.i > noun.i
                   and _has_mark(c, "that")), None)
    owner = next((c for c in noun.children if c.dep_ == "poss"), None) or next(
        (g for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from") for g in c.children
         if g.dep_ == "pobj"), None)
    if clause is None or owner is None:
        return None
    start, end = _clause_chars(clause, text, lexicon)
    return _one_report(noun, owner, start, end, text, index)


def _content_before(verb: Token, text: str) -> tuple[int, int] | None:
    """"Those who take on heavy debt struggle, even with a “good” job, he said.": a cue that ends
    its sentence after a comma reports what comes before the comma, however the parser attached it."""
    doc, sent = verb.doc, _index(verb.doc).sent(verb.i)
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None:
        return None  # "…, the president has been holed up at the White House, tweeting."
    # after the cue only its time and place ("on Tuesday", "in a statement") and punctuation
    modifiers = {t.i for c in verb.children if c.i > verb.i and c.dep_ in ("prep", "npadvmod", "advmod")
                 for t in c.subtree} | {t.i for t in subject.subtree}
    # a dash sets off a comment on the report: "…, the Budget Office reported -- a development …"
    tail_end = next((t.i for t in doc[verb.i + 1 : sent.end] if t.text in DASHES), sent.end)
    if any(t.is_quote or not (t.is_punct or t.i in modifiers) or t.pos_ in ("VERB", "AUX")
           for t in doc[verb.i + 1 : tail_end]):
        return None  # the sentence goes on: "…, dozens posted instances of …"
    comma = subject.left_edge.i - 1 if subject.i < verb.i else verb.i - 1
    if comma < 1 or doc[comma].text != ",":
        return None
    first = sent.start
    if comma <= first:  # the parser ended a sentence at the comma: "…a “good” job, | she said."
        if "\n" in doc[first - 1].text_with_ws or doc[comma - 1].is_space:
            return None
        first = _index(doc).sent(comma - 1).start
    start, end = _trim(text, doc[first].idx, doc[comma].idx)
    return (start, end) if len(text[start:end].split()) >= MIN_INDIRECT_WORDS else None


def _cut_off_before(clause: Token, verb: Token) -> bool:
    """A clause before the cue that is no content of it: one a colon, semicolon or dash cuts off
    ("…has had an effect: 20 percent said they believe …") or an adverbial clause the parser
    took for content ("While not everything Trump says is true, Jamieson said …")."""
    if clause.i > verb.i:
        return False
    return any(t.text in CLAUSE_BREAKS for t in verb.doc[clause.right_edge.i + 1 : verb.i]) \
        or (clause.left_edge.pos_ == "SCONJ" and clause.left_edge.lower_ not in ("that", "whether", "if"))


def _clause_after_phrase(verb: Token) -> Token | None:
    """"said for the first time that …", "said in a statement that …": the that-clause the
    parser hung on the noun of the cue's phrase."""
    for prep in verb.rights:
        if prep.dep_ != "prep":
            continue
        for noun in prep.children:
            # "that" opens the clause without being its subject (as in "a statement that was …")
            clause = next((c for c in noun.rights if c.dep_ in ("acl", "relcl", "ccomp")
                           and c.left_edge.lower_ == "that" and c.left_edge.dep_ in ("mark", "advmod")
                           and any(s.dep_ in SUBJECT_DEPS for s in c.children)), None)
            if noun.dep_ == "pobj" and clause is not None:
                return clause
    return None


def _question(verb: Token) -> Token | None:
    """"asked workers if they planned to attend": the question the parser hung on "ask" as an
    adverbial clause."""
    if verb.lemma_.lower() not in ("ask", "inquire"):
        return None
    return next((c for c in verb.rights if c.dep_ == "advcl"
                 and _has_mark(c, "if", "whether")), None)


def _has_mark(clause: Token, *words: str) -> bool:
    """Whether ``clause`` is introduced by one of ``words`` ("that", "if", "as") as its marker."""
    return any(c.dep_ == "mark" and c.lower_ in words for c in clause.children)


def _as_reported(verb: Token, text: str) -> tuple[int, int] | None:
    """"As Politico reported Tuesday, the PAC will…", "…failed, as the minister predicted":
    the clause the "as" clause modifies is the content."""
    children = list(verb.children)
    if verb.dep_ != "advcl" or not _has_mark(verb, "as") \
            or not any(c.dep_ == "nsubj" for c in children) \
            or any(c.dep_ in CONTENT_DEPS or c.dep_ in ("dobj", "xcomp") for c in children):
        return None  # "as predicted by critics" names no speaker; "as they threatened to…" reports that
    head = verb.head
    if verb.i < head.i:
        return _trim(text, _end_char(verb.right_edge), _end_char(head.right_edge))
    return _trim(text, head.left_edge.idx, verb.left_edge.idx)


def _one_report(verb: Token, speaker_tok: Token | None, start: int, end: int, text: str,
                index: QuoteIndex) -> list[Attribution] | None:
    start, end = _trim(text, start, end)
    if speaker_tok is None or len(text[start:end].split()) < MIN_INDIRECT_WORDS:
        return None
    inside = index.within(start, end)
    kind, start, end = _kind_of(text, start, end, inside)
    return [Attribution(start, end, kind, verb.doc[verb.i : verb.i + 1], mention(speaker_tok), quoted=inside)]


def _around_cue(text: str, start: int, end: int, verb: Token, speaker: Span | None) -> list[tuple[int, int]]:
    """Content interrupted by its cue ("The industry, she said, is doing better") in two pieces."""
    lo = min(verb.idx, speaker.start_char if speaker is not None else verb.idx)
    hi = max(_end_char(verb), speaker.end_char if speaker is not None else 0)
    if not (start < lo and hi < end):
        return [(start, end)]
    pieces = [_trim(text, start, lo), _trim(text, hi, end)]
    return [(s, e) for s, e in pieces if e > s]


HYPOTHETICAL = {"will", "might", "may", "could", "should", "'ll", "wo"}


def _reports(verb: Token) -> bool:
    """Whether the cue reports words said: not "has not said", "will argue", "was told", "and told"
    after a passive ("had been diagnosed and told he had three months")."""
    children = list(verb.children)
    if any(c.dep_ == "neg" for c in children) or any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL for c in children):
        return False
    if any(c.dep_ == "auxpass" for c in children):
        return False
    if verb.dep_ == "conj" and not any(c.dep_ in SUBJECT_DEPS for c in children):
        return not any(c.dep_ == "auxpass" for c in verb.head.children)
    return True


def _starts_a_report(tok: Token, lexicon: Lexicon) -> bool:
    """A cue that opens the next report ("…, adding that", "…, according to"): content stops there."""
    return (tok.pos_ == "VERB" and lexicon.cue_role(tok.lemma_) in ADJACENT_ROLES) or tok.lower_ == "according"


def _is_comparison(verb: Token) -> bool:
    """"…lower than TransLink says they are": a comparison, not a report."""
    children = list(verb.children)
    if any(c.dep_ in CONTENT_DEPS for c in children) and not any(c.lower_ == "than" for c in children):
        return False  # "…were stymied as city staff said they could not talk": "as" of time, with content
    return any((c.lower_ == "than" and c.dep_ in ("mark", "advmod", "prep")) or (c.lower_ == "as" and c.dep_ in ("mark", "advmod"))
               for c in children)


def _content_chars(verb: Token, text: str, lexicon: Lexicon) -> tuple[int, int] | None:
    """Character span of what the cue verb reports, or None.

    The complement clause gives the core; parsers often hang the clause's last phrases on the
    verb, so content that follows the cue runs on to the end of the sentence (or the next cue),
    and content before it ("Y, X said") starts at the sentence start.
    """
    sent = _index(verb.doc).sent(verb.i)
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None) or apposed_subject(verb)
    subject_i = subject.i if subject is not None else verb.i
    # a "clause" between the subject and its verb is the parser's reading of an apposition:
    # "Jeffrey Salkin, a Hollywood, Fla., rabbi helping to organize the boycott, said he …"
    clause = next((c for c in verb.children if c.dep_ in CONTENT_DEPS and not subject_i < c.i < verb.i
                   and not _cut_off_before(c, verb)), None) or _question(verb) or _clause_after_phrase(verb)
    if clause is None and verb.dep_ == "parataxis" and verb.head.i != verb.i:
        # "Police, Sinclair says, have no policies…": the cue interrupts the content
        head = verb.head
        start, end = _trim(text, head.left_edge.idx, _end_char(head.right_edge))
        return (start, end) if end > start else None
    if clause is None and verb.dep_ in ("ccomp", "parataxis") and verb.head.i > verb.right_edge.i + 1 \
            and verb.doc[verb.right_edge.i + 1].text in (",", ":"):
        # "Leahy previously reported, The Clinton Foundation refused …": the parser made the
        # content the main clause and the cue its complement
        start, end = _trim(text, _end_char(verb.right_edge), _end_char(verb.head.right_edge))
        return (start, end) if end > start else None
    if clause is None:
        return (_directive(verb, text) or _characterisation(verb, text) or _gerund(verb, text, lexicon)
                or _content_before(verb, text) or _bare_complement(verb, text, lexicon))
    start, end = _clause_chars(clause, text, lexicon)
    if clause.i > verb.i:
        # phrases the parser hung on the cue verb belong to the content; the main clause of a
        # "While X said Y, Z…" sentence and a report coordinated with the clause do not
        stop = min(sent.end, verb.right_edge.i + 1) if _coordinated_report(clause, lexicon) is None else 0
        stop = next((tok.i for tok in verb.doc[clause.right_edge.i + 1 : stop] if _starts_a_report(tok, lexicon)), stop)
        while stop > clause.right_edge.i + 1 and verb.doc[stop - 1].dep_ == "cc":
            stop -= 1  # "…was balanced and added that…": the "and" joins the two reports
        if stop > clause.right_edge.i + 1:
            end = max(end, _trim(text, start, _end_char(verb.doc[stop - 1]))[1])
    else:
        first = min([verb.i] + [c.left_edge.i for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i > clause.i])
        start = min(start, _trim(text, sent.start_char, end)[0])
        end = max(end, _trim(text, start, verb.doc[first].idx)[1])
    return (start, end) if end > start else None


def _according_to(tok: Token, text: str, index: QuoteIndex) -> list[Attribution] | None:
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if source is None:
        return None
    phrase_start, phrase_end = tok.left_edge.idx, _end_char(to.right_edge)
    head = tok.head
    while head.dep_ not in ("ROOT", "ccomp", "conj") and head.head.i != head.i:
        head = head.head
    start, end = _trim(text, head.left_edge.idx, _end_char(head.right_edge))
    if start >= phrase_start:
        phrase_end = _end_char(_source_end(source))
    after = tok.doc.char_span(phrase_end, end, alignment_mode="expand") if phrase_end < end else None
    if start < phrase_start and after is not None and any(t.pos_ in ("VERB", "AUX") for t in after):
        # "Among the precedents at risk, according to Ms. Epstein, are 16 cases"
        pieces = [_trim(text, start, phrase_start), _trim(text, phrase_end, end)]
    elif start < phrase_start:
        pieces = [_trim(text, start, phrase_start)]
    else:
        pieces = [_trim(text, phrase_end, end)]
    if sum(e - s for s, e in pieces) < 15:
        return None
    cue = tok.doc[tok.i : to.i + 1]
    found = []
    for start, end in pieces:
        if end > start:
            inside = index.within(start, end)
            kind, start, end = _kind_of(text, start, end, inside)
            found.append(Attribution(start, end, kind, cue, mention(source), quoted=inside))
    return found


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


_LABELLED_LINE = re.compile(r"^[ \t]*([^:\n]{2,60}?):[ \t]+(\S[^\n]*)$", re.MULTILINE)
NOT_SPEAKER_LABELS = {"update", "note", "editor's note", "editor’s note", "photo", "read more", "watch", "related",
                      "video", "source", "sources", "correction", "disclosure", "warning", "q", "a"}


def _labelled_lines(doc: Doc, text: str, index: QuoteIndex, skipped: "RangeSet",
                    found: list[Attribution]) -> list[Attribution]:
    """Transcripts and headline attributions: "TAPPER: And obviously…", "Ted Cruz: ‘…’".

    The label must be a person's or organisation's name, or in capitals the surname of a person
    the article names (section labels such as "ENERGY:" are not speakers); the content is the
    rest of the line.
    """
    out = []
    for m in _LABELLED_LINE.finditer(text):
        label, (start, end) = m.group(1).strip(), _trim(text, *m.span(2))
        if label.lower() in NOT_SPEAKER_LABELS or skipped.contains(m.start(1)) or end - start < 10:
            continue
        if any(a.start < end and start < a.end for a in found):
            continue
        span = doc.char_span(m.start(1), m.start(1) + len(m.group(1).rstrip()), alignment_mode="expand")
        if span is None or not _is_name_label(span):
            continue
        colon = doc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
        inside = index.within(start, end)
        kind, start, end = _kind_of(text, start, end, inside)
        out.append(Attribution(start, end, kind, colon, span, quoted=inside))
    return out


def _is_name_label(span: Span) -> bool:
    words = [t for t in span if t.is_alpha]
    if not words or len(words) > 5:
        return False
    index = _index(span.doc)
    if all(t.is_upper for t in words) and len(words) <= 3:
        # a transcript label is the surname of someone the article names ("TAPPER", "Jake Tapper")
        surname = words[-1].lower_
        return any(e.label_ == "PERSON" and e[-1].lower_ == surname for e in index.ents)
    ents = index.ents_in(span.start, span.end)
    named = {t.i for e in ents if e.label_ in ("PERSON", "ORG") for t in e}
    return all(t.i in named or t.lower_ in ("'s", "’s") for t in words)


def _coordinated_report(clause: Token, lexicon: Lexicon) -> Token | None:
    return next((c for c in clause.children if c.dep_ == "conj" and _starts_a_report(c, lexicon)), None)


def _clause_chars(clause: Token, text: str, lexicon: Lexicon) -> tuple[int, int]:
    """The clause without its "that", without a trailing ", adding/saying/conceding …" and
    without a report the parser coordinated with it ("he welcomed extradition and added, …")."""
    toks = list(clause.subtree)
    start_tok = toks[0]
    if start_tok.dep_ in ("mark", "advmod") and start_tok.head.i == clause.i and start_tok.lower_ in ("that", "whether", "if"):
        start_tok = toks[1] if len(toks) > 1 else start_tok
    report = _coordinated_report(clause, lexicon)
    if report is not None:
        toks = [t for t in toks if t.i < report.left_edge.i]
        while len(toks) > 1 and (toks[-1].dep_ == "cc" or toks[-1].is_punct):
            toks.pop()
    end_tok = toks[-1]
    for prev, tok in zip(toks, toks[1:]):
        if prev.text == "," and tok.tag_ == "VBG" and tok.dep_ == "advcl" and tok.i > start_tok.i + 2:
            end_tok = prev
            break
    return _trim(text, start_tok.idx, _end_char(end_tok))


def _directive(verb: Token, text: str) -> tuple[int, int] | None:
    """What someone urged or asked of someone: "urged residents to conserve water".

    The content is the to-infinitive after an addressee ("called on Ottawa to act"); a promise
    with no addressee ("vowed to win") is not.
    """
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if verb.lemma_ == "call" and after is not None and after.lower_ == "for":
        # "called for a ceasefire", "is calling for the United States to take …" (for as a mark)
        top = after if after.head.i == verb.i else after.head
        if top.head.i == verb.i and top.right_edge.i > after.i:
            return _trim(text, _end_char(after), _end_char(top.right_edge))
    addressed = _is_addressed(verb)
    for child in verb.children:
        if addressed and child.dep_ == "xcomp" and child.left_edge.i > verb.i \
                and any(a.dep_ == "aux" and a.lower_ == "to" for a in child.lefts):  # "to act", "not to speculate"
            return _trim(text, child.left_edge.idx, _end_char(child.right_edge))
    return None


def _is_addressed(verb: Token) -> bool:
    """Whether the cue has someone it addresses: an object ("urged residents"), "called on X", or
    an object the parser took for a time phrase ("warned the public Monday")."""
    return any(c.dep_ in OBJECT_DEPS or (c.dep_ == "prep" and c.lower_ == "on")
               or (c.dep_ == "npadvmod" and c.i > verb.i and c.pos_ in ("NOUN", "PROPN")
                   and any(g.dep_ == "det" for g in c.children))
               for c in verb.children)


def _gerund(verb: Token, text: str, lexicon: Lexicon) -> tuple[int, int] | None:
    """A gerund the cue reports as a proposition: "proposed taxing carbon emissions",
    "reported holding investments in Ford"."""
    if lexicon.cue_role(verb.lemma_) not in ("speech", "write"):
        return None
    gerund = next((c for c in verb.rights if c.dep_ in ("dobj", "xcomp") and c.tag_ == "VBG"
                   and not any(g.dep_ in SUBJECT_DEPS for g in c.children)), None)
    return None if gerund is None else _trim(text, gerund.left_edge.idx, _end_char(gerund.right_edge))


def _characterisation(verb: Token, text: str) -> tuple[int, int] | None:
    """What someone called or described something: "calls it a rookie mistake",
    "describes himself as the most left-leaning Green on council"."""
    if not any(c.dep_ == "dobj" for c in verb.children):
        return None
    for child in verb.children:
        if child.dep_ == "oprd" and verb.lemma_ == "call":
            return _trim(text, child.left_edge.idx, _end_char(child.right_edge))
        if child.dep_ == "prep" and child.lower_ == "as" and child.i > verb.i:
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return _trim(text, objects[0].left_edge.idx, _end_char(objects[0].right_edge))
    return None


FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
QUANTIFIERS = {"many", "some", "most", "few", "several", "all", "both", "others", "none"}  # "said many raised …"


def _bare_complement(verb: Token, text: str, lexicon: Lexicon) -> tuple[int, int] | None:
    """Content the parser did not attach: "X said Thursday the plan would fail".

    After the cue (its addressee, time and place phrases, "that"), the rest of the sentence
    counts as content when it reads as a clause: a subject, then a finite verb.
    """
    doc, sent = verb.doc, _index(verb.doc).sent(verb.i)
    if verb.lemma_.lower() not in lexicon.clause_cues:
        return None
    i = verb.i + 1
    objects = {c.left_edge.i: c.right_edge.i for c in verb.children if c.dep_ in OBJECT_DEPS} \
        if lexicon.cue_role(verb.lemma_) == "tell" else {}
    while i < sent.end:
        tok = doc[i]
        if i in objects:  # "told The Washington Post he was…": the addressee is no content
            i = objects[i] + 1
        elif tok.pos_ == "ADP" and tok.head.i == verb.i and tok.lower_ != "that":
            i = tok.right_edge.i + 1
        elif tok.ent_type_ in ("DATE", "TIME") or tok.pos_ in ("ADV", "PUNCT", "SPACE") or tok.lower_ == "that":
            i += 1
        else:
            break
    stop = next((tok.i for tok in doc[i + 1 : sent.end] if _starts_a_report(tok, lexicon)), sent.end)
    if i < sent.end and doc[i].dep_ == "dobj" and doc[i].head.i == verb.i and verb.lemma_ != "say":
        return None  # "added another goal"
    words = doc[i:stop]
    nominal = next((t.i for t in words if t.pos_ in ("NOUN", "PROPN", "PRON") or t.lower_ in QUANTIFIERS), None)
    finite = next((t.i for t in words if t.tag_ in FINITE_TAGS), None)
    if nominal is None or finite is None or finite < nominal or len(words) < MIN_INDIRECT_WORDS + 1:
        return None
    start, end = _trim(text, doc[i].idx, _end_char(doc[stop - 1]))
    return (start, end) if end > start else None


def _kind_of(text: str, start: int, end: int, inside: list[Quoted]) -> tuple[str, int, int]:
    """direct when the content is all one quotation, mixed when it holds one, else indirect."""
    if not inside:
        return "indirect", start, end - (text[end - 1] == ".")
    first, last = inside[0], inside[-1]
    outside = text[start:first.outer_start] + text[last.outer_end:end]
    if len(inside) == 1 and not any(ch.isalnum() for ch in outside):
        return "direct", first.start, first.end
    start, end = min(start, first.outer_start), max(end, last.outer_end)
    return "mixed", start, end - (text[end - 1] == ".")


def _adjacent_quotes(verb: Token, text: str, index: QuoteIndex) -> list[Quoted]:
    """Quotations in the cue's sentence (or just across its edges) with only attribution between."""
    sent = _index(verb.doc).sent(verb.i)
    lo = sent.start_char
    hi = sent.end_char
    # a quotation may begin in the sentence and run past it ("X said: “A. B.”")
    candidates = [q for q in index.within(max(0, lo - 2), hi) if q.outer_end > lo - 2]
    out = []
    for q in candidates:
        if q.outer_end <= verb.idx:
            between = text[q.outer_end : verb.idx]
            # “…,” he said — the quotation closes its clause; in "a “good” job, she said" it does not
            closed = text[q.start:q.end].rstrip()[-1:] in ",.!?…—–-" or between.lstrip()[:1] in (",", "—", "–", "-", "")
        elif q.outer_start >= verb.idx:
            between = text[_end_char(verb) : q.outer_start]
            # said Wednesday, “…”; “A,” said X, and “B”; called it “false” — not "pointed to a “serious flaw”"
            closed = (not between.strip() or between.rstrip()[-1:] in ",:—–-"
                      or between.rstrip().endswith((" and", " but")) or _object_of(verb, q))
        else:
            continue
        words = between.split()
        if closed and len(words) <= 8 and "." not in between.strip(" ,") and ";" not in between:
            out.append(q)
    return out


def _object_of(verb: Token, q: Quoted) -> bool:
    """Whether quotation ``q`` is (inside) the cue's object or complement: "voiced his “anger”"."""
    span = verb.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span.root
    while tok.head.i != tok.i and tok.head.i != verb.i:
        tok = tok.head
    return tok.head.i == verb.i and tok.dep_ in ("dobj", "oprd", "ccomp", "xcomp", "attr", "acomp")


def _floating(doc: Doc, quoted: list[Quoted], claimed: set[Quoted], found: list[Attribution],
              skipped: "RangeSet") -> list[Attribution]:
    """Quotations with no cue that continue the latest speaker.

    Only a quotation that is most of its paragraph and reads as speech (a few words, not a
    title) counts; scare quotes and titles inside a sentence stay unattributed.
    """
    text = _index(doc).text
    out = []
    by_start = sorted(found, key=lambda a: a.end)
    ends = [a.end for a in by_start]
    for q in quoted:
        if q in claimed or skipped.contains(q.outer_start):
            continue
        para_start = text.rfind("\n", 0, q.outer_start) + 1
        para_end = text.find("\n", q.outer_end)
        para_end = len(text) if para_end < 0 else para_end
        paragraph = text[para_start:para_end].strip()
        words = text[q.start:q.end].split()
        before = text[para_start:q.outer_start].rstrip()
        starts_sentence = not before or before.endswith((".", "!", "?", "”", '"', "’", "'", ":"))
        fills_paragraph = len(text[q.outer_start:q.outer_end]) >= 0.6 * len(paragraph)
        if len(words) < 2 or not (starts_sentence or fills_paragraph) or _is_title(words):
            continue
        introducer = _colon_subject(doc, q) if before.endswith(":") else None
        if introducer is not None:  # "Martell, the addictions doctor, is more blunt: “…”"
            out.append(Attribution(q.start, q.end, "direct", None, mention(introducer), quoted=[q]))
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
        out.append(Attribution(q.start, q.end, "direct", None, prev.speaker, parent=prev, quoted=[q]))
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


def _drop_overlaps(found: list[Attribution]) -> list[Attribution]:
    """One attribution per stretch.

    Drops exact repeats, and a "content" that is really another attribution read twice: it
    opens with that attribution's quotation and holds its cue (“A,” said X, … he said, “B.”).
    """
    out: list[Attribution] = []
    kept: set[tuple[int, int]] = set()
    by_first_quotation: dict[Quoted, list[Attribution]] = {}
    for o in found:
        if o.quoted and o.cue is not None:
            by_first_quotation.setdefault(o.quoted[0], []).append(o)
    for att in found:
        if (att.start, att.end) in kept:
            continue
        if att.kind != "direct" and att.quoted and any(
            o is not att and att.start <= o.cue.start_char < att.end and att.start >= o.quoted[0].outer_start - 1
            for o in by_first_quotation.get(att.quoted[0], ())
        ):
            continue
        kept.add((att.start, att.end))
        out.append(att)
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    return trim(text, start, end, TRIM)


def _end_char(tok: Token) -> int:
    return tok.idx + len(tok.text)


class RangeSet:
    def __init__(self, ranges: list[tuple[int, int]]):
        self.ranges = sorted(ranges)
        self.starts = [r[0] for r in self.ranges]

    def contains(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ranges[i][1]
