"""Plain records that flow out of extraction and into storage.

Everything here is a dataclass with ``to_dict()`` so that a quote can be written as JSON
(the prediction format of the evaluation scorer) or as database rows without spaCy.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    """One input text with its metadata, before extraction.

    ``origin`` says where it came from ("feed.jsonl:12", "articles/a.txt") so that errors can
    name the file and line.
    """

    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    origin: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def doc_id(self) -> str:
        """The given id, else a stable id derived from the text."""
        return self.id if self.id else self.content_hash[:16]


@dataclass
class Entity:
    """A real-world speaker, conduit or addressee as the document names it.

    ``name`` is the best (longest proper) name in the document, ``type`` a spaCy entity label
    (PERSON, ORG, GPE, NORP) or ``None`` for descriptions that never got a name ("a spokesperson"),
    ``descriptions`` the titles and appositions seen ("U.N. envoy for Syria").
    """

    name: str
    type: str | None = None
    descriptions: list[str] = field(default_factory=list)
    key: str | None = None  # unique in its article: quotes and chain links refer to it

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "descriptions": list(self.descriptions), "key": self.key}


@dataclass
class Link:
    """One link of a source chain: who passed the words on (``conduit``) or said them (``speaker``)."""

    name: str
    type: str | None = None
    role: str = "speaker"  # "conduit" | "speaker"
    cue: str | None = None  # how the words passed: "reported", "told", "according to", "said"
    key: str | None = None  # the article's entity, when the link is one
    mention: str | None = None  # the words of the article that name it ("the Post", "CNN's")
    start: int | None = None  # where they stand in the article
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "role": self.role, "cue": self.cue, "key": self.key,
                "mention": self.mention, "start": self.start, "end": self.end}


@dataclass
class Quote:
    """One quotation and its attribution.

    ``start``/``end`` are character offsets of the content in the document text, so
    ``text == document.text[start:end]``. ``kind`` is ``direct`` (all inside quotation marks),
    ``mixed`` (a paraphrase holding a quoted fragment) or ``indirect`` (reported speech).
    """

    start: int
    end: int
    text: str
    kind: str
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_type: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    addressee: str | None = None
    addressee_type: str | None = None
    chain: list[Link] = field(default_factory=list)
    speaker_key: str | None = None  # the article's entity (``Article.entities``) that speaks, if any
    addressee_key: str | None = None
    audience: str | None = None  # spoken to but no addressee: "reporters", "the crowd"
    # how likely the speaker is right, 0–1, calibrated: of speakers given 0.9 about nine in ten are
    speaker_confidence: float | None = None

    @property
    def source_chain(self) -> list[str]:
        """Names from the outermost conduit to the speaker, e.g. ``["Reuters", "Sergey Shoygu"]``."""
        return [link.name for link in self.chain]

    def to_dict(self) -> dict[str, Any]:
        """The prediction format of ``../shared/eval/README.md`` (plus cue and speaker offsets)."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "cue": self.cue,
            "speaker": self.speaker,
            "speaker_mention": self.speaker_mention,
            "speaker_type": self.speaker_type,
            "speaker_confidence": self.speaker_confidence,
            "addressee": self.addressee,
            "audience": self.audience,
            "source_chain": self.source_chain,
            "chain": [{k: v for k, v in link.to_dict().items() if k != "key"} for link in self.chain],
        }


@dataclass
class DocumentError:
    """Why one document gave no article: the stage that failed and its exception.

    ``traceback`` is set for a bug in quotes and left out when the input was at fault
    (``data_error``), so a user sees a plain message for bad data and a report to file for a bug.
    """

    document: Document
    stage: str
    error_type: str
    message: str
    traceback: str | None = None

    @property
    def origin(self) -> str:
        return self.document.origin or f"document id {self.document.doc_id}"

    @property
    def data_error(self) -> bool:
        return self.traceback is None

    def __str__(self) -> str:
        return f"{self.origin}: {self.stage} failed: {self.error_type}: {self.message}"


class ExtractionFailed(RuntimeError):
    """Raised by ``Extractor.pipe(on_error="raise")``: one document could not be extracted."""

    def __init__(self, error: DocumentError):
        self.error = error
        super().__init__(str(error) + (f"\n{error.traceback}" if error.traceback else ""))


@dataclass
class Article:
    """A document with the quotes found in it and the entities they name."""

    document: Document
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.document.doc_id

    @property
    def text(self) -> str:
        return self.document.text

    def entity(self, key: str | None) -> Entity | None:
        """The article's entity with ``key`` (``Quote.speaker_key``, ``Link.key``…), if any."""
        return next((e for e in self.entities if key is not None and e.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        meta = {k: getattr(self.document, k) for k in ("title", "url", "publisher", "published")}
        return {
            "id": self.id,
            **{k: v for k, v in meta.items() if v is not None},
            "quotes": [q.to_dict() for q in self.quotes],
        }
