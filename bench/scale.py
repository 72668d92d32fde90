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

and prints one table with the ratios the issue sets as aims: build(100×)/build(1×) ≤ 120,
build/bulk-load ≤ 3 at 100×, peak memory < 2 GB at 100×.  Not part of the test run::

    .venv/bin/python bench/scale.py                 # 1× 10× 100×
    .venv/bin/python bench/scale.py --factors 1 10 --jobs 2
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
res = build([Path(src)], settings=Settings(base=%r, store_dir=Path(store)), jobs=None if jobs == "auto" else int(jobs))
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "seconds": res.seconds, "counts": res.counts, "built": len(res.built),
                  "reused": len(res.reused),
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
    out = subprocess.run([PY, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if out.returncode != 0:
        raise SystemExit(f"child failed:\n{out.stderr[-3000:]}")
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


def touch_one(src: Path) -> None:
    """Change one source the way an editor would: a word in one proposal's summary."""
    p = sorted(src.glob("*.txt"))[-1]
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("Summary:", "Summary: (revised)", 1), encoding="utf-8")


def stages(b: dict) -> str:
    return "  ".join(f"{k} {v:.1f}" for k, v in b["seconds"].items())


def run_factor(n: int, jobs: str, reps: int, work: Path, with_server: bool, rebuild_upto: int) -> dict:
    src, store = work / "sources", work / "store"
    corpus.write(n, src)
    r = {"factor": n, "build": child(CHILD_BUILD, str(src), str(store), jobs)}
    print(f"  {n}× build: {r['build']['wall']:.1f} s  " + stages(r["build"]), flush=True)
    if n <= rebuild_upto:
        touch_one(src)
        r["rebuild"] = child(CHILD_BUILD, str(src), str(store), jobs)
        print(f"  {n}× rebuild after one change: {r['rebuild']['wall']:.1f} s  " + stages(r["rebuild"]), flush=True)
    nq = work / "dump.nq"
    with open(nq, "wb") as fh:
        subprocess.run([PY, "-c", "import sys; from pipeline.cli import main; sys.exit(main())", "export",
                        "--format", "nq", "--store", str(store), "--base", BASE], stdout=fh, check=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    r["bulk"] = child(CHILD_BULK, str(nq), str(work / "bulk"))
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
    ap.add_argument("--json", type=Path, help="also write the raw measurements here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    a = ap.parse_args()
    results = []
    for n in a.factors:
        work = Path(tempfile.mkdtemp(prefix=f"resgraph-scale-{n}x-"))
        try:
            r = run_factor(n, a.jobs, a.reps, work, not a.no_server, a.rebuild_upto)
        finally:
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
        results.append(r)
        print(row(r, results[0]), flush=True) if len(results) > 1 else print(header() + "\n" + row(r, r), flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
    summary(results)


def header() -> str:
    return (f"{'×':>5} {'docs':>5} {'triples':>9} {'build s':>8} {'vs 1×':>6} {'rebuild1 s':>10} {'bulk s':>7} "
            f"{'build/bulk':>10} {'peak MB':>8} {'worker MB':>9} {'cites ms':>8} {'server ms':>9} {'rows':>6}")


def row(r: dict, first: dict) -> str:
    b = r["build"]
    return (f"{r['factor']:>5} {b['counts']['documents']:>5} {b['counts']['triples']:>9} {b['wall']:>8.1f} "
            f"{b['wall'] / first['build']['wall']:>6.1f} {r.get('rebuild', {}).get('wall', float('nan')):>10.1f} "
            f"{r['bulk']['wall']:>7.1f} "
            f"{b['wall'] / r['bulk']['wall']:>10.1f} {b['maxrss_self_kb'] / 1024:>8.0f} "
            f"{b['maxrss_workers_kb'] / 1024:>9.0f} {r['cites_ms']:>8.1f} "
            f"{r.get('server_ms', float('nan')):>9.1f} {r['cites_rows']:>6}")


def summary(results: list[dict]) -> None:
    print("\nstage seconds (build; doc_* summed over workers):")
    for r in results:
        s = r["build"]["seconds"]
        print(f"  {r['factor']:>4}×  " + "  ".join(f"{k} {v:.1f}" for k, v in s.items()))
    big = results[-1]
    if len(results) > 1:
        print(f"\nbuild {big['factor']}× / build 1×: {big['build']['wall'] / results[0]['build']['wall']:.1f} "
              f"(aim ≤ {1.2 * big['factor']:.0f})")
    print(f"build / raw bulk load at {big['factor']}×: {big['build']['wall'] / big['bulk']['wall']:.2f} (aim ≤ 3)")
    peak = max(big["build"]["maxrss_self_kb"], big["build"]["maxrss_workers_kb"]) / 1024
    print(f"peak memory at {big['factor']}×: parent {big['build']['maxrss_self_kb'] / 1024:.0f} MB, "
          f"largest worker {big['build']['maxrss_workers_kb'] / 1024:.0f} MB (aim < 2048 MB per process)"
          f"; max {peak:.0f} MB")


if __name__ == "__main__":
    main()
