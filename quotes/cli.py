"""The ``quotes`` command: extract, evaluate, serve and merge.

Heavy modules (spaCy, the extractor, the store, Datasette, Dask) are imported inside the
commands that need them, so ``quotes --help`` answers at once.

``quotes extract`` is one stream: read inputs -> skip documents already stored -> extract
(in this process, in spaCy worker processes or on Dask) -> one writer (SQLite and/or JSON
lines). Progress goes to stderr, results to the files named, so ``--jsonl -`` can be piped.
"""
from __future__ import annotations

import functools
import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

import click

from quotes.readers import InputError, read_inputs
from quotes.records import Article, Document, DocumentError

if TYPE_CHECKING:
    from quotes import Extractor
    from quotes.store import Store

EXIT_INPUT_ERRORS = 1
REPORT_BUGS_TO = "the quotes issue tracker"
EXIT_INTERRUPTED = 130  # the shell's convention for "ended by SIGINT"

# Below this many documents a progress bar only flickers.
PROGRESS_MIN_DOCUMENTS = 20


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Who said what, to whom, and through whom: quotes in English news."""


# --- extract ---------------------------------------------------------------------------------


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--jsonl", "jsonl_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write one JSON line per document ({id, quotes: [...]}); '-' for stdout.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Add the documents and their quotes to this SQLite database (created if missing).")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True,
              help="Documents per spaCy batch and per database transaction.")
@click.option("--n-process", type=click.IntRange(min=1), default=1, show_default=True,
              help="spaCy worker processes.")
@click.option("--model", default=None, help="spaCy pipeline to load (default: the extractor's own).")
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS|local:N",
              help="Extract on a Dask scheduler at ADDRESS, or on a local cluster of N workers.")
@click.option("--force", is_flag=True,
              help="Extract documents again even when the database already holds the same text.")
def extract(
    inputs: tuple[str, ...],
    jsonl_path: str | None,
    db_path: str | None,
    batch_size: int,
    n_process: int,
    model: str | None,
    dask_address: str | None,
    force: bool,
) -> None:
    """Find the quotes in INPUT... and store them.

    INPUT is a .txt file (its name without extension is the id), a .jsonl file with one
    {"id", "text", "title", "url", "publisher", "published"} object a line, an .html/.htm page,
    a folder (searched recursively) or '-' for standard input (JSON lines or one plain text).

    With --db, documents whose id and text are already stored are skipped. Unreadable inputs,
    and documents that fail in any stage of extraction or storage, are reported as
    "error: ORIGIN: MESSAGE" and recorded in the database's errors table; the rest of the batch
    goes on and the exit status is 1. Ctrl-C stops after the current batch
    (exit 130); running the same command again continues where it stopped.
    """
    if not jsonl_path and not db_path:
        raise click.UsageError("say where the quotes go: --jsonl OUT (or '-') and/or --db DB")
    if dask_address and n_process > 1:
        raise click.UsageError("--n-process applies to local extraction; with --dask the cluster's workers do the work")
    run = ExtractRun(batch_size=batch_size, n_process=n_process, model=model, dask_address=dask_address, force=force)
    status = run.execute(inputs, jsonl_path=jsonl_path, db_path=db_path)
    sys.exit(status)


@dataclass
class Counts:
    """What one ``extract`` run did, for the closing summary."""

    read: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    quotes: int = 0
    speakers: set[str] = field(default_factory=set)

    @property
    def done(self) -> int:
        """Documents finished: written, stored or found unchanged."""
        return sum(self.statuses.values())


class StopRequest:
    """Turns the first SIGINT into a request to stop after the current batch.

    The second SIGINT raises KeyboardInterrupt as usual. Worker processes forked by spaCy
    inherit the handler; it ignores the signal there so only the main process decides.
    """

    def __init__(self) -> None:
        self.requested = False
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
        _say("interrupt: finishing the current batch; press Ctrl-C again to abort at once")


class ExtractRun:
    """One ``quotes extract``: a single stream from the readers to a single writer."""

    def __init__(self, batch_size: int = 32, n_process: int = 1, model: str | None = None,
                 dask_address: str | None = None, force: bool = False) -> None:
        self.batch_size = batch_size
        self.n_process = n_process
        self.model = model
        self.dask_address = dask_address
        self.force = force
        self.counts = Counts()
        self._pending_errors: list[tuple[str, str, DocumentError | None]] = []
        self.db_path: str | None = None
        self._progress: Any = None

    def execute(self, inputs: Iterable[str], jsonl_path: str | None, db_path: str | None) -> int:
        """Run and print the summary; returns the exit status."""
        interrupted = False
        self.db_path = db_path
        extractor = None if self.dask_address else _load_or_fail(self.model)
        with ExitStack() as stack:
            store = None
            if db_path:
                from quotes.store import Store

                store = Store(db_path)
                stack.callback(store.close)
            out = _open_output(jsonl_path, stack) if jsonl_path else None
            self._progress = self._progress_bar()
            stack.callback(self._progress.close)
            stop = stack.enter_context(StopRequest())
            try:
                self._write(self._articles(self._documents(inputs, store, stop), extractor), store, out)
            except KeyboardInterrupt:
                # Second Ctrl-C: the batch in flight is rolled back by the store's transaction.
                interrupted = True
                _say("aborted")
            except self._cluster_errors() as exc:
                # A lost worker or a model that does not load: what was stored stays stored.
                origin = getattr(exc, "first_origin", None) or (self.dask_address or "dask")
                self.counts.errors += 1
                self._pending_errors.append((origin, str(exc), None))
                self._echo(f"error: {exc}")
            finally:
                self._flush_errors(store)
            interrupted = interrupted or stop.requested
            self._progress.close()
            self._summarize(store, interrupted)
        if interrupted:
            return EXIT_INTERRUPTED
        return EXIT_INPUT_ERRORS if self.counts.errors else 0

    # The stream, from first stage to last.

    def _documents(self, inputs: Iterable[str], store: Store | None, stop: StopRequest) -> Iterator[Document]:
        """Readable documents that need extraction; errors and unchanged documents stop here."""
        for item in read_inputs(list(inputs), on_skip=self._note):
            if stop.requested:
                return
            if isinstance(item, InputError):
                self.counts.errors += 1
                self._pending_errors.append((item.origin, item.message, None))
                self._echo(f"error: {item.origin}: {item.message}")
                continue
            self.counts.read += 1
            if store is not None and not self.force and store.is_current(item):
                self._count("unchanged")
                continue
            yield item

    def _articles(self, documents: Iterator[Document], extractor: Extractor | None) -> Iterator[Article]:
        if extractor is None:
            from quotes.distributed import extract_on_dask

            return extract_on_dask(documents, self.dask_address, batch_size=self.batch_size, model=self.model)
        return extractor.pipe(documents, batch_size=self.batch_size, n_process=self.n_process, on_error="yield")

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
        if not self.dask_address:
            return ()
        from quotes.distributed import PartitionError

        return (PartitionError,)

    # Reporting.

    def _report_failures(self, extracted: Iterator[Article | DocumentError]) -> Iterator[Article]:
        for result in extracted:
            if isinstance(result, DocumentError):
                self._document_failed(result)
            else:
                yield result

    def _document_failed(self, error: DocumentError, recorded: bool = False) -> None:
        """One document could not be extracted or stored: say so in one line and go on."""
        self.counts.errors += 1
        self._progress.update(1)
        message = f"{error.stage} failed: {error.error_type}: {error.message}"
        if not recorded:
            self._pending_errors.append((error.origin, message, error))
        if error.data_error:
            self._echo(f"error: {error.origin}: {message}")
        else:
            where = "its traceback is in the errors table" if self.db_path else "run with --db to keep its traceback"
            self._echo(f"error: {error.origin}: {message} (a bug in quotes: please report it to {REPORT_BUGS_TO} "
                       f"with this document; {where})")

    def _count(self, status: str) -> None:
        self.counts.statuses[status] = self.counts.statuses.get(status, 0) + 1
        self._progress.update(1)

    def _flush_errors(self, store: Store | None) -> None:
        if store is not None:
            for origin, message, error in self._pending_errors:
                store.record_error(origin, message, error)
        self._pending_errors.clear()

    def _progress_bar(self) -> Any:
        from tqdm import tqdm

        return tqdm(unit="doc", file=sys.stderr, disable=not sys.stderr.isatty(), dynamic_ncols=True,
                    delay=1.0, desc="extracting")

    def _echo(self, message: str) -> None:
        from tqdm import tqdm

        tqdm.write(message, file=sys.stderr)

    def _note(self, message: str) -> None:
        self._echo(f"note: {message}")

    def _summarize(self, store: Store | None, interrupted: bool) -> None:
        c = self.counts
        order = ["added", "updated", "unchanged", "written"]
        parts = [f"{c.statuses[s]} {s}" for s in order + sorted(set(c.statuses) - set(order)) if c.statuses.get(s)]
        line = (f"{_plural(c.read, 'document')} read ({', '.join(parts) or 'none done'}); "
                f"{_plural(c.quotes, 'quote')}, {_plural(len(c.speakers), 'speaker')}; {_plural(c.errors, 'error')}")
        if interrupted:
            _say(f"interrupted after {_plural(c.done, 'document')} done: {line}")
            if store is not None:
                _say("run the same command again to continue: stored documents are skipped")
        else:
            _say(f"done: {line}")
        if store is not None:
            totals = store.summary()
            _say("database: " + ", ".join(f"{_plural(totals[k], k.rstrip('s'))}" for k in ("documents", "quotes", "speakers", "errors") if k in totals))


@functools.lru_cache(maxsize=4)
def load_extractor(model: str | None = None) -> Extractor:
    """The extractor for ``model``, loaded once per process (loading costs seconds)."""
    from quotes import Extractor

    return Extractor(model=model) if model else Extractor()


def _load_or_fail(model: str | None) -> Extractor:
    try:
        return load_extractor(model)
    except OSError as exc:  # spaCy's "can't find model"
        raise click.ClickException(f"cannot load the spaCy model {model!r}: {exc}") from exc


def _open_output(path: str, stack: ExitStack) -> IO[str]:
    if path == "-":
        return click.get_text_stream("stdout", encoding="utf-8")
    return stack.enter_context(open(path, "w", encoding="utf-8", newline="\n"))


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _say(message: str) -> None:
    click.echo(message, err=True)


# --- evaluate, serve, merge ------------------------------------------------------------------


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False), metavar="GOLD.jsonl")
@click.option("--speaker-key", type=click.Choice(["speaker", "mention"]), default="speaker", show_default=True,
              help="Score resolved speaker names, or the surface mention (PolNeAR).")
@click.option("--pred", "pred_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the predictions to this JSON lines file.")
@click.option("--n-process", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (with --no-baseline: textacy's baseline needs the parses in this process).")
@click.option("--model", default=None, help="spaCy pipeline to load (default: the extractor's own).")
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also score textacy's direct_quotations on the same texts, for comparison.")
def evaluate(gold: str, speaker_key: str, pred_path: str | None, n_process: int, model: str | None,
             baseline: bool) -> None:
    """Extract the documents of GOLD.jsonl and score the quotes against its annotations.

    GOLD.jsonl is in the format of the project's evaluation data: one {"id", "text", "quotes"}
    object a line. The figures are printed on stdout.
    """
    from quotes.evaluate import main

    main(gold, speaker_key=speaker_key, pred_path=pred_path, n_process=n_process, baseline=baseline, model=model)


@cli.command()
@click.argument("db", type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--live", is_flag=True, help="Read a database that an extraction is still writing, instead of serving it immutable.")
def serve(db: str, host: str, port: int, live: bool) -> None:
    """Publish the quotes database DB with Datasette (read-only, on loopback unless --host says otherwise)."""
    from quotes.serve import serve as serve_db

    serve_db(db, host=host, port=port, live=live)


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False), metavar="A.db B.db...")
@click.option("--db", "target", required=True, type=click.Path(dir_okay=False), help="The database to merge into.")
def merge(sources: tuple[str, ...], target: str) -> None:
    """Merge shard databases, such as those of parallel runs, into one.

    A document found in several sources with different text is taken from the last one named.
    """
    from quotes.store import merge as merge_dbs

    if any(os.path.abspath(s) == os.path.abspath(target) for s in sources):
        raise click.UsageError("the target --db cannot also be a source")
    try:
        counts = merge_dbs(list(sources), target)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    done = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no documents"
    _say(f"merged {_plural(len(sources), 'database')} into {target}: {done}")
