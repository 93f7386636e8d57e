"""One extraction run: inputs in, quotes out to JSON lines and/or a SQLite database.

This is what ``quotes extract`` does, for use from Python too. It is one stream: read inputs ->
skip documents already stored -> extract (in this process, in worker processes or on Dask) ->
one writer (the database and/or the JSON lines). Nothing in the input stops it: an input that
cannot be read and a document that fails in any stage are counted, told to the
:class:`Reporter` and, with a database, recorded in its ``errors`` table; the rest goes on.

>>> from quotes.run import extract_to
>>> counts = extract_to(["fixtures/articles"], db="quotes.db", jsonl="quotes.jsonl")  # doctest: +SKIP
>>> counts.read, counts.statuses, counts.quotes, counts.errors                        # doctest: +SKIP
(4, {'added': 4}, 22, 0)
>>> extract_to(["fixtures/articles"], db="quotes.db").statuses                        # doctest: +SKIP
{'unchanged': 4}

A first Ctrl-C (SIGINT, in the main thread) stops reading input: the documents already read are
extracted and stored, and the run returns with ``counts.interrupted`` set. A second one aborts at
once (the batch in flight is rolled back) and returns likewise.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from quotes.readers import InputError, read_inputs
from quotes.records import Article, Document, DocumentError

if TYPE_CHECKING:
    from quotes import Extractor
    from quotes.store import Store

log = logging.getLogger(__name__)


@dataclass
class Counts:
    """What one run did.

    ``statuses`` counts the documents finished by how: ``added`` or ``updated`` in the database,
    ``unchanged`` (already stored, skipped before extraction) or ``written`` (JSON lines only).
    ``quotes`` and ``speakers`` (distinct resolved names) are what this run extracted.
    """

    read: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    quotes: int = 0
    speakers: set[str] = field(default_factory=set)
    interrupted: bool = False

    @property
    def done(self) -> int:
        """Documents finished: written, stored or found unchanged."""
        return sum(self.statuses.values())


class Reporter:
    """What a run tells as it goes. This one logs notes and errors (logger ``quotes.run``);
    ``quotes extract`` prints them, with a progress bar and a closing summary."""

    def started(self) -> None:
        """Documents are about to flow (inputs and outputs are open)."""

    def note(self, message: str) -> None:
        """Worth knowing, not an error (files of unsupported types skipped in a folder)."""
        log.info("%s", message)

    def error(self, origin: str | None, message: str, error: DocumentError | None) -> None:
        """An input that cannot be read (``error`` is None), a document that failed (``error``
        says in which stage, and whether bad data or a bug), or a whole Dask partition that
        failed (``origin`` is None: the message names where)."""
        log.warning("%s", f"{origin}: {message}" if origin else message)

    def progress(self) -> None:
        """One more document finished, or failed once read."""

    def stopping(self) -> None:
        """The first Ctrl-C: the run stops reading input and finishes the current batch."""
        log.warning("interrupt: finishing the current batch")

    def aborted(self) -> None:
        """The second Ctrl-C: the run stops at once; the batch in flight is rolled back."""
        log.warning("aborted")

    def ended(self) -> None:
        """Documents stopped flowing (called once, also when the run fails)."""

    def finished(self, counts: Counts, database: dict[str, int] | None) -> None:
        """The run is over: what it did, and the database's row counts after it (with a database)."""


@functools.lru_cache(maxsize=4)
def _cached_extractor(model: str | None, cues: str | None) -> Extractor:
    from quotes import Extractor

    return Extractor(model=model, cues=cues) if model else Extractor(cues=cues)


def load_extractor(model: str | None = None, cues: str | os.PathLike[str] | None = None) -> Extractor:
    """The extractor for ``model`` with the cue list ``cues``, loaded once per process (loading
    costs seconds). Raises OSError for a model spaCy cannot find, ValueError for a bad cue list."""
    return _cached_extractor(model or None, str(cues) if cues else None)


def extract_to(
    inputs: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    jsonl: str | os.PathLike[str] | IO[str] | None = None,
    batch_size: int = 32,
    n_process: int = 1,
    model: str | None = None,
    cues: str | os.PathLike[str] | None = None,
    dask: str | None = None,
    force: bool = False,
    extractor: Extractor | None = None,
    reporter: Reporter | None = None,
    aliases: str | os.PathLike[str] | None = None,
) -> Counts:
    """Extract the quotes of ``inputs`` into ``db`` and/or ``jsonl``; returns what was done.

    ``inputs`` are paths as ``quotes extract`` takes them (.txt, .jsonl, .html/.htm, folders,
    ``"-"`` for standard input). ``db``: a SQLite database, created if missing; documents whose
    id, text and metadata are stored already are skipped unless ``force``. ``jsonl``: a file to
    write one JSON line per extracted document to (``"-"``: standard output), or an open text
    stream. ``batch_size`` documents go to spaCy and into one database transaction at a time.

    The extractor is ``extractor``, or ``load_extractor(model, cues)`` (``cues``: a TSV of
    ``lemma<TAB>role`` replacing the bundled cue list); ``n_process`` worker processes share
    the work. With ``dask`` (a scheduler address, or ``"local:N"`` for a local cluster of N
    workers) the cluster extracts, each worker loading ``model``. ``aliases``: a TSV of
    ``name<TAB>canonical name[<TAB>type]`` the database applies to speaker identity, replacing the
    aliases it kept (see ``quotes.store.Store``).
    """
    if not jsonl and not db:
        raise ValueError("say where the quotes go: jsonl and/or db")
    if dask and (n_process > 1 or extractor is not None):
        raise ValueError("with dask the cluster's workers extract: n_process and extractor do not apply")
    if extractor is not None and (model or cues):
        raise ValueError("model and cues are for loading an extractor: give them or an extractor, not both")
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if not dask and extractor is None:
        extractor = load_extractor(model, cues)
    run = _Run(extractor, reporter or Reporter(), batch_size=batch_size, n_process=n_process, model=model,
               cues=str(cues) if cues else None, dask=dask, force=force, aliases=aliases)
    return run.execute([str(path) for path in inputs], db, jsonl)


class StopRequest:
    """Turns the first SIGINT into a request to stop after the current batch.

    The second SIGINT raises KeyboardInterrupt as usual. Worker processes forked by spaCy
    inherit the handler; it ignores the signal there so only the main process decides.
    """

    def __init__(self, on_request: Callable[[], None] = lambda: None) -> None:
        self.requested = False
        self._on_request = on_request
        self._pid = os.getpid()
        self._previous: Any = None

    def __enter__(self) -> StopRequest:
        try:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: leave Ctrl-C as it is
            self._previous = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: object) -> None:
        if os.getpid() != self._pid:
            return
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self._on_request()


class _Run:
    """One run: a single stream from the readers to a single writer."""

    def __init__(self, extractor: Extractor | None, reporter: Reporter, *, batch_size: int, n_process: int,
                 model: str | None, cues: str | None, dask: str | None, force: bool,
                 aliases: str | os.PathLike[str] | None = None) -> None:
        self.extractor = extractor
        self.cues = cues
        self.reporter = reporter
        self.batch_size = batch_size
        self.n_process = n_process
        self.model = model
        self.dask = dask
        self.force = force
        self.aliases = aliases
        self.counts = Counts()
        self._pending_errors: list[tuple[str, str, DocumentError | None]] = []
        self._ended = False

    def execute(self, inputs: list[str], db: str | os.PathLike[str] | None,
                jsonl: str | os.PathLike[str] | IO[str] | None) -> Counts:
        with ExitStack() as stack:
            store = _open_store(db, stack, self.aliases) if db else None
            out = _open_output(jsonl, stack) if jsonl else None
            self.reporter.started()
            stack.callback(self._end)
            stop = stack.enter_context(StopRequest(self.reporter.stopping))
            self._stream(inputs, store, out, stop)
            self.counts.interrupted = self.counts.interrupted or stop.requested
            self._end()
            self.reporter.finished(self.counts, store.summary() if store is not None else None)
        return self.counts

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            self.reporter.ended()

    def _stream(self, inputs: list[str], store: Store | None, out: IO[str] | None, stop: StopRequest) -> None:
        try:
            self._write(self._articles(self._documents(inputs, store, stop)), store, out)
        except KeyboardInterrupt:
            # Second Ctrl-C: the batch in flight is rolled back by the store's transaction.
            self.counts.interrupted = True
            self.reporter.aborted()
        except self._cluster_errors() as exc:
            # A lost worker or a model that does not load: what was stored stays stored.
            origin = getattr(exc, "first_origin", None) or (self.dask or "dask")
            self.counts.errors += 1
            self._pending_errors.append((origin, str(exc), None))
            self.reporter.error(None, str(exc), None)
        finally:
            self._flush_errors(store)

    # The stream, from first stage to last.

    def _documents(self, inputs: list[str], store: Store | None, stop: StopRequest) -> Iterator[Document]:
        """Readable documents that need extraction; errors and unchanged documents stop here."""
        for item in read_inputs(inputs, on_skip=self.reporter.note):
            if stop.requested:
                return
            if isinstance(item, InputError):
                self.counts.errors += 1
                self._pending_errors.append((item.origin, item.message, None))
                self.reporter.error(item.origin, item.message, None)
                continue
            self.counts.read += 1
            if store is not None and not self.force and store.is_current(item):
                self._count("unchanged")
                continue
            yield item

    def _articles(self, documents: Iterator[Document]) -> Iterator[Article | DocumentError]:
        if self.extractor is None:
            from quotes.distributed import extract_on_dask

            return extract_on_dask(documents, self.dask, batch_size=self.batch_size, model=self.model, cues=self.cues)
        return self.extractor.pipe(documents, batch_size=self.batch_size, n_process=self.n_process, on_error="yield")

    def _write(self, extracted: Iterator[Article | DocumentError], store: Store | None, out: IO[str] | None) -> None:
        articles = self._report_failures(extracted)
        results: Iterable[tuple[Article, str]]
        if store is not None:
            results = store.add_many(articles, batch_size=self.batch_size,
                                     on_error=functools.partial(self._document_failed, recorded=True))
        else:
            results = ((article, "written") for article in articles)
        for article, status in results:
            if status == "failed":
                continue
            if out is not None:
                out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
            self.counts.quotes += len(article.quotes)
            self.counts.speakers.update(q.speaker for q in article.quotes if q.speaker)
            self._count(status)
            # add_many yields only after a batch committed, so this write is not nested in it.
            self._flush_errors(store)
        if out is not None:
            out.flush()

    def _cluster_errors(self) -> tuple[type[BaseException], ...]:
        if not self.dask:
            return ()
        from quotes.distributed import PartitionError

        return (PartitionError,)

    # What went wrong, and how far it got.

    def _report_failures(self, extracted: Iterator[Article | DocumentError]) -> Iterator[Article]:
        for result in extracted:
            if isinstance(result, DocumentError):
                self._document_failed(result)
            else:
                yield result

    def _document_failed(self, error: DocumentError, recorded: bool = False) -> None:
        """One document could not be extracted or stored: count it, tell it, and go on."""
        self.counts.errors += 1
        self.reporter.progress()
        message = f"{error.stage} failed: {error.error_type}: {error.message}"
        if not recorded:
            self._pending_errors.append((error.origin, message, error))
        self.reporter.error(error.origin, message, error)

    def _count(self, status: str) -> None:
        self.counts.statuses[status] = self.counts.statuses.get(status, 0) + 1
        self.reporter.progress()

    def _flush_errors(self, store: Store | None) -> None:
        if store is not None:
            for origin, message, error in self._pending_errors:
                store.record_error(origin, message, error)
        self._pending_errors.clear()


def _open_store(path: str | os.PathLike[str], stack: ExitStack,
                aliases: str | os.PathLike[str] | None = None) -> Store:
    from quotes.store import Store

    store = Store(path, aliases=aliases)
    stack.callback(store.close)
    return store


def _open_output(target: str | os.PathLike[str] | IO[str], stack: ExitStack) -> IO[str]:
    if not isinstance(target, (str, os.PathLike)):
        return target  # an open stream: the caller closes it
    if str(target) == "-":
        import click

        return click.get_text_stream("stdout", encoding="utf-8")
    return stack.enter_context(open(Path(target), "w", encoding="utf-8", newline="\n"))
