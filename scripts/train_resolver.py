"""Fit the speaker-mention ranker (quotes/ranking.py) and its calibration; write quotes/data/resolver.json.

    python3 scripts/train_resolver.py [--eval ../shared/eval] [--gum ../shared/coref/gum.jsonl] [--steps N]

Data: fold A of GGT dev only (documents whose ``sha1("quotes-fold:" + id)`` starts below 128;
fold B is never read here, so it can judge the result) and, for fitted weights, fold A of GUM
(the same rule on GUM's ids).

**Weights.** ``PRIOR`` below: the former hand-written rules, re-expressed as weights of the
ranker's features. With ``--steps N`` (N > 0) they are the starting point of a softmax fit over
each mention's candidates, one weight vector per kind of mention, by full-batch gradient
descent with an L2 pull back toward the prior (deterministic: same data, same weights); the
candidates are labelled by the gold (a GGT quote's speaker, matched by span; the GUM entity of
the gold mention a mention overlaps). Fitted weights lost to the prior on fold B (speaker
accuracy 0.81 against 0.90): the shipped weights are the prior (``--steps 0``, the default).

**Calibration.** The extractor, with those weights, runs on fold A; each predicted quote
matched to a gold quote (:func:`quotes.evaluate.match_quotes`) gives (route, share, right?):
the route by which its speaker was found (``quotes.resolution.Resolved.route``, "+continued"
for a quote that continues an earlier speaker's), the winning share of the ranking, and whether
the speaker is the gold one. Per route, the accuracy at each share is made monotone (pooled
adjacent violators), and adjacent steps are pooled until each one's accuracy has a standard
error of at most ``MAX_STDERR``; routes seen fewer than ``MIN_ROUTE`` times share the ``other``
table.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
# The starting weights: the former hand-written rules as a ranking. Pronouns: the latest
# antecedent wins (recency is minus the tokens since its last mention, over 100; a mention that
# is no clause subject counts 40 tokens earlier, see quotes.resolution.OBJECT_PENALTY); a person
# of unknown gender counts 30 tokens earlier for he/she, a one-word "person" (often a place)
# 150; one named inside the very quotation 50 (people rarely name themselves); nobody only
# when no one agrees. Descriptions: an entity whose titles or name hold the
# head word, then the most shared words, then one named before, then the latest named; failing
# that the latest organisation for "the agency", person for "the professor"; else nobody.
PRIOR = {
    "he_she": {"recency": 1.0, "gender_unknown": -0.30, "gender_unknown_one_word": -1.50, "named_in_quote": -0.5,
               "first_name_disagrees": -3.0, "nobody": -100.0},
    "it": {"recency": 1.0, "nobody": -100.0},
    "they": {"recency": 1.0, "nobody": -100.0},
    "description": {"head_matches": 10.0, "word_overlap": 1.0, "mentioned_before": 0.5, "order": 1.0,
                    "definite_fallback": 5.0, "recency": 0.1, "unmatched": -20.0, "nobody": 0.0},
}
FOLD_SALT = "quotes-fold:"
L2 = 0.01
STEPS = 0
STEP_SIZE = 1.0
# A route's calibration needs this many matched quotes; rarer routes share the "other" table.
MIN_ROUTE = 40
# Shares are pooled into bins of at least this many quotes before the monotone fit.
MIN_BIN = 25
# Then adjacent steps are pooled until each step's accuracy has a standard error of at most
# this: a band can only be calibrated within 0.05 if its accuracy is known that well (a step of
# 25 quotes right 84% of the time is known to within 0.07 only).
MAX_STDERR = 0.05


def fold_of(doc_id: str) -> str:
    return "A" if hashlib.sha1((FOLD_SALT + str(doc_id)).encode("utf-8")).digest()[0] < 128 else "B"


def same_speaker(pred: str | None, gold: str | None) -> bool:
    from quotes.evaluate import same_speaker as same

    return same(pred, gold)


def analysed(extractor, text: str, publisher: str | None = None):
    """The prepared text and every stage's output for ``text`` (ranked decisions recorded)."""
    from quotes.text import prepare

    prepared = prepare(text)
    nlp = extractor.nlp
    with nlp.select_pipes(disable=[*extractor.disabled, "quotes"]):
        doc = nlp(prepared.text)
    doc._.quotes_publisher = publisher
    return prepared, nlp.get_pipe("quotes").analyse(doc, record=True)


def decisions(extractor, text: str, publisher: str | None = None):
    """(mention source span, kind, options, content source span) of each ranked speaker mention."""
    prepared, analysis = analysed(extractor, text, publisher)
    out = []
    for mention, kind, options, _best, content in analysis.resolver.decisions:
        span = prepared.source_span(mention.start_char, mention.end_char)
        where = prepared.source_span(*content) if content else None
        out.append((span, kind, options, where))
    return out


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def ggt_documents(path: Path) -> list[dict]:
    """GGT dev's fold A."""
    docs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [d for d in docs if fold_of(d["id"]) == "A"]


def ggt_examples(extractor, docs: list[dict]):
    """Labelled decisions of GGT fold A: each ranked speaker mention's candidates, right or not."""
    examples = []
    for d in docs:
        golds = [(q["start"], q["end"], q["speaker"]) for q in d["quotes"]]
        for span, kind, options, where in decisions(extractor, d["text"], (d.get("meta") or {}).get("publisher")):
            gold = _gold_for(where, golds)
            if gold is not None:
                examples.append((kind, options, _labels(options, gold, d["text"], span)))
    return examples


def _gold_for(where, golds) -> str | None:
    if where is None:
        return None
    best = max(golds, key=lambda g: jaccard(where, g[:2]), default=None)
    return best[2] if best is not None and jaccard(where, best[:2]) >= 0.5 else None


def _labels(options, gold: str | None, text: str, span: tuple[int, int]) -> list[bool]:
    labels = []
    for option in options:
        name = option.resolved.name if option.group is not None else text[span[0]:span[1]]
        labels.append(same_speaker(name, gold) if gold else option.group is None)
    return labels


# GUM mentions ranked besides speakers: third-person pronouns and definite descriptions of people
# and organisations, whatever their verb (the ranker's cues of salience and agreement hold for them).
GUM_PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their"}


def gum_examples(extractor, path: Path):
    """Labelled decisions of GUM fold A: every speaker mention (by the gold mention it overlaps),
    and every third-person pronoun or definite description of a person or organisation."""
    from quotes.ranking import choices, kind_of
    from quotes.text import prepare

    examples = []
    for line in path.read_text("utf-8").splitlines():
        d = json.loads(line)
        if fold_of(d["id"]) != "A" or prepare(d["text"]).text != d["text"]:
            continue
        names = _entity_names(d["mentions"])
        nlp = extractor.nlp
        with nlp.select_pipes(disable=[*extractor.disabled, "quotes"]):
            doc = nlp(d["text"])
        resolver = nlp.get_pipe("quotes").analyse(doc, record=True).resolver
        for m in d["mentions"]:
            if m["type"] not in ("person", "organization"):
                continue
            lower = m["text"].lower()
            if lower not in GUM_PRONOUNS and not (lower.startswith("the ") and not m.get("proper")):
                continue
            span = doc.char_span(m["start"], m["end"], alignment_mode="expand")
            kind = kind_of(span) if span is not None else None
            if kind is None:
                continue
            options = choices(resolver, span, span.start, kind, None, set())
            examples.append((kind, options, _labels(options, names.get(m["entity"]), d["text"], (m["start"], m["end"]))))
    return examples


def _entity_names(mentions: list[dict]) -> dict[int, str]:
    names: dict[int, str] = {}
    for m in mentions:
        if m.get("identity"):
            names[m["entity"]] = m["identity"].replace("_", " ")
    for m in sorted(mentions, key=lambda m: -len(m["text"])):
        if m.get("proper") and m["entity"] not in names:
            names[m["entity"]] = m["text"]
    return names


def fit(examples, prior: dict[str, float], steps: int = STEPS) -> tuple[list[str], numpy.ndarray]:
    """Softmax-ranking weights for one kind: maximise the log share of the right candidates,
    kept near ``prior`` (the L2 penalty pulls toward it, not toward zero)."""
    features = sorted({f for _, options, _ in examples for o in options for f in o.features} | set(prior))
    index = {f: k for k, f in enumerate(features)}
    groups = []
    for _, options, labels in examples:
        if not any(labels):
            continue
        X = numpy.zeros((len(options), len(features)))
        for r, o in enumerate(options):
            for f, v in o.features.items():
                X[r, index[f]] = v
        groups.append((X, numpy.array(labels, dtype=float)))
    start = numpy.array([prior.get(f, 0.0) for f in features])
    w = start.copy()
    for _ in range(steps):
        grad = L2 * (w - start)
        for X, y in groups:
            s = X @ w
            p = numpy.exp(s - s.max())
            p /= p.sum()
            q = p * y / (p * y).sum()  # the right candidates' share among themselves
            grad -= (q - p) @ X / len(groups)
        w -= STEP_SIZE * grad
    return features, w


def quote_outcomes(extractor, docs: list[dict]) -> list[tuple[str, float, bool]]:
    """(route, share, right?) of every predicted quote matched to a gold quote of ``docs``."""
    from quotes.evaluate import match_quotes
    from quotes.resolution import speaker_route

    out = []
    for d in docs:
        prepared, analysis = analysed(extractor, d["text"], (d.get("meta") or {}).get("publisher"))
        by_span = {(r.attribution.start, r.attribution.end): r for r in analysis.resolved}
        preds = []
        for q in analysis.quotes:
            r = by_span.get((q.start, q.end))
            if r is None or r.speaker is None:
                continue
            start, end = prepared.source_span(q.start, q.end)
            preds.append({"start": start, "end": end, "speaker": q.speaker,
                          "route": speaker_route(r.speaker, r.attribution), "share": r.speaker.share})
        for pred, gold in match_quotes(d["text"], preds, d["quotes"]):
            if not gold.get("optional"):
                out.append((pred["route"], pred["share"], same_speaker(pred["speaker"], gold["speaker"])))
    return out


def calibration(outcomes: list[tuple[str, float, bool]]) -> dict[str, list[list[float]]]:
    """Per route, (upper share, accuracy) steps: the accuracy at each share, made monotone."""
    by_route: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for route, share, right in outcomes:
        by_route[route].append((share, right))
    for route in [r for r, points in by_route.items() if len(points) < MIN_ROUTE and r != "other"]:
        by_route["other"] += by_route.pop(route)
    return {route: _monotone(sorted(points)) for route, points in sorted(by_route.items())}


def _monotone(points: list[tuple[float, bool]]) -> list[list[float]]:
    """Pool adjacent violators over bins of at least MIN_BIN points (equal shares never split)."""
    steps: list[list[float]] = []  # [upper share, right, count]
    for share, right in points:
        if steps and (steps[-1][2] < MIN_BIN or steps[-1][0] == share):
            steps[-1] = [share, steps[-1][1] + right, steps[-1][2] + 1]
        else:
            steps.append([share, float(right), 1])
    if len(steps) > 1 and steps[-1][2] < MIN_BIN:
        last = steps.pop()
        steps[-1] = [last[0], steps[-1][1] + last[1], steps[-1][2] + last[2]]
    merged = True
    while merged:  # accuracy may not fall as the share rises
        merged = False
        for k in range(len(steps) - 1):
            if steps[k][1] / steps[k][2] >= steps[k + 1][1] / steps[k + 1][2]:
                steps[k + 1] = [steps[k + 1][0], steps[k][1] + steps[k + 1][1], steps[k][2] + steps[k + 1][2]]
                del steps[k]
                merged = True
                break
    while len(steps) > 1:  # a step whose accuracy is not known to within MAX_STDERR joins a neighbour
        errors = [_stderr(right, count) for _, right, count in steps]
        k = max(range(len(steps)), key=lambda j: errors[j])
        if errors[k] <= MAX_STDERR:
            break
        j = k + 1 if k + 1 < len(steps) else k - 1
        lo, hi = sorted((k, j))
        steps[lo:hi + 1] = [[steps[hi][0], steps[lo][1] + steps[hi][1], steps[lo][2] + steps[hi][2]]]
    return [[round(upper, 6), round(right / count, 4), count] for upper, right, count in steps]


def _stderr(right: float, count: int) -> float:
    """The standard error of an accuracy of ``right`` out of ``count``."""
    p = right / count
    return math.sqrt(max(p * (1 - p), 0.25 / count) / count)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--gum", default=str(ROOT.parent / "shared" / "coref" / "gum.jsonl"))
    parser.add_argument("--out", default=str(ROOT / "quotes" / "data" / "resolver.json"))
    parser.add_argument("--steps", type=int, default=STEPS, help="gradient steps from the prior (0: keep the prior)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import quotes
    from quotes import ranking

    extractor = quotes.Extractor()
    docs = ggt_documents(Path(args.eval) / "ggt_en.dev.jsonl")
    weights = {kind: dict(prior) for kind, prior in PRIOR.items()}
    counts = {}
    if args.steps:
        by_kind = defaultdict(list)
        for example in ggt_examples(extractor, docs) + gum_examples(extractor, Path(args.gum)):
            by_kind[example[0]].append(example)
        for kind, examples in sorted(by_kind.items()):
            features, w = fit(examples, PRIOR.get(kind, {}), args.steps)
            weights[kind] = {f: round(float(v), 4) for f, v in zip(features, w) if abs(v) > 1e-6}
            counts[kind] = {"examples": len(examples), "learnable": sum(1 for _, _, y in examples if any(y))}
    ranking.use(ranking.Ranker(weights))  # calibrate the weights just chosen
    outcomes = quote_outcomes(extractor, docs)
    calibrations = calibration(outcomes)
    steps = f"{args.steps} steps from the prior" if args.steps else "the prior"
    data = {"note": f"Written by scripts/train_resolver.py: weights {steps}; calibration on GGT dev fold A "
                    f"({len(outcomes)} matched quotes).",
            "weights": weights, "calibration": {r: [step[:2] for step in t] for r, t in calibrations.items()}}
    if counts:
        data["counts"] = counts
    Path(args.out).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for route, table in calibrations.items():
        print(f"{route:28} {sum(c for *_, c in table):4d} quotes  " + "  ".join(f"<={u:.3f}: {a:.3f} ({c})" for u, a, c in table))


if __name__ == "__main__":
    main()
