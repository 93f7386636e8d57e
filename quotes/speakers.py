"""Who speaks: the speaker, conduit and addressee of a cue, read off the dependency parse.

Input: a cue token of a parsed ``Doc`` and the document's :class:`~quotes.docindex.DocIndex`.
Output: head tokens, and :func:`mention` turns a head into the noun phrase it stands for ("the envoy",
"Turkish Minister Hulusi Akar"). The subject of the cue's clause comes first; "X quoted Y as
saying" gives Y as speaker and X as conduit (other conduits are :mod:`quotes.attribution.relays`). When the small model's parser loses the subject,
fallbacks read it off the surface: an inverted "…, said treasurer Tom Okafor", a name set off by
commas ("Senator Harry Reid, the minority leader, said"), a name the parser cut into a sentence
of its own.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from .docindex import DocIndex
from .lexicon import Lexicon

SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
CONTENT_DEPS = {"ccomp"}
MENTION_CUT_DEPS = {"appos", "relcl", "acl", "punct", "advcl", "cc", "conj", "prep"}
OBJECT_DEPS = {"dobj", "dative", "iobj"}
# Entity types of a quantity, which speaks with what it is a share of: "two-thirds of the nurses".
SHARE_TYPES = {"CARDINAL", "PERCENT", "QUANTITY"}
# Prepositions whose phrase belongs to an unnamed speaker's description.
DESCRIPTION_PLACES = {"in", "at", "from", "with", "inside", "close"}
# Adjectives after the noun they describe, which the parser may take for the head: "a security
# professional present during the attack", "the officials involved in the talks".
POSTPOSITIVE = {"present", "involved"}
ADJACENT_ROLES = {"speech", "tell", "write", "conduit", "direct"}  # cues that take a quotation beside them
# Verbs of speaking whose "to" phrase names whom the words were for ("whispered to him"); not
# "responded to", "pointed to", "admitted to", "testified to", where it names a thing.
ADDRESSED_WITH_TO = {"say", "whisper", "shout", "yell", "mutter", "murmur", "explain", "complain", "write",
                     "confide", "declare", "remark"}


def _subject(index: DocIndex, node: Token) -> Token | None:
    """The subject of ``node``; of several the parser gave it ("Apple co-founder Steve Wozniak
    said", split at the hyphen into "co" and "Wozniak"), the one a person or organisation is named by."""
    subjects = [c for c in node.children if c.dep_ in SUBJECT_DEPS and not c.is_punct]
    if len(subjects) > 1:
        named = [c for c in subjects if (e := index.ent_at(c.i)) is not None and e.label_ in ("PERSON", "ORG")]
        if named:
            return named[-1]
    subject = subjects[0] if subjects else None
    if subject is not None and subject.tag_ in ("NN", "JJ") and index.ent_at(subject.i) is None \
            and not any(c.dep_ == "det" for c in subject.children):
        # "American academic and professor Marc Lamont Hill commented": titles joined before a name
        person = next((c for c in subject.children if c.dep_ == "conj" and (e := index.ent_at(c.i)) is not None
                       and e.label_ == "PERSON"), None)
        if person is not None:
            return person
    return subject


def speaker_of(index: DocIndex, verb: Token, lexicon: Lexicon) -> tuple[Token | None, Token | None, Span | None]:
    """(speaker, conduit, conduit cue) heads for a cue verb.

    Walks up through participles and coordination ("…, saying", "smiled and said") to the
    clause that has a subject, and recognises "X quoted Y as saying" / "Y was quoted as saying".
    """
    outer = verb.head.head
    joined = verb.dep_ == "conj" or (verb.dep_ == "advcl" and verb.tag_ == "VBG")
    reports_clause = lexicon.cue_role(outer.lemma_) == "tell" or noun_object(outer) is None  # not "announced his candidacy"
    if joined and verb.head.dep_ == "ccomp" and lexicon.cue_role(outer.lemma_) in ADJACENT_ROLES and reports_clause \
            and lexicon.cue_role(verb.head.lemma_) not in ADJACENT_ROLES \
            and not any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        # "Lazar said he welcomed extradition and added, …", "Trump told Newsmax that Romney “…,”
        # adding, “…”": the parser joined "added"/"adding" to the reported clause, but the one
        # who added is the one who said
        return speaker_of(index, outer, lexicon)
    node = verb
    for _ in range(6):
        subj = _subject(index, node)
        if node.i != verb.i and lexicon.cue_role(node.lemma_) == "conduit":
            obj = next((c for c in node.children if c.dep_ in OBJECT_DEPS), None)
            # "Y was quoted by X as saying"; "Y was quoted as saying by X" hangs the "by" on "saying"
            agent = next((g for c in (*node.children, *verb.children) if c.dep_ == "agent"
                          or (c.dep_ == "prep" and c.lower_ == "by" and c.head.i == verb.i)
                          for g in c.children if g.dep_ == "pobj"), None)
            cue = node.doc[node.i : node.i + 1]
            if obj is not None:
                return obj, subj, cue
            if subj is not None and subj.dep_ == "nsubjpass":
                return subj, agent, cue
        if subj is not None:
            return subj, None, None
        if node.dep_ in ("advcl", "xcomp", "conj", "pcomp", "prep", "acl") and node.head.i != node.i \
                or (node.dep_ == "acomp" and node.i != verb.i):  # "was quick to point out"
            node = node.head
            continue
        if node.i != verb.i and issued_by(node, lexicon) is not None:
            node = node.head  # "X issued a statement saying …": the statement's author speaks
            continue
        break
    for top in (verb, node) if node.i != verb.i else (verb,):  # "Vickers | said …, noting that …"
        found = (_inverted_subject(index, top) or apposed_subject(top) or _name_set_off_before(index, top)
                 or _left_neighbour(index, top))
        if found is not None:
            return found, None, None
    return None, None, None


def noun_object(verb: Token) -> Token | None:
    """The noun phrase a verb takes as its object: "candidacy" in "announced his candidacy"."""
    return next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")), None)


def _comma_before(verb: Token) -> int | None:
    """The comma just before the cue, past its adverbs and time: "…, last week said"."""
    doc, j = verb.doc, verb.i - 1
    while j > 0 and (doc[j].pos_ == "ADV" or doc[j].ent_type_ in ("DATE", "TIME")):
        j -= 1
    return j if j > 0 and doc[j].text == "," else None


def _name_set_off_before(index: DocIndex, verb: Token) -> Token | None:
    """"Alarmed by the unrest, Senator Harry Reid, the minority leader, said …" when the parser
    hung the name on the phrase before it: the first person or organisation of the sentence that
    a comma sets off on both sides, with only its apposition between it and the cue."""
    doc = verb.doc
    j = _comma_before(verb)
    if any(c.dep_ in SUBJECT_DEPS for c in verb.children) or j is None:
        return None
    sent = index.sent(verb.i)
    for ent in index.ents_in(sent.start, j):
        if ent.label_ not in ("PERSON", "ORG") or ent.end >= j or doc[ent.end].text != ",":
            continue
        first = ent.start
        while first > sent.start and doc[first - 1].is_title and doc[first - 1].pos_ in ("PROPN", "NOUN"):
            first -= 1  # "Senator Harry Reid"
        if (first == sent.start or doc[first - 1].text == ",") and not any(t.is_quote for t in doc[ent.end : j]):
            return ent.root
    return None


def apposed_subject(verb: Token) -> Token | None:
    """"Jeffrey Salkin, a Hollywood, Fla., rabbi helping to organize the boycott, said …" when
    the parser read the apposition as a clause of the verb, with the name as its subject."""
    comma = _comma_before(verb)
    if any(c.dep_ in SUBJECT_DEPS for c in verb.children) or comma is None:
        return None
    clause = next((c for c in verb.lefts if c.dep_ in CONTENT_DEPS), None)
    if clause is None or clause.right_edge.i not in (comma - 1, verb.i - 1) or any(t.is_quote for t in clause.subtree):
        return None
    subject = next((c for c in clause.lefts if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ != "PROPN" or verb.doc[subject.i + 1].text != ",":
        return None
    return subject


def issued_by(noun: Token, lexicon: Lexicon) -> Token | None:
    """The subject of "X issued/sent/posted <noun>", when ``noun`` is that object."""
    head = noun.head
    if noun.dep_ != "dobj" or head.lemma_.lower() not in lexicon.issuing_verbs:
        return None
    return next((c for c in head.children if c.dep_ in SUBJECT_DEPS and not c.is_punct), None)


def _left_neighbour(index: DocIndex, verb: Token) -> Token | None:
    """"Still, McNeely said disease…" when the parser made the name a modifier of the verb."""
    if verb.i == 0:
        return None
    tok = verb.doc[verb.i - 1]
    if tok.pos_ not in ("PROPN", "PRON") or tok.dep_ in ("poss", "pobj", "dobj") or "\n" in tok.text_with_ws:
        return None
    sent = index.sent(tok.i)
    # the parser may also end a sentence after the name: "Vickers | said he's …"
    if sent.start == index.sent(verb.i).start or all(t.pos_ == "PROPN" for t in sent):
        return tok
    return None


def _inverted_subject(index: DocIndex, verb: Token) -> Token | None:
    """"«…» said treasurer Tom Okafor" when the parser missed the subject after the verb."""
    doc = verb.doc
    if verb.i == 0 or not (doc[verb.i - 1].is_quote or doc[verb.i - 1].is_punct):
        return None
    for tok in doc[verb.i + 1 : index.sent(verb.i).end]:
        if tok.pos_ in ("PROPN", "NOUN"):
            while tok.head.i > tok.i and tok.head.pos_ in ("PROPN", "NOUN") and tok.dep_ in ("compound", "amod", "flat"):
                tok = tok.head
            return tok
        if tok.pos_ not in ("DET", "ADJ", "PROPN", "NOUN", "PUNCT"):
            return None
    return None


def addressee_of(verb: Token) -> Token | None:
    """Whom the cue's words were told: its object ("told the council", "telling Akar")."""
    return next((c for c in verb.children if c.dep_ in OBJECT_DEPS), None)


def to_addressee(verb: Token, lexicon: Lexicon) -> Token | None:
    """Whom a speaking verb's "to" phrase names: "whispered to him", "wrote to the council",
    "said to reporters" (an audience, which resolution keeps apart) — a person, a body or a
    pronoun for one, not "responded to the criticism" (the verb is no verb of addressing)."""
    if verb.lemma_.lower() not in ADDRESSED_WITH_TO:
        return None
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"):
        for obj in (g for g in prep.children if g.dep_ == "pobj"):
            lemma = obj.lemma_.lower()
            if (obj.tag_ == "PRP" and obj.lower_ not in ("it", "itself")) or obj.ent_type_ in ("PERSON", "ORG", "NORP") \
                    or lexicon.nominals.get(lemma) in ("PERSON", "ORG") or lemma in lexicon.audiences:
                return obj
    return None


def outlet_of_addressee(verb: Token, roles: frozenset[str]) -> tuple[Token, Token] | None:
    """(outlet, journalist) when the parser made both objects of the cue: "told CNN's Jake Tapper",
    "told Breitbart News Daily host Matt Boyle"."""
    objects = [c for c in verb.children if c.dep_ in OBJECT_DEPS]
    if len(objects) < 2:
        return None
    between = verb.doc[objects[0].i + 1 : objects[1].i]
    if any(c.dep_ == "case" for c in objects[0].children) or any(t.lemma_.lower() in roles for t in between):
        return objects[0], objects[1]
    return None


def mention(index: DocIndex, tok: Token | None) -> Span | None:
    """The noun phrase a head token stands for, without appositions and relative clauses.

    A description followed by the names it stands for is those names: "Stella's owners Tore
    Sohlberg and Lehla Abreder", "His defence attorneys, Charles Glynn and Richard Jones".
    """
    if tok is None:
        return None
    doc = tok.doc
    if not tok.ent_type_ and tok.pos_ in ("NOUN", "PROPN"):
        named = next((c for c in tok.rights if c.dep_ in ("appos", "compound") and c.ent_type_ == "PERSON"), None)
        if named is not None:
            names = [named] + [c for c in named.children if c.dep_ == "conj" and c.ent_type_ == "PERSON"]
            start = mention(index, named).start
            return doc[start : max(mention(index, n).end for n in names)]
    # a share ("one of Carson's advisers", "40 percent of voters") is the phrase, not the number
    if tok.ent_type_ and tok.ent_type_ not in SHARE_TYPES:
        ent = index.ent_at(tok.i)
        if ent is not None and ent.root.i == tok.i:
            left = min([ent.start] + [c.left_edge.i for c in tok.lefts if c.i < ent.start and c.dep_ in ("det", "amod", "compound", "poss", "nmod")])
            return _without_marks(doc, left, ent.end, ent.start)
    left, right = tok.i, tok.i
    for child in tok.lefts:
        if child.dep_ not in MENTION_CUT_DEPS:
            left = min(left, child.left_edge.i)
    for child in tok.rights:
        if child.dep_ == "prep" and (child.lower_ == "of" or (child.lower_ in DESCRIPTION_PLACES and tok.pos_ in ("NOUN", "PRON"))
                                     or tok.lower_ in POSTPOSITIVE):
            # "one of Carson's advisers"; an unnamed "participants in the meeting", "someone in attendance"
            objects = [mention(index, g) for g in child.children if g.dep_ == "pobj"]
            right = max([right] + [m.end - 1 for m in objects if m is not None])
            break
        if child.dep_ in MENTION_CUT_DEPS:
            break
        if child.dep_ != "case":  # "the ministry's statement": the speaker is the ministry
            right = max(right, child.right_edge.i)
    return _without_marks(doc, left, right + 1, tok.i)


def _without_marks(doc, start: int, end: int, head: int) -> Span:
    """Tokens ``start``..``end`` without the quotation marks or commas the parser hung on the
    phrase: “…,” coach Dana Reyes said."""
    while start < head and (doc[start].is_punct or doc[start].is_quote):
        start += 1
    while end - 1 > head and (doc[end - 1].is_quote or doc[end - 1].text in ",;:"):
        end -= 1
    return doc[start:end]
