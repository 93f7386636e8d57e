"""Turn attributions into :class:`~quotes.records.Quote` records: resolved names and source chains.

A source chain runs from the outermost conduit to the speaker:
"Reuters quoted X as telling Y" -> [Reuters, X]; "X told the BBC" -> [BBC, X];
"according to a report in The Times, X said" -> [The Times, X]; a quote reported inside another
attribution's content ("the ministry said X told Y that…") -> [ministry, X].
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from .attribution import Attribution
from .lexicon import Lexicon
from .records import Link, Quote
from .resolution import Registry, Resolved
from .text import normalize_name

# Pronoun objects ("told him") that found no antecedent say nothing about whom the words were for.
UNRESOLVED_PRONOUNS = {"him", "her", "them", "us", "me", "you", "it"}


def build_quotes(doc: Doc, attributions: list[Attribution], registry: Registry, lexicon: Lexicon,
                 publisher: str | None = None) -> list[Quote]:
    text = registry.index.text
    resolved_of: dict[int, Resolved | None] = {}
    quotes: list[Quote] = []
    for att in sorted(attributions, key=_order):
        at = att.speaker.start if att.speaker is not None else _token_at(doc, att.start)
        addressee = registry.resolve_addressee(att.addressee, at) if att.addressee is not None else None
        if addressee is not None and addressee.name.lower() in UNRESOLVED_PRONOUNS:
            addressee = None
        if att.parent is not None and id(att.parent) in resolved_of:
            speaker = resolved_of[id(att.parent)]
        else:
            exclude = {addressee.name} if addressee else set()
            speaker = registry.resolve(att.speaker, at, exclude)
        resolved_of[id(att)] = speaker
        if speaker is not None and speaker.type in ("PERSON", "ORG"):
            registry.note_speaker(at, speaker)
        chain = _chain(att, speaker, addressee, registry, lexicon, publisher, at)
        cue = _cue_text(att.cue)
        quotes.append(Quote(
            start=att.start, end=att.end, text=text[att.start:att.end], kind=att.kind,
            cue=cue,
            cue_start=att.cue.start_char if att.cue is not None else None,
            cue_end=att.cue.end_char if att.cue is not None else None,
            speaker=normalize_name(speaker.name) if speaker else None,
            speaker_mention=normalize_name(att.speaker.text) if att.speaker is not None else None,
            speaker_type=speaker.type if speaker else None,
            speaker_start=att.speaker.start_char if att.speaker is not None else None,
            speaker_end=att.speaker.end_char if att.speaker is not None else None,
            addressee=normalize_name(addressee.name) if addressee else None,
            addressee_type=addressee.type if addressee else None,
            chain=chain,
        ))
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def _order(att: Attribution) -> int:
    # resolve in reading order of the speaker mention (or the content) so "he" finds who came before
    return att.speaker.start_char if att.speaker is not None else att.start


def _token_at(doc: Doc, char: int) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else 0


def _chain(att: Attribution, speaker: Resolved | None, addressee: Resolved | None, registry: Registry,
           lexicon: Lexicon, publisher: str | None, at: int) -> list[Link]:
    if speaker is None:
        return []
    links: list[Link] = []
    conduit = registry.resolve(att.conduit, at) if att.conduit is not None else None
    if conduit is None and addressee is not None and lexicon.is_outlet(addressee.name):
        if not publisher or not _same_outlet(publisher, addressee.name):
            conduit = addressee
    if conduit is not None and conduit.name != speaker.name:
        cue = _cue_text(att.conduit_cue) or _cue_text(att.cue)
        links.append(Link(normalize_name(conduit.name), conduit.type or "ORG", "conduit", cue))
    links.append(Link(normalize_name(speaker.name), speaker.type, "speaker", _cue_text(att.cue)))
    return links


def _cue_text(cue: Span | None) -> str | None:
    # lower case, so that "According to" at a sentence start and "according to" are one cue
    return normalize_name(cue.text.lower()) if cue is not None else None


def _same_outlet(publisher: str, name: str) -> bool:
    a, b = publisher.lower().removeprefix("the "), name.lower().removeprefix("the ")
    return a in b or b in a
