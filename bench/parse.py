"""Parse throughput on the seed replicated to about 40 MB, beside a bare regex line scan.

    .venv/bin/python bench/parse.py [--mb 40]

The figure that matters is the ratio: parser time / bare scan time, measured in the
same process on the same text (issue 3 aims at the parser within 5x of the scan).
The bare scan is what any parser must at least do: split lines and try one regex
(clause labels) on each.
"""
from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from pipeline.parse import parse
from pipeline.settings import PROJECT_ROOT

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
BARE = re.compile(r"^(\d+(?:\.\d+)*|[a-z]{1,2}\s?\)|[ivx]+\))\t")


def bare_scan(text: str) -> int:
    n = 0
    for line in text.split("\n"):
        if BARE.match(line):
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=40.0)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    seed = SEED.read_text(encoding="utf-8")
    copies = max(1, int(args.mb * 1024 * 1024 / len(seed.encode("utf-8"))))
    text = "\n* * * * * * * * * *\n".join([seed] * copies)
    size_mb = len(text.encode("utf-8")) / (1024 * 1024)
    scans, parses = [], []
    for _ in range(args.reps):  # interleaved, medians
        t = time.perf_counter()
        bare_scan(text)
        scans.append(time.perf_counter() - t)
        t = time.perf_counter()
        doc = parse(Path("bench.txt"), text=text)
        parses.append(time.perf_counter() - t)
    s, p = statistics.median(scans), statistics.median(parses)
    print(f"text: {size_mb:.1f} MB ({copies} copies of the seed), {len(doc.proposals)} proposals")
    print(f"bare line scan : {s:7.2f} s  {size_mb / s:8.1f} MB/s")
    print(f"resgraph parse : {p:7.2f} s  {size_mb / p:8.1f} MB/s")
    print(f"ratio parse/scan: {p / s:.1f}x  (aim: within 5x)")


if __name__ == "__main__":
    main()
