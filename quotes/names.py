"""The per-article name table: every person and organisation an article names, with its forms,
titles, appositions and gender, for :mod:`quotes.resolution` to resolve mentions against.

Every PERSON/ORG/GPE/NORP name is grouped (people by surname, so "McCallum" joins "Doug McCallum"
and two Karlssons of one team stay apart; "IRCC" joins "Immigration, Refugees and Citizenship
Canada"), with the titles and appositions seen around it ("envoy Staffan de Mistura", "De
Mistura, an Italian-Swedish diplomat", "his Russian counterpart Sergey Shoygu") and a gender read
from the pronouns that follow it, its title or its first name. Each group is one
:class:`~quotes.records.Entity` with a ``key`` unique in the article.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy
from spacy.tokens import Doc, Span, Token

from .docindex import DocIndex
from .lexicon import Lexicon, first_name_gender
from .outlets import Outlets
from .records import Entity
from .text import normalize_name

NAME_TYPES = {"PERSON", "ORG", "GPE", "NORP"}
# A website's name, which names the organisation that runs it: "GunBroker.com", "Change.org".
WEB_ADDRESS = re.compile(r"^[A-Z][A-Za-z0-9-]*\.(?:com|org|net)$")
DESCRIPTION_DEPS = {"compound", "amod", "nmod", "poss", "det"}
# Tags of words NER sometimes takes into a name that opens a sentence: "Without Bloomberg",
# "But Clinton", "When Obama" (prepositions, conjunctions, adverbs).
LEADING_FUNCTION_TAGS = {"IN", "CC", "RB", "WRB", "WDT", "WP"}
# Words inside an organisation's name, and how far NER may have stopped short of its acronym.
NAME_JOINERS = {"of", "for", "and", "in", "on", "the", "&"}
LONG_FORM_WORDS = 4
# Subject pronouns after a person's name that tell their gender (object "him"/"her" are left out).
MALE_PRONOUNS = {"he", "his", "himself"}
FEMALE_PRONOUNS = {"she", "hers", "herself"}
MALE_TITLES = {"mr", "sir", "lord", "king", "prince", "father"}
FEMALE_TITLES = {"mrs", "ms", "miss", "dame", "lady", "queen", "princess"}


@dataclass
class Group:
    """One entity of the article and where it is mentioned."""

    entity: Entity
    mentions: list[int] = field(default_factory=list)  # token offsets, in order
    words: set[str] = field(default_factory=set)  # lemmas of descriptions, for matching
    heads: set[str] = field(default_factory=set)  # head lemmas of its descriptions ("company")
    subject_at: list[int] = field(default_factory=list)  # where it is a clause subject
    gender: str | None = None  # "male" | "female" | None (unknown): for he/she
    forms: dict[str, int] = field(default_factory=dict)  # full names seen, with counts
    outlet: bool = False  # the article shows it is a news organisation

    def best_name(self, text: str | None = None) -> str:
        """The most frequent full form ("Kevin Vickers", not "Vickers"); on ties an organisation's
        form that ``text`` writes most often (NER may tag "Mayors' Council" once in four), then the
        first seen."""
        # people are introduced by their full name first; an organisation's spelling may vary
        written = text if text is not None and self.entity.type == "ORG" else None
        return max(self.forms, key=lambda f: (len(f.split()) > 1, self.forms[f], written.count(f) if written else 0))


class NameTable:
    """The named entities of one document and what is said about them.

    People are grouped by full name; a lone surname or first name ("Vickers", "Jordan") joins the
    person of that name mentioned last, so two Karlssons on one team stay apart.
    """

    def __init__(self, doc: Doc, lexicon: Lexicon, quoted_chars: Callable[[int], bool] | None = None,
                 skipped: Callable[[int], bool] | None = None, index: DocIndex | None = None):
        """``quoted_chars(i)`` and ``skipped(i)`` tell whether character ``i`` is inside quotation
        marks or on a headline line (names there are ignored)."""
        self.doc = doc
        self.index = index or DocIndex(doc)
        self.lexicon = lexicon
        self.quoted_chars = quoted_chars  # char -> inside quotation marks?
        self.groups: list[Group] = []
        self._by_key: dict[tuple[str, str], Group] = {}
        self.group_at: dict[int, Group] = {}  # entity start token -> group
        self._people_by_word: dict[str, list[Group]] = {}  # surname or first name -> people
        self._sentence_people: dict[int, list[tuple[int, int]]] | None = None
        # acronyms the article uses, which a longer name may spell ("SMMT")
        self._acronyms = {e.text for e in self.index.ents if e.label_ == "ORG" and e.text.isupper() and 2 <= len(e.text) <= 6}
        for ent in self.index.ents:
            if ent.label_ in NAME_TYPES and not (skipped and skipped(ent.start_char)):
                self._add(ent)
        for site in self._web_addresses(skipped):
            self._add(site)
        self._merge_short_org_names()
        self._untagged_at: dict[int, Group] = {}  # token of a name NER missed -> group
        self._find_untagged_names(skipped)
        self._retype_by_descriptions()
        self._retype_relatives()
        for k, g in enumerate(self.groups):
            g.entity.key = f"e{k}"
            g.entity.name = g.best_name(self.index.text)
            if g.entity.type == "PERSON":
                # what the name says (Mrs., Hillary) outweighs pronouns counted near a shared surname
                g.gender = _gender(g.entity.name, g.entity.descriptions) or self._pronoun_gender(g)
        self.by_name = {g.entity.name: g for g in self.groups}
        self._by_entity_key = {g.entity.key: g.entity for g in self.groups}
        self.outlet_keys = {g.entity.key for g in self.groups if g.outlet}

    # -- building -----------------------------------------------------------------
    def _web_addresses(self, skipped: Callable[[int], bool] | None) -> list[Span]:
        """Organisations named by their website that NER left untagged: "GunBroker.com",
        "Change.org" (a capitalised name and a domain ending)."""
        return [Span(self.doc, t.i, t.i + 1, label="ORG") for t in self.doc
                if WEB_ADDRESS.match(t.text) and not t.ent_type_ and not (skipped and skipped(t.idx))]

    def _name_words(self, ent: Span) -> list[str]:
        """The words of a name, hyphenated parts joined ("Kim Jong-un": Kim, Jong-un), titles off."""
        words: list[str] = []
        glued = False  # the previous token had no space after it
        for t in self._without_leading_function_words(ent):
            word = normalize_name(t.text)  # a name made of spaces or invisible marks is no name
            if glued and words and word in ("'", "’") and words[-1].endswith("s") and t.whitespace_ and t.i < ent.end - 1:
                words[-1] += word  # the plural possessive of "Mayors' Council" is part of the name
                glued = False
                continue
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
        while words and (words[-1] in ("of", "and", "&", "-") or (len(words) > 1 and words[-1] in self.lexicon.media["medium"])):
            words = words[:-1]  # "Animal Protection Services of" cut short by NER; "Baltimore Sun op-ed"
        return words

    def _without_leading_function_words(self, ent: Span) -> Span:
        """NER takes a capitalised word that opens the sentence into the name: "Without Bloomberg",
        "But Clinton". A name starts after such a word (name particles such as "Van" stay)."""
        start = ent.start
        while start < ent.end - 1 and ent.doc[start].tag_ in LEADING_FUNCTION_TAGS \
                and ent.doc[start].lower_ not in self.lexicon.name_particles:
            start += 1
        return ent.doc[start : ent.end]

    def _looks_like_person(self, words: list[str]) -> bool:
        """NER's PERSON on a photo credit ("Luis Tato AFP Getty Images") or a title ("Bill C-74")."""
        for word in words:
            # an agency in a credit ("Luis Tato AFP"), but not a surname some outlet shares ("Marc
            # Lamont Hill", "Fiona Hill": The Hill)
            if any(ch.isdigit() for ch in word) or word.lower() in self.lexicon.credit_words \
                    or (self.lexicon.is_outlet(word) and not word.istitle()):
                return False
            if word[:1].islower() and word.lower() not in self.lexicon.name_particles:
                return False
        return len(words) <= 5

    def person_by_word(self, word: str, before: int | None = None, gender: str | None = None) -> Group | None:
        """The person whose surname (or first name) is ``word``, mentioned last before ``before``;
        with ``gender``, not one whose name or title says the other."""
        best, best_at = None, -1
        for g in self._people_by_word.get(word.lower(), ()):
            if g.entity.type != "PERSON":
                continue  # retyped: "Orbital Freight, a shipping company"
            if gender is not None and _gender(g.entity.name, g.entity.descriptions) not in (None, gender):
                continue
            prior = [i for i in g.mentions if before is None or i < before]
            at = prior[-1] if prior else -1 - g.mentions[0] / 1e6
            if best is None or at > best_at:
                best, best_at = g, at
        return best

    def _add(self, ent: Span) -> None:
        if ent.label_ == "ORG":
            ent = _long_form(ent, self._acronyms)
        words = self._name_words(ent)
        if not words or (ent.label_ == "PERSON" and not self._looks_like_person(words)):
            return
        if not any(c.isupper() for word in words for c in word):
            return  # "the rookie defenceman" tagged ORG: a name has a capital somewhere ("eBay")
        name = " ".join(words).replace(" .", ".")
        label = ent.label_
        group = None
        if len(words) == 1:
            if label == "PERSON" and len(words[0]) <= 5 and self.index.text[ent.end_char : ent.end_char + 1] == ".":
                return  # "Oakville, Ont.": an abbreviated place NER took for a person
            # "Stone" after "Mark Stone", even if tagged ORG; "Mrs. Whitfield" is no Robert Whitfield
            group = self.person_by_word(words[0], ent.start, self._title_gender(ent))
        if group is None:
            # "Mayors' Council" and "Mayors Council" are one name written two ways
            key = (label, _name_key(name))
            group = self._by_key.get(key)
            if group is None and label == "PERSON" and len(words) > 1:
                # a surname seen alone before the full name ("McCallum … Doug McCallum")
                lone = self._by_key.get(("PERSON", _name_key(words[-1])))
                if lone is not None and len(lone.forms) == 1:
                    group = lone
                    self._by_key[key] = group
        if group is None:
            group = Group(Entity(name, label))
            self._by_key[key] = group
            self.groups.append(group)
        if name not in group.forms and group.entity.type == "PERSON":
            for word in {words[0].lower(), words[-1].lower()} if len(words) > 1 else {words[0].lower()}:
                self._people_by_word.setdefault(word, []).append(group)
        group.forms[name] = group.forms.get(name, 0) + 1
        self.group_at[ent.start] = group
        group.mentions.append(ent.start)
        group.outlet = group.outlet or self._said_to_be_outlet(ent)
        if _holds_the_floor(ent.root):
            group.subject_at.append(ent.start)
        for description in self._descriptions(ent):
            if description.text not in group.entity.descriptions:
                group.entity.descriptions.append(description.text)
            group.words.update(t.lemma_.lower() for t in description if t.is_alpha and not t.is_stop)
            if description.root.pos_ in ("NOUN", "PROPN"):  # "China's official Xinhua": no adjective
                group.heads.add(description.root.lemma_.lower())
            if description.root.lemma_ == "counterpart":
                group.words.update(self._counterpart_titles(description.root))
        for tok in ent:
            if tok.lower_ in self.lexicon.titles:
                group.words.add(tok.lemma_.lower())
                if tok.text not in group.entity.descriptions:
                    group.entity.descriptions.append(tok.text)

    def _said_to_be_outlet(self, ent: Span) -> bool:
        """What the article says of a name that makes it a news organisation's: "The Post and
        Courier newspaper", "WIBC radio", "the Forward, a Jewish newspaper", "CNN's reporter",
        "Fox News host Sean Hannity"."""
        media, root, doc = self.lexicon.media, ent.root, self.doc
        if root.dep_ == "compound" and root.head.lemma_.lower() in media["role"]:
            return True
        if described_as_outlet(ent, self.lexicon):
            return True
        after = doc[ent.end : ent.end + 3]
        return len(after) >= 2 and after[0].tag_ == "POS" and after[1].lemma_.lower() in media["role"]

    def _title_gender(self, ent: Span) -> str | None:
        """male/female when a title such as Mr. or Mrs. opens the name or stands just before it."""
        for tok in (ent.doc[ent.start - 1] if ent.start else None, ent[0]):
            word = tok.lower_.rstrip(".") if tok is not None else ""
            if word in MALE_TITLES:
                return "male"
            if word in FEMALE_TITLES:
                return "female"
        return None

    def _retype_by_descriptions(self) -> None:
        """A name the article describes as one type is of that type, whatever NER said: "Orbital
        Freight, a shipping company" is an organisation, "Sean Hannity, the Fox host" a person.
        Only when every description says that type ("Tareq Hadad, the co-founder of Peace By
        Chocolate, a chocolate company" is not retyped), and never a name that opens with a known
        first name."""
        lexicon = self.lexicon
        for g in self.groups:
            said = {"PERSON" if h in lexicon.titles else lexicon.nominals.get(h) for h in g.heads}
            if g.entity.type in ("PERSON", "ORG") and len(said) == 1 and None not in said \
                    and g.entity.type not in said and not first_name_gender(g.entity.name.split()[0]):
                g.entity.type = said.pop()

    def _retype_relatives(self) -> None:
        """A name NER typed an organisation that is a given name and the surname of a person in
        the article is a person of that family: "Naghmeh Abedini" beside "Saeed Abedini" and
        "Mrs. Abedini". Not when the article describes it as an organisation, nor a name whose
        first word says what kind of body it is ("Team Trump")."""
        surnames = {g.entity.name.split()[-1] for g in self.groups if g.entity.type == "PERSON"}
        for g in self.groups:
            words = g.entity.name.split()
            if g.entity.type == "ORG" and len(words) == 2 and words[-1] in surnames \
                    and all(w.istitle() and w.isalpha() for w in words) \
                    and self.lexicon.nominals.get(words[0].lower()) is None \
                    and not any(self.lexicon.nominals.get(h) == "ORG" for h in g.heads):  # "Team Trump"
                g.entity.type = "PERSON"

    def _find_untagged_names(self, skipped) -> None:
        """Mentions of a registered name that NER left untagged ("McNeely turned down …" after
        "Morgan McNeely" was tagged): one name, one referent, throughout an article."""
        forms: dict[str, list[tuple[str, Group]]] = {}
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
            if tok.ent_type_ in NAME_TYPES or not _name_like(tok) or (skipped and skipped(tok.idx)):
                continue
            for form, group in sorted(forms[tok.text], key=lambda fg: -len(fg[0])):
                end = tok.idx + len(form)
                if text.startswith(form, tok.idx) and not (end < len(text) and text[end].isalnum()):
                    if group.entity.type == "PERSON" and " " not in form:
                        group = self.person_by_word(form, tok.i) or group  # the latest of that surname
                    span = doc.char_span(tok.idx, end, alignment_mode="expand")
                    group.mentions.append(tok.i)
                    if _holds_the_floor(span.root):
                        group.subject_at.append(tok.i)
                    for t in span:
                        self._untagged_at[t.i] = group
                    self.group_at.setdefault(tok.i, group)
                    break
        for g in self.groups:
            g.mentions.sort()

    def _people_by_sentence(self) -> dict[int, list[tuple[int, int]]]:
        """Sentence start -> (token, group id) of each person it names, in order (built once)."""
        if self._sentence_people is None:
            self._sentence_people = {}
            for at, g in sorted(self.group_at.items()):
                if g.entity.type == "PERSON":
                    self._sentence_people.setdefault(self.index.sent(at).start, []).append((at, id(g)))
        return self._sentence_people

    def _pronoun_gender(self, group: Group) -> str | None:
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
                if self.in_quote(tok.i):
                    continue  # "She's 13," the prosecutor said: quoted pronouns are someone else
                if tok.lower_ in MALE_PRONOUNS:
                    counts["male"] += 1
                elif tok.lower_ in FEMALE_PRONOUNS:
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
        """"IRCC" is "Immigration, Refugees and Citizenship Canada" when the initials agree,
        "Suncor" is "Suncor Energy" when the longer name starts with it, and "the Post" is "The
        Washington Post" (an outlet's name ending with it) in an article that names both."""
        orgs = [g for g in self.groups if g.entity.type == "ORG"]
        outlets = Outlets(self.lexicon)
        for short in orgs:
            name = short.best_name().replace(".", "")
            acronym = 2 <= len(name) <= 6 and name.isupper()
            if not acronym and len(name.split()) > 1:
                continue
            for full in orgs:
                words = full.best_name().split()
                initials = _initials(words)
                short_form = len(words) > 1 and (words[0] == name or (
                    words[-1] == name and (full.outlet or outlets.known(full.best_name()))))
                if full is not short and (initials == name if acronym else short_form):
                    full.mentions = sorted(full.mentions + short.mentions)
                    full.subject_at = sorted(full.subject_at + short.subject_at)
                    full.words |= short.words
                    for at, group in self.group_at.items():
                        if group is short:
                            self.group_at[at] = full
                    self.groups.remove(short)
                    break

    def _descriptions(self, ent: Span) -> list[Span]:
        """Titles before the name and appositions around it."""
        doc, root = self.doc, ent.root
        out = []
        # a named owner is no description: "The Atlantic's Jeffrey Goldberg" is no Atlantic
        lefts = [c for c in root.lefts if c.i < ent.start and c.dep_ in DESCRIPTION_DEPS and c.pos_ != "DET"
                 and not (c.dep_ == "poss" and c.pos_ == "PROPN")]
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
        group = self.person_by_word(other.text) if other is not None and other.pos_ == "PROPN" else None
        return {w for w in (group.words if group else ()) if w in self.lexicon.titles}

    # -- looking up -----------------------------------------------------------------
    def entities(self) -> list[Entity]:
        return [g.entity for g in self.groups]

    def group_of(self, span: Span) -> Group | None:
        """The group of the name that heads ``span`` ("the U.N. envoy" is not the U.N.)."""
        for ent in self.index.ents_in(span.start, span.end):
            if ent.label_ in NAME_TYPES and ent.start <= span.root.i < ent.end:
                return self.group_at.get(ent.start)
        return self._untagged_at.get(span.root.i)

    def named(self, name: str, type_: str | None = None) -> Group | None:
        """The first entity called ``name`` (of type ``type_``, when given)."""
        return next((g for g in self.groups if g.entity.name == name and type_ in (None, g.entity.type)), None)

    def entity(self, key: str) -> Entity | None:
        """The entity with ``key``."""
        return self._by_entity_key.get(key)

    def rename(self, group: Group, name: str) -> None:
        """Give ``group`` a better name found while resolving ("Russian Defense Ministry" for
        NER's "Defense Ministry"); quotes refer to it by key, so all of them take the new name."""
        self.by_name[name] = self.by_name.pop(group.entity.name, group)
        group.entity.name = name

    def in_quote(self, token_i: int) -> bool:
        return self.quoted_chars is not None and self.quoted_chars(self.index.starts[token_i])


def _name_key(name: str) -> str:
    """How names are compared: case and apostrophes aside ("Mayors' Council", "Mayors Council")."""
    return name.lower().replace("'", "").replace("’", "")


def _name_like(tok) -> bool:
    """A proper noun, or a bare subject the tagger took for a common noun or a verb ("Rathbun
    requested donations": no determiner or modifier, as a name has none)."""
    return tok.pos_ == "PROPN" or (tok.dep_ in ("nsubj", "nsubjpass")
                                   and not any(c.dep_ in ("det", "amod", "compound") for c in tok.children))


def _gender(name: str, descriptions: list[str]) -> str | None:
    """male/female from a title (Mr., Mrs.) or the first name; None when unknown."""
    titles = {d.lower().rstrip(".") for d in descriptions}
    if titles & MALE_TITLES:
        return "male"
    if titles & FEMALE_TITLES:
        return "female"
    parts = name.split()
    if len(parts) < 2:
        return None
    return first_name_gender(parts[0])


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


def _long_form(ent: Span, acronyms: set[str]) -> Span:
    """An organisation's name as an acronym spells it: NER's "Citizens for Responsibility and
    Ethics" before "in Washington (CREW)" runs on to "Washington", "the Society of Motor
    Manufacturers" on to "and Traders" in an article that writes "SMMT"; its "World Health
    Organisation (WHO)" stops before the brackets. The acronym itself, met again, joins the name
    by its initials (``_merge_short_org_names``)."""
    doc = ent.doc
    inside = next((k for k in range(ent.start + 1, ent.end) if doc[k].text == "("), None)
    if inside is not None and inside + 1 < ent.end and _initials(t.text for t in doc[ent.start : inside]) == doc[inside + 1].text:
        return Span(doc, ent.start, inside, label=ent.label_)  # "World Health Organisation (WHO"
    end = ent.end
    while end < len(doc) and end - ent.end < LONG_FORM_WORDS and (doc[end].is_title or doc[end].lower_ in NAME_JOINERS):
        end += 1
    while end > ent.end and doc[end - 1].lower_ in NAME_JOINERS:
        end -= 1  # "… Ethics in" before a word that is not the name's
    initials = _initials(t.text for t in doc[ent.start : end])
    bracketed = end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" and initials == doc[end + 1].text
    if end > ent.end and (bracketed or initials in acronyms):
        return Span(doc, ent.start, end, label=ent.label_)
    return ent


def _initials(words) -> str:
    """The capitals that begin a name's words, articles left out: "CREW", "SMMT"."""
    return "".join(w[0] for w in words if w[:1].isupper() and w.lower() not in ("the", "a", "an"))


def described_as_outlet(span: Span, lexicon: Lexicon) -> bool:
    """Whether the words around a name call it a news organisation: "The Post and Courier
    newspaper", "WIBC radio", "the Forward, a Jewish newspaper"."""
    root, outlets = span.root, lexicon.media["outlet"]
    if root.dep_ == "compound" and root.head.lemma_.lower() in outlets:
        return True
    if root.lemma_.lower() in outlets and any(t.is_title for t in span[:-1]):
        return True
    return any(c.dep_ == "appos" and c.lemma_.lower() in outlets for c in root.children)


def _holds_the_floor(tok: Token) -> bool:
    """Whether a name is where a later "he" or "she" most likely points: a clause's subject, or
    the one a question is put to ("X asked Sanders whether …. “Sure,” he said": the one asked
    answers)."""
    return tok.dep_ in ("nsubj", "nsubjpass") or (tok.dep_ == "dobj" and tok.head.lemma_ == "ask")
