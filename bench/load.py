"""Bounded mixed load run against ``resgraph serve`` on 127.0.0.1 (issue 9, part 5).

What it does, all on this machine, and it stops by itself:

1. uses a built store (``--store DIR --base URL``, e.g. what ``resgraph build`` published) or
   builds a synthetic one shaped like our data (``--triples``, default 200,000) in a
   temporary directory;
2. starts ``resgraph serve`` on a free port (the real command: uvicorn, query worker
   processes, answer caches), its log going to a file;
3. runs ``wrk`` (Debian ``wrk``) with ``--connections`` connections (default 64) for
   ``--duration`` seconds (default 300) and a generated Lua script that mixes, request by
   request:

   - dereferencing: ``/doc/…`` with each ``Accept`` variant (Turtle, N-Triples, JSON-LD,
     RDF/XML, HTML), fixed-format suffixes, and ``/id/…`` (303, counted as success);
   - canned questions: ``/query?name=cites&target=…&format=json|csv`` and the ``cites``
     SELECT sent to ``/sparql``;
   - ad-hoc SPARQL: a few different SELECT / ASK / CONSTRUCT / DESCRIBE queries by GET,
     form POST and direct POST; ``--unique`` of them (default 0.1) carry a comment that makes
     the text new, so that they miss the answer cache and really run in a worker;

4. samples the resident memory of the server process and of its query workers every
   ``--sample`` seconds, to show whether it stays flat;
5. prints total requests, errors (non-2xx/3xx answers and socket errors, as wrk counts them,
   plus the status codes seen), requests/s, p50/p90/p99 latency, and RSS first/max/last.

Exit status 1 if there were errors or the server died.  Example (the issue's run)::

    .venv/bin/python bench/load.py                         # 64 connections, 300 s
    .venv/bin/python bench/load.py --duration 30           # a quick check
    .venv/bin/python bench/load.py --store store --base http://127.0.0.1:8000/   # a real build
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
import psutil  # noqa: E402

from http_load import cites_query, free_port, parse_wrk, synthetic_quads  # noqa: E402

PREFIXES = ("PREFIX rg: <https://w3id.org/resgraph/ontology#>\nPREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
            "PREFIX cito: <http://purl.org/spar/cito/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n")


def adhoc_queries(base: str) -> list[str]:
    """A few different questions a librarian might type (bounded: each has a LIMIT or is small)."""
    return [
        PREFIXES + "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
        PREFIXES + f"ASK {{ <{base}id/resolution/pp/3> dcterms:hasVersion ?v }}",
        PREFIXES + "SELECT ?r ?title WHERE { ?r a rg:Resolution ; dcterms:title ?title } ORDER BY ?r LIMIT 25",
        PREFIXES + f"DESCRIBE <{base}id/resolution/pp/5>",
        PREFIXES + f"CONSTRUCT {{ ?c cito:cites ?t }} WHERE {{ ?c cito:cites ?t ; eli:is_part_of <{base}id/resolution/pp/2/dubai-2018/section-1> }}",
        PREFIXES + 'SELECT ?c ?text WHERE { ?c rg:text ?text FILTER(CONTAINS(?text, "clause 77 ")) } LIMIT 10',
        PREFIXES + f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c cito:cites <{base}id/un/A/RES/42/2> }}",
    ]


def request_mix(base: str, resources: int) -> list[dict]:
    """The requests the Lua script cycles through (weights by repetition)."""
    reqs: list[dict] = []
    accepts = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
               "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
    for r in range(1, resources + 1):
        path = f"/doc/resolution/pp/{r}"
        reqs.append({"kind": "deref", "method": "GET", "path": path, "headers": {"Accept": accepts[r % len(accepts)]}})
        reqs.append({"kind": "deref", "method": "GET", "path": path + (".ttl", ".nt", ".jsonld")[r % 3], "headers": {}})
        if r % 4 == 0:
            reqs.append({"kind": "deref", "method": "GET", "path": f"/id/resolution/pp/{r}", "headers": {"Accept": "text/turtle"}})
        if r % 5 == 0:
            reqs.append({"kind": "deref", "method": "GET", "path": f"/doc/resolution/pp/{r}/dubai-2018/section-0/3",
                         "headers": {"Accept": "application/ld+json"}})
    for i, t in enumerate(("A/RES/70/1", "A/RES/12/1", "A/RES/7/2", "A/RES/300/1")):
        fmt = "json" if i % 2 == 0 else "csv"
        reqs.append({"kind": "canned", "method": "GET", "path": "/query?" + urlencode({"name": "cites", "target": t, "format": fmt}),
                     "headers": {}})
        q = cites_query(base).replace(f"<{base}id/un/A/RES/70/1>", f"<{base}id/un/{t}>")  # our own fixed text
        reqs.append({"kind": "canned", "method": "GET", "path": "/sparql?" + urlencode({"query": q}),
                     "headers": {"Accept": "application/sparql-results+json"}})
    for i, q in enumerate(adhoc_queries(base)):
        way = i % 3
        if way == 0:
            reqs.append({"kind": "adhoc", "method": "GET", "path": "/sparql?" + urlencode({"query": q}), "headers": {}})
        elif way == 1:
            reqs.append({"kind": "adhoc", "method": "POST", "path": "/sparql",
                         "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                         "body": urlencode({"query": q})})
        else:
            reqs.append({"kind": "adhoc", "method": "POST", "path": "/sparql",
                         "headers": {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml, text/turtle"},
                         "body": q})
    return reqs


def _lua_str(s: str) -> str:
    level = "=" * 3
    while f"]{level}]" in s:
        level += "="
    return f"[{level}[{s}]{level}]"


def lua_script(reqs: list[dict], adhoc: list[str], unique: float) -> str:
    """A wrk script: cycle through ``reqs`` from a random start per thread; a share ``unique`` of
    requests are ad-hoc queries made new by a comment (cache misses); tally status codes."""
    lines = ["local reqs = {}", "local adhoc = {}"]
    for r in reqs:
        # "[ [==[k]==] ]": without the spaces, "[[" would open a long string
        headers = "{" + ", ".join(f"[ {_lua_str(k)} ] = {_lua_str(v)}" for k, v in r["headers"].items()) + "}"
        body = _lua_str(r["body"]) if r.get("body") is not None else "nil"
        lines.append(f"reqs[#reqs + 1] = {{{_lua_str(r['method'])}, {_lua_str(r['path'])}, {headers}, {body}}}")
    for q in adhoc:
        lines.append(f"adhoc[#adhoc + 1] = {_lua_str(q)}")
    lines.append(f"local unique = {unique:.4f}")
    lines.append(r'''
local threads = {}
local counter = 1

setup = function(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local prepared = {}
local i = 1
local n = 0
counts = {}

init = function(args)
  math.randomseed(id * 7919 + os.time())
  for k, r in ipairs(reqs) do
    prepared[k] = wrk.format(r[1], r[2], r[3], r[4])
  end
  i = math.random(#prepared)
end

request = function()
  n = n + 1
  if unique > 0 and math.random() < unique then
    local q = "# load " .. id .. "-" .. n .. "\n" .. adhoc[(n % #adhoc) + 1]
    return wrk.format("POST", "/sparql", {["Content-Type"] = "application/sparql-query"}, q)
  end
  i = (i % #prepared) + 1
  return prepared[i]
end

response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for status, k in pairs(c) do
      total[status] = (total[status] or 0) + k
    end
  end
  local parts = {}
  for status, k in pairs(total) do
    table.insert(parts, status .. "=" .. k)
  end
  table.sort(parts)
  io.write("STATUS " .. table.concat(parts, " ") .. "\n")
end
''')
    return "\n".join(lines)


class RssSampler(threading.Thread):
    """Resident memory of the server and of its children (query workers), every ``interval`` s."""

    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, int, int, int]] = []  # (t, server rss, workers rss, workers)
        self._halt = threading.Event()

    def sample(self) -> None:
        try:
            server = self.proc.memory_info().rss
            children = self.proc.children(recursive=True)
            workers = 0
            for c in children:
                try:
                    workers += c.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            self.samples.append((time.monotonic(), server, workers, len(children)))
        except psutil.NoSuchProcess:
            pass

    def run(self) -> None:
        self.sample()
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


def mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=int, default=300, help="seconds of load (default 300)")
    ap.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--timeout", type=int, default=15, help="wrk: a request not answered in this many s is an error")
    ap.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples (default 5)")
    ap.add_argument("--unique", type=float, default=0.1, help="share of requests that are new ad-hoc queries (cache misses)")
    ap.add_argument("--resources", type=int, default=40, help="how many resolutions the dereferencing requests cycle through")
    ap.add_argument("--triples", type=int, default=200_000, help="size of the synthetic store (when --store is not given)")
    ap.add_argument("--store", type=Path, help="a store published by `resgraph build` (default: a synthetic one)")
    ap.add_argument("--base", help="with --store: the data URI base it was built with")
    ap.add_argument("--workers", type=int, default=2, help="query worker processes of the server (default 2)")
    ap.add_argument("--serve-args", default="", help="more arguments for `resgraph serve`, e.g. '--sparql-cache 0'")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (store, server log, Lua script)")
    args = ap.parse_args()

    if not shutil.which("wrk"):
        print("wrk is not installed (Debian package wrk)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="resgraph-load-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    if args.store:
        if not args.base:
            ap.error("--store needs --base (the base the store was built with)")
        store_dir, base = args.store, args.base
    else:
        from pipeline import store as store_mod
        from pipeline.settings import Settings

        base = url
        settings = Settings(base=base, store_dir=tmp / "store", data_dir=tmp / "data")
        t = time.monotonic()
        gen = store_mod.publish(synthetic_quads(base, args.triples), {"base": base, "synthetic": True}, settings=settings)
        store_dir = settings.store_dir
        print(f"synthetic store: {gen.meta['quads']} quads, built in {time.monotonic() - t:.1f} s", flush=True)

    resgraph = shutil.which("resgraph", path=str(Path(sys.executable).parent)) or shutil.which("resgraph")
    cmd = ([resgraph] if resgraph else [sys.executable, "-c", "from pipeline.cli import main; main()"]) + [
        "serve", "--host", "127.0.0.1", "--port", str(port), "--base", base, "--store", str(store_dir),
        "--workers", str(args.workers), *args.serve_args.split()]
    log_path = tmp / "server.log"
    log = open(log_path, "wb")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                              env=dict(os.environ, RESGRAPH_QUIET="1", RESGRAPH_DATA=str(tmp / "data")))
    status = 0
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                print(f"server exited with {server.returncode}:\n{log_path.read_text()}", file=sys.stderr)
                return 1
            try:
                if httpx.get(url + "sparql", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                print("server did not answer within 60 s", file=sys.stderr)
                return 1
            time.sleep(0.2)
        print(f"server: {' '.join(cmd[:2])} … on {url} (pid {server.pid})", flush=True)

        reqs = request_mix(base, args.resources)
        # every request of the mix answers 2xx/3xx before the run, or the run would measure errors
        with httpx.Client(base_url=url.rstrip("/"), timeout=30) as c:
            for r in reqs:
                resp = c.request(r["method"], r["path"], headers=r["headers"], content=r.get("body"))
                if resp.status_code >= 400:
                    print(f"mix request fails before the run: {r['method']} {r['path'][:120]} -> {resp.status_code} "
                          f"{resp.text[:200]}", file=sys.stderr)
                    return 1
        kinds = {k: sum(1 for r in reqs if r["kind"] == k) for k in ("deref", "canned", "adhoc")}
        print(f"mix: {len(reqs)} distinct requests (dereferencing {kinds['deref']}, canned {kinds['canned']}, "
              f"ad-hoc {kinds['adhoc']}) + {args.unique:.0%} new ad-hoc queries; "
              f"{args.connections} connections, {args.duration} s", flush=True)
        script = tmp / "mix.lua"
        script.write_text(lua_script(reqs, adhoc_queries(base), args.unique))

        sampler = RssSampler(server.pid, args.sample)
        sampler.start()
        t0 = time.monotonic()
        out = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                              "--timeout", f"{args.timeout}s", "-s", str(script), url.rstrip("/")],
                             capture_output=True, text=True, timeout=args.duration + 120)
        elapsed = time.monotonic() - t0
        sampler.stop()
        if out.returncode != 0 or out.stderr.strip() or "STATUS " not in out.stdout:
            # wrk reports a broken script on stderr and then loads "/" instead: not a run
            print(out.stdout, out.stderr, file=sys.stderr)
            return 1
        res = parse_wrk(out.stdout)
        m90 = re.search(r"^\s*90%\s+([\d.]+)(us|ms|s)\s*$", out.stdout, re.M)
        p90 = float(m90.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m90.group(2)] if m90 else float("nan")
        statuses = (re.search(r"^STATUS (.*)$", out.stdout, re.M) or [None, ""])[1]
        alive = server.poll() is None
        log.flush()
        tracebacks = log_path.read_bytes().count(b"Traceback")

        samples = sampler.samples
        srv = [s[1] for s in samples]
        wrk_ = [s[2] for s in samples]
        print("\n== load run (preliminary unless the machine was quiet) ==")
        print(f"duration          {elapsed:.0f} s, {args.connections} connections, {args.threads} wrk threads")
        print(f"requests          {res['requests']}")
        print(f"errors            {res['errors']}  (non-2xx/3xx + socket errors; status codes seen: {statuses})")
        print(f"requests/s        {res['rps']:.0f}")
        print(f"latency           p50 {res['p50']:.2f} ms   p90 {p90:.2f} ms   p99 {res['p99']:.2f} ms")
        print(f"server RSS        first {mb(srv[0])}   max {mb(max(srv))}   last {mb(srv[-1])}   "
              f"(median {mb(int(statistics.median(srv)))}, {len(samples)} samples every {args.sample:g} s)")
        print(f"workers RSS       first {mb(wrk_[0])}   max {mb(max(wrk_))}   last {mb(wrk_[-1])}   "
              f"({samples[-1][3]} worker processes at the end)")
        print(f"server            {'still answering' if alive else 'DIED'}; tracebacks in its log: {tracebacks}")
        print("RSS over time (s: server / workers): " + ", ".join(
            f"{s[0] - samples[0][0]:.0f}: {s[1] >> 20}/{s[2] >> 20}" for s in samples[:: max(1, len(samples) // 12)]))
        if res["errors"] or not alive or tracebacks:
            status = 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
