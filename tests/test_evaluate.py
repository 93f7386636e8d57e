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


def test_chain_figures_agree_with_the_reference_chain_scorer(tmp_path):
    import subprocess
    import sys

    from quotes.evaluate import score_chains

    gold = load_jsonl(EVAL / "chains.dev.jsonl")
    rng = random.Random(7)
    preds = {}
    for doc_id, doc in gold.items():
        quotes = []
        for q in doc["quotes"]:
            if rng.random() < 0.1:
                continue
            chain = list(q["source_chain"]) if rng.random() < 0.6 else q["source_chain"][-1:]
            addressee = q.get("addressee") if rng.random() < 0.7 else None
            quotes.append({"start": q["start"], "end": q["end"], "speaker": q["speaker"], "addressee": addressee,
                           "source_chain": chain})
        preds[doc_id] = {"id": doc_id, "quotes": quotes}
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds.values()), encoding="utf-8")
    run = subprocess.run([sys.executable, str(EVAL / "score_chains.py"), str(EVAL / "chains.dev.jsonl"), str(pred_path)],
                         capture_output=True, text=True, check=True)
    theirs = json.loads(run.stdout[: run.stdout.rindex("}") + 1])
    ours = score_chains(gold, preds)
    assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True)
    assert 0 < ours["relayed"]["chain"] < 1 and 0 < ours["all"]["addressee"] < 1


def test_chain_figures_are_left_out_where_the_gold_has_no_chains():
    from quotes.evaluate import score_chains

    gold = {"a": {"text": "“Yes,” she said.", "quotes": [{"start": 1, "end": 4, "speaker": "Ann"}]}}
    assert score_chains(gold, {"a": {"quotes": []}}) is None
