"""Acceptance on the seed article (fixtures/sochi-idlib-article.txt, annotated in ../shared/eval)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import quotes
from quotes.evaluate import same_speaker, score

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "fixtures" / "sochi-idlib-article.txt"
GOLD = ROOT.parent / "shared" / "eval" / "seed.gold.jsonl"


@pytest.fixture(scope="module")
def article(extractor) -> quotes.Article:
    return extractor.extract(ARTICLE.read_text("utf-8"), doc_id="seed", publisher="Hurriyet Daily News")


def find(article, fragment):
    hits = [q for q in article.quotes if fragment in q.text]
    assert len(hits) == 1, (fragment, [q.text for q in article.quotes])
    return hits[0]


def test_reuters_quote_has_its_chain_and_addressee(article):
    quote = find(article, "Moscow and Ankara needed to take swift decisions")
    assert (quote.kind, quote.cue, quote.speaker) == ("indirect", "telling", "Sergey Shoygu")
    assert quote.speaker_mention == "the Russian minister"
    assert quote.source_chain == ["Reuters", "Sergey Shoygu"]
    assert quote.addressee == "Hulusi Akar"


def test_envoy_quotes_resolve_to_de_mistura(article):
    expected = [
        ("he was ready to abandon efforts", "indirect", "signaled", "the U.N. envoy"),
        ("We are in the last days", "direct", "told", "envoy Staffan de Mistura"),
        ("We may have to conclude", "direct", "said", "the envoy"),
        ("I will certainly be ready", "direct", "warned", "he"),
        ("The United Nations is still hoping", "indirect", "said", "the envoy"),
    ]
    for fragment, kind, cue, mention in expected:
        quote = find(article, fragment)
        assert (quote.kind, quote.cue, quote.speaker, quote.speaker_mention) == (kind, cue, "Staffan de Mistura", mention)
    assert find(article, "We are in the last days").addressee == "Security Council"


def test_ministry_statement_quotes(article):
    mixed = find(article, "close all the remaining issues in Idlib")
    assert (mixed.kind, mixed.speaker, mixed.speaker_type) == ("mixed", "Russian Defense Ministry", "ORG")
    assert mixed.text.startswith("Turkish Minister Hulusi Akar")
    direct = find(article, "requires our immediate solution")
    assert (direct.kind, direct.speaker_mention, direct.speaker) == ("direct", "it", "Russian Defense Ministry")


def test_no_quote_from_headlines_or_scare_quotes(article):
    headlines = {line for line in article.text.splitlines() if line and not line.rstrip().endswith(".")}
    for quote in article.quotes:
        line = article.text[: quote.start].rsplit("\n", 1)[-1] + quote.text
        assert not any(line.startswith(h) for h in headlines)
    assert not any(q.text == "stabilization" for q in article.quotes)
    assert all(article.text[q.start:q.end] == q.text for q in article.quotes)


@pytest.mark.skipif(not GOLD.exists(), reason="../shared/eval is not here (a user's clone)")
def test_all_required_gold_quotes_found_with_right_speaker_kind_and_cue(article):
    gold = json.loads(GOLD.read_text("utf-8"))
    assert gold["text"] == article.text
    result = score({"seed": gold}, {"seed": article.to_dict()})
    assert result["span"]["r"] == 1.0 and result["speaker"] == 1.0 and result["chain"] == 1.0
    required = [q for q in gold["quotes"] if not q.get("optional")]
    for g in required:
        hit = next(q for q in article.quotes if q.start < g["end"] and g["start"] < q.end)
        assert same_speaker(hit.speaker, g["speaker"]) and hit.kind == g["kind"] and hit.cue == g["cue"], g
