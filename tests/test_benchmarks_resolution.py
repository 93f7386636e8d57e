"""benchmarks/resolution.py: the GGT folds, the GUM alignment rule and the confidence bands.

No model is loaded: predictions are written by hand. Tests that read ../shared skip without it.
"""
from __future__ import annotations

import importlib.util
import io
import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GGT_DEV = SHARED / "eval" / "ggt_en.dev.jsonl"
GUM = SHARED / "coref" / "gum.jsonl"

_spec = importlib.util.spec_from_file_location("benchmarks_resolution", ROOT / "benchmarks" / "resolution.py")
res = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(res)

needs_ggt = pytest.mark.skipif(not GGT_DEV.exists(), reason="../shared/eval/ggt_en.dev.jsonl is absent")
needs_gum = pytest.mark.skipif(not GUM.exists(), reason="../shared/coref/gum.jsonl is absent")


# --- folds ---------------------------------------------------------------------------------------

def test_fold_is_stable_and_per_document():
    # fixed values: a change of salt or rule would move documents between folds silently
    assert [res.fold_of(i) for i in ("doc-1", "doc-2", "doc-3", "doc-4", "doc-5")] == ["A", "A", "B", "B", "A"]
    assert res.fold_of("5c1452701e67d78e276ee126") == "B"
    assert res.fold_of("doc-3") == res.fold_of("doc-3")
    # a document's fold does not depend on the others
    docs = {f"d{i}": {"id": f"d{i}"} for i in range(50)}
    alone = {k: res.fold_of(k) for k in docs}
    folds = res.split_folds(docs)
    assert all(k in folds[alone[k]] for k in docs)


def test_folds_are_balanced_disjoint_and_covering():
    docs = {f"article-{i:04d}": {"id": f"article-{i:04d}"} for i in range(2000)}
    folds = res.split_folds(docs)
    assert set(folds) == {"A", "B"}
    assert not set(folds["A"]) & set(folds["B"])
    assert set(folds["A"]) | set(folds["B"]) == set(docs)
    assert 0.45 < len(folds["A"]) / len(docs) < 0.55
    assert list(folds["A"]) == [k for k in docs if k in folds["A"]]  # input order kept


@needs_ggt
def test_ggt_dev_folds():
    gold = res.load_jsonl(GGT_DEV)
    folds = res.split_folds(gold)
    assert (len(folds["A"]), len(folds["B"])) == (29, 30)
    assert (sum(len(d["quotes"]) for d in folds["A"].values()),
            sum(len(d["quotes"]) for d in folds["B"].values())) == (436, 462)


def test_write_folds(tmp_path):
    gold = tmp_path / "gold.jsonl"
    ids = [f"doc-{i}" for i in range(1, 6)]
    gold.write_text("".join(json.dumps({"id": i, "text": "x", "quotes": []}) + "\n" for i in ids), encoding="utf-8")
    paths = res.write_folds(gold, tmp_path / "out")
    got = {f: [json.loads(line)["id"] for line in p.read_text().splitlines()] for f, p in paths.items()}
    assert got == {"A": ["doc-1", "doc-2", "doc-5"], "B": ["doc-3", "doc-4"]}
    with pytest.raises(SystemExit):  # the evaluation data never goes into the repository
        res.write_folds(gold, ROOT / "build-folds")
    assert not (ROOT / "build-folds").exists()


@needs_ggt
def test_folds_command(tmp_path, capsys):
    assert res.main(["folds", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "fold A: 29 docs, 436 quotes" in out and "fold B: 30 docs, 462 quotes" in out
    assert len((tmp_path / "ggt_en.dev.A.jsonl").read_text().splitlines()) == 29


# --- GGT scoring per fold ------------------------------------------------------------------------

def _ggt_like():
    text_a = "“We are ready,” Smith said. Jones said the talks failed."
    text_b = "“No,” she said."
    q = lambda text, piece, speaker, **kw: {"start": text.index(piece), "end": text.index(piece) + len(piece),
                                            "text": piece, "kind": "direct", "speaker": speaker, **kw}
    gold = {
        "doc-1": {"id": "doc-1", "text": text_a, "quotes": [
            q(text_a, "“We are ready,”", "John Smith", speaker_mention="Smith", speaker_start=16, speaker_end=21),
            q(text_a, "the talks failed", "Ann Jones", speaker_mention="Jones", speaker_start=28, speaker_end=33)]},
        "doc-3": {"id": "doc-3", "text": text_b, "quotes": [
            q(text_b, "“No,”", "Mary Brown", speaker_mention="she", speaker_start=6, speaker_end=9)]},
    }
    preds = {
        "doc-1": {"id": "doc-1", "quotes": [
            q(text_a, "We are ready", "Smith", speaker_start=16, speaker_end=21, speaker_confidence=0.95),
            q(text_a, "the talks failed", "Smith", speaker_start=16, speaker_end=21, speaker_confidence=0.4)]},
        "doc-3": {"id": "doc-3", "quotes": [
            q(text_b, "“No,”", "she", speaker_start=6, speaker_end=9, speaker_confidence=0.6),
            q(text_b, "she said", "she")]},  # a false positive
    }
    return gold, preds


def test_ggt_figures_per_fold():
    gold, preds = _ggt_like()
    assert (res.fold_of("doc-1"), res.fold_of("doc-3")) == ("A", "B")
    fig = res.ggt_figures(gold, preds)
    assert fig["A"]["docs"] == 1 and fig["B"]["docs"] == 1 and fig["all"]["docs"] == 2
    assert fig["A"]["speaker"] == 0.5 and fig["A"]["span"]["f"] == 1.0
    assert fig["B"]["speaker"] == 0.0 and fig["B"]["span"]["p"] == 0.5
    assert fig["all"]["counts"]["tp"] == 3 and fig["all"]["counts"]["spk"] == 1
    assert fig["all"]["confidence"]["n"] == 3
    out = io.StringIO()
    res.print_ggt(fig, out)
    assert "fold A (develop)" in out.getvalue() and "fold B (kept aside)" in out.getvalue()


def test_dump_ggt_errors_separates_attribution_from_resolution():
    gold, preds = _ggt_like()
    out = io.StringIO()
    res.dump_ggt_errors(gold, preds, "all", out)
    text = out.getvalue()
    assert "wrong speakers, fold all: 2" in text
    assert "other mention, another name" in text  # Jones's words given to Smith's mention
    assert "same mention, unresolved (pronoun or description)" in text  # "she" left unresolved
    assert "<<[[she>>pred]]gold" in text
    out = io.StringIO()
    res.dump_ggt_errors(gold, preds, "A", out)
    assert "fold A: 1" in out.getvalue() and "doc-3" not in out.getvalue()


def test_quote_prediction_keeps_speaker_offsets():
    from quotes.records import Quote

    quote = Quote(start=0, end=5, text="“No,”", kind="direct", speaker="Mary Brown", speaker_mention="she",
                  speaker_start=6, speaker_end=9)
    d = res.quote_prediction(quote)
    assert (d["speaker_start"], d["speaker_end"], d["speaker"]) == (6, 9, "Mary Brown")


# --- confidence ----------------------------------------------------------------------------------

def test_bands_boundaries():
    assert [res.band_of(c) for c in (0.0, 0.49, 0.5, 0.69, 0.7, 0.8, 0.89, 0.9, 1.0, 1.2)] == [0, 0, 1, 1, 2, 3, 3, 4, 4, 4]
    assert [f"{lo:.1f}-{hi:.1f}" for lo, hi in res.BANDS] == ["0.0-0.5", "0.5-0.7", "0.7-0.8", "0.8-0.9", "0.9-1.0"]


def test_confidence_report():
    rows = [(0.95, True), (0.92, True), (0.91, False), (0.85, True), (0.75, True),
            (0.6, False), (0.55, True), (0.3, False), (0.2, False), (0.1, True), (None, True)]
    rep = res.confidence_report(rows)
    assert rep["n"] == 10 and rep["missing"] == 1
    bands = {b["band"]: b for b in rep["bands"]}
    assert bands["0.9-1.0"]["n"] == 3 and bands["0.9-1.0"]["accuracy"] == pytest.approx(2 / 3)
    assert bands["0.9-1.0"]["mean_confidence"] == pytest.approx((0.95 + 0.92 + 0.91) / 3)
    assert bands["0.9-1.0"]["gap"] == pytest.approx(abs(2 / 3 - (0.95 + 0.92 + 0.91) / 3))
    assert bands["0.0-0.5"]["n"] == 3 and bands["0.0-0.5"]["accuracy"] == pytest.approx(1 / 3)
    assert bands["0.7-0.8"]["n"] == 1 and bands["0.8-0.9"]["n"] == 1 and bands["0.5-0.7"]["n"] == 2
    # the most confident 80% of 10: the top 8, down to 0.3
    assert rep["top"]["n"] == 8 and rep["top"]["threshold"] == 0.3
    assert rep["top"]["accuracy"] == pytest.approx(5 / 8)
    assert rep["weighted_gap"] == pytest.approx(sum(b["gap"] * b["n"] for b in rep["bands"] if b["n"]) / 10)
    assert rep["max_gap"] == max(b["gap"] for b in rep["bands"] if b["n"])
    assert res.confidence_report([(None, True), (None, False)]) is None
    # ties are taken in input order; a share that is not whole rounds up
    tied = res.confidence_report([(0.9, False), (0.9, True), (0.9, True)], top_share=0.5)
    assert tied["top"]["n"] == 2 and tied["top"]["accuracy"] == 0.5
    out = io.StringIO()
    res.print_confidence(rep, out)
    assert "most confident 80%: 8 quotes" in out.getvalue()


# --- GUM alignment -------------------------------------------------------------------------------

TEXT = ("Donald Trump 's aide said no . The president of France said yes . He said maybe . "
        "A man said so . Galois ' cousin , Gabriel Demante , said it .")


def _m(piece, entity, nth=0, **kw):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(piece, start + 1)
    return {"start": start, "end": start + len(piece), "text": piece, "entity": entity,
            "type": kw.pop("type", "person"), "identity": kw.pop("identity", None), "proper": kw.pop("proper", False)}


MENTIONS = [
    _m("Donald Trump 's", 1, identity="Donald Trump", proper=True),
    _m("Donald Trump 's aide", 2),
    _m("The president of France", 3, identity="Emmanuel Macron %28politician%29"),
    _m("France", 4, type="place", identity="France", proper=True),
    _m("He", 3, identity="Emmanuel Macron %28politician%29"),
    _m("A man", 5),
    _m("Galois ' cousin", 6, proper=True),
    _m("Gabriel Demante", 6, proper=True),
    _m("Galois", 7, proper=True),
]
GUM_DOC = {"id": "GUM_news_test", "genre": "news", "text": TEXT, "mentions": MENTIONS}


def _span(piece, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(piece, start + 1)
    return start, start + len(piece)


def test_gum_like_record_is_consistent():
    assert all(TEXT[m["start"]:m["end"]] == m["text"] for m in MENTIONS)


def test_core_strips_punctuation_and_possessive():
    assert TEXT[slice(*res.core(TEXT, *_span("Donald Trump 's")))] == "Donald Trump"
    t = "“Jones’s”, he said"
    assert t[slice(*res.core(t, 0, 10))] == "Jones"
    assert t[slice(*res.core(t, 0, 4))] == "Jon"


def test_align_exact_beats_nesting():
    # "Donald Trump" is the core of the gold "Donald Trump 's", not of the aide's mention around it
    m, rule = res.align(TEXT, *_span("Donald Trump"), MENTIONS)
    assert (m["entity"], rule) == (1, "exact")
    m, rule = res.align(TEXT, *_span("Donald Trump 's aide"), MENTIONS)
    assert (m["entity"], rule) == (2, "exact")


def test_align_same_last_token_then_largest_overlap():
    # "president of France" ends where both "The president of France" and "France" end: the larger wins
    m, rule = res.align(TEXT, *_span("president of France"), MENTIONS)
    assert (m["entity"], rule) == (3, "head")
    # no gold mention ends with "president of": the largest overlap
    m, rule = res.align(TEXT, *_span("president of"), MENTIONS)
    assert (m["entity"], rule) == (3, "overlap")
    # of nested mentions overlapping as much, the shorter (innermost)
    m, rule = res.align(TEXT, *_span("France said"), MENTIONS)
    assert (m["entity"], rule) == (4, "overlap")
    assert res.align(TEXT, *_span("said no"), MENTIONS) == (None, None)


def test_entity_names():
    names = res.entity_names(MENTIONS)
    assert names[1]["name"] == "Donald Trump" and names[1]["source"] == "identity"
    assert names[3]["name"] == "Emmanuel Macron"  # percent-escapes decoded, disambiguation dropped
    assert names[2]["name"] is None and names[5]["name"] is None
    assert names[6]["name"] == "Gabriel Demante"  # a name-like proper mention beats a longer description
    assert names[7]["name"] == "Galois" and names[7]["source"] == "proper"
    assert res.identity_name("Kim Min%2Dwoo_%28footballer%29") == "Kim Min-woo"
    assert res.name_like("Theodorus of Tabennese") and res.name_like("the Flag Consideration Project")
    assert not res.name_like("Galois ' cousin")


def test_mention_kind():
    kinds = [res.mention_kind(TEXT, m) for m in MENTIONS]
    assert kinds == ["name", "description", "description", "name", "pronoun", "description", "name", "name", "name"]


def test_same_name_folds_diacritics():
    assert res.same_name("Hernan Dario Gomez", "Hernán Darío Gómez")
    assert res.same_name("Macron", "Emmanuel Macron") and not res.same_name("Trump", "Emmanuel Macron")


def _q(span, speaker, **kw):
    return {"start": 0, "end": 1, "speaker": speaker, "speaker_start": span[0] if span else None,
            "speaker_end": span[1] if span else None, **kw}


def test_gum_rows_and_figures():
    preds = {"GUM_news_test": {"id": "GUM_news_test", "quotes": [
        _q(_span("Donald Trump"), "Donald J. Trump", speaker_confidence=0.9),  # right (Trump ~ Donald Trump)
        _q(_span("He"), "Macron", speaker_confidence=0.8),                   # right: pronoun resolved
        _q(_span("The president of France"), "France"),                      # wrong
        _q(_span("Donald Trump 's aide"), "Trump's aide"),                   # nameless entity: skipped
        _q(None, "Someone"),                                                 # no offsets
        _q(_span("said no"), "Nobody"),                                      # unaligned
        _q(_span("Gabriel Demante"), "Demante"),                             # right
    ]}}
    rows, counts = res.gum_rows([GUM_DOC], preds)
    assert counts == Counter({"quotes": 7, "with a speaker mention": 6, "no mention offsets": 1, "aligned": 5,
                              "unaligned": 1, "nameless entity (skipped)": 1, "nameless entity, description": 1,
                              "scored": 4})
    assert [(r["kind"], r["right"]) for r in rows] == [("name", True), ("pronoun", True), ("description", False),
                                                      ("name", True)]
    fig = res.gum_figures(rows, counts)
    assert fig["overall"] == {"n": 4, "right": 3, "accuracy": 0.75}
    assert fig["kind"]["pronoun"] == {"n": 1, "right": 1, "accuracy": 1.0}
    assert fig["genre"]["news"]["n"] == 4
    assert fig["confidence"]["n"] == 2 and fig["confidence"]["missing"] == 2
    out = io.StringIO()
    res.print_gum(rows, counts, 1, out)
    assert "1 unaligned" in out.getvalue() and "1 skipped" in out.getvalue()
    out = io.StringIO()
    res.dump_gum_errors({"GUM_news_test": GUM_DOC}, rows, out)
    assert "<<The president of France>>" in out.getvalue()


def test_lenient_accepts_any_proper_mention():
    doc = {"id": "d", "genre": "bio", "text": "Chris Gregoire said so .", "mentions": [
        {"start": 0, "end": 14, "text": "Chris Gregoire", "entity": 1, "type": "person",
         "identity": "Christine Gregoire", "proper": True}]}
    rows, _ = res.gum_rows([doc], {"d": {"id": "d", "quotes": [_q((0, 14), "Chris Gregoire")]}})
    assert not rows[0]["right"] and rows[0]["lenient"]


@needs_gum
def test_gum_file_shape():
    with open(GUM, encoding="utf-8") as f:
        doc = json.loads(f.readline())
    assert {"id", "genre", "text", "mentions"} <= set(doc)
    m = doc["mentions"][0]
    assert doc["text"][m["start"]:m["end"]] == m["text"]
    assert res.align(doc["text"], m["start"], m["end"], doc["mentions"])[1] == "exact"
