"""Dereferencing a resource: ``resgraph serve`` beside Virtuoso 7.2, same machine, same run (issue 6).

Issue 6 asks that dereferencing be "at least as fast as Virtuoso on the same machine".
This run measures both, interleaved rep by rep, on the same synthetic data:

1. builds a synthetic store shaped like ours (:func:`http_load.synthetic_quads`) of about
   ``--triples`` quads, dumps it as N-Quads and bulk-loads the dump into a throw-away
   Virtuoso started by ``.ci/services/virtuoso.sh`` (127.0.0.1 only, files in a temporary
   directory, account dba/dba);
2. starts ``resgraph serve`` twice on the same store: as shipped, and with
   ``RESGRAPH_ANSWER_CACHE=0`` (every request reads the store and serialises);
3. checks that both servers return the same triples for the probe resource;
4. for ``--reps`` rounds, with ``wrk`` (``--connections`` connections, ``--duration`` s):

   ``hot``   the same resource again and again: ``GET /doc/resolution/pp/7.ttl`` against
             Virtuoso's ``CONSTRUCT { <uri> ?p ?o } WHERE { <uri> ?p ?o }`` (``Accept:
             text/turtle``), the same 44 triples;
   ``walk``  a different clause on every request (a crawler), in the same order for
             both; resgraph without its answer cache, so each request is a store lookup
             and a serialisation, as each CONSTRUCT is for Virtuoso;

5. prints every round, the medians, and the ratios resgraph / Virtuoso.

By default the servers run on CPU 0 and wrk (one thread) on CPU 1 (``taskset``), as in
the peer measurements of the peer measurements (MEASUREMENTS.md of the design notes); ``--no-pin`` lets the
kernel place them.  Not part of the test run.  Example::

    .venv/bin/python bench/http_vs_virtuoso.py --triples 200000 1070000 --reps 3
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402
import pyoxigraph as ox  # noqa: E402

import http_load  # noqa: E402
from pipeline import store as store_mod  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.rdf.vocab import RG  # noqa: E402

VIRTUOSO_SH = ROOT / ".ci" / "services" / "virtuoso.sh"
PROBE = "resolution/pp/7"
CLAUSES_PER_RESOLUTION = 40  # as http_load.synthetic_quads makes them


def clause_path(i: int) -> str:
    """The i-th clause (0-based) of the synthetic store, as a path under /id/."""
    r, k = divmod(i, CLAUSES_PER_RESOLUTION)
    return f"resolution/pp/{r + 1}/dubai-2018/section-{k // 10}/{k % 10 + 1}"


def construct(iri: str) -> str:
    return f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}"


def walk_script(path: Path, n: int, prefix: str, middle: str | None, suffix: str) -> Path:
    """A wrk script asking for clause s, s+1, s+2, … (s the script argument; each wrk thread its own slice).

    The request path is ``prefix .. P .. suffix`` or, with ``middle``,
    ``prefix .. P .. middle .. P .. suffix``, P the clause path (only [A-Za-z0-9/-], safe in
    a URL path and in a query string).
    """
    body = "p" if middle is None else f"p .. {lua_str(middle)} .. p"
    path.write_text(f"""
local n = {n}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  counter = tonumber(args[1] or "0") + tid * 1000003
end
request = function()
  local i = counter % n
  counter = counter + 1
  local r = math.floor(i / {CLAUSES_PER_RESOLUTION})
  local k = i % {CLAUSES_PER_RESOLUTION}
  local p = "resolution/pp/" .. (r + 1) .. "/dubai-2018/section-" .. math.floor(k / 10) .. "/" .. (k % 10 + 1)
  return wrk.format("GET", {lua_str(prefix)} .. {body} .. {lua_str(suffix)}, wrk.headers)
end
""")
    return path


def lua_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(url: str, *, connections: int, duration: int, pin: bool, script: Path | None = None,
            headers: dict | None = None, start: int = 0) -> dict:
    cmd = ["wrk", "-t1" if pin else f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency",
           "--timeout", "10s"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script is not None:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if script is not None:
        cmd += ["--", str(start)]
    if pin:
        cmd = ["taskset", "-c", "1", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    return http_load.parse_wrk(out)


def wait_http(url: str, headers: dict | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, headers=headers, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def start_resgraph(port: int, base: str, store_dir: Path, pin: bool, cache: bool, src: Path = ROOT) -> subprocess.Popen:
    """``resgraph serve`` from the source tree ``src`` (``--before``: an older checkout)."""
    env = dict(os.environ, RESGRAPH_QUIET="1")
    if not cache:
        env["RESGRAPH_ANSWER_CACHE"] = "0"
    cmd = [sys.executable, "-c", "from pipeline.server.command import serve; serve()", "--port", str(port),
           "--base", base, "--store", str(store_dir), "--workers", "2"]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]
    proc = subprocess.Popen(cmd, env=env, cwd=src)
    wait_http(f"http://127.0.0.1:{port}/doc/{PROBE}.ttl")
    return proc


def isql(sql_port: int, sql: str) -> str:
    out = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={sql}"], capture_output=True,
                         text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"isql failed: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    return out.stdout


def start_virtuoso(vdir: Path, nq: Path, sql_port: int, http_port: int, pin: bool) -> float:
    cmd = ["bash", str(VIRTUOSO_SH), "start", str(vdir), str(sql_port), str(http_port)]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    t = time.monotonic()
    isql(sql_port, f"ld_dir('{nq.parent}', '{nq.name}', 'urn:resgraph:bench:default'); rdf_loader_run(); checkpoint;")
    state = isql(sql_port, "select ll_state, ll_error from DB.DBA.LOAD_LIST;")
    if "NULL" not in state.split("_____")[-1]:
        raise RuntimeError(f"Virtuoso bulk load reported an error: {state}")
    return time.monotonic() - t


def same_triples(resgraph_url: str, virtuoso_sparql: str, iri: str) -> tuple[int, int]:
    ours = httpx.get(resgraph_url, headers={"Accept": "application/n-triples"}, timeout=30)
    theirs = httpx.get(virtuoso_sparql, params={"query": construct(iri)}, headers={"Accept": "application/n-triples"},
                       timeout=30)
    a = set(ox.parse(ours.content, format=ox.RdfFormat.N_TRIPLES))
    b = set(ox.parse(theirs.content, format=ox.RdfFormat.N_TRIPLES))
    if a != b:
        raise RuntimeError(f"resgraph and Virtuoso disagree on {iri}: {len(a)} vs {len(b)} triples, "
                           f"e.g. {sorted(map(str, a ^ b))[:3]}")
    return len(a), len(b)


def med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def bench_size(args, target: int, tmp: Path) -> list[tuple]:
    port, port_nocache, port_before, http_port, sql_port = (http_load.free_port() for _ in range(5))
    base = f"http://127.0.0.1:{port}/"
    settings = Settings(base=base, store_dir=tmp / "store", data_dir=tmp / "data")
    t = time.monotonic()
    gen = store_mod.publish(http_load.synthetic_quads(base, target), {"base": base, "synthetic": True}, settings=settings)
    st = ox.Store.read_only(str(gen.path))
    quads = len(st)
    clauses = sum(1 for _ in st.quads_for_pattern(None, http_load.RDF_TYPE, ox.NamedNode(RG.Clause), None))
    print(f"\n== {quads:,} quads (synthetic, ~{clauses:,} clauses), built in {time.monotonic() - t:.1f} s", flush=True)

    vdir = tmp / "virtuoso"
    (vdir / "load").mkdir(parents=True)
    nq = vdir / "load" / "data.nq"
    with open(nq, "wb") as fh:
        st.dump(fh, format=ox.RdfFormat.N_QUADS)
    del st
    procs: list[subprocess.Popen] = []
    try:
        load_s = start_virtuoso(vdir, nq, sql_port, http_port, args.pin)
        print(f"Virtuoso 7.2 bulk loader: {load_s:.1f} s", flush=True)
        nq.unlink()
        vsparql = f"http://127.0.0.1:{http_port}/sparql"
        procs.append(start_resgraph(port, base, settings.store_dir, args.pin, cache=True))
        procs.append(start_resgraph(port_nocache, base, settings.store_dir, args.pin, cache=False))
        if args.before:
            procs.append(start_resgraph(port_before, base, settings.store_dir, args.pin, cache=True, src=args.before))
            same_triples(f"http://127.0.0.1:{port_before}/doc/{PROBE}.nt", vsparql, base + "id/" + PROBE)
        probe_iri = base + "id/" + PROBE
        n_ours, n_theirs = same_triples(f"{base}doc/{PROBE}.nt", vsparql, probe_iri)
        same_triples(f"{base}doc/{clause_path(clauses // 2)}.nt", vsparql, base + "id/" + clause_path(clauses // 2))
        print(f"probe <{probe_iri}>: {n_ours} triples from both servers (and a clause checked too)", flush=True)

        turtle = {"Accept": "text/turtle"}
        q = "/sparql?query="
        scripts = {
            "resgraph": walk_script(tmp / "walk-resgraph.lua", clauses, "/doc/", None, ".ttl"),
            "virtuoso": walk_script(tmp / "walk-virtuoso.lua", clauses,
                                    q + quote(f"CONSTRUCT {{ <{base}id/", safe=""),
                                    quote(f"> ?p ?o }} WHERE {{ <{base}id/", safe=""), quote("> ?p ?o }", safe="")),
        }
        scenarios = [
            ("hot", "resgraph", f"{base}doc/{PROBE}.ttl", None, None),
            ("hot", "virtuoso", vsparql + "?" + urlencode({"query": construct(probe_iri)}), None, turtle),
            ("walk", "resgraph", f"http://127.0.0.1:{port_nocache}", scripts["resgraph"], None),
            ("walk", "virtuoso", f"http://127.0.0.1:{http_port}", scripts["virtuoso"], turtle),
        ]
        if args.before:
            scenarios[1:1] = [("hot", "before", f"http://127.0.0.1:{port_before}/doc/{PROBE}.ttl", None, None)]
            scenarios[4:4] = [("walk", "before", f"http://127.0.0.1:{port_before}", scripts["resgraph"], None)]
        # warm both (caches, buffers) before the first timed round
        for _, _, url, script, headers in scenarios:
            run_wrk(url, connections=args.connections, duration=2, pin=args.pin, script=script, headers=headers)
        results: dict[tuple, list[dict]] = {(s, e): [] for s, e, *_ in scenarios}
        print(f"\n{'rep':>3} {'load':>5}  {'scenario':<9}{'server':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'requests':>10}")
        for rep in range(1, args.reps + 1):
            load1 = os.getloadavg()[0]
            for s, e, url, script, headers in scenarios:
                # each round starts its walk further on (the same clauses for every server)
                r = run_wrk(url, connections=args.connections, duration=args.duration, pin=args.pin, script=script,
                            headers=headers, start=(rep * 7919 * 3) % clauses)
                results[(s, e)].append(r)
                print(f"{rep:>3} {load1:>5.2f}  {s:<9}{e:<10}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}"
                      f"{r['requests']:>10}", flush=True)
        out = []
        print(f"\nmedians of {args.reps} ({quads:,} quads, {args.connections} connections, {args.duration} s, "
              f"{'servers on CPU 0, wrk on CPU 1' if args.pin else 'not pinned'}):")
        print(f"{'scenario':<9}{'server':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs Virtuoso':>13}")
        for s in ("hot", "walk"):
            v = med(results[(s, "virtuoso")], "rps")
            for e in ("resgraph", "before", "virtuoso"):
                rows = results.get((s, e))
                if not rows:
                    continue
                ratio = med(rows, "rps") / v
                print(f"{s:<9}{e:<10}{med(rows, 'rps'):>9.0f}{med(rows, 'p50'):>9.2f}{med(rows, 'p99'):>9.2f}"
                      f"{sum(r['errors'] for r in rows):>8}{ratio:>12.2f}x", flush=True)
                out.append((quads, s, e, med(rows, "rps"), med(rows, "p50"), med(rows, "p99"), ratio))
        if any(r["requests"] > clauses for r in results[("walk", "resgraph")] + results[("walk", "virtuoso")]):
            print(f"note: a walk made more requests than there are clauses ({clauses:,}) and came round again; "
                  "resgraph's walk runs without its answer cache, so every request still reads the store")
        return out
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["bash", str(VIRTUOSO_SH), "stop", str(vdir)], capture_output=True, timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--triples", type=int, nargs="+", default=[200_000], help="sizes of the synthetic graph")
    ap.add_argument("--duration", type=int, default=8, help="seconds per scenario and round (bounded)")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--reps", type=int, default=3, help="rounds; medians are reported")
    ap.add_argument("--before", type=Path, default=None, metavar="SRC",
                    help="also serve from an older source tree (e.g. `git archive HEAD pipeline | tar -x -C SRC`)")
    ap.add_argument("--no-pin", dest="pin", action="store_false", help="do not pin servers to CPU 0 and wrk to CPU 1")
    args = ap.parse_args()
    for tool in ("wrk", "isql-vt", "virtuoso-t") + (("taskset",) if args.pin else ()):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found (Debian: wrk, virtuoso-opensource, util-linux)")
    if args.pin and len(os.sched_getaffinity(0)) < 2:
        sys.exit("pinning needs two CPUs; pass --no-pin")
    print(f"load average at start: {os.getloadavg()}", flush=True)
    summary = []
    for target in args.triples:
        tmp = Path(tempfile.mkdtemp(prefix="resgraph-vs-virtuoso-"))
        try:
            summary += bench_size(args, target, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\nsummary (medians; the aim: resgraph hot at least as fast as Virtuoso):")
    for quads, s, e, rps, p50, p99, ratio in summary:
        print(f"  {quads:>9,} quads  {s:<5} {e:<9} {rps:>6.0f} req/s  p50 {p50:5.2f} ms  p99 {p99:5.2f} ms  "
              f"{ratio:5.2f}x Virtuoso" + ("" if e == "virtuoso" else ("  (met)" if ratio >= 1 else "  (NOT met)")))
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
