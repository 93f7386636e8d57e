"""Who is quoted most, and is each of them one row? A check of the `speakers` table to read.

    python benchmarks/speakers.py --db /tmp/polnear.db [--top 50] [--entities 20]
    python benchmarks/speakers.py --build ../shared/eval/polnear.dev.jsonl --db /tmp/polnear.db

``--build INPUT`` first runs ``quotes extract INPUT --db DB`` (about three minutes for the 605
PolNeAR articles); without it the database is read as it is. The report has three parts:

1. **The most-quoted rows**, ``--top`` of them, one block each: name, type, quotes, documents,
   every alias the store keeps for it (``speaker_aliases``, with type and documents) and its first
   descriptions, to be read one by one.
2. **Their quotes on other rows.** For each of the ``--entities`` most-quoted typed rows, the rows
   that look like the same real-world entity by this script's own tests, independent of the
   store's rules: a row naming a person by the same surname with no other first name and no
   other generational suffix ("Trump", "Obama Says", "Mrs. Clinton", but not "Melania Trump" or
   "Donald Trump Jr."); for an organisation, the same name without "the", dots and case, its
   last word alone for an outlet ("Times"), or its initials ("FBI"). Rows that are descriptions
   (a lower-case word: "Clinton aides") are not counted: their quotes are someone else's. The
   share is the entity's quotes on its main row; the acceptance is >= 98% for each.
3. **Suspected junk rows**: rows whose name is no entity's by this script's tests (pronouns,
   lower-case descriptions, generic plurals, digits, stray quotation marks, headline verbs,
   buildings typed PERSON, one-word titles), with their share of all quotes. Typed rows count
   towards the acceptance (<= 0.5% of all quotes), and so do untyped rows seen in more than one
   document (merged across articles); untyped rows of one article are listed apart, as the
   article-scoped descriptions the store keeps on purpose.
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- this script's own tests (kept apart from quotes.store's identity rules on purpose) ----------

PRONOUNS = set("i me we us you he him she her it they them this that these those who one someone "
               "another others some many most several all both each".split())
GENERIC = set("""official officials people aides aide experts expert critics analysts analyst sources source
insiders investigators researchers economists respondents participants members opponents supporters voters
residents lawmakers leaders advisers staffers politicians demonstrators protesters witnesses prosecutors officers
activists observers authorities police spokesman spokeswoman spokesperson team staff
senator president governor secretary minister mayor judge candidate filmmaker""".split())
# Words that may stand before a surname and are no first name ("Billionaire Donald Trump").
DESCRIPTORS = set("billionaire fascist candidate nominee mogul businessman republican democrat democratic former "
                  "rival team".split())
HEADLINE = set("""says said tells told speech slams blasts warns calls claims urges vows admits denies defends
responds reveals accuses insists asks explains praises rips attacks makes debunks offers addresses dismissed
focused tweets interview remarks""".split())
BUILDINGS = set("tower plaza hotel casino building square street avenue park airport hall vineyard island "
                "stadium church museum mahal shuttle".split())
ORG_WORDS = set("foundation university organization campaign committee party department institute center "
                "inc corp company group news times post fund council association".split())
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "del", "la", "le", "al", "bin", "el"}
FUNCTION_CAPS = {"For", "Against", "Why", "How", "Just", "Over", "On", "In", "To", "With", "About", "He", "She",
                 "They", "It", "Is", "Are", "Was", "Has", "Have", "Will", "Not", "No", "The", "A", "An", "Of"}


def words(name: str) -> list[str]:
    return re.findall(r"[A-Za-zÀ-ÿ][\w’'.-]*", name)


def plain(name: str) -> str:
    name = re.sub(r"^(the|The)\s+", "", name.strip())
    return re.sub(r"[.’'\s]", "", name).lower()


def junk_reason(name: str, type_: str | None) -> str | None:
    """Why a row's name is no entity's, by this script's own tests; None if it may be one."""
    ws = words(name)
    low = [w.lower().rstrip(".") for w in ws]
    if not ws:
        return "no letters"
    if re.search(r"[“”\"‘()\[\]{}<>|*#@;:!?]", name) or re.search(r"\w[,”]\w", name):
        return "stray marks"
    if re.search(r"\d", name) and (type_ in (None, "PERSON") or re.search(r"\d\s*(percent|%)|\d:\d\d|[AP]M", name)):
        return "digits"
    if low[0] in PRONOUNS or low[0] in ("a", "an"):
        return "pronoun or determiner"
    if any(w[:1].islower() and w.lower() not in PARTICLES | {"of", "and", "for", "the", "on", "at", "in"}
           and not re.match(r"^[a-z]+[A-Z]", w) for w in name.split()):
        return "description (lower case)"
    if len(ws) == 1 and low[0] in GENERIC:
        return "generic word or title"
    if any(w in HEADLINE for w in low[1:]) or (len(ws) > 1 and low[0] in HEADLINE):
        return "headline verb"
    if any(w in FUNCTION_CAPS for w in name.split()[1:]):
        return "headline case"
    if type_ == "PERSON" and low[-1] in BUILDINGS:
        return "a building or business typed PERSON"
    if type_ == "PERSON" and len(ws) > 5:
        return "too long for a name"
    if re.search(r"\s['’]s\b|['’]s\s", name):
        return "possessive phrase"
    return None


@dataclass
class Row:
    id: str
    name: str
    type: str | None
    quotes: int
    documents: int
    aliases: list[tuple[str, str | None, int]] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def person_parts(name: str) -> tuple[str | None, str | None, str | None]:
    """(first name, surname, suffix), lower case; first is None for a lone surname."""
    ws = [w for w in words(name)]
    suffix = None
    if ws and ws[-1].lower().rstrip(".") in SUFFIXES:
        suffix = ws.pop().lower().rstrip(".")
    ws = [w for w in ws if w.lower() not in PARTICLES]
    if not ws:
        return None, None, suffix
    if len(ws) == 1:
        return None, ws[0].lower(), suffix
    return ws[0].lower().rstrip("."), ws[-1].lower(), suffix


def same_person_row(main: Row, other: Row) -> bool:
    """Whether ``other`` looks like another row of the person ``main``: it names the surname, no
    other first name and no other suffix (headline words and titles around it are allowed)."""
    first, last, suffix = person_parts(main.name)
    if not last:
        return False
    ws = words(other.name)
    low = [w.lower().rstrip(".").replace("’", "'") for w in ws]
    if last not in [w.removesuffix("'s") for w in low]:
        return False
    if any(w[:1].islower() and w.lower() not in PARTICLES for w in ws):
        return False  # a description of something of theirs: "Clinton aides"
    if other.type not in (None, "PERSON") and any(w in ORG_WORDS for w in low):
        return False  # "Clinton Foundation"
    o_first, o_last, o_suffix = person_parts(other.name)
    if o_suffix != suffix:
        return False  # "Donald Trump Jr." is not "Donald Trump"
    titles = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "senator", "secretary", "former"}
    kept = [w.removesuffix("'s") for w in low if w not in HEADLINE and w not in titles and w not in PRONOUNS
            and w not in SUFFIXES]
    if not kept or kept[-1] != last:
        return False  # the surname is not the name's last word: "Trump Tower", "Reid Ribble"
    if other.type not in (None, "PERSON") and len(kept) > 1:
        return False
    given = kept[0] if len(kept) > 1 else None
    if given and first and not (given == first or given[:3] == first[:3] or len(given) == 1) \
            and given not in DESCRIPTORS and not given.endswith("ing"):
        return False  # another first name: another person of that surname ("Melania Trump", "Taylor Bush")
    return True


def same_org_row(main: Row, other: Row) -> bool:
    """Whether ``other`` looks like another row of the organisation ``main``."""
    if plain(other.name) == plain(main.name):
        return True
    ws = [w for w in words(re.sub(r"^(the|The)\s+", "", main.name))]
    initials = "".join(w[0] for w in ws if w[:1].isupper()).lower()
    if len(ws) > 1 and plain(other.name) == initials:
        return True
    if len(words(other.name)) > 1 and "".join(w[0] for w in words(other.name) if w[:1].isupper()).lower() == plain(main.name):
        return True
    return len(ws) > 1 and other.type in ("ORG", None) and plain(other.name) == ws[-1].lower() and ws[-1] in (
        "Times", "Post", "Journal", "Globe", "Herald", "Tribune", "News", "Press")


# --- the report ---------------------------------------------------------------------------------


def load(db: Path) -> tuple[list[Row], int]:
    conn = sqlite3.connect(db)
    rows = {i: Row(i, n, t or None, q, d) for i, n, t, q, d in conn.execute(
        "SELECT id, name, type, quote_count, document_count FROM speakers")}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "speaker_aliases" in tables:
        for sid, alias, type_, count in conn.execute(
                "SELECT speaker_id, alias, type, document_count FROM speaker_aliases ORDER BY document_count DESC, alias"):
            rows[sid].aliases.append((alias, type_, count))
    for sid, descriptions in conn.execute("SELECT id, descriptions FROM speakers"):
        rows[sid].descriptions = json.loads(descriptions)
    total = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
    conn.close()
    return sorted(rows.values(), key=lambda r: (-r.quotes, r.name)), total


def report(db: Path, top: int, entities: int, out=sys.stdout) -> dict:
    rows, total = load(db)
    say = lambda *a: print(*a, file=out)  # noqa: E731
    say(f"# {db}: {total} quotes, {len(rows)} speaker rows "
        f"({sum(1 for r in rows if r.type)} typed, {sum(1 for r in rows if not r.type)} untyped)\n")

    say(f"## The {top} most-quoted rows\n")
    for rank, row in enumerate(rows[:top], 1):
        say(f"{rank:>3}. {row.name} [{row.type or '-'}] {row.quotes} quotes, {row.documents} documents")
        if row.aliases:
            say("     aliases: " + "; ".join(f"{a} [{t or '-'}] {n}" for a, t, n in row.aliases[:12])
                + (f"; ... {len(row.aliases) - 12} more" if len(row.aliases) > 12 else ""))
        if row.descriptions:
            say("     described as: " + "; ".join(row.descriptions[:6]))
        reason = junk_reason(row.name, row.type)
        if reason:
            say(f"     SUSPECTED JUNK: {reason}")

    say(f"\n## The {entities} most-quoted entities and their quotes on other rows\n")
    results = []
    seen: set[str] = set()
    for row in [r for r in rows if r.type]:
        if len(results) == entities:
            break
        if row.id in seen:
            continue  # another row of an entity above
        test = same_person_row if row.type == "PERSON" else same_org_row
        others = [o for o in rows if o.id != row.id and o.quotes and o.id not in seen and test(row, o)]
        seen.update(o.id for o in others)
        off = sum(o.quotes for o in others)
        share = row.quotes / (row.quotes + off) if row.quotes + off else 1.0
        results.append((row, others, share))
        mark = "ok " if share >= 0.98 else "LOW"
        say(f"{mark} {row.name} [{row.type}]: {row.quotes} on its row, {off} on {len(others)} other rows: "
            f"{share:.1%} on the main row")
        for o in sorted(others, key=lambda o: -o.quotes)[:8]:
            say(f"      {o.name} [{o.type or '-'}] {o.quotes} quotes, {o.documents} documents")
    worst = min((s for _, _, s in results), default=1.0)

    say("\n## Suspected junk rows\n")
    counted, apart = [], []
    for row in rows:
        if not row.quotes:
            continue
        reason = junk_reason(row.name, row.type)
        if reason:
            (counted if row.type or row.documents > 1 else apart).append((row, reason))
    junk_quotes = sum(r.quotes for r, _ in counted)
    for row, reason in counted:
        say(f"  {row.name} [{row.type or '-'}] {row.quotes} quotes, {row.documents} documents: {reason}")
    say(f"\ntyped or merged junk: {len(counted)} rows, {junk_quotes} quotes, {junk_quotes / total:.2%} of all quotes")
    apart_quotes = sum(r.quotes for r, _ in apart)
    say(f"untyped rows of one article that name no entity (kept on purpose, not counted): {len(apart)} rows, "
        f"{apart_quotes} quotes, {apart_quotes / total:.2%}")
    say(f"\nsummary: worst main-row share of the top {entities} entities {worst:.1%} "
        f"({sum(s >= 0.98 for _, _, s in results)}/{len(results)} at >= 98%); junk {junk_quotes / total:.2%} of quotes")
    return {"worst_share": worst, "junk_share": junk_quotes / total, "shares": {r.name: s for r, _, s in results}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="the quotes database to read (built first with --build)")
    parser.add_argument("--build", metavar="INPUT", help="run `quotes extract INPUT --db DB` first")
    parser.add_argument("--top", type=int, default=50, help="rows to list one by one")
    parser.add_argument("--entities", type=int, default=20, help="most-quoted entities whose other rows are sought")
    args = parser.parse_args(argv)
    if args.build:
        subprocess.run([sys.executable, "-m", "quotes", "extract", args.build, "--db", str(args.db)], cwd=ROOT, check=False)
    if not args.db.exists():
        parser.error(f"{args.db} does not exist (use --build INPUT to make it)")
    report(args.db, args.top, args.entities)


if __name__ == "__main__":
    main()
