"""Extraction on Dask gives exactly what a single process gives, in the same order.

Two-worker clusters, small partitions (so several are in flight and finish out of order), the
seed article with distinct-id copies and the article fixtures. Every test here starts a cluster
or a subprocess: the module is ``slow``.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

import quotes  # noqa: E402
from quotes.distributed import PartitionError, extract_on_dask  # noqa: E402
from quotes.readers import InputError, read_inputs  # noqa: E402
from quotes.records import Document  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
SEED_COPIES = 4


def seed_copies() -> list[Document]:
    text = SEED.read_text(encoding="utf-8")
    return [Document(text, id=f"seed-copy-{i}", origin=f"seed-copy-{i}") for i in range(SEED_COPIES)]


def fixture_articles() -> list[Document]:
    if not ARTICLES.is_dir():
        return []
    items = list(read_inputs([str(ARTICLES)]))
    assert not [item for item in items if isinstance(item, InputError)]
    return items


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return seed_copies() + fixture_articles()


@pytest.fixture(scope="module")
def single_process(extractor, corpus: list[Document]) -> list[quotes.Article]:
    return list(extractor.pipe(corpus))


@pytest.fixture(scope="module")
def cluster_address():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_local_cluster_gives_single_process_articles_in_order(corpus, single_process):
    articles = list(extract_on_dask(corpus, "local:2", partition_size=2, max_in_flight=3))

    assert [a.to_dict() for a in articles] == [a.to_dict() for a in single_process]
    # Entities, offsets of cues and speakers and the documents themselves travel back too.
    assert articles == single_process
    assert sum(len(a.quotes) for a in articles) >= 8 * SEED_COPIES


def test_scheduler_address_loads_the_pipeline_once_per_worker(corpus, single_process, cluster_address):
    from distributed import Client

    def loaded_extractors() -> dict[str, int]:
        from quotes.distributed import _EXTRACTORS

        # keyed by (model, cue list); both None here: the default model and the bundled cues
        return {repr(key): id(extractor) for key, extractor in _EXTRACTORS.items()}

    first = list(extract_on_dask(corpus, cluster_address, partition_size=1))
    with Client(cluster_address) as client:
        after_first = client.run(loaded_extractors)
    second = list(extract_on_dask(corpus, cluster_address, partition_size=3))
    with Client(cluster_address) as client:
        after_second = client.run(loaded_extractors)

    assert first == second == single_process
    # Every worker got work and kept its one extractor from the first run to the second.
    assert len(after_first) == 2
    assert all(list(models) == [repr((None, None))] for models in after_first.values())
    assert after_second == after_first


def test_failed_partition_names_its_first_document(corpus, cluster_address):
    articles = extract_on_dask(corpus, cluster_address, model="no_such_spacy_model", partition_size=2)

    with pytest.raises(PartitionError, match="partition of 2 document.*starting at seed-copy-0") as caught:
        next(articles)
    assert caught.value.first_origin == "seed-copy-0"


def test_partition_error_names_the_id_when_there_is_no_origin(cluster_address):
    anonymous = [Document(SEED.read_text(encoding="utf-8"), id="no-origin")]
    with pytest.raises(PartitionError, match="document id no-origin"):
        list(extract_on_dask(anonymous, cluster_address, model="no_such_spacy_model"))


def run_extract(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "quotes", "extract", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr


def test_cli_dask_database_equals_single_process_database(tmp_path, db_contents):
    pytest.importorskip("quotes.store")
    feed = tmp_path / "copies.jsonl"
    feed.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in seed_copies()), encoding="utf-8")
    inputs = [str(SEED), str(feed)] + ([str(ARTICLES)] if ARTICLES.is_dir() else [])

    run_extract(*inputs, "--db", str(tmp_path / "single.db"), "--batch-size", "2")
    run_extract(*inputs, "--db", str(tmp_path / "dask.db"), "--batch-size", "2", "--dask", "local:2")

    single = db_contents(tmp_path / "single.db")
    on_dask = db_contents(tmp_path / "dask.db")
    assert single["quotes"], "the seed article should give quotes"
    assert on_dask == single
