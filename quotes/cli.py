"""The ``quotes`` command: extract, evaluate, serve and merge.

Heavy modules (spaCy, the extractor, the store, Datasette, Dask) are imported inside the
commands that need them, so ``quotes --help`` answers at once.

``quotes extract`` is :func:`quotes.run.extract_to` (read inputs -> skip documents already
stored -> extract -> one writer) with a :class:`TerminalReporter`. Progress goes to stderr,
results to the files named, so ``--jsonl -`` can be piped.
"""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from quotes import __version__
from quotes.records import DocumentError
from quotes.run import Counts, Reporter, extract_to, load_extractor

if TYPE_CHECKING:
    from quotes import Extractor

__all__ = ["cli", "load_extractor"]

EXIT_INPUT_ERRORS = 1
REPORT_BUGS_TO = "the quotes issue tracker"
EXIT_INTERRUPTED = 130  # the shell's convention for "ended by SIGINT"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="quotes", message="%(prog)s %(version)s",
                      help="Show the version and exit.")
def cli() -> None:
    """Who said what, to whom, and through whom: quotes in English news."""


def _check_cues(ctx: click.Context, param: click.Parameter, path: str | None) -> str | None:
    """Read the cue list now, so that a bad one is one line naming the file."""
    if path is None:
        return None
    from quotes.lexicon import Lexicon

    try:
        Lexicon.load(cues=path)
    except (ValueError, OSError) as exc:  # an unknown role, a line without a tab, not UTF-8
        message = str(exc)
        raise click.BadParameter(message if message.startswith(path) else f"{path}: {message}", ctx, param) from exc
    return path


def _check_aliases(ctx: click.Context, param: click.Parameter, path: str | None) -> str | None:
    """Read the aliases file now, so that a bad line is one message naming the file and line."""
    if path is None:
        return None
    from quotes.store.identity import Aliases

    try:
        Aliases.read(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc
    return path


cues_option = click.option(
    "--cues", type=click.Path(exists=True, dir_okay=False), callback=_check_cues, metavar="FILE",
    help="Cue lexicon to use instead of the bundled one: a TSV of lemma<TAB>role "
         "(roles: speech, tell, write, conduit, belief, phrase, direct, directive).")


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
@cues_option
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS|local:N",
              help="Extract on a Dask scheduler at ADDRESS, or on a local cluster of N workers.")
@click.option("--force", is_flag=True,
              help="Extract documents again even when the database already holds the same text.")
@click.option("--aliases", "aliases_path", type=click.Path(exists=True, dir_okay=False), callback=_check_aliases,
              metavar="FILE", help="Speaker aliases for the database: a TSV of name<TAB>canonical name[<TAB>type] "
                                   "('-' as canonical: no entity). Replaces the aliases the database kept, and "
                                   "re-identifies its stored speakers when they differ.")
def extract(
    inputs: tuple[str, ...],
    jsonl_path: str | None,
    db_path: str | None,
    batch_size: int,
    n_process: int,
    model: str | None,
    cues: str | None,
    dask_address: str | None,
    force: bool,
    aliases_path: str | None,
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
    if not dask_address:
        # Load before anything is opened, so a model spaCy cannot find is one clear line;
        # extract_to takes the same extractor from load_extractor's cache.
        _load_or_fail(model, cues)
    counts = extract_to(inputs, db=db_path, jsonl=jsonl_path, batch_size=batch_size, n_process=n_process,
                        model=model, cues=cues, dask=dask_address, force=force, aliases=aliases_path,
                        reporter=TerminalReporter(keeps_tracebacks=bool(db_path)))
    sys.exit(exit_status(counts))


def exit_status(counts: Counts) -> int:
    """130 after Ctrl-C, 1 when any input or document failed, else 0."""
    if counts.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_INPUT_ERRORS if counts.errors else 0


class TerminalReporter(Reporter):
    """What ``quotes extract`` prints on stderr: notes and errors above a progress bar (when
    stderr is a terminal), then the summary."""

    def __init__(self, keeps_tracebacks: bool) -> None:
        self.keeps_tracebacks = keeps_tracebacks  # a database's errors table holds them
        self._progress: Any = None

    def started(self) -> None:
        from tqdm import tqdm

        self._progress = tqdm(unit="doc", file=sys.stderr, disable=not sys.stderr.isatty(), dynamic_ncols=True,
                              delay=1.0, desc="extracting")

    def note(self, message: str) -> None:
        self._echo(f"note: {message}")

    def error(self, origin: str | None, message: str, error: DocumentError | None) -> None:
        line = f"error: {message}" if origin is None else f"error: {origin}: {message}"
        if error is not None and not error.data_error:
            where = "its traceback is in the errors table" if self.keeps_tracebacks else "run with --db to keep its traceback"
            line += f" (a bug in quotes: please report it to {REPORT_BUGS_TO} with this document; {where})"
        self._echo(line)

    def progress(self) -> None:
        self._progress.update(1)

    def stopping(self) -> None:
        _say("interrupt: finishing the current batch; press Ctrl-C again to abort at once")

    def aborted(self) -> None:
        _say("aborted")

    def ended(self) -> None:
        self._progress.close()

    def finished(self, counts: Counts, database: dict[str, int] | None) -> None:
        order = ["added", "updated", "unchanged", "written"]
        statuses = counts.statuses
        parts = [f"{statuses[s]} {s}" for s in order + sorted(set(statuses) - set(order)) if statuses.get(s)]
        line = (f"{_plural(counts.read, 'document')} read ({', '.join(parts) or 'none done'}); "
                f"{_plural(counts.quotes, 'quote')}, {_plural(len(counts.speakers), 'speaker')}; "
                f"{_plural(counts.errors, 'error')}")
        if counts.interrupted:
            _say(f"interrupted after {_plural(counts.done, 'document')} done: {line}")
            if database is not None:
                _say("run the same command again to continue: stored documents are skipped")
        else:
            _say(f"done: {line}")
        if database is not None:
            _say("database: " + ", ".join(f"{_plural(database[k], k.rstrip('s'))}"
                                          for k in ("documents", "quotes", "speakers", "errors") if k in database))

    def _echo(self, message: str) -> None:
        from tqdm import tqdm

        tqdm.write(message, file=sys.stderr)


def _load_or_fail(model: str | None, cues: str | None = None) -> Extractor:
    try:
        return load_extractor(model, cues)
    except OSError as exc:  # spaCy's "can't find model"
        raise click.ClickException(f"cannot load the spaCy model {model!r}: {exc}") from exc


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
@cues_option
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also score textacy's direct_quotations on the same texts, for comparison.")
def evaluate(gold: str, speaker_key: str, pred_path: str | None, n_process: int, model: str | None,
             cues: str | None, baseline: bool) -> None:
    """Extract the documents of GOLD.jsonl and score the quotes against its annotations.

    GOLD.jsonl is in the format of the project's evaluation data: one {"id", "text", "quotes"}
    object a line. The figures are printed on stdout.
    """
    from quotes.evaluate import main

    main(gold, speaker_key=speaker_key, pred_path=pred_path, n_process=n_process, baseline=baseline, model=model,
         cues=cues)


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
