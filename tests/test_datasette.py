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
    speaker = sqlite3.connect(quotes_db).execute("SELECT speaker_id FROM quotes LIMIT 1").fetchone()[0]
    assets = set()
    for path in ("/", "/quotes", "/quotes/quotes", "/quotes/quote_view", quote_row_path("quotes", quote_id),
                 "/quotes/most_quoted_speakers", "/quotes?sql=select+1", f"/quotes/speakers/{speaker}"):
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


# The speaker's page: /<db>/speakers/<id>.

SCRIPT_SPEAKER_ID = "5c41c7000001"  # a hand-made speaker, not a hash the store would give
SCRIPT_NAME = '<script>alert("name")</script> Smith'
SCRIPT_ALIAS = '<script>alert("alias")</script>'
SCRIPT_TEXT = '<script>alert("quote")</script> we will not stop'
SCRIPT_DESCRIPTION = "<i>spokesman</i>"
SCRIPT_CUE = "<em>told</em>"
# Copies of the seed article with a date (the seed itself has none): the envoy's quotes then fall
# in three months of a five-month span, and some in no month at all.
DATED_COPIES = (("sochi-sep", "2018-09-17"), ("sochi-dec", "2018-12-05"),
                ("sochi-jan-a", "2019-01-10"), ("sochi-jan-b", "2019-01-28"))
# Name variants for the hand-made speaker_aliases table (speaker, alias, articles).
ALIASES = ((MISTURA, "De Mistura", 4), (MISTURA, "Staffan De Mistura", 2), (MISTURA, "Mr. de Mistura", 2))


def create_speaker_aliases(conn: sqlite3.Connection) -> None:
    """speaker_aliases as the schema contract gives it, if the store has not made it already: each
    speaker's own name, plus a few variants."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS speaker_aliases (speaker_id TEXT NOT NULL REFERENCES speakers(id), "
        "alias TEXT NOT NULL, type TEXT, document_count INTEGER NOT NULL, PRIMARY KEY (speaker_id, alias))"
    )
    conn.execute(
        "INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias, type, document_count) "
        "SELECT id, name, type, document_count FROM speakers"
    )
    for name, alias, documents in ALIASES:
        conn.execute(
            "INSERT OR REPLACE INTO speaker_aliases (speaker_id, alias, type, document_count) "
            "SELECT id, ?, type, ? FROM speakers WHERE name = ?", (alias, documents, name))


def add_script_speaker(conn: sqlite3.Connection) -> None:
    """A speaker whose name, alias, description and quote hold markup, who told the envoy something
    that Reuters relayed: it shows on the envoy's and Reuters' pages too."""
    (mistura_id,) = conn.execute("SELECT id FROM speakers WHERE name = ?", (MISTURA,)).fetchone()
    (reuters_id,) = conn.execute("SELECT id FROM speakers WHERE name = 'Reuters'").fetchone()
    paragraph = f"“{SCRIPT_TEXT},” {SCRIPT_NAME} told De Mistura, Reuters reported."
    text = f"<b>Scripted</b> talks\n\n{paragraph}"
    start = text.index(SCRIPT_TEXT)
    quote_id = f"script-speaker:{start:06d}-{start + len(SCRIPT_TEXT):06d}"
    conn.execute(
        "INSERT INTO documents (id, title, url, publisher, published, text, content_hash, quote_count, added) "
        "VALUES ('script-speaker', '<b>Scripted</b> talks', 'javascript:alert(3)', '<i>Wire</i>', "
        "'2019-02-01', ?, 'hash', 1, '2019-02-01T00:00:00')", (text,))
    conn.execute(
        "INSERT INTO speakers (id, name, type, descriptions, quote_count, addressed_count, relayed_count, "
        "document_count) VALUES (?, ?, 'PERSON', ?, 1, 0, 0, 1)",
        (SCRIPT_SPEAKER_ID, SCRIPT_NAME, json.dumps([SCRIPT_DESCRIPTION])))
    conn.execute("INSERT INTO speaker_descriptions (speaker_id, description, document_count) VALUES (?, ?, 1)",
                 (SCRIPT_SPEAKER_ID, SCRIPT_DESCRIPTION))
    conn.execute(
        "INSERT INTO quotes (id, document_id, start, \"end\", text, kind, cue, speaker_id, speaker_mention, "
        "addressee_id, paragraph, paragraph_start, paragraph_quote_start, paragraph_quote_end) "
        "VALUES (?, 'script-speaker', ?, ?, ?, 'direct', ?, ?, ?, ?, ?, ?, ?, ?)",
        (quote_id, start, start + len(SCRIPT_TEXT), SCRIPT_TEXT, SCRIPT_CUE, SCRIPT_SPEAKER_ID, SCRIPT_NAME,
         mistura_id, paragraph, text.index(paragraph), 1, 1 + len(SCRIPT_TEXT)))
    conn.executemany(
        "INSERT INTO chain_links (quote_id, position, speaker_id, role, cue) VALUES (?, ?, ?, ?, ?)",
        [(quote_id, 0, reuters_id, "conduit", "reported"), (quote_id, 1, SCRIPT_SPEAKER_ID, "speaker", "told")])
    conn.execute("UPDATE speakers SET addressed_count = addressed_count + 1 WHERE id = ?", (mistura_id,))
    conn.execute("UPDATE speakers SET relayed_count = relayed_count + 1 WHERE id = ?", (reuters_id,))
    conn.execute("INSERT INTO speaker_aliases (speaker_id, alias, type, document_count) VALUES (?, ?, 'PERSON', 1)",
                 (SCRIPT_SPEAKER_ID, SCRIPT_ALIAS))


@pytest.fixture(scope="module")
def speaker_db_path(tmp_path_factory, articles) -> Path:
    """The fixtures, dated copies of the seed article, a speaker_aliases table and a speaker made
    of markup."""
    import dataclasses

    path = tmp_path_factory.mktemp("speakers") / "speakers-2019.db"
    copies = [dataclasses.replace(articles[0], document=dataclasses.replace(
        articles[0].document, id=doc_id, published=published)) for doc_id, published in DATED_COPIES]
    with Store(path) as store:
        list(store.add_many([*articles, *copies]))
    conn = sqlite3.connect(path)
    with conn:
        create_speaker_aliases(conn)
        add_script_speaker(conn)
    conn.close()
    return path


def variant_of(source: Path, target: Path, *statements: str) -> Path:
    """A copy of ``source`` with ``statements`` run on it."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    with dst:
        for statement in statements:
            dst.execute(statement)
    dst.close()
    return target


@pytest.fixture(scope="module")
def speaker_ds(speaker_db_path):
    return make_datasette(speaker_db_path)


@pytest.fixture(scope="module")
def speaker_page(speaker_ds, speaker_db_path):
    """The HTML of a speaker's page in the speaker database, by name."""
    db = database_name(speaker_db_path)

    def speaker_page(name: str) -> str:
        return page(speaker_ds, f"/{db}/speakers/{speaker_id(speaker_db_path, name)}")

    return speaker_page


def speaker_id(path: Path, name: str) -> str:
    conn = sqlite3.connect(path)
    try:
        (found,) = conn.execute("SELECT id FROM speakers WHERE name = ?", (name,)).fetchone()
    finally:
        conn.close()
    return found


def speaker_card(html: str) -> str:
    (card,) = re.findall(r'<section class="speaker-card".*?</section>', html, re.DOTALL)
    return card


def section(html: str, name: str) -> str:
    """The ``<div class="NAME">`` of the speaker card (sections hold no nested divs)."""
    found = re.findall(rf'<div class="{name}">(.*?)</div>', speaker_card(html), re.DOTALL)
    assert len(found) == 1, name
    return found[0]


def listed_speakers(html: str) -> list[tuple[str, str, int]]:
    """(href, name, quotes) of a speaker list."""
    return [(href, unescape(name), int(n.replace(",", ""))) for href, name, n in re.findall(
        r'<li><a class="speaker-link" href="([^"]+)">([^<]*)</a>.*?<span class="count">([\d,]+) quotes?</span></li>',
        html, re.DOTALL)]


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def relations(path: Path, speaker: str) -> dict[str, list[tuple[str, int]]]:
    """What the four lists must say, counted in Python from the rows: (name, quotes), most first."""
    from collections import Counter

    conn = sqlite3.connect(path)
    names = dict(conn.execute("SELECT id, name FROM speakers"))
    (me,) = [i for i, n in names.items() if n == speaker]
    quotes = conn.execute("SELECT id, speaker_id, addressee_id FROM quotes").fetchall()
    conduits = conn.execute("SELECT quote_id, speaker_id FROM chain_links WHERE role = 'conduit'").fetchall()
    conn.close()
    said_by = {q: s for q, s, _ in quotes}
    counts = {
        "speaker-addressed": Counter(a for _, s, a in quotes if s == me and a),
        "speaker-addressed-by": Counter(s for _, s, a in quotes if a == me and s),
        "speaker-relayed-by": Counter(c for q, c in set(conduits) if said_by.get(q) == me),
        "speaker-relayed": Counter(said_by[q] for q in {q for q, c in conduits if c == me} if said_by.get(q)),
    }
    return {key: sorted(((names[i], n) for i, n in counter.items()), key=lambda p: (-p[1], p[0]))[:10]
            for key, counter in counts.items()}


def test_the_speaker_page_is_titled_with_the_name(speaker_page, speaker_db_path):
    html = speaker_page(MISTURA)
    mistura = speaker_id(speaker_db_path, MISTURA)
    assert re.search(rf"<title>{MISTURA} &middot; speaker &middot; speakers-2019</title>", html)
    (h1,) = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    assert h1 == MISTURA and mistura not in h1
    # The row itself is still there, below the card.
    assert html.index('class="speaker-card"') < html.index('class="rows-and-columns"')
    assert f'data-speaker-id="{mistura}"' in html


def test_the_speaker_page_shows_counts_and_links_to_all_quotes(speaker_page, speaker_db_path):
    conn = sqlite3.connect(speaker_db_path)
    mistura = speaker_id(speaker_db_path, MISTURA)
    quotes, documents = conn.execute(
        "SELECT quote_count, document_count FROM speakers WHERE id = ?", (mistura,)).fetchone()
    conn.close()
    summary = re.findall(r'<p class="speaker-summary">(.*?)</p>', speaker_page(MISTURA), re.DOTALL)[0]
    assert f'<a href="/speakers-2019/quote_view?speaker_id={mistura}">{quotes} quotes</a>' in summary
    assert f"in {documents} articles" in summary
    assert '<span class="speaker-type">PERSON</span>' in summary


def test_the_speaker_page_lists_aliases_by_how_many_articles_use_them(speaker_page):
    card = speaker_card(speaker_page(MISTURA))
    (aliases,) = re.findall(r'<p class="speaker-aliases">(.*?)</p>', card, re.DOTALL)
    shown = re.findall(r'<span class="speaker-alias">([^<]*)</span> <span class="count">\((\d+) articles?\)', aliases)
    expected = sorted(((a, n) for s, a, n in ALIASES if s == MISTURA), key=lambda p: (-p[1], p[0]))
    assert [(unescape(a), int(n)) for a, n in shown] == expected
    # The name itself is not an alias of itself.
    assert f'<span class="speaker-alias">{MISTURA}</span>' not in aliases


def test_the_speaker_page_ranks_descriptions(speaker_page, speaker_db_path):
    conn = sqlite3.connect(speaker_db_path)
    expected = conn.execute(
        "SELECT description, document_count FROM speaker_descriptions WHERE speaker_id = ? "
        "ORDER BY document_count DESC, description", (speaker_id(speaker_db_path, MISTURA),)).fetchall()
    conn.close()
    assert expected
    listed = re.findall(r'<li>([^<]*) <span class="count">(\d+) articles?</span></li>',
                        section(speaker_page(MISTURA), "speaker-descriptions"))
    assert [(unescape(d), int(n)) for d, n in listed] == expected[:10]


def test_the_speaker_page_charts_quotes_per_month(speaker_page, articles):
    timeline = section(speaker_page(MISTURA), "speaker-timeline")
    per_copy = sum(q.speaker == MISTURA for q in articles[0].quotes)
    bars = re.findall(r'<rect class="bar"[^>]* data-label="([^"]+)" data-quotes="(\d+)">', timeline)
    assert [(label, int(n)) for label, n in bars] == [
        ("2018-09", per_copy), ("2018-12", per_copy), ("2019-01", 2 * per_copy)]
    # The axis runs through the months without quotes: five slots from September to January.
    labels = re.findall(r'<text class="label"[^>]*>([^<]+)</text>', timeline)
    assert labels == ["2018-09", "2018-10", "2018-11", "2018-12", "2019-01"]
    assert '<svg class="speaker-chart"' in timeline and "<script" not in timeline
    heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', timeline)]
    assert heights[0] == heights[1] == heights[2] / 2 > 0
    undated = sum(q.speaker == MISTURA for a in articles for q in a.quotes if not a.document.published)
    assert f"{undated} quotes come from articles with no publication date and are not in the chart." in timeline


def test_the_speaker_page_shows_the_latest_quotes_in_their_paragraphs(speaker_page, speaker_db_path):
    latest = section(speaker_page(MISTURA), "speaker-latest")
    conn = sqlite3.connect(speaker_db_path)
    expected = conn.execute(
        "SELECT q.id, q.text, q.document_id, d.published FROM quotes q JOIN documents d ON d.id = q.document_id "
        "WHERE q.speaker_id = ? ORDER BY d.published IS NULL, d.published DESC, q.document_id, q.start",
        (speaker_id(speaker_db_path, MISTURA),)).fetchall()
    conn.close()
    assert len(expected) > 20
    items = re.findall(r'<li class="speaker-quote">(.*?)</li>', latest, re.DOTALL)
    assert len(items) == 20
    for item, (quote_id, text, document_id, published) in zip(items, expected):
        assert f'<mark class="quote">{text}</mark>' in item
        assert f'<a class="quote-link" href="{quote_row_path("speakers-2019", quote_id)}">' in item
        assert f'<a class="quote-document" href="/speakers-2019/documents/{document_id}">' in item
        assert published and published in item
    assert f'<a href="/speakers-2019/quote_view?speaker_id={speaker_id(speaker_db_path, MISTURA)}">All {len(expected)} quotes</a>' in latest
    # The quote said to the Security Council names and links it.
    council = speaker_id(speaker_db_path, "Security Council")
    assert f'to <a class="quote-addressee speaker-link" href="/speakers-2019/speakers/{council}">Security Council</a>' in latest


@pytest.mark.parametrize("speaker", [MISTURA, "Security Council", "Reuters", "Sergey Shoygu", "Hulusi Akar"])
def test_the_speaker_page_lists_whom_they_addressed_and_who_relayed_them(speaker_page, speaker_db_path, speaker):
    html = speaker_page(speaker)
    expected = relations(speaker_db_path, speaker)
    assert any(expected.values())
    for key, pairs in expected.items():
        shown = listed_speakers(section(html, key))
        assert [(name, n) for _, name, n in shown] == pairs, key
        for href, name, _ in shown:
            assert href == f"/speakers-2019/speakers/{speaker_id(speaker_db_path, name)}"
        if not pairs:
            assert '<p class="none">No one' in section(html, key)


def test_the_relations_are_the_ones_the_articles_give(speaker_db_path):
    """The relations computed in Python say what the articles say (so the test above tests something)."""
    assert relations(speaker_db_path, MISTURA)["speaker-addressed"][0][0] == "Security Council"
    assert relations(speaker_db_path, MISTURA)["speaker-addressed-by"] == [(SCRIPT_NAME, 1)]
    assert relations(speaker_db_path, "Sergey Shoygu")["speaker-relayed-by"][0][0] == "Reuters"
    relayed = dict(relations(speaker_db_path, "Reuters")["speaker-relayed"])
    assert {"Sergey Shoygu", SCRIPT_NAME} <= set(relayed)


def test_every_speaker_list_link_opens_that_speakers_page(speaker_ds, speaker_page):
    html = speaker_page("Reuters")
    links = [href for key in ("speaker-relayed", "speaker-relayed-by", "speaker-addressed", "speaker-addressed-by")
             for href, _, _ in listed_speakers(section(html, key))]
    assert len(links) >= 2
    for href, name, _ in listed_speakers(section(html, "speaker-relayed")):
        (h1,) = re.findall(r"<h1[^>]*>(.*?)</h1>", page(speaker_ds, href), re.DOTALL)
        assert unescape(h1) == name


def test_the_speaker_page_lists_cues_with_counts(speaker_page, speaker_db_path):
    from collections import Counter

    mistura = speaker_id(speaker_db_path, MISTURA)
    conn = sqlite3.connect(speaker_db_path)
    cues = Counter(c for (c,) in conn.execute("SELECT cue FROM quotes WHERE speaker_id = ?", (mistura,)) if c)
    conn.close()
    listed = re.findall(r'<li><a href="([^"]+)" class="quote-cue">([^<]*)</a> <span class="count">(\d+) quotes?</span></li>',
                        section(speaker_page(MISTURA), "speaker-cues"))
    assert [(c, int(n)) for _, c, n in listed] == sorted(cues.items(), key=lambda p: (-p[1], p[0]))[:10]
    for href, cue, _ in listed:
        assert href == f"/speakers-2019/quote_view?speaker_id={mistura}&amp;cue={urlquote(cue, safe='')}"


def test_a_speaker_with_no_quotes_gets_a_page_without_a_chart(speaker_page, speaker_db_path):
    html = speaker_page("Security Council")
    assert "<svg" not in speaker_card(html)
    assert "No quotes attributed to Security Council." in section(html, "speaker-latest")
    assert [name for _, name, _ in listed_speakers(section(html, "speaker-addressed-by"))] == [MISTURA]


def test_the_speaker_page_escapes_everything_from_the_database(speaker_ds, speaker_page):
    html = speaker_page(SCRIPT_NAME)
    assert "<script>alert(" not in html
    assert "<b>Scripted" not in html and "<i>Wire" not in html and "<i>spokesman" not in html
    assert "<em>told" not in html and 'href="javascript:' not in html
    escaped = str(__import__("markupsafe").escape(SCRIPT_NAME))
    (h1,) = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    assert h1 == escaped
    assert f"<title>{escaped} &middot; speaker" in html
    card = speaker_card(html)
    for text in (SCRIPT_ALIAS, SCRIPT_TEXT, SCRIPT_DESCRIPTION, SCRIPT_CUE, "<b>Scripted</b> talks", "<i>Wire</i>"):
        assert str(__import__("markupsafe").escape(text)) in card, text
    # The chart's title carries the name too, escaped.
    assert f'aria-label="Quotes by {escaped} per month"' in card
    # The speaker shows, escaped, on the pages of those it spoke to and who relayed it.
    for other in (MISTURA, "Reuters"):
        other_html = speaker_page(other)
        assert "<script>alert(" not in other_html
        assert f">{escaped}</a>" in speaker_card(other_html), other
    for path in ("/speakers-2019/quote_view", "/speakers-2019/speakers", "/speakers-2019/speaker_aliases",
                 "/speakers-2019/who_spoke_to_whom", "/speakers-2019/most_quoted_speakers"):
        assert "<script>alert(" not in page(speaker_ds, path), path


def test_the_speaker_page_without_a_speaker_aliases_table(tmp_path, speaker_db_path):
    """A database of today: no speaker_aliases table. The page has every other section."""
    path = variant_of(speaker_db_path, tmp_path / "speakers-2019.db", "DROP TABLE IF EXISTS speaker_aliases")
    html = page(make_datasette(path), f"/speakers-2019/speakers/{speaker_id(path, MISTURA)}")
    card = speaker_card(html)
    assert "speaker-aliases" not in card and "De Mistura</span>" not in card
    for key in ("speaker-descriptions", "speaker-timeline", "speaker-latest", "speaker-addressed", "speaker-cues"):
        assert section(html, key), key
    assert '<rect class="bar"' in card


def test_the_speaker_page_with_an_empty_speaker_aliases_table(tmp_path, speaker_db_path):
    path = variant_of(speaker_db_path, tmp_path / "speakers-2019.db", "DELETE FROM speaker_aliases")
    card = speaker_card(page(make_datasette(path), f"/speakers-2019/speakers/{speaker_id(path, MISTURA)}"))
    assert "speaker-aliases" not in card and '<rect class="bar"' in card


def test_the_speaker_page_of_an_undated_speaker_says_why_there_is_no_chart(get, db, db_path):
    """In the plain fixtures the envoy's article has no date."""
    html = get(f"/{db}/speakers/{speaker_id(db_path, MISTURA)}").text
    timeline = section(html, "speaker-timeline")
    assert "<svg" not in timeline
    assert re.search(r"No chart: all \d+ quotes come from articles with no publication date.", timeline)


def test_every_speaker_has_a_page(speaker_ds, speaker_db_path):
    conn = sqlite3.connect(speaker_db_path)
    speakers = conn.execute("SELECT id, name FROM speakers").fetchall()
    conn.close()
    for sid, name in speakers:
        html = page(speaker_ds, f"/speakers-2019/speakers/{sid}")
        (h1,) = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
        assert unescape(h1) == name
        assert speaker_card(html)


def test_every_speaker_link_leads_to_the_speaker_page(speaker_ds, speaker_db_path):
    """Quote cards, quote_view, the speakers table and the canned queries link names to pages."""
    conn = sqlite3.connect(speaker_db_path)
    ids = dict(conn.execute("SELECT name, id FROM speakers"))
    relayed_quote = conn.execute(
        "SELECT l.quote_id FROM chain_links l JOIN speakers s ON s.id = l.speaker_id "
        "WHERE s.name = 'Reuters' AND l.quote_id NOT LIKE 'script%' LIMIT 1").fetchone()[0]
    conn.close()
    paths = {
        "/speakers-2019/quote_view?_size=max": {MISTURA, "Security Council", "Sergey Shoygu", "Hulusi Akar"},
        "/speakers-2019/speakers?_size=max": set(ids) - {SCRIPT_NAME},
        "/speakers-2019/most_quoted_speakers": {MISTURA, "Sergey Shoygu"},
        "/speakers-2019/who_spoke_to_whom": {MISTURA, "Security Council"},
        "/speakers-2019/relayed_through?conduit=Reuters": {"Reuters", "Sergey Shoygu"},
        f"/speakers-2019/quotes_by_speaker?speaker={urlquote(MISTURA)}": {"Security Council"},
        "/speakers-2019/quotes_mentioning?term=constitutional": {MISTURA},
        quote_row_path("speakers-2019", relayed_quote): {"Reuters", "Sergey Shoygu", "Hulusi Akar"},
    }
    for path, names in paths.items():
        html = page(speaker_ds, path)
        linked = {unescape(name): href for href, name in re.findall(r'<a [^>]*href="(/speakers-2019/speakers/[^"]+)"[^>]*>([^<]+)</a>', html)}
        for name in names:
            assert linked.get(name) == f"/speakers-2019/speakers/{ids[name]}", (path, name)
    # Ids that Datasette does not link itself (a view has no foreign keys) link too.
    html = page(speaker_ds, f"/speakers-2019/quote_view?speaker_id={ids[MISTURA]}")
    assert f'<a class="speaker-link" href="/speakers-2019/speakers/{ids[MISTURA]}">{ids[MISTURA]}</a>' in html


def test_a_missing_speaker_is_not_found(speaker_ds):
    from datasette.utils import tilde_encode

    for speaker in ("000000000000", "x'; drop table speakers; --", "<script>"):
        path = f"/speakers-2019/speakers/{tilde_encode(speaker)}"
        assert asyncio.run(speaker_ds.client.get(path)).status_code == 404, path


def test_every_column_of_speaker_aliases_is_described(speaker_db_path):
    metadata = load_metadata()["databases"]["quotes"]["tables"]
    conn = sqlite3.connect(speaker_db_path)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(speaker_aliases)")]
    conn.close()
    assert columns and set(columns) <= set(metadata["speaker_aliases"]["columns"])
    assert metadata["speaker_aliases"]["description"]


def test_plain_datasette_shows_the_same_speaker_pages(plain_ds, served_ds, quotes_db):
    ids = [r[0] for r in sqlite3.connect(quotes_db).execute("SELECT id FROM speakers ORDER BY id")]
    for sid in ids:
        path = f"/quotes/speakers/{sid}"
        plain = page(plain_ds, path)
        assert plain == page(served_ds, path), path
        assert speaker_card(plain)


def test_month_series_fills_gaps_and_counts_undated_quotes():
    from quotes.month_chart import month_series

    series, undated = month_series([(None, 3), ("", 1), ("2018-11", 2), ("2019-02", 4), ("2018-13", 5), ("n/a", 1)])
    assert [(p["label"], p["quotes"]) for p in series] == [("2018-11", 2), ("2018-12", 0), ("2019-01", 0), ("2019-02", 4)]
    assert undated == 10
    assert month_series([(None, 2)]) == ([], 2)
    # Over ten years of months, the bars are years.
    series, undated = month_series([("2001-05", 1), ("2001-06", 2), ("2015-01", 3)])
    assert [(p["label"], p["quotes"]) for p in series][:2] == [("2001", 3), ("2002", 0)]
    assert series[-1] == {"label": "2015", "quotes": 3} and len(series) == 15 and undated == 0


def test_bar_chart_escapes_its_title_and_draws_a_bar_per_non_empty_month():
    from quotes.month_chart import bar_chart

    svg = bar_chart([{"label": "2018-11", "quotes": 2}, {"label": "2018-12", "quotes": 0}], "Quotes by <script>x</script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('<rect class="bar"') == 1
    assert svg.startswith('<svg class="speaker-chart" xmlns="http://www.w3.org/2000/svg"')
    assert "href" not in svg  # nothing to fetch


def test_a_quote_page_says_when_its_speaker_is_uncertain(get, db, db_path, articles):
    from quotes.datasette_plugin import UNCERTAIN_BELOW

    conn = sqlite3.connect(db_path)
    scored = conn.execute("SELECT id, speaker_confidence FROM quotes WHERE speaker_confidence IS NOT NULL").fetchall()
    conn.close()
    assert len(scored) == sum(1 for a in articles for q in a.quotes if q.speaker_confidence is not None)
    unsure = [qid for qid, c in scored if c < UNCERTAIN_BELOW]
    sure = [qid for qid, c in scored if c >= UNCERTAIN_BELOW]
    assert unsure and sure
    assert "uncertain speaker (confidence 0." in quote_card(get(quote_row_path(db, unsure[0])).text)
    assert "uncertain speaker" not in quote_card(get(quote_row_path(db, sure[0])).text)


def test_quotes_can_be_faceted_and_filtered_by_speaker_confidence(get, db):
    data = get(f"/{db}/quote_view.json?_facet=speaker_confidence&speaker_confidence__gte=0.9").json()
    facets = data["facet_results"]
    facet = (facets.get("results") or facets)["speaker_confidence"]  # the JSON shape of Datasette 0.64 and 0.65
    values = [v["value"] for v in facet["results"]]
    assert values and all(v >= 0.9 for v in values)
