"""The examples of docs/chains.md and docs/resolution.md are what the extractor does."""
from __future__ import annotations

from pathlib import Path

import pytest

CHAINS_DOC = Path(__file__).resolve().parent.parent / "docs" / "chains.md"


def examples() -> list[tuple[str, ...]]:
    """The rows of the table under '## Examples'."""
    section = CHAINS_DOC.read_text(encoding="utf-8").split("## Examples", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    return [tuple(cell.strip() for cell in row.strip("|").split("|")) for row in rows[1:]]


def same(got: str | None, want: str) -> bool:
    return got is not None and got.lower().removeprefix("the ") == want.lower().removeprefix("the ")


def test_the_table_has_examples():
    assert len(examples()) >= 10


@pytest.mark.parametrize("publisher, text, words, chain, addressee", examples(), ids=lambda v: str(v)[:40])
def test_chains_doc_example(extractor, publisher, text, words, chain, addressee):
    quotes = [q for q in extractor.extract(text, publisher=publisher).quotes if words in q.text]
    assert quotes, text
    quote = min(quotes, key=lambda q: len(q.text))
    expected = chain.split(" → ")
    assert len(quote.source_chain) == len(expected) and all(map(same, quote.source_chain, expected)), quote.to_dict()
    if addressee == "—":
        assert quote.addressee is None, quote.to_dict()
    else:
        assert same(quote.addressee, addressee), quote.to_dict()


RESOLUTION_DOC = Path(__file__).resolve().parent.parent / "docs" / "resolution.md"


def test_resolution_doc_example_prints_what_it_says(capsys):
    """The Python example of docs/resolution.md, run as written, prints its comment line."""
    block = RESOLUTION_DOC.read_text(encoding="utf-8").split("```python\n", 1)[1].split("```", 1)[0]
    expected = [line.removeprefix("# ") for line in block.splitlines() if line.startswith("# ")]
    exec(compile(block, str(RESOLUTION_DOC), "exec"), {})
    assert capsys.readouterr().out.splitlines() == expected
