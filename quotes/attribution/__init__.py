"""Tie quoted and reported content to its cue and speaker mention, from the dependency parse.

Input: a parsed ``Doc``, the quoted stretches from :mod:`quotes.marks` and the lexicon.
Output: :class:`Attribution` records in character offsets, with the speaker still a *mention*
(``he``, ``the envoy``) found by :mod:`quotes.speakers`; :mod:`quotes.resolution` turns mentions
into names.

The rules, in the order they claim content, one module each:

1. :mod:`.cues`: a cue verb (``said``, ``told``, ``wrote``…) with its content (:mod:`.content`):
   indirect speech, or a mixed quote when the clause holds quoted words, or a direct quote when
   it is all in marks; also directives ("urged residents to…") and characterisations ("calls it
   a rookie mistake"); reports in a relative clause ("which he said were split") and "As X
   reported, Y";
2. :mod:`.adjacent`: a cue verb next to a quotation: ``“…,” he said, “…”`` and ``X said: “…”``;
3. :mod:`.reports`: ``according to X``, and a reporting noun with its owner ("his claim that …");
4. :mod:`.labels`: a line labelled with a speaker's name: "TAPPER: …", "Ted Cruz: ‘…’";
5. :mod:`.floating`: a quotation with no cue: after "X is blunt:" it is X's, otherwise it
   continues the previous speaker when it starts a sentence or fills its paragraph.

:mod:`.relays` finds the conduits each report names and folds reports inside reports into one
record with every conduit, outermost first.

Where two rules claim the same stretch, :func:`attribute` keeps one (:func:`_drop_overlaps`).
"""
from __future__ import annotations

from spacy.tokens import Doc

from ..docindex import DocIndex
from ..layout import RangeSet
from ..lexicon import Lexicon
from ..marks import QuoteIndex, Quoted
from ..speakers import noun_object
from .base import CUE_ROLES, Attribution, Context, Relay
from .cues import cue_candidates, from_cue
from .floating import floating
from .labels import labelled_lines
from .relays import fold_nested
from .reports import according_to, noun_report

__all__ = ["Attribution", "Context", "Relay", "attribute"]

# What makes a noun such as "people" or "officials" describe someone: "people familiar with the
# plan", "two senior officials", "officials who attended".
DESCRIBING_DEPS = {"amod", "prep", "compound", "det", "nummod", "acl", "relcl"}



def attribute(doc: Doc, quotations: QuoteIndex, lexicon: Lexicon, skipped: RangeSet,
              index: DocIndex | None = None) -> list[Attribution]:
    """All attributions in ``doc``, ordered by content start.

    ``skipped`` holds the character ranges (headlines, link lines) where nothing is attributed.
    """
    ctx = Context(doc, index or DocIndex(doc), quotations, lexicon, skipped)
    found: list[Attribution] = []
    for tok in cue_candidates(doc, lexicon):
        if skipped.contains(tok.idx):
            continue
        quoted = quotations.containing(tok.idx) is not None
        if tok.lower_ == "according":
            att = according_to(ctx, tok)
        elif tok.pos_ == "NOUN":
            att = None if quoted else noun_report(ctx, tok)
        else:
            role = lexicon.cue_role(tok.lemma_)
            if role not in CUE_ROLES or tok.pos_ != "VERB":
                continue
            att = from_cue(ctx, tok, role)
        if quoted:  # a report inside a quotation is someone else's words relayed by its speaker
            att = [_inside_marks(ctx, a) for a in att or [] if _relayed_in_quotation(ctx, a)]
        found.extend(att or [])

    found.extend(labelled_lines(ctx, found))
    found.sort(key=lambda a: a.start)
    found = fold_nested(_drop_overlaps(found), lexicon)
    claimed = {q for a in found for q in a.quoted}
    found.extend(floating(ctx, claimed, found))
    found.sort(key=lambda a: a.start)
    return found


def _drop_overlaps(found: list[Attribution]) -> list[Attribution]:
    """One attribution per stretch.

    Drops exact repeats, and a "content" that is really another attribution read twice: it
    opens with that attribution's quotation and holds its cue (“A,” said X, … he said, “B.”).
    "According to X" holding another report is an outer report, kept for :func:`fold_nested`.
    """
    out: list[Attribution] = []
    by_first_quotation: dict[Quoted, list[Attribution]] = {}
    for o in found:
        if o.quoted and o.cue is not None:
            by_first_quotation.setdefault(o.quoted[0], []).append(o)
    first_at: dict[tuple[int, int], Attribution] = {}  # the attribution kept for each stretch
    for att in found:
        if (att.start, att.end) in first_at and not _according_to(att):
            first = first_at[att.start, att.end]
            if first.kind == att.kind == "direct":
                if _framed(first, att) or _framed_before(first, att):
                    _take_frame(first, first, att)
                elif _framed_before(att, first):
                    _take_frame(first, att, first)
            continue
        read_twice = [o for o in by_first_quotation.get(att.quoted[0], ()) if o is not att
                      and att.start <= o.cue.start_char < att.end and att.start >= o.quoted[0].outer_start - 1] \
            if att.kind != "direct" and att.quoted and not _according_to(att) else []
        if read_twice:
            if _framed(att, read_twice[0]):  # "X said, “…,” the Herald reported" read as X's mixed quote
                _take_frame(read_twice[0], att, read_twice[0])
            continue
        first_at.setdefault((att.start, att.end), att)
        out.append(att)
    return out


def _framed(before: Attribution, after: Attribution) -> bool:
    """"Canova said, “No comment,” the Herald reported": one quotation with a cue on each side,
    in one sentence. The cue before it introduces the words; the report after it frames the
    whole sentence, so its speaker relays them."""
    if before.cue is None or after.cue is None or after.speaker is None or not after.quoted:
        return False
    quotation = after.quoted[0]
    after_starts = min(after.cue.start_char, after.speaker.start_char)
    between = after.cue.doc.text[quotation.outer_end : after_starts]
    # the report follows the quotation at once ("“…,” the Herald reported"), not later in the sentence
    return (before.cue.end_char <= quotation.outer_start and after_starts >= quotation.outer_end
            and not any(ch.isalnum() for ch in between) and before.cue.sent == after.cue.sent)


def _framed_before(near: Attribution, far: Attribution) -> bool:
    """Two cues before one quotation, one clause holding the other: "The Post's Costa reported,
    his wife whispered to him: “…”" (the report hung on the nearer cue) and "Lee wrote about a
    senator who … told her, “…”" (the nearer cue inside the farther one's clause). The nearer cue
    introduces the words; the farther one's speaker relays them."""
    if near.cue is None or far.cue is None or far.speaker is None or not near.quoted:
        return False
    quotation, near_verb, far_verb = near.quoted[0], near.cue.root, far.cue.root
    hung = far_verb.head.i == near_verb.i and far_verb.dep_ in ("advcl", "parataxis", "ccomp")
    clause = near_verb
    while clause.dep_ == "conj":  # "who squeezed her shoulder and told her"
        clause = clause.head
    # "wrote about a senator who … told her, “…”"; not "a candidate who promised mass deportation:"
    told_of = clause.dep_ == "relcl" and far_verb.is_ancestor(clause) and noun_object(near_verb) is None
    return (far.cue.end_char <= near.cue.start_char and near.cue.end_char <= quotation.outer_start
            and (hung or told_of) and far_verb.sent == near_verb.sent)


def _take_frame(into: Attribution, before: Attribution, after: Attribution) -> None:
    """``into`` (one of the two) becomes the words of ``before``'s speaker relayed by ``after``'s."""
    relays = [*after.relays, Relay(after.speaker, after.cue.text.lower(), employer=after.speaker_employer),
              *before.relays]
    into.cue, into.speaker, into.addressee = before.cue, before.speaker, before.addressee
    into.speaker_employer, into.relays = before.speaker_employer, relays


def _according_to(att: Attribution) -> bool:
    """"“…,” he said, according to Reuters" reports the report: it is no reading of it twice."""
    return att.cue is not None and att.cue[0].lower_ == "according"


def _inside_marks(ctx: Context, att: Attribution) -> Attribution:
    """The relayed report's content without the opening mark of the quotation around it."""
    att.start = max(att.start, ctx.quotations.containing(att.cue.start_char).start)
    return att


def _relayed_in_quotation(ctx: Context, att: Attribution) -> bool:
    """A report quoted by someone else ("“George Stephanopoulos told me I was mistaken,” Fiorina
    said"; "“…, according to the Iowa Democratic Party,” The Blaze reported"): its speaker is
    named or described by the quotation itself (not "I", "we", "they": a speaker quoting their own words, or
    words that are theirs to tell, relays no one), and its content lies in the same quotation."""
    root = att.speaker.root if att.speaker is not None else None
    described = ctx.lexicon.nominals.get(root.lemma_.lower()) == "PERSON" and any(
        c.dep_ in DESCRIBING_DEPS for c in root.children) if root is not None else False
    if root is None or att.kind == "direct" or not (root.ent_type_ in ("PERSON", "ORG") or described):
        # named, or described: "…, people familiar with the plans told Bloomberg,”"; not the
        # "people" of a saying ("I'd heard people say, life is easy here")
        return False
    around = ctx.quotations.containing(att.cue.start_char)
    return around is not None and around.outer_start <= att.start and att.end <= around.end
