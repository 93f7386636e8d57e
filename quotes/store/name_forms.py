"""What one extracted name is: a name to identify, in what block, or a mention of no one.

* :func:`analyze` takes the noise of extraction off a name ("Billionaire Donald Trump",
  "Obama Says", "paranoia,”Clinton") and says what is left (:class:`Name`): a person's full name,
  a lone word, an organisation, an acronym, or a *mention* that names no entity (a pronoun, a
  description, a headline fragment), with the block (:attr:`Name.key`) it is compared in;
* :class:`PersonName` splits a person's name into its parts, and :func:`same_person` says whether
  two full names of one surname can be one person.

Pure functions of their arguments, reading the word lists of :mod:`.name_words`. Which names
are one speaker is decided from these by :mod:`.identity`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import first_name_gender
from .name_words import (
    DETERMINERS, DOTTED_INITIALS, GENERIC_NOUNS, GLUED, HEADLINE_FUNCTION_WORDS, HEADLINE_WORDS,
    ORG_FUNCTION_WORDS, ORG_WORDS, PLACE_WORDS, PLATFORMS, PRONOUNS, STRAY, SUFFIXES, fold, loaded_lexicon,
    loaded_outlets, nicknamer, org_synonyms, person_titles, without_the,
)

# --- what a name is ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """What one extracted name is.

    ``kind`` is ``person`` (a person's full name), ``word`` (one word: a surname, a short form),
    ``acronym``, ``org`` (a name of several words that is not a person's) or ``mention`` (names no
    entity: kept as its article's untyped speaker). ``clean`` is the name with the noise of its
    extraction taken off ("Billionaire Donald Trump" -> "Donald Trump", "Obama Says" -> "Obama");
    ``type`` the entity type the name itself says (a person's name typed ORG is a PERSON; a
    PERSON named "Trump University" is an ORG), ``None`` when it does not say.
    """

    clean: str
    kind: str
    type: str | None
    key: str | None

    @property
    def is_mention(self) -> bool:
        return self.kind == "mention"


MENTION = Name("", "mention", None, None)


def analyze(name: str, type_: str | None) -> Name:
    """What the extracted ``name`` of entity type ``type_`` is.

    >>> analyze("Donald J. Trump", "PERSON")
    Name(clean='Donald J. Trump', kind='person', type='PERSON', key='n:trump')
    >>> analyze("Obama Says", "PERSON").clean, analyze("paranoia,”Clinton", None).clean
    ('Obama', 'Clinton')
    >>> [analyze(n, "PERSON").kind for n in ("officials", "I", "A spokesman", "Trump Tower", "Senator")]
    ['mention', 'mention', 'mention', 'mention', 'mention']
    >>> analyze("Sean Hannity", "ORG").type, analyze("F.B.I.", "GPE").key, analyze("The Washington Post", "ORG").key
    ('PERSON', 'i:fbi', 'n:post')
    """
    return _analyze(name, type_)


@lru_cache(maxsize=65536)
def _analyze(name: str, type_: str | None) -> Name:
    text = " ".join(name.split())
    glued = GLUED.search(text)
    if glued and any(c.isdigit() for c in text[:glued.start() + 1]):
        text = glued.group(1)  # "6, 2016 9:12PMTrump"
    text = _salvage_marks(text)
    if not text:
        return MENTION
    text = re.sub(r"\s*['’]s?$", "", text) if re.search(r"\w['’]s?$", text) else text  # "Clinton's"
    words = text.split()
    if not words or not any(c.isalpha() for c in text):
        return MENTION
    if len(words) > 1 and type_ in (None, "PERSON") and all(w.isupper() for w in words if any(c.isalpha() for c in w)):
        words = [w.title() if len(w) > 3 else w for w in words]  # "OBAMA FOCUSED": a headline in capitals
    first = fold(words[0])
    if first in PRONOUNS or first in DETERMINERS:
        return MENTION
    if first == "the":
        if len(words) == 1 or not words[1][:1].isupper():
            return MENTION  # "the official"
        if type_ in (None, "PERSON"):
            words = words[1:]
    if any(fold(w) in ("'s", "’s") or re.search(r"\w['’]s$", w) for w in words[:-1]):
        return MENTION  # "Schweizer ’s Clinton Cash", "Trump's campaign": something of someone
    words = _cut_headline(words)
    if not words:
        return MENTION
    if any(w in HEADLINE_FUNCTION_WORDS and w != fold(words[0]) for w in (v for v in words[1:] if v[:1].isupper())
           for w in [fold(w)]):
        return MENTION  # "Trump Makes Campaign Announcement For Speech Against"
    if type_ in (None, "PERSON"):
        words = _without_titles(words, type_)
        if len(words) > 1 and fold(words[0]) in GENERIC_NOUNS:
            return MENTION  # "Team Clinton", "Officials Say"
        if any(fold(w) in ("and", "&") for w in words):
            return MENTION  # "Cummings and Conyers": two people
    if any(c.isdigit() for c in "".join(words)) and type_ in (None, "PERSON", "NORP"):
        return MENTION
    particles = loaded_lexicon().name_particles
    allowed = particles if type_ in (None, "PERSON") else particles | ORG_FUNCTION_WORDS
    for w in words:
        if w[:1].islower() and fold(w) not in allowed and not re.match(r"^[a-z]+[A-Z]", w):
            return MENTION  # a description: "officials", "Administration officials"
    clean = " ".join(words)
    folded = fold(clean)
    if len(words) == 1 and (folded in GENERIC_NOUNS or folded in person_titles()
                            or folded.rstrip(".") in person_titles() or folded in loaded_lexicon().nominals):
        return MENTION  # "Officials", "Senator"
    last = fold(words[-1]).rstrip(".")
    if type_ == "PERSON" and len(words) > 1 and last in PLACE_WORDS:
        return MENTION  # "Trump Tower"
    if type_ == "PERSON" and len(words) > 6:
        return MENTION  # no one's name is that long: a headline
    return _kind(clean, words, type_)


def _salvage_marks(text: str) -> str:
    """A name with stray marks: the name after the last one ("paranoia,”Clinton" -> "Clinton"),
    trailing marks dropped ("Jeb!")."""
    text = text.strip(" \"“”‘’'!?:;,.-–—*") if not re.search(r"\b[A-Z]\.$|\b(?:Jr|Sr|Inc|Corp|Co|Ltd)\.$", text) \
        else text.strip(" \"“”‘’'!?:;,-–—*")
    marks = list(STRAY.finditer(text))
    if not marks:
        return text
    tail = text[marks[-1].end():].strip()
    return tail if tail[:1].isupper() else ""


def _cut_headline(words: list[str]) -> list[str]:
    """"Obama Says" -> "Obama", "Said Comey" -> "Comey": the name beside a headline's verb."""
    for i, w in enumerate(words):
        if w[:1].isupper() and fold(w) in HEADLINE_WORDS:
            before, after = words[:i], words[i + 1:]
            if before:
                return before
            return after if after and all(v[:1].isupper() for v in after) else []
    return words


def _without_titles(words: list[str], type_: str | None = "PERSON") -> list[str]:
    """"Billionaire Donald Trump" -> "Donald Trump", "Injecting Clinton" -> "Clinton"."""
    titles = person_titles()
    while len(words) > 1 and words[1][:1].isupper() and (
            fold(words[0]) in titles or fold(words[0]).rstrip(".") in titles
            or (type_ == "PERSON" and fold(words[0]).endswith("ing") and first_name_gender(words[0]) is None)):
        words = words[1:]
    return words


def _kind(clean: str, words: list[str], type_: str | None) -> Name:
    folded = [fold(w) for w in words]
    if len(words) == 1:
        letters = words[0].replace(".", "")
        if letters.isalpha() and letters.isupper() and 2 <= len(letters) <= 6 and type_ != "PERSON":
            synonym = org_synonyms().get(fold(clean))
            if synonym:
                return Name(clean, "org", type_ or "ORG", _org_key(synonym))
            return Name(clean, "acronym", type_, "i:" + letters.lower())
        type_ = "ORG" if folded[0] in PLATFORMS else type_
        if type_ not in (None, "PERSON"):
            outlets = loaded_outlets()
            if outlets.known(clean) and outlets.name_of(clean) != clean:
                return _kind(outlets.name_of(clean), outlets.name_of(clean).split(), "ORG")  # "Hannity" the show
            synonym = org_synonyms().get(fold(clean))
            if synonym:
                return Name(clean, "org", type_, _org_key(synonym))
        return Name(clean, "word", type_, "n:" + folded[0].rstrip("."))
    org_like = any(w.rstrip(".") in ORG_WORDS for w in folded) or any(w in ORG_FUNCTION_WORDS for w in folded)
    if type_ == "PERSON" and org_like and any(w.rstrip(".") in ORG_WORDS for w in folded):
        type_ = "ORG"  # "Trump University"
    if type_ == "PERSON" or (not org_like and _person_evidence(words)):
        surname = _surname(words)
        if surname:
            key = "n:" + fold(surname).rstrip(".")
            if not PersonName.parse(clean).first:
                return Name(clean, "word", type_, key)  # "De Blasio": a surname alone
            return Name(clean, "person", "PERSON" if type_ is not None else None, key)
    if type_ is None:
        return MENTION  # untyped and not a person's name: a description the extractor gave
    outlets = loaded_outlets()
    if outlets.known(clean):
        clean = outlets.name_of(clean)
        return Name(clean, "org", "ORG", "n:" + fold(clean.split()[-1]))
    synonym = org_synonyms().get(fold(without_the(clean)))
    return Name(clean, "org", type_, _org_key(synonym or clean))


def _org_key(name: str) -> str:
    """Organisations are blocked by their initials ("Federal Bureau of Investigation": i:fbi)."""
    words = without_the(normal_org(name)).split()
    initials = "".join(w[0] for w in words if w[:1].isupper() and fold(w) not in ORG_FUNCTION_WORDS)
    if len(words) == 1:
        initials = words[0].replace(".", "")
    return "i:" + fold(initials) if len(initials) >= 2 else "x:" + fold(without_the(name))


def normal_org(name: str) -> str:
    """"Department of Labor" -> "Labor Department", "U.S. Senate" -> "Senate"."""
    name = re.sub(r"^(?:the |The )?(?:U\.S\.|US|United States) (?=[A-Z])", "", name)
    m = re.match(r"^(Department|Ministry|Bureau|Office) of (?:the )?([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*)$", name)
    return f"{m.group(2)} {m.group(1)}" if m else name


def _person_evidence(words: list[str]) -> bool:
    """A name of a person, whatever NER typed it: a first name with a clear gender, then capitalized
    words ("Sean Hannity" typed ORG)."""
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return False
    first = words[0].split("-")[0].rstrip(".")
    if loaded_outlets().known(" ".join(words)):
        return False
    return first_name_gender(first) is not None


def _surname(words: list[str]) -> str | None:
    """The surname of a person's name: its last word, suffixes (Jr.) left out."""
    rest = [w for w in words if fold(w).rstrip(".").rstrip(",") not in SUFFIXES]
    return rest[-1].rstrip(",") if rest else None


# --- people's names ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonName:
    """A person's name in parts: first name (or initial), middle names and initials, surname, suffix."""

    first: str
    middles: tuple[str, ...]
    last: str
    suffix: str | None

    @classmethod
    def parse(cls, name: str) -> PersonName:
        """
        >>> PersonName.parse("Joseph R. Biden Jr.")
        PersonName(first='joseph', middles=('r',), last='biden', suffix='jr')
        >>> PersonName.parse("G.K. Butterfield")
        PersonName(first='g', middles=('k',), last='butterfield', suffix=None)
        """
        tokens: list[str] = []
        for word in name.replace(",", " ").split():
            if DOTTED_INITIALS.match(word):
                tokens += [c for c in word if c.isalpha()]
            else:
                tokens.append(word)
        suffix = None
        while len(tokens) > 1 and fold(tokens[-1]).rstrip(".") in SUFFIXES:
            suffix = fold(tokens.pop()).rstrip(".")
        particles = loaded_lexicon().name_particles
        parts = [fold(t).rstrip(".") for t in tokens if fold(t) not in particles]
        if len(parts) == 1:
            return cls("", (), parts[0], suffix)
        return cls(parts[0], tuple(parts[1:-1]), parts[-1], suffix)

    @property
    def gender(self) -> str | None:
        return first_name_gender(self.first) if len(self.first) > 1 else None


def _first_names_agree(a: str, b: str) -> tuple[bool, bool]:
    """(compatible, identical) for two first names: equal, an initial of the other, or a nickname."""
    if a == b:
        return True, True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0], False
    nick = nicknamer()
    if nick is not None and (b in nick.nicknames_of(a) or a in nick.nicknames_of(b)):
        return True, False
    return False, False


def same_person(a: PersonName, b: PersonName) -> bool:
    """Whether two full names of one surname can be one person.

    First names must agree (equal, an initial, a nickname: "Joe" / "Joseph"), middle initials must
    not differ ("George W. Bush" / "George H.W. Bush"), and a suffix sets a name apart from the same
    name without it ("Donald Trump Jr." is not "Donald Trump"), unless the first names differ in
    form ("Joseph R. Biden Jr." is "Joe Biden").

    >>> p = PersonName.parse
    >>> same_person(p("Hillary Clinton"), p("Hillary Rodham Clinton")), same_person(p("Bill Clinton"), p("Hillary Clinton"))
    (True, False)
    >>> same_person(p("Donald Trump"), p("Donald Trump Jr.")), same_person(p("Joe Biden"), p("Joseph R. Biden Jr."))
    (False, True)
    >>> same_person(p("C. Stewart Verdery Jr."), p("Stewart Verdery"))
    True
    """
    if a.last != b.last:
        return False
    shifted = False
    if (a.first and len(a.first) == 1 and a.middles and len(a.middles[0]) > 1 and not (b.first and len(b.first) == 1)):
        a, shifted = PersonName(a.middles[0], a.middles[1:], a.last, a.suffix), True  # "C. Stewart Verdery"
    if (b.first and len(b.first) == 1 and b.middles and len(b.middles[0]) > 1 and not (a.first and len(a.first) == 1)):
        b, shifted = PersonName(b.middles[0], b.middles[1:], b.last, b.suffix), True
    agree, identical = _first_names_agree(a.first, b.first)
    identical = identical and not shifted
    if not agree:
        return False
    if a.middles and b.middles and a.middles[0][0] != b.middles[0][0]:
        return False
    if a.suffix != b.suffix and (identical or (a.suffix and b.suffix)):
        return False
    return True

