"""Resolve speaker mentions ("he", "the envoy", "De Mistura") to the entity they denote.

spaCy has no offline coreference model, so this is a small rule system over the article's
:class:`~quotes.names.NameTable`. A mention resolves by its form:

* a name       -> the longest name of its group ("McCallum" -> "Doug McCallum");
* a pronoun    -> the latest speaker or subject of the right type (he/she: PERSON, it: ORG);
* a description-> the entity whose descriptions share its head noun and modifiers
                  ("the Russian minister" -> "his Russian counterpart Sergey Shoygu");
* an organisation's statement ("a Russian Defense Ministry statement") -> the organisation.
Anything else keeps its own words ("a spokesperson"), with no type.

:func:`resolve_attributions` is the stage: every attribution's speaker, addressee and relays,
resolved in reading order (so "he" finds who spoke before), as :class:`ResolvedAttribution`.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from spacy.tokens import Span

from .attribution import Attribution
from .names import Group, NameTable
from .ranking import Choice, Ranker, choices, kind_of, last_mention
from .speakers import mention
from .text import normalize_name

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "them", "their"}
THING_PRONOUNS = {"it", "its"}
FIRST_PERSON = {"i", "we", "me", "us"}
# A transcript names who speaks in its opening lines: an interview, remarks, a speech.
TRANSCRIPT_WORDS = {"interview", "remark", "speech", "address"}
OPENING_CHARS = 400
# How far back (tokens) "they" looks for a plural subject.
PLURAL_REACH = 80
# A name that is not a clause subject is a weaker antecedent: counted as this many tokens earlier.
OBJECT_PENALTY = 40
# Events a body holds: "told a Security Council meeting" tells the Security Council.
EVENT_NOUNS = {"meeting", "conference", "hearing", "session", "summit", "briefing", "gathering", "assembly"}
# Pronoun objects ("told him") that found no antecedent say nothing about whom the words were for.
UNRESOLVED_PRONOUNS = {"him", "her", "them", "us", "me", "you", "it"}


@dataclass(frozen=True)
class Resolved:
    """What a mention denotes: a name, its type and the name table's entity when it is one; and
    how it was found: ``route`` (a name, a ranked pronoun or description, nobody to be...) and,
    for a ranked mention, the ``share`` of the ranking the winner took (see
    :func:`speaker_confidence`)."""

    name: str
    type: str | None
    key: str | None = None
    route: str = field(default="name", compare=False)
    share: float = field(default=1.0, compare=False)


@dataclass
class ResolvedAttribution:
    """An attribution with its speaker, addressee and relays resolved."""

    attribution: Attribution
    speaker: Resolved | None
    addressee: Resolved | None
    relays: list[Resolved | None]  # one per attribution.relays
    at: int  # the token the speaker mention (or the content) starts at
    audience: str | None = None  # "reporters", "the crowd": spoken to, but no one to name
    principal: Resolved | None = None  # whom an unnamed spokesperson or office speaks for
    speaker_confidence: float | None = None  # how likely the speaker is right (calibrated, 0–1)


def resolve_attributions(attributions: list[Attribution], resolver: "Resolver") -> list[ResolvedAttribution]:
    """Resolve every attribution, in reading order of its speaker mention (or its content)."""
    doc = resolver.doc
    done: dict[int, Resolved | None] = {}
    out: list[ResolvedAttribution] = []
    for att in sorted(attributions, key=_order):
        at = att.speaker.start if att.speaker is not None else _token_at(doc, att.start)
        addressee, audience = resolver.resolve_addressee(att.addressee, at)
        if att.parent is not None and id(att.parent) in done:
            speaker = done[id(att.parent)]
        else:
            speaker = resolver.resolve(att.speaker, at, {addressee.name} if addressee else set(), (att.start, att.end))
        done[id(att)] = speaker
        if speaker is not None and speaker.type in ("PERSON", "ORG"):
            resolver.note_speaker(at, speaker)
        relays = [resolver.resolve_outlet(relay.mention) if relay.media else resolver.resolve(relay.mention, at)
                  for relay in att.relays] if speaker is not None else []
        if addressee is None and relays and relays[-1] is not None and att.addressee is not None \
                and att.addressee.root.lower_ in ("me", "us"):
            addressee = relays[-1]  # "“Stephanopoulos told me …,” Fiorina said": told Fiorina
        if addressee is None and audience is None and att.addressee is None and att.cue is not None:
            addressee = resolver.asker(att, speaker)  # "X asked Sanders whether … “…,” he said"
        principal = resolver.principal(att.speaker, at) if att.parent is None else None
        confidence = speaker_confidence(speaker, att, resolver.ranker) if speaker is not None else None
        out.append(ResolvedAttribution(att, speaker, addressee, relays, at, audience, principal, confidence))
    return out


def speaker_confidence(speaker: Resolved, att: Attribution, ranker: Ranker) -> float:
    """How likely ``speaker`` is the right one, 0–1: the accuracy seen, on the fold of GGT dev the
    calibration was fitted on, for speakers found the same way (``route``, and whether the quote
    continues an earlier speaker's with no cue of its own) at the same winning share. Of speakers
    given 0.9, about nine in ten were right."""
    return ranker.calibrated(speaker_route(speaker, att), speaker.share)


def speaker_route(speaker: Resolved, att: Attribution) -> str:
    """How the speaker was found, the key of its calibration: ``speaker.route``, plus
    "+continued" when the quote has no cue of its own and continues an earlier speaker's."""
    return speaker.route + ("+continued" if att.parent is not None else "")


def _order(att: Attribution) -> int:
    # resolve in reading order of the speaker mention (or the content) so "he" finds who came before
    return att.speaker.start_char if att.speaker is not None else att.start


def _token_at(doc, char: int) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else 0


def _resolved(group: Group) -> Resolved:
    return Resolved(group.entity.name, group.entity.type, group.entity.key)


class Resolver:
    """Resolves the mentions of one document against its name table, remembering who spoke."""

    def __init__(self, table: NameTable, captioned: Callable[[int], bool] | None = None):
        """``captioned(i)`` tells whether character ``i`` is in a photo caption (names there are no
        antecedent for the text outside it)."""
        self.table = table
        self.doc, self.index, self.lexicon = table.doc, table.index, table.lexicon
        self.captioned = captioned
        self.speaker_mentions: list[tuple[int, Resolved]] = []
        self.ranker = Ranker.load()
        # (mention, kind, choices, chosen, content) of each ranked mention, kept when set to a list
        self.decisions: list[tuple[Span, str, list[Choice], Choice, tuple[int, int] | None]] | None = None
        self._content: tuple[int, int] | None = None

    @cached_property
    def paragraph_starts(self) -> list[int]:
        """Where each paragraph (line) begins, in characters: found once, when a ranking first asks."""
        return [0] + [m.end() for m in re.finditer("\n", self.index.text)]

    @cached_property
    def announced(self) -> Resolved | None:
        """The one person a transcript's opening lines say is speaking, whose "I" it is:
        "Wikinews interviews mathematician Aner Shalev", "Interview with founder Hugh McGuire",
        "Frank Messina: An Interview with …", "Speaker Nancy Pelosi delivered remarks …",
        "it's Shawntas Way here today", "my name is …"."""
        opening = itertools.takewhile(lambda e: e.end_char <= OPENING_CHARS, self.index.ents)
        announced = [e for e in opening if e.label_ == "PERSON" and _announced(e)]
        if len({e.text for e in announced}) != 1:
            return None
        ent = announced[0]
        group = self.table.group_of(ent)
        return _resolved(group) if group is not None else Resolved(normalize_name(ent.text), "PERSON")

    def resolve(self, mention: Span | None, at: int, exclude: set[str] = frozenset(),
                content: tuple[int, int] | None = None) -> Resolved | None:
        """The entity ``mention`` (found at token ``at``) denotes, given the speakers so far;
        ``content`` is where the quotation it speaks stands (an entity named there is rarely its
        speaker)."""
        self._content = content
        resolved = self._resolve(mention, at, exclude)
        if resolved is not None and resolved.key is None:
            # words that are an entity's very name ("Republicans" said, read as a plural subject)
            # denote that entity, whatever the rule that found them
            group = self.table.named(resolved.name, resolved.type)
            if group is not None:
                resolved = replace(resolved, key=group.entity.key)
        return resolved

    def _resolve(self, mention: Span | None, at: int, exclude: set[str]) -> Resolved | None:
        if mention is None:
            return None
        head = mention.root
        lower = head.lower_
        if lower in FIRST_PERSON and len(mention) == 1:
            if lower in ("i", "me") and self.announced is not None:
                return replace(self.announced, route="announced")  # "I" of an interview's answers
            return Resolved(mention.text, None, route="first_person")
        kind = kind_of(mention)
        if kind in ("he_she", "it"):
            return self._ranked(mention, at, kind, exclude)
        if kind == "they":
            plural = self._latest_plural_subject(at)
            if plural is not None:
                return replace(plural, route="plural_subject")
            return self._ranked(mention, at, kind, exclude)
        people = [e for e in self.index.ents_in(mention.start, mention.end) if e.label_ == "PERSON"]
        if len(people) > 1 and any(t.lower_ in ("and", "&") for t in mention):
            # "Charles Glynn and Richard Jones": the pair speaks, each under their best name
            names = [g.entity.name if (g := self.table.group_at.get(e.start)) else e.text for e in people]
            return Resolved(", ".join(names[:-1]) + " and " + names[-1], "PERSON", route="pair")
        group = self.table.group_of(mention)
        if group is None and head.pos_ == "PROPN":
            group = self.table.person_by_word(head.text, at)  # a surname NER did not tag
        if group is not None:
            if group.entity.type == "NORP" or (group.entity.type == "GPE" and head.pos_ == "NOUN"):
                # "a Russian official", "the Syrian government": the nationality is not the speaker
                pass
            else:
                return _resolved(group)
        return self._describe(mention, at, exclude)

    def asker(self, att: Attribution, speaker: Resolved | None) -> Resolved | None:
        """Whom an answer was given: "The Huffington Post's Scott Conroy asked Sanders whether …
        “Sure it is,” he said." is said to Conroy. The question is asked in the report's sentence
        or in the sentence before its words begin, of the speaker, by a person ("asked by X" too)."""
        if speaker is None or speaker.key is None or self.lexicon.cue_role(att.cue.root.lemma_) != "speech":
            return None
        sent = self.index.sent(min(att.cue.root.i, _token_at(self.doc, att.start)))
        first = self.index.sent(sent.start - 1).start if sent.start > 0 else sent.start
        for ask in self.doc[first : att.cue.root.i]:
            if ask.lemma_ != "ask" or ask.pos_ != "VERB" or self.table.in_quote(ask.i):
                continue
            asked = next((c for c in ask.children if c.dep_ in ("dobj", "nsubjpass")), None)
            asker = next((c for c in ask.children if c.dep_ == "nsubj"), None) or next(
                (g for c in ask.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
            if asked is None or asker is None:
                continue
            if getattr(self.resolve(mention(self.index, asked), ask.i), "key", None) != speaker.key:
                continue
            found = self.resolve(mention(self.index, asker), ask.i)
            if (found is None or found.type != "PERSON") and asker.pos_ == "PROPN" and not asker.ent_type_:
                # a journalist's name NER missed: "The Huffington Post's Scott Conroy asked"
                found = Resolved(normalize_name(_mention_of(asker).text), "PERSON")
            if found is not None and found.type == "PERSON" and found.key != speaker.key:
                return found
        return None

    def resolve_outlet(self, mention: Span) -> Resolved:
        """A mention where an outlet is named ("wrote in X", "CNN's"): its entity when it is one,
        else its own words; never a description's match ("The Atlantic" is no "Atlantic's" person)."""
        group = self.table.group_of(mention)
        if group is not None:
            return _resolved(group)
        words = [t for t in mention if not (t.i == mention.start and t.lower_ == "the")]
        name = " ".join(t.text for t in words if not t.is_punct or t.text in "&-.") if words else mention.text
        return Resolved(name, "ORG")

    def principal(self, mention: Span | None, at: int) -> Resolved | None:
        """Whom an unnamed spokesperson or office speaks for ("a spokesman for the mayor said":
        the mayor), or None for any other mention."""
        owner = self._principal(mention) if mention is not None else None
        resolved = self._resolve(owner, at, set()) if owner is not None else None
        if resolved is None or resolved.name.lower() in PERSON_PRONOUNS | THING_PRONOUNS:
            return None
        return resolved

    def _principal(self, mention: Span) -> Span | None:
        """Whom an unnamed spokesperson or office speaks for: "Cameron's spokesman", "a spokesman
        for the mayor", "a Freedom Mobile spokesperson", "her office"."""
        head = mention.root
        if head.lemma_.lower() not in self.lexicon.spokespeople and head.lower_ not in self.lexicon.spokespeople:
            return None
        for child in head.children:
            if child.dep_ == "poss":
                return _mention_of(child)
            if child.dep_ == "prep" and child.lower_ in ("for", "of", "to"):
                target = next((g for g in child.children if g.dep_ == "pobj"), None)
                if target is not None:
                    return _mention_of(target)
        named = [e for e in self.index.ents_in(mention.start, head.i) if e.label_ in ("ORG", "PERSON", "GPE")]
        return named[-1] if named else None

    def _latest(self, type_: str, at: int, exclude: set[str]) -> Resolved | None:
        """The entity of ``type_`` mentioned last before token ``at`` (names and resolved speakers),
        a mention that is no clause subject counting ``OBJECT_PENALTY`` tokens earlier."""
        best, best_at = None, float("-inf")
        for g in self.table.groups:
            if g.entity.type != type_ or g.entity.name in exclude:
                continue
            last = last_mention(self, g, at, None)
            if last is not None and last > best_at:
                best, best_at = _resolved(g), last
        for position, r in self.speaker_mentions:
            if position < at and r.type == type_ and r.name not in exclude and self._visible_from(position, at) \
                    and position >= best_at:
                best, best_at = r, position
        return best

    def _latest_plural_subject(self, at: int, reach: int = PLURAL_REACH) -> Resolved | None:
        """"Tore Sohlberg and Lehla Abreder said…; they added": the last plural subject before ``at``."""
        for tok in reversed(self.doc[max(0, at - reach) : at]):
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ == "PRON" or self.table.in_quote(tok.i):
                continue
            conjuncts = [c for c in tok.children if c.dep_ == "conj"]
            if tok.tag_ not in ("NNS", "NNPS") and not conjuncts:
                continue
            if not (tok.ent_type_ or conjuncts or tok.text.lower() in self.lexicon.nominals):
                continue  # "Slow sales … they said": only people and organisations speak
            left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "amod", "det", "nmod", "poss")])
            right = max([tok.i] + [c.right_edge.i for c in conjuncts])
            span = self.doc[left : right + 1]
            group = self.table.group_of(span) if not conjuncts else None
            return _resolved(group) if group else Resolved(span.text, None)
        return None

    def note_speaker(self, at: int, resolved: Resolved) -> None:
        """Remember that ``resolved`` spoke at token ``at``: later pronouns may point back to it."""
        self.speaker_mentions.append((at, resolved))

    def _visible_from(self, token_i: int, at: int) -> bool:
        """A caption's names are antecedents only inside that caption."""
        starts = self.index.starts
        if self.captioned is None or not self.captioned(starts[token_i]):
            return True
        return "\n" not in self.index.text[starts[token_i] : starts[at]]

    def _describe(self, mention: Span, at: int, exclude: set[str]) -> Resolved | None:
        head = mention.root
        head_lemma = head.lemma_.lower()
        if head_lemma in self.lexicon.document_nouns:
            # "a Russian Defense Ministry statement": the organisation inside speaks
            org = self._org_inside(mention)
            if org is not None:
                return org
        if head_lemma in self.lexicon.document_nouns:
            issuer = next((g for c in head.subtree if c.dep_ == "prep" and c.lower_ in ("from", "by", "of")
                           and c.head.i in (head.i, *(a.i for a in head.children if a.dep_ == "acl"))
                           for g in c.children if g.dep_ == "pobj"), None)
            if issuer is not None:  # "a statement from the company"
                return self.resolve(_mention_of(issuer), at, exclude)
            owner = next((c for c in head.children if c.dep_ == "poss"), None)
            if owner is not None and owner.lower_ != "their":
                resolved = self.resolve(_mention_of(owner), at, exclude)  # "her statement": whoever "she" is
                if resolved.type is None and owner.lower_ in PERSON_PRONOUNS | THING_PRONOUNS:
                    return Resolved(mention.text, None, route="nobody_document")  # no one to be "her"
                return resolved
            latest = self._latest("ORG", at, exclude)  # "the report said": the latest organisation's
            return replace(latest, route="document") if latest else Resolved(mention.text, None, route="nobody_document")
        return self._ranked(mention, at, "description", exclude)

    def _ranked(self, mention: Span, at: int, kind: str, exclude: set[str]) -> Resolved:
        """The best-ranked candidate for a pronoun or description (:mod:`quotes.ranking`)."""
        options = choices(self, mention, at, kind, self._content, exclude)
        best, share = self.ranker.rank(kind, options)
        if self.decisions is not None:
            self.decisions.append((mention, kind, options, best, self._content))
        r = best.resolved
        if best.nobody:  # nobody the article names: the mention stays what it says
            nominal = self.lexicon.nominals.get(mention.root.lemma_.lower())
            person = kind == "description" and (nominal == "PERSON" or self._untagged_person(mention))
            return Resolved(mention.text, "PERSON" if person else None, route="nobody_" + kind, share=share)
        return Resolved(r.name, r.type, r.key, route=kind, share=share)

    def _untagged_person(self, mention: Span) -> bool:
        """A speaker NER did not tag that is written as a person's name: one to three capitalised
        proper nouns, none of them a title, an organisation's or an outlet's word ("Navdeep Bains
        said", "Poulter told"; not "Federal Court", "Stella's Cafe"), so that "he" finds it later."""
        words = [t for t in mention if not t.is_punct]
        lexicon = self.lexicon
        return 1 <= len(words) <= 3 and not any(t.ent_type_ for t in words) and all(
            t.pos_ == "PROPN" and t.text.istitle() and t.is_alpha and t.lower_ not in lexicon.titles
            and t.lemma_.lower() not in lexicon.nominals and not lexicon.is_outlet(t.text) for t in words)

    def resolve_addressee(self, mention: Span | None, at: int) -> tuple[Resolved | None, str | None]:
        """(addressee, audience) of a mention of whom words were told.

        Like :meth:`resolve`, and "a Security Council meeting" -> the Security Council. An
        audience ("reporters", "the crowd", "Cruz backers", "a news conference") is no addressee:
        it comes back as the audience. A pronoun with no antecedent ("told him") names no one.
        """
        if mention is None:
            return None, None
        named = [e for e in self.index.ents_in(mention.start, mention.end) if e.label_ in ("ORG", "PERSON")]
        head = mention.root
        if head.is_lower and (head.lemma_.lower() in self.lexicon.audiences or head.lower_ in self.lexicon.audiences):
            # "a Security Council meeting", "a Politico reporter" and "members of Congress" name a
            # body; "Cruz backers", "Trump supporters" and "reporters" no one
            whose = head.lemma_.lower() in EVENT_NOUNS | self.lexicon.media["role"]  # "a Politico reporter"
            of = [e for e in named if e.label_ == "ORG" and (whose or e.start > head.i)]
            if not of:
                return None, mention.text
            named = of
        resolved = self.resolve(mention, at)
        if resolved is not None and resolved.type is None and named:
            group = self.table.group_of(named[0])
            resolved = Resolved(group.entity.name, named[0].label_, group.entity.key) if group \
                else Resolved(named[0].text, named[0].label_)
        if resolved is not None and resolved.name.lower() in UNRESOLVED_PRONOUNS:
            return None, None
        if resolved is not None and resolved.key is None and resolved.name.split()[-1] in self.lexicon.audiences:
            return None, resolved.name  # "told them", and "them" is the crowd
        if head.lower_ == "them":
            # "he told them": a group (the crowd in the gym) the article does not name; one
            # person or one organisation is no "them"
            return None, mention.text
        if resolved is not None and resolved.key is None:
            resolved = self._relative_of(mention, at) or resolved
        return resolved, None

    def _relative_of(self, mention: Span, at: int) -> Resolved | None:
        """"told his mother": "Randy Cable's mother", when "his" is a person the article names
        and the article names no one the mother is. Only for addressees: GGT keeps a speaker
        such as "her boyfriend" as written."""
        head = mention.root
        owner = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in ("his", "her")), None)
        if owner is None or head.pos_ != "NOUN" or head.is_upper:
            return None
        person = self.resolve(self.doc[owner.i : owner.i + 1], at)
        if person is None or person.type != "PERSON" or person.key is None:
            return None
        rest = " ".join(t.text for t in mention if t.i != owner.i)
        return Resolved(f"{person.name}'s {rest}", "PERSON", route="relative")

    def _org_inside(self, mention: Span) -> Resolved | None:
        ents = [e for e in self.index.ents_in(mention.start, mention.end) if e.label_ in ("ORG", "GPE", "NORP")]
        if not ents:
            return None
        start, end = ents[0].start, ents[-1].end
        span = mention.doc[start:end]
        group = self.table.group_of(span)
        name = " ".join(t.text for t in span if not t.is_punct or t.text in ".-")
        if group is not None and group.entity.type == "ORG":
            if len(name) > len(group.entity.name) and name.endswith(group.entity.name):
                # "Russian Defense Ministry" names the group better than NER's "Defense Ministry"
                self.table.rename(group, name)
            return Resolved(group.entity.name, "ORG", group.entity.key)
        return Resolved(name, "ORG")


def _announced(ent: Span) -> bool:
    """Whether a name in a transcript's opening is the one announced as speaking: what it hangs on
    within three steps is an interview, remarks or a speech ("interviews X", "Interview with X",
    "X delivered remarks"), a colon and an interview follow it ("X: An Interview"), or it is
    what "I", "it" or "my name" is ("it's X here", "my name is X")."""
    doc, node = ent.doc, ent.root
    for _ in range(3):
        if node.lemma_.lower() in TRANSCRIPT_WORDS or any(c.lemma_.lower() in TRANSCRIPT_WORDS and c.dep_ == "dobj"
                                                          for c in node.children):
            return True
        if node.head.i == node.i:
            break
        node = node.head
    after = doc[ent.end : ent.end + 4]
    if len(after) and after[0].text == ":" and any(t.lemma_.lower() in TRANSCRIPT_WORDS for t in after):
        return True
    head = ent.root.head
    return ent.root.dep_ == "attr" and head.lemma_ == "be" and any(
        c.dep_ == "nsubj" and (c.lower_ in ("i", "it") or (c.lower_ == "name" and any(g.lower_ == "my" for g in c.children)))
        for c in head.children)


def _mention_of(tok) -> Span:
    left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "det", "amod")])
    return tok.doc[left : tok.i + 1]
