"""Speaker resolution measured two ways: GGT dev in two fixed folds, and GUM's gold coreference.

    python3 benchmarks/resolution.py ggt  [--pred PRED.jsonl] [--save-pred OUT.jsonl] [--json OUT.json]
                                          [--dump-errors [--fold A|B|all]]
    python3 benchmarks/resolution.py gum  [--pred PRED.jsonl] [--save-pred OUT.jsonl] [--json OUT.json]
                                          [--dump-errors] [--genre news ...]
    python3 benchmarks/resolution.py folds [--out-dir DIR]

The data stays in ``../shared`` (never copy it into this repository); every command says so and
stops when it is absent.

**Folds.** A GGT dev document is in fold A when the first byte of
``sha1("quotes-fold:" + id)`` is below 128, else in fold B: a document's fold never depends on
the others, so it is stable as the file grows. (The salt was picked among five plain candidates
as the one that splits both documents and quotes most evenly: 29/30 documents, 436/462 quotes.)
Fold A is the one to develop on (``--dump-errors`` shows it by default); fold B is kept aside and
only scored. ``folds`` writes the two halves as JSONL into a temporary directory (or ``--out-dir``,
which may not lie inside this repository).

**ggt** runs the extractor on ``ggt_en.dev.jsonl`` (or reads ``--pred``), with the publisher
:func:`quotes.evaluate.predict` would pass (the record's ``publisher``, else ``meta.publisher``;
GGT's meta only has ``outlet``, so it is None there, as in ``quotes evaluate``), and prints for
fold A, fold B and all: span P/R/F1, speaker accuracy and end-to-end F1 by
:func:`quotes.evaluate.score`. When predicted quotes carry ``speaker_confidence`` it adds, over
the matched quotes (the one-to-one matching of ``score``; gold marked optional left out): per
confidence band [0, .5), [.5, .7), [.7, .8), [.8, .9), [.9, 1] the count, mean confidence,
accuracy and calibration gap |accuracy - mean confidence|; the count-weighted mean gap; and the
accuracy of the most confident 80% (sorted by confidence, highest first, ties in document order;
``ceil(0.8 n)`` quotes). ``--dump-errors`` lists each matched quote whose speaker is wrong: gold
and predicted speaker, both mentions, the cue, confidence and the text around them, then a tally
of the error kinds.

**gum** runs the extractor on each of GUM's 117 texts (publisher None) and scores the speaker
mention of every quote against GUM's coreference:

* *alignment*: a quote counts when its ``speaker_start``/``speaker_end`` overlap a gold mention.
  Both spans are compared by their core: surrounding spaces and punctuation and a possessive
  ('s, ’s) stripped. The gold mention chosen is, in order of preference, (1) the one with the same
  core span; (2) one whose core ends where the quote's does (same last token, the head of most
  English names and descriptions), the largest overlap first; (3) the one of largest character
  overlap. Ties go to the shorter gold mention (the innermost of nested ones), then the earlier.
* *gold name*: the mention's entity's GUM ``identity`` (a Wikipedia title: percent-escapes
  decoded, a trailing "(disambiguation)" dropped) if it has one, else its longest ``proper``
  mention with any possessive stripped, preferring mentions that look like names (every word
  capitalised but particles such as "of", "de": not "Galois ' cousin"). Entities with neither are
  skipped and counted ("nameless").
* *right*: the quote's resolved ``speaker`` matches the gold name by
  :func:`quotes.evaluate.same_speaker`, diacritics folded on both sides (the text may spell
  "Hernan Dario Gomez" what Wikipedia spells "Hernán Darío Gómez"). A lenient figure also accepts
  any proper mention of the entity: the spellings of the text itself ("Chris Gregoire" for
  identity "Christine Gregoire", "Kristen Wilkins" for "Kristin Wilkins").
* *kind* of a mention, from the gold mention: ``name`` when GUM marks it proper, ``pronoun`` when
  its core is a personal, possessive, reflexive or demonstrative pronoun, else ``description``.

Figures are also given per fold, GUM documents split by the same hash as GGT's (54 in A, 63 in
B): a model fitted on GUM should be fitted on fold A only and judged on fold B.

GUM's texts are rebuilt from its tokens, words joined by spaces ("Trump 's", "six - member"): the
extractor sees that spacing as it is; offsets are never altered. Its quote spans are not scored
(GUM annotates no quotes), only speakers.

Predictions from this script keep what ``Article.to_dict()`` leaves out: ``speaker_start``,
``speaker_end`` and, when the quotes have it, ``speaker_confidence``. A ``--pred`` file for ``gum``
needs the speaker offsets.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import re
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# the bands and report are quotes evaluate's own (tests use them from here too)
from quotes.evaluate import BANDS, TOP_SHARE, band_of, confidence_report, print_confidence  # noqa: E402,F401

SHARED = ROOT.parent / "shared"
GGT_DEV = SHARED / "eval" / "ggt_en.dev.jsonl"
GUM = SHARED / "coref" / "gum.jsonl"

FOLD_SALT = "quotes-fold:"
FOLDS = ("A", "B")
DEV_FOLD = "A"  # the fold to develop on; B is kept aside


PRONOUNS = {
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves",
    "you", "your", "yours", "yourself", "yourselves", "he", "him", "his", "himself",
    "she", "her", "hers", "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves",
    "this", "that", "these", "those", "who", "whom", "whose", "one", "oneself",
}
# lower-case words a name may hold ("Theodorus of Tabennese", "Jaap de Hoop Scheffer")
PARTICLES = {"of", "de", "del", "della", "der", "di", "da", "du", "des", "la", "le", "van", "von", "den", "ten",
             "ter", "al", "el", "bin", "ibn", "bint", "and", "the", "y", "e"}
_EDGE = " \t\n\"'“”‘’«»„‟‹›,.;:!?-—–()[]"
_POSSESSIVE = re.compile(r"\s*['’][sS]$")


# --- folds ---------------------------------------------------------------------------------------

def fold_of(doc_id: str) -> str:
    """``"A"`` or ``"B"``, from the first byte of sha1(FOLD_SALT + id): stable and per document."""
    return "A" if hashlib.sha1((FOLD_SALT + str(doc_id)).encode("utf-8")).digest()[0] < 128 else "B"


def split_folds(docs: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """``{"A": {id: doc}, "B": {id: doc}}`` of documents keyed by id, input order kept."""
    out: dict[str, dict[str, dict]] = {f: {} for f in FOLDS}
    for doc_id, doc in docs.items():
        out[fold_of(doc_id)][doc_id] = doc
    return out


def write_folds(gold_path: Path, out_dir: Path | None = None) -> dict[str, Path]:
    """Write the two folds of ``gold_path`` as ``<stem>.A.jsonl`` and ``<stem>.B.jsonl``."""
    out_dir = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="quotes-folds-"))
    if out_dir.resolve().is_relative_to(ROOT):
        raise SystemExit(f"{out_dir}: the evaluation data may not be copied into the repository")
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [line for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    paths = {f: out_dir / f"{Path(gold_path).stem}.{f}.jsonl" for f in FOLDS}
    with contextlib.ExitStack() as stack:
        handles = {f: stack.enter_context(open(p, "w", encoding="utf-8")) for f, p in paths.items()}
        for line in lines:
            handles[fold_of(json.loads(line)["id"])].write(line + "\n")
    return paths


# --- running the extractor -----------------------------------------------------------------------

def load_jsonl(path: str | Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {d["id"]: d for d in map(json.loads, filter(str.strip, f))}


def publisher_of(doc: dict) -> str | None:
    """What :func:`quotes.evaluate.predict` passes: the record's publisher, else meta's."""
    return doc.get("publisher") or (doc.get("meta") or {}).get("publisher")


def quote_prediction(quote: Any) -> dict[str, Any]:
    """``Quote.to_dict()`` plus the speaker offsets and confidence it may leave out."""
    out = quote.to_dict()
    for key in ("speaker_start", "speaker_end", "speaker_confidence"):
        if key not in out and hasattr(quote, key):
            out[key] = getattr(quote, key)
    return out


def extract(docs: Iterable[dict], with_publisher: bool = True, extractor=None,
            batch_size: int = 16) -> tuple[dict[str, dict], list[str]]:
    """Predictions keyed by id for gold-format records, and the ids of documents that failed."""
    from quotes.extractor import Extractor
    from quotes.records import Article

    extractor = extractor or Extractor()
    documents = [{"id": d["id"], "text": d["text"], "publisher": publisher_of(d) if with_publisher else None}
                 for d in docs]
    preds: dict[str, dict] = {}
    failed: list[str] = []
    for result in extractor.pipe(documents, batch_size, on_error="yield"):
        if isinstance(result, Article):
            preds[result.id] = {"id": result.id, "quotes": [quote_prediction(q) for q in result.quotes]}
        else:
            failed.append(result.document.doc_id)
            preds[result.document.doc_id] = {"id": result.document.doc_id, "quotes": []}
    return preds, failed


def save_jsonl(path: str | Path, records: Iterable[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# --- confidence ----------------------------------------------------------------------------------

# --- GGT -----------------------------------------------------------------------------------------

def matched_quotes(gold: dict[str, dict], preds: dict[str, dict]) -> list[dict[str, Any]]:
    """The matched (gold, predicted) pairs as :func:`quotes.evaluate.score` counts them."""
    from quotes.evaluate import match_quotes, same_speaker

    rows = []
    for doc_id, g in gold.items():
        text = g["text"]
        ps = [q for q in preds.get(doc_id, {}).get("quotes", []) if 0 <= int(q["start"]) < int(q["end"]) <= len(text)]
        for p, gq in match_quotes(text, ps, g["quotes"], 0.5):
            if gq.get("optional"):
                continue
            rows.append({"id": doc_id, "fold": fold_of(doc_id), "gold": gq, "pred": p,
                         "right": same_speaker(p.get("speaker"), gq.get("speaker")),
                         "confidence": p.get("speaker_confidence")})
    return rows


def ggt_figures(gold: dict[str, dict], preds: dict[str, dict]) -> dict[str, Any]:
    """``score`` and the confidence report for fold A, fold B and all."""
    from quotes.evaluate import score

    folds = split_folds(gold)
    rows = matched_quotes(gold, preds)
    out = {}
    for name, docs in (("A", folds["A"]), ("B", folds["B"]), ("all", gold)):
        s = score(docs, preds)
        sub = [r for r in rows if r["id"] in docs]
        # the same matching as score(): a disagreement would make the confidence figures lie
        assert len(sub) == s["counts"]["tp"] and sum(r["right"] for r in sub) == s["counts"]["spk"], \
            "matched_quotes() disagrees with quotes.evaluate.score()"
        s["quotes_gold"] = sum(1 for d in docs.values() for q in d["quotes"] if not q.get("optional"))
        s["confidence"] = confidence_report([(r["confidence"], r["right"]) for r in sub])
        out[name] = s
    return out


def print_ggt(figures: dict[str, Any], out) -> None:
    fmt = lambda d: f"P {d['p']:.3f} R {d['r']:.3f} F1 {d['f']:.3f}"
    for name in ("A", "B", "all"):
        s = figures[name]
        c = s["counts"]
        label = {"A": "fold A (develop)", "B": "fold B (kept aside)", "all": "all"}[name]
        print(f"{label}: {s['docs']} docs, {s['quotes_gold']} gold quotes, {c['tp'] + c['fp']} predicted, {c['tp']} matched",
              file=out)
        print(f"  span     {fmt(s['span'])}", file=out)
        print(f"  speaker  {s['speaker']:.3f}  ({c['spk']}/{c['tp']})", file=out)
        print(f"  end2end  {fmt(s['end2end'])}", file=out)
        print_confidence(s["confidence"], out)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit * 2 // 3] + " … " + text[-limit // 3:]


def _window(text: str, marks: list[tuple[int | None, int | None, str, str]], before: int = 120,
            after: int = 80) -> str:
    """The text around the marked spans, each wrapped in its brackets, whitespace collapsed."""
    spans = [(s, e, o, c) for s, e, o, c in marks if s is not None and e is not None and 0 <= s < e <= len(text)]
    if not spans:
        return ""
    lo = max(0, min(s for s, *_ in spans) - before)
    hi = min(len(text), max(e for _, e, *_ in spans) + after)
    inserts = sorted([(s, 1, o) for s, _, o, _ in spans] + [(e, 0, c) for _, e, _, c in spans])
    pieces, pos = [], lo
    for at, _, mark in inserts:
        pieces.append(text[pos:at])
        pieces.append(mark)
        pos = at
    pieces.append(text[pos:hi])
    return ("…" if lo else "") + " ".join("".join(pieces).split()) + ("…" if hi < len(text) else "")


def error_kind(pred: str | None, gold: str | None) -> str:
    """A rough class of a wrong speaker, for the tally of ``--dump-errors``."""
    from quotes.evaluate import _name_tokens

    if not pred:
        return "no speaker"
    toks = _name_tokens(pred)
    if not any(w[:1].isupper() for w in re.findall(r"[\w’']+", pred)) or (toks and set(toks) <= PRONOUNS):
        return "unresolved (pronoun or description)"
    if set(toks) & set(_name_tokens(gold)):
        return "name variant (shares a word with gold)"
    return "another name"


def mention_agreement(gold: dict, pred: dict) -> str:
    """Whether a wrong speaker comes from the mention chosen or from its resolution: "same mention"
    (the spans overlap: the resolver erred), "other mention" (attribution erred), or which side has
    no mention."""
    gs, ge, ps, pe = gold.get("speaker_start"), gold.get("speaker_end"), pred.get("speaker_start"), pred.get("speaker_end")
    if gs is None or ge is None:
        return "gold has no mention"
    if ps is None or pe is None:
        return "no predicted mention"
    return "same mention" if min(ge, pe) > max(gs, ps) else "other mention"


def dump_ggt_errors(gold: dict[str, dict], preds: dict[str, dict], fold: str, out) -> None:
    rows = [r for r in matched_quotes(gold, preds) if not r["right"] and fold in (r["fold"], "all")]
    print(f"\n== wrong speakers, fold {fold}: {len(rows)} ==", file=out)
    tally = Counter()
    for r in rows:
        g, p, text = r["gold"], r["pred"], gold[r["id"]]["text"]
        kind = f"{mention_agreement(g, p)}, {error_kind(p.get('speaker'), g.get('speaker'))}"
        tally[kind] += 1
        conf = r["confidence"]
        print(f"\n[{r['id']} fold {r['fold']}] {kind}", file=out)
        print(f"  gold: {g.get('speaker')!r} (mention {g.get('speaker_mention')!r})   "
              f"pred: {p.get('speaker')!r} (mention {p.get('speaker_mention')!r}, type {p.get('speaker_type')}"
              f"{'' if conf is None else f', confidence {conf:.2f}'})   cue: {p.get('cue')!r}", file=out)
        print(f"  quote: {_short(g['text'])}", file=out)
        marks = [(g.get("speaker_start"), g.get("speaker_end"), "[[", "]]gold")]
        if p.get("speaker_start") is not None:
            marks.append((p["speaker_start"], p["speaker_end"], "<<", ">>pred"))
        near = [m for m in marks if m[0] is not None]
        # a window round the mentions, and one round the quote's end when the mentions are far from it
        print(f"  text: {_window(text, near)}", file=out)
        if all(abs(m[0] - g['end']) > 300 and abs(m[0] - g['start']) > 300 for m in near):
            print(f"  quote end: {_window(text, [(g['end'] - 1, g['end'], '', '|')])}", file=out)
    print(f"\nerror kinds (fold {fold}): where the mention stands, what the predicted speaker is", file=out)
    for kind, n in tally.most_common():
        print(f"  {n:4d}  {kind}", file=out)


# --- GUM -----------------------------------------------------------------------------------------

def core(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` without surrounding spaces and punctuation or a trailing possessive."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    m = _POSSESSIVE.search(text[start:end])  # "Trump 's", "Trump's" ("Jones'" lost its mark above)
    if m and m.start() > 0:
        end = start + m.start()
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def align(text: str, start: int, end: int, mentions: Sequence[dict]) -> tuple[dict | None, str | None]:
    """The gold mention that best matches ``text[start:end]`` and the rule that chose it
    ("exact", "head" or "overlap"), or (None, None). See the module docstring."""
    cs, ce = core(text, start, end)
    if cs >= ce:
        cs, ce = start, end
    best, best_key = None, None
    for m in mentions:
        ms, me = core(text, m["start"], m["end"])
        if ms >= me:
            ms, me = m["start"], m["end"]
        overlap = min(ce, me) - max(cs, ms)
        if overlap <= 0:
            continue
        tier = 0 if (ms, me) == (cs, ce) else 1 if me == ce else 2
        key = (tier, -overlap, me - ms, ms)
        if best_key is None or key < best_key:
            best, best_key = m, key
    return (best, ("exact", "head", "overlap")[best_key[0]]) if best is not None else (None, None)


def _strip_possessive(name: str) -> str:
    return re.sub(r"\s*['’]s$", "", name.strip())


def identity_name(identity: str) -> str:
    """GUM's Wikipedia identity as a name: percent-escapes decoded, underscores as spaces, the
    disambiguation dropped ("John Baird %28Canadian politician%29" -> "John Baird")."""
    name = urllib.parse.unquote(identity).replace("_", " ")
    return re.sub(r"\s*\([^()]*\)\s*$", "", name).strip() or name


def name_like(name: str) -> bool:
    """Every word capitalised but lower-case particles inside ("Theodorus of Tabennese"): a name,
    not a description GUM tagged proper ("Galois ' cousin", "the Flag Consideration Project" is
    one: a leading "the" is allowed)."""
    words = re.findall(r"[^\W\d_][\w’'-]*", name)
    if words and words[0].lower() == "the":
        words = words[1:]
    return bool(words) and words[0][:1].isupper() and all(w[:1].isupper() or w in PARTICLES for w in words)


def fold_accents(name: str | None) -> str | None:
    """The name without diacritics ("Hernán Darío Gómez" -> "Hernan Dario Gomez")."""
    if not name:
        return name
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def same_name(pred: str | None, gold: str | None) -> bool:
    """:func:`quotes.evaluate.same_speaker` on both names with their diacritics folded."""
    from quotes.evaluate import same_speaker

    return same_speaker(fold_accents(pred), fold_accents(gold))


def entity_names(mentions: Sequence[dict]) -> dict[Any, dict[str, Any]]:
    """Per entity: ``name`` (identity, else longest proper mention, else None), ``proper`` (the
    proper mentions, possessive stripped) and ``type``."""
    by: dict[Any, list[dict]] = defaultdict(list)
    for m in mentions:
        by[m["entity"]].append(m)
    out = {}
    for ent, ms in by.items():
        identity = next((identity_name(m["identity"]) for m in ms if m.get("identity")), None)
        proper = [_strip_possessive(m["text"]) for m in ms if m.get("proper")]
        # the longest name-like proper mention, else the longest proper one; max keeps the first of a tie
        longest = max([p for p in proper if name_like(p)] or proper, key=len, default=None)
        out[ent] = {"name": identity or longest, "proper": proper, "type": ms[0].get("type"),
                    "source": "identity" if identity else "proper" if longest else None}
    return out


def mention_kind(text: str, mention: dict) -> str:
    """``name`` (proper), ``pronoun`` or ``description``, of a gold mention."""
    if mention.get("proper"):
        return "name"
    s, e = core(text, mention["start"], mention["end"])
    words = text[s:e].lower().split()
    return "pronoun" if len(words) == 1 and words[0] in PRONOUNS else "description"


def gum_rows(docs: Iterable[dict], preds: dict[str, dict]) -> tuple[list[dict[str, Any]], Counter]:
    """One row per quote whose speaker mention aligns to a gold mention, and counts of the rest."""
    rows, counts = [], Counter()
    for doc in docs:
        text = doc["text"]
        names = entity_names(doc["mentions"])
        for q in preds.get(doc["id"], {}).get("quotes", []):
            counts["quotes"] += 1
            s, e = q.get("speaker_start"), q.get("speaker_end")
            if s is None or e is None:
                counts["no mention offsets"] += 1
                continue
            counts["with a speaker mention"] += 1
            m, rule = align(text, int(s), int(e), doc["mentions"])
            if m is None:
                counts["unaligned"] += 1
                continue
            counts["aligned"] += 1
            ent = names[m["entity"]]
            kind = mention_kind(text, m)
            if ent["name"] is None:
                counts["nameless entity (skipped)"] += 1
                counts[f"nameless entity, {kind}"] += 1
                continue
            counts["scored"] += 1
            speaker = q.get("speaker")
            rows.append({
                "id": doc["id"], "fold": fold_of(doc["id"]), "genre": doc.get("genre"), "kind": kind, "rule": rule,
                "type": ent["type"], "name_source": ent["source"],
                "gold": ent["name"], "gold_mention": m["text"], "gold_start": m["start"], "gold_end": m["end"],
                "pred": speaker, "pred_mention": q.get("speaker_mention"), "speaker_type": q.get("speaker_type"),
                "start": int(s), "end": int(e), "quote_start": q.get("start"), "quote_end": q.get("end"),
                "cue": q.get("cue"), "confidence": q.get("speaker_confidence"),
                "right": same_name(speaker, ent["name"]),
                "lenient": same_name(speaker, ent["name"]) or any(same_name(speaker, p) for p in ent["proper"]),
            })
    return rows, counts


def _acc(rows: list[dict], key: str = "right") -> str:
    n = len(rows)
    return f"{sum(r[key] for r in rows) / n:.3f} ({sum(r[key] for r in rows)}/{n})" if n else "- (0)"


def gum_figures(rows: list[dict], counts: Counter) -> dict[str, Any]:
    def acc(sub):
        return {"n": len(sub), "right": sum(r["right"] for r in sub),
                "accuracy": sum(r["right"] for r in sub) / len(sub) if sub else None}

    group = lambda key: {k: acc([r for r in rows if r[key] == k]) for k in sorted({r[key] or "-" for r in rows})}
    mentions: dict[tuple, bool] = {}
    for r in rows:  # a mention that speaks several quotes is right when all of them are
        k = (r["id"], r["start"], r["end"])
        mentions[k] = mentions.get(k, True) and r["right"]
    return {
        "counts": dict(counts),
        "overall": acc(rows),
        "lenient": {"n": len(rows), "accuracy": sum(r["lenient"] for r in rows) / len(rows) if rows else None},
        "distinct_mentions": {"n": len(mentions), "accuracy": sum(mentions.values()) / len(mentions) if mentions else None},
        "genre": group("genre"), "kind": group("kind"), "type": group("type"), "rule": group("rule"),
        "fold": group("fold"),
        "confidence": confidence_report([(r["confidence"], r["right"]) for r in rows]),
    }


def print_gum(rows: list[dict], counts: Counter, n_docs: int, out) -> dict[str, Any]:
    fig = gum_figures(rows, counts)
    c = counts
    print(f"GUM: {n_docs} documents, {c['quotes']} quotes; {c['with a speaker mention']} with a speaker mention "
          f"({c['no mention offsets']} without offsets)", file=out)
    print(f"  speaker mentions: {c['aligned']} aligned to a gold mention, {c['unaligned']} unaligned; "
          f"of the aligned, {c['nameless entity (skipped)']} skipped (gold entity has no identity and no proper "
          f"mention: " + ", ".join(f"{k.split(', ')[1]} {v}" for k, v in sorted(c.items()) if k.startswith("nameless entity,"))
          + f"), {c['scored']} scored", file=out)
    print(f"  accuracy        {_acc(rows)}", file=out)
    print(f"  lenient         {_acc(rows, 'lenient')}   (any proper mention of the entity also counts)", file=out)
    d = fig["distinct_mentions"]
    if d["n"]:
        print(f"  distinct mentions {d['accuracy']:.3f} (n={d['n']})", file=out)
    for key, label in (("genre", "by genre"), ("kind", "by mention kind"), ("type", "by gold entity type"),
                       ("rule", "by alignment rule"), ("fold", "by fold (the GGT rule on GUM ids)")):
        print(f"  {label}:", file=out)
        for k in sorted({r[key] or "-" for r in rows}):
            print(f"    {k:14} {_acc([r for r in rows if (r[key] or '-') == k])}", file=out)
    print_confidence(fig["confidence"], out)
    return fig


def dump_gum_errors(docs: dict[str, dict], rows: list[dict], out) -> None:
    wrong = [r for r in rows if not r["right"]]
    print(f"\n== GUM wrong speakers: {len(wrong)} ==", file=out)
    tally = Counter()
    for r in wrong:
        text = docs[r["id"]]["text"]
        kind = error_kind(r["pred"], r["gold"])
        tally[(r["kind"], kind)] += 1
        conf = r["confidence"]
        print(f"\n[{r['id']}] gold mention is a {r['kind']} ({r['rule']} alignment); {kind}", file=out)
        print(f"  gold: {r['gold']!r} (mention {r['gold_mention']!r})   pred: {r['pred']!r} (mention "
              f"{r['pred_mention']!r}, type {r['speaker_type']}{'' if conf is None else f', confidence {conf:.2f}'})"
              f"   cue: {r['cue']!r}", file=out)
        print(f"  text: {_window(text, [(r['start'], r['end'], '<<', '>>')], before=200, after=60)}", file=out)
    print("\nerror kinds (gold mention kind / predicted):", file=out)
    for (gk, pk), n in tally.most_common():
        print(f"  {n:4d}  {gk:12} {pk}", file=out)


# --- command line --------------------------------------------------------------------------------

def _need(path: Path) -> None:
    if not path.exists():
        raise SystemExit(f"{path} is absent: this benchmark needs ../shared (see ../shared/eval/README.md)")


def _predictions(args, docs: dict[str, dict], with_publisher: bool, out) -> dict[str, dict]:
    if args.pred:
        return load_jsonl(args.pred)
    t0 = time.perf_counter()
    preds, failed = extract(docs.values(), with_publisher=with_publisher)
    import quotes
    print(f"extracted {len(docs)} documents in {time.perf_counter() - t0:.0f} s with {Path(quotes.__file__).parent}"
          + (f"; {len(failed)} failed: {', '.join(failed)}" if failed else ""), file=out)
    if args.save_pred:
        save_jsonl(args.save_pred, preds.values())
    return preds


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    for name in ("ggt", "gum"):
        p = sub.add_parser(name)
        p.add_argument("--pred", help="score these predictions (JSONL) instead of running the extractor")
        p.add_argument("--save-pred", help="write the extractor's predictions (with speaker offsets) here")
        p.add_argument("--json", help="write the figures as JSON here")
        p.add_argument("--dump-errors", action="store_true", help="list wrong speakers with their context")
    sub.choices["ggt"].add_argument("--gold", default=str(GGT_DEV))
    sub.choices["ggt"].add_argument("--fold", choices=["A", "B", "all"], default=DEV_FOLD,
                                    help="fold whose errors --dump-errors lists (default A, the development fold)")
    sub.choices["gum"].add_argument("--gold", default=str(GUM))
    sub.choices["gum"].add_argument("--genre", nargs="*", help="only these genres")
    p = sub.add_parser("folds", help="write the two GGT dev folds to a temporary directory")
    p.add_argument("--gold", default=str(GGT_DEV))
    p.add_argument("--out-dir")
    args = ap.parse_args(argv)
    out = sys.stdout
    _need(Path(args.gold))

    if args.command == "folds":
        paths = write_folds(Path(args.gold), args.out_dir)
        for f, path in paths.items():
            docs = load_jsonl(path)
            print(f"fold {f}: {len(docs)} docs, {sum(len(d['quotes']) for d in docs.values())} quotes -> {path}", file=out)
        return 0

    if args.command == "ggt":
        gold = load_jsonl(args.gold)
        preds = _predictions(args, gold, True, out)
        figures = ggt_figures(gold, preds)
        print_ggt(figures, out)
        if args.dump_errors:
            dump_ggt_errors(gold, preds, args.fold, out)
    else:
        docs = load_jsonl(args.gold)
        if args.genre:
            docs = {k: d for k, d in docs.items() if d.get("genre") in args.genre}
        preds = _predictions(args, docs, False, out)
        rows, counts = gum_rows(docs.values(), preds)
        figures = print_gum(rows, counts, len(docs), out)
        if args.dump_errors:
            dump_gum_errors(docs, rows, out)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
