"""Throughput and memory of quote extraction, measured against bare spaCy in the same run.

    python benchmarks/throughput.py [--docs 200] [--n-process 1 2] [--batch-size 32] [--model NAME] [--repeat 1]
    python benchmarks/throughput.py --memory [--memory-docs 1000 20000] [--memory-words 150]
    python benchmarks/throughput.py --profile [--docs 100]
    python benchmarks/throughput.py --instructions --docs 21
    python benchmarks/throughput.py --dask-workers 1 [--docs 200] [--partition-size 64]

One corpus for every figure: the fixtures (seed article, fixtures/articles/*) and, when present,
the texts of ../shared/eval/*.jsonl, repeated with distinct ids up to ``--docs`` documents and
written to a temporary .jsonl file. For each process count it measures

    A  bare ``nlp.pipe``: the extractor's own pipeline with only spaCy's components enabled
       (the quote component and anything else the extractor adds switched off);
    B  ``Extractor.pipe``: the same pipeline plus extraction, Articles built;
    C  ``quotes extract CORPUS.jsonl --db OUT.db``: reading, extraction and SQLite writes,
       the command as a user runs it (its own process, model load included);

each in a fresh process, timed by wall clock around the work (C: around the whole command), with
peak resident memory summed over the process and its children (sampled every 50 ms; forked spaCy
workers share pages, so the sum over-counts them). Throughput is in words (whitespace-separated)
per second. Targets: C/A >= 0.90 at one process, two processes >= 1.6x one process on two cores.
C's time includes what A's timing leaves out (starting Python, importing spaCy, loading the
model), so the report also gives C/A as whole processes: A's process does all of that too,
then reads the same corpus and runs ``nlp.pipe``, and the ratio is then what the command adds.

``--memory`` runs C on ``--memory-docs`` documents (cut to about ``--memory-words`` words, so that
20,000 documents take minutes, not an hour) and reports the ratio of peak RSS; target <= 1.2:
the command streams and commits in batches, so memory must not grow with the corpus.

``--profile`` runs B and the store under cProfile in this process and prints where the time
goes outside spaCy: reading, spaCy, extraction code, store writes.

``--instructions`` counts A and C in CPU instructions under valgrind instead of timing them, on
the first document and on the first ``--docs``: a measure that a shared machine's noise does not
move (wall-clock runs of the same stage differ by 10% there). It prints the per-document C/A and
C/A with C's start-up on 200 and 1,000 such documents.

``--dask-workers N`` measures ``extract_on_dask`` on a LocalCluster of N single-threaded workers
(model loaded before timing) and each worker's resident memory: idle, with the model, after the
corpus. These are the per-worker figures of docs/scaling.md.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
ARTICLES = ROOT / "fixtures" / "articles"
RSS_SAMPLE_SECONDS = 0.05

sys.path.insert(0, str(ROOT))


# --- corpus ----------------------------------------------------------------------------------


def source_texts() -> list[dict]:
    """The distinct texts the corpus repeats: fixtures first, then the evaluation sets."""
    from quotes.readers import read_inputs
    from quotes.records import Document

    sources = [{"text": SEED.read_text(encoding="utf-8")}]
    if ARTICLES.is_dir():
        sources += [
            {"text": item.text, "title": item.title, "publisher": item.publisher}
            for item in read_inputs([str(ARTICLES)])
            if isinstance(item, Document)
        ]
    for path in sorted(SHARED_EVAL.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            sources += [{"text": json.loads(line)["text"]} for line in lines if line.strip()]
    return sources


def shorten(text: str, max_words: int) -> str:
    """The first paragraphs of ``text`` up to about ``max_words`` words (at least one paragraph)."""
    kept, words = [], 0
    for paragraph in text.split("\n"):
        if kept and words + len(paragraph.split()) > max_words:
            break
        kept.append(paragraph)
        words += len(paragraph.split())
    return "\n".join(kept)


def corpus_records(n_docs: int, max_words: int | None = None) -> Iterator[dict]:
    """``n_docs`` records cycling through the sources, each with its own id."""
    for i, source in enumerate(itertools.islice(itertools.cycle(source_texts()), n_docs)):
        record = {k: v for k, v in source.items() if v is not None}
        if max_words:
            record["text"] = shorten(record["text"], max_words)
        yield {"id": f"bench-{i:06d}", **record}


def write_corpus(path: Path, n_docs: int, max_words: int | None = None) -> tuple[int, int]:
    """Write the corpus as JSON lines; returns (documents, words)."""
    docs = words = 0
    with path.open("w", encoding="utf-8") as out:
        for record in corpus_records(n_docs, max_words):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            docs += 1
            words += len(record["text"].split())
    return docs, words


def read_corpus(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


# --- measuring a process ---------------------------------------------------------------------


@dataclass
class Run:
    seconds: float  # the work alone for A and B (their own timing), the whole command for C
    cpu_seconds: float
    peak_rss: int
    process_seconds: float  # the whole process: interpreter, imports, model load, work

    @staticmethod
    def best(runs: list[Run]) -> Run:
        """The fastest of repeated runs: on a shared machine the others measure the neighbours."""
        return min(runs, key=lambda run: run.seconds)


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:  # exited between listing and reading
            pass
    return total


def measure(command: list[str]) -> Run:
    """Run ``command``: wall and CPU time, peak RSS of its process tree.

    A stage child (A, B) prints its own timing of the work alone, which replaces the whole
    process's; the peak RSS is always the whole process tree's.
    """
    cpu_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"})
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        process = psutil.Process(child.pid)
        while not done.is_set():
            try:
                peak = max(peak, tree_rss(process))
            except psutil.Error:
                return
            done.wait(RSS_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr[-3000:]}")
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    timing = json.loads(last) if last.startswith("{") else {}
    return Run(timing.get("seconds", seconds), timing.get("cpu_seconds", cpu), peak, seconds)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def stage_command(stage: str, corpus: Path, n_process: int, args: argparse.Namespace) -> list[str]:
    command = [sys.executable, __file__, "--stage", stage, "--corpus", str(corpus),
               "--n-process", str(n_process), "--batch-size", str(args.batch_size)]
    return command + (["--model", args.model] if args.model else [])


def cli_command(corpus: Path, db: Path, n_process: int, args: argparse.Namespace) -> list[str]:
    command = [sys.executable, "-m", "quotes", "extract", str(corpus), "--db", str(db),
               "--n-process", str(n_process), "--batch-size", str(args.batch_size)]
    return command + (["--model", args.model] if args.model else [])


# --- the stages, each run in its own process ---------------------------------------------------


def load_extractor(model: str | None):
    from quotes import Extractor

    return Extractor(model=model) if model else Extractor()


def spacy_components(extractor) -> list[str]:
    """The components the extractor runs, minus those this package adds (the quote code)."""
    def defined_in(component) -> str:
        # Function components carry their own module; spaCy's Cython classes only their type's.
        return getattr(component, "__module__", None) or type(component).__module__

    return [name for name in extractor.components
            if not defined_in(extractor.nlp.get_pipe(name)).startswith("quotes.")]


def run_stage(stage: str, corpus: Path, n_process: int, batch_size: int, model: str | None) -> dict:
    """Time stage A or B on the corpus in this process; the model load is not timed."""
    records = read_corpus(corpus)
    extractor = load_extractor(model)
    # spaCy joins its worker processes before pipe() ends, so their CPU time lands in CHILDREN.
    cpu_before = cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    if stage == "A":
        nlp = extractor.nlp
        with nlp.select_pipes(enable=spacy_components(extractor)):
            count = sum(1 for _ in nlp.pipe((r["text"] for r in records), batch_size=batch_size, n_process=n_process))
        quotes = None
    else:
        count = quotes = 0
        for article in extractor.pipe(records, batch_size=batch_size, n_process=n_process):
            count += 1
            quotes += len(article.quotes)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before
    if count != len(records):
        raise SystemExit(f"stage {stage}: {count} results for {len(records)} documents")
    return {"seconds": seconds, "cpu_seconds": cpu, "docs": count, "quotes": quotes}


# --- reports -----------------------------------------------------------------------------------


def mib(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:,.0f} MiB"


STAGES = {
    "A": "bare nlp.pipe (spaCy components)",
    "B": "Extractor.pipe",
    "C": "quotes extract --db (whole command)",
}


def throughput(args: argparse.Namespace, workdir: Path) -> None:
    corpus = workdir / "corpus.jsonl"
    docs, words = write_corpus(corpus, args.docs)
    print(f"corpus: {docs} documents, {words:,} words ({corpus_note()})")
    print(f"batch size {args.batch_size}; model {args.model or 'default'}; best of {args.repeat}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start\n")
    print(f"{'':3} {'stage':40} {'wall s':>7} {'words/s':>8} {'vs A':>5} {'CPU s':>7} {'words/CPU-s':>11} "
          f"{'vs A':>5} {'peak RSS':>9}")
    runs: dict[tuple[str, int], Run] = {}
    for n_process in args.n_process:
        db = workdir / f"out-{n_process}.db"
        commands = {
            "A": stage_command("A", corpus, n_process, args),
            "B": stage_command("B", corpus, n_process, args),
            "C": cli_command(corpus, db, n_process, args),
        }
        # Rounds of A, B, C rather than A×N, B×N, C×N: a neighbour's load that comes and goes
        # then hits every stage alike, and the best of each stage comes from comparable moments.
        tries: dict[str, list[Run]] = {stage: [] for stage in commands}
        for _ in range(args.repeat):
            for stage, command in commands.items():
                remove_database(db)  # C on an existing database would skip every document
                tries[stage].append(measure(command))
        for stage in commands:
            runs[stage, n_process] = Run.best(tries[stage])
            run, base = runs[stage, n_process], runs["A", n_process]
            print(f"{n_process}p  {stage} {STAGES[stage]:38} {run.seconds:7.1f} {words / run.seconds:8,.0f} "
                  f"{base.seconds / run.seconds:5.2f} {run.cpu_seconds:7.1f} {words / run.cpu_seconds:11,.0f} "
                  f"{base.cpu_seconds / run.cpu_seconds:5.2f} {mib(run.peak_rss):>9}")
        print()
    startup = measure(cli_command(write_small_corpus(workdir), workdir / "startup.db", 1, args))
    print(f"fixed cost of the command (quotes extract --db on one sentence): {startup.seconds:.1f} s wall, "
          f"{startup.cpu_seconds:.1f} s CPU, {mib(startup.peak_rss)}")
    print(f"load average at end {os.getloadavg()[0]:.1f}\n")
    first = args.n_process[0]
    for n_process in args.n_process:
        a, b, c = (runs[stage, n_process] for stage in "ABC")
        print(f"{n_process}p: B/A {a.seconds / b.seconds:.2f}   C/A {a.seconds / c.seconds:.2f}   "
              f"C/A without the fixed cost {a.seconds / (c.seconds - startup.seconds):.2f}   "
              f"C/A as whole processes {a.process_seconds / c.process_seconds:.2f}"
              + ("   (target C/A >= 0.90)" if n_process == 1 else ""))
    for n_process in args.n_process[1:]:
        print(f"{n_process} processes vs {first}: " + "   ".join(
            f"{stage} {runs[stage, first].seconds / runs[stage, n_process].seconds:.2f}x" for stage in "ABC")
            + "   (target >= 1.6x for 2 vs 1 on 2 cores)")


def instructions(args: argparse.Namespace, workdir: Path) -> None:
    """A and C counted in CPU instructions under valgrind (cachegrind): deterministic, so the ratio
    does not move with a neighbour's load as wall clock does. Each stage runs on the first document
    and on the first ``--docs`` documents; the difference is the per-document cost, the one-document
    run of C minus A's is what the command adds once. Slow: about 80x the native time."""
    python = os.path.realpath(sys.executable)  # a pyenv shim would be what valgrind counts
    counts: dict[tuple[str, int], int] = {}
    for n_docs in (1, args.docs):
        corpus = workdir / f"instructions-{n_docs}.jsonl"
        write_corpus(corpus, n_docs)
        for stage in "AC":
            command = (cli_command(corpus, workdir / f"instructions-{n_docs}.db", 1, args) if stage == "C"
                       else stage_command(stage, corpus, 1, args))
            command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                       python, *command[1:]]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            refs = re.findall(r"I\s+refs:\s+([\d,]+)", done.stderr)
            if done.returncode != 0 or not refs:
                raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
            counts[stage, n_docs] = int(refs[-1].replace(",", ""))
            print(f"{stage} on {n_docs:>4} document(s): {counts[stage, n_docs]:>16,} instructions", flush=True)
    per_doc = {stage: counts[stage, args.docs] - counts[stage, 1] for stage in "AC"}
    startup = counts["C", 1] - per_doc["C"] / (args.docs - 1)
    print(f"per-document work, C/A: {per_doc['A'] / per_doc['C']:.3f}")
    for n_docs in (200, 1000):
        a = per_doc["A"] / (args.docs - 1) * n_docs
        c = per_doc["C"] / (args.docs - 1) * n_docs + startup
        print(f"C/A with C's start-up ({startup / 1e9:.1f} G instructions) on {n_docs} such documents: {a / c:.3f}")


def write_small_corpus(workdir: Path) -> Path:
    path = workdir / "one.jsonl"
    path.write_text(json.dumps({"id": "one", "text": "“It works,” she said."}) + "\n", encoding="utf-8")
    return path


def corpus_note() -> str:
    found = sorted(p.name for p in SHARED_EVAL.glob("*.jsonl"))
    return "fixtures + " + ", ".join(found) if found else "fixtures only: ../shared/eval is absent"


def memory(args: argparse.Namespace, workdir: Path) -> None:
    small, large = args.memory_docs
    peaks = {}
    for n_docs in (small, large):
        corpus = workdir / f"memory-{n_docs}.jsonl"
        docs, words = write_corpus(corpus, n_docs, args.memory_words)
        run = measure(cli_command(corpus, workdir / f"memory-{n_docs}.db", 1, args))
        peaks[n_docs] = run.peak_rss
        print(f"quotes extract --db, {docs:,} documents ({words:,} words): {run.seconds:,.0f} s, "
              f"{words / run.seconds:,.0f} words/s, peak RSS {mib(run.peak_rss)}")
    print(f"RSS({large:,}) / RSS({small:,}) = {peaks[large] / peaks[small]:.2f} (target <= 1.2)")


def dask_workers(args: argparse.Namespace, workdir: Path) -> None:
    """Throughput of extract_on_dask and each worker's memory, on a LocalCluster of N workers."""
    from distributed import Client, LocalCluster

    from quotes.distributed import extract_on_dask
    from quotes.readers import read_inputs

    corpus = workdir / "corpus.jsonl"
    docs, words = write_corpus(corpus, args.docs)
    documents = list(read_inputs([str(corpus)]))
    print(f"corpus: {docs} documents, {words:,} words; {args.dask_workers} worker(s), 1 thread each; "
          f"load average {os.getloadavg()[0]:.1f}")

    def worker_rss() -> int:
        import psutil

        return psutil.Process().memory_info().rss

    def worker_cpu() -> float:
        import psutil

        times = psutil.Process().cpu_times()
        return times.user + times.system

    with LocalCluster(n_workers=args.dask_workers, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        idle = client.run(worker_rss)
        # Load the model in every worker before timing: one small partition each.
        list(extract_on_dask(documents[: args.dask_workers], cluster.scheduler_address, partition_size=1,
                             model=args.model))
        loaded = client.run(worker_rss)
        cpu_before = client.run(worker_cpu)
        started = time.perf_counter()
        count = sum(1 for _ in extract_on_dask(documents, cluster.scheduler_address, model=args.model,
                                               batch_size=args.batch_size, partition_size=args.partition_size))
        seconds = time.perf_counter() - started
        cpu = sum(client.run(worker_cpu).values()) - sum(cpu_before.values())
        after = client.run(worker_rss)
    assert count == docs
    print(f"extract_on_dask: {seconds:.1f} s, {words / seconds:,.0f} words/s "
          f"({words / seconds / args.dask_workers:,.0f} per worker), partitions of {args.partition_size}; "
          f"{words / cpu:,.0f} words per worker CPU-second (what a worker on an idle core does)")
    for address in sorted(idle):
        print(f"worker {address}: RSS idle {mib(idle[address])}, model loaded {mib(loaded[address])}, "
              f"after the corpus {mib(after[address])}")


def profile(args: argparse.Namespace, workdir: Path) -> None:
    """Where B and C spend their time, in this process, one process count."""
    from quotes.readers import read_inputs
    from quotes.store import Store

    corpus = workdir / "corpus.jsonl"
    docs, words = write_corpus(corpus, args.docs)
    started = time.perf_counter()
    documents = [d for d in read_inputs([str(corpus)])]
    reading = time.perf_counter() - started
    extractor = load_extractor(args.model)

    started = time.perf_counter()
    with extractor.nlp.select_pipes(enable=spacy_components(extractor)):
        for _ in extractor.nlp.pipe((d.text for d in documents), batch_size=args.batch_size):
            pass
    spacy_seconds = time.perf_counter() - started

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    articles = list(extractor.pipe(documents, batch_size=args.batch_size))
    profiler.disable()
    extract_seconds = time.perf_counter() - started

    store_profiler = cProfile.Profile()
    store = Store(workdir / "profile.db")
    started = time.perf_counter()
    store_profiler.enable()
    for _ in store.add_many(articles, batch_size=args.batch_size):
        pass
    store_profiler.disable()
    store_seconds = time.perf_counter() - started
    store.close()

    print(f"corpus: {docs} documents, {words:,} words, {sum(len(a.quotes) for a in articles)} quotes")
    print(f"reading (read_inputs)         {reading:7.2f} s")
    print(f"bare spaCy (A)                {spacy_seconds:7.2f} s")
    print(f"Extractor.pipe (B)            {extract_seconds:7.2f} s  (+{extract_seconds - spacy_seconds:.2f} s over A)")
    print(f"Store.add_many                {store_seconds:7.2f} s")
    print(f"C estimate: reading + B + store = {reading + extract_seconds + store_seconds:.2f} s; "
          f"C/A about {spacy_seconds / (reading + extract_seconds + store_seconds):.2f}\n")
    print_profile("extraction: the package's own code (tottime)", profiler, "quotes/", args.top)
    print_profile("extraction: everything (tottime)", profiler, "", args.top)
    print_profile("store (tottime)", store_profiler, "", args.top)


def print_profile(title: str, profiler: cProfile.Profile, path_part: str, top: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(path_part, top) if path_part else stats.print_stats(top)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    print(f"--- {title}")
    print("\n".join(lines[start:start + top + 1]) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="documents in the corpus (default 200)")
    parser.add_argument("--n-process", type=int, nargs="+", default=[1, 2], help="process counts (default 1 2)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the fastest counts")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the extractor's)")
    parser.add_argument("--memory", action="store_true", help="peak RSS of the command, small vs large corpus")
    parser.add_argument("--memory-docs", type=int, nargs=2, default=[1000, 20000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--memory-words", type=int, default=150,
                        help="cut memory-mode documents to about this many words (0: whole texts)")
    parser.add_argument("--profile", action="store_true", help="cProfile extraction and store writes")
    parser.add_argument("--instructions", action="store_true",
                        help="A and C in CPU instructions under valgrind, on 1 and --docs documents (slow)")
    parser.add_argument("--dask-workers", type=int, default=0,
                        help="measure extract_on_dask on a LocalCluster of this many workers instead")
    parser.add_argument("--partition-size", type=int, default=64, help="documents per Dask partition")
    parser.add_argument("--top", type=int, default=25, help="rows per profile table")
    parser.add_argument("--stage", choices=["A", "B"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage:
        n_process = args.n_process[0]
        print(json.dumps(run_stage(args.stage, args.corpus, n_process, args.batch_size, args.model)))
        return
    with tempfile.TemporaryDirectory(prefix="quotes-bench-") as tmp:
        if args.profile:
            profile(args, Path(tmp))
        elif args.dask_workers:
            dask_workers(args, Path(tmp))
        elif args.memory:
            memory(args, Path(tmp))
        elif args.instructions:
            instructions(args, Path(tmp))
        else:
            throughput(args, Path(tmp))


if __name__ == "__main__":
    main()
