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

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Span

from .attribution import Attribution
from .names import Group, NameTable

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "them", "their"}
THING_PRONOUNS = {"it", "its"}
FIRST_PERSON = {"i", "we", "me", "us"}
# How far back (tokens) "they" looks for a plural subject.
PLURAL_REACH = 80
# A name that is not a clause subject is a weaker antecedent: counted as this many tokens earlier.
OBJECT_PENALTY = 40
# For he/she, a person whose gender is unknown counts as mentioned this many tokens earlier, a
# one-word "person" (often a place NER took for one) SINGLE_WORD_DOUBT tokens earlier.
UNKNOWN_GENDER_DOUBT = 30
SINGLE_WORD_DOUBT = 150
# Events a body holds: "told a Security Council meeting" tells the Security Council.
EVENT_NOUNS = {"meeting", "conference", "hearing", "session", "summit", "briefing", "gathering", "assembly"}
# Pronoun objects ("told him") that found no antecedent say nothing about whom the words were for.
UNRESOLVED_PRONOUNS = {"him", "her", "them", "us", "me", "you", "it"}


@dataclass(frozen=True)
class Resolved:
    """What a mention denotes: a name, its type, and the name table's entity when it is one."""

    name: str
    type: str | None
    key: str | None = None


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
            speaker = resolver.resolve(att.speaker, at, {addressee.name} if addressee else set())
        done[id(att)] = speaker
        if speaker is not None and speaker.type in ("PERSON", "ORG"):
            resolver.note_speaker(at, speaker)
        relays = [resolver.resolve_outlet(relay.mention) if relay.media else resolver.resolve(relay.mention, at)
                  for relay in att.relays] if speaker is not None else []
        if addressee is None and relays and relays[-1] is not None and att.addressee is not None \
                and att.addressee.root.lower_ in ("me", "us"):
            addressee = relays[-1]  # "“Stephanopoulos told me …,” Fiorina said": told Fiorina
        principal = resolver.principal(att.speaker, at) if att.parent is None else None
        out.append(ResolvedAttribution(att, speaker, addressee, relays, at, audience, principal))
    return out


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

    def resolve(self, mention: Span | None, at: int, exclude: set[str] = frozenset()) -> Resolved | None:
        """The entity ``mention`` (found at token ``at``) denotes, given the speakers so far."""
        resolved = self._resolve(mention, at, exclude)
        if resolved is not None and resolved.key is None:
            # words that are an entity's very name ("Republicans" said, read as a plural subject)
            # denote that entity, whatever the rule that found them
            group = self.table.named(resolved.name, resolved.type)
            if group is not None:
                resolved = Resolved(resolved.name, resolved.type, group.entity.key)
        return resolved

    def _resolve(self, mention: Span | None, at: int, exclude: set[str]) -> Resolved | None:
        if mention is None:
            return None
        head = mention.root
        lower = head.lower_
        if lower in FIRST_PERSON and len(mention) == 1:
            return Resolved(mention.text, None)
        if lower in PERSON_PRONOUNS:
            gender = "female" if lower in ("she", "her") else "male"
            return self._latest("PERSON", at, exclude, gender) or Resolved(mention.text, None)
        if lower in THING_PRONOUNS:
            return self._latest("ORG", at, exclude) or Resolved(mention.text, None)
        if lower in GROUP_PRONOUNS:
            plural = self._latest_plural_subject(at)
            if plural is not None:
                return plural
            last = self.speaker_mentions[-1][1] if self.speaker_mentions else None
            if last is not None and last.type in ("ORG", "NORP", "GPE", None) and last.name.lower() not in ("he", "she"):
                return last
            return Resolved(mention.text, None)
        people = [e for e in self.index.ents_in(mention.start, mention.end) if e.label_ == "PERSON"]
        if len(people) > 1 and any(t.lower_ in ("and", "&") for t in mention):
            # "Charles Glynn and Richard Jones": the pair speaks, each under their best name
            names = [g.entity.name if (g := self.table.group_at.get(e.start)) else e.text for e in people]
            return Resolved(", ".join(names[:-1]) + " and " + names[-1], "PERSON")
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

    def _latest(self, type_: str, at: int, exclude: set[str], gender: str | None = None) -> Resolved | None:
        """The entity of ``type_`` mentioned last before token ``at`` (names and resolved speakers).

        For he/she, a person whose gender is unknown counts as mentioned a little earlier than
        they were, and a one-word "person" (often a mistagged place) earlier still.
        """
        best, best_at = None, float("-inf")
        for g in self.table.groups:
            if g.entity.type != type_ or g.entity.name in exclude or not _agrees(g.gender, gender):
                continue
            subjects = set(g.subject_at)
            prior = [i - (0 if i in subjects else OBJECT_PENALTY) for i in g.mentions
                     if i < at and not self.table.in_quote(i) and self._visible_from(i, at)]
            if not prior:
                continue
            score = max(prior) - self._doubt(g, gender)
            if score > best_at:
                best, best_at = _resolved(g), score
        for position, r in self.speaker_mentions:
            group = self.table.by_name.get(r.name)
            if " and " in r.name and gender is not None:
                continue  # a pair is no "he" or "she"
            if position < at and r.type == type_ and r.name not in exclude and self._visible_from(position, at) \
                    and _agrees(group.gender if group else None, gender):
                score = position - (self._doubt(group, gender) if group else 0)
                if score >= best_at:
                    best, best_at = r, score
        return best

    @staticmethod
    def _doubt(group: Group, gender: str | None) -> int:
        if gender is None or group.gender is not None:
            return 0
        return UNKNOWN_GENDER_DOUBT if len(group.entity.name.split()) > 1 else SINGLE_WORD_DOUBT

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
        if self.captioned is None or not self.captioned(self.doc[token_i].idx):
            return True
        return "\n" not in self.index.text[self.doc[token_i].idx : self.doc[at].idx]

    def _describe(self, mention: Span, at: int, exclude: set[str]) -> Resolved | None:
        head = mention.root
        words = {t.lemma_.lower() for t in mention if t.is_alpha and not t.is_stop}
        head_lemma = head.lemma_.lower()
        nominal_type = self.lexicon.nominals.get(head_lemma)
        if head_lemma in self.lexicon.document_nouns:
            # "a Russian Defense Ministry statement": the organisation inside speaks
            org = self._org_inside(mention)
            if org is not None:
                return org
        best, best_score = None, 0.0
        for g in self.table.groups:
            if g.entity.name in exclude or g.entity.type not in ("PERSON", "ORG"):
                continue
            if nominal_type in ("PERSON", "ORG") and g.entity.type != nominal_type:
                continue  # "the security firm" is no person, "the spokesman" no company
            if head_lemma not in g.words and head_lemma not in {w.lower() for w in g.entity.name.split()}:
                continue
            score = 1 + len(words & g.words)
            prior = [i for i in g.mentions if i < at]
            score += 0.5 if prior else 0.0
            score += 0.001 * (max(prior) if prior else -min(g.mentions, default=0))
            if score > best_score:
                best, best_score = g, score
        if best is not None:
            return _resolved(best)
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
                    return Resolved(mention.text, None)  # no one to be "her": the statement is all we know
                return resolved
            return self._latest("ORG", at, exclude) or Resolved(mention.text, None)
        definite = any(t.lower_ == "the" and t.dep_ == "det" for t in head.children)
        if definite and nominal_type == "ORG":
            return self._latest("ORG", at, exclude) or Resolved(mention.text, None)
        if definite and head.tag_ == "NN" and nominal_type is None:
            # "the lanky, bespectacled professor": the person the story is about
            return self._latest("PERSON", at, exclude) or Resolved(mention.text, None)
        return Resolved(mention.text, nominal_type if nominal_type == "PERSON" else None)

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
        if resolved is not None and resolved.key is None and resolved.name.split()[-1].lower() in self.lexicon.audiences:
            return None, resolved.name  # "told them", and "them" is the crowd
        if head.lower_ == "them" and (resolved is None or resolved.type not in ("ORG", "PERSON")):
            return None, mention.text  # "he told them": a group the article does not name
        return resolved, None

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


def _mention_of(tok) -> Span:
    left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "det", "amod")])
    return tok.doc[left : tok.i + 1]


def _agrees(known: str | None, wanted: str | None) -> bool:
    return known is None or wanted is None or known == wanted
