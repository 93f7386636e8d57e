"""Source chains, then the :class:`~quotes.records.Quote` records of a document.

A source chain runs from the outermost conduit to the speaker: "Reuters quoted X as telling Y"
-> [Reuters, X]; "X told the BBC" -> [BBC, X]; "The Herald reported that Okafor said …" ->
[The Herald, Okafor]; "“…,” Grayson said, according to Frankel" -> [Frankel, Grayson]. Its links
are the attribution's relays (:mod:`quotes.attribution.relays`) as resolved, then the speaker:

* a relay that needs an outlet ("wrote in X", "said on X") is a link only when X is one
  (:mod:`quotes.outlets`, or what the article says of it in :mod:`quotes.names`);
* the article's own publisher, and a journalist named with it, is never a link: words said to
  it ("told The Herald" in The Herald) make it the addressee instead;
* an outlet spoken to ("told CNN", "in an interview with Univision") is a link and the addressee;
* a link that repeats the one before it, or the speaker, is left out, and an outlet named again
  more closely ("Bloomberg" then "Bloomberg Politics") is one link;
* an unnamed spokesperson or office ("a Freedom Mobile spokesperson", "her office") stays the
  quote's speaker, as the article gives it, and the chain ends with whom they speak for.

Input: resolved attributions (:mod:`quotes.resolution`), with the name table they were resolved
against. Output: one ``Quote`` per attribution, whose speaker, addressee and chain links refer
to the table's entities by key and carry their final names and the words that name them.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from .attribution import Relay
from .names import NameTable, described_as_outlet
from .outlets import Outlets
from .records import Entity, Link, Quote
from .resolution import Resolved, ResolvedAttribution
from .text import normalize_name

# Words that name no one on their own: what the parser sometimes leaves as a relay.
NO_NAME = {"the", "a", "an", "he", "she", "it", "they", "him", "her", "them", "who", "which", "that", "this",
           "these", "those", "i", "we", "you", "me", "us", "one"}


@dataclass
class _Link:
    who: Resolved
    name: str  # as stored: the entity's final name, an outlet's known name
    role: str  # "conduit" | "speaker"
    cue: str | None
    mention: Span | None


def build_chain(resolved: ResolvedAttribution, table: NameTable,
                outlets: Outlets) -> tuple[list[_Link], Resolved | None, str | None]:
    """The links from the outermost conduit to the speaker, the addressee (an outlet or
    journalist spoken to may be it) and its name as stored; no links without a speaker."""
    att, speaker, addressee = resolved.attribution, resolved.speaker, resolved.addressee
    addressee_name = _name(addressee, table, outlets)
    if speaker is None:
        return [], addressee, addressee_name
    links: list[_Link] = []
    for relay, who in zip(att.relays, resolved.relays):
        if who is None or not _names_someone(who.name):
            continue
        publisher = outlets.is_publisher(who.name) or _employed_by_publisher(relay, outlets)
        outlet = _is_outlet(who, relay, table, outlets)
        if relay.addressed and addressee is None and (outlet or who.type == "PERSON" or publisher):
            addressee = who  # "in an interview with Univision", "an email to POLITICO"
            addressee_name = _outlet_name(who, relay.mention, table, outlets) if outlet else _name(who, table, outlets)
        if publisher or (relay.media and not outlet):
            continue
        if relay.addressed and who.type == "PERSON" and not outlet:
            continue  # "in an interview with Ann Lee": she is spoken to, and relays nothing
        links.append(_Link(who, _outlet_name(who, relay.mention, table, outlets), "conduit", relay.cue, relay.mention))
    told = addressee is not None and addressee is resolved.addressee
    if told and _is_outlet(addressee, None, table, outlets) and not outlets.is_publisher(addressee.name):
        addressee_name = _outlet_name(addressee, att.addressee, table, outlets)  # "The Post and Courier"
        links.append(_Link(addressee, addressee_name, "conduit", _cue_text(att.cue), att.addressee))  # "told CNN"
    # an unnamed spokesperson stays the speaker; the chain ends with whom they speak for
    last = resolved.principal or speaker
    links.append(_Link(last, _name(last, table, outlets), "speaker", _cue_text(att.cue), att.speaker))
    return _without_repeats(links), addressee, addressee_name


def _names_someone(name: str) -> bool:
    return any(c.isalpha() for c in name) and name.lower() not in NO_NAME


def _employed_by_publisher(relay: Relay, outlets: Outlets) -> bool:
    """A journalist of the article's own publisher: "The Washington Post's Robert Costa", "Post
    White House bureau chief Juliet Eilperin" in The Washington Post."""
    if relay.employer is not None:
        return outlets.is_publisher(relay.employer.text)
    titled = [t for t in relay.mention if t.lemma_.lower() in outlets.lexicon.media["role"]]
    return bool(titled) and any(t.is_title and outlets.is_publisher(t.text) for t in relay.mention[: titled[0].i - relay.mention.start])


def _is_outlet(who: Resolved, relay: Relay | None, table: NameTable, outlets: Outlets) -> bool:
    """Whether ``who`` is a news organisation: by its name, by what the article says of it, or,
    for an organisation given an interview or a statement, by that."""
    if outlets.known(who.name) or (who.key is not None and who.key in table.outlet_keys):
        return True
    if relay is not None and described_as_outlet(relay.mention, outlets.lexicon):
        return True
    return relay is not None and relay.addressed and who.type == "ORG"


def _outlet_name(who: Resolved, mention: Span, table: NameTable, outlets: Outlets) -> str:
    """An outlet's name in full when the entity found is part of it: "The Post and Courier",
    where the model saw "Post" and "Courier"."""
    name = _name(who, table, outlets)
    written = normalize_name(mention.text).removeprefix("the ").removeprefix("The ")
    if name in written and len(written) > len(name) and outlets.known(written):
        return outlets.name_of(written)
    return name


def _without_repeats(links: list[_Link]) -> list[_Link]:
    speaker = links[-1].name
    out: list[_Link] = []
    for link in links:
        if link.role == "conduit" and link.name == speaker:
            continue
        if out and out[-1].name == link.name:
            out[-1] = link if link.role == "speaker" else out[-1]
            continue
        if out and out[-1].role == link.role == "conduit" and link.name.startswith(out[-1].name + " "):
            out[-1] = link  # "Bloomberg reported … told Bloomberg Politics": one outlet, named closer
            continue
        out.append(link)
    return out


def build_quotes(resolved: list[ResolvedAttribution], table: NameTable, lexicon,
                 publisher: str | None = None) -> tuple[list[Quote], list[Entity]]:
    """The quotes of a document, in text order, and the entities they name.

    Two entries of the name table with one name and type (the table did not join them) are one
    entity of the article: the record keeps the first one's key and every description of both.
    """
    text = table.index.text
    outlets = Outlets(lexicon, publisher)
    first: dict[tuple[str, str | None], Entity] = {}
    canonical = {e.key: first.setdefault((e.name, e.type), e).key for e in table.entities()}
    quotes = [_quote(r, *build_chain(r, table, outlets), table, text, canonical, outlets) for r in resolved]
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


def _quote(resolved: ResolvedAttribution, chain: list[_Link], addressee: Resolved | None, addressee_name: str | None,
           table: NameTable, text: str, canonical: dict[str, str], outlets: Outlets) -> Quote:
    att, speaker = resolved.attribution, resolved.speaker
    key = canonical.get
    return Quote(
        start=att.start, end=att.end, text=text[att.start:att.end], kind=att.kind,
        cue=_cue_text(att.cue),
        cue_start=att.cue.start_char if att.cue is not None else None,
        cue_end=att.cue.end_char if att.cue is not None else None,
        speaker=_name(speaker, table, outlets),
        speaker_mention=normalize_name(att.speaker.text) if att.speaker is not None else None,
        speaker_type=speaker.type if speaker else None,
        speaker_start=att.speaker.start_char if att.speaker is not None else None,
        speaker_end=att.speaker.end_char if att.speaker is not None else None,
        addressee=addressee_name,
        addressee_type=addressee.type if addressee else None,
        chain=[Link(link.name, link.who.type or ("ORG" if link.role == "conduit" else None), link.role, link.cue,
                    key(link.who.key), normalize_name(link.mention.text) if link.mention is not None else None,
                    link.mention.start_char if link.mention is not None else None,
                    link.mention.end_char if link.mention is not None else None)
               for link in chain],
        speaker_key=key(speaker.key) if speaker else None,
        addressee_key=key(addressee.key) if addressee else None,
        audience=normalize_name(resolved.audience) if resolved.audience else None,
        speaker_confidence=round(resolved.speaker_confidence, 3) if resolved.speaker_confidence is not None else None,
    )


def _name(resolved: Resolved | None, table: NameTable, outlets: Outlets | None = None) -> str | None:
    """The resolved name as stored: the entity's final name when it is one of the table's; an
    outlet under the name it is known by ("HuffPo" -> The Huffington Post)."""
    if resolved is None:
        return None
    entity = table.entity(resolved.key) if resolved.key else None
    name = entity.name if entity is not None else resolved.name
    if outlets is not None and (outlets.known(name) or (resolved.key or "") in table.outlet_keys):
        name = outlets.name_of(name)
    return normalize_name(name)


def _cue_text(cue: Span | None) -> str | None:
    # lower case, so that "According to" at a sentence start and "according to" are one cue
    return normalize_name(cue.text.lower()) if cue is not None else None
