"""Which descriptions the extractor gave a speaker are worth showing (:func:`description`).

The extractor keeps the titles and appositions it found beside a name ("Republican presidential
nominee", "U.N. envoy for Syria", but also "Mr.", "R-Wis.", "this guy", "MSNBC’s"). The store
shows a speaker the descriptions that read as a noun phrase naming a role, a person or an
organisation, counted over the documents that give them (:mod:`.speaker_upkeep`).
"""
from __future__ import annotations

import re

from .name_words import (
    EXTRA_TITLES, GENERIC_NOUNS, HEADLINE_FUNCTION_WORDS, HEADLINE_WORDS, PRONOUNS, fold, loaded_lexicon,
)

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
    if _is_fragment(text) or not _has_head_noun(text):
        return None
    return text


def _is_fragment(text: str) -> bool:
    """Whether ``text`` is no noun phrase at all: marks, numbers, party tags, pronouns, glued
    words, a verb phrase, a possessive, headline case."""
    if not text or not re.search(r"[A-Za-z]", text) or re.search(r"[“”\"‘()\[\]{}<>|*#@/\\;:!?]|\s[-–—]\s|—", text):
        return True
    if text[0].isdigit() or text[0] == "$" or PARTY_STATE.match(text) or re.match(r"^[RDI][-–][A-Z]", text):
        return True
    words = text.split()
    folded = [fold(w).rstrip(".") for w in words]
    if folded[0] in PRONOUNS - {"one", "some", "many", "several", "few", "all", "each", "another", "other"} \
            or folded[0] in ("his", "her", "their", "its", "my", "our", "your", "whose"):
        return True
    if re.search(r"[a-z]{3,}[A-Z]", text):
        return True  # glued words: "Getty ImagesRepublican presidential candidates"
    if (folded[0].endswith("ing") and (len(words) == 1 or fold(words[1]) in PREPOSITIONS | {"the", "a", "an"})) \
            or folded[-1].endswith("'s") or words[-1].endswith(("’s", "'s", "’", "'")):
        return True  # "writing on Breitbart", "MSNBC’s"
    if any(w[:1].isupper() and fold(w) in HEADLINE_FUNCTION_WORDS | PREPOSITIONS | HEADLINE_WORDS for w in words[1:]):
        return True  # headline case: "Lose Court Battle Over Ohio"
    return False


def _has_head_noun(text: str) -> bool:
    """Whether the words before the first preposition end in a noun of a role, a person or an
    organisation, that is not a lone honorific or a proper name."""
    words = text.split()
    folded = [fold(w).rstrip(".") for w in words]
    titles = loaded_lexicon().titles | EXTRA_TITLES
    head_at = next((i for i, w in enumerate(folded) if i > 0 and w in PREPOSITIONS), len(words))
    head_words = words[:head_at]
    head = head_words[-1].rstrip(".,")
    head_fold = fold(head)
    if all(fold(w).rstrip(".") in HONORIFICS or fold(w) in titles and w.endswith(".") or fold(w) in ("state", "u.s.", "former")
           for w in head_words):
        return False  # "Mr.", "Sen.", "state Sen.", "Lt. Gov."
    if not any(c.isalpha() for c in head) or (
            len(words) > 1 and head_words[-1].endswith(".") and fold(head).rstrip(".") in HONORIFICS
            and (fold(head) in ("mr", "mrs", "ms", "dr", "miss") or len(head_words) < 2 or head_words[-2][:1].islower())):
        return False  # "July 5", "presidential candidate Sen." (but "Wisconsin Gov.")
    singular = head_fold[:-1] if head_fold.endswith("s") and not head_fold.endswith("ss") else head_fold
    lexicon = loaded_lexicon()
    is_role = head_fold in ROLE_WORDS or singular in ROLE_WORDS or head_fold in titles or singular in titles \
        or head_fold in lexicon.spokespeople or singular in lexicon.spokespeople
    is_noun = is_role or singular in lexicon.nominals or singular in GENERIC_NOUNS \
        or singular in lexicon.media["outlet"] or singular in lexicon.media["role"] \
        or (singular.endswith(PERSON_SUFFIXES) and singular not in NOT_ROLES)
    if len(words) == 1:
        if is_role and not head.endswith(".") and singular == head_fold:
            return True
        if head_fold.endswith(PERSON_SUFFIXES) and (head[:1].islower() or head_fold.endswith(("ian", "ist"))) and head_fold not in NOT_ROLES and "-" not in head:
            return True
        return False
    if head[:1].isupper() and not is_role:
        # a proper noun at the head is a name, unless an article makes it a noun phrase ("a Republican")
        if not ((folded[0] in ("a", "an", "the") or head_words[0][:1].islower()) and len(head_words) >= 2):
            return False
    if head_fold.endswith("ing") or head_fold in NOT_ROLES or head_fold in PRONOUNS or not is_noun:
        return False  # no head noun of a role, a person or an organisation: "The relative doldrums"
    return True

