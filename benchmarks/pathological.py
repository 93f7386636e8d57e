"""Bounded cost on pathological input: extraction time per character and database size.

    python benchmarks/pathological.py [--repeat 3] [--sizes 12000 40000] [--db-chars 33000] [--extra] [--json]

(a) Time per character. One ``quotes.Extractor()`` (model loaded once, warmed up on the seed
article and on a small piece of every input) extracts, for each length of ``--sizes``, a *clean*
article and eight pathological inputs of about the same length:

    he-said       a short article holding one paragraph of '“He said it ' repeated thousands of times
    emoji-run     a short article holding a run of '😂' with no space
    punct-run     a short article holding a run of '!?' with no space
    open-quotes   a short article holding a run of '“' (opening marks, none closed)
    flattened     the clean article with every line break replaced by a space
    lone-cr       the clean article with lone CR line endings
    html-entities the clean article with “ ” " as &#8220; &#8221; &quot; and some spaces as &nbsp;
    invisible     the clean article with NBSPs, zero-width spaces and soft hyphens sprinkled in

``--extra`` adds inputs just inside the guards of quotes/text.py (counted in the summary too):

    symbol-runs   a short article holding runs of SYMBOL_RUN_MAX '😂' broken by a letter (no space):
                  each run is short enough to be left to spaCy, one token per character
    spaced-quotes a short article holding a run of '“ ' (opening marks a space apart)

The clean article is the fixtures' texts (fixtures/sochi-idlib-article.txt, fixtures/articles/*)
concatenated and repeated up to the length, cut at a paragraph end; the short article is
fixtures/articles/harbor-ferry-fares.txt. Each input is timed by wall clock around
``extractor.extract(text)``, ``--repeat`` times in rounds (every input once per round, so a
passing load hits all inputs alike), and the fastest run counts. The figure is seconds per
character, as a ratio to the clean article of the same length measured in the same run; the
target is <= 5x. No absolute time is judged: the machine's speed cancels out of the ratio.
The table also gives the quotes found and the total length of their text over the input's
length (above 1.0, quotes overlap or repeat one another's text).

(b) Database size. A long article (``--db-chars``, about 33,000 characters of the fixtures, many
quotes) is extracted as it is and flattened (line breaks replaced by spaces), each stored with
``quotes.Store(path).add(article)`` in its own temporary database and the store closed (which
checkpoints the WAL into the main file). The report compares the file sizes (main file plus any
WAL left) and the total length of the ``paragraph`` column: without line breaks a quote's
paragraph must not become the whole article. Target: flattened <= 2x the original on both.

The exit status is always 0: this is a report. The last line sums up PASS/FAIL; with ``--json``
the results are printed as one JSON object instead of tables (the summary line goes to stderr).
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
SHORT = ARTICLES / "harbor-ferry-fares.txt"
TIME_TARGET = 5.0  # time per character, pathological / clean
DB_TARGET = 2.0  # database size and paragraph text, flattened / with line breaks

sys.path.insert(0, str(ROOT))


# --- inputs ------------------------------------------------------------------------------------


def fixture_texts() -> list[str]:
    """The seed article and the article texts of fixtures/articles (the .html through its reader)."""
    from quotes.readers import read_inputs
    from quotes.records import Document

    texts = [SEED.read_text(encoding="utf-8")]
    texts += [item.text for item in read_inputs([str(ARTICLES)]) if isinstance(item, Document)]
    return [text.strip() for text in texts]


def clean_article(length: int) -> str:
    """The fixture texts repeated, paragraphs kept, cut at the last paragraph end within ``length``."""
    texts = fixture_texts()
    pieces, total, i = [], 0, 0
    while total < length:
        pieces.append(texts[i % len(texts)])
        total += len(pieces[-1]) + 2
        i += 1
    return cut_at_paragraph("\n\n".join(pieces), length)


def cut_at_paragraph(text: str, length: int) -> str:
    """``text`` up to the last line break within ``length`` characters (whole paragraphs only)."""
    if len(text) <= length:
        return text
    cut = max(text.rfind(c, 0, length + 1) for c in "\n\r")
    return text[:cut].rstrip() if cut > 0 else text[:length]


def short_article_with(run: str, length: int) -> str:
    """The short article with a paragraph of ``run`` (repeated) in its middle, ``length`` characters in all."""
    paragraphs = SHORT.read_text(encoding="utf-8").strip().split("\n\n")
    head, tail = "\n\n".join(paragraphs[:3]), "\n\n".join(paragraphs[3:])
    room = length - len(head) - len(tail) - 4
    body = (run * (room // len(run) + 1))[:room]
    return f"{head}\n\n{body}\n\n{tail}"


def with_entities(text: str) -> str:
    """Quotation marks as HTML references, and every fifth space as &nbsp;."""
    text = text.replace("“", "&#8220;").replace("”", "&#8221;").replace('"', "&quot;")
    words = text.split(" ")
    return "".join(w + ("" if i == len(words) - 1 else "&nbsp;" if i % 5 == 4 else " ")
                   for i, w in enumerate(words))


def with_invisibles(text: str, seed: int = 7) -> str:
    """NBSP for some spaces, zero-width spaces and soft hyphens inside some words (deterministic)."""
    rng = random.Random(seed)
    out = []
    for word in text.split(" "):
        if len(word) >= 6 and rng.random() < 0.3:
            k = rng.randrange(2, len(word) - 2)
            word = word[:k] + rng.choice("\u00ad\u200b\u200c\ufeff") + word[k:]
        out.append(word)
        out.append("\u00a0" if rng.random() < 0.25 else " ")
    return "".join(out[:-1])


def pathological_inputs(length: int, extra: bool = False) -> dict[str, str]:
    """The clean article and the pathological inputs of about ``length`` characters."""
    clean = clean_article(length)
    n = len(clean)  # every input aims at the clean article's exact length
    longer = clean_article(2 * length)
    inputs = {
        "clean": clean,
        "he-said": short_article_with("“He said it ", n),
        "emoji-run": short_article_with("😂", n),
        "punct-run": short_article_with("!?", n),
        "open-quotes": short_article_with("“", n),
        "flattened": clean.replace("\r\n", " ").replace("\n", " "),
        "lone-cr": clean.replace("\r\n", "\r").replace("\n", "\r"),
        "html-entities": cut_at_paragraph(with_entities(longer), n),
        "invisible": cut_at_paragraph(with_invisibles(longer), n),
    }
    if extra:
        from quotes import text as prepared_text

        longest = getattr(prepared_text, "SYMBOL_RUN_MAX", 40)  # the longest run prepare() leaves alone
        inputs["symbol-runs"] = short_article_with("😂" * longest + "x", n)
        inputs["spaced-quotes"] = short_article_with("“ ", n)
    return inputs


# --- (a) time per character --------------------------------------------------------------------


@dataclass
class Timing:
    size: int  # the --sizes entry the input belongs to
    name: str
    chars: int
    seconds: float
    quotes: int
    quote_chars: int

    @property
    def us_per_char(self) -> float:
        return self.seconds / self.chars * 1e6


def time_inputs(extractor, inputs: dict[int, dict[str, str]], repeat: int) -> list[Timing]:
    """Best of ``repeat`` for every input, measured in rounds of all inputs."""
    # Warm-up: the model's first calls, and every code path (a short piece of each input).
    extractor.extract(SEED.read_text(encoding="utf-8"))
    for group in inputs.values():
        for text in group.values():
            extractor.extract(text[:2000])
    best: dict[tuple[int, str], Timing] = {}
    for _ in range(repeat):
        for size, group in inputs.items():
            for name, text in group.items():
                started = time.perf_counter()
                article = extractor.extract(text)
                seconds = time.perf_counter() - started
                key = (size, name)
                if key not in best or seconds < best[key].seconds:
                    best[key] = Timing(size, name, len(text), seconds, len(article.quotes),
                                       sum(len(q.text) for q in article.quotes))
    return list(best.values())


def time_ratio(timing: Timing, clean: Timing) -> float:
    return timing.us_per_char / clean.us_per_char


# --- (b) database size -------------------------------------------------------------------------


@dataclass
class Database:
    name: str
    chars: int
    quotes: int
    file_bytes: int  # main file plus any WAL left after close
    paragraph_chars: int


def store_article(extractor, text: str, name: str, workdir: Path) -> Database:
    from quotes import Store

    article = extractor.extract(text, doc_id="long-article")
    path = workdir / f"{name}.db"
    store = Store(path)
    store.add(article)
    store.close()
    size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    with sqlite3.connect(path) as conn:
        paragraph_chars, quotes = conn.execute(
            "select coalesce(sum(length(paragraph)), 0), count(*) from quotes").fetchone()
    conn.close()
    return Database(name, len(text), quotes, size, paragraph_chars)


def database_sizes(extractor, length: int) -> tuple[Database, Database]:
    text = clean_article(length)
    flat = text.replace("\r\n", " ").replace("\n", " ")
    with tempfile.TemporaryDirectory(prefix="quotes-pathological-") as tmp:
        return store_article(extractor, text, "line-breaks", Path(tmp)), store_article(extractor, flat, "flattened", Path(tmp))


# --- report ------------------------------------------------------------------------------------


def verdict(ratio: float, target: float) -> str:
    return "PASS" if ratio <= target else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the fastest counts (default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[12_000, 40_000],
                        help="input lengths in characters (default 12000 40000)")
    parser.add_argument("--db-chars", type=int, default=33_000,
                        help="length of the article stored for the database comparison (default 33000)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the extractor's)")
    parser.add_argument("--extra", action="store_true",
                        help="also time inputs just inside prepare()'s guards (symbol-runs, spaced-quotes)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args()

    import quotes

    started = time.perf_counter()
    extractor = quotes.Extractor(model=args.model) if args.model else quotes.Extractor()
    load_seconds = time.perf_counter() - started
    inputs = {size: pathological_inputs(size, args.extra) for size in args.sizes}
    timings = time_inputs(extractor, inputs, args.repeat)
    original, flattened = database_sizes(extractor, args.db_chars)

    clean = {t.size: t for t in timings if t.name == "clean"}
    rows = []
    for t in timings:
        ratio = time_ratio(t, clean[t.size])
        rows.append({**asdict(t), "us_per_char": t.us_per_char, "ratio": ratio,
                     "quote_share": t.quote_chars / t.chars,
                     "verdict": "-" if t.name == "clean" else verdict(ratio, TIME_TARGET)})
    size_ratio = flattened.file_bytes / original.file_bytes
    paragraph_ratio = flattened.paragraph_chars / max(original.paragraph_chars, 1)
    db = {"original": asdict(original), "flattened": asdict(flattened),
          "size_ratio": size_ratio, "size_verdict": verdict(size_ratio, DB_TARGET),
          "paragraph_ratio": paragraph_ratio, "paragraph_verdict": verdict(paragraph_ratio, DB_TARGET)}
    failed = [f"{r['name']}@{r['size']}" for r in rows if r["verdict"] == "FAIL"]
    failed += [f"db-{what}" for what in ("size", "paragraph") if db[f"{what}_verdict"] == "FAIL"]
    checks = sum(r["verdict"] != "-" for r in rows) + 2
    summary = (f"{'FAIL' if failed else 'PASS'}: {checks - len(failed)}/{checks} checks pass"
               + (f"; failing: {', '.join(failed)}" if failed else "")
               + f" (time/char <= {TIME_TARGET:g}x clean, database <= {DB_TARGET:g}x)")

    if args.json:
        print(json.dumps({"repeat": args.repeat, "model_load_seconds": load_seconds, "timings": rows,
                          "database": db, "failed": failed, "summary": summary}, indent=2, ensure_ascii=False))
        print(summary, file=sys.stderr)
        return

    print(f"(a) extraction time per character, best of {args.repeat}, in rounds; model loaded in {load_seconds:.1f} s")
    print(f"{'input':14} {'chars':>7} {'seconds':>8} {'µs/char':>8} {'vs clean':>8} {'quotes':>6} "
          f"{'quote/len':>9}  target <= {TIME_TARGET:g}x")
    for size in args.sizes:
        for r in (r for r in rows if r["size"] == size):
            print(f"{r['name']:14} {r['chars']:7,} {r['seconds']:8.3f} {r['us_per_char']:8.2f} {r['ratio']:8.2f} "
                  f"{r['quotes']:6} {r['quote_share']:9.3f}  {r['verdict']}")
        print()
    print(f"(b) database of one {args.db_chars:,}-character article, flattened vs with its line breaks")
    print(f"{'article':12} {'chars':>7} {'quotes':>6} {'db bytes':>10} {'paragraph chars':>15}")
    for d in (original, flattened):
        print(f"{d.name:12} {d.chars:7,} {d.quotes:6} {d.file_bytes:10,} {d.paragraph_chars:15,}")
    print(f"file size ratio {size_ratio:.2f} ({db['size_verdict']}), paragraph column ratio "
          f"{paragraph_ratio:.2f} ({db['paragraph_verdict']}), target <= {DB_TARGET:g}x\n")
    print(summary)


if __name__ == "__main__":
    main()
