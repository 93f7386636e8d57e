"""Extraction on a Dask cluster, streamed and in input order.

The input is cut lazily into partitions of ``partition_size`` documents; only ``max_in_flight``
partitions exist at once (submitted, running or waiting to be collected), so a corpus of any
size runs in bounded memory on the client. Each worker process loads its spaCy pipeline once
(``_extractor`` caches it per model name) and sends back plain :class:`~quotes.records.Article`
dataclasses. Results are yielded in input order, so one writer on the client produces the same
database as a single-process run.

A document that fails comes back as a :class:`~quotes.records.DocumentError` in its place, and
the rest of its partition is stored. A partition whose worker died (Dask gives up on a task that
kills workers again and again) is extracted again one document per task, so only the document
that kills its worker is lost, as an error of stage ``worker``. Any other failure of a whole
partition (a model the workers cannot load) concerns every document alike and ends the run with
:class:`PartitionError`.

``address`` is a scheduler address (``tcp://host:8786``) or ``local:N`` for a throwaway
``LocalCluster`` of N single-threaded worker processes, closed when the iterator ends.
"""
from __future__ import annotations

import contextlib
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from quotes.records import Article, Document, DocumentError

if TYPE_CHECKING:
    from distributed import Client, Future

    from quotes import Extractor

LOCAL_PREFIX = "local:"

# One extractor per model name and cue list in each worker process: loading the model costs seconds and
# hundreds of MB, extracting a partition costs far less, so it must outlive the task.
_EXTRACTORS: dict[tuple[str | None, str | None], Extractor] = {}


class PartitionError(RuntimeError):
    """A partition's task failed on the cluster (an exception in extraction or a lost worker)."""

    def __init__(self, first_origin: str, size: int, cause: BaseException):
        self.first_origin = first_origin
        self.size = size
        super().__init__(
            f"Dask extraction failed for the partition of {size} document(s) starting at "
            f"{first_origin}: {type(cause).__name__}: {cause}"
        )


def _extractor(model: str | None, cues: str | None = None) -> Extractor:
    """This process's extractor for ``model`` (``None``: the default model) and the cue list at
    path ``cues`` (``None``: the bundled one), loaded on first use."""
    if (model, cues) not in _EXTRACTORS:
        from quotes import Extractor

        _EXTRACTORS[model, cues] = Extractor(model=model, cues=cues) if model else Extractor(cues=cues)
    return _EXTRACTORS[model, cues]


def extract_partition(documents: list[Document], model: str | None, batch_size: int,
                      cues: str | None = None) -> list[Article | DocumentError]:
    """Run on a worker: extract one partition with the worker's cached pipeline."""
    return list(_extractor(model, cues).pipe(documents, batch_size=batch_size, on_error="yield"))


def _origin(document: Document) -> str:
    """How an error message names a document: where it came from, else its id."""
    return document.origin or f"document id {document.doc_id}"


@contextlib.contextmanager
def _client(address: str) -> Iterator[Client]:
    """A client on ``address``; for ``local:N`` also a LocalCluster that lives as long as it."""
    from distributed import Client, LocalCluster

    if not address.startswith(LOCAL_PREFIX):
        with Client(address) as client:
            yield client
        return
    n_workers = int(address[len(LOCAL_PREFIX):])
    if n_workers < 1:
        raise ValueError(f"{address!r}: a local cluster needs at least one worker")
    # Single-threaded worker processes: spaCy holds the GIL, so threads would only queue.
    with LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    ) as cluster, Client(cluster) as client:
        yield client


def extract_on_dask(
    documents: Iterable[Document],
    address: str,
    *,
    batch_size: int = 32,
    model: str | None = None,
    cues: str | None = None,
    partition_size: int = 256,
    max_in_flight: int | None = None,
) -> Iterator[Article]:
    """Extract ``documents`` on the cluster at ``address`` and yield their Articles in input order.

    ``max_in_flight`` bounds the partitions submitted but not yet yielded (default: two per
    worker thread, so every worker has its next partition queued while it runs one).
    Raises :class:`PartitionError` naming the first document of a partition whose task failed.
    """
    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")
    with _client(address) as client:
        if max_in_flight is None:
            max_in_flight = max(2, 2 * sum(client.nthreads().values()))
        # The documents of a partition stay on the client until it is collected: a partition
        # whose worker died is sent again one document at a time.
        pending: deque[tuple[Future, list[Document]]] = deque()
        for partition in _partitions(documents, partition_size):
            future = client.submit(extract_partition, partition, model, batch_size, cues, pure=False)
            pending.append((future, partition))
            if len(pending) >= max_in_flight:
                yield from _collect(client, *pending.popleft(), model, batch_size, cues)
        while pending:
            yield from _collect(client, *pending.popleft(), model, batch_size, cues)


def _partitions(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while partition := list(itertools.islice(iterator, size)):
        yield partition


def _collect(client: Client, future: Future, partition: list[Document], model: str | None,
             batch_size: int, cues: str | None) -> list[Article | DocumentError]:
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker:
        pass
    except Exception as error:
        raise PartitionError(_origin(partition[0]), len(partition), error) from error
    results: list[Article | DocumentError] = []
    for document in partition:
        try:
            results += client.submit(extract_partition, [document], model, batch_size, cues, pure=False).result()
        except KilledWorker as error:
            results.append(DocumentError(document, "worker", type(error).__name__,
                                         "the worker process extracting this document died (crashed or was killed)"))
    return results
