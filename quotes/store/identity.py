"""Corpus-level identity: which names the extractor gave are one real-world speaker.

The extractor resolves names within one article ("Clinton" after "Hillary Clinton" is her). Across
articles the same person is still written many ways ("Donald Trump", "Donald J. Trump", a lone
"Trump" typed ORG in one article), and some "names" are no one at all ("Obama Says" from a
headline, "officials", "she"). What each name is, is decided by :mod:`.name_forms`; this module
decides, from the extracted names alone:

* which names are one speaker (:func:`identify`), given every name the stored documents use and
  how many documents use each. Names are compared only within a *block* (:attr:`.name_forms.Name.key`:
  a surname, an acronym's letters, an outlet's last word), so that adding documents re-identifies
  only the blocks their names fall in; a mention is no one's and stays its article's own;
* by which name and type each speaker is shown;
* the user's corrections (:class:`Aliases`), applied on top of the rules.

Everything here is a pure function of its arguments: identity is a function of the set of stored
names and their document counts, never of the order documents arrived in. The rules are
described for users in ``docs/database.md`` ("Speaker identity").
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .name_forms import MENTION, Name, PersonName, analyze, normal_org, same_person
from .name_words import ORG_FUNCTION_WORDS, fold, loaded_outlets, org_synonyms, without_the

# Bump when a rule changes (here, in .name_forms, .name_words or .descriptions): a database
# identified by other rules is identified again on opening.
IDENTITY_VERSION = 1

TYPES_ORDER = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW")

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
    _add_aliased(clusters, aliased, aliases)
    result: dict[str, Speaker | None] = {row.id: None for row, _ in aliased}
    for cluster in clusters:
        speaker = _speaker(cluster)
        for row, _ in cluster.rows:
            result[row.id] = speaker
    return result


def _add_aliased(clusters: list[_Cluster], aliased: list[tuple[NameRow, Name]], aliases: Aliases) -> None:
    """The user's aliases, on top of the rules: an aliased name joins the cluster its canonical
    name already leads or names, else one of its own, shown by the canonical name."""
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


def _org_fold(name: str) -> str:
    folded = fold(without_the(normal_org(name))).replace(".", "")
    return org_synonyms().get(folded, folded).lower()


def _lone_target(lone: _Cluster, people: list[tuple[_Cluster, list[PersonName]]], orgs: list[_Cluster]) -> _Cluster | None:
    """The cluster a lone surname, short form or acronym stands for: the only one it can be, or
    one used :data:`DOMINANCE` times more than the next."""
    votes = _type_votes(lone)
    personal = [c for c, _ in people]
    if lone.kind == "acronym":
        if any(loaded_outlets().known(name.clean) for _, name in lone.rows):
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
    words = without_the(normal_org(cluster.rows[0][1].clean)).split()
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
    elif any(name.kind != "person" and loaded_outlets().known(name.clean) for _, name in cluster.rows):
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
