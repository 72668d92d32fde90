"""Every canned question beside its minimal counterpart: same rows, and how much slower (issue 19, items 1–2).

For each ``queries/NAME.rq`` there is ``bench/minimal/NAME.rq``: the simplest SPARQL that
returns the same rows (same projection, same ORDER BY) — the plain join a reader would
write by hand against the published graph, ``rg:inText`` included (the text link the
build materialises, docs/ontology.md).  ``tests/test_query_minimal.py`` checks that both
give identical answers on the seed and on the default corpus.

This script times both, embedded (pyoxigraph in process, the store opened read-only),
each with its first example's parameters: one warm-up run, then the median of ``--reps``
runs.  ``--http`` adds ``resgraph serve``'s ``/query?name=…&format=json`` on the first
store; ``--virtuoso`` adds the same canned SPARQL (prefixes and a VALUES block, as
``resgraph query --sparql`` prints it) on a throw-away Virtuoso loaded with the same
quads (``.ci/services/virtuoso.sh``).  Stores are built beforehand, once::

    resgraph build --store /tmp/q-def data/sources
    .venv/bin/python bench/queries.py seed=/tmp/q-seed default=/tmp/q-def 25x=/tmp/q-mix25 --http default --virtuoso

Prints one markdown table: per query, canned and minimal milliseconds and their ratio
for each store.  Not part of the test run.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from pipeline import query as qmod  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline import store as store_mod  # noqa: E402
from pipeline.store import open_current  # noqa: E402

MINIMAL = HERE / "minimal"
BASE = "http://127.0.0.1:8000/"
VIRTUOSO_SH = ROOT / ".ci" / "services" / "virtuoso.sh"
VIRTUOSO_QUERIES = ("cites", "cited-by", "instructions", "most-cited")


def minimal_text(name: str) -> str:
    return (MINIMAL / f"{name}.rq").read_text(encoding="utf-8")


def canned(settings: Settings) -> dict[str, qmod.CannedQuery]:
    return qmod.catalogue(settings)


def bindings(q: qmod.CannedQuery, settings: Settings) -> list[dict]:
    return qmod.bind(q, q.example_values(), settings)


def order_keys(text: str) -> list[str]:
    """The variables the outermost ORDER BY sorts on (inside expressions too), in order; [] if none."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    tail = body.rsplit("}", 1)[-1]
    if "ORDER BY" not in tail:
        return []
    return list(dict.fromkeys(re.findall(r"\?(\w+)", tail.split("ORDER BY", 1)[1])))


def rows_of(text: str, store: ox.Store, binds: list[dict]) -> tuple[list[str], list[tuple]]:
    variables, rows = qmod.run(text, store, binds)
    return variables, [tuple(None if t is None else str(t) for t in row) for row in rows]


def same_answer(name: str, store: ox.Store, settings: Settings) -> tuple[bool, str]:
    """Canned and minimal give the same rows (in the same order where the canned query orders them)."""
    q = canned(settings)[name]
    return compare(q.text, minimal_text(name), store, bindings(q, settings))


def compare(text: str, other: str, store: ox.Store, binds: list[dict]) -> tuple[bool, str]:
    """``other`` answers as ``text`` does: same projection, same rows as a multiset, and the
    same sequence of ``text``'s ORDER BY keys (rows that tie on them may come in any order)."""
    va, ra = rows_of(text, store, binds)
    vb, rb = rows_of(other, store, binds)
    if va != vb:
        return False, f"projection {va} != {vb}"
    if Counter(ra) != Counter(rb):
        extra, missing = Counter(rb) - Counter(ra), Counter(ra) - Counter(rb)
        return False, f"{len(ra)} vs {len(rb)} rows; the other has {list(extra)[:2]} extra, lacks {list(missing)[:2]}"
    keys = [va.index(k) for k in order_keys(text) if k in va]
    if keys and [tuple(r[i] for i in keys) for r in ra] != [tuple(r[i] for i in keys) for r in rb]:
        return False, "same rows in another order"
    return True, f"{len(ra)} rows"


def median_ms(fn, reps: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def interleaved(f, g, reps: int) -> tuple[float, float]:
    """Medians (ms) of ``f`` and ``g`` run turn about after a warm-up of each, so that a busy
    machine slows both alike."""
    f(), g()
    tf, tg = [], []
    for _ in range(reps):
        for fn, out in ((f, tf), (g, tg)):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return statistics.median(tf) * 1000, statistics.median(tg) * 1000


def embedded(store: ox.Store, settings: Settings, names: list[str], reps: int) -> dict[str, tuple]:
    out = {}
    cat = canned(settings)
    for name in names:
        q = cat[name]
        b = bindings(q, settings)
        mt = minimal_text(name)
        n = len(qmod.run(q, store, b)[1])
        c, m = interleaved(lambda: qmod.run(q, store, b), lambda: qmod.run(mt, store, b), reps)
        out[name] = (c, m, n)
        print(f"  {name:28} {n:6} rows  canned {c:9.1f} ms  minimal {m:9.1f} ms  ×{c / m:5.2f}", file=sys.stderr,
              flush=True)
    return out


# ------------------------------------------------------------------ over HTTP ---

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 60) -> None:
    import httpx
    end = time.time() + seconds
    while time.time() < end:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def over_http(store_dir: str, settings: Settings, names: list[str], reps: int) -> dict[str, float]:
    import httpx
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # answer cache off: every request runs the query (the default cache would answer repeats from memory)
    resgraph = str(Path(sys.executable).with_name("resgraph"))
    proc = subprocess.Popen([resgraph, "serve", "--store", store_dir, "--port", str(port), "--base", BASE,
                             "--sparql-cache", "0", "--timeout", "60"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    try:
        wait_http(base)
        cat = canned(settings)
        with httpx.Client(timeout=60) as client:
            for name in names:
                params = {"name": name, "format": "json", **cat[name].example_values()}

                def get():
                    r = client.get(base + "query", params=params, headers={"Cache-Control": "no-cache"})
                    r.raise_for_status()
                out[name] = median_ms(get, reps)
                print(f"  http {name:28} {out[name]:9.1f} ms", file=sys.stderr, flush=True)
    finally:
        proc.terminate()
        proc.wait(20)
    return out


# ------------------------------------------------------------------ Virtuoso ---

def on_virtuoso(store: ox.Store, settings: Settings, names: list[str], reps: int) -> dict[str, float]:
    """The canned queries, as ``resgraph query --sparql`` prints them, on a throw-away Virtuoso
    loaded with every quad of ``store`` into one graph (our queries read the union of graphs)."""
    import httpx
    if shutil.which("virtuoso-t") is None:
        print("  virtuoso-t not installed: no Virtuoso column", file=sys.stderr)
        return {}
    tmp = Path(tempfile.mkdtemp(prefix="q-virtuoso-"))
    sql_port, http_port = free_port(), free_port()
    subprocess.run(["bash", str(VIRTUOSO_SH), "start", str(tmp), str(sql_port), str(http_port)], check=True,
                   stdout=subprocess.DEVNULL)
    out = {}
    try:
        dump = tmp / "data.nt"
        with open(dump, "wb") as fh:   # the merge of the named graphs, as one graph
            store_mod.dump_merge(store, fh, ox.RdfFormat.N_TRIPLES)
        graph = "urn:x-resgraph:all"
        sql = (f"ld_dir('{tmp}', 'data.nt', '{graph}'); rdf_loader_run(); checkpoint;")
        subprocess.run(["isql-vt", str(sql_port), "dba", "dba", f"exec={sql}"], check=True, stdout=subprocess.DEVNULL)
        endpoint = f"http://127.0.0.1:{http_port}/sparql"
        cat = canned(settings)
        with httpx.Client(timeout=120) as client:
            for name in names:
                q = cat[name]
                text = qmod.bound_text(q, bindings(q, settings))

                def get():
                    r = client.post(endpoint, data={"query": text, "default-graph-uri": graph},
                                    headers={"Accept": "application/sparql-results+json"})
                    r.raise_for_status()
                    return r.json()
                n = len(get()["results"]["bindings"])
                out[name] = median_ms(get, reps)
                print(f"  virtuoso {name:28} {n:6} rows {out[name]:9.1f} ms", file=sys.stderr, flush=True)
    finally:
        subprocess.run(["bash", str(VIRTUOSO_SH), "stop", str(tmp)], stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# ------------------------------------------------------------------ main ---

def same_text(name: str, settings: Settings) -> bool:
    """The minimal counterpart is the canned query itself (whitespace and comments aside):
    no plainer join returns the same rows.  Marked ° in the table, where the ratio is noise."""
    def plain(t: str) -> str:
        return " ".join(line for line in t.split("\n") if not line.lstrip().startswith("#")).split()
    return plain(canned(settings)[name].text) == plain(minimal_text(name))


def table(labels: list[str], results: dict, triples: dict, http: dict, virt: dict, names: list[str],
          same: set[str] = frozenset()) -> str:
    head = ["query"]
    for lab in labels:
        head += [f"{lab} canned ms", "minimal ms", "×"]
    if http:
        head.append("HTTP ms")
    if virt:
        head.append(f"Virtuoso {labels[-1]} ms")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines.append("| triples | " + " | ".join(f"{triples[lab]:,} | | " for lab in labels)
                 + (" | " if http else "") + (" | " if virt else "") + "|")
    for name in names:
        cells = [f"`{name}`"]
        for lab in labels:
            c, m, _n = results[lab][name]
            cells += [f"{c:.0f}" if c >= 10 else f"{c:.1f}", f"{m:.0f}" if m >= 10 else f"{m:.1f}",
                      f"{c / m:.2f}" + ("°" if name in same else "")]
        if http:
            cells.append(f"{http[name]:.0f}" if name in http else "")
        if virt:
            cells.append(f"{virt[name]:.0f}" if name in virt else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines).replace(" | |  |", " | | |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stores", nargs="+", help="LABEL=STORE_DIR, built beforehand with `resgraph build --store`")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", nargs="*", help="only these queries")
    ap.add_argument("--check", action="store_true", help="also check that canned and minimal give the same rows")
    ap.add_argument("--http", metavar="LABEL", help="time /query on `resgraph serve` over this store")
    ap.add_argument("--virtuoso", action="store_true", help=f"time {', '.join(VIRTUOSO_QUERIES)} on Virtuoso, "
                    "loaded with the last store")
    a = ap.parse_args()
    labels, results, triples = [], {}, {}
    http, virt = {}, {}
    names = None
    for spec in a.stores:
        label, _, path = spec.partition("=")
        settings = Settings(base=BASE, store_dir=Path(path))
        store, _gen = open_current(settings)
        names = a.only or sorted(canned(settings))
        triples[label] = store_mod.named_quads(store)
        print(f"{label}: {path}, {triples[label]:,} quads", file=sys.stderr, flush=True)
        if a.check:
            for name in names:
                ok, why = same_answer(name, store, settings)
                print(f"  {'same' if ok else 'DIFFERENT'} {name}: {why}", file=sys.stderr, flush=True)
        labels.append(label)
        results[label] = embedded(store, settings, names, a.reps)
        if a.http == label:
            http = over_http(path, settings, names, a.reps)
        if a.virtuoso and spec == a.stores[-1]:
            virt = on_virtuoso(store, settings, [n for n in VIRTUOSO_QUERIES if n in names], a.reps)
        del store
    same = {n for n in names if same_text(n, settings)}
    print(table(labels, results, triples, http, virt, names, same))
    if same:
        print(f"\n° the canned query is its own minimal counterpart ({len(same)} of {len(names)}).")


if __name__ == "__main__":
    main()
