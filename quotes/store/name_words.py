"""The words and resources name analysis reads, and how names are compared (:func:`fold`).

Word lists that tell names from everything else the extractor may give as a name (pronouns,
generic nouns, headline verbs, titles, the words of places and organisations), the marks of text
cut out of running prose, the organisations known by several names (:data:`SYNONYMS`), and the
lexicon, outlets and nicknames loaded once per process. :mod:`.name_forms` and
:mod:`.descriptions` read them; a change here is a change of the identity rules
(:data:`.identity.IDENTITY_VERSION`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..lexicon import Lexicon
from ..outlets import Outlets

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


def without_the(text: str) -> str:
    return text[4:] if fold(text[:4]) == "the " else text


@lru_cache(maxsize=1)
def org_synonyms() -> dict[str, str]:
    return {fold(without_the(form)): group[0] for group in SYNONYMS for form in group}


@lru_cache(maxsize=1)
def loaded_lexicon() -> Lexicon:
    return Lexicon.load()


@lru_cache(maxsize=1)
def loaded_outlets() -> Outlets:
    return Outlets(loaded_lexicon())


@lru_cache(maxsize=1)
def nicknamer():
    try:
        from nicknames import NickNamer
    except ImportError:  # the rules work without it: "Joe" and "Joseph" then stay apart
        return None
    return NickNamer()


def person_titles() -> frozenset[str]:
    return loaded_lexicon().titles | EXTRA_TITLES
