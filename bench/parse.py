"""Parse throughput on the seed replicated to about 40 MB, beside a bare regex line scan.

    .venv/bin/python bench/parse.py [--mb 40] [--reps 3] [--no-breakdown]

The figure that matters is the ratio: parser time / bare scan time, measured in the
same process on the same text (issue 3 aims at the parser within 5x of the scan).
The bare scan is what any parser must at least do: split lines and try one regex
(clause labels) on each.

Times are medians of interleaved repetitions, as CPU time of this process (steady on a
machine shared with other work) and as wall-clock time.  The breakdown (one more run)
says how much of the parse is spent in :mod:`pipeline.citations` (finding citations,
resolving internal references, reading revision strings) and how much in the rest of
the parser (reading lines, sections, clauses, labels, the strategic plan).

40 MB is beyond what a source may be (``pipeline.sources.MAX_BYTES``), so the limits are
switched off here (``parse(..., limits=False)``).
"""
from __future__ import annotations

import argparse
import platform
import re
import statistics
import time
from pathlib import Path

import pipeline.sources.itu_text.reader as parse_mod
from pipeline.sources import parse
from pipeline.settings import PROJECT_ROOT

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
BARE = re.compile(r"^(\d+(?:\.\d+)*|[a-z]{1,2}\s?\)|[ivx]+\))\t")
CITATION_FUNCTIONS = ("find_citations", "resolve_internal_references", "parse_revisions")
#: steps of the parser itself, timed in the breakdown too (names in pipeline.sources.itu_text.reader)
PARSER_FUNCTIONS = ("structure", "_split_citations", "repair", "parse_plan")


def bare_scan(text: str) -> int:
    n = 0
    for line in text.split("\n"):
        if BARE.match(line):
            n += 1
    return n


_inside = [False]   # a timed function is running: calls it makes to other timed ones count as its own


def _timed(fn):
    """``fn`` and a function that calls it, counting its (CPU) time."""
    spent = {"cpu": 0.0, "calls": 0}

    def wrapper(*a, **k):
        if _inside[0]:
            return fn(*a, **k)
        _inside[0] = True
        spent["calls"] += 1
        t = time.process_time()
        try:
            return fn(*a, **k)
        finally:
            spent["cpu"] += time.process_time() - t
            _inside[0] = False
    return wrapper, spent


def breakdown(text: str) -> dict[str, tuple[float, int]]:
    """CPU seconds (and calls) of one parse, split into the citation functions, some steps of
    the parser, and the rest."""
    names = [(f"citations.{n}", n) for n in CITATION_FUNCTIONS] + [(f"parse.{n}", n) for n in PARSER_FUNCTIONS]
    saved = {n: getattr(parse_mod, n) for _label, n in names if hasattr(parse_mod, n)}
    spent = {}
    try:
        for n, fn in saved.items():
            w, spent[n] = _timed(fn)
            setattr(parse_mod, n, w)
        t = time.process_time()
        parse(Path("bench.txt"), text=text, limits=False)
        total = time.process_time() - t
    finally:
        for n, fn in saved.items():
            setattr(parse_mod, n, fn)
    out = {label: (spent[n]["cpu"], spent[n]["calls"]) for label, n in names if n in spent}
    out["rest of the parser"] = (total - sum(v[0] for v in out.values()), 0)
    out["total"] = (total, 0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=40.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-breakdown", action="store_true", help="skip the extra run that splits the parse time")
    args = ap.parse_args()
    seed = SEED.read_text(encoding="utf-8")
    copies = max(1, int(args.mb * 1024 * 1024 / len(seed.encode("utf-8"))))
    text = "\n* * * * * * * * * *\n".join([seed] * copies)
    size_mb = len(text.encode("utf-8")) / (1024 * 1024)
    scans, parses = [], []
    for _ in range(args.reps):  # interleaved, medians
        w, c = time.perf_counter(), time.process_time()
        bare_scan(text)
        scans.append((time.process_time() - c, time.perf_counter() - w))
        w, c = time.perf_counter(), time.process_time()
        doc = parse(Path("bench.txt"), text=text, limits=False)  # 40 MB is beyond a source's MAX_BYTES
        parses.append((time.process_time() - c, time.perf_counter() - w))
        del doc
    s_cpu, s_wall = statistics.median(x[0] for x in scans), statistics.median(x[1] for x in scans)
    p_cpu, p_wall = statistics.median(x[0] for x in parses), statistics.median(x[1] for x in parses)
    print(f"text: {size_mb:.1f} MB ({copies} copies of the seed), {args.reps} interleaved repetitions, medians "
          f"(Python {platform.python_version()})")
    print(f"bare line scan : {s_cpu:7.2f} s CPU {size_mb / s_cpu:8.1f} MB/s   ({s_wall:.2f} s wall)")
    print(f"resgraph parse : {p_cpu:7.2f} s CPU {size_mb / p_cpu:8.1f} MB/s   ({p_wall:.2f} s wall, "
          f"{1000 * p_cpu / copies:.1f} ms CPU per copy of the seed)")
    print(f"ratio parse/scan: {p_cpu / s_cpu:.1f}x CPU, {p_wall / s_wall:.1f}x wall  (aim: within 5x)")
    if not args.no_breakdown:
        b = breakdown(text)
        total = b["total"][0]
        print(f"where the parse spends its CPU time (one more run, {total:.2f} s; the timers add a little):")
        for k, (v, calls) in b.items():
            if k != "total":
                print(f"  {k:40s} {v:7.2f} s  {100 * v / total:5.1f} %   ({v / s_cpu:6.1f}x the scan)"
                      + (f"  {calls} calls" if calls else ""))


if __name__ == "__main__":
    main()
