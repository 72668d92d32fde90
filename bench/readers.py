"""Per-document cost of each reader on the default corpus (``data/sources``).

    .venv/bin/python bench/readers.py [--reps 5] [--sources DIR]

For every source document: which reader read it, its size, the median time of ``parse`` (the
reader with its citation families, nothing mapped), and that time as a ratio to a reference
run in the same process on the same text — a bare pass any reader must at least make: split
the text into lines and try one regex on each (for the Akoma Ntoso file also a bare
``lxml`` parse of the bytes, the floor of any XML reader; for a Word file the unzip and ``lxml``
parse of ``word/document.xml``).  The Word fixtures of tests/fixtures/docx are measured too
(``--no-docx`` leaves them out).  Then one line per reader: documents,
total size, total time, median milliseconds per document and per 100 KB.

Times are medians of interleaved repetitions (CPU time of this process, steady on a shared
machine).  No assertion: speed is measured here, not in the tests.
"""
from __future__ import annotations

import argparse
import platform
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path

from lxml import etree

from pipeline.build import find_sources
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.sources import parse, read_source, reader_for

BARE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|\(?[a-z]{1,2}\)|\(?[ivx]+\))\s")


def bare_scan(text: str) -> int:
    return sum(1 for line in text.split("\n") if BARE.match(line))


def bare_xml(data: bytes) -> int:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return len(etree.fromstring(data, parser))


def bare_docx(data: bytes) -> int:
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return bare_xml(z.read("word/document.xml"))


def cpu(fn, *args) -> float:
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sources", type=Path, default=PROJECT_ROOT / "data" / "sources")
    ap.add_argument("--no-docx", action="store_true", help="leave out the Word fixtures (tests/fixtures/docx)")
    args = ap.parse_args()
    paths = find_sources([args.sources], Settings())
    if not args.no_docx:
        paths += sorted((PROJECT_ROOT / "tests" / "fixtures" / "docx").glob("*.docx"))
    print(f"# readers on {len(paths)} documents of {args.sources} — {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()}, median of {args.reps} (CPU s)\n")
    print(f"| document | reader | KB | parse ms | bare scan ms | ratio | bare XML ms | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    per_reader: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for p in paths:
        text, sha = read_source(p)
        reader = reader_for(p, text).name
        data = p.read_bytes()
        parse(p, text=text, sha256=sha)            # warm-up: caches of the families and reference data
        ts, bs, xs = [], [], []
        for _ in range(args.reps):
            ts.append(cpu(lambda: parse(p, text=text, sha256=sha)))
            bs.append(cpu(bare_scan, text))
            if reader == "akn":
                xs.append(cpu(bare_xml, data))
            elif reader == "docx":
                xs.append(cpu(bare_docx, data))
        t, b = statistics.median(ts), statistics.median(bs)
        x = statistics.median(xs) if xs else None
        per_reader[reader].append((t, len(data)))
        xml = f"{x * 1000:.1f} | {t / x:.0f}×" if x else "– | –"
        shown = p.relative_to(args.sources) if p.is_relative_to(args.sources) else p.relative_to(PROJECT_ROOT)
        print(f"| {shown} | {reader} | {len(data) / 1024:.0f} | {t * 1000:.1f} | "
              f"{b * 1000:.2f} | {t / b:.0f}× | {xml} |")
    print("\n| reader | documents | KB | total s | median ms / document | ms / 100 KB |")
    print("|---|---:|---:|---:|---:|---:|")
    for reader, rows in sorted(per_reader.items()):
        total = sum(t for t, _ in rows)
        size = sum(n for _, n in rows)
        print(f"| {reader} | {len(rows)} | {size / 1024:.0f} | {total:.2f} | "
              f"{statistics.median(t for t, _ in rows) * 1000:.1f} | {total * 1000 / (size / 102400):.1f} |")


if __name__ == "__main__":
    main()
