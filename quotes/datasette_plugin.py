"""Datasette plugin: show a quote, and a speaker, the way a reader wants to see them.

On a ``quotes`` row page it adds a card with the quote highlighted inside its paragraph, the
speaker and addressee linked to their rows and the source chain drawn as arrows
(``Reuters → Sergey Shoygu``); in quote tables the paragraph column gets the same highlight.

A ``speakers`` row page is the speaker's page: the name as its title, the other names
(``speaker_aliases``, when the database has that table), the descriptions most articles give,
a bar chart of quotes per month (an SVG drawn here, on the server: no script, no CDN), the latest
quotes in their paragraphs, whom the speaker addressed and who addressed them, who relayed them
and whom they relayed, and the cues they use. Every speaker link leads there: the quote card's,
the speaker lists', and (through :func:`render_cell`) the ``speaker``/``addressee``/``conduit``
cells of ``quote_view`` and of the canned queries and the names of the ``speakers`` table.

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

import asyncio
import json
import math
import re
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

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


# The speaker page. Each query reads one speaker's rows through an index (quotes.speaker_id,
# quotes.addressee_id, chain_links(speaker_id, role), chain_links' and speaker_descriptions'
# primary keys); lists are cut at a few rows, with the full count (a window over the groups).
SPEAKER_SQL = """
select id, name, type, descriptions, quote_count, addressed_count, relayed_count, document_count
from speakers where id = :id
"""

ALIASES_SQL = """
select alias, type, document_count, count(*) over () as total
from speaker_aliases
where speaker_id = :id and alias != :name
order by document_count desc, alias
limit :limit
"""

DESCRIPTIONS_SQL = """
select description, document_count, count(*) over () as total
from speaker_descriptions
where speaker_id = :id
order by document_count desc, description
limit :limit
"""

MONTHS_SQL = """
select substr(d.published, 1, 7) as month, count(*) as quotes
from quotes q join documents d on d.id = q.document_id
where q.speaker_id = :id
group by month
order by month
"""

LATEST_QUOTES_SQL = """
select q.id, q.text, q.kind, q.cue, q.paragraph, q.paragraph_quote_start, q.paragraph_quote_end,
       q.addressee_id, a.name as addressee,
       q.document_id, d.title, d.url, d.publisher, d.published
from quotes q
join documents d on d.id = q.document_id
left join speakers a on a.id = q.addressee_id
where q.speaker_id = :id
order by coalesce(d.published, '') = '', d.published desc, q.document_id, q.start
limit :limit
"""

# Whom the speaker addressed: the addressees of their quotes.
ADDRESSED_SQL = """
select q.addressee_id as id, s.name, s.type, count(*) as quotes, count(*) over () as total
from quotes q join speakers s on s.id = q.addressee_id
where q.speaker_id = :id
group by q.addressee_id
order by quotes desc, s.name
limit :limit
"""

# Who addressed the speaker: the speakers of quotes said to them.
ADDRESSED_BY_SQL = """
select q.speaker_id as id, s.name, s.type, count(*) as quotes, count(*) over () as total
from quotes q join speakers s on s.id = q.speaker_id
where q.addressee_id = :id
group by q.speaker_id
order by quotes desc, s.name
limit :limit
"""

# Who relayed the speaker: the conduits in the chains of their quotes.
RELAYED_BY_SQL = """
select l.speaker_id as id, s.name, s.type, count(distinct l.quote_id) as quotes,
       count(*) over () as total
from quotes q
join chain_links l on l.quote_id = q.id and l.role = 'conduit'
join speakers s on s.id = l.speaker_id
where q.speaker_id = :id
group by l.speaker_id
order by quotes desc, s.name
limit :limit
"""

# Whom the speaker relayed: the speakers of quotes in whose chain they are a conduit.
RELAYED_SQL = """
select q.speaker_id as id, s.name, s.type, count(distinct q.id) as quotes,
       count(*) over () as total
from chain_links l
join quotes q on q.id = l.quote_id
join speakers s on s.id = q.speaker_id
where l.speaker_id = :id and l.role = 'conduit'
group by q.speaker_id
order by quotes desc, s.name
limit :limit
"""

CUES_SQL = """
select cue, count(*) as quotes, count(*) over () as total
from quotes
where speaker_id = :id and coalesce(cue, '') != ''
group by cue
order by quotes desc, cue
limit :limit
"""

# How many rows each list of the speaker page shows.
LIST_LIMIT = 10
LATEST_LIMIT = 20
ALIAS_LIMIT = 20
# A chart of more months than this shows years instead.
MAX_MONTH_BARS = 120
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


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


def speaker_url(datasette: Any, database: str, speaker_id: str | None) -> str | None:
    """The speaker's page: the row page of ``speakers``."""
    if not speaker_id:
        return None
    return datasette.urls.row(database, "speakers", tilde_encode(str(speaker_id)))


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def month_series(rows: list[tuple[str | None, int]]) -> tuple[list[dict[str, Any]], int]:
    """Quotes per month, every month from the first to the last (zero where none), and how many
    quotes have no usable date. Over :data:`MAX_MONTH_BARS` months, the bars are years."""
    counts: dict[tuple[int, int], int] = {}
    undated = 0
    for month, quotes in rows:
        match = MONTH_RE.match(month or "")
        if match:
            key = (int(match[1]), int(match[2]))
            counts[key] = counts.get(key, 0) + quotes
        else:
            undated += quotes
    if not counts:
        return [], undated
    (first_year, first_month), (last_year, last_month) = min(counts), max(counts)
    span = (last_year - first_year) * 12 + last_month - first_month + 1
    if span > MAX_MONTH_BARS:
        years: dict[int, int] = {}
        for (year, _), quotes in counts.items():
            years[year] = years.get(year, 0) + quotes
        series = [{"label": str(y), "quotes": years.get(y, 0)} for y in range(first_year, last_year + 1)]
        return series, undated
    series = []
    for n in range(span):
        year, month = divmod(first_year * 12 + first_month - 1 + n, 12)
        series.append({"label": f"{year:04d}-{month + 1:02d}", "quotes": counts.get((year, month + 1), 0)})
    return series, undated


def nice_step(peak: int, ticks: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten that cuts ``0..peak`` into about ``ticks`` parts."""
    rough = max(peak / ticks, 1)
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def bar_chart(series: list[dict[str, Any]], title: str, width: int = 720, height: int = 200) -> Markup:
    """An SVG bar chart of ``series`` (``label``, ``quotes``), written out here: it needs no script
    and no file from anywhere. Every text in it is escaped."""
    left, right, top, bottom = 40, 10, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max((point["quotes"] for point in series), default=0)
    tick_step = nice_step(most)
    # Ticks from 0 to the first multiple of the step at or above the tallest bar (at least 1).
    ticks = [tick_step * n for n in range(max(math.ceil(most / tick_step), 1) + 1)]
    peak = ticks[-1]
    slot = plot_w / max(len(series), 1)
    bar_w = max(slot * 0.8, 1.0)
    step = math.ceil(len(series) / 10) if len(series) > 12 else 1
    parts = [
        Markup(
            '<svg class="speaker-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
            'width="{w}" height="{h}" role="img" aria-label="{title}"><title>{title}</title>'
        ).format(w=width, h=height, title=title)
    ]
    for tick in ticks:
        y = top + plot_h - tick / peak * plot_h
        parts.append(
            Markup(
                '<line class="grid" x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}"/>'
                '<text class="tick" x="{tx}" y="{ty:.1f}" text-anchor="end">{tick}</text>'
            ).format(x1=left, x2=width - right, y=y, tx=left - 6, ty=y + 4, tick=tick)
        )
    for i, point in enumerate(series):
        x = left + i * slot + (slot - bar_w) / 2
        if point["quotes"]:
            bar_h = point["quotes"] / peak * plot_h
            parts.append(
                Markup(
                    '<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                    'data-label="{label}" data-quotes="{n}"><title>{label}: {quotes}</title></rect>'
                ).format(
                    x=x, y=top + plot_h - bar_h, bw=bar_w, bh=bar_h,
                    label=point["label"], n=point["quotes"], quotes=plural(point["quotes"], "quote"),
                )
            )
        if i % step == 0:
            parts.append(
                Markup('<text class="label" x="{x:.1f}" y="{y}" text-anchor="middle">{label}</text>').format(
                    x=left + i * slot + slot / 2, y=height - bottom + 16, label=point["label"]
                )
            )
    parts.append(
        Markup('<line class="axis" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"/></svg>').format(
            x1=left, x2=width - right, y=top + plot_h
        )
    )
    return Markup("").join(parts)


def speaker_list(datasette: Any, database: str, rows: list[Any]) -> dict[str, Any]:
    """Rows of (id, name, type, quotes, total) as linked entries, with how many there are."""
    return {
        "total": rows[0]["total"] if rows else 0,
        "items": [
            {
                "id": row["id"],
                "name": row["name"],
                "type": row["type"],
                "quotes": row["quotes"],
                "url": speaker_url(datasette, database, row["id"]),
            }
            for row in rows
        ],
    }


async def speaker_card(datasette: Any, database: str, speaker_id: str) -> dict[str, Any] | None:
    """Everything the speaker page shows, or None if there is no such speaker."""
    db = datasette.get_database(database)
    rows = (await db.execute(SPEAKER_SQL, {"id": speaker_id})).rows
    if not rows:
        return None
    speaker = dict(rows[0])
    params = {"id": speaker_id, "limit": LIST_LIMIT}

    async def rows_of(sql: str, **extra: Any) -> list[Any]:
        return list((await db.execute(sql, {**params, **extra})).rows)

    async def aliases() -> list[Any] | None:
        # speaker_aliases is newer than some databases: no table, no list.
        if not await db.table_exists("speaker_aliases"):
            return None
        return await rows_of(ALIASES_SQL, name=speaker["name"], limit=ALIAS_LIMIT)

    (alias_rows, descriptions, months, latest, addressed, addressed_by, relayed_by, relayed,
     cues) = await asyncio.gather(
        aliases(),
        rows_of(DESCRIPTIONS_SQL),
        rows_of(MONTHS_SQL),
        rows_of(LATEST_QUOTES_SQL, limit=LATEST_LIMIT),
        rows_of(ADDRESSED_SQL),
        rows_of(ADDRESSED_BY_SQL),
        rows_of(RELAYED_BY_SQL),
        rows_of(RELAYED_SQL),
        rows_of(CUES_SQL),
    )
    name = speaker["name"]
    series, undated = month_series([(row["month"], row["quotes"]) for row in months])
    dated = sum(point["quotes"] for point in series)
    unit = "month" if series and len(series[0]["label"]) == 7 else "year"
    description_list = [{"description": r["description"], "documents": r["document_count"]} for r in descriptions]
    descriptions_total = descriptions[0]["total"] if descriptions else 0
    if not description_list:  # a database whose speaker_descriptions lacks the speaker
        try:
            listed = json.loads(speaker["descriptions"] or "[]")
        except (TypeError, ValueError):
            listed = []
        if isinstance(listed, list):
            description_list = [{"description": str(d), "documents": None} for d in listed[:LIST_LIMIT]]
            descriptions_total = len(listed)

    def quote_view_url(**filters: str) -> str:
        return f"{datasette.urls.table(database, 'quote_view')}?{urlencode(filters)}"

    return {
        "id": speaker["id"],
        "name": name,
        "type": speaker["type"],
        "quote_count": speaker["quote_count"],
        "addressed_count": speaker["addressed_count"],
        "relayed_count": speaker["relayed_count"],
        "document_count": speaker["document_count"],
        "aliases": None if alias_rows is None else {
            "total": alias_rows[0]["total"] if alias_rows else 0,
            "items": [{"alias": r["alias"], "type": r["type"], "documents": r["document_count"]}
                      for r in alias_rows],
        },
        "descriptions": {"total": descriptions_total, "items": description_list},
        "chart": bar_chart(series, f"Quotes by {name} per {unit}") if series else None,
        "chart_data": series,
        "chart_unit": unit,
        "dated_quotes": dated,
        "undated_quotes": undated,
        "latest": [
            {
                "id": row["id"],
                "url": datasette.urls.row(database, "quotes", tilde_encode(row["id"])),
                "kind": row["kind"],
                "cue": row["cue"],
                "paragraph": highlight(row["paragraph"], row["paragraph_quote_start"], row["paragraph_quote_end"]),
                "addressee": row["addressee"],
                "addressee_url": speaker_url(datasette, database, row["addressee_id"]),
                "title": row["title"] or row["document_id"],
                "document_url": datasette.urls.row(database, "documents", tilde_encode(row["document_id"])),
                "href": safe_href(row["url"]),
                "publisher": row["publisher"],
                "published": row["published"],
            }
            for row in latest
        ],
        "quotes_url": quote_view_url(speaker_id=speaker["id"]),
        "addressed_quotes_url": quote_view_url(addressee_id=speaker["id"]),
        "addressed": speaker_list(datasette, database, addressed),
        "addressed_by": speaker_list(datasette, database, addressed_by),
        "relayed_by": speaker_list(datasette, database, relayed_by),
        "relayed": speaker_list(datasette, database, relayed),
        "cues": {
            "total": cues[0]["total"] if cues else 0,
            "items": [
                {"cue": r["cue"], "quotes": r["quotes"],
                 "url": quote_view_url(speaker_id=speaker["id"], cue=r["cue"])}
                for r in cues
            ],
        },
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
