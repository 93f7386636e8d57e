"""What the quote card and the speaker page are both made of: a paragraph with its quote marked,
an article's link made safe, and the link to a speaker's page.

A module of their own because the plugin module (:mod:`quotes.datasette_plugin`, the quote card)
imports :mod:`quotes.speaker_page`: the speaker page taking them from the plugin would be an
import cycle.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from datasette.utils import tilde_encode
from markupsafe import Markup


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


def speaker_url(datasette: Any, database: str, speaker_id: str | None) -> str | None:
    """The speaker's page: the row page of ``speakers``."""
    if not speaker_id:
        return None
    return datasette.urls.row(database, "speakers", tilde_encode(str(speaker_id)))
