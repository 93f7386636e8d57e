"""quotes: who said what, to whom, and through whom, in English news.

>>> import quotes
>>> extractor = quotes.Extractor()                      # doctest: +SKIP
>>> article = extractor.extract(text, doc_id="a1")       # doctest: +SKIP
>>> [(q.kind, q.speaker, q.cue, q.source_chain) for q in article.quotes]  # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .records import Article, Document, DocumentError, Entity, ExtractionFailed, Link, Quote

__all__ = ["Article", "Document", "DocumentError", "Entity", "ExtractionFailed", "Extractor", "Link", "Quote",
           "Store"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from .extractor import Extractor
    from .store import Store


def __getattr__(name: str) -> Any:
    # spaCy and sqlite-utils load only when used, so `quotes --help` and `import quotes` stay quick.
    if name == "Extractor":
        from .extractor import Extractor

        return Extractor
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(name)
