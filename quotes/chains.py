"""Source chains, then the :class:`~quotes.records.Quote` records of a document.

A source chain runs from the outermost conduit to the speaker:
"Reuters quoted X as telling Y" -> [Reuters, X]; "X told the BBC" -> [BBC, X];
"according to a report in The Times, X said" -> [The Times, X]. The article's own publisher is
never a conduit of its own quotes.

Input: resolved attributions (:mod:`quotes.resolution`), with the name table they were resolved
against. Output: one ``Quote`` per attribution, whose speaker, addressee and chain links refer
to the table's entities by key and carry their final names.
"""
from __future__ import annotations

from spacy.tokens import Span

from .lexicon import Lexicon
from .names import NameTable
from .records import Entity, Link, Quote
from .resolution import Resolved, ResolvedAttribution
from .text import normalize_name


def build_chain(resolved: ResolvedAttribution, lexicon: Lexicon, publisher: str | None) -> list[tuple[Resolved, str, str | None]]:
    """(who, role, cue) from the outermost conduit to the speaker; empty without a speaker."""
    att, speaker, addressee = resolved.attribution, resolved.speaker, resolved.addressee
    if speaker is None:
        return []
    links: list[tuple[Resolved, str, str | None]] = []
    conduit = resolved.conduit
    if conduit is None and addressee is not None and lexicon.is_outlet(addressee.name):
        if not publisher or not _same_outlet(publisher, addressee.name):
            conduit = addressee
    if conduit is not None and conduit.name != speaker.name:
        links.append((conduit, "conduit", _cue_text(att.conduit_cue) or _cue_text(att.cue)))
    links.append((speaker, "speaker", _cue_text(att.cue)))
    return links


def build_quotes(resolved: list[ResolvedAttribution], table: NameTable, lexicon: Lexicon,
                 publisher: str | None = None) -> tuple[list[Quote], list[Entity]]:
    """The quotes of a document, in text order, and the entities they name.

    Two entries of the name table with one name and type (the table did not join them) are one
    entity of the article: the record keeps the first one's key and every description of both.
    """
    text = table.index.text
    first: dict[tuple[str, str | None], Entity] = {}
    canonical = {e.key: first.setdefault((e.name, e.type), e).key for e in table.entities()}
    quotes = [_quote(r, build_chain(r, lexicon, publisher), table, text, canonical) for r in resolved]
    quotes.sort(key=lambda q: (q.start, q.end))
    used = {q.speaker_key for q in quotes} | {q.addressee_key for q in quotes} | {l.key for q in quotes for l in q.chain}
    entities: dict[str, Entity] = {}
    for entity in table.entities():
        key = canonical[entity.key]
        if key in used:
            pooled = entities.setdefault(key, Entity(normalize_name(entity.name), entity.type, [], key))
            pooled.descriptions += [d for d in map(normalize_name, entity.descriptions)
                                    if d and d not in pooled.descriptions]
    return quotes, list(entities.values())


def _quote(resolved: ResolvedAttribution, chain: list[tuple[Resolved, str, str | None]], table: NameTable,
           text: str, canonical: dict[str, str]) -> Quote:
    att, speaker, addressee = resolved.attribution, resolved.speaker, resolved.addressee
    key = canonical.get
    return Quote(
        start=att.start, end=att.end, text=text[att.start:att.end], kind=att.kind,
        cue=_cue_text(att.cue),
        cue_start=att.cue.start_char if att.cue is not None else None,
        cue_end=att.cue.end_char if att.cue is not None else None,
        speaker=_name(speaker, table),
        speaker_mention=normalize_name(att.speaker.text) if att.speaker is not None else None,
        speaker_type=speaker.type if speaker else None,
        speaker_start=att.speaker.start_char if att.speaker is not None else None,
        speaker_end=att.speaker.end_char if att.speaker is not None else None,
        addressee=_name(addressee, table),
        addressee_type=addressee.type if addressee else None,
        chain=[Link(_name(who, table), who.type or ("ORG" if role == "conduit" else None), role, cue, key(who.key))
               for who, role, cue in chain],
        speaker_key=key(speaker.key) if speaker else None,
        addressee_key=key(addressee.key) if addressee else None,
    )


def _name(resolved: Resolved | None, table: NameTable) -> str | None:
    """The resolved name as stored: the entity's final name when it is one of the table's."""
    if resolved is None:
        return None
    entity = table.entity(resolved.key) if resolved.key else None
    return normalize_name(entity.name if entity is not None else resolved.name)


def _cue_text(cue: Span | None) -> str | None:
    # lower case, so that "According to" at a sentence start and "according to" are one cue
    return normalize_name(cue.text.lower()) if cue is not None else None


def _same_outlet(publisher: str, name: str) -> bool:
    a, b = publisher.lower().removeprefix("the "), name.lower().removeprefix("the ")
    return a in b or b in a
