"""Write extracted articles into one SQLite database (sqlite-utils), ready for Datasette.

The schema is documented in ``docs/database.md``. Three promises shape this package:

* Every row of the database is a function of the set of documents stored, never of the order
  or the number of runs that stored them (apart from the ``added`` timestamps and SQLite's
  internal rowids). Ids are therefore derived from content (:mod:`.rows`); speaker aggregates
  are sums over documents, kept by adding and subtracting each document's share inside the
  same transaction (:mod:`.speaker_upkeep`).
* A document's rows land whole: each batch of documents is one ``BEGIN IMMEDIATE`` ...
  ``COMMIT``, so a killed writer leaves the batches before it and nothing of the one it was in.
* Readers never block the writer and never see ``database is locked``: the file is in WAL
  mode and every connection waits (``busy_timeout``) instead of failing (:mod:`.connection`).
* A speaker is one real-world entity across articles: the names the extractor gave are kept as
  extracted and identified, corpus-wide, by rules that are a function of the stored names
  alone (:mod:`.identity`), again for the blocks of names each batch touches.

Modules: :mod:`.schema` (migrations, views, full-text search), :mod:`.rows` (an article as
rows), :mod:`.name_words` (the word lists names are read by), :mod:`.name_forms` (what one
name is), :mod:`.descriptions` (which descriptions are worth showing), :mod:`.identity` (which
names are one speaker; the user's aliases), :mod:`.writer` (:class:`Store`: the write path),
:mod:`.speaker_upkeep` (the batch's speaker identity and counts, in SQL), :mod:`.merge`
(:func:`merge`), :mod:`.connection`.
"""
from __future__ import annotations

from .connection import BUSY_TIMEOUT_MS
from .identity import Aliases
from .merge import merge
from .rows import (
    CHAIN_LINK_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_SPEAKER_COLUMNS, ERROR_COLUMNS, LINE_BREAK_CHARS,
    PARAGRAPH_CONTEXT_CHARS, QUOTE_COLUMNS, SPEAKER_COLUMNS, paragraph_around, quote_id, speaker_id,
)
from .schema import MIGRATIONS, SCHEMA_VERSION, VIEWS
from .writer import STAGED_TABLES, Store

__all__ = [
    "Aliases", "BUSY_TIMEOUT_MS", "CHAIN_LINK_COLUMNS", "DOCUMENT_COLUMNS", "DOCUMENT_SPEAKER_COLUMNS",
    "ERROR_COLUMNS", "LINE_BREAK_CHARS", "MIGRATIONS", "PARAGRAPH_CONTEXT_CHARS", "QUOTE_COLUMNS",
    "SCHEMA_VERSION", "SPEAKER_COLUMNS", "STAGED_TABLES", "VIEWS", "Store", "merge",
    "paragraph_around", "quote_id", "speaker_id",
]
