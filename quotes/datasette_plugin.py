"""Datasette plugin: show a quote the way a reader wants to see it.

On a ``quotes`` row page it adds a card with the quote highlighted inside its paragraph, the
speaker and addressee linked to their rows and the source chain drawn as arrows
(``Reuters → Sergey Shoygu``); in quote tables the paragraph column gets the same highlight.
Values from articles reach the page only through Jinja's autoescape or ``markupsafe.escape``,
so a quote holding ``<script>`` shows as text.

Datasette loads this module through the ``datasette`` entry point that the package declares
(``quotes = "quotes.datasette_plugin"``), so a plain ``datasette quotes.db --metadata
datasette-metadata.json`` gets the same pages as ``quotes serve``. The plugin acts on quotes
databases only (those holding the tables of :data:`QUOTES_TABLES`); other databases served by
the same Datasette are left as they are.

Its page template (``quotes/templates/row.html``) and assets (``quotes/static/``) ship in the
package. Datasette 0.65 looks for a plugin's ``templates/`` and ``static/`` with
``importlib.resources.files(plugin.__name__)``, which on Python 3.11 refuses a module that is
not a package (``TypeError``, swallowed): so :func:`prepare_jinja2_environment` and
:func:`register_routes` add them, at the place and URL (``/-/static-plugins/quotes/``)
Datasette itself gives them on Python 3.12, where it does find them, and then add nothing.

This module must not import ``datasette.app`` or ``quotes.serve`` at import time: Datasette
imports it while ``datasette.app`` is still being imported.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
# The name of the package's distribution, which Datasette gives its entry-point plugin: assets
# are served at /-/static-plugins/quotes/.
PLUGIN_NAME = "quotes"
# A database is a quotes database if it holds these (the plugin's queries read all four).
QUOTES_TABLES = ("quotes", "documents", "speakers", "chain_links")

QUOTE_CARD_SQL = """
select q.id, q.text, q.kind, q.cue, q.speaker_mention, q.paragraph,
       q.paragraph_quote_start, q.paragraph_quote_end,
       q.speaker_id, s.name as speaker, s.type as speaker_type,
       q.addressee_id, a.name as addressee,
       q.document_id, d.title, d.url, d.publisher, d.published
from quotes q
join documents d on d.id = q.document_id
left join speakers s on s.id = q.speaker_id
left join speakers a on a.id = q.addressee_id
where q.id = :id
"""

CHAIN_SQL = """
select l.position, l.role, l.cue, l.speaker_id, s.name, s.type
from chain_links l join speakers s on s.id = l.speaker_id
where l.quote_id = :id order by l.position
"""


def highlight(paragraph: str, start: int, end: int) -> Markup:
    """The paragraph as HTML with ``paragraph[start:end]`` in ``<mark>``, everything escaped."""
    return Markup('{}<mark class="quote">{}</mark>{}').format(
        paragraph[:start], paragraph[start:end], paragraph[end:]
    )


def safe_href(url: str | None) -> str | None:
    """Only http(s) links from article metadata become hrefs (never ``javascript:``)."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


async def quote_card(datasette: Any, database: str, quote_id: str) -> dict[str, Any] | None:
    """Everything the row page shows about one quote, or None if there is no such quote."""
    db = datasette.get_database(database)
    rows = (await db.execute(QUOTE_CARD_SQL, {"id": quote_id})).rows
    if not rows:
        return None
    row = dict(rows[0])

    def speaker_url(speaker_id: str | None) -> str | None:
        if not speaker_id:
            return None
        return datasette.urls.row(database, "speakers", tilde_encode(speaker_id))

    chain = [
        {
            "name": link["name"],
            "type": link["type"],
            "role": link["role"],
            "cue": link["cue"],
            "url": speaker_url(link["speaker_id"]),
        }
        for link in (await db.execute(CHAIN_SQL, {"id": quote_id})).rows
    ]
    return {
        "id": row["id"],
        "kind": row["kind"],
        "cue": row["cue"],
        "paragraph": highlight(
            row["paragraph"], row["paragraph_quote_start"], row["paragraph_quote_end"]
        ),
        "speaker": row["speaker"],
        "speaker_type": row["speaker_type"],
        "speaker_mention": row["speaker_mention"],
        "speaker_url": speaker_url(row["speaker_id"]),
        "addressee": row["addressee"],
        "addressee_url": speaker_url(row["addressee_id"]),
        "chain": chain,
        "title": row["title"] or row["document_id"],
        "document_url": datasette.urls.row(database, "documents", tilde_encode(row["document_id"])),
        "href": safe_href(row["url"]),
        "publisher": row["publisher"],
        "published": row["published"],
    }


async def is_quotes_database(datasette: Any, database: str | None) -> bool:
    """Whether ``database`` is served by ``datasette`` and holds the tables of a quotes database."""
    if database is None:
        return False
    try:
        db = datasette.get_database(database)
    except KeyError:
        return False
    for table in QUOTES_TABLES:
        if not await db.table_exists(table):
            return False
    return True


def found_by_datasette(key: str, path: Path, name: str | None = None) -> bool:
    """Whether Datasette found ``path`` as this plugin's ``templates_path`` or ``static_path``
    itself (and, for static files, serves them under ``name``)."""
    from datasette.plugins import get_plugins

    for plugin in get_plugins():
        found = plugin[key]
        if found and Path(found).resolve() == path and (name is None or plugin["name"] == name):
            return True
    return False


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Put the package's templates after ``--template-dir`` and before Datasette's own."""
    if found_by_datasette("templates_path", TEMPLATES_DIR):
        return
    from jinja2 import ChoiceLoader, FileSystemLoader

    loaders = [FileSystemLoader(str(TEMPLATES_DIR)), env.loader]
    if datasette.template_dir:
        loaders.insert(0, FileSystemLoader(datasette.template_dir))
    env.loader = ChoiceLoader(loaders)


@hookimpl
def register_routes(datasette):
    """Serve ``quotes/static/`` at ``/-/static-plugins/quotes/``."""
    if found_by_datasette("static_path", STATIC_DIR, PLUGIN_NAME):
        return []
    from datasette.utils.asgi import asgi_static

    return [(rf"^/-/static-plugins/{PLUGIN_NAME}/(?P<path>.*)$", asgi_static(STATIC_DIR))]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "quotes" or request is None:
        return {}

    async def inner() -> dict[str, Any]:
        if not await is_quotes_database(datasette, database):
            return {}
        (pk,) = urlsafe_components(request.url_vars["pks"])
        return {"quote_card": await quote_card(datasette, database, pk)}

    return inner


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Highlight the quote inside the ``paragraph`` cell of the quotes table."""
    if table != "quotes" or column != "paragraph" or not isinstance(value, str):
        return None
    try:
        start, end = row["paragraph_quote_start"], row["paragraph_quote_end"]
    except (KeyError, IndexError):  # columns hidden with ?_col=
        return None
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    return highlight(value, start, end)


def asset_urls(datasette: Any, database: str | None, filename: str):
    async def inner() -> list[str]:
        if not await is_quotes_database(datasette, database):
            return []
        return [datasette.urls.static_plugins(PLUGIN_NAME, filename)]

    return inner


@hookimpl
def extra_css_urls(database, datasette):
    """``quotes.css`` on the pages of quotes databases (tables, rows, queries)."""
    return asset_urls(datasette, database, "quotes.css")


@hookimpl
def extra_js_urls(database, datasette):
    """``quotes.js`` (folds the column descriptions) on the pages of quotes databases."""
    return asset_urls(datasette, database, "quotes.js")
