"""Datasette on a quotes database, in process: pages, search, canned queries, JSON, escaping;
and the same pages from a plain ``datasette`` given the same files, in process and as a command.

The database is built from the bundled fixtures with the real Extractor; expected values are
taken from the extracted articles, not copied from a previous run.
"""
from __future__ import annotations

import asyncio
import copy
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote as urlquote

import pytest

from quotes.records import Article, Document
from quotes.serve import database_name, load_metadata, make_datasette
from quotes.store import Store

ROOT = Path(__file__).resolve().parent.parent
METADATA_FILE = ROOT / "datasette-metadata.json"
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
SCRIPT_QUOTE = "“<script>alert(1)</script> is not an answer to the crisis,” Jane Doe, a city councillor, told reporters on Monday."
MISTURA = "Staffan de Mistura"


@pytest.fixture(scope="module")
def articles(extractor) -> list[Article]:
    from quotes.readers import read_inputs

    seed_text = SEED.read_text(encoding="utf-8")
    documents = [
        Document(seed_text, id="sochi-idlib", title=seed_text.splitlines()[0]),
        *[d for d in read_inputs([str(ARTICLES)]) if isinstance(d, Document)],
        Document(SCRIPT_QUOTE, id="script-test", title="<b>Injected</b> title", url="javascript:alert(2)"),
    ]
    return list(extractor.pipe(documents))


@pytest.fixture(scope="module")
def db_path(tmp_path_factory, articles) -> Path:
    # Not called quotes.db: the metadata must follow the file's name.
    path = tmp_path_factory.mktemp("datasette") / "news-2018.db"
    with Store(path) as store:
        list(store.add_many(articles))
    return path


@pytest.fixture(scope="module")
def ds(db_path):
    return make_datasette(db_path)


@pytest.fixture(scope="module")
def get(ds):
    def get(path: str):
        response = asyncio.run(ds.client.get(path))
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response

    return get


@pytest.fixture(scope="module")
def db(db_path) -> str:
    return database_name(db_path)


def json_rows(get, path: str) -> list[dict]:
    separator = "&" if "?" in path else "?"
    return get(f"{path}{separator}_shape=array").json()


def quote_row_path(db: str, quote_id: str) -> str:
    from datasette.utils import tilde_encode

    return f"/{db}/quotes/{tilde_encode(quote_id)}"


def test_index_shows_the_title_and_database(get, db):
    html = get("/").text
    assert "Quotes: who said what, to whom, and through whom" in html
    assert f'href="/{db}"' in html


def test_database_page_lists_tables_views_and_canned_queries(get, db):
    html = get(f"/{db}").text
    for name in ("quotes", "speakers", "documents", "chain_links", "quote_view"):
        assert f'href="/{db}/{name}"' in html
    for query in load_metadata()["databases"]["quotes"]["queries"]:
        assert f'href="/{db}/{query}"' in html
    assert "One document per article" in html  # the database description


def test_quotes_table_facets_on_speakers_by_name(get, db, articles):
    html = get(f"/{db}/quotes").text
    assert MISTURA in html
    data = get(f"/{db}/quotes.json?_facet=speaker_id").json()
    facet = {v["label"]: v["count"] for v in data["facet_results"]["speaker_id"]["results"]}
    assert facet[MISTURA] == sum(q.speaker == MISTURA for a in articles for q in a.quotes)


def test_quote_view_facets_and_publisher(get, db, articles):
    data = get(f"/{db}/quote_view.json?_facet=publisher&_facet=kind").json()
    publishers = {v["value"] for v in data["facet_results"]["publisher"]["results"]}
    expected = {a.document.publisher for a in articles if a.quotes and a.document.publisher}
    assert expected and expected <= publishers
    kinds = {v["value"] for v in data["facet_results"]["kind"]["results"]}
    assert kinds == {q.kind for a in articles for q in a.quotes}


def test_search_box_finds_quotes(get, db):
    rows = json_rows(get, f"/{db}/quote_view.json?_search=constitutional")
    # Porter stemming: "constitutional" also finds "constitution".
    assert rows and all("constitution" in r["quote"].lower() for r in rows)
    assert {r["speaker"] for r in rows} == {MISTURA}
    assert 'name="_search"' in get(f"/{db}/quotes").text


def test_quote_row_page_highlights_the_quote_and_links_the_speaker(get, db, articles):
    seed = articles[0]
    quote = next(q for q in seed.quotes if q.speaker == MISTURA)
    rows = json_rows(get, f"/{db}/quotes.json?document_id=sochi-idlib&start={quote.start}")
    html = get(quote_row_path(db, rows[0]["id"])).text
    assert f'<mark class="quote">{quote.text}</mark>' in html
    speaker_id = rows[0]["speaker_id"]
    assert f'href="/{db}/speakers/{speaker_id}">{MISTURA}</a>' in html


def test_chain_is_drawn_as_arrows(get, db, articles):
    relayed = [q for a in articles for q in a.quotes if q.source_chain[:1] == ["Reuters"]]
    assert relayed
    rows = json_rows(get, f"/{db}/relayed_through.json?conduit=Reuters")
    assert [r["quote"] for r in rows] == [q.text for q in relayed]
    html = get(quote_row_path(db, rows[0]["quote_id"])).text
    chain = html.split('class="quote-chain"', 1)[1].split("</p>", 1)[0]
    names = [line.rsplit(">", 1)[-1] for line in chain.split("</a>")[:-1]]
    assert names == relayed[0].source_chain
    assert chain.count("&rarr;") == len(relayed[0].source_chain) - 1


def test_canned_quotes_by_speaker(get, db, articles):
    rows = json_rows(get, f"/{db}/quotes_by_speaker.json?speaker={urlquote(MISTURA)}")
    expected = sorted(q.text for a in articles for q in a.quotes if q.speaker == MISTURA)
    assert sorted(r["quote"] for r in rows) == expected


def test_canned_most_quoted_speakers(get, db, articles):
    rows = json_rows(get, f"/{db}/most_quoted_speakers.json")
    counts: dict[str, int] = {}
    for q in (q for a in articles for q in a.quotes if q.speaker):
        counts[q.speaker] = counts.get(q.speaker, 0) + 1
    assert rows[0]["name"] == max(counts, key=counts.get) == MISTURA
    assert {r["name"]: r["quote_count"] for r in rows} == counts


def test_canned_who_spoke_to_whom(get, db, articles):
    rows = json_rows(get, f"/{db}/who_spoke_to_whom.json")
    pairs = {(q.speaker, q.addressee) for a in articles for q in a.quotes if q.speaker and q.addressee}
    assert {(r["speaker"], r["addressee"]) for r in rows} == pairs
    assert any(s == MISTURA and "Security Council" in a for s, a in pairs)


def test_canned_quotes_mentioning_binds_the_term(get, db):
    rows = json_rows(get, f"/{db}/quotes_mentioning.json?term=constitutional+committee")
    assert rows and all("constitutional committee" in r["quote"] for r in rows)
    # FTS syntax in the parameter is searched for, not executed as a query.
    for term in ('committee" OR "x', ")(*", "'; drop table quotes; --"):
        assert json_rows(get, f"/{db}/quotes_mentioning.json?term={urlquote(term)}") == []


def test_canned_speaker_over_time(get, db, articles):
    rows = json_rows(get, f"/{db}/speaker_over_time.json?speaker={urlquote(MISTURA)}")
    assert sum(r["quotes"] for r in rows) == sum(q.speaker == MISTURA for a in articles for q in a.quotes)


def test_canned_queries_are_read_only_and_take_bound_parameters():
    queries = load_metadata()["databases"]["quotes"]["queries"]
    assert len(queries) == 6
    for name, query in queries.items():
        assert not query.get("write"), name
        assert "{" not in query["sql"], name  # no string formatting, only :params


def test_json_api_returns_quotes_with_their_speakers(get, db, articles):
    data = get(f"/{db}/quote_view.json?speaker={urlquote(MISTURA)}&_shape=objects").json()
    rows = data["rows"]
    assert {r["quote"] for r in rows} == {q.text for a in articles for q in a.quotes if q.speaker == MISTURA}
    assert all(r["document_id"] and r["chain"] for r in rows)


def test_every_visible_table_view_and_column_is_described(db_path):
    metadata = load_metadata()["databases"]["quotes"]["tables"]
    conn = sqlite3.connect(db_path)
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    assert "quote_view" in names
    for name in names:
        assert metadata[name]["description"], name
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
        assert set(columns) <= set(metadata[name]["columns"]), name
    conn.close()


def test_script_in_a_quote_is_rendered_as_text(get, db):
    rows = json_rows(get, f"/{db}/quotes.json?document_id=script-test")
    assert rows and "<script>alert(1)</script>" in rows[0]["text"]
    for path in (quote_row_path(db, rows[0]["id"]), f"/{db}/quotes", f"/{db}/quote_view"):
        html = get(path).text
        assert "<script>alert(1)</script>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    row_page = get(quote_row_path(db, rows[0]["id"])).text
    assert "<b>Injected</b>" not in row_page
    assert 'href="javascript:' not in row_page


def test_metadata_follows_the_database_name(ds, db):
    assert db == "news-2018"
    assert "quotes_by_speaker" in ds.metadata("queries", database=db)


def test_served_metadata_is_the_repository_file_under_the_database_name(db_path, db):
    """What `quotes serve` publishes is datasette-metadata.json, its one database entry renamed
    to the file's name, nothing added, dropped or changed."""
    expected = json.loads(METADATA_FILE.read_text("utf-8"))
    expected["databases"] = {db: expected["databases"]["quotes"]}
    # A fresh instance: Datasette adds "name" to a canned query's entry once it is used.
    assert make_datasette(db_path).metadata() == expected


def test_serving_sees_rows_still_in_the_write_ahead_log(tmp_path, articles):
    """An immutable Datasette reads the main file only: serve folds a leftover WAL in first."""
    path = tmp_path / "pending.db"
    store = Store(path)  # left open: its last batch is still in quotes.db-wal
    try:
        list(store.add_many(articles))
        assert Path(f"{path}-wal").stat().st_size > 0
        ds = make_datasette(path)
        response = asyncio.run(ds.client.get("/pending/quotes.json?_shape=array&_size=max"))
        assert len(response.json()) == sum(len(a.quotes) for a in articles)
    finally:
        store.close()


def test_live_mode_sees_documents_written_after_start(tmp_path, articles):
    path = tmp_path / "growing.db"
    with Store(path) as store:
        store.add(articles[0])
    ds = make_datasette(path, live=True)

    def documents() -> int:
        return len(asyncio.run(ds.client.get("/growing/documents.json?_shape=array")).json())

    assert documents() == 1
    with Store(path) as store:
        list(store.add_many(articles[1:]))
        assert documents() == len(articles)


def test_reading_while_an_extraction_writes_never_meets_a_lock(tmp_path, articles):
    """A writer adds documents one transaction at a time while Datasette keeps reading (WAL)."""
    import dataclasses
    import threading

    path = tmp_path / "busy.db"
    Store(path).close()
    ds = make_datasette(path, live=True)
    copies = [dataclasses.replace(a, document=dataclasses.replace(a.document, id=f"{a.id}-{n}"))
              for n in range(15) for a in articles]
    done = threading.Event()

    def write() -> None:
        with Store(path) as store:
            for article in copies:
                store.add(article)
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    statuses, seen = [], 0
    while not done.is_set() or not statuses:
        response = asyncio.run(ds.client.get("/busy/quotes.json?_shape=array&_size=5"))
        statuses.append(response.status_code)
        assert "locked" not in response.text
    writer.join()
    seen = len(asyncio.run(ds.client.get("/busy/documents.json?_shape=array&_size=max")).json())
    assert set(statuses) == {200} and len(statuses) > 1
    assert seen == len(copies)


# A plain Datasette on the same files: `datasette quotes.db --metadata datasette-metadata.json`.


@pytest.fixture(scope="module")
def quotes_db(tmp_path_factory, articles) -> Path:
    """The same database under the name datasette-metadata.json gives its entry (``quotes``)."""
    path = tmp_path_factory.mktemp("plain-datasette") / "quotes.db"
    with Store(path) as store:
        list(store.add_many(articles))
    return path


@pytest.fixture(scope="module")
def plain_ds(quotes_db):
    """Built as the ``datasette`` command builds it from those files: no template_dir, no static
    mounts, no hand-registered plugin; the pages must come from the entry point."""
    from datasette.app import Datasette

    return Datasette(files=[str(quotes_db)], metadata=json.loads(METADATA_FILE.read_text("utf-8")))


@pytest.fixture(scope="module")
def served_ds(quotes_db):
    return make_datasette(quotes_db)


def page(ds, path: str) -> str:
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    # The only thing that differs between two renderings of the same page.
    return re.sub(r"Queries took [0-9.]+ms", "Queries took ?ms", response.text)


def quote_card(html: str) -> str:
    (card,) = re.findall(r'<section class="quote-card">.*?</section>', html, re.DOTALL)
    return card


def test_the_plugin_is_loaded_once_through_the_entry_point(served_ds):
    from datasette.plugins import get_plugins, pm

    import quotes.datasette_plugin as plugin

    assert plugin in dict(pm.list_plugin_distinfo())  # loaded by the entry point, not by hand
    assert pm.get_name(plugin) == "quotes"
    same_file = [p for p in pm.get_plugins() if getattr(p, "__file__", None) == plugin.__file__]
    assert same_file == [plugin]
    make_datasette(served_ds.databases["quotes"].path)  # a second instance registers nothing
    assert [p["name"] for p in get_plugins()].count("quotes") == 1


def test_plain_datasette_shows_the_same_quote_pages(plain_ds, served_ds, quotes_db, articles):
    ids = [r[0] for r in sqlite3.connect(quotes_db).execute("SELECT id FROM quotes ORDER BY id")]
    assert len(ids) == sum(len(a.quotes) for a in articles)
    for quote_id in ids:
        path = quote_row_path("quotes", quote_id)
        plain = page(plain_ds, path)
        assert plain == page(served_ds, path), path
        assert '<mark class="quote">' in quote_card(plain), path
    quote = next(q for q in articles[0].quotes if q.speaker == MISTURA)
    (quote_id,) = sqlite3.connect(quotes_db).execute(
        "SELECT id FROM quotes WHERE document_id = 'sochi-idlib' AND start = ?", (quote.start,)
    ).fetchone()
    card = quote_card(page(plain_ds, quote_row_path("quotes", quote_id)))
    assert f'<mark class="quote">{quote.text}</mark>' in card
    assert f'">{MISTURA}</a>' in card


def test_plain_datasette_highlights_paragraph_cells_and_serves_the_assets(plain_ds, served_ds):
    for path in ("/quotes/quotes?_size=max", "/quotes/quote_view?_search=constitutional"):
        assert page(plain_ds, path) == page(served_ds, path), path
    table = page(plain_ds, "/quotes/quotes?_size=max")
    cells = re.findall(r'<td class="col-paragraph type-\w+">(.*?)</td>', table, re.DOTALL)
    assert cells and all('<mark class="quote">' in cell for cell in cells)
    for name, tag in (("quotes.css", '<link rel="stylesheet" href="{}">'), ("quotes.js", '<script src="{}"></script>')):
        url = f"/-/static-plugins/quotes/{name}"
        assert table.count(tag.format(url)) == 1, name
        asset = (ROOT / "quotes" / "static" / name).read_text("utf-8")
        for ds in (plain_ds, served_ds):
            assert page(ds, url) == asset, name


def test_every_asset_is_served_locally(plain_ds, quotes_db):
    """Stylesheets and scripts come from the server itself (Datasette's and the plugin's), none
    from a CDN, and every one of them is there."""
    quote_id = sqlite3.connect(quotes_db).execute("SELECT id FROM quotes LIMIT 1").fetchone()[0]
    assets = set()
    for path in ("/", "/quotes", "/quotes/quotes", "/quotes/quote_view", quote_row_path("quotes", quote_id),
                 "/quotes/most_quoted_speakers", "/quotes?sql=select+1"):
        html = page(plain_ds, path)
        assets |= set(re.findall(r'<link rel="stylesheet" href="([^"]+)"', html))
        assets |= set(re.findall(r'<script[^>]* src="([^"]+)"', html))
    assert {"/-/static-plugins/quotes/quotes.css", "/-/static-plugins/quotes/quotes.js"} <= assets
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        page(plain_ds, url)


def test_plain_datasette_has_the_same_canned_queries(plain_ds, served_ds):
    queries = load_metadata()["databases"]["quotes"]["queries"]
    canned = asyncio.run(plain_ds.get_canned_queries("quotes", None))
    assert canned == asyncio.run(served_ds.get_canned_queries("quotes", None))
    assert {name: {k: v for k, v in q.items() if k != "name"} for name, q in canned.items()} == queries
    database_page = page(plain_ds, "/quotes")
    params = {"speaker": MISTURA, "conduit": "Reuters", "term": "constitutional committee"}
    for name, query in queries.items():
        assert f'href="/quotes/{name}"' in database_page, name
        args = "&".join(f"{p}={urlquote(params[p])}" for p in re.findall(r":(\w+)", query["sql"]))
        path = f"/quotes/{name}?{args}"
        assert page(plain_ds, path) == page(served_ds, path), name
        rows = asyncio.run(plain_ds.client.get(f"/quotes/{name}.json?_shape=array&{args}")).json()
        assert rows, name


def test_datasette_immutable_gives_every_page_of_quotes_serve(quotes_db):
    """``datasette -i quotes.db --metadata datasette-metadata.json`` is what ``quotes serve`` runs,
    and ``datasette quotes.db ...`` what ``quotes serve --live`` runs, down to the index page."""
    from datasette.app import Datasette

    # Fresh instances on both sides: Datasette adds "name" to a canned query's metadata once used.
    metadata = json.loads(METADATA_FILE.read_text("utf-8"))
    pairs = [
        (Datasette(immutables=[str(quotes_db)], metadata=metadata), make_datasette(quotes_db)),
        (Datasette(files=[str(quotes_db)], metadata=copy.deepcopy(metadata)), make_datasette(quotes_db, live=True)),
    ]
    for plain, served in pairs:
        for path in ("/", "/quotes", "/quotes/quotes", "/-/metadata.json"):
            assert page(plain, path) == page(served, path), path


def test_the_plugin_leaves_other_databases_alone(tmp_path, plain_ds):
    """Installed as an entry point, the plugin is in every Datasette of the environment."""
    from datasette.app import Datasette

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE quotes (id TEXT PRIMARY KEY, paragraph TEXT)")
    conn.execute("INSERT INTO quotes VALUES ('a', 'not from the quotes package')")
    conn.commit()
    conn.close()
    ds = Datasette(files=[str(other)])
    for path in ("/other/quotes", "/other/quotes/a"):
        html = page(ds, path)
        assert "static-plugins/quotes" not in html and "quote-card" not in html, path


def run_datasette(db: Path, path: str) -> subprocess.CompletedProcess:
    """``datasette DB --metadata datasette-metadata.json --get PATH``: a request, no server."""
    return subprocess.run(
        [sys.executable, "-m", "datasette", db.name, "--metadata", str(METADATA_FILE), "--get", path],
        cwd=db.parent, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.slow
def test_the_datasette_command_shows_the_quote_card(quotes_db, articles):
    quote = next(q for q in articles[0].quotes if q.speaker == MISTURA)
    conn = sqlite3.connect(quotes_db)
    quote_id, speaker_id = conn.execute(
        "SELECT id, speaker_id FROM quotes WHERE document_id = 'sochi-idlib' AND start = ?", (quote.start,)
    ).fetchone()
    conn.close()
    result = run_datasette(quotes_db, quote_row_path("quotes", quote_id))
    assert result.returncode == 0, result.stderr[-2000:]
    card = quote_card(result.stdout)
    assert f'<mark class="quote">{quote.text}</mark>' in card
    assert f'href="/quotes/speakers/{speaker_id}">{MISTURA}</a>' in card
    assert '<link rel="stylesheet" href="/-/static-plugins/quotes/quotes.css">' in result.stdout
    css = run_datasette(quotes_db, "/-/static-plugins/quotes/quotes.css")
    assert css.returncode == 0, css.stderr[-2000:]
    assert css.stdout.rstrip("\n") == (ROOT / "quotes" / "static" / "quotes.css").read_text("utf-8").rstrip("\n")


@pytest.mark.slow
def test_make_datasette_registers_the_plugin_when_no_entry_point_loaded_it(quotes_db):
    """As when the package is imported from a checkout that was never installed."""
    code = """
import asyncio, json, sys
sys._called_from_test = True  # Datasette then loads no entry points
from datasette.plugins import pm
assert pm.get_plugin("quotes") is None
from quotes.serve import make_datasette
ds = make_datasette(sys.argv[1])
make_datasette(sys.argv[1])
html = asyncio.run(ds.client.get(sys.argv[2])).text
css = asyncio.run(ds.client.get("/-/static-plugins/quotes/quotes.css"))
import quotes.datasette_plugin as plugin
ours = [pm.get_name(p) for p in pm.get_plugins() if getattr(p, "__file__", None) == plugin.__file__]
print(json.dumps({"plugins": ours, "html": html, "css": css.status_code}))
"""
    quote_id = sqlite3.connect(quotes_db).execute("SELECT id FROM quotes LIMIT 1").fetchone()[0]
    result = subprocess.run(
        [sys.executable, "-c", code, str(quotes_db), quote_row_path("quotes", quote_id)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout)
    assert out["plugins"] == ["quotes"]
    assert '<mark class="quote">' in quote_card(out["html"])
    assert out["css"] == 200
