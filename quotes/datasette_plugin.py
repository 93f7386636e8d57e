"""Datasette plugin: show a quote the way a reader wants to see it.

On a ``quotes`` row page it adds a card with the quote highlighted inside its paragraph, the
speaker and addressee linked to their rows and the source chain drawn as arrows
(``Reuters → Sergey Shoygu``); in quote tables the paragraph column gets the same highlight.
Values from articles reach the page only through Jinja's autoescape or ``markupsafe.escape``,
so a quote holding ``<script>`` shows as text.

Registered by ``quotes.serve.register_plugin`` (not an entry point, so that other Datasette
instances on the machine are unaffected).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

from .serve import STATIC_MOUNT

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


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "quotes" or request is None:
        return {}

    async def inner() -> dict[str, Any]:
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


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT}/quotes.css")]


@hookimpl
def extra_js_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT}/quotes.js")]
