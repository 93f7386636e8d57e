"""Word lists the rules read: cue lemmas with their roles, titles, nominal heads, news outlets,
and first names with their usual gender.

They live as plain files in ``quotes/data`` so that they can be read, diffed and grown without
touching code. ``Lexicon.load()`` reads them once; pass ``Lexicon.load(cues=path)`` to use your own
cue list (a TSV of ``lemma<TAB>role``).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

CUE_ROLES = {"speech", "tell", "write", "conduit", "belief", "phrase", "direct", "directive"}


def _data_lines(name: str, path: str | Path | None = None) -> list[str]:
    text = Path(path).read_text("utf-8") if path else resources.files("quotes.data").joinpath(name).read_text("utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    """The rules' vocabulary.

    >>> lex = Lexicon.load()
    >>> lex.cue_role("say"), lex.cue_role("tell"), lex.cue_role("believe"), lex.cue_role("eat")
    ('speech', 'tell', 'belief', None)
    """

    cues: dict[str, str]
    titles: frozenset[str]
    nominals: dict[str, str]
    outlets: frozenset[str]
    clause_cues: frozenset[str]
    noun_cues: frozenset[str]
    issuing_verbs: frozenset[str]

    @classmethod
    def load(cls, cues: str | Path | None = None) -> "Lexicon":
        return _load(str(cues) if cues else None)

    def cue_role(self, lemma: str) -> str | None:
        return self.cues.get(lemma.lower())

    def is_outlet(self, name: str) -> bool:
        key = name.lower().removeprefix("the ").strip()
        return key in self.outlets


@lru_cache(maxsize=8)
def _load(cues_path: str | None) -> Lexicon:
    cues = {}
    for line in _data_lines("cues.tsv", cues_path):
        lemma, role, *_ = line.split("\t")
        if role not in CUE_ROLES:
            raise ValueError(f"{cues_path or 'cues.tsv'}: unknown role {role!r} for {lemma!r}")
        cues[lemma.strip().lower()] = role
    nominals = dict(line.split("\t")[:2] for line in _data_lines("nominals.tsv"))
    return Lexicon(
        cues=cues,
        titles=frozenset(t.lower() for t in _data_lines("titles.txt")),
        nominals=nominals,
        outlets=frozenset(o.lower().removeprefix("the ") for o in _data_lines("outlets.txt")),
        clause_cues=frozenset(_data_lines("clause_cues.txt")),
        noun_cues=frozenset(_data_lines("noun_cues.txt")),
        issuing_verbs=frozenset(_data_lines("issuing_verbs.txt")),
    )


def first_name_gender(first_name: str) -> str | None:
    """"male" | "female" for a first name with a clear gender, else None; case and accents ignored.

    >>> first_name_gender("Anna"), first_name_gender("JOSÉ"), first_name_gender("Jean")
    ('female', 'male', None)
    """
    # The table's keys are lower-case ASCII (nomquamgender strips diacritics), so fold likewise.
    key = "".join(c for c in unicodedata.normalize("NFKD", first_name.lower()) if not unicodedata.combining(c))
    return _first_names().get(key)


@lru_cache(maxsize=1)
def _first_names() -> dict[str, str]:
    # Read on the first he/she that needs a name's gender, not with the rest of the lexicon:
    # extraction without pronouns should not pay for ~50,000 names.
    genders = {"m": "male", "f": "female"}
    return {name: genders[g] for name, g in (line.split("\t") for line in _data_lines("first_names.tsv"))}
