"""How build time, memory and query latency grow with the corpus (issue 7, "Measured").

For each scale factor (documents = factor × the seed, from ``bench/corpus.py``) this, in
one run and on this machine:

1. builds the corpus into a fresh store in a child process (``resgraph build`` code path,
   ``--jobs`` as given, default one per core) and records wall time, the stage times, and
   peak memory — the child's own peak RSS and the largest worker's (``getrusage``);
2. rebuilds after changing one source (the incremental path: checkpoint, one document,
   inferred graph and checks over everything);
3. dumps the published quads to N-Quads and times a raw ``pyoxigraph.Store.bulk_load`` of
   that file into an empty on-disk store in a fresh child (the floor a build cannot beat);
4. times the canned ``cites`` query (``target=UNGA 70/1``) on the embedded store and on an
   Oxigraph server (``.ci/services/oxigraph.sh``, data loaded with ``oxigraph load``),
   median of ``--reps`` runs after one warm-up;

and prints one table with the ratios the issues set as aims: build(100×)/build(1×) ≤ 120,
build/bulk-load ≤ 2.5 at 100×, peak memory < 4 GB at 1000× (issue 19).  The child also
reports the parent's peak RSS when each stage reports (which stage raised it), and the
documents per second per core of each reader (worker seconds per document, by suffix:
``.txt`` the ITU text reader, ``.md`` the UN reader).  Not part of the test run::

    .venv/bin/python bench/scale.py                 # 1× 10× 100×
    .venv/bin/python bench/scale.py --factors 1 10 --jobs 2
    .venv/bin/python bench/scale.py --factors 1000 --jobs 2 --rebuild-upto 0 --no-bulk --no-query
    .venv/bin/python bench/scale.py --factors 0 --un 10000 --jobs 2 --rebuild-upto 0 --no-bulk
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

PY = sys.executable
BASE = "http://127.0.0.1:8000/"

CHILD_BUILD = r"""
import json, resource, sys, time
from pathlib import Path
from pipeline.build import build
from pipeline.settings import Settings
src, store, jobs = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
rss = {}      # the parent's peak RSS (MB) when each stage reported, in order
def progress(stage, msg):
    rss[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if stage != "document" or msg.split(" ", 1)[0].split("/")[0].endswith("00"):
        print(f"    [{time.perf_counter() - t:7.1f} s, {rss[stage]:6.0f} MB] {stage}: {msg[:110]}", file=sys.stderr, flush=True)
if __name__ == "__main__":
    res = build([Path(src)], settings=Settings(base=%r, store_dir=Path(store)), progress=progress,
                jobs=None if jobs == "auto" else int(jobs))
    wall = time.perf_counter() - t
    readers = {}   # per source suffix (.txt: the ITU text reader, .md: the UN reader): documents, worker seconds
    for d in res.docs:
        if not d.reused:
            r = readers.setdefault(Path(d.path).suffix, {"docs": 0, "seconds": 0.0})
            r["docs"] += 1
            r["seconds"] += sum(d.seconds.values())
    print(json.dumps({"wall": wall, "seconds": res.seconds, "counts": res.counts, "built": len(res.built),
                      "reused": len(res.reused), "rss_by_stage_mb": rss, "readers": readers,
                      "maxrss_self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "maxrss_workers_kb": max([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]
                                               + [d.peak_rss_mb * 1024 for d in res.docs if not d.reused])}))
""" % BASE

CHILD_BULK = r"""
import json, resource, sys, time
import pyoxigraph as ox
nq, target = sys.argv[1], sys.argv[2]
t = time.perf_counter()
st = ox.Store(target)
st.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
st.flush()
n = len(st)
print(json.dumps({"wall": time.perf_counter() - t, "quads": n,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh Python with ``args``; its last line of stdout is the JSON result.
    Its stderr (the build's progress, with time and RSS) passes through as it comes."""
    script = Path(tempfile.mkstemp(prefix="resgraph-scale-", suffix=".py")[1])
    script.write_text(code)   # a file, not -c: the worker processes re-import __main__
    try:
        out = subprocess.run([PY, str(script), *args], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    finally:
        script.unlink()
    if out.returncode != 0:
        raise SystemExit(f"child failed (exit {out.returncode}); its errors are above")
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median_ms(fn, reps: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def cites_embedded(store_dir: Path, reps: int) -> tuple[float, int]:
    from pipeline import query as qmod
    from pipeline.settings import Settings
    from pipeline.store import open_current
    s = Settings(base=BASE, store_dir=store_dir)
    st, _gen = open_current(s)
    q = qmod.get("cites", s)
    b = qmod.bind(q, {"target": "UNGA 70/1"}, s)
    rows = qmod.run(q, st, b)[1]
    return median_ms(lambda: qmod.run(q, st, b), reps), len(rows)


def cites_server(nq: Path, work: Path, reps: int) -> tuple[float, int, float]:
    from pipeline import query as qmod
    from pipeline.publish import run_remote_query
    from pipeline.settings import Settings
    s = Settings(base=BASE)
    sdir = work / "oxigraph"
    sdir.mkdir()
    binary = os.environ.get("OXIGRAPH_BIN") or shutil.which("oxigraph", path=str(Path(PY).parent)) or "oxigraph"
    t = time.perf_counter()
    subprocess.run([binary, "load", "--location", str(sdir / "db"), "--file", str(nq)], check=True,
                   capture_output=True)
    load_s = time.perf_counter() - t
    port = free_port()
    script = ROOT / ".ci" / "services" / "oxigraph.sh"
    env = dict(os.environ, OXIGRAPH_BIN=binary)
    subprocess.run(["bash", str(script), "start", str(sdir), str(port)], check=True, capture_output=True, env=env)
    try:
        q = qmod.get("cites", s)
        b = qmod.bind(q, {"target": "UNGA 70/1"}, s)
        url = f"http://127.0.0.1:{port}/query"
        ans = run_remote_query(url, q.text, b, kind="oxigraph")
        n = len(ans[1])
        return median_ms(lambda: run_remote_query(url, q.text, b, kind="oxigraph"), reps), n, load_s
    finally:
        subprocess.run(["bash", str(script), "stop", str(sdir)], capture_output=True, env=env)


def touch_one_itu(src: Path) -> None:
    """Change one source the way an editor would: a word in one proposal's summary."""
    p = sorted(src.glob("*.txt"))[-1]
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("Summary:", "Summary: (revised)", 1), encoding="utf-8")


def touch_one_un(src: Path) -> None:
    """Change one UN-shaped source: a word of its first preambular paragraph."""
    p = sorted(src.glob("*.md"))[-1]
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("The General Assembly,\n\n", "The General Assembly,\n\nNoting, ", 1), encoding="utf-8")


def stages(b: dict) -> str:
    return "  ".join(f"{k} {v:.1f}" for k, v in b["seconds"].items())


def label(n: int, un: int) -> str:
    return "+".join(([f"{n}×"] if n else []) + ([f"UN {un}"] if un else []))


def run_factor(n: int, jobs: str, reps: int, work: Path, with_server: bool, rebuild_upto: int,
               un: int = 0, bulk: bool = True, query: bool = True) -> dict:
    src, store = work / "sources", work / "store"
    corpus.write(n, src, un=un)
    name = label(n, un)
    r = {"factor": n, "un": un, "label": name, "build": child(CHILD_BUILD, str(src), str(store), jobs)}
    print(f"  {name} build: {r['build']['wall']:.1f} s  " + stages(r["build"]), flush=True)
    print(f"  {name} peak RSS of the parent when each stage reported (MB): "
          + "  ".join(f"{k} {v:.0f}" for k, v in r["build"]["rss_by_stage_mb"].items()), flush=True)
    for suffix, x in r["build"]["readers"].items():
        print(f"  {name} {suffix} documents: {x['docs']}, {x['seconds']:.1f} s in the workers (parse, map, "
              f"serialise, SHACL): {x['docs'] / x['seconds']:.2f} documents per second per core", flush=True)
    if not n:
        touch_one = touch_one_un
    else:
        touch_one = touch_one_itu
    if max(n, un) <= rebuild_upto:
        touch_one(src)
        r["rebuild"] = child(CHILD_BUILD, str(src), str(store), jobs)
        print(f"  {n}× rebuild after one change: {r['rebuild']['wall']:.1f} s  " + stages(r["rebuild"]), flush=True)
    if not bulk:
        if query:
            r["cites_ms"], r["cites_rows"] = cites_embedded(store, reps)
        return r
    nq = work / "dump.nq"
    with open(nq, "wb") as fh:
        subprocess.run([PY, "-c", "import sys; from pipeline.cli import main; sys.exit(main())", "export",
                        "--format", "nq", "--store", str(store), "--base", BASE], stdout=fh, check=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    r["bulk"] = child(CHILD_BULK, str(nq), str(work / "bulk"))
    if query:
        r["cites_ms"], r["cites_rows"] = cites_embedded(store, reps)
    if with_server:
        r["server_ms"], r["server_rows"], r["server_load_s"] = cites_server(nq, work, reps)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--jobs", default="auto", help="worker processes for the builds (default: one per core)")
    ap.add_argument("--reps", type=int, default=5, help="query repetitions (median)")
    ap.add_argument("--no-server", action="store_true", help="skip the Oxigraph server")
    ap.add_argument("--rebuild-upto", type=int, default=10**9, metavar="FACTOR",
                    help="time the one-change incremental rebuild only up to this factor")
    ap.add_argument("--un", type=int, default=0, metavar="M",
                    help="also this many UN-shaped documents in every corpus (bench/corpus.py --un); "
                         "with --factors 0, a UN-shaped corpus alone")
    ap.add_argument("--no-bulk", action="store_true",
                    help="skip the N-Quads export and the raw bulk load (and the server, which loads that dump)")
    ap.add_argument("--no-query", action="store_true", help="skip the cites query on the embedded store")
    ap.add_argument("--json", type=Path, help="also write the raw measurements here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    a = ap.parse_args()
    results = []
    for n in a.factors:
        work = Path(tempfile.mkdtemp(prefix=f"resgraph-scale-{n}x-"))
        try:
            r = run_factor(n, a.jobs, a.reps, work, not (a.no_server or a.no_bulk), a.rebuild_upto,
                           un=a.un, bulk=not a.no_bulk, query=not a.no_query)
        finally:
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
        results.append(r)
        print(row(r, results[0]), flush=True) if len(results) > 1 else print(header() + "\n" + row(r, r), flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
    summary(results)


def header() -> str:
    return (f"{'corpus':>12} {'docs':>5} {'triples':>9} {'build s':>8} {'vs 1×':>6} {'rebuild1 s':>10} {'bulk s':>7} "
            f"{'build/bulk':>10} {'peak MB':>8} {'worker MB':>9} {'cites ms':>8} {'server ms':>9} {'rows':>6}")


def row(r: dict, first: dict) -> str:
    b, nan = r["build"], float("nan")
    bulk = r["bulk"]["wall"] if r.get("bulk") else nan
    return (f"{r['label']:>12} {b['counts']['documents']:>5} {b['counts']['triples']:>9} {b['wall']:>8.1f} "
            f"{b['wall'] / first['build']['wall']:>6.1f} {r.get('rebuild', {}).get('wall', nan):>10.1f} "
            f"{bulk:>7.1f} "
            f"{b['wall'] / bulk:>10.1f} {b['maxrss_self_kb'] / 1024:>8.0f} "
            f"{b['maxrss_workers_kb'] / 1024:>9.0f} {r.get('cites_ms', nan):>8.1f} "
            f"{r.get('server_ms', nan):>9.1f} {r.get('cites_rows', 0):>6}")


def summary(results: list[dict]) -> None:
    print("\nstage seconds (build; doc_* summed over workers):")
    for r in results:
        s = r["build"]["seconds"]
        print(f"  {r['label']:>12}  " + "  ".join(f"{k} {v:.1f}" for k, v in s.items()))
    big = results[-1]
    if len(results) > 1:
        print(f"\nbuild {big['factor']}× / build 1×: {big['build']['wall'] / results[0]['build']['wall']:.1f} "
              f"(aim ≤ {1.2 * big['factor']:.0f})")
    if big.get("bulk"):
        print(f"build / raw bulk load at {big['label']}: {big['build']['wall'] / big['bulk']['wall']:.2f} (aim ≤ 2.5)")
    peak = max(big["build"]["maxrss_self_kb"], big["build"]["maxrss_workers_kb"]) / 1024
    print(f"peak memory at {big['label']}: parent {big['build']['maxrss_self_kb'] / 1024:.0f} MB, "
          f"largest worker {big['build']['maxrss_workers_kb'] / 1024:.0f} MB (aim < 4096 MB per process)"
          f"; max {peak:.0f} MB")


if __name__ == "__main__":
    main()
