"""The published store as the server sees it: the current generation, its statistics, its dump.

A rebuild publishes a new generation and swaps ``CURRENT`` (see :mod:`pipeline.store`).
:class:`Published` notices the swap with one ``stat`` per request (a new file has a new
inode), opens the new generation read-only and switches to it; a request that already holds
the old store object finishes on it.  If the new generation cannot be opened, the old one
keeps being served and the problem is logged: readers see the old graph or the new one,
never an error.
"""
from __future__ import annotations

import gzip
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import store as store_mod
from ..settings import Settings
from ..rdf.vocab import CITO, RG

log = logging.getLogger("resgraph.server")

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class Answers:
    """A bounded least-recently-used map of answers computed from one generation.

    A generation never changes once published, so what the server worked out from it (which
    URI a path names, a serialised description) stays true until the next swap, when a new
    :class:`Snapshot` starts with an empty one.  Bounded by entry count and by the bytes of
    the values, so that many distinct requests cannot grow the server without limit.
    """

    def __init__(self, max_entries: int = 20_000, max_bytes: int = 64 * 1024 * 1024,
                 max_entry_bytes: int = 1024 * 1024):
        self.max_entries, self.max_bytes, self.max_entry_bytes = max_entries, max_bytes, max_entry_bytes
        self._data: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key, default=None):
        with self._lock:
            try:
                value, _ = self._data[key]
            except KeyError:
                self.misses += 1
                return default
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value, size: int = 0) -> None:
        if size > self.max_entry_bytes or self.max_entries <= 0:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (value, size)
            self._bytes += size
            while self._data and (len(self._data) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, n) = self._data.popitem(last=False)
                self._bytes -= n

    def __len__(self) -> int:
        return len(self._data)


@dataclass
class Snapshot:
    """One opened generation and what we computed about it (cached until the next swap)."""

    store: ox.Store
    generation: store_mod.Generation
    cache: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # path under /id/ or /doc/ -> (uri, stem, fixed format) or None; (path, format, root) -> document
    answers: Answers = field(default_factory=Answers)
    # /sparql answers (see app.sparql_cache_key): kept apart so that many distinct queries
    # cannot push out the dereferencing answers, and bounded on their own
    sparql_answers: Answers = field(default_factory=lambda: Answers(0))
    # the bytes of a GET request -> its key in sparql_answers (bounded the same way)
    sparql_aliases: Answers = field(default_factory=lambda: Answers(0))

    @property
    def name(self) -> str:
        return self.generation.name

    @property
    def path(self) -> str:
        return str(self.generation.path)


class Published:
    """The current generation, reopened when ``CURRENT`` changes."""

    local = True  # a store on this machine (remote.RemotePublished: serve --endpoint)

    def __init__(self, settings: Settings, *, answer_entries: int = 20_000, answer_bytes: int = 64 * 1024 * 1024,
                 sparql_entries: int = 0, sparql_bytes: int = 64 * 1024 * 1024, sparql_entry_bytes: int = 8 * 1024 * 1024):
        self.settings = settings
        self.answer_entries, self.answer_bytes = answer_entries, answer_bytes
        self.sparql_entries, self.sparql_bytes, self.sparql_entry_bytes = sparql_entries, sparql_bytes, sparql_entry_bytes
        self._current_file = Path(settings.store_dir) / "CURRENT"
        self._stamp: tuple | None = None
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def _stat(self) -> tuple | None:
        try:
            st = os.stat(self._current_file)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def get(self) -> Snapshot:
        """The snapshot to answer one request with. Raises ``StoreError`` if none was ever published."""
        stamp = self._stat()
        snap = self._snapshot
        if snap is not None and stamp == self._stamp:
            return snap
        with self._lock:
            if self._snapshot is not None and stamp == self._stamp:
                return self._snapshot
            try:
                store, gen = store_mod.open_current(self.settings)
            except store_mod.StoreError:
                if self._snapshot is not None:
                    log.exception("new generation could not be opened; still serving %s", self._snapshot.name)
                    return self._snapshot
                raise
            if self._snapshot is None or gen.name != self._snapshot.name:
                if self._snapshot is not None:
                    log.info("switched from generation %s to %s", self._snapshot.name, gen.name)
                self._snapshot = Snapshot(store, gen, answers=Answers(self.answer_entries, self.answer_bytes),
                                          sparql_answers=Answers(self.sparql_entries, self.sparql_bytes,
                                                                 self.sparql_entry_bytes),
                                          sparql_aliases=Answers(self.sparql_entries, self.sparql_bytes))
            self._stamp = stamp
            return self._snapshot


# ------------------------------------------------------------ statistics ---

def _count(store: ox.Store, query: str) -> int:
    rows = list(store.query(query, **store_mod.query_options(store)))
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0


def statistics(snap: Snapshot) -> dict:
    """Counts for the home page and VoID, computed once per generation.

    The queries are fixed text (no user input); IRIs come from the closed namespaces.
    """
    with snap.lock:
        if "stats" in snap.cache:
            return snap.cache["stats"]
        s = snap.store
        counts = {}
        for key, cls in (("resolutions", RG.Resolution), ("versions", RG.ResolutionVersion),
                         ("clauses", RG.Clause), ("proposals", RG.Proposal),
                         ("documents", RG.SourceDocument), ("findings", RG.Finding)):
            counts[key] = _count(s, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{RDF_TYPE}> <{cls}> }}")
        counts["citations"] = _count(s, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?a ?b WHERE {{ ?a <{CITO.cites}> ?b . ?a a <{RG.Clause}> }} }}")
        graphs = []
        # a remote store (serve --endpoint) may hold graphs of its own (Virtuoso's system graphs)
        ours = getattr(s, "graph_prefix", "")
        for row in s.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
            if row[0].value.startswith(ours):
                graphs.append((row[0].value, int(row[1].value)))
        default_graph = sum(1 for _ in s.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        stats = {"counts": counts, "graphs": graphs, "default_graph_triples": default_graph,
                 "quads": sum(n for _, n in graphs) + default_graph}
        snap.cache["stats"] = stats
        return stats


# ------------------------------------------------------------------ dumps ---

def dump_path(settings: Settings, snap: Snapshot) -> Path:
    return Path(settings.data_dir) / "dumps" / f"resgraph-{snap.name}.nq.gz"


_dump_lock = threading.Lock()


def ensure_dump(settings: Settings, snap: Snapshot) -> Path:
    """The gzipped N-Quads dump of ``snap``, written on first use and kept on disk.

    Bulk users prefer a dump to hammering the endpoint.  Written to a temporary name and
    renamed, so a concurrent reader never gets half a file; dumps of older generations are
    removed when a new one is written.
    """
    path = dump_path(settings, snap)
    if path.exists():
        return path
    with _dump_lock:
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        with gzip.open(tmp, "wb", compresslevel=6) as fh:
            store_mod.dump_named(snap.store, fh, ox.RdfFormat.N_QUADS)
        os.replace(tmp, path)
        for old in path.parent.glob("resgraph-*.nq.gz"):
            if old != path:
                old.unlink(missing_ok=True)
        return path


__all__ = ["Answers", "Published", "Snapshot", "statistics", "ensure_dump", "dump_path"]
