"""quotes.evaluate gives the figures of the reference scorer (../shared/eval/score.py)."""
from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from quotes.evaluate import load_jsonl, same_speaker, score

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
pytestmark = pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="../shared/eval is not here (a user's clone)")


def reference():
    spec = importlib.util.spec_from_file_location("reference_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def perturbed(gold: dict[str, dict], seed: int) -> dict[str, dict]:
    """Predictions made from gold: shifted and cut spans, wrong speakers, dropped and extra quotes."""
    rng = random.Random(seed)
    preds = {}
    for doc_id, doc in gold.items():
        quotes = []
        for q in doc["quotes"]:
            roll = rng.random()
            if roll < 0.15:
                continue
            start, end = q["start"], q["end"]
            if roll < 0.4:
                start = min(end - 1, start + rng.randint(0, (end - start) // 2))
            speaker = q.get("speaker") if rng.random() < 0.7 else "Somebody Else"
            quotes.append({"start": start, "end": end, "speaker": speaker, "kind": q.get("kind"),
                           "speaker_mention": q.get("speaker_mention"), "source_chain": q.get("source_chain")})
        if doc["text"]:
            quotes.append({"start": 0, "end": min(len(doc["text"]), 40), "speaker": "Nobody", "kind": "direct"})
        preds[doc_id] = {"id": doc_id, "quotes": quotes}
    return preds


@pytest.mark.parametrize("corpus, key", [("seed.gold.jsonl", "speaker"), ("ggt_en.dev.jsonl", "speaker"),
                                          ("ggt_en.dev.jsonl", "mention")])
def test_figures_agree_with_the_reference_scorer(corpus, key):
    gold = load_jsonl(EVAL / corpus)
    preds = perturbed(gold, seed=len(corpus))
    ours = score(gold, preds, key)
    theirs = reference().score(gold, preds, key)
    assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True)
    assert 0 < ours["span"]["f"] < 1  # the perturbations really cost something


def test_names_match_as_the_scorer_says():
    assert same_speaker("de Mistura", "Staffan de Mistura")
    assert same_speaker("President Erdoğan", "Recep Tayyip Erdoğan")
    assert not same_speaker("Akar", "Shoygu")
    assert not same_speaker(None, "Shoygu")
