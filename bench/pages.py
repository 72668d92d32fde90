"""Page weights and times of the librarian's pages (issue 18, "Done when").

Builds the default corpus (data/sources) into a temporary store, starts the real server
(``resgraph serve``: uvicorn and its query workers) on 127.0.0.1, and for each main page asks
once cold (the first request after the generation is published: lists, models and indexes are
worked out then), then ``--repeat`` times warm, and reports:

* bytes as sent plain and gzipped (``Accept-Encoding: gzip``: what a browser downloads);
* the cold time and the warm p50 and p95;
* the p50 as a ratio to the reference measured in the same run, the same way: a static file
  (``/static/style.css``), which is what the server's own HTTP stack costs with no work behind it.

Not part of the test run.  Example::

    .venv/bin/python bench/pages.py              # build + serve + measure, ~1 min
    .venv/bin/python bench/pages.py --store /tmp/q8store --repeat 50
"""
from __future__ import annotations

import argparse
import gzip
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("reference: static file", "/static/style.css"),
    ("home", "/"),
    ("browse: PP resolutions", "/doc/resolution/pp"),
    ("browse: GA session 80", "/doc/un/A/RES/80"),
    ("search: gender equality", "/search?q=gender+equality"),
    ("search, JSON", "/search?q=gender+equality&format=json"),
    ("reading view: Res 70 (Dubai, 2018)", "/doc/resolution/pp/70/dubai-2018"),
    ("reading view: Res 71 (Dubai, 2018)", "/doc/resolution/pp/71/dubai-2018"),
    ("draft: ACP/64A1/7", "/doc/proposal/ACP/64A1/7/text"),
    ("clause page", "/doc/resolution/pp/70/dubai-2018/resolves/1"),
    ("compare: Res 70", "/compare/resolution/pp/70"),
    ("cited-by: A/RES/70/1", "/doc/un/A/RES/70/1"),
    ("UN text: A/RES/80/16", "/doc/un/A/RES/80/16"),
    ("validation", "/validation"),
    ("source: the seed", "/source/pp18-64-add1"),
    ("Turtle: Res 70", "/doc/resolution/pp/70/dubai-2018.ttl"),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", help="an already built store of the default corpus (default: build one)")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    py = sys.executable
    tmp = tempfile.mkdtemp(prefix="resgraph-pages-")
    port = _port()
    base = f"http://127.0.0.1:{port}/"
    store = args.store
    if store is None:
        store = os.path.join(tmp, "store")
        t = time.perf_counter()
        subprocess.run([py, "-m", "pipeline.cli", "build", "-q", "--store", store, "--base", base], check=True, cwd=ROOT)
        print(f"built the default corpus in {time.perf_counter() - t:.1f} s")
    else:
        base = "http://127.0.0.1:8000/"
    proc = subprocess.Popen([py, "-m", "pipeline.cli", "serve", "--port", str(port), "--store", store, "--base", base],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, RESGRAPH_QUIET="1"))
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/sparql", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        rows = []
        with httpx.Client(base_url=url, timeout=60, headers={"Accept": "text/html,*/*;q=0.8"}) as c:
            for name, path in PAGES:
                t = time.perf_counter()
                r = c.get(path, headers={"Accept-Encoding": "identity"})
                cold = time.perf_counter() - t
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
                plain = len(r.content)
                rz = c.get(path, headers={"Accept-Encoding": "gzip"})
                zipped = int(rz.headers.get("content-length") or len(gzip.compress(rz.content)))
                times = []
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    c.get(path, headers={"Accept-Encoding": "gzip"})
                    times.append(time.perf_counter() - t)
                times.sort()
                rows.append((name, path, plain, zipped, cold, statistics.median(times), times[int(0.95 * (len(times) - 1))]))
        ref = rows[0][5]
        print(f"\n{'page':38} {'bytes':>9} {'gzipped':>9} {'cold ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'p50/ref':>8}")
        for name, path, plain, zipped, cold, p50, p95 in rows:
            print(f"{name:38} {plain:>9,} {zipped:>9,} {cold * 1000:>8.1f} {p50 * 1000:>7.1f} {p95 * 1000:>7.1f} {p50 / ref:>8.1f}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
