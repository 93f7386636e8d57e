"""Score extraction against annotated news, beside textacy's ``direct_quotations`` baseline.

The figures follow the reference scorer of the shared evaluation data (``score.py``) exactly:

* a predicted quote matches a gold one when their character spans, trimmed of quote marks,
  spaces and trailing punctuation, overlap by at least half their union (Jaccard >= 0.5);
  matching is one-to-one, largest overlap first; gold marked ``optional`` never counts;
* span, exact (identical trimmed boundaries) and end-to-end (span and speaker right) P/R/F1;
* speaker accuracy on matched quotes: names compared as token sets without titles, last tokens
  equal (``speaker_key="speaker"``), or surface mentions contained in one another ("mention");
* chain: of matched gold quotes with 2+ links, the share whose chain is right; kind likewise;
* with gold that annotates chains and addressees (the seed, chains.dev), :func:`score_chains`
  gives the figures of the reference ``score_chains.py``: found, chain, addressee, speaker for
  relayed quotes and controls.
"""
from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from .marks import trim
from .records import Article

# Confidence bands of the speaker (the last includes 1.0), and the most confident share reported.
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0))
TOP_SHARE = 0.8
TRIM = " \t\n\"'“”‘’«»„‟‹›,.;:!?-—–"
TITLES = {"mr", "mrs", "ms", "dr", "the", "president", "minister", "envoy", "sir", "prof"}


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    return trim(text, start, end, TRIM)


def _name_tokens(name: str | None) -> list[str]:
    tokens = re.findall(r"[\w’']+", (name or "").lower().replace("’s", "").replace("'s", ""))
    return [t for t in tokens if t not in TITLES]


def same_speaker(pred: str | None, gold: str | None) -> bool:
    """Resolved names agree: one's tokens contain the other's and the last tokens are equal.

    >>> same_speaker("de Mistura", "Staffan de Mistura"), same_speaker("Akar", "Shoygu")
    (True, False)
    """
    p, g = _name_tokens(pred), _name_tokens(gold)
    return bool(p and g) and p[-1] == g[-1] and (set(p) <= set(g) or set(g) <= set(p))


def same_mention(pred: str | None, gold: str | None) -> bool:
    p, g = _name_tokens(pred), _name_tokens(gold)
    return bool(p and g) and (set(p) <= set(g) or set(g) <= set(p))


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}


def match_quotes(text: str, preds: list[dict], golds: list[dict], min_jaccard: float = 0.5) -> list[tuple[dict, dict]]:
    """Pairs (predicted, gold) matched one to one, the best overlap first (Jaccard of the
    trimmed character spans at least ``min_jaccard``); each dict gains its trimmed ``_span``."""
    spans_p = [_trim(text, int(q["start"]), int(q["end"])) for q in preds]
    spans_g = [_trim(text, q["start"], q["end"]) for q in golds]
    pairs = []
    for i, (ps, pe) in enumerate(spans_p):
        for j, (gs, ge) in enumerate(spans_g):
            inter = max(0, min(pe, ge) - max(ps, gs))
            union = max(pe, ge) - min(ps, gs)
            if union and inter / union >= min_jaccard:
                pairs.append((inter / union, i, j))
    used_p, used_g, matched = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matched.append((i, j))
    return [(preds[i] | {"_span": spans_p[i]}, golds[j] | {"_span": spans_g[j]}) for i, j in matched]


def score(gold_docs: dict[str, dict], pred_docs: dict[str, dict], speaker_key: str = "speaker",
          min_jaccard: float = 0.5) -> dict[str, Any]:
    """Figures for ``pred_docs`` against ``gold_docs`` (both keyed by document id)."""
    c = dict.fromkeys(("tp", "fp", "fn", "xtp", "xfp", "xfn", "spk", "chain_n", "chain_ok", "kind_n", "kind_ok"), 0)
    confidences: list[tuple[float | None, bool]] = []
    for doc_id, gold in gold_docs.items():
        text = gold["text"]
        preds = [q for q in pred_docs.get(doc_id, {}).get("quotes", [])
                 if 0 <= int(q["start"]) < int(q["end"]) <= len(text)]
        golds = gold["quotes"]
        matched = match_quotes(text, preds, golds, min_jaccard)
        for p, g in matched:
            if g.get("optional"):
                continue
            c["tp"] += 1
            exact = p["_span"] == g["_span"]
            c["xtp"] += exact
            c["xfp"] += not exact
            c["xfn"] += not exact
            if speaker_key == "mention":
                right = same_mention(p.get("speaker_mention") or p.get("speaker"), g.get("speaker_mention"))
            else:
                right = same_speaker(p.get("speaker"), g.get("speaker"))
            c["spk"] += right
            confidences.append((p.get("speaker_confidence"), right))
            if g.get("kind") and p.get("kind"):
                c["kind_n"] += 1
                c["kind_ok"] += p["kind"] == g["kind"]
            chain = g.get("source_chain") or []
            if len(chain) >= 2:
                pred_chain = [x for x in (p.get("source_chain") or []) if x]
                c["chain_n"] += 1
                c["chain_ok"] += len(pred_chain) == len(chain) and all(map(same_speaker, pred_chain, chain))
        unmatched = len(preds) - len(matched)
        missed = sum(1 for g in golds if not g.get("optional")) - sum(1 for _, g in matched if not g.get("optional"))
        c["fp"] += unmatched
        c["xfp"] += unmatched
        c["fn"] += missed
        c["xfn"] += missed
    return {
        "docs": len(gold_docs),
        "span": _prf(c["tp"], c["fp"], c["fn"]),
        "exact": _prf(c["xtp"], c["xfp"], c["xfn"]),
        "speaker": c["spk"] / c["tp"] if c["tp"] else 0.0,
        "end2end": _prf(c["spk"], c["fp"] + c["tp"] - c["spk"], c["fn"] + c["tp"] - c["spk"]),
        "chain": c["chain_ok"] / c["chain_n"] if c["chain_n"] else None,
        "kind": c["kind_ok"] / c["kind_n"] if c["kind_n"] else None,
        "counts": c | {"e2e": c["spk"]},  # the reference scorer counts end-to-end hits apart
        # by band of speaker confidence, when the predictions carry one
        **({"confidence": report} if (report := confidence_report(confidences)) else {}),
    }


def score_chains(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> dict[str, dict[str, float]] | None:
    """Source chains and addressees, as the reference ``score_chains.py`` scores them (None when
    the gold annotates no chains).

    Each gold quote is matched to the predicted quote of largest trimmed-character Jaccard (at
    least 0.5; not one-to-one). On found quotes: speaker, addressee (both null, or the same name)
    and chain (same length, every link the same name), for all quotes, relayed ones (gold chain
    of 2+ links) and controls (1 link).
    """
    rows = []
    for doc_id, gold in gold_docs.items():
        text, preds = gold["text"], pred_docs.get(doc_id, {}).get("quotes", [])
        for g in gold["quotes"]:
            if "source_chain" not in g or "addressee" not in g:
                continue
            best = max(preds, key=lambda p: _jaccard(text, p, g), default=None)
            hit = best is not None and _jaccard(text, best, g) >= 0.5
            chain = [x for x in (best or {}).get("source_chain") or [] if x]
            rows.append({
                "relay": len(g["source_chain"]) > 1, "found": hit,
                "speaker": hit and _same_name(best.get("speaker"), g.get("speaker")),
                "addressee": hit and _same_name(best.get("addressee"), g.get("addressee")),
                "chain": hit and len(chain) == len(g["source_chain"]) and all(map(same_speaker, chain, g["source_chain"])),
            })
    if not rows:
        return None
    out = {}
    for name, sub in (("all", rows), ("relayed", [r for r in rows if r["relay"]]), ("controls", [r for r in rows if not r["relay"]])):
        found = [r for r in sub if r["found"]]
        out[name] = {"n": len(sub), "found": len(found) / (len(sub) or 1),
                     **{k: sum(r[k] for r in found) / (len(found) or 1) for k in ("speaker", "addressee", "chain")}}
    return out


def _jaccard(text: str, a: dict, b: dict) -> float:
    a0, a1 = _trim(text, int(a["start"]), int(a["end"]))
    b0, b1 = _trim(text, b["start"], b["end"])
    inter, union = max(0, min(a1, b1) - max(a0, b0)), max(a1, b1) - min(a0, b0)
    return inter / union if union > 0 else 0.0


def _same_name(pred: str | None, gold: str | None) -> bool:
    return (not pred and not gold) or bool(pred and gold and same_speaker(pred, gold))


def textacy_quotes(doc) -> list[dict[str, Any]]:
    """textacy's ``direct_quotations`` as prediction dicts (its speaker is the raw mention)."""
    from textacy.extract.triples import direct_quotations

    try:
        triples = list(direct_quotations(doc))
    except ValueError:  # textacy gives up on an odd number of quotation marks
        return []
    out = []
    for speaker, cue, content in triples:
        mention = " ".join(t.text for t in speaker)
        out.append({"start": content.start_char, "end": content.end_char, "kind": "direct",
                    "speaker": mention, "speaker_mention": mention, "cue": " ".join(t.text for t in cue)})
    return out


def load_jsonl(path: str | Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {d["id"]: d for d in map(json.loads, filter(str.strip, f))}


def predict(gold_docs: Iterable[dict], extractor=None, batch_size: int = 16, n_process: int = 1,
            baseline: bool = True) -> tuple[dict[str, dict], dict[str, dict]]:
    """Our predictions and textacy's, from one parse of each document.

    textacy needs the parsed Docs, so with ``baseline`` the extraction runs in this process;
    without it ``n_process`` workers may share the work.
    """
    from .extractor import Extractor

    extractor = extractor or Extractor()
    theirs: dict[str, dict] = {}

    def run_baseline(piece, doc) -> None:
        base = theirs.setdefault(piece.document.doc_id, {"id": piece.document.doc_id, "quotes": []})
        for q in textacy_quotes(doc):
            start, end = piece.source_span(q["start"], q["end"])
            base["quotes"].append(q | {"start": start, "end": end})

    # the article's publisher, as the evaluation data gives it, is never a conduit of its quotes
    documents = ({"id": d["id"], "text": d["text"], "publisher": d.get("publisher") or d.get("meta", {}).get("publisher")}
                 for d in gold_docs)
    if baseline:
        results = extractor.articles(documents, batch_size, on_doc=run_baseline)
    else:
        results = extractor.pipe(documents, batch_size, n_process=n_process, on_error="yield")
    ours: dict[str, dict] = {}
    for result in results:
        article = result if isinstance(result, Article) else Article(result.document)
        ours[article.id] = article.to_dict()
    return ours, theirs


def band_of(confidence: float) -> int:
    """Index into BANDS: [0, .5), [.5, .7), [.7, .8), [.8, .9), [.9, 1] (values outside clamp)."""
    for i, (_, hi) in enumerate(BANDS[:-1]):
        if confidence < hi:
            return i
    return len(BANDS) - 1


def confidence_report(rows: Sequence[tuple[float | None, bool]], top_share: float = TOP_SHARE) -> dict[str, Any] | None:
    """Bands, calibration and the most confident share for ``(confidence, right)`` pairs.

    None when no pair has a confidence. Pairs without one are counted (``missing``) and left out.
    """
    scored = [(float(c), bool(ok)) for c, ok in rows if c is not None]
    if not scored:
        return None
    bands = []
    for i, (lo, hi) in enumerate(BANDS):
        inside = [(c, ok) for c, ok in scored if band_of(c) == i]
        n = len(inside)
        acc = sum(ok for _, ok in inside) / n if n else None
        mean = sum(c for c, _ in inside) / n if n else None
        bands.append({"band": f"{lo:.1f}-{hi:.1f}", "n": n, "accuracy": acc, "mean_confidence": mean,
                      "gap": abs(acc - mean) if n else None})
    order = sorted(range(len(scored)), key=lambda i: -scored[i][0])  # stable: ties in input order
    k = max(1, math.ceil(top_share * len(scored)))
    top = [scored[i] for i in order[:k]]
    return {
        "n": len(scored), "missing": len(rows) - len(scored),
        "accuracy": sum(ok for _, ok in scored) / len(scored),
        "bands": bands,
        "max_gap": max((b["gap"] for b in bands if b["n"]), default=0.0),
        "weighted_gap": sum(b["gap"] * b["n"] for b in bands if b["n"]) / len(scored),
        "top": {"share": top_share, "n": k, "accuracy": sum(ok for _, ok in top) / k, "threshold": top[-1][0]},
    }


def print_confidence(rep: dict[str, Any] | None, out) -> None:
    if rep is None:
        print("  confidence: none (predicted quotes carry no speaker_confidence)", file=out)
        return
    missing = f", {rep['missing']} without one" if rep["missing"] else ""
    print(f"  confidence: {rep['n']} matched quotes with one{missing}", file=out)
    print(f"    {'band':9} {'n':>5} {'mean':>6} {'acc':>6} {'gap':>6}", file=out)
    for b in rep["bands"]:
        if b["n"]:
            print(f"    {b['band']:9} {b['n']:5d} {b['mean_confidence']:6.3f} {b['accuracy']:6.3f} {b['gap']:6.3f}", file=out)
        else:
            print(f"    {b['band']:9} {0:5d}      -      -      -", file=out)
    t = rep["top"]
    print(f"    calibration gap: max {rep['max_gap']:.3f}, weighted {rep['weighted_gap']:.3f}", file=out)
    print(f"    most confident {t['share']:.0%}: {t['n']} quotes (confidence >= {t['threshold']:.3f}), "
          f"speaker accuracy {t['accuracy']:.3f}", file=out)


def report(results: dict[str, dict[str, Any]], out: TextIO | None = None) -> None:
    """Print the figures of each system side by side (on ``out``, by default the current stdout)."""
    out = out or sys.stdout
    names = list(results)
    fmt = lambda d: f"P {d['p']:.3f} R {d['r']:.3f} F1 {d['f']:.3f}"
    opt = lambda v: "-" if v is None else f"{v:.3f}"
    rows = [
        ("span", lambda r: fmt(r["span"])),
        ("exact", lambda r: fmt(r["exact"])),
        ("speaker", lambda r: f"{r['speaker']:.3f}"),
        ("end2end", lambda r: fmt(r["end2end"])),
        ("chain", lambda r: opt(r["chain"])),
        ("kind", lambda r: opt(r["kind"])),
        ("quotes", lambda r: f"{r['counts']['tp'] + r['counts']['fp']} predicted, {r['counts']['tp'] + r['counts']['fn']} gold"),
    ]
    width = 34
    print(f"{'':9}" + "".join(f"{n:<{width}}" for n in names), file=out)
    for label, cell in rows:
        print(f"{label:9}" + "".join(f"{cell(results[n]):<{width}}" for n in names), file=out)


def main(gold_path: str | Path, speaker_key: str = "speaker", pred_path: str | Path | None = None,
         n_process: int = 1, baseline: bool = True, model: str | None = None, out: TextIO | None = None,
         cues: str | Path | None = None) -> dict[str, Any]:
    """Extract from the gold file's texts, print the figures, return ours.

    ``model`` and ``cues`` (a TSV of ``lemma<TAB>role`` replacing the bundled cue list) say which
    extractor to build.
    """
    out = out or sys.stdout
    from .extractor import Extractor

    gold = load_jsonl(gold_path)
    extractor = Extractor(model=model, cues=str(cues) if cues else None)
    ours, theirs = predict(gold.values(), extractor, n_process=n_process, baseline=baseline)
    if pred_path:
        with open(pred_path, "w", encoding="utf-8") as f:
            for article in ours.values():
                f.write(json.dumps(article, ensure_ascii=False) + "\n")
    results = {"quotes": score(gold, ours, speaker_key)}
    if baseline:
        results["textacy"] = score(gold, theirs, speaker_key)
    print(f"{Path(gold_path).name}: {len(gold)} documents, speakers compared as {speaker_key}", file=out)
    report(results, out)
    if "confidence" in results["quotes"]:
        print("speaker confidence of quotes:", file=out)
        print_confidence(results["quotes"]["confidence"], out)
    chains = score_chains(gold, ours)
    if chains is not None:
        results["quotes"]["chains"] = chains
        for name in ("relayed", "controls", "all"):
            c = chains[name]
            print(f"chains {name:9}n={c['n']:<4} found {c['found']:.3f}  chain {c['chain']:.3f}  "
                  f"addressee {c['addressee']:.3f}  speaker {c['speaker']:.3f}", file=out)
    return results["quotes"]
