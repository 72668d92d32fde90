"""Helpers for the crash-safety and readers-during-writes tests (issue 9, parts 1 and 2).

Real parts only: ``resgraph build`` / ``restore`` / ``serve`` run as separate processes
(``sys.executable -c "from pipeline.cli import main; main()" …``) on a temporary store;
the graph in the store is read back with pyoxigraph (read-only) and summarised as its
quad count and the SHA-256 of its sorted N-Quads.

The sources are two documents cut from the seed (a few proposals each, so a build takes
about two seconds): document 0 is the seed's first proposals, document 1 the corpus
variant 1 of them (``bench/corpus.py``).  Version ``"v1"`` and ``"v2"`` differ only in
document 1 (v2 keeps fewer proposals), so a build from one to the other is incremental
(checkpoint of the published generation, one graph dropped and rebuilt) and changes the
triple count.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.store import generations, named_quads, open_current

BASE = "http://127.0.0.1:8000/"
SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CLI = [sys.executable, "-c", "from pipeline.cli import main; main()"]


def _corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", PROJECT_ROOT / "bench" / "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_cut(proposals: int) -> str:
    """The seed up to its ``proposals``-th proposal separator."""
    text = SEED.read_text(encoding="utf-8")
    seps = [m.start() for m in re.finditer(r"(?m)^\s*\*(?:\s+\*){3,}\s*$", text)]
    return text[:seps[proposals - 1]]


def write_sources(src: Path, version: str) -> None:
    """Write version ``v1`` or ``v2`` of the two source documents into ``src``."""
    corpus = _corpus()
    src.mkdir(parents=True, exist_ok=True)
    (src / corpus.file_name(0)).write_text(seed_cut(3), encoding="utf-8")
    doc1 = corpus.variant(seed_cut(3 if version == "v1" else 2), 1)
    (src / corpus.file_name(1)).write_text(doc1, encoding="utf-8")


@dataclass(frozen=True)
class State:
    """A whole graph: quad count and SHA-256 of the sorted N-Quads."""
    count: int
    sha: str

    def __str__(self) -> str:
        return f"{self.count} quads, sha256 {self.sha[:12]}"


def state_of_store(store: ox.Store) -> State:
    lines = sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8") + b"\n")
    # the count is the named graphs' quads, as in a generation's metadata (the default graph
    # is their merge, pipeline.store.merge_default); the digest covers everything
    return State(named_quads(store), h.hexdigest())


def published_state(store_dir: Path) -> State:
    """Open the published generation (read-only, as every reader does) and summarise it."""
    st, _gen = open_current(Settings(base=BASE, store_dir=store_dir))
    try:
        return state_of_store(st)
    finally:
        del st


def backup_states(store_dir: Path) -> dict[str, State]:
    """Every generation ``resgraph restore`` could bring back, opened and summarised."""
    out = {}
    for g in generations(Settings(base=BASE, store_dir=store_dir)):
        st = ox.Store.read_only(str(g.path))
        out[g.name] = state_of_store(st)
        assert out[g.name].count == g.meta.get("quads"), f"generation {g.name}: count differs from its metadata"
        del st
    return out


def data_dir_with_reference(data_dir: Path) -> Path:
    """A data folder of its own (``RESGRAPH_DATA``) holding the repository's reference data, as a
    deployment's data folder does: the reference data follow the data folder (pipeline.reference)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    ref = data_dir / "reference"
    if not ref.exists():
        ref.symlink_to(PROJECT_ROOT / "data" / "reference", target_is_directory=True)
    return data_dir


def env_for(tmp: Path, **extra: str) -> dict:
    env = dict(os.environ, RESGRAPH_QUIET="1", RESGRAPH_DATA=str(data_dir_with_reference(tmp / "data")))
    env.pop("RESGRAPH_FAULT_PAUSE", None)
    env.update(extra)
    return env


def run_cli(tmp: Path, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env=env_for(tmp, **env), capture_output=True, text=True, timeout=timeout)


def build(tmp: Path, store: Path, src: Path, **env: str) -> subprocess.CompletedProcess:
    out = run_cli(tmp, "build", "--store", str(store), "--base", BASE, "-j", "1", str(src), **env)
    assert out.returncode == 0, out.stderr
    return out


# ------------------------------------------------------------- processes ---

@dataclass
class Watched:
    """A process whose stderr lines are read as they come, with the time each arrived."""
    proc: subprocess.Popen
    lines: list = field(default_factory=list)        # (monotonic time, line)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self):
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._cond.notify_all()
        with self._cond:
            self.lines.append((time.monotonic(), None))  # end of stream
            self._cond.notify_all()

    def wait_for(self, pred, timeout: float = 60) -> tuple[float, str] | None:
        """The first line matching ``pred`` (waiting for it), or ``None`` when the stream ended first."""
        deadline = time.monotonic() + timeout
        i = 0
        with self._cond:
            while True:
                while i < len(self.lines):
                    t, line = self.lines[i]
                    if line is None:
                        return None
                    if pred(line):
                        return t, line
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no matching line in time")
                self._cond.wait(left)

    def finish(self, timeout: float = 60) -> int:
        rc = self.proc.wait(timeout=timeout)
        self._thread.join(timeout=10)
        return rc

    def text(self) -> list[str]:
        return [line for _, line in self.lines if line is not None]


def start_watched(tmp: Path, *args: str, **env: str) -> Watched:
    proc = subprocess.Popen([*CLI, *args], env=env_for(tmp, **env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    return Watched(proc)


@dataclass
class Served:
    watched: Watched
    url: str

    def count(self, client: httpx.Client | None = None) -> int:
        c = client or httpx
        r = c.get(self.url + "sparql", params={"query": COUNT_QUERY},
                  headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    def stop(self) -> None:
        p = self.watched.proc
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def serve(tmp: Path, store: Path, *extra: str) -> Served:
    """``resgraph serve`` on a free port (``--port 0``; the port is read from its first line)."""
    w = start_watched(tmp, "serve", "--port", "0", "--store", str(store), "--base", BASE, *extra)
    found = w.wait_for(lambda line: line.startswith("resgraph serving") or line.startswith("error"), timeout=60)
    if found is None or found[1].startswith("error"):
        w.proc.kill()
        raise RuntimeError(f"serve did not start: {w.text()}")
    url = re.search(r" at (http://\S+/) ", found[1]).group(1)
    served = Served(w, url)
    deadline = time.monotonic() + 30
    while True:
        try:
            served.count()
            return served
        except (httpx.TransportError, AssertionError):
            if time.monotonic() > deadline:
                served.stop()
                raise
            time.sleep(0.1)
