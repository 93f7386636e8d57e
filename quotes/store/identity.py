"""Corpus-level identity: which names the extractor gave are one real-world speaker.

The extractor resolves names within one article ("Clinton" after "Hillary Clinton" is her). Across
articles the same person is still written many ways ("Donald Trump", "Donald J. Trump", a lone
"Trump" typed ORG in one article), and some "names" are no one at all ("Obama Says" from a
headline, "officials", "she"). This module decides, from the extracted names alone:

* what an extracted name is (:func:`analyze`): a name to identify (a person's name, a lone word, an
  organisation, an acronym), or a *mention* that names no entity (a pronoun, a description, a
  headline fragment), which the store keeps as an untyped speaker of its own article only;
* which names are one speaker (:func:`identify`), given every name the stored documents use and
  how many documents use each. Names are compared only within a *block* (:attr:`Name.key`: a
  surname, an acronym's letters, an outlet's last word), so that adding documents re-identifies
  only the blocks their names fall in;
* which descriptions are worth showing (:func:`description`);
* the user's corrections (:class:`Aliases`), applied on top of the rules.

Everything here is a pure function of its arguments: identity is a function of the set of stored
names and their document counts, never of the order documents arrived in. The rules are
described for users in ``docs/database.md`` ("Speaker identity").
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..lexicon import Lexicon, first_name_gender
from ..outlets import Outlets

# Bump when a rule changes: a database identified by other rules is identified again on opening.
IDENTITY_VERSION = 1

TYPES_ORDER = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW")

# --- word lists ----------------------------------------------------------------------------------

# Words that name no one on their own: a name starting with one is a pronoun or a description.
PRONOUNS = frozenset("""
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves this that these those who whom whose
which what someone somebody anyone anybody everyone everybody nobody none one another other others some
many most much several few all both each either neither such any every no
""".split())
DETERMINERS = frozenset({"a", "an"})
# Nouns that are descriptions, not names, when they stand alone ("Officials", "People", "Aides").
GENERIC_NOUNS = frozenset("""
official officials people person persons aide aides authority authorities expert experts critic critics
analyst analysts source sources insider insiders investigator investigators researcher researchers
economist economists respondent respondents participant participants member members opponent opponents
supporter supporters voter voters resident residents lawmaker lawmakers leader leaders adviser advisers
advisor advisors staffer staffers politician politicians demonstrator demonstrators protester protesters
protestor protestors witness witnesses prosecutor prosecutors officer officers activist activists observer
observers scientist scientists doctor doctors student students worker workers employee employees user
users fan fans delegate delegates candidate candidates organizer organizers organiser organisers ally
allies friend friends family families relative relatives neighbor neighbors neighbour neighbours
colleague colleagues partner partners troops soldier soldiers police agent agents diplomat diplomats
minister ministers senator senators congressman congressmen congresswoman representative representatives
spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen man men woman women child children
parent parents poll polls survey surveys result results email emails document documents record records
report reports data figures statistics study studies filing filings government administration campaign
company firm group team staff office agency committee department court board panel jury judge judges
reporter reporters journalist journalists crowd audience press media americans everybody anonymous
filmmaker hacker billionaire host hosts moderator moderators author authors writer writers editor editors
pac team
""".split())
# Head words of headlines: "Obama Says", "Trump Says He Never", "Clinton Speech".
HEADLINE_WORDS = frozenset("""
says tells warns slams blasts urges vows admits denies defends responds reveals accuses insists asks
explains explain praises rips attacks addresses makes debunks offers dismisses dismissed focused mocks touts
backs endorses unveils launches wins loses hits knocks bashes jokes tweets threatens predicts promises
pledges suggests argues rejects condemns criticizes confirms announces declares demands speaks talks
thinks believes wants sees knows gives shows opens speech interview remarks said told
""".split())
# Words that stand capitalized in a headline, never inside a name: "… Just Dismissed Bernie Sanders".
HEADLINE_FUNCTION_WORDS = frozenset("""
for against why how what when where just over on in to with about into after before is are was were has
have had will would can could should not no who that this he she it they we his her their its a an be
do does did by as out up off down than then if or but so my our your of
""".split())
# Lower-case words allowed inside an organisation's name ("Department of Homeland Security").
ORG_FUNCTION_WORDS = frozenset({"of", "and", "the", "for", "on", "in", "at", "to", "&", "de", "des", "du", "la",
                                "le", "del", "y", "e", "für", "und", "der"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Titles that may be left before a name ("Assemblywoman Claudia Tenney", "Billionaire Donald Trump").
EXTRA_TITLES = frozenset("""
assemblywoman assemblyman alderman alderwoman archbishop billionaire hacker filmmaker professors sheriff
detective attorney state u.s. former then acting deputy first senior reverend pastor admiral adm. maj.
major lieutenant sergeant corporal councilman councilwoman councilmember delegate sen rep gov dr mr mrs
ms candidate nominee businessman businesswoman mogul
""".split())
# Last words of places and buildings: a PERSON by NER, but no one ("Trump Tower", "Trump Plaza").
PLACE_WORDS = frozenset("""
tower towers plaza hotel casino building square street avenue park airport hall vineyard island bridge
stadium arena church mosque temple museum library hospital palace mahal resort resorts
""".split())
# Words of organisations' names: a PERSON by NER with one is an organisation ("Trump University").
ORG_WORDS = frozenset("""
university college school academy institute foundation organization organisation corporation company inc
inc. corp corp. llc ltd group holdings enterprises entertainment media news network bank fund capital
partners associates project center centre coalition alliance council caucus watch action forum league
society club federation union association committee party department agency bureau office ministry
commission service services court house senate congress assembly parliament army navy force guard police
reserve exchange board authority administration campaign shuttle airlines airline pac times post journal
press magazine
""".split())
# Platforms NER sometimes takes for people.
PLATFORMS = frozenset({"twitter", "facebook", "youtube", "instagram", "google", "reddit", "tumblr", "snapchat",
                       "linkedin", "wikileaks"})
# Stray marks: a name holding one was cut out of running text ("paranoia,”Clinton").
STRAY = re.compile(r"[“”\"‘()\[\]{}<>|*#@/\\;:!?—–]|’(?!\w)|(?<!\w)[’']|,(?! )|\s[-–]\s")
# "6, 2016 9:12PMTrump": a name glued to a time stamp.
GLUED = re.compile(r"(?:\d|[AP]M)([A-Z][a-z][\w’'.-]*(?: [A-Z][\w’'.-]*)*)$")
INITIAL = re.compile(r"^(?:[A-Z]\.?){1,3}$")
DOTTED_INITIALS = re.compile(r"^(?:[A-Z]\.){2,3}$")

# Names that are one organisation whatever the letters say (folded, without "the").
SYNONYMS = (
    ("Republican Party", "GOP", "G.O.P.", "Grand Old Party", "Republican National Party"),
    ("Democratic Party", "Democratic National Party"),
    ("Justice Department", "Department of Justice", "DOJ", "U.S. Justice Department", "U.S. Department of Justice"),
    ("Defense Department", "Department of Defense", "DOD", "Pentagon", "U.S. Defense Department"),
    ("State Department", "Department of State", "U.S. State Department"),
    ("Federal Reserve", "Fed", "U.S. Federal Reserve", "Federal Reserve Board"),
    ("Islamic State", "ISIS", "ISIL", "IS", "Daesh", "Islamic State of Iraq and Syria"),
    ("United Nations", "UN", "U.N."),
    ("United States", "US", "U.S.", "USA", "U.S.A.", "America"),
    ("European Union", "EU", "E.U."),
)


def fold(text: str) -> str:
    """How names are compared: lower case, accents off, curly apostrophes straight, spaces single.

    >>> fold("Martin  O’Malley"), fold("JOSÉ")
    ("martin o'malley", 'jose')
    """
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def _without_the(text: str) -> str:
    return text[4:] if fold(text[:4]) == "the " else text


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    return {fold(_without_the(form)): group[0] for group in SYNONYMS for form in group}


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    return Lexicon.load()


@lru_cache(maxsize=1)
def _outlets() -> Outlets:
    return Outlets(_lexicon())


@lru_cache(maxsize=1)
def _nicknames():
    try:
        from nicknames import NickNamer
    except ImportError:  # the rules work without it: "Joe" and "Joseph" then stay apart
        return None
    return NickNamer()


def _titles() -> frozenset[str]:
    return _lexicon().titles | EXTRA_TITLES


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
    particles = _lexicon().name_particles
    allowed = particles if type_ in (None, "PERSON") else particles | ORG_FUNCTION_WORDS
    for w in words:
        if w[:1].islower() and fold(w) not in allowed and not re.match(r"^[a-z]+[A-Z]", w):
            return MENTION  # a description: "officials", "Administration officials"
    clean = " ".join(words)
    folded = fold(clean)
    if len(words) == 1 and (folded in GENERIC_NOUNS or folded in _titles() or folded.rstrip(".") in _titles()
                            or folded in _lexicon().nominals):
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
    titles = _titles()
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
            synonym = _synonyms().get(fold(clean))
            if synonym:
                return Name(clean, "org", type_ or "ORG", _org_key(synonym))
            return Name(clean, "acronym", type_, "i:" + letters.lower())
        type_ = "ORG" if folded[0] in PLATFORMS else type_
        if type_ not in (None, "PERSON"):
            outlets = _outlets()
            if outlets.known(clean) and outlets.name_of(clean) != clean:
                return _kind(outlets.name_of(clean), outlets.name_of(clean).split(), "ORG")  # "Hannity" the show
            synonym = _synonyms().get(fold(clean))
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
    outlets = _outlets()
    if outlets.known(clean):
        clean = outlets.name_of(clean)
        return Name(clean, "org", "ORG", "n:" + fold(clean.split()[-1]))
    synonym = _synonyms().get(fold(_without_the(clean)))
    return Name(clean, "org", type_, _org_key(synonym or clean))


def _org_key(name: str) -> str:
    """Organisations are blocked by their initials ("Federal Bureau of Investigation": i:fbi)."""
    words = _without_the(_normal_org(name)).split()
    initials = "".join(w[0] for w in words if w[:1].isupper() and fold(w) not in ORG_FUNCTION_WORDS)
    if len(words) == 1:
        initials = words[0].replace(".", "")
    return "i:" + fold(initials) if len(initials) >= 2 else "x:" + fold(_without_the(name))


def _normal_org(name: str) -> str:
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
    if _outlets().known(" ".join(words)):
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
        particles = _lexicon().name_particles
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
    nick = _nicknames()
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


# --- identity of a block of names ----------------------------------------------------------------


@dataclass(frozen=True)
class NameRow:
    """One stored name: its id, the name and type as extracted, how many documents use it."""

    id: str
    name: str
    type: str | None
    documents: int


@dataclass(frozen=True)
class Speaker:
    """The speaker a name is identified as: its display name and type (its id comes from them)."""

    name: str
    type: str


# How much more a name must be used than the next of its surname before a lone surname means it.
DOMINANCE = 2.5


class _Cluster:
    def __init__(self, kind: str) -> None:
        self.kind = kind  # "person" | "org" | "word"
        self.rows: list[tuple[NameRow, Name]] = []
        self.forced_name: str | None = None
        self.forced_type: str | None = None

    @property
    def documents(self) -> int:
        return sum(row.documents for row, _ in self.rows)

    def add(self, row: NameRow, name: Name) -> None:
        self.rows.append((row, name))


def identify(rows: Iterable[NameRow], aliases: Aliases | None = None) -> dict[str, Speaker | None]:
    """The speaker each named row is identified as; ``None`` for a mention (its article's own
    untyped speaker). A pure function of the rows (and aliases), in any order.

    >>> rows = [NameRow("a", "Donald Trump", "PERSON", 9), NameRow("b", "Trump", "ORG", 2),
    ...         NameRow("c", "Donald J. Trump", "PERSON", 3), NameRow("d", "Melania Trump", "PERSON", 1),
    ...         NameRow("e", "officials", "PERSON", 4)]
    >>> {k: (v.name, v.type) if v else None for k, v in sorted(identify(rows).items())}
    {'a': ('Donald Trump', 'PERSON'), 'b': ('Donald Trump', 'PERSON'), 'c': ('Donald Trump', 'PERSON'), 'd': ('Melania Trump', 'PERSON'), 'e': None}
    """
    aliases = aliases or Aliases()
    blocks: dict[str, list[tuple[NameRow, Name]]] = {}
    result: dict[str, Speaker | None] = {}
    for row in rows:
        name = aliases.analyze(row.name, row.type)
        if name.key is None:
            result[row.id] = None
        else:
            blocks.setdefault(name.key, []).append((row, name))
    for key in sorted(blocks):
        result.update(_identify_block(blocks[key], aliases))
    return result


def name_key(name: str, type_: str | None, aliases: Aliases | None = None) -> str | None:
    """The block a name is identified in (``None``: a mention, identified alone)."""
    return (aliases or Aliases()).analyze(name, type_).key


def _identify_block(members: list[tuple[NameRow, Name]], aliases: Aliases) -> dict[str, Speaker | None]:
    members = sorted(members, key=lambda m: (-m[0].documents, m[0].name, m[0].type or "", m[0].id))
    clusters: list[_Cluster] = []
    aliased = [(row, name) for row, name in members if aliases.target(row.name)]
    members = [m for m in members if not aliases.target(m[0].name)]
    people = [(row, name, PersonName.parse(name.clean)) for row, name in members if name.kind == "person"]
    person_clusters: list[tuple[_Cluster, list[PersonName]]] = []
    for row, name, parsed in sorted(people, key=lambda p: (-(len(p[2].middles) > 0) - (p[2].suffix is not None),
                                                           -p[0].documents, p[0].name, p[0].id)):
        fits = [(c, parts) for c, parts in person_clusters if all(same_person(parsed, other) for other in parts)]
        if len(fits) == 1:
            fits[0][0].add(row, name)
            fits[0][1].append(parsed)
        else:  # a new person, or a name that fits several (George Bush) and so none
            cluster = _Cluster("person")
            cluster.add(row, name)
            person_clusters.append((cluster, [parsed]))
            clusters.append(cluster)
    orgs: dict[str, _Cluster] = {}
    words: dict[str, _Cluster] = {}
    for row, name in members:
        if name.kind == "person":
            continue
        if name.kind in ("org", "acronym") and (name.kind == "org" or len(name.clean) > 0):
            groups, kind = (orgs, "org") if name.kind == "org" else (words, "acronym")
        else:
            groups, kind = words, "word"
        folded = _org_fold(name.clean)
        cluster = groups.get(folded)
        if cluster is None:
            cluster = groups[folded] = _Cluster(kind)
            clusters.append(cluster)
        cluster.add(row, name)
    # a lone word or acronym is the one full name of its block that it can be
    for folded, lone in sorted(words.items()):
        target = _lone_target(lone, person_clusters, list(orgs.values()))
        if target is not None:
            target.rows.extend(lone.rows)
            clusters.remove(lone)
    # the user's aliases, on top of the rules
    for row, name in aliased:
        canonical, type_ = aliases.target(row.name)
        if canonical == "-":
            continue
        home = next((c for c in clusters if c.forced_name == canonical), None) or next(
            (c for c in clusters if any(fold(n.clean) == fold(canonical) or fold(r.name) == fold(canonical)
                                        for r, n in c.rows)), None)
        if home is None:
            home = _Cluster(name.kind if name.kind != "acronym" else "org")
            clusters.append(home)
        home.add(row, name)
        home.forced_name = canonical
        home.forced_type = type_ or home.forced_type
    result: dict[str, Speaker | None] = {row.id: None for row, _ in aliased}
    for cluster in clusters:
        speaker = _speaker(cluster)
        for row, _ in cluster.rows:
            result[row.id] = speaker
    return result


def _org_fold(name: str) -> str:
    folded = fold(_without_the(_normal_org(name))).replace(".", "")
    return _synonyms().get(folded, folded).lower()


def _lone_target(lone: _Cluster, people: list[tuple[_Cluster, list[PersonName]]], orgs: list[_Cluster]) -> _Cluster | None:
    """The cluster a lone surname, short form or acronym stands for: the only one it can be, or
    one used :data:`DOMINANCE` times more than the next."""
    votes = _type_votes(lone)
    personal = [c for c, _ in people]
    if lone.kind == "acronym":
        if any(_outlets().known(name.clean) for _, name in lone.rows):
            return None  # "RT" is an outlet, whatever else its letters spell
        kind = max(votes, key=lambda t: (votes[t], -_type_rank(t))) if votes else None
        candidates = [c for c in orgs if _initials(c) == lone.rows[0][1].key[2:]
                      and (kind is None or not _type_votes(c) or kind in _type_votes(c))]
    elif votes and max(votes, key=lambda t: (votes[t], -_type_rank(t))) != "PERSON" and orgs:
        candidates = orgs
    else:
        candidates = personal or orgs
    if lone.kind == "word" and candidates is orgs:
        word = fold(lone.rows[0][1].clean)
        candidates = [c for c in orgs if fold(c.rows[0][1].clean.split()[-1]) == word]
    suffixes = {PersonName.parse(name.clean).suffix for _, name in lone.rows} - {None}
    if suffixes:  # "Trump Jr." is none of the Trumps without a suffix
        candidates = [c for c in candidates if any(PersonName.parse(n.clean).suffix in suffixes for _, n in c.rows)]
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda c: (-c.documents, _display(c)))
    if len(ranked) == 1 or ranked[0].documents >= DOMINANCE * ranked[1].documents:
        return ranked[0]
    return None


def _initials(cluster: _Cluster) -> str:
    words = _without_the(_normal_org(cluster.rows[0][1].clean)).split()
    return fold("".join(w[0] for w in words if w[:1].isupper() and fold(w) not in ORG_FUNCTION_WORDS))


def _type_rank(type_: str) -> int:
    return TYPES_ORDER.index(type_) if type_ in TYPES_ORDER else len(TYPES_ORDER)


def _type_votes(cluster: _Cluster) -> Counter[str]:
    votes: Counter[str] = Counter()
    for row, name in cluster.rows:
        if name.type is not None:
            votes[name.type] += row.documents
    return votes


def _speaker(cluster: _Cluster) -> Speaker | None:
    votes = _type_votes(cluster)
    if cluster.forced_type:
        type_ = cluster.forced_type
    elif any(name.kind == "person" and name.type == "PERSON" for _, name in cluster.rows):
        type_ = "PERSON"  # a person's name, whatever some articles typed it
    elif any(name.kind != "person" and _outlets().known(name.clean) for _, name in cluster.rows):
        type_ = "ORG"
    elif votes:
        type_ = max(votes, key=lambda t: (votes[t], -_type_rank(t)))
    else:
        return None  # no article typed it: a mention of its article
    return Speaker(cluster.forced_name or _display(cluster), type_)


def _display(cluster: _Cluster) -> str:
    """The name a speaker is shown by: the full form most documents use (the outlet's own name)."""
    full = [(row, name) for row, name in cluster.rows if name.kind in ("person", "org")] or cluster.rows
    full = [(row, name) for row, name in full if row.type is not None] or full
    counts: Counter[str] = Counter()
    for row, name in full:
        counts[name.clean] += row.documents
    return min(counts, key=lambda n: (-counts[n], len(n.split()), n))


# --- descriptions --------------------------------------------------------------------------------

HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "sen", "rep", "gov", "rev", "gen", "col",
                        "capt", "lt", "sgt", "prof", "hon", "mx"})
PREPOSITIONS = frozenset({"of", "for", "at", "in", "on", "with", "from", "to", "since", "during", "under", "over",
                          "after", "before", "about", "by", "as", "who", "whose", "which", "that", "and", "or"})
PERSON_SUFFIXES = ("ist", "er", "or", "ian", "man", "woman", "ant", "ent", "eur", "ee")
NOT_ROLES = frozenset({"former", "other", "another", "together", "never", "ever", "over", "under", "after", "longer",
                       "rather", "either", "neither", "whether", "later", "earlier", "better", "sooner", "recent",
                       "current", "different", "present", "silent", "urgent", "consistent", "prominent", "first",
                       "last", "most", "best", "least", "list", "number", "letter", "order", "border", "chapter",
                       "quarter", "paper", "power", "corner", "summer", "winter", "matter", "water", "moment"})
ROLE_WORDS = frozenset("""
whip supervisor comedian anchor correspondent columnist commentator strategist pollster consultant analyst
economist lawyer attorney founder owner executive chairman chairwoman director manager editor reporter
officer official adviser advisor aide member head chief nominee candidate veteran native resident graduate
mother father wife husband son daughter brother sister friend ally icon hopeful front-runner frontrunner
rival opponent challenger incumbent lawmaker legislator democrat republican conservative liberal progressive
independent libertarian socialist tank man woman student professor scholar fellow expert activist
counsel citizen magnate mogul maven surgeon neurosurgeon physician nurse chef cook pastor priest
""".split())
PARTY_STATE = re.compile(r"^\(?[RDI]\b[-–]?[\w. ]*\)?$")


def description(text: str) -> str | None:
    """A title or apposition worth showing with its speaker, tidied; ``None`` for a fragment.

    A description must read as a noun phrase with a head noun: a title or role word, or a
    lower-case noun after its modifiers. Lone honorifics ("Mr.", "Sen."), party and state tags
    ("R-Wis."), names ("Hillary Clinton"), single words that are no role ("support"), phrases of
    pronouns ("this guy", "his wife"), datelines and headline case, and anything with stray marks
    or no letters are left out.

    >>> [description(d) for d in ("Republican presidential nominee", "U.N. envoy for Syria", "Mr.", "support",
    ...                           "this guy", "R-Wis.", "Hillary Clinton", "psychologist", "Secretary of State")]
    ['Republican presidential nominee', 'U.N. envoy for Syria', None, None, None, None, None, 'psychologist', 'Secretary of State']
    """
    text = " ".join(text.split()).strip(" ,;:-–—")
    if ", " in text:
        text = text.split(", ")[0]
    if not text or not re.search(r"[A-Za-z]", text) or re.search(r"[“”\"‘()\[\]{}<>|*#@/\\;:!?]|\s[-–—]\s|—", text):
        return None
    if text[0].isdigit() or text[0] == "$" or PARTY_STATE.match(text) or re.match(r"^[RDI][-–][A-Z]", text):
        return None
    words = text.split()
    folded = [fold(w).rstrip(".") for w in words]
    if folded[0] in PRONOUNS - {"one", "some", "many", "several", "few", "all", "each", "another", "other"} \
            or folded[0] in ("his", "her", "their", "its", "my", "our", "your", "whose"):
        return None
    if re.search(r"[a-z]{3,}[A-Z]", text):
        return None  # glued words: "Getty ImagesRepublican presidential candidates"
    if (folded[0].endswith("ing") and (len(words) == 1 or fold(words[1]) in PREPOSITIONS | {"the", "a", "an"})) \
            or folded[-1].endswith("'s") or words[-1].endswith(("’s", "'s", "’", "'")):
        return None  # "writing on Breitbart", "MSNBC’s"
    if any(w[:1].isupper() and fold(w) in HEADLINE_FUNCTION_WORDS | PREPOSITIONS | HEADLINE_WORDS for w in words[1:]):
        return None  # headline case: "Lose Court Battle Over Ohio"
    titles = _lexicon().titles | EXTRA_TITLES
    head_at = next((i for i, w in enumerate(folded) if i > 0 and w in PREPOSITIONS), len(words))
    head_words = words[:head_at]
    head = head_words[-1].rstrip(".,")
    head_fold = fold(head)
    if all(fold(w).rstrip(".") in HONORIFICS or fold(w) in titles and w.endswith(".") or fold(w) in ("state", "u.s.", "former")
           for w in head_words):
        return None  # "Mr.", "Sen.", "state Sen.", "Lt. Gov."
    if not any(c.isalpha() for c in head) or (
            len(words) > 1 and head_words[-1].endswith(".") and fold(head).rstrip(".") in HONORIFICS
            and (fold(head) in ("mr", "mrs", "ms", "dr", "miss") or len(head_words) < 2 or head_words[-2][:1].islower())):
        return None  # "July 5", "presidential candidate Sen." (but "Wisconsin Gov.")
    singular = head_fold[:-1] if head_fold.endswith("s") and not head_fold.endswith("ss") else head_fold
    lexicon = _lexicon()
    is_role = head_fold in ROLE_WORDS or singular in ROLE_WORDS or head_fold in titles or singular in titles \
        or head_fold in lexicon.spokespeople or singular in lexicon.spokespeople
    is_noun = is_role or singular in lexicon.nominals or singular in GENERIC_NOUNS \
        or singular in lexicon.media["outlet"] or singular in lexicon.media["role"] \
        or (singular.endswith(PERSON_SUFFIXES) and singular not in NOT_ROLES)
    if len(words) == 1:
        if is_role and not head.endswith(".") and singular == head_fold:
            return text
        if head_fold.endswith(PERSON_SUFFIXES) and (head[:1].islower() or head_fold.endswith(("ian", "ist"))) and head_fold not in NOT_ROLES and "-" not in head:
            return text
        return None
    if head[:1].isupper() and not is_role:
        # a proper noun at the head is a name, unless an article makes it a noun phrase ("a Republican")
        if not ((folded[0] in ("a", "an", "the") or head_words[0][:1].islower()) and len(head_words) >= 2):
            return None
    if head_fold.endswith("ing") or head_fold in NOT_ROLES or head_fold in PRONOUNS or not is_noun:
        return None  # no head noun of a role, a person or an organisation: "The relative doldrums"
    return text


# --- the user's aliases --------------------------------------------------------------------------


class Aliases:
    """The user's corrections: ``name -> canonical name`` (and type), applied on top of the rules.

    Read from a TSV file (``name<TAB>canonical[<TAB>type]``; ``#`` starts a comment): every
    extracted name equal to ``name`` (case, accents and curly apostrophes ignored) is the speaker
    called ``canonical``, shown by that name, of ``type`` when given; a canonical name ``-`` says
    the name is no entity (it stays a mention of its article).

    >>> a = Aliases([("Obama Says", "Barack Obama", None), ("Twitter", "-", None)])
    >>> a.target("obama says"), a.analyze("Obama Says", "PERSON").key, a.analyze("Twitter", "ORG").key
    (('Barack Obama', None), 'n:obama', None)
    """

    def __init__(self, entries: Iterable[tuple[str, str, str | None]] = ()) -> None:
        self.entries: dict[str, tuple[str, str, str | None]] = {}
        for name, canonical, type_ in entries:
            name, canonical = " ".join(name.split()), " ".join(canonical.split())
            if name and canonical:
                self.entries[fold(name)] = (name, canonical, type_.strip().upper() if type_ and type_.strip() else None)

    @classmethod
    def read(cls, path: str | Path) -> Aliases:
        """The aliases of a TSV file; ``ValueError`` naming the line for a line without a tab."""
        entries = []
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
                raise ValueError(f"{path}:{number}: expected 'name<TAB>canonical name[<TAB>type]', got {line!r}")
            entries.append((fields[0], fields[1], fields[2] if len(fields) > 2 else None))
        return cls(entries)

    @classmethod
    def coerce(cls, aliases: Aliases | str | Path | Mapping[str, str] | Iterable[tuple] | None) -> Aliases | None:
        """``Aliases`` from what ``Store(aliases=...)`` takes: a file, a mapping, pairs or triples."""
        if aliases is None or isinstance(aliases, Aliases):
            return aliases
        if isinstance(aliases, (str, Path)):
            return cls.read(aliases)
        if isinstance(aliases, Mapping):
            return cls((name, canonical, None) for name, canonical in aliases.items())
        return cls((entry[0], entry[1], entry[2] if len(entry) > 2 else None) for entry in aliases)

    @classmethod
    def from_json(cls, text: str | None) -> Aliases:
        return cls(tuple(entry) for entry in json.loads(text)) if text else cls()

    def to_json(self) -> str:
        """The aliases as stored in the database (sorted, so that equal sets compare equal)."""
        return json.dumps(sorted(list(e) for e in self.entries.values()), ensure_ascii=False)

    def target(self, name: str) -> tuple[str, str | None] | None:
        entry = self.entries.get(fold(" ".join(name.split())))
        return (entry[1], entry[2]) if entry else None

    def analyze(self, name: str, type_: str | None) -> Name:
        """:func:`analyze`, with an aliased name placed in its canonical name's block."""
        target = self.target(name) if self.entries else None
        if target is None:
            return analyze(name, type_)
        canonical, alias_type = target
        if canonical == "-":
            return MENTION
        home = analyze(canonical, alias_type or type_ or "PERSON")
        key = home.key or "a:" + fold(canonical)
        return Name(canonical, home.kind if not home.is_mention else "org", alias_type or home.type or type_, key)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Aliases) and self.to_json() == other.to_json()
