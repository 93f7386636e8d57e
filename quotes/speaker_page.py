"""The speaker's page: a ``speakers`` row page, given its card by :func:`speaker_card`.

The card holds the name, the other names (``speaker_aliases``, when the database has that
table), the descriptions most articles give, a bar chart of quotes per month
(:mod:`quotes.month_chart`), the latest quotes in their paragraphs, whom the speaker addressed
and who addressed them, who relayed them and whom they relayed, and the cues they use.
:func:`speaker_rows` runs the page's queries together; a function per section shapes its rows
for ``quotes/templates/quotes_speaker_card.html``.

Values from articles reach the page only through Jinja's autoescape or ``markupsafe.escape``;
every query binds its parameters. The hook that asks for the card is
:func:`quotes.datasette_plugin.extra_template_vars`.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode

from datasette.utils import tilde_encode

from .month_chart import bar_chart, month_series
from .page_parts import highlight, safe_href, speaker_url

# Each query reads one speaker's rows through an index (quotes.speaker_id, quotes.addressee_id,
# chain_links(speaker_id, role), chain_links' and speaker_descriptions' primary keys); lists are
# cut at a few rows, with the full count (a window over the groups).
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


def listed_total(rows: list[Any]) -> int:
    """How many entries a list has in all, shown or not: each list query counts its groups in a
    window column, ``total``."""
    return rows[0]["total"] if rows else 0


def quote_view_url(datasette: Any, database: str, **filters: str) -> str:
    """``quote_view`` filtered by ``filters`` (the speaker's quotes, those said to them, a cue)."""
    return f"{datasette.urls.table(database, 'quote_view')}?{urlencode(filters)}"


def speaker_list(datasette: Any, database: str, rows: list[Any]) -> dict[str, Any]:
    """Rows of (id, name, type, quotes, total) as linked entries, with how many there are."""
    return {
        "total": listed_total(rows),
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
    found = await speaker_rows(db, speaker_id, speaker["name"])
    return {
        "id": speaker["id"],
        "name": speaker["name"],
        "type": speaker["type"],
        "quote_count": speaker["quote_count"],
        "addressed_count": speaker["addressed_count"],
        "relayed_count": speaker["relayed_count"],
        "document_count": speaker["document_count"],
        "aliases": aliases_section(found["aliases"]),
        "descriptions": descriptions_section(speaker["descriptions"], found["descriptions"]),
        **chart_section(speaker["name"], found["months"]),
        "latest": [latest_quote(datasette, database, row) for row in found["latest"]],
        "quotes_url": quote_view_url(datasette, database, speaker_id=speaker["id"]),
        "addressed_quotes_url": quote_view_url(datasette, database, addressee_id=speaker["id"]),
        "addressed": speaker_list(datasette, database, found["addressed"]),
        "addressed_by": speaker_list(datasette, database, found["addressed_by"]),
        "relayed_by": speaker_list(datasette, database, found["relayed_by"]),
        "relayed": speaker_list(datasette, database, found["relayed"]),
        "cues": cues_section(datasette, database, speaker["id"], found["cues"]),
    }


async def speaker_rows(db: Any, speaker_id: str, name: str) -> dict[str, list[Any] | None]:
    """The rows of each section of the page, by section, queried together. ``aliases`` is None
    for a database without ``speaker_aliases``."""
    params = {"id": speaker_id, "limit": LIST_LIMIT}

    async def rows_of(sql: str, **extra: Any) -> list[Any]:
        return list((await db.execute(sql, {**params, **extra})).rows)

    async def aliases() -> list[Any] | None:
        # speaker_aliases is newer than some databases: no table, no list.
        if not await db.table_exists("speaker_aliases"):
            return None
        return await rows_of(ALIASES_SQL, name=name, limit=ALIAS_LIMIT)

    queries = {
        "aliases": aliases(),
        "descriptions": rows_of(DESCRIPTIONS_SQL),
        "months": rows_of(MONTHS_SQL),
        "latest": rows_of(LATEST_QUOTES_SQL, limit=LATEST_LIMIT),
        "addressed": rows_of(ADDRESSED_SQL),
        "addressed_by": rows_of(ADDRESSED_BY_SQL),
        "relayed_by": rows_of(RELAYED_BY_SQL),
        "relayed": rows_of(RELAYED_SQL),
        "cues": rows_of(CUES_SQL),
    }
    return dict(zip(queries, await asyncio.gather(*queries.values())))


def aliases_section(rows: list[Any] | None) -> dict[str, Any] | None:
    """The speaker's other names, most documents first; None if the database keeps none."""
    if rows is None:
        return None
    return {
        "total": listed_total(rows),
        "items": [{"alias": r["alias"], "type": r["type"], "documents": r["document_count"]}
                  for r in rows],
    }


def descriptions_section(stored: str | None, rows: list[Any]) -> dict[str, Any]:
    """The descriptions most articles give; where ``speaker_descriptions`` lacks the speaker (an
    older database), those of the speaker's own ``descriptions`` column (a JSON list)."""
    items = [{"description": r["description"], "documents": r["document_count"]} for r in rows]
    total = listed_total(rows)
    if not items:
        try:
            listed = json.loads(stored or "[]")
        except (TypeError, ValueError):
            listed = []
        if isinstance(listed, list):
            items = [{"description": str(d), "documents": None} for d in listed[:LIST_LIMIT]]
            total = len(listed)
    return {"total": total, "items": items}


def chart_section(name: str, month_rows: list[Any]) -> dict[str, Any]:
    """The chart of quotes per month (per year over a long span), its bars as data, and how many
    quotes it counts and leaves out for want of a date."""
    series, undated = month_series([(row["month"], row["quotes"]) for row in month_rows])
    unit = "month" if series and len(series[0]["label"]) == 7 else "year"
    return {
        "chart": bar_chart(series, f"Quotes by {name} per {unit}") if series else None,
        "chart_data": series,
        "chart_unit": unit,
        "dated_quotes": sum(point["quotes"] for point in series),
        "undated_quotes": undated,
    }


def latest_quote(datasette: Any, database: str, row: Any) -> dict[str, Any]:
    """One of the latest quotes: highlighted in its paragraph, with its addressee and article."""
    return {
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


def cues_section(datasette: Any, database: str, speaker_id: str, rows: list[Any]) -> dict[str, Any]:
    """The cues the speaker's quotes come with, each linked to those quotes."""
    return {
        "total": listed_total(rows),
        "items": [
            {"cue": r["cue"], "quotes": r["quotes"],
             "url": quote_view_url(datasette, database, speaker_id=speaker_id, cue=r["cue"])}
            for r in rows
        ],
    }
