"""What every attribution rule shares: the :class:`Attribution` record, the per-document
:class:`Context` the rules read, and the helpers that turn a stretch of text into content."""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..docindex import DocIndex
from ..layout import RangeSet
from ..lexicon import Lexicon
from ..marks import QuoteIndex, Quoted, trim
from ..speakers import ADJACENT_ROLES, mention

CUE_ROLES = ADJACENT_ROLES | {"directive"}  # every role a cue verb can play
REPORTING_ROLES = frozenset({"speech", "write"})  # cues whose subject reports words: "said", "wrote"
TRIM = " \t\n,;:—–-"
MIN_INDIRECT_WORDS = 3
DASHES = {"--", "—", "–"}
CLAUSE_BREAKS = {":", ";"} | DASHES  # what cuts a clause before the cue off from it


@dataclass
class Context:
    """One parsed document as the rules see it: built once by :func:`quotes.attribution.attribute`
    and passed to every rule, so no rule reaches into the ``Doc`` for hidden state."""

    doc: Doc
    index: DocIndex  # sentences, entities and the text, looked up once
    quotations: QuoteIndex  # the quoted stretches found by :mod:`quotes.marks`
    lexicon: Lexicon
    skipped: RangeSet  # headline and link lines, where nothing is attributed

    @property
    def text(self) -> str:
        return self.index.text

    def quoted_in(self, start: int, end: int, cue: int) -> list[Quoted]:
        """The quotations in content ``start``..``end`` of a cue at character ``cue``; a
        quotation the cue itself stands in is no part of the content but its frame."""
        return [q for q in self.quotations.within(start, end) if not q.outer_start <= cue < q.outer_end]


@dataclass
class Relay:
    """A mention of someone or something the words passed through on their way to the article."""

    mention: Span
    cue: str  # how: "reported", "according to", "told", "in an interview with", "wrote in"
    addressed: bool = False  # spoken to as well: "told CNN", "in an interview with Univision"
    media: bool = False  # a conduit only if it names a news organisation: "wrote in X", "said on X"
    employer: Span | None = None  # the outlet of a journalist: "CNN" in "CNN's Jake Tapper"


@dataclass
class Attribution:
    """Content (character offsets) attributed to a cue and a speaker mention."""

    start: int
    end: int
    kind: str
    cue: Span | None
    speaker: Span | None
    addressee: Span | None = None
    relays: list[Relay] = field(default_factory=list)  # outermost first
    speaker_employer: Span | None = None  # "MSNBC" when the speaker is "MSNBC's Ayman Mohyeldin"
    parent: "Attribution | None" = None  # continued (floating or split) from this attribution
    quoted: list[Quoted] = field(default_factory=list)


def kind_of(text: str, start: int, end: int, inside: list[Quoted]) -> tuple[str, int, int]:
    """direct when the content is all one quotation, mixed when it holds one, else indirect."""
    if not inside:
        return "indirect", start, end - (text[end - 1] == ".")
    first, last = inside[0], inside[-1]
    outside = text[start:first.outer_start] + text[last.outer_end:end]
    if len(inside) == 1 and not any(ch.isalnum() for ch in outside):
        return "direct", first.start, first.end
    start, end = min(start, first.outer_start), max(end, last.outer_end)
    return "mixed", start, end - (text[end - 1] == ".")


def one_report(ctx: Context, verb: Token, speaker_tok: Token | None, start: int, end: int
               ) -> list[Attribution] | None:
    """One attribution of ``start``..``end`` to ``verb``'s speaker, if it is long enough to be a report."""
    text = ctx.text
    start, end = trim_chars(text, start, end)
    if speaker_tok is None or len(text[start:end].split()) < MIN_INDIRECT_WORDS:
        return None
    inside = ctx.quoted_in(start, end, verb.idx)
    kind, start, end = kind_of(text, start, end, inside)
    return [Attribution(start, end, kind, verb.doc[verb.i : verb.i + 1], mention(ctx.index, speaker_tok), quoted=inside)]


def has_mark(clause: Token, *words: str) -> bool:
    """Whether ``clause`` is introduced by one of ``words`` ("that", "if", "as") as its marker."""
    return any(c.dep_ == "mark" and c.lower_ in words for c in clause.children)


def starts_a_report(tok: Token, lexicon: Lexicon) -> bool:
    """A cue that opens the next report ("…, adding that", "…, according to"): content stops there."""
    return (tok.pos_ == "VERB" and lexicon.cue_role(tok.lemma_) in ADJACENT_ROLES) or tok.lower_ == "according"


def trim_chars(text: str, start: int, end: int) -> tuple[int, int]:
    return trim(text, start, end, TRIM)


def end_char(tok: Token) -> int:
    return tok.idx + len(tok.text)
