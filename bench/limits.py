"""How long hostile inputs, queries and requests take: the timings the tests no longer assert.

    .venv/bin/python bench/limits.py [--parts documents queries server] [--reps 3] [--heavy]

The tests check what happens (a refusal, a truncation, a time limit reached, a worker
replaced); this script measures how long it takes, each figure as a RATIO against a
reference run in the same process, so that it means the same on a busy or an idle
machine (like bench/parse.py):

* ``documents``: parsing each hostile input of tests/test_hostile_documents.py (the 50 MB
  and 10 MB-line refusals; with ``--heavy`` the 100k-clause and size-limit inputs too),
  and reconciling the longest label list read (pipeline.sources.labels.MAX_LABELS), against
  parsing the seed once.  The tests used to assert < 10 s for a refusal, < 240 s for a
  heavy input and < 2 s for the label list.
* ``queries``: every query of the catalogue on the seed, bound by substitution and by a
  VALUES block (the web page's form), against a full scan of the seed's store.  The test
  used to assert < 10 s (the server's default time limit).
* ``server``: a real ``resgraph serve`` (the fixture data, --timeout 2): refusals of long
  URLs (414), bodies (413), bad Accept headers and garbage queries, a query stopped by the
  time limit, a truncated cross product, and trivial ASKs answered while a heavy query runs,
  against a trivial ASK round trip.  The tests used to assert < 3 s, < 5 s, < 1 s, < 2 s,
  1.8 s < t < 6 s and < 0.5 s.

Each figure is the median of ``--reps`` runs (CPU time for the in-process parts, wall
time for the server, whose work is in other processes).  ``--budget`` prints, beside
each ratio, the old absolute bound divided by this run's reference, for comparison.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pipeline.sources import SourceError, parse  # noqa: E402
from pipeline.settings import PROJECT_ROOT  # noqa: E402

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"


def median_time(fn, reps: int, clock=time.process_time) -> float:
    times = []
    for _ in range(reps):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def row(name: str, secs: float, ref: float, old_bound: float | None = None) -> None:
    extra = f"   (old test bound {old_bound:g} s = {old_bound / ref:,.0f}x)" if old_bound else ""
    print(f"  {name:48} {secs:8.3f} s  {secs / ref:9.1f}x{extra}")


def documents(reps: int, heavy: bool) -> None:
    import test_hostile_documents as H
    text = SEED.read_text(encoding="utf-8")
    ref = median_time(lambda: parse(SEED, text=text), reps)
    print(f"\ndocuments: reference = parsing the seed once, {ref:.3f} s CPU")
    with tempfile.TemporaryDirectory() as d:
        cases = {"fifty-mb (refused)": (H._fifty_mb, 10), "ten-mb-line (refused)": (H._ten_mb_line, 10)}
        for name, (make, bound) in cases.items():
            p = Path(d) / "x.txt"
            p.write_bytes(make())
            body = p.read_text(encoding="utf-8")

            def run():
                try:
                    parse(p, text=body)
                except SourceError:
                    pass
            row(name, median_time(run, reps), ref, bound)
        from pipeline.sources import labels
        clean = [str(i) for i in range(1, labels.MAX_LABELS + 1)]
        glued = clean[:200] + [f"{i}{i + 1}" for i in range(201, labels.MAX_LABELS)]   # renumbered from 201 on
        row(f"reconcile {len(clean)} clean labels", median_time(lambda: labels.reconcile(clean), reps), ref, 2)
        row(f"reconcile {len(glued)} labels, half glued", median_time(lambda: labels.reconcile(glued), reps), ref)
        if heavy:
            for name, (make, _clauses, _word) in sorted(H.HEAVY.items()):
                body = make()
                row(name, median_time(lambda: parse(Path(d) / f"{name}.txt", text=body), 1), ref, 240)


def queries(reps: int) -> None:
    from pipeline import query as qmod
    from pipeline.build import build
    from pipeline.settings import Settings
    from pipeline.store import open_current
    with tempfile.TemporaryDirectory() as d:
        settings = Settings(base="http://127.0.0.1:8000/", store_dir=Path(d) / "store")
        build([SEED], settings=settings)
        store, _gen = open_current(settings)
        scan = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        ref = median_time(lambda: list(store.query(scan)), reps, time.perf_counter)
        print(f"\nqueries: reference = counting every quad of the seed's store, {ref:.4f} s wall")
        cat = qmod.catalogue(settings)
        for name in sorted(cat):
            q = cat[name]
            bindings = qmod.bind(q, q.example_values(), settings)
            sub = median_time(lambda: qmod.run(q, store, bindings), reps, time.perf_counter)
            val = median_time(lambda: qmod.run(qmod.bound_text(q, bindings), store), reps, time.perf_counter)
            row(f"{name} (substituted)", sub, ref, 10)
            row(f"{name} (VALUES)", val, ref, 10)


def server(reps: int) -> None:
    import httpx
    from tests.server.conftest import start_server, stop_server
    from tests.server.test_hostile_requests import CROSS, HEAVY, exchange, fresh, get_raw
    from pipeline.server.protocol import MAX_URL

    with tempfile.TemporaryDirectory() as d:
        srv = start_server(Path(d), extra_args=("--row-limit", "50", "--timeout", "2", "--workers", "2"))
        try:
            with httpx.Client(base_url=srv.url.rstrip("/"), timeout=30) as http:
                wall = time.perf_counter
                ref = median_time(lambda: http.get("/sparql", params={"query": fresh("ASK { ?s ?p ?o }")}), max(reps, 9), wall)
                print(f"\nserver: reference = one trivial ASK round trip, {ref * 1000:.1f} ms wall (time limit 2 s)")
                row("414 for a 3 MB URL", median_time(lambda: get_raw(srv, b"/sparql?query=" + b"A" * 3_000_000), reps, wall), ref, 3)
                row("URL just under the limit", median_time(
                    lambda: get_raw(srv, b"/sparql?query=ASK%7B%7D%23" + b"A" * (MAX_URL - 40)), reps, wall), ref)
                big = b"query=" + b"A" * 6_000_000
                head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: %d\r\n\r\n" % len(big))
                row("413 for a 6 MB body", median_time(lambda: exchange(srv, head + big), reps, wall), ref, 5)
                row("bad Accept header (long)", median_time(lambda: get_raw(
                    srv, b"/doc/resolution/pp/11", b"Accept: " + b"text/turtle," * 400 + b"\r\n"), reps, wall), ref, 1)
                row("garbage query (400)", median_time(lambda: http.post(
                    "/sparql", content=("}{" * 40_000).encode(), headers={"Content-Type": "application/sparql-query"}),
                    reps, wall), ref, 2)
                row("query stopped by the 2 s time limit", median_time(
                    lambda: http.get("/sparql", params={"query": fresh(HEAVY)}), reps, wall), ref, 6)
                row("cross product, truncated JSON", median_time(lambda: http.get(
                    "/sparql", params={"query": fresh(CROSS)}, headers={"Accept": "application/sparql-results+json"}),
                    reps, wall), ref, 2)
                # trivial ASKs while a heavy query holds one worker
                t = threading.Thread(target=lambda: httpx.get(srv.url + "sparql", params={"query": fresh(HEAVY)}, timeout=30))
                t.start()
                time.sleep(0.4)
                asks = []
                for _ in range(5):
                    s = wall()
                    http.get("/sparql", params={"query": fresh("ASK { ?s a ?type }")})
                    asks.append(wall() - s)
                t.join()
                row("slowest of 5 ASKs during a heavy query", max(asks), ref, 0.5)
        finally:
            stop_server(srv)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parts", nargs="+", default=["documents", "queries", "server"],
                    choices=["documents", "queries", "server"])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--heavy", action="store_true", help="also the 100k-item inputs (minutes)")
    a = ap.parse_args()
    print(f"{'':50} seconds     ratio to the reference")
    if "documents" in a.parts:
        documents(a.reps, a.heavy)
    if "queries" in a.parts:
        queries(a.reps)
    if "server" in a.parts:
        server(a.reps)


if __name__ == "__main__":
    main()
