"""Datasette plugin: show a quote, and a speaker, the way a reader wants to see them.

On a ``quotes`` row page it adds a card with the quote highlighted inside its paragraph, the
speaker and addressee linked to their rows and the source chain drawn as arrows
(``Reuters → Sergey Shoygu``); in quote tables the paragraph column gets the same highlight.

A ``speakers`` row page is the speaker's page, whose card :mod:`quotes.speaker_page` makes (the
names, descriptions, a chart of quotes per month, the latest quotes, who addressed and relayed
whom, the cues). Every speaker link leads there: the quote card's, the speaker lists', and
(through :func:`render_cell`) the ``speaker``/``addressee``/``conduit`` cells of ``quote_view``
and of the canned queries and the names of the ``speakers`` table. The pieces both cards use
(the highlight, safe article links, speaker page links) are in :mod:`quotes.page_parts`.

Values from articles reach the page only through Jinja's autoescape or ``markupsafe.escape``,
so a quote or a name holding ``<script>`` shows as text. Every query binds its parameters.

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

import weakref
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

from .page_parts import highlight, safe_href, speaker_url
from .speaker_page import speaker_card

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
# The name of the package's distribution, which Datasette gives its entry-point plugin: assets
# are served at /-/static-plugins/quotes/.
PLUGIN_NAME = "quotes"
# A speaker given less confidence than this is shown as uncertain on the quote's page (of the
# speakers given 0.8, about eight in ten are right; quotes stored before schema 5 have none).
UNCERTAIN_BELOW = 0.8
# A database is a quotes database if it holds these (the plugin's queries read all four).
QUOTES_TABLES = ("quotes", "documents", "speakers", "chain_links")

QUOTE_CARD_SQL = """
select q.id, q.text, q.kind, q.cue, q.speaker_mention, q.speaker_confidence, q.paragraph,
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


async def quote_card(datasette: Any, database: str, quote_id: str) -> dict[str, Any] | None:
    """Everything the row page shows about one quote, or None if there is no such quote."""
    db = datasette.get_database(database)
    rows = (await db.execute(QUOTE_CARD_SQL, {"id": quote_id})).rows
    if not rows:
        return None
    row = dict(rows[0])
    chain = [
        {
            "name": link["name"],
            "type": link["type"],
            "role": link["role"],
            "cue": link["cue"],
            "url": speaker_url(datasette, database, link["speaker_id"]),
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
        "speaker_confidence": row["speaker_confidence"],
        "uncertain": row["speaker_confidence"] is not None and row["speaker_confidence"] < UNCERTAIN_BELOW,
        "speaker_url": speaker_url(datasette, database, row["speaker_id"]),
        "addressee": row["addressee"],
        "addressee_url": speaker_url(datasette, database, row["addressee_id"]),
        "chain": chain,
        "title": row["title"] or row["document_id"],
        "document_url": datasette.urls.row(database, "documents", tilde_encode(row["document_id"])),
        "href": safe_href(row["url"]),
        "publisher": row["publisher"],
        "published": row["published"],
    }


# Databases found to be quotes databases, per Datasette instance (a quotes database stays one;
# a database that is not one yet may become one, so only the positive answer is kept).
_quotes_databases: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


async def is_quotes_database(datasette: Any, database: str | None) -> bool:
    """Whether ``database`` is served by ``datasette`` and holds the tables of a quotes database."""
    if database is None:
        return False
    known = _quotes_databases.setdefault(datasette, set())
    if database in known:
        return True
    try:
        db = datasette.get_database(database)
    except KeyError:
        return False
    for table in QUOTES_TABLES:
        if not await db.table_exists(table):
            return False
    known.add(database)
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
    if view_name != "row" or table not in ("quotes", "speakers") or request is None:
        return {}

    async def inner() -> dict[str, Any]:
        if not await is_quotes_database(datasette, database):
            return {}
        pks = urlsafe_components(request.url_vars["pks"])
        if len(pks) != 1:
            return {}
        if table == "quotes":
            return {"quote_card": await quote_card(datasette, database, pks[0])}
        return {"speaker_card": await speaker_card(datasette, database, pks[0])}

    return inner


# Cells that name a speaker, and the column of the same row that holds the speaker's id:
# quote_view's and the canned queries' speaker, addressee and conduit columns. The id columns
# themselves link to the page too.
SPEAKER_ID_COLUMNS = {"speaker": "speaker_id", "addressee": "addressee_id", "conduit": "conduit_id"}
# Columns every row of the speakers table has: a query result with all of them (select * from
# speakers, most_quoted_speakers) is a list of speakers, whose names link to their pages.
SPEAKER_ROW_COLUMNS = {"id", "name", "type", "quote_count"}


def column_value(row: Any, column: str) -> Any:
    try:
        return row[column]
    except (KeyError, IndexError):  # not in this row (columns hidden with ?_col=, other queries)
        return None


def speaker_id_for_cell(row: Any, column: str, table: str | None) -> str | None:
    """The id of the speaker a cell names, if it names one."""
    if column in SPEAKER_ID_COLUMNS.values():
        # An id Datasette has not made a link of (a view's, a query's, a table without the
        # foreign key); a foreign key it expanded arrives as a dict and is left to it.
        speaker_id = column_value(row, column)
    elif column in SPEAKER_ID_COLUMNS:
        speaker_id = column_value(row, SPEAKER_ID_COLUMNS[column])
    elif column == "name" and (
        table == "speakers"
        or table is None and hasattr(row, "keys") and SPEAKER_ROW_COLUMNS <= set(row.keys())
    ):
        speaker_id = column_value(row, "id")
    else:
        return None
    return speaker_id if isinstance(speaker_id, str) and speaker_id else None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Highlight the quote inside the ``paragraph`` cell of the quotes table; link the cells that
    name a speaker to the speaker's page."""
    if table == "quotes" and column == "paragraph":
        if not isinstance(value, str):
            return None
        start = column_value(row, "paragraph_quote_start")
        end = column_value(row, "paragraph_quote_end")
        if not isinstance(start, int) or not isinstance(end, int):
            return None
        return highlight(value, start, end)
    if not isinstance(value, str) or not value:
        return None
    speaker_id = speaker_id_for_cell(row, column, table)
    if speaker_id is None:
        return None

    async def inner() -> Markup | None:
        if not await is_quotes_database(datasette, database):
            return None
        return Markup('<a class="speaker-link" href="{}">{}</a>').format(
            speaker_url(datasette, database, speaker_id), value
        )

    return inner()


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
