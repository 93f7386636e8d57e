"""Resolve speaker mentions ("he", "the envoy", "De Mistura") to the entity they denote.

spaCy has no offline coreference model, so this is a small rule system over a per-document
registry: every PERSON/ORG/GPE/NORP name, grouped (people by surname), with the titles and
appositions seen around it ("envoy Staffan de Mistura", "De Mistura, an Italian-Swedish
diplomat", "his Russian counterpart Sergey Shoygu"). A mention then resolves by its form:

* a name       -> the longest name of its group ("McCallum" -> "Doug McCallum");
* a pronoun    -> the latest speaker or subject of the right type (he/she: PERSON, it: ORG);
* a description-> the entity whose descriptions share its head noun and modifiers
                  ("the Russian minister" -> "his Russian counterpart Sergey Shoygu");
* an organisation's statement ("a Russian Defense Ministry statement") -> the organisation.
Anything else keeps its own words ("a spokesperson"), with no type.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy

from spacy.tokens import Doc, Span

from .docindex import DocIndex
from .lexicon import Lexicon, first_name_gender
from .records import Entity
from .text import normalize_name

NAME_TYPES = {"PERSON", "ORG", "GPE", "NORP"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "them", "their"}
THING_PRONOUNS = {"it", "its"}
FIRST_PERSON = {"i", "we", "me", "us"}
NAME_PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "ter", "bin", "bint", "al", "el", "la", "le", "du", "dos", "das", "y", "ibn", "abu", "-"}
CREDIT_WORDS = {"images", "image", "photo", "photos", "getty", "file", "handout", "via", "courtesy", "staff"}
# How far back (tokens) "they" looks for a plural subject.
PLURAL_REACH = 80
# A name that is not a clause subject is a weaker antecedent: counted as this many tokens earlier.
OBJECT_PENALTY = 40
DESCRIPTION_DEPS = {"compound", "amod", "nmod", "poss", "det"}


@dataclass
class _Group:
    entity: Entity
    mentions: list[int] = field(default_factory=list)  # token offsets, in order
    words: set[str] = field(default_factory=set)  # lemmas of descriptions, for matching
    subject_at: list[int] = field(default_factory=list)  # where it is a clause subject
    gender: str | None = None  # "male" | "female" | None (unknown): for he/she
    forms: dict[str, int] = field(default_factory=dict)  # full names seen, with counts

    def best_name(self) -> str:
        """The most frequent full form, the first seen on ties ("Kevin Vickers", not "Vickers")."""
        return max(self.forms, key=lambda f: (len(f.split()) > 1, self.forms[f]))


@dataclass(frozen=True)
class Resolved:
    name: str
    type: str | None


class Registry:
    """The named entities of one document and what is said about them.

    People are grouped by full name; a lone surname or first name ("Vickers", "Jordan") joins the
    person of that name mentioned last, so two Karlssons on one team stay apart.
    """

    def __init__(self, doc: Doc, lexicon: Lexicon, quoted_chars=None, skipped=None, index: DocIndex | None = None,
                 captioned=None):
        """``quoted_chars(i)``, ``skipped(i)`` and ``captioned(i)`` tell whether character ``i`` is
        inside quotation marks, on a headline line (names there are ignored) or in a photo caption
        (names there join the registry but are no antecedent for the text outside it)."""
        self.doc = doc
        self.index = index or DocIndex(doc)
        self.lexicon = lexicon
        self.quoted_chars = quoted_chars  # char -> inside quotation marks?
        self.captioned = captioned
        self.groups: list[_Group] = []
        self.speaker_mentions: list[tuple[int, Resolved]] = []
        self._by_key: dict[tuple[str, str], _Group] = {}
        self._group_at: dict[int, _Group] = {}  # entity start token -> group
        self._people_by_word: dict[str, list[_Group]] = {}  # surname or first name -> people
        self._sentence_people: dict[int, list[tuple[int, int]]] | None = None
        for ent in self.index.ents:
            if ent.label_ in NAME_TYPES and not (skipped and skipped(ent.start_char)):
                self._add(ent)
        self._merge_short_org_names()
        self._untagged_at: dict[int, _Group] = {}  # token of a name NER missed -> group
        self._find_untagged_names(skipped)
        for g in self.groups:
            g.entity.name = g.best_name()
            if g.entity.type == "PERSON":
                g.gender = self._pronoun_gender(g) or _gender(g.entity.name, g.entity.descriptions)
        self._by_name = {g.entity.name: g for g in self.groups}

    # -- building -----------------------------------------------------------------
    def _name_words(self, ent: Span) -> list[str]:
        """The words of a name, hyphenated parts joined ("Kim Jong-un": Kim, Jong-un), titles off."""
        words: list[str] = []
        glued = False  # the previous token had no space after it
        for t in ent:
            word = normalize_name(t.text)  # a name made of spaces or invisible marks is no name
            if (t.is_punct and word not in ".-") or not word:
                glued = False
                continue
            if glued and words and (word == "-" or words[-1].endswith("-")):
                words[-1] += word
            else:
                words.append(word)
            glued = not t.whitespace_
        while words and words[0].lower() in self.lexicon.titles | {"the"}:
            words = words[1:]
        if words and words[-1].lower() in ("’s", "'s"):
            words = words[:-1]
        if ent.label_ == "PERSON" and "of" in words[1:]:
            words = words[: words.index("of", 1)]  # "Jingyi Pan of IG": the employer is not the name
        while words and words[-1] in ("of", "and", "&", "-"):
            words = words[:-1]  # "Animal Protection Services of" cut short by NER
        return words

    def _looks_like_person(self, words: list[str]) -> bool:
        """NER's PERSON on a photo credit ("Luis Tato AFP Getty Images") or a title ("Bill C-74")."""
        for word in words:
            if any(ch.isdigit() for ch in word) or word.lower() in CREDIT_WORDS or self.lexicon.is_outlet(word):
                return False
            if word[:1].islower() and word.lower() not in NAME_PARTICLES:
                return False
        return len(words) <= 5

    def _person_by_word(self, word: str, before: int | None = None) -> _Group | None:
        """The person whose surname (or first name) is ``word``, mentioned last before ``before``."""
        best, best_at = None, -1
        for g in self._people_by_word.get(word.lower(), ()):
            prior = [i for i in g.mentions if before is None or i < before]
            at = prior[-1] if prior else -1 - g.mentions[0] / 1e6
            if best is None or at > best_at:
                best, best_at = g, at
        return best

    def _add(self, ent: Span) -> None:
        words = self._name_words(ent)
        if not words or (ent.label_ == "PERSON" and not self._looks_like_person(words)):
            return
        name = " ".join(words).replace(" .", ".")
        label = ent.label_
        group = None
        if len(words) == 1:
            if label == "PERSON" and len(words[0]) <= 5 and self.index.text[ent.end_char : ent.end_char + 1] == ".":
                return  # "Oakville, Ont.": an abbreviated place NER took for a person
            group = self._person_by_word(words[0], ent.start)  # "Stone" after "Mark Stone", even if tagged ORG
        if group is None:
            key = (label, name.lower())
            group = self._by_key.get(key)
            if group is None and label == "PERSON" and len(words) > 1:
                # a surname seen alone before the full name ("McCallum … Doug McCallum")
                lone = self._by_key.get(("PERSON", words[-1].lower()))
                if lone is not None and len(lone.forms) == 1:
                    group = lone
                    self._by_key[key] = group
        if group is None:
            group = _Group(Entity(name, label))
            self._by_key[(label, name.lower())] = group
            self.groups.append(group)
        if name not in group.forms and group.entity.type == "PERSON":
            for word in {words[0].lower(), words[-1].lower()} if len(words) > 1 else {words[0].lower()}:
                self._people_by_word.setdefault(word, []).append(group)
        group.forms[name] = group.forms.get(name, 0) + 1
        self._group_at[ent.start] = group
        group.mentions.append(ent.start)
        if ent.root.dep_ in ("nsubj", "nsubjpass"):
            group.subject_at.append(ent.start)
        for description in self._descriptions(ent):
            if description.text not in group.entity.descriptions:
                group.entity.descriptions.append(description.text)
            group.words.update(t.lemma_.lower() for t in description if t.is_alpha and not t.is_stop)
            if description.root.lemma_ == "counterpart":
                group.words.update(self._counterpart_titles(description.root))
        for tok in ent:
            if tok.lower_ in self.lexicon.titles:
                group.words.add(tok.lemma_.lower())
                if tok.text not in group.entity.descriptions:
                    group.entity.descriptions.append(tok.text)

    def _find_untagged_names(self, skipped) -> None:
        """Mentions of a registered name that NER left untagged ("McNeely turned down …" after
        "Morgan McNeely" was tagged): one name, one referent, throughout an article."""
        forms: dict[str, list[tuple[str, _Group]]] = {}
        for g in self.groups:
            names = set(g.forms)
            if g.entity.type == "PERSON":
                names |= {form.split()[-1] for form in g.forms}  # the surname alone
            for form in names:
                if form[:1].isupper():
                    forms.setdefault(form.split()[0], []).append((form, g))
        if not forms:
            return
        doc, text, strings = self.doc, self.index.text, self.doc.vocab.strings
        orths = doc.to_array("ORTH")
        wanted = numpy.array([strings.add(word) for word in forms], dtype="uint64")
        for i in numpy.flatnonzero(numpy.isin(orths, wanted)):
            tok = doc[int(i)]
            if tok.ent_type_ in NAME_TYPES or tok.pos_ != "PROPN" or (skipped and skipped(tok.idx)):
                continue
            for form, group in sorted(forms[tok.text], key=lambda fg: -len(fg[0])):
                end = tok.idx + len(form)
                if text.startswith(form, tok.idx) and not (end < len(text) and text[end].isalnum()):
                    if group.entity.type == "PERSON" and " " not in form:
                        group = self._person_by_word(form, tok.i) or group  # the latest of that surname
                    span = doc.char_span(tok.idx, end, alignment_mode="expand")
                    group.mentions.append(tok.i)
                    if span.root.dep_ in ("nsubj", "nsubjpass"):
                        group.subject_at.append(tok.i)
                    for t in span:
                        self._untagged_at[t.i] = group
                    self._group_at.setdefault(tok.i, group)
                    break
        for g in self.groups:
            g.mentions.sort()

    def _people_by_sentence(self) -> dict[int, list[tuple[int, int]]]:
        """Sentence start -> (token, group id) of each person it names, in order (built once)."""
        if self._sentence_people is None:
            self._sentence_people = {}
            for at, g in sorted(self._group_at.items()):
                if g.entity.type == "PERSON":
                    self._sentence_people.setdefault(self.index.sent(at).start, []).append((at, id(g)))
        return self._sentence_people

    def _pronoun_gender(self, group: _Group) -> str | None:
        """male/female from the pronouns that follow the person's name in the article.

        Counts he/his/himself against she/hers/herself after each mention of the person as a
        subject, up to the next person named or the end of the sentence ("Kim said in his
        speech he was ready to meet Trump"); a clear majority decides. Sentences naming someone
        else first, object mentions, quoted pronouns and object "him"/"her" are left out: in
        "police found Jayme. He dragged her …" the pronouns are someone else.
        """
        counts = {"male": 0, "female": 0}
        people = self._people_by_sentence()
        for at in group.subject_at:
            sent = self.index.sent(at)
            named = people.get(sent.start, [])
            if any(i < at and g != id(group) for i, g in named):
                continue  # someone named earlier in the sentence: the pronouns may be theirs
            end = min([i for i, g in named if i > at and g != id(group)] + [sent.end])
            for tok in self.doc[at + 1 : end]:
                if self._in_quote(tok.i):
                    continue  # "She's 13," the prosecutor said: quoted pronouns are someone else
                if tok.lower_ in ("he", "his", "himself"):
                    counts["male"] += 1
                elif tok.lower_ in ("she", "hers", "herself"):
                    counts["female"] += 1
        male, female = counts["male"], counts["female"]
        # one pronoun suffices for a full name; a lone word may be a place NER took for a person
        least = 1 if len(group.entity.name.split()) > 1 else 2
        if male >= least and male >= 3 * female:
            return "male"
        if female >= least and female >= 3 * male:
            return "female"
        return None

    def _merge_short_org_names(self) -> None:
        """"IRCC" is "Immigration, Refugees and Citizenship Canada" when the initials agree, and
        "Suncor" is "Suncor Energy" when the longer name starts with it."""
        orgs = [g for g in self.groups if g.entity.type == "ORG"]
        for short in orgs:
            name = short.best_name().replace(".", "")
            acronym = 2 <= len(name) <= 6 and name.isupper()
            if not acronym and len(name.split()) > 1:
                continue
            for full in orgs:
                words = full.best_name().split()
                initials = "".join(w[0] for w in words if w[:1].isupper())
                if full is not short and (initials == name if acronym else len(words) > 1 and words[0] == name):
                    full.mentions = sorted(full.mentions + short.mentions)
                    full.subject_at = sorted(full.subject_at + short.subject_at)
                    full.words |= short.words
                    for at, group in self._group_at.items():
                        if group is short:
                            self._group_at[at] = full
                    self.groups.remove(short)
                    break

    def _descriptions(self, ent: Span) -> list[Span]:
        """Titles before the name and appositions around it."""
        doc, root = self.doc, ent.root
        out = []
        lefts = [c for c in root.lefts if c.i < ent.start and c.dep_ in DESCRIPTION_DEPS and c.pos_ != "DET"]
        if lefts:
            out.append(doc[min(c.left_edge.i for c in lefts) : ent.start])
        for child in root.rights:
            if child.dep_ == "appos":
                out.append(_without_clauses(child))
        if root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN"):
            out.append(_without_clauses(root.head, stop=ent.start))
        return [s for s in out if len(s) and not all(t.is_stop or t.is_punct for t in s)]

    def _counterpart_titles(self, counterpart) -> set[str]:
        """"X and his Russian counterpart Y": Y holds X's title (minister, president…)."""
        other = counterpart.head if counterpart.dep_ == "conj" else None
        group = self._person_by_word(other.text) if other is not None and other.pos_ == "PROPN" else None
        return {w for w in (group.words if group else ()) if w in self.lexicon.titles}

    # -- resolving ------------------------------------------------------------------
    def entities(self) -> list[Entity]:
        return [g.entity for g in self.groups]

    def group_of(self, span: Span) -> _Group | None:
        """The group of the name that heads ``span`` ("the U.N. envoy" is not the U.N.)."""
        for ent in self.index.ents_in(span.start, span.end):
            if ent.label_ in NAME_TYPES and ent.start <= span.root.i < ent.end:
                return self._group_at.get(ent.start)
        return self._untagged_at.get(span.root.i)

    def resolve(self, mention: Span | None, at: int, exclude: set[str] = frozenset()) -> Resolved | None:
        """The entity ``mention`` (found at token ``at``) denotes, given the speakers so far."""
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
            names = [g.entity.name if (g := self._group_at.get(e.start)) else e.text for e in people]
            return Resolved(", ".join(names[:-1]) + " and " + names[-1], "PERSON")
        group = self.group_of(mention)
        if group is None and head.pos_ == "PROPN":
            group = self._person_by_word(head.text, at)  # a surname NER did not tag
        if group is not None:
            if group.entity.type == "NORP" or (group.entity.type == "GPE" and head.pos_ == "NOUN"):
                # "a Russian official", "the Syrian government": the nationality is not the speaker
                pass
            else:
                return Resolved(group.entity.name, group.entity.type)
        return self._describe(mention, at, exclude)

    def _latest(self, type_: str, at: int, exclude: set[str], gender: str | None = None) -> Resolved | None:
        """The entity of ``type_`` mentioned last before token ``at`` (names and resolved speakers).

        For he/she, a person whose gender is unknown counts as mentioned a little earlier than
        they were, and a one-word "person" (often a mistagged place) earlier still.
        """
        best, best_at = None, float("-inf")
        for g in self.groups:
            if g.entity.type != type_ or g.entity.name in exclude or not _agrees(g.gender, gender):
                continue
            subjects = set(g.subject_at)
            prior = [i - (0 if i in subjects else OBJECT_PENALTY) for i in g.mentions
                     if i < at and not self._in_quote(i) and self._visible_from(i, at)]
            if not prior:
                continue
            score = max(prior) - self._doubt(g, gender)
            if score > best_at:
                best, best_at = Resolved(g.entity.name, g.entity.type), score
        for position, r in self.speaker_mentions:
            group = self._by_name.get(r.name)
            if " and " in r.name and gender is not None:
                continue  # a pair is no "he" or "she"
            if position < at and r.type == type_ and r.name not in exclude and self._visible_from(position, at) \
                    and _agrees(group.gender if group else None, gender):
                score = position - (self._doubt(group, gender) if group else 0)
                if score >= best_at:
                    best, best_at = r, score
        return best

    @staticmethod
    def _doubt(group: _Group, gender: str | None) -> int:
        if gender is None or group.gender is not None:
            return 0
        return 30 if len(group.entity.name.split()) > 1 else 150

    def _latest_plural_subject(self, at: int, reach: int = PLURAL_REACH) -> Resolved | None:
        """"Tore Sohlberg and Lehla Abreder said…; they added": the last plural subject before ``at``."""
        for tok in reversed(self.doc[max(0, at - reach) : at]):
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ == "PRON" or self._in_quote(tok.i):
                continue
            conjuncts = [c for c in tok.children if c.dep_ == "conj"]
            if tok.tag_ not in ("NNS", "NNPS") and not conjuncts:
                continue
            if not (tok.ent_type_ or conjuncts or tok.text.lower() in self.lexicon.nominals):
                continue  # "Slow sales … they said": only people and organisations speak
            left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "amod", "det", "nmod", "poss")])
            right = max([tok.i] + [c.right_edge.i for c in conjuncts])
            span = self.doc[left : right + 1]
            group = self.group_of(span) if not conjuncts else None
            return Resolved(group.entity.name, group.entity.type) if group else Resolved(span.text, None)
        return None

    def note_speaker(self, at: int, resolved: Resolved) -> None:
        """Remember that ``resolved`` spoke at token ``at``: later pronouns may point back to it."""
        self.speaker_mentions.append((at, resolved))

    def _visible_from(self, token_i: int, at: int) -> bool:
        """A caption's names are antecedents only inside that caption."""
        if self.captioned is None or not self.captioned(self.doc[token_i].idx):
            return True
        return "\n" not in self.index.text[self.doc[token_i].idx : self.doc[at].idx]

    def _in_quote(self, token_i: int) -> bool:
        return self.quoted_chars is not None and self.quoted_chars(self.doc[token_i].idx)

    def _describe(self, mention: Span, at: int, exclude: set[str]) -> Resolved | None:
        head = mention.root
        words = {t.lemma_.lower() for t in mention if t.is_alpha and not t.is_stop}
        head_lemma = head.lemma_.lower()
        nominal_type = self.lexicon.nominals.get(head_lemma)
        if head_lemma in DOCUMENT_NOUNS:
            # "a Russian Defense Ministry statement": the organisation inside speaks
            org = self._org_inside(mention)
            if org is not None:
                return org
        best, best_score = None, 0.0
        for g in self.groups:
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
            return Resolved(best.entity.name, best.entity.type)
        if head_lemma in DOCUMENT_NOUNS:
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

    def resolve_addressee(self, mention: Span | None, at: int) -> Resolved | None:
        """Like :meth:`resolve`, and "a Security Council meeting" -> the Security Council."""
        resolved = self.resolve(mention, at)
        if resolved is not None and resolved.type is None and mention is not None:
            named = [e for e in self.index.ents_in(mention.start, mention.end) if e.label_ in ("ORG", "PERSON")]
            if named:
                group = self.group_of(named[0])
                return Resolved(group.entity.name if group else named[0].text, named[0].label_)
        return resolved

    def _org_inside(self, mention: Span) -> Resolved | None:
        ents = [e for e in self.index.ents_in(mention.start, mention.end) if e.label_ in ("ORG", "GPE", "NORP")]
        if not ents:
            return None
        start, end = ents[0].start, ents[-1].end
        span = mention.doc[start:end]
        group = self.group_of(span)
        name = " ".join(t.text for t in span if not t.is_punct or t.text in ".-")
        if group is not None and group.entity.type == "ORG":
            if len(name) > len(group.entity.name) and name.endswith(group.entity.name):
                # "Russian Defense Ministry" names the group better than NER's "Defense Ministry"
                self._by_name[name] = self._by_name.pop(group.entity.name, group)
                group.entity.name = name
            return Resolved(group.entity.name, "ORG")
        return Resolved(name, "ORG")


DOCUMENT_NOUNS = {"statement", "report", "release", "study", "findings", "document", "letter", "survey", "memo",
                  "review", "post"}


def _mention_of(tok) -> Span:
    left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "det", "amod")])
    return tok.doc[left : tok.i + 1]


def _gender(name: str, descriptions: list[str]) -> str | None:
    """male/female from a title (Mr., Mrs.) or the first name; None when unknown."""
    titles = {d.lower().rstrip(".") for d in descriptions}
    if titles & {"mr", "sir", "lord", "king", "prince", "father"}:
        return "male"
    if titles & {"mrs", "ms", "miss", "dame", "lady", "queen", "princess"}:
        return "female"
    parts = name.split()
    if len(parts) < 2:
        return None
    return first_name_gender(parts[0])


def _agrees(known: str | None, wanted: str | None) -> bool:
    return known is None or wanted is None or known == wanted


def _without_clauses(tok, stop: int | None = None) -> Span:
    doc = tok.doc
    left = tok.left_edge.i
    right = tok.i
    for child in tok.rights:
        if child.dep_ in ("relcl", "acl", "punct", "appos", "advcl", "cc", "conj"):
            break
        right = max(right, child.right_edge.i)
    if stop is not None:
        right = min(right, stop - 1)
    return doc[left : right + 1]
