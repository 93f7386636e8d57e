"""Build quotes/data/first_names.tsv from nomquamgender's name_data.json.

    python scripts/build_first_names.py path/to/nomquamgender/name_data.json

nomquamgender (MIT, https://github.com/ianvanbuskirk/nomquamgender) maps a lower-cased,
diacritic-free name to [sources, count, p(gf), taxonomy], p(gf) being the probability that the
name is gendered female. The resolver only needs "he"/"she" to agree with a first name, so we keep
single-word names whose gender is clear and that are common enough to meet in the news; the rest
stays unknown, which the resolver handles anyway. Output: sorted "name<TAB>m|f" lines under a
comment header that records the source and the thresholds, so the file can be rebuilt exactly.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

SOURCE = "nomquamgender 0.1.4 (MIT), name_data.json"
OUT = Path(__file__).resolve().parent.parent / "quotes" / "data" / "first_names.tsv"
# One word of letters, inner hyphens or apostrophes allowed ("jean-claude"); drops the entries
# that are initials, markup or transliteration debris.
WORD = re.compile(r"[a-z]{2,}(?:['-][a-z]+)*")


def build(name_data: dict[str, list], max_pgf_male: float, min_count: int) -> list[tuple[str, str]]:
    rows = []
    for name, (_sources, count, pgf, *_rest) in name_data.items():
        if count < min_count or not WORD.fullmatch(name):
            continue
        if pgf <= max_pgf_male:
            rows.append((name, "m"))
        elif pgf >= 1 - max_pgf_male:
            rows.append((name, "f"))
    return sorted(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name_data", type=Path, help="nomquamgender/name_data.json")
    parser.add_argument("--max-pgf-male", type=float, default=0.2,
                        help="male if p(gf) <= this, female if p(gf) >= 1 - this")
    parser.add_argument("--min-count", type=int, default=100, help="fewest observations of a name to keep it")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(json.loads(args.name_data.read_text("utf-8")), args.max_pgf_male, args.min_count)
    header = (f"# First names with a clear gender, from {SOURCE}; see first_names.LICENSE.\n"
              f"# Built by scripts/build_first_names.py: male (m) if p(gf) <= {args.max_pgf_male}, "
              f"female (f) if p(gf) >= {1 - args.max_pgf_male:g}, at least {args.min_count} observations.\n")
    args.out.write_text(header + "".join(f"{name}\t{g}\n" for name, g in rows), "utf-8")
    print(f"{args.out}: {len(rows)} names, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
