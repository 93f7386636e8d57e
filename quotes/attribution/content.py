"""The content a cue verb reports: its clause, what the parser hung elsewhere, and the shapes
of content that are not a clause (a directive, a characterisation, a gerund)."""
from __future__ import annotations

from spacy.tokens import Token

from ..lexicon import Lexicon
from ..speakers import CONTENT_DEPS, OBJECT_DEPS, SUBJECT_DEPS, apposed_subject, noun_object
from .base import (CLAUSE_BREAKS, DASHES, MIN_INDIRECT_WORDS, REPORTING_ROLES, Context, end_char, has_mark,
                   starts_a_report, trim_chars)

QUESTION_CUES = {"ask", "inquire"}  # "asked workers if they …": the question is the content
FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
QUANTIFIERS = {"many", "some", "most", "few", "several", "all", "both", "others", "none"}  # "said many raised …"


def content_chars(ctx: Context, verb: Token) -> tuple[int, int] | None:
    """Character span of what the cue verb reports, or None.

    The complement clause gives the core; parsers often hang the clause's last phrases on the
    verb, so content that follows the cue runs on to the end of the sentence (or the next cue),
    and content before it ("Y, X said") starts at the sentence start.
    """
    text, lexicon = ctx.text, ctx.lexicon
    sent = ctx.index.sent(verb.i)
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None) or apposed_subject(verb)
    subject_i = subject.i if subject is not None else verb.i
    # a "clause" between the subject and its verb is the parser's reading of an apposition:
    # "Jeffrey Salkin, a Hollywood, Fla., rabbi helping to organize the boycott, said he …"
    clause = next((c for c in verb.children if c.dep_ in CONTENT_DEPS and not subject_i < c.i < verb.i
                   and not _cut_off_before(c, verb) and not _past_its_object(c, verb, lexicon)), None) \
        or _question(verb) or _clause_after_phrase(verb)
    quoting = _quoting_verb(verb, lexicon)
    if clause is None and quoting is not None:
        # "“…,” the agency quoted Ms. Simonyan, the editor in chief, as saying": the parser hangs
        # the words on "quoted", whose subject and object stand between them and "saying"
        return content_chars(ctx, quoting)
    if clause is None and verb.dep_ == "parataxis" and verb.head.i != verb.i:
        # "Police, Sinclair says, have no policies…": the cue interrupts the content
        head = verb.head
        start, end = trim_chars(text, head.left_edge.idx, end_char(head.right_edge))
        return (start, end) if end > start else None
    if clause is None and verb.dep_ in ("ccomp", "parataxis") and verb.head.i > verb.right_edge.i + 1 \
            and verb.doc[verb.right_edge.i + 1].text in (",", ":"):
        # "Leahy previously reported, The Clinton Foundation refused …": the parser made the
        # content the main clause and the cue its complement
        start, end = trim_chars(text, end_char(verb.right_edge), end_char(verb.head.right_edge))
        return (start, end) if end > start else None
    if clause is None:
        return (directive(verb, text) or characterisation(verb, text) or _gerund(verb, text, lexicon)
                or _content_before(ctx, verb) or _bare_complement(ctx, verb))
    start, end = clause_chars(clause, text, lexicon)
    # the clause stops short of its subtree at a report set off after it (", adding, “…”",
    # ", according to …"): what follows is that report's, so the content does not run on
    after = next((t for t in clause.subtree if t.idx >= end and not t.is_punct), None)
    cut_short = after is not None and starts_a_report(after, lexicon)
    if clause.i > verb.i:
        # phrases the parser hung on the cue verb belong to the content; the main clause of a
        # "While X said Y, Z…" sentence and a report coordinated with the clause do not
        stop = min(sent.end, verb.right_edge.i + 1) if coordinated_report(clause, lexicon) is None and not cut_short else 0
        stop = next((tok.i for tok in verb.doc[clause.right_edge.i + 1 : stop] if starts_a_report(tok, lexicon)), stop)
        while stop > clause.right_edge.i + 1 and verb.doc[stop - 1].dep_ == "cc":
            stop -= 1  # "…was balanced and added that…": the "and" joins the two reports
        if stop > clause.right_edge.i + 1:
            end = max(end, trim_chars(text, start, end_char(verb.doc[stop - 1]))[1])
        # "…, according to the Times" is another report about this one, wherever the parser hung it
        according = next((t for t in verb.doc[clause.left_edge.i + 2 : stop or clause.right_edge.i + 1]
                          if t.lower_ == "according" and t.idx < end), None)
        if according is not None:
            end = trim_chars(text, start, according.idx)[1]
    else:
        first = min([verb.i] + [c.left_edge.i for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i > clause.i])
        start = min(start, trim_chars(text, sent.start_char, end)[0])
        end = max(end, trim_chars(text, start, verb.doc[first].idx)[1])
    return (start, end) if end > start else None


def _quoting_verb(verb: Token, lexicon: Lexicon) -> Token | None:
    """"quoted" in "X quoted Y as saying" (``verb`` is "saying"), or None."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.lower_ != "as" or prep.head.i == prep.i:
        return None
    quoting = prep.head
    return quoting if quoting.pos_ == "VERB" and lexicon.cue_role(quoting.lemma_) == "conduit" else None


def _content_before(ctx: Context, verb: Token) -> tuple[int, int] | None:
    """"Those who take on heavy debt struggle, even with a “good” job, he said.": a cue that ends
    its sentence after a comma reports what comes before the comma, however the parser attached it."""
    doc, text, sent = verb.doc, ctx.text, ctx.index.sent(verb.i)
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None:
        return None  # "…, the president has been holed up at the White House, tweeting."
    # after the cue only its time and place ("on Tuesday", "in a statement"), whom it was told
    # ("…, his aide told The Huffington Post.") and punctuation
    modifiers = {t.i for c in verb.children if c.i > verb.i and c.dep_ in ("prep", "npadvmod", "advmod", *OBJECT_DEPS)
                 for t in c.subtree} | {t.i for t in subject.subtree}
    # a dash sets off a comment on the report: "…, the Budget Office reported -- a development …"
    tail_end = next((t.i for t in doc[verb.i + 1 : sent.end] if t.text in DASHES), sent.end)
    if any(t.is_quote or not (t.is_punct or t.is_space or t.i in modifiers) or t.pos_ in ("VERB", "AUX")
           for t in doc[verb.i + 1 : tail_end]):
        return None  # the sentence goes on: "…, dozens posted instances of …"
    comma = subject.left_edge.i - 1 if subject.i < verb.i else verb.i - 1
    if comma < 1 or doc[comma].text != ",":
        return None
    first = sent.start
    if comma <= first:  # the parser ended a sentence at the comma: "…a “good” job, | she said."
        if "\n" in doc[first - 1].text_with_ws or doc[comma - 1].is_space:
            return None
        first = ctx.index.sent(comma - 1).start
    start, end = trim_chars(text, doc[first].idx, doc[comma].idx)
    return (start, end) if len(text[start:end].split()) >= MIN_INDIRECT_WORDS else None


def _cut_off_before(clause: Token, verb: Token) -> bool:
    """A clause before the cue that is no content of it: one a colon, semicolon or dash cuts off
    ("…has had an effect: 20 percent said they believe …") or an adverbial clause the parser
    took for content ("While not everything Trump says is true, Jamieson said …")."""
    if clause.i > verb.i:
        return False
    return any(t.text in CLAUSE_BREAKS for t in verb.doc[clause.right_edge.i + 1 : verb.i]) \
        or (clause.left_edge.pos_ == "SCONJ" and clause.left_edge.lower_ not in ("that", "whether", "if"))


def _past_its_object(clause: Token, verb: Token, lexicon: Lexicon) -> bool:
    """A clause after the cue's noun-phrase object and a comma is no content of it: "At the moment
    Sanders announced his candidacy last spring, Mook was holding a meeting" (whom one tells is
    an object too: "told aides that …" keeps its clause)."""
    if lexicon.cue_role(verb.lemma_) == "tell":
        return False
    obj = noun_object(verb)
    return obj is not None and obj.i < clause.i and any(t.text == "," for t in verb.doc[obj.right_edge.i + 1 : clause.i])


def _clause_after_phrase(verb: Token) -> Token | None:
    """"said for the first time that …", "said in a statement that …": the that-clause the
    parser hung on the noun of the cue's phrase."""
    preps = [c for c in verb.rights if c.dep_ == "prep"]
    for _ in range(3):  # "told Trump at the beginning of the meeting that …": phrases within phrases
        nouns = [n for prep in preps for n in prep.children if n.dep_ == "pobj"]
        for noun in nouns:
            # "that" opens the clause without being its subject (as in "a statement that was …")
            clause = next((c for c in noun.rights if c.dep_ in ("acl", "relcl", "ccomp")
                           and c.left_edge.lower_ == "that" and c.left_edge.dep_ in ("mark", "advmod")
                           and any(s.dep_ in SUBJECT_DEPS for s in c.children)), None)
            if clause is not None:
                return clause
        preps = [c for n in nouns for c in n.rights if c.dep_ == "prep"]
    return None


def _question(verb: Token) -> Token | None:
    """"asked workers if they planned to attend": the question the parser hung on "ask" as an
    adverbial clause."""
    if verb.lemma_.lower() not in QUESTION_CUES:
        return None
    return next((c for c in verb.rights if c.dep_ == "advcl"
                 and has_mark(c, "if", "whether")), None)


def coordinated_report(clause: Token, lexicon: Lexicon) -> Token | None:
    """A cue joined to the clause with no subject of its own: the speaker's next act ("said that
    the rise was unfair and called for a hearing"), not more of what was said; but one in the
    clause's tense where the cue's differs is the clause's ("told reporters that China expresses
    dissatisfaction and is cautioning its citizens")."""
    cue = clause.head
    return next((c for c in clause.children if c.dep_ == "conj" and (
        starts_a_report(c, lexicon) or (lexicon.cue_role(c.lemma_) == "directive" and c.pos_ == "VERB"
                                        and not any(g.dep_ in SUBJECT_DEPS for g in c.children)))
        and not (_tense(c) == _tense(clause) != _tense(cue))), None)


def _tense(verb: Token) -> str | None:
    """"past" or "present" of a finite verb, read from its first auxiliary or itself."""
    finite = next((a for a in verb.children if a.dep_ in ("aux", "auxpass") and a.i < verb.i), verb)
    return {"VBD": "past", "VBZ": "present", "VBP": "present"}.get(finite.tag_)


def clause_chars(clause: Token, text: str, lexicon: Lexicon) -> tuple[int, int]:
    """The clause without its "that", without a trailing ", adding/saying/conceding …" and
    without a report the parser coordinated with it ("he welcomed extradition and added, …")."""
    toks = list(clause.subtree)
    start_tok = toks[0]
    if start_tok.dep_ in ("mark", "advmod") and start_tok.head.i == clause.i and start_tok.lower_ in ("that", "whether", "if"):
        start_tok = toks[1] if len(toks) > 1 else start_tok
    report = coordinated_report(clause, lexicon)
    if report is not None:
        toks = [t for t in toks if t.i < report.left_edge.i]
        while len(toks) > 1 and (toks[-1].dep_ == "cc" or toks[-1].is_punct):
            toks.pop()
    end_tok = toks[-1]
    for k, (prev, tok) in enumerate(zip(toks, toks[1:])):
        # ", adding …", and ",” adding …" with the comma inside the closing mark
        comma = prev.text == "," or (prev.is_quote and k > 0 and toks[k - 1].text == ",")
        if comma and tok.tag_ == "VBG" and tok.dep_ == "advcl" and tok.i > start_tok.i + 2:
            end_tok = prev
            break
        if tok.lower_ == "according" and tok.i > start_tok.i + 2:  # "…, according to Easley": another report
            end_tok = prev
            break
    return trim_chars(text, start_tok.idx, end_char(end_tok))


def directive(verb: Token, text: str) -> tuple[int, int] | None:
    """What someone urged or asked of someone: "urged residents to conserve water".

    The content is the to-infinitive after an addressee ("called on Ottawa to act"); a promise
    with no addressee ("vowed to win") is not.
    """
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if verb.lemma_ == "call" and after is not None and after.lower_ == "for":
        # "called for a ceasefire", "is calling for the United States to take …" (for as a mark)
        top = after if after.head.i == verb.i else after.head
        if top.head.i == verb.i and top.right_edge.i > after.i:
            return trim_chars(text, end_char(after), end_char(top.right_edge))
    addressed = _is_addressed(verb)
    for child in verb.children:
        if addressed and child.dep_ == "xcomp" and child.left_edge.i > verb.i \
                and any(a.dep_ == "aux" and a.lower_ == "to" for a in child.lefts):  # "to act", "not to speculate"
            return trim_chars(text, child.left_edge.idx, end_char(child.right_edge))
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
    if lexicon.cue_role(verb.lemma_) not in REPORTING_ROLES:
        return None
    gerund = next((c for c in verb.rights if c.dep_ in ("dobj", "xcomp") and c.tag_ == "VBG"
                   and not any(g.dep_ in SUBJECT_DEPS for g in c.children)), None)
    return None if gerund is None else trim_chars(text, gerund.left_edge.idx, end_char(gerund.right_edge))


def characterisation(verb: Token, text: str) -> tuple[int, int] | None:
    """What someone called or described something: "calls it a rookie mistake",
    "describes himself as the most left-leaning Green on council"."""
    if not any(c.dep_ == "dobj" for c in verb.children):
        return None
    for child in verb.children:
        if child.dep_ == "oprd" and verb.lemma_ == "call":
            return trim_chars(text, child.left_edge.idx, end_char(child.right_edge))
        if child.dep_ == "prep" and child.lower_ == "as" and child.i > verb.i:
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return trim_chars(text, objects[0].left_edge.idx, end_char(objects[0].right_edge))
    return None


def _clause_of_its_own(obj: Token, stop: int) -> bool:
    """Whether the first finite verb after the noun phrase ``obj`` has a subject or a
    subordinator of its own ("added a goal as the Hurricanes won"), or follows "and"/"but"
    ("claimed a victory but trails"), so that ``obj`` is a true
    object, not the subject of a clause the parser took for one ("stating state officials –
    not Washington – are in charge")."""
    doc = obj.doc
    finite = next((t for t in doc[obj.right_edge.i + 1 : stop] if t.tag_ in FINITE_TAGS), None)
    if finite is None or doc[finite.i - 1].lower_ in ("and", "but", "or", "yet"):
        return True  # "claimed a victory but trails Clinton": a second predicate of the same subject
    return any(c.dep_ in SUBJECT_DEPS or c.dep_ == "mark" for c in finite.children)


def _bare_complement(ctx: Context, verb: Token) -> tuple[int, int] | None:
    """Content the parser did not attach: "X said Thursday the plan would fail".

    After the cue (its addressee, time and place phrases, "that"), the rest of the sentence
    counts as content when it reads as a clause: a subject, then a finite verb.
    """
    doc, text, lexicon, sent = verb.doc, ctx.text, ctx.lexicon, ctx.index.sent(verb.i)
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
    stop = next((tok.i for tok in doc[i + 1 : sent.end] if starts_a_report(tok, lexicon)), sent.end)
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.left_edge.i == i), None)
    if obj is not None and verb.lemma_ != "say" and _clause_of_its_own(obj, sent.end):
        return None  # "added another goal when Karlsson scored": the object is no subject of a report
    words = doc[i:stop]
    nominal = next((t.i for t in words if t.pos_ in ("NOUN", "PROPN", "PRON") or t.lower_ in QUANTIFIERS), None)
    finite = next((t.i for t in words if t.tag_ in FINITE_TAGS), None)
    if nominal is None or finite is None or finite < nominal or len(words) < MIN_INDIRECT_WORDS + 1:
        return None
    start, end = trim_chars(text, doc[i].idx, end_char(doc[stop - 1]))
    return (start, end) if end > start else None
