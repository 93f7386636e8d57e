"""Who a speaker mention is: candidate antecedents ranked by explicit features.

A pronoun ("he", "it", "they") or a description ("the agency", "the senator", "a spokeswoman")
that speaks is one of the article's entities named before it, or nobody the article names (the
description stays the speaker). :func:`choices` lists the candidates with their features, and
:class:`Ranker` scores them with a linear model per kind of mention (:data:`KINDS`), whose
weights are data (``quotes/data/resolver.json``, written by ``scripts/train_resolver.py``): the
best candidate wins, and the share of the softmax it takes, mapped through the calibration
table of the route by which the speaker was found, is the speaker's confidence.

Agreement is a constraint, not a feature: "he" and "she" are people of that gender or of
unknown gender, "it" and "they" organisations (or, for "they", an earlier speaker that is a
pair or a group no entity holds), "the agency" an organisation and "the spokesman" a person;
"officials", in the plural, no one named person.

The features, each a number for one (mention, candidate) pair:

* ``recency``: minus the tokens since the candidate's last mention outside quotations, over
  100 (a mention that is no clause subject counts ``OBJECT_PENALTY`` tokens earlier; a quote it
  spoke counts as a mention);
* ``gender_unknown``: "he"/"she" and a person of unknown gender; ``gender_unknown_one_word``:
  the same for a one-word name that has not spoken and bears no title (often a place the
  model took for a person); ``first_name_disagrees``: a one-word name whose first-name gender
  is the other one ("Jason" for "she"), a preference only, as a surname alone may be a first
  name too ("Clinton");
* ``named_in_quote``: the candidate is named inside the very quotation being attributed
  (people rarely name themselves);
* ``same_paragraph``, ``log_mentions``, ``last_speaker``: computed for every pronoun, weight 0
  in the shipped model (they did not help on the fold they were tried on);
* descriptions: ``head_matches`` (the head is the head of one of the entity's descriptions, a
  word of its name, or a title it bears, and a definite description's place, "Florida" in "the
  Florida senator", is among the entity's words), ``word_overlap`` (how many of the description's words
  the entity's words hold), ``mentioned_before``, ``order`` (later mentions first), and, when
  no head matches, ``definite_fallback`` (the latest organisation for "the agency", the latest
  person for "the professor") or ``unmatched``; an earlier speaker no entity holds is a
  candidate of a definite description with its head noun, in its number ("a person familiar
  with the talks" for "the person");
* ``nobody`` (and ``indefinite``, weight 0): the candidate that stands for no entity.
"""
from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from spacy.tokens import Span

from .lexicon import first_name_gender

if TYPE_CHECKING:
    from .names import Group
    from .resolution import Resolved, Resolver

KINDS = ("he_she", "it", "they", "description")
WEIGHTS_RESOURCE = "resolver.json"
SINGULAR_PRONOUNS = {"i", "me", "he", "she", "him", "her", "it"}
# Dependencies of a clause subordinate to another (adverbial, complement, relative).
SUBORDINATE_DEPS = {"advcl", "ccomp", "xcomp", "acl", "relcl", "pcomp", "prep", "pobj"}
PLACE_TYPES = {"GPE", "LOC", "NORP"}  # "the Florida senator", "the Canadian minister"


@dataclass
class Choice:
    """One candidate for a speaker mention: an entity (or an earlier speaker), or nobody."""

    resolved: "Resolved"
    group: "Group | None"
    features: dict[str, float] = field(default_factory=dict)
    nobody: bool = False  # the mention stays what it says


def kind_of(mention: Span) -> str:
    """Which model ranks the candidates of ``mention``: by its form (a description is any words
    that are no pronoun and no name the table holds: "the agency", "EDC" seen once)."""
    head = mention.root
    lower = head.lower_
    if len(mention) <= 2 and lower in ("he", "she", "him", "her", "his", "hers"):
        return "he_she"
    if len(mention) <= 2 and lower in ("it", "its"):
        return "it"
    if len(mention) <= 2 and lower in ("they", "them", "their"):
        return "they"
    return "description"


def choices(resolver: "Resolver", mention: Span, at: int, kind: str, content: tuple[int, int] | None,
            exclude: set[str]) -> list[Choice]:
    """The candidates for ``mention`` (at token ``at``) with their features, nobody last."""
    from .resolution import Resolved, _resolved

    table = resolver.table
    wanted = _wanted_type(resolver, mention, kind)
    gender = {"she": "female", "her": "female", "hers": "female"}.get(mention.root.lower_, "male") \
        if kind == "he_she" else None
    spoken = _speakers_before(resolver, at)
    described = _Described.of(resolver, mention) if kind == "description" else None
    commanding = _commanding_subjects(mention) if described is not None and described.definite \
        and _names_someone(resolver, mention) else set()
    out = []
    for group in table.groups:
        if group.entity.type not in ("PERSON", "ORG") or group.entity.name in exclude:
            continue
        if commanding & set(group.mentions):
            continue  # "Trump took on Clinton after the Democratic front-runner said": not Trump
        # agreement is a constraint, not a preference: "she" is no man, "it" no person
        if (wanted is not None and group.entity.type not in wanted) or (
                gender is not None and group.gender is not None and group.gender != gender):
            continue
        last = last_mention(resolver, group, at, spoken.get(group.entity.key))
        if last is None and kind != "description":
            continue
        f = _salience(resolver, group, at, last, content, spoken, gender)
        if described is not None:
            f.update(_description(described, group, at, last))
        out.append(Choice(_resolved(group), group, f))
    last_spoke = max((p for p, _ in spoken["all"]), default=None)
    for position, r in spoken.get(None, []):  # an earlier speaker the table does not hold ("a spokeswoman")
        if kind == "description":
            # "a person familiar with the talks said … according to the person": a definite
            # description with the same head noun, in the same number
            if r.name not in exclude and _definite(mention) \
                    and _head(resolver, position, r.name) == (mention.root.lemma_.lower(), _plural(mention.root)):
                out.append(Choice(r, None, {"recency": -(at - position) / 100, "head_matches": 1.0,
                                            "mentioned_before": 1.0, "order": position / 1000}))
            continue
        # a pair, or words no entity holds ("Stella's owners"), are "they"; one person "he" or "she"
        plural = " and " in r.name or (r.type is None and r.name.lower() not in SINGULAR_PRONOUNS)
        if r.name in exclude or (kind == "they") != plural or not (plural or r.type in (wanted or ())):
            continue
        f = {"recency": -(at - position) / 100, "last_speaker": float(position == last_spoke)}
        out.append(Choice(r, None, f))
    nominal = resolver.lexicon.nominals.get(mention.root.lemma_.lower()) if kind == "description" else None
    keep = Resolved(mention.text, nominal if nominal == "PERSON" else None)
    out.append(Choice(keep, None, {"nobody": 1.0, "indefinite": float(_indefinite(mention))}, nobody=True))
    return out


def _names_someone(resolver: "Resolver", mention: Span) -> bool:
    """Whether a description reads as a person or a body itself ("the Democratic front-runner"),
    not a document or a share of something ("the advertisement", "the story of the porter",
    "the average of recent polls"), whose speaker may well be the clause's subject."""
    head = mention.root
    return head.lemma_.lower() not in resolver.lexicon.document_nouns and not any(c.dep_ == "prep" for c in head.children)


def _commanding_subjects(mention: Span) -> set[int]:
    """Tokens of the subjects of the clauses a description stands in, its own clause's excepted:
    a definite description does not name the subject of a clause it is part of ("Trump took
    on Clinton after the Democratic front-runner had said …" is no Trump; a writer would say
    "he")."""
    out: set[int] = set()
    node = mention.root.head
    # up through subordinate clauses only: "Smith spoke, and the senator added …" coordinates
    while node.dep_ in SUBORDINATE_DEPS and node.head.i != node.i:
        node = node.head
        for subject in (c for c in node.children if c.dep_ in ("nsubj", "nsubjpass") and c.i != mention.root.i):
            out.update(t.i for t in subject.subtree)
    return out


def _head(resolver: "Resolver", position: int, words: str) -> tuple[str, bool] | None:
    """The head noun's lemma, and whether it is plural, of the mention ``words`` at token ``position``."""
    start = resolver.index.starts[position]
    if resolver.index.text[start : start + len(words)] != words:
        return None
    span = resolver.doc.char_span(start, start + len(words), alignment_mode="expand")
    return (span.root.lemma_.lower(), _plural(span.root)) if span is not None else None


def _plural(token) -> bool:
    return token.tag_ in ("NNS", "NNPS")


def _definite(mention: Span) -> bool:
    return any(t.dep_ in ("det", "poss") and t.lower_ in ("the", "this", "that", "these", "those")
               for t in mention.root.children)


def _speakers_before(resolver: "Resolver", at: int) -> dict:
    """Earlier speakers: by entity key (their positions), None (speakers no entity holds) and all."""
    out: dict = {"all": []}
    for position, r in resolver.speaker_mentions:
        if position < at and resolver._visible_from(position, at):
            out.setdefault(r.key, []).append((position, r))  # key None: a speaker no entity holds
            out["all"].append((position, r))
    return out


def last_mention(resolver: "Resolver", group: "Group", at: int, spoke: list | None) -> int | None:
    """Where ``group`` was last mentioned before ``at`` as an antecedent: outside quotations, a
    mention that is no clause subject counting OBJECT_PENALTY tokens earlier, and the quotes it
    spoke counting as mentions."""
    from .resolution import OBJECT_PENALTY

    table, subjects = resolver.table, set(group.subject_at)
    prior = [i - (0 if i in subjects else OBJECT_PENALTY) for i in group.mentions
             if i < at and not table.in_quote(i) and resolver._visible_from(i, at)]
    prior += [position for position, _ in spoke or ()]
    return max(prior) if prior else None


def _salience(resolver: "Resolver", group: "Group", at: int, last: int | None, content: tuple[int, int] | None,
              spoken: dict, gender: str | None) -> dict[str, float]:
    table, starts = resolver.table, resolver.index.starts
    speakers = spoken["all"]
    one_word = len(group.entity.name.split()) == 1
    unknown = gender is not None and group.gender is None
    # a place NER took for a person neither speaks nor bears a title ("Justice Scalia")
    surely_person = group.entity.key in spoken or bool(group.words & resolver.lexicon.titles)
    outside = [i for i in group.mentions if i < at and not table.in_quote(i)]
    here = _paragraph(resolver, at)
    seen_in = _paragraph(resolver, max(0, last)) if last is not None else -1
    return {
        "recency": -(at - last) / 100 if last is not None else -10.0,
        "gender_unknown": float(unknown and not one_word),
        "gender_unknown_one_word": float(unknown and one_word and not surely_person),
        # a lone first name of the other gender ("Jason" for "she"); a soft cue, not a constraint,
        # for a surname alone can be a first name too ("Clinton")
        "first_name_disagrees": float(unknown and one_word and first_name_gender(group.entity.name) not in (None, gender)),
        "same_paragraph": float(seen_in == here),
        "log_mentions": math.log1p(len(outside)),
        "last_speaker": float(bool(speakers) and speakers[-1][1].key == group.entity.key),
        "named_in_quote": float(content is not None and any(content[0] <= starts[i] < content[1] for i in group.mentions)),
    }


@dataclass(frozen=True)
class _Described:
    """What the features of a description read from the mention itself, read once per mention."""

    lemma: str  # of the head: "agency"
    words: frozenset[str]  # its content words' lemmas
    definite: bool  # "the agency"
    nominal: str | None  # the type its head noun names (quotes/data/nominals.tsv)
    common_noun: bool  # a singular common noun head ("the lanky professor")
    titles: frozenset[str]  # the lexicon's titles ("senator")
    places: frozenset[str]  # the places that modify a definite head: "florida" in "the Florida senator"

    @classmethod
    def of(cls, resolver: "Resolver", mention: Span) -> "_Described":
        head = mention.root
        lemma = head.lemma_.lower()
        definite = any(t.lower_ == "the" and t.dep_ == "det" for t in head.children)
        places = frozenset(t.lemma_.lower() for t in head.lefts if t.ent_type_ in PLACE_TYPES) if definite else frozenset()
        return cls(lemma, frozenset(t.lemma_.lower() for t in mention if t.is_alpha and not t.is_stop), definite,
                   resolver.lexicon.nominals.get(lemma), head.tag_ == "NN", resolver.lexicon.titles, places)


def _description(described: _Described, group: "Group", at: int, last: int | None) -> dict[str, float]:
    """How a description fits an entity: its head among the entity's titles and appositions or in
    its name, its other words too; or, failing that, the latest organisation for a definite
    organisation noun ("the agency") and the latest person for another definite noun ("the
    lanky professor")."""
    lemma, nominal = described.lemma, described.nominal
    names = {w.lower() for w in group.entity.name.split()}
    # the head of one of its descriptions, a title it bears, or a word of its name: "official"
    # in "China's official Xinhua News Agency" is no head
    matches = lemma in group.heads or lemma in names or (lemma in group.words and lemma in described.titles)
    # "the Florida senator" is no senator the article never tied to Florida (a Vermont senator)
    matches = matches and described.places <= group.words | names
    prior = [i for i in group.mentions if i < at]
    fallback = described.definite and last is not None and (
        (nominal == "ORG" and group.entity.type == "ORG")
        or (nominal is None and described.common_noun and group.entity.type == "PERSON"))
    return {
        "head_matches": float(matches),
        "word_overlap": float(len(described.words & group.words)) if matches else 0.0,
        "mentioned_before": float(bool(prior)) if matches else 0.0,
        "order": (max(prior) if prior else -min(group.mentions, default=0)) / 1000 if matches else 0.0,
        "definite_fallback": float(fallback and not matches),
        "unmatched": float(not matches and not fallback),
    }


def _indefinite(mention: Span) -> bool:
    return any(t.lower_ in ("a", "an", "another", "one") for t in mention)


def _wanted_type(resolver: "Resolver", mention: Span, kind: str) -> set[str] | None:
    if kind == "he_she":
        return {"PERSON"}
    if kind == "it":
        return {"ORG"}
    if kind == "they":
        return {"ORG"}  # a body, or a group no entity holds (number agrees: one person is "he" or "she")
    nominal = resolver.lexicon.nominals.get(mention.root.lemma_.lower())
    if nominal == "PERSON" and mention.root.tag_ == "NNS":
        return set()  # number agrees: "law enforcement officials" are no one named person
    return {nominal} if nominal in ("PERSON", "ORG") else None


def _paragraph(resolver: "Resolver", token_i: int) -> int:
    """The number of the paragraph (line) holding token ``token_i``."""
    return bisect.bisect_right(resolver.paragraph_starts, resolver.index.starts[token_i]) - 1


class Ranker:
    """A linear model per kind of mention, with a calibration of its winning share."""

    def __init__(self, weights: dict[str, dict[str, float]], calibration: dict[str, list[list[float]]] | None = None):
        self.weights = weights
        self.calibration = calibration or {}

    @classmethod
    def load(cls) -> "Ranker":
        """The ranker in use: the shipped weights and calibration, unless :func:`use` set another."""
        return _in_use or _load()

    def score(self, kind: str, features: dict[str, float]) -> float:
        w = self.weights.get(kind, {})
        return sum(w.get(name, 0.0) * value for name, value in features.items())

    def rank(self, kind: str, options: list[Choice]) -> tuple[Choice, float]:
        """The best choice and the share of the softmax over the options' scores it takes."""
        scores = [self.score(kind, c.features) for c in options]
        top = max(range(len(options)), key=lambda k: (scores[k], -k))
        peak = scores[top]
        share = 1.0 / sum(math.exp(s - peak) for s in scores)
        return options[top], share

    def calibrated(self, route: str, share: float) -> float:
        """The accuracy the calibration table of ``route`` gives at ``share`` (a step table of
        (upper share, accuracy), rising); a route the table lacks takes the ``other`` table."""
        table = self.calibration.get(route) or self.calibration.get("other")
        if not table:
            return share
        for upper, accuracy in table:
            if share <= upper:
                return accuracy
        return table[-1][1]


_in_use: Ranker | None = None


def use(ranker: Ranker | None) -> None:
    """Rank with ``ranker`` instead of the shipped weights (None: back to them), as
    ``scripts/train_resolver.py`` does to calibrate weights it has just chosen."""
    global _in_use
    _in_use = ranker


@lru_cache(maxsize=1)
def _load() -> Ranker:
    data = json.loads(resources.files("quotes.data").joinpath(WEIGHTS_RESOURCE).read_text("utf-8"))
    return Ranker(data["weights"], data.get("calibration"))
