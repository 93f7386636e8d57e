"""Through whom: the conduits a report names around its cue, and reports inside reports.

A :class:`Relay` is a mention of someone or something the words passed through. The rules here
read them off the parse, one construction of English each:

* a medium and who it was given to or in: "in an interview with Univision", "in a statement to
  The Canadian Press", "in an email to POLITICO", "in a Baltimore Sun op-ed", "in the Global
  Times piece" (``media.tsv``, kind ``medium``);
* a place of publication or broadcast: "wrote in The Texas Observer", "wrote for The Washington
  Informer", "said on Fox News Sunday", "speaking on WOR 710", "appearing on Fox News";
* a journalist named with their outlet: "CNN's Jake Tapper", "Fox News host Sean Hannity",
  "Megyn Kelly of Fox News", "MSNBC's Ayman Mohyeldin reported" (the outlet comes first);
* "quoting X" and "citing X" after a report: X said it, the reporter relayed it;
* a report inside another report's content ("The Herald reported that Okafor said …", "…,
  according to Easley", "“…,” CNN reported"): :func:`fold_nested` gives the inner report every
  outer speaker as a conduit, outermost first.

Relays that need an outlet (``media``) are kept only if resolution finds one there: "said in
Washington" and "wrote in 2013" relay nothing.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from ..lexicon import Lexicon
from ..outlets import Outlets
from ..speakers import SUBJECT_DEPS, mention
from .base import REPORTING_ROLES, Attribution, Context, Relay

# Participles that put the speaker somewhere words are published: "De Blasio, speaking on WOR710".
MEDIA_PARTICIPLES = {"speak", "appear", "write", "talk"}
# Prepositions of publication or broadcast: "wrote in", "wrote for", "said on".
MEDIA_PREPOSITIONS = {"in", "on", "for"}
# "in an interview with X", "in a statement to X": X was spoken to.
ADDRESSED_PREPOSITIONS = {"with", "to"}
# Media given to someone, whatever the preposition: "an interview on ABC News".
INTERVIEWS = {"interview", "appearance"}
# "spoke to X", "talked to X": X was spoken to.
SPOKE_TO = {"speak", "talk"}
# "quoting X", "citing X" after a report: X said it.
SOURCE_PARTICIPLES = {"quote", "cite"}
# "wrote about a colleague who told her", "spoke of a man who said": telling of someone
RECOUNTING_PREPOSITIONS = {"about", "of"}
# Entity types that are never a place of publication: "said in Washington", "wrote in 2013".
NOT_MEDIA_TYPES = {"GPE", "LOC", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY", "FAC", "NORP",
                   "EVENT"}
# Reports nested deeper than this give their outermost conduits only (a text repeating "he said").
MAX_RELAYS = 5


def frame_relays(ctx: Context, verb: Token, speaker: Token | None) -> list[Relay]:
    """Conduits named by phrases on the cue (or on the verb it is joined to: "In an interview with
    CNBC, Pompeo praised China and said …"), or on a participle hung on the speaker."""
    heads = [verb]
    while heads[-1].dep_ in ("conj", "advcl", "xcomp") and heads[-1].head.i != heads[-1].i \
            and not any(c.dep_ in SUBJECT_DEPS for c in heads[-1].children) and len(heads) < 4:
        heads.append(heads[-1].head)
    for owner in (*heads, speaker):  # "De Blasio, speaking on WOR710, called Trump … and said"
        if owner is not None:
            heads += [c for c in owner.children if c.tag_ == "VBG" and c.lemma_.lower() in MEDIA_PARTICIPLES
                      and c.dep_ in ("acl", "advcl", "relcl")]
    relays: list[Relay] = []
    outlets = Outlets(ctx.lexicon)
    for head in heads:
        # "declined comment to the Globe, saying …": the phrase may hang on the verb's object
        preps = [*head.children, *(g for c in head.children if c.dep_ == "dobj" for g in c.children)]
        for prep in preps:
            if prep.dep_ != "prep":
                continue
            for obj in (g for g in prep.children if g.dep_ == "pobj"):
                if _medium(obj) in ctx.lexicon.media["medium"]:
                    relays += _medium_relays(ctx, prep, obj)
                    continue
                named = mention(ctx.index, obj)
                if prep.lower_ == "to" and (head.lemma_.lower() in SPOKE_TO  # "spoke to The Associated Press"
                                            or outlets.known(named.text)):  # "confirmed to the Globe"
                    relays += journalist_relays(ctx, named, f"{head.lower_} to", addressed=True)
                elif prep.lower_ in MEDIA_PREPOSITIONS and (obj.ent_type_ not in NOT_MEDIA_TYPES
                                                            or outlets.known(named.text)):  # "WOR710" typed a place
                    relays.append(Relay(without_place(named, ctx.lexicon), f"{head.lower_} {prep.lower_}", media=True))
    return relays


def recounted_by(ctx: Context, person: Token) -> list[Relay]:
    """Who tells of a person whose words a relative clause reports: "Gillibrand wrote in her book
    about a colleague who told her, “…”", "Lee recalled an official who told him …": the one who
    writes or speaks of them relays their words."""
    prep = person.head
    if person.dep_ == "pobj" and prep.lower_ in RECOUNTING_PREPOSITIONS:
        verb, how = prep.head, f"{prep.head.lower_} {prep.lower_}"
    elif person.dep_ == "dobj":
        verb, how = person.head, person.head.lower_
    else:
        return []
    if verb.pos_ != "VERB" or ctx.lexicon.cue_role(verb.lemma_) not in REPORTING_ROLES:
        return []
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.tag_ in ("WP", "WDT"):
        return []
    return [Relay(mention(ctx.index, subject), how)]


def source_spoke_to(ctx: Context, source: Token) -> list[Relay]:
    """The outlet an unnamed source gave the words to, said in a relative clause: "according to
    the person who spoke to The Associated Press", "an official who told Reuters"."""
    relays = []
    for clause in (c for c in source.children if c.dep_ == "relcl"):
        relays += [r for r in frame_relays(ctx, clause, None) if r.addressed]
        if clause.lemma_.lower() == "tell":
            relays += [r for obj in clause.children if obj.dep_ in ("dobj", "dative")
                       for r in journalist_relays(ctx, mention(ctx.index, obj), "told", addressed=True)]
    return relays


def _medium_relays(ctx: Context, prep: Token, medium: Token) -> list[Relay]:
    """'in an interview with X on Y', 'in a statement to X', 'in a Baltimore Sun op-ed'."""
    relays = []
    for child in medium.children:
        if child.dep_ in ("poss", "compound", "nmod") and child.ent_type_ and child.ent_type_ not in NOT_MEDIA_TYPES \
                and child.is_title:
            relays.append(Relay(mention(ctx.index, child), f"{prep.lower_} {medium.lower_}", media=True))
        if child.dep_ != "prep":
            continue
        for target in (g for g in child.children if g.dep_ == "pobj"):
            cue = f"{prep.lower_} {_medium(medium)} {child.lower_}"
            # "an interview with/on ABC News" was given to it; "a column in the Forward" only printed there
            if child.lower_ in ADDRESSED_PREPOSITIONS or (_medium(medium) in INTERVIEWS and target.ent_type_ != "DATE"):
                # "the Business Insider politics editor Oliver Darcy": the whole phrase names his outlet
                whole = ctx.doc[target.left_edge.i : target.right_edge.i + 1]
                named = whole if split_journalist(ctx, whole) is not None else mention(ctx.index, target)
                relays += journalist_relays(ctx, named, cue, addressed=True)
            elif child.lower_ in MEDIA_PREPOSITIONS and target.ent_type_ not in NOT_MEDIA_TYPES:
                relays.append(Relay(without_place(mention(ctx.index, target), ctx.lexicon), cue, media=True))
            # "an interview with conservative host Greg Garrison on WIBC radio"
            relays += [Relay(without_place(mention(ctx.index, g), ctx.lexicon), cue, media=True) for c in target.children
                       if c.dep_ == "prep" and c.lower_ in MEDIA_PREPOSITIONS for g in c.children
                       if g.dep_ == "pobj" and g.ent_type_ not in NOT_MEDIA_TYPES]
    return relays


def _medium(tok: Token) -> str:
    """The word of a medium, hyphenated parts joined: "op-ed" is three tokens."""
    doc = tok.doc
    if tok.i >= 2 and doc[tok.i - 1].text == "-" and not doc[tok.i - 1].whitespace_:
        return f"{doc[tok.i - 2].lower_}-{tok.lower_}"
    return tok.lemma_.lower()


def journalist_relays(ctx: Context, span: Span | None, cue: str, addressed: bool = False) -> list[Relay]:
    """A mention that names a journalist with their outlet ("CNN's Jake Tapper", "Fox News host
    Sean Hannity", "Megyn Kelly of Fox News") as two relays, outlet first; else the mention."""
    if span is None:
        return []
    span = without_place(span, ctx.lexicon)  # "WIBC radio in Indianapolis"
    split = split_journalist(ctx, span)
    if split is None:
        return [Relay(span, cue, addressed=addressed, media=addressed)]
    outlet, person = split
    return [Relay(outlet, cue, media=True), Relay(person, cue, addressed=addressed, employer=outlet)]


def split_journalist(ctx: Context, span: Span) -> tuple[Span, Span] | None:
    """(outlet, person) of a mention naming a journalist with their outlet, else None.

    Three shapes: the outlet's possessive ("The Atlantic's Jeffrey Goldberg"), the outlet before a
    journalist's role ("NPR correspondent Steve Inskeep"), the outlet after "of" ("Megyn Kelly of
    Fox News", the "of" phrase hung on the name).
    """
    roles = ctx.lexicon.media["role"]
    show = _show_after_possessive(span)
    if show is not None:  # "POLITICO’s “Off Message” podcast": the show was spoken to
        return show
    for k, tok in enumerate(span):
        if _possessive(tok) or tok.lemma_.lower() in roles:
            before = k
            while not _possessive(tok) and before > 0 and span[before - 1].is_lower and span[before - 1].pos_ in ("NOUN", "ADJ"):
                before -= 1  # "the Business Insider politics editor": the beat between outlet and role
            outlet = _name_before(span, before)
            person = _name_after(span, k + 1, roles)
            if outlet is not None and person is not None:
                return outlet, person
    if span.root.ent_type_ == "PERSON" or span.root.pos_ == "PROPN":
        of = next((c for c in span.root.children if c.dep_ == "prep" and c.lower_ == "of" and c.i >= span.end), None)
        target = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        if target is not None and target.is_title:
            return mention(ctx.index, target), span
    return None


def _possessive(tok: Token) -> bool:
    """The possessive "'s", also where the small model tags the curly "’s" a proper noun."""
    return tok.tag_ == "POS" or (tok.lower_ in ("'s", "’s") and tok.dep_ == "case")


def _name_before(span: Span, k: int) -> Span | None:
    """The capitalised words just before position ``k`` of ``span`` ("Fox News" in "Fox News host")."""
    end = k
    while end > 0 and _possessive(span[end - 1]):
        end -= 1
    start = end
    # capitalised, not title case only: "BuzzFeed's Ben Smith", "HuffPost's Sam Levine"
    while start > 0 and (span[start - 1].text[:1].isupper() or span[start - 1].text in ("&", "-")) \
            and span[start - 1].pos_ in ("PROPN", "NOUN", "PUNCT", "CCONJ", "NUM"):
        start -= 1
    if start < end and span[start].text in ("&", "-"):
        start += 1
    return span[start:end] if start < end else None


def _show_after_possessive(span: Span) -> tuple[Span, Span] | None:
    """(outlet, show) of "CBS’s “Face the Nation”" or "POLITICO’s “Off Message” podcast": a title
    in quotation marks right after an outlet's possessive names its show. The parser may end the
    outlet's phrase at the possessive, so the title is looked for past the span too."""
    doc = span.doc
    k = next((t.i for t in span if _possessive(t)), None)
    if k is None and span.end < len(doc) and _possessive(doc[span.end]):
        k = span.end
    if k is None or k == span.start or k + 2 >= len(doc) or not doc[k + 1].is_quote \
            or doc[k - 1].ent_type_ in ("DATE", "TIME"):  # "Wednesday’s “MSNBC Live”" names no outlet
        return None
    close = next((j for j in range(k + 2, min(len(doc), k + 10)) if doc[j].is_quote), None)
    title = doc[k + 2 : close] if close is not None else None
    # a title: capitalised words, small function words between ("Face the Nation")
    if not title or not title[0].is_title or not all(t.is_title or t.is_stop or not t.is_alpha for t in title):
        return None
    return doc[span.start : k], title


def _name_after(span: Span, k: int, roles: frozenset[str]) -> Span | None:
    """The name after position ``k``, past roles and their modifiers ("chief correspondent")."""
    while k < len(span) and not span[k].is_title:
        k += 1  # "Fox News host", "CNN's chief political correspondent"
    while k < len(span) and span[k].lemma_.lower() in roles:
        k += 1
    names = [t for t in span[k:] if t.pos_ == "PROPN" or t.ent_type_ == "PERSON"]
    if not names or len(names) != len(span) - k:
        return None
    return span[k:]


def without_place(span: Span, lexicon: Lexicon) -> Span:
    """"WKOW-TV of Madison", "The Star-Ledger of Newark", "The Post and Courier newspaper": the
    outlet's name, without its town or the noun that says what it is."""
    before = span.doc[span.root.i - 1] if span.root.i > span.start else None
    if span.root.lemma_.lower() in lexicon.media["outlet"] and span.root.is_lower and before is not None \
            and (before.is_title or before.is_upper or before.is_digit) \
            and Outlets(lexicon).known(span.doc[span.start : span.root.i].text):
        span = span.doc[span.start : span.root.i]  # but "New York magazine" is the magazine's name
    of = next((t for t in span if t.lower_ == "of" and t.i > span.start), None)
    if of is None or not (span.doc[of.i - 1].pos_ == "PROPN" or span.doc[of.i - 1].is_upper):  # "WKOW-TV of"
        return span
    rest = span.doc[of.i + 1 : span.end]
    if rest and all(t.ent_type_ in ("GPE", "LOC") or t.is_title or t.is_punct for t in rest) \
            and Outlets(lexicon).known(span.doc[span.start : of.i].text):
        return span.doc[span.start : of.i]
    return span


def source_relays(ctx: Context, verb: Token) -> Token | None:
    """"“…,” the Post reported, quoting an anonymous official": the official said it."""
    for child in verb.children:
        if child.tag_ == "VBG" and child.lemma_.lower() in SOURCE_PARTICIPLES:
            source = next((g for g in child.children if g.dep_ == "dobj"), None)
            if source is not None:
                return source
    return None


def fold_nested(found: list[Attribution], lexicon: Lexicon) -> list[Attribution]:
    """Reports inside reports: each inner report takes its outer reports' speakers (and their own
    conduits) as conduits, outermost first.

    An outer report holds the inner one's cue and speaker in its content ("The Herald reported
    that Okafor said …"). "According to X" also frames the report whose content it shares ("Trump
    said he was happy, according to the Times": the parser hangs the phrase on the reported
    clause); such an "according to" is then no report of its own and goes. Other outer reports
    stay: what they say is true too ("according to Gibson, Major said he saw the sign" is
    Gibson's, and Major's through Gibson).
    """
    # "The Herald reported, according to two officials, that …": the "according to" report
    # already carries the Herald as its reporter, so the Herald's own reading of it goes
    read_again = {id(report) for report in found for according in found
                  if according is not report and report.speaker is not None and according.cue is not None
                  and according.cue[0].lower_ == "according" and report.start <= according.start < according.end <= report.end
                  and any(r.mention == report.speaker for r in according.relays)}
    found = [a for a in found if id(a) not in read_again]
    absorbed: set[int] = set()
    for inner in found:
        if inner.cue is None or lexicon.cue_role(inner.cue.root.lemma_) == "directive":
            continue  # "Canada has asked China to spare …" asks; it reports no words
        outers = [a for a in found if a is not inner and a.speaker is not None and a.cue is not None
                  and (_holds(a, inner) or _shares_content(a, inner))]
        if not outers:
            continue
        outers.sort(key=lambda a: (-(a.end - a.start), a.cue.start_char))
        relays = [r for a in outers for r in (*a.relays, Relay(a.speaker, a.cue.text.lower(), employer=a.speaker_employer))]
        inner.relays = relays[:MAX_RELAYS] + inner.relays
        absorbed.update(id(a) for a in outers if _shares_content(a, inner))
    return [a for a in found if id(a) not in absorbed]


def _holds(outer: Attribution, inner: Attribution) -> bool:
    """``inner``'s cue and speaker stand in ``outer``'s content, and not the other way round."""
    at = inner.speaker.start_char if inner.speaker is not None else inner.cue.start_char
    return (outer.start <= inner.cue.start_char < outer.end and outer.start <= at < outer.end
            and not outer.start <= outer.speaker.start_char < outer.end
            and not inner.start <= outer.cue.start_char < inner.end)


def _shares_content(according: Attribution, report: Attribution) -> bool:
    """"According to X" whose content is the content of another report, cue outside it."""
    return (according.cue[0].lower_ == "according" and report.cue[0].lower_ != "according"
            and report.start <= according.start < according.end <= report.end + 1
            and not according.start <= report.cue.start_char < according.end)
