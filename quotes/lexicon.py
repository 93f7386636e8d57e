"""Word lists the rules read: cue lemmas with their roles, titles, nominal heads, news outlets,
document nouns, name particles, photo-credit words, section labels, and first names with their
usual gender.

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


# The files of a lexicon, as in ``quotes/data`` and in a saved spaCy pipeline's component folder.
LEXICON_FILES = ("cues.tsv", "titles.txt", "nominals.tsv", "outlets.txt", "clause_cues.txt", "noun_cues.txt",
                 "issuing_verbs.txt", "document_nouns.txt", "name_particles.txt", "credit_words.txt",
                 "section_labels.txt", "media.tsv", "outlet_aliases.tsv", "audiences.txt", "spokespeople.txt")
MEDIA_KINDS = {"outlet", "name", "role", "medium"}


def _data_lines(name: str, path: str | Path | None = None) -> list[str]:
    return _lines(Path(path).read_text("utf-8") if path else resources.files("quotes.data").joinpath(name).read_text("utf-8"))


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
    document_nouns: frozenset[str]  # "a ministry statement", "her memo": their issuer speaks
    name_particles: frozenset[str]  # lower-case words inside names: "de", "van", "bin"
    credit_words: frozenset[str]  # photo credits are no names: "Getty Images"
    section_labels: frozenset[str]  # "UPDATE:", "Q:" label a section, not a speaker
    media: dict[str, frozenset[str]]  # kind (outlet, name, role, medium) -> words: see media.tsv
    outlet_aliases: dict[str, str]  # "huffpo" -> "The Huffington Post", "meet the press" -> "NBC"
    audiences: frozenset[str]  # "reporters", "the crowd": no addressee
    spokespeople: frozenset[str]  # "a spokesman for X", "her office": X speaks

    @classmethod
    def load(cls, cues: str | Path | None = None, folder: str | Path | None = None) -> "Lexicon":
        """The bundled lexicon, with the cue list of ``cues`` if given; or the lexicon saved in
        ``folder`` (by :meth:`to_disk`; a file missing there, as in a pipeline saved by an
        earlier release, is taken from the bundled lexicon).

        Files are read again when they change: the cache is keyed by their size and time."""
        paths = [Path(cues)] if cues else []
        if folder:
            paths += [Path(folder) / name for name in LEXICON_FILES]
        stamps = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.exists())
        return _load(str(cues) if cues else None, str(folder) if folder else None, stamps)

    def cue_role(self, lemma: str) -> str | None:
        return self.cues.get(lemma.lower())

    def is_outlet(self, name: str) -> bool:
        """A news organisation the lexicon knows by this name or one of its other names."""
        key = _outlet_key(name)
        return key in self.outlets or key in self.outlet_aliases

    def outlet_name(self, name: str) -> str:
        """The name an outlet is known by ("HuffPo" -> "The Huffington Post"; a show -> its network)."""
        return self.outlet_aliases.get(_outlet_key(name), name)

    def to_files(self) -> dict[str, str]:
        """The lexicon as the text of its files (:data:`LEXICON_FILES`), sorted so it diffs well."""
        lines = {
            "cues.tsv": [f"{lemma}\t{role}" for lemma, role in self.cues.items()],
            "titles.txt": self.titles, "nominals.tsv": [f"{k}\t{v}" for k, v in self.nominals.items()],
            "outlets.txt": self.outlets, "clause_cues.txt": self.clause_cues, "noun_cues.txt": self.noun_cues,
            "issuing_verbs.txt": self.issuing_verbs, "document_nouns.txt": self.document_nouns,
            "name_particles.txt": self.name_particles, "credit_words.txt": self.credit_words,
            "section_labels.txt": self.section_labels, "audiences.txt": self.audiences,
            "spokespeople.txt": self.spokespeople,
            "media.tsv": [f"{word}\t{kind}" for kind, words in self.media.items() for word in words],
            "outlet_aliases.tsv": [f"{alias}\t{name}" for alias, name in self.outlet_aliases.items()],
        }
        return {name: "".join(line + "\n" for line in sorted(lines[name])) for name in LEXICON_FILES}

    def to_disk(self, folder: str | Path) -> None:
        """Write the lexicon's files into ``folder`` (created if missing)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.to_files().items():
            (folder / name).write_text(text, encoding="utf-8")


    @classmethod
    def from_files(cls, files: dict[str, str]) -> "Lexicon":
        """A lexicon from the text of its files (what :meth:`to_files` gives)."""
        return _parse({name: _lines(text) for name, text in files.items()})


@lru_cache(maxsize=8)
def _load(cues_path: str | None, folder: str | None, stamps: tuple) -> Lexicon:
    def lines(name: str) -> list[str]:
        saved = Path(folder) / name if folder else None
        path = cues_path if name == "cues.tsv" and cues_path else (saved if saved and saved.exists() else None)
        return _data_lines(name, path)

    return _parse({name: lines(name) for name in LEXICON_FILES}, cues_path)


def _lines(text: str) -> list[str]:
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _parse(lines: dict[str, list[str]], cues_origin: str | None = None) -> Lexicon:
    cues = {}
    for line in lines["cues.tsv"]:
        if "\t" not in line:
            raise ValueError(f"{cues_origin or 'cues.tsv'}: expected 'lemma<TAB>role', got {line!r}")
        lemma, role, *_ = line.split("\t")
        if role not in CUE_ROLES:
            raise ValueError(f"{cues_origin or 'cues.tsv'}: unknown role {role!r} for {lemma!r}")
        cues[lemma.strip().lower()] = role
    return Lexicon(
        cues=cues,
        titles=frozenset(t.lower() for t in lines["titles.txt"]),
        nominals=dict(line.split("\t")[:2] for line in lines["nominals.tsv"]),
        outlets=frozenset(o.lower().removeprefix("the ") for o in lines["outlets.txt"]),
        clause_cues=frozenset(lines["clause_cues.txt"]),
        noun_cues=frozenset(lines["noun_cues.txt"]),
        issuing_verbs=frozenset(lines["issuing_verbs.txt"]),
        document_nouns=frozenset(lines["document_nouns.txt"]),
        name_particles=frozenset(lines["name_particles.txt"]),
        credit_words=frozenset(lines["credit_words.txt"]),
        section_labels=frozenset(lines["section_labels.txt"]),
        media=_media(lines["media.tsv"]),
        outlet_aliases={_outlet_key(alias): name for alias, name in (line.split("\t")[:2] for line in lines["outlet_aliases.tsv"])},
        audiences=frozenset(lines["audiences.txt"]),
        spokespeople=frozenset(lines["spokespeople.txt"]),
    )


def _media(lines: list[str]) -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {kind: set() for kind in MEDIA_KINDS}
    for line in lines:
        word, kind = line.split("\t")[:2]
        if kind not in MEDIA_KINDS:
            raise ValueError(f"media.tsv: unknown kind {kind!r} for {word!r}")
        kinds[kind].add(word.lower())
    return {kind: frozenset(words) for kind, words in kinds.items()}


def _outlet_key(name: str) -> str:
    """How outlet names are compared: lower case, without a leading "the"."""
    return " ".join(name.lower().split()).removeprefix("the ").strip()


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
