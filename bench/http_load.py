"""Bounded HTTP load run against ``resgraph serve`` on 127.0.0.1 (issue 6, "Measured").

What it does, all on this machine and bounded in time:

1. builds a synthetic store shaped like our data (resolutions → versions → sections →
   clauses, clauses ``cito:cites`` UN resolutions, rolled up in an inferred graph) with
   ``--triples`` triples, in a temporary directory;
2. starts the real server twice on the same store (``resgraph serve`` code path: uvicorn +
   query worker processes): once with the ``/sparql`` answer cache off (``--sparql-cache 0``:
   every request runs the query in a worker) and once with it on (the default);
3. times the ``cites``-style SELECT in-process with pyoxigraph (the floor), in every round;
4. loads the servers for ``--duration`` seconds per scenario with each of ``--connections``
   clients, using ``wrk`` (Debian ``wrk``) when installed, else a bounded asyncio/httpx
   client: dereferencing a resolution (``/doc/…ttl``, a point lookup), the cites SELECT over
   HTTP with the cache off, and the same with the cache on (after the first request every
   answer is a cache hit: checked with ``X-Cache`` before the run);
5. prints requests/s, p50, p99 and errors beside the in-process time, and the ratio of HTTP
   p50 to in-process p50 (issue 6 aims at 2x or less, zero errors under 32 clients).

Not part of the test run.  Example (the figures in issue 6 use the defaults)::

    .venv/bin/python bench/http_load.py --triples 200000 --duration 10 --connections 1 8 32
    .venv/bin/python bench/http_load.py --duration 5 --connections 32 --scenarios cites-uncached cites-cached
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import pyoxigraph as ox  # noqa: E402

from pipeline import store as store_mod  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.rdf.vocab import CITO, DCTERMS, ELI, PROV, RG  # noqa: E402

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def N(x) -> ox.NamedNode:
    return ox.NamedNode(str(x))


def synthetic_quads(base: str, target_triples: int):
    """About ``target_triples`` quads; clause i cites UN resolution (i mod 997) and (i mod 89)."""
    per_clause = 8
    clauses_total = max(10, target_triples // (per_clause + 1))
    clauses_per_res = 40
    n_res = max(1, clauses_total // clauses_per_res)
    inferred = N(base + "graph/inferred")
    t, i = 0, 0
    for r in range(1, n_res + 1):
        g = N(f"{base}graph/document/doc-{r}")
        work = N(f"{base}id/resolution/pp/{r}")
        ver = N(f"{base}id/resolution/pp/{r}/dubai-2018")
        doc = N(f"{base}id/document/doc-{r}")
        yield ox.Quad(work, RDF_TYPE, N(RG.Resolution), g)
        yield ox.Quad(work, N(DCTERMS.title), ox.Literal(f"Resolution number {r}", language="en"), g)
        yield ox.Quad(work, N(DCTERMS.identifier), ox.Literal(str(r)), g)
        yield ox.Quad(work, N(DCTERMS.hasVersion), ver, g)
        yield ox.Quad(ver, RDF_TYPE, N(RG.ResolutionVersion), g)
        yield ox.Quad(ver, N(PROV.wasDerivedFrom), doc, g)
        for s in range(clauses_per_res // 10):
            sec = N(f"{base}id/resolution/pp/{r}/dubai-2018/section-{s}")
            yield ox.Quad(ver, N(ELI.has_part), sec, g)
            yield ox.Quad(sec, RDF_TYPE, N(RG.Section), g)
            for c in range(1, 11):
                i += 1
                cl = N(f"{sec.value}/{c}")
                un_a = N(f"{base}id/un/A/RES/{i % 997}/1")
                un_b = N(f"{base}id/un/A/RES/{i % 89}/2")
                yield ox.Quad(sec, N(ELI.has_part), cl, g)
                yield ox.Quad(cl, RDF_TYPE, N(RG.Clause), g)
                yield ox.Quad(cl, N(ELI.number), ox.Literal(str(c)), g)
                yield ox.Quad(cl, N(ELI.is_part_of), sec, g)
                yield ox.Quad(cl, N(RG.text), ox.Literal(f"clause {i} of resolution {r} recalling things", language="en"), g)
                yield ox.Quad(cl, N(RG.lineStart), ox.Literal(str(c * 3), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), g)
                yield ox.Quad(cl, N(CITO.cites), un_a, g)
                yield ox.Quad(cl, N(CITO.cites), un_b, g)
                yield ox.Quad(work, N(CITO.cites), un_a, inferred)
                t += 10
        if t >= target_triples:
            break


def cites_query(base: str) -> str:
    """The cites question: one row per citing clause, with its resolution's number and title."""
    target = f"<{base}id/un/A/RES/70/1>"
    return ("PREFIX rg: <https://w3id.org/resgraph/ontology#>\nPREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
            "PREFIX cito: <http://purl.org/spar/cito/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "SELECT ?resolution ?number ?title ?clause ?label WHERE {\n"
            f"  ?clause a rg:Clause ; cito:cites {target} ; eli:number ?label ; eli:is_part_of ?section .\n"
            "  ?version eli:has_part ?section .\n  ?resolution dcterms:hasVersion ?version ; dcterms:identifier ?number ; dcterms:title ?title .\n"
            "} ORDER BY ?number ?label")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def in_process(store_path: str, query: str, n: int) -> dict:
    st = ox.Store.read_only(store_path)
    times, rows = [], 0
    for _ in range(n):
        t = time.perf_counter()
        res = st.query(query)
        rows = len(list(res))
        times.append((time.perf_counter() - t) * 1000)
    return {"p50": statistics.median(times), "p99": pct(times, 99), "rows": rows}


def run_wrk(url: str, connections: int, duration: int) -> dict:
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s", url],
                         capture_output=True, text=True, timeout=duration + 60).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> dict:
    """Requests/s, p50/p99 (ms), requests and errors (non-2xx/3xx + socket errors) from wrk's output."""
    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    sock = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)) if "Socket errors" in out else 0
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "requests": total, "errors": non2xx + sock, "tool": "wrk"}


async def _py_load(url: str, connections: int, duration: float, max_requests: int) -> dict:
    lat: list[float] = []
    errors = 0
    stop = time.monotonic() + duration
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        async def worker():
            nonlocal errors
            while time.monotonic() < stop and len(lat) + errors < max_requests:
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    if r.status_code != 200:
                        errors += 1
                        continue
                except httpx.HTTPError:
                    errors += 1
                    continue
                lat.append((time.perf_counter() - t) * 1000)
        t0 = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.monotonic() - t0
    return {"rps": len(lat) / elapsed, "p50": statistics.median(lat) if lat else float("nan"),
            "p99": pct(lat, 99) if lat else float("nan"), "requests": len(lat) + errors, "errors": errors, "tool": "python"}


def load(url: str, connections: int, duration: int, tool: str) -> dict:
    if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
        return run_wrk(url, connections, duration)
    return asyncio.run(_py_load(url, connections, duration, max_requests=200_000))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, base: str, store_dir: Path, workers: int, sparql_cache: int) -> subprocess.Popen:
    env = dict(os.environ, RESGRAPH_QUIET="1")
    proc = subprocess.Popen([sys.executable, "-c", "from pipeline.server.command import serve; serve()", "--port", str(port),
                             "--base", base, "--store", str(store_dir), "--workers", str(workers),
                             "--sparql-cache", str(sparql_cache)], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {proc.returncode}")
        try:
            if httpx.get(url + "sparql", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server on port {port} did not answer within 30 s")


SCENARIOS = {
    "deref": "dereference /doc/resolution/pp/7.ttl",
    "cites-uncached": "cites over HTTP, cache OFF (runs query)",
    "cites-cached": "cites over HTTP, cache ON (cache hits)",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--triples", type=int, default=200_000, help="size of the synthetic graph")
    ap.add_argument("--duration", type=int, default=10, help="seconds per load scenario (bounded)")
    ap.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32], help="concurrent clients per scenario")
    ap.add_argument("--workers", type=int, default=2, help="server query worker processes")
    ap.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--reps", type=int, default=1, help="rounds of every scenario; medians are printed")
    ap.add_argument("--keep", action="store_true", help="keep the temporary store")
    ap.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS),
                    help="which scenarios to run (default: all)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="resgraph-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    settings = Settings(base=base, store_dir=tmp / "store", data_dir=tmp / "data")
    t = time.monotonic()
    gen = store_mod.publish(synthetic_quads(base, args.triples), {"base": base, "synthetic": True}, settings=settings)
    print(f"synthetic store: {gen.meta['quads']} quads, built in {time.monotonic() - t:.1f} s", flush=True)

    port_off = free_port()
    base_off = f"http://127.0.0.1:{port_off}/"
    procs = []
    try:
        procs.append(start_server(port, base, settings.store_dir, args.workers, sparql_cache=1000))
        procs.append(start_server(port_off, base, settings.store_dir, args.workers, sparql_cache=0))
        query = cites_query(base)
        urls = {"deref": base + "doc/resolution/pp/7.ttl",
                "cites-uncached": base_off + "sparql?" + urlencode({"query": query}),
                "cites-cached": base + "sparql?" + urlencode({"query": query})}
        # what each row measures, checked before it is measured
        first, second = httpx.get(urls["cites-cached"]), httpx.get(urls["cites-cached"])
        off = httpx.get(urls["cites-uncached"])
        assert (first.headers.get("x-cache"), second.headers.get("x-cache"), off.headers.get("x-cache")) == \
            ("miss", "hit", "bypass"), (first.headers, second.headers, off.headers)
        assert first.content == second.content == off.content
        print(f"server with the /sparql answer cache ON  : {base}   (X-Cache: {first.headers['x-cache']}, then "
              f"{second.headers['x-cache']})\nserver with the /sparql answer cache OFF : {base_off}   "
              f"(X-Cache: {off.headers['x-cache']})", flush=True)
        floors = []
        results: dict[tuple, list[dict]] = {}
        width = max(len(SCENARIOS[n]) for n in args.scenarios) + 2
        print(f"{'rep':>3} {'scenario':<{width}}{'clients':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'requests':>10}  tool")
        for rep in range(1, args.reps + 1):
            # the in-process floor is timed in every round too, so that it sees the same machine
            floor = in_process(str(gen.path), query, 100 if args.reps > 1 else 200)
            floors.append(floor)
            if rep == 1:
                check = off.json()["results"]["bindings"]
                assert len(check) == floor["rows"], (len(check), floor["rows"])
            print(f"{rep:>3} cites in-process pyoxigraph: {floor['rows']} rows, p50 {floor['p50']:.2f} ms, "
                  f"p99 {floor['p99']:.2f} ms (load {os.getloadavg()[0]:.2f})", flush=True)
            for name in args.scenarios:
                for c in args.connections:
                    r = load(urls[name], c, args.duration, args.tool)
                    results.setdefault((name, c), []).append(r)
                    print(f"{rep:>3} {SCENARIOS[name]:<{width}}{c:>8}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
                          f"{r['errors']:>8}{r['requests']:>10}  {r['tool']}", flush=True)
        floor_p50 = statistics.median(f["p50"] for f in floors)
        print(f"\nmedians of {args.reps} round(s) ({args.duration} s per scenario, {args.workers} query workers, "
              f"{gen.meta['quads']} quads):")
        print(f"{'scenario':<{width + 4}}{'clients':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}   HTTP p50 / in-process p50")
        for (name, c), rows in results.items():
            p50 = statistics.median(r["p50"] for r in rows)
            extra = f"   {p50 / floor_p50:.2f}x" if name.startswith("cites") else ""
            print(f"{SCENARIOS[name]:<{width + 4}}{c:>8}{statistics.median(r['rps'] for r in rows):>10.0f}{p50:>9.2f}"
                  f"{statistics.median(r['p99'] for r in rows):>9.2f}{sum(r['errors'] for r in rows):>8}{extra}")
        print(f"{'cites in-process pyoxigraph (same query, same store, same run)':<{width + 12}}"
              f"{'':>10}{floor_p50:>9.2f}{statistics.median(f['p99'] for f in floors):>9.2f}")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=15)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
