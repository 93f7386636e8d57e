"""News organisations: which names are outlets, what they are called, and which is the article's own.

An outlet is an organisation the words passed through ("told Reuters", "wrote in The Lakeside
Herald", "said on Fox News Sunday"). A name is an outlet's when

* the lexicon knows it (``outlets.txt``, or another of its names in ``outlet_aliases.tsv``: a
  show stands for its network, "HuffPo" for The Huffington Post),
* it is a broadcaster's call sign ("WKOW-TV", "WIBC", "WOR 710"),
* it ends with a word of outlet names ("The Lakeside Herald", "Bloomberg News"), or
* the article says so (:mod:`quotes.names` looks: "The Post and Courier newspaper", "CNN's Jake
  Tapper", "Fox News host Sean Hannity", "the Forward, a Jewish newspaper").

The article's own publisher (its ``publisher`` metadata) is never a conduit of its own quotes,
however the article names it: in full, by another name, by a short form ("the Post" in a
Washington Post article) or by one of its shows ("Breitbart News Daily").
"""
from __future__ import annotations

import re

from .lexicon import Lexicon

# "WKOW-TV", "WIBC", "KQED", "WOR710", "WOR 710"
CALL_SIGN = re.compile(r"^[KW][A-Z]{2,3}(?:[- ]?(?:TV|FM|AM|DT|\d{2,4}))*$")
CALL_SIGN_FREQUENCY = re.compile(r"^([KW][A-Z]{2,3})(\d{2,4})$")
# Words too common in outlet names to tell one outlet from another on their own.
GENERIC_WORDS = {"the", "news", "daily", "new", "and", "of", "online", "canada", "america", "international", "live"}


def words(name: str) -> set[str]:
    """The words of a name, lower case, without "the" and the possessive."""
    return {w for w in re.findall(r"[\w&]+", name.lower().replace("’s", "").replace("'s", "")) if w != "the"}


class Outlets:
    """The outlet knowledge one article needs: the lexicon's, and the article's publisher.

    >>> from quotes.lexicon import Lexicon
    >>> outlets = Outlets(Lexicon.load(), publisher="The Washington Post")
    >>> outlets.known("The Lakeside Herald"), outlets.known("WKOW-TV"), outlets.known("Lakeside Council")
    (True, True, False)
    >>> outlets.is_publisher("the Post"), outlets.is_publisher("Washington Examiner")
    (True, False)
    >>> outlets.name_of("Meet the Press"), outlets.name_of("WOR710")
    ('NBC', 'WOR 710')
    """

    def __init__(self, lexicon: Lexicon, publisher: str | None = None):
        self.lexicon = lexicon
        self.publisher = lexicon.outlet_name(publisher) if publisher else None
        self._publisher_words = words(self.publisher) if self.publisher else set()

    def known(self, name: str) -> bool:
        """Whether ``name`` alone says it is an outlet's ("The Star-Ledger of Newark" too)."""
        name = self.without_place(name.strip())
        if self.lexicon.is_outlet(name) or CALL_SIGN.match(name.removeprefix("the ").removeprefix("The ")):
            return True
        parts = name.split()
        if len(parts) > 1 and parts[-1].isdigit() and self.lexicon.is_outlet(" ".join(parts[:-1])):
            return True  # a network's local station: "Fox 35", "ABC 7"
        # "The Lakeside Herald", "The Star-Ledger", and "the Herald" alone
        last = parts[-1].split("-")[-1] if parts else ""
        return last[:1].isupper() and last.lower() in self.lexicon.media["name"]

    def without_place(self, name: str) -> str:
        """"WKOW-TV of Madison" -> "WKOW-TV": an outlet named with its town."""
        head, of, _ = name.partition(" of ")
        return head if of and head and self.known(head) else name

    def name_of(self, name: str) -> str:
        """The name the outlet is known by; a call sign and its frequency apart ("WOR710" is "WOR 710")."""
        name = self.lexicon.outlet_name(self.without_place(name))
        return CALL_SIGN_FREQUENCY.sub(r"\1 \2", name) if CALL_SIGN.match(name) else name

    def is_publisher(self, name: str | None) -> bool:
        """Whether ``name`` is the article's own publisher: the same name, a short form of it
        ("the Post", "the Star"), or a show or section of it ("Breitbart News Daily")."""
        if not name or not self._publisher_words:
            return False
        named = words(self.name_of(name))
        if not named:
            return False
        distinctive = self._publisher_words - GENERIC_WORDS or self._publisher_words
        if distinctive <= named:  # the publisher itself, or one of its shows: "CBC Daybreak South"
            return True
        return named <= self._publisher_words and bool(named - GENERIC_WORDS)  # "the Post", "the Star"
