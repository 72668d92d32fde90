"""Dereference rate through ``resgraph serve --endpoint`` (Oxigraph server, Virtuoso) beside the embedded store.

    python bench/endpoint.py --store STORE --base BASE --oxigraph http://127.0.0.1:7878/query \\
        --virtuoso http://127.0.0.1:8890/sparql [-n 200]

The store must already be published to both servers (``resgraph publish``).  For each
source, a real ``resgraph serve`` is started; the URIs are the resolutions, texts and
clauses of the store (read once from the local store), and each is asked for ``n`` times
in total, one client, keep-alive, in three rounds:

- ``303``: ``GET /id/…`` (the redirect only);
- ``turtle (cold)``: ``GET /doc/….ttl`` of ``n`` distinct URIs the server has not described
  yet (what a crawler costs; every description read from the store);
- ``turtle (warm)``: the same again (the answers kept for the generation);
- ``page (cold)``: ``GET /doc/…`` as HTML, ``n // 4`` distinct clauses.

Reports requests per second and the median latency of each round.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RG = "https://w3id.org/resgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uris(store_dir: str, base: str, n: int) -> list[str]:
    import pyoxigraph as ox

    from pipeline.settings import Settings
    from pipeline.store import open_current

    store, _ = open_current(Settings(base=base, store_dir=store_dir))
    out: list[str] = []
    for cls in ("Clause", "Resolution", "ResolutionText"):
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(RG + cls), None):
            if q.subject.value.startswith(base + "id/") and q.subject.value not in out:
                out.append(q.subject.value)
    out.sort()
    step = max(1, len(out) // n)
    return out[::step][:n]


def start(args: list[str], base: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port), "--base", base, *args],
                            env={**os.environ, "RESGRAPH_QUIET": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"serve exited: {proc.stderr.read().decode()}")
        try:
            if httpx.get(url + "/sparql?query=ASK%7B%7D", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("serve did not start")


def timed(client: httpx.Client, paths: list[str], accept: str) -> tuple[float, float]:
    lat = []
    t0 = time.perf_counter()
    for p in paths:
        t = time.perf_counter()
        r = client.get(p, headers={"Accept": accept})
        lat.append(time.perf_counter() - t)
        if r.status_code not in (200, 303):
            raise SystemExit(f"{p}: {r.status_code} {r.text[:200]}")
    total = time.perf_counter() - t0
    return len(paths) / total, statistics.median(lat) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--oxigraph", help="query endpoint of an Oxigraph server holding the published store")
    ap.add_argument("--virtuoso", help="query endpoint of a Virtuoso holding the published store")
    ap.add_argument("-n", type=int, default=200)
    a = ap.parse_args()
    targets = uris(a.store, a.base, a.n)
    paths = [t[len(a.base) - 1:] for t in targets]          # /id/…
    ttl = ["/doc/" + p[4:] + ".ttl" for p in paths]
    pages = ["/doc/" + p[4:] for p in paths[: max(1, a.n // 4)]]
    sources = [("embedded", ["--store", a.store])]
    if a.oxigraph:
        sources.append(("oxigraph server", ["--endpoint", a.oxigraph]))
    if a.virtuoso:
        sources.append(("virtuoso", ["--endpoint", a.virtuoso]))
    print(f"{len(paths)} URIs; one client, keep-alive; req/s and median ms per round")
    print(f"| source | 303 | turtle (cold) | turtle (warm) | page (cold) |")
    print("|---|---|---|---|---|")
    for name, args in sources:
        proc, url = start(args, a.base)
        try:
            with httpx.Client(base_url=url, timeout=120, follow_redirects=False) as c:
                cells = [timed(c, paths, "text/turtle"), timed(c, ttl, "text/turtle"), timed(c, ttl, "text/turtle"),
                         timed(c, pages, "text/html")]
        finally:
            proc.terminate()
            proc.wait()
        print(f"| {name} | " + " | ".join(f"{rps:.0f} req/s, {p50:.1f} ms" for rps, p50 in cells) + " |")


if __name__ == "__main__":
    main()
