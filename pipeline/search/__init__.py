"""Full-text search over the published graph (issue 18 item 2): titles and clause texts.

:mod:`.extract` reads the entries from a generation (typed-term lookups only, no query
text); :mod:`.index` builds and queries the SQLite FTS5 index (why FTS5: its docstring and
``bench/search.py``).  :func:`ensure_index` ties an index to one generation: built lazily on
``resgraph build`` writes it (:func:`build_for_publish`) before it swaps ``CURRENT``, to
``{store_dir}/search/{generation}.sqlite3``; a server that finds none (a store published
before search existed, or a build whose index failed) builds it on first use, the same way.
A new generation has a new name, so an older index can never answer for it; an index is
removed when its generation is (:func:`prune_indexes`).  A failed build is remembered for
:data:`RETRY_AFTER` seconds (search answers 503 "search index unavailable" meanwhile) and
never touches the store, so SPARQL and pages keep working.
"""
from __future__ import annotations

import logging
import tempfile
import threading
import time
import hashlib
from pathlib import Path

import pyoxigraph as ox

from . import extract, index
from .index import Index, IndexUnavailable, QueryError, parse_query

log = logging.getLogger("resgraph.search")
RETRY_AFTER = 60.0
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_failures: dict[str, tuple[float, str]] = {}
_opened: dict[str, Index] = {}   # generation → its open index (the newest two are kept)


def index_dir(store_dir: Path) -> Path:
    """Where the indexes of a store live: beside its generations (outside ``generations/``,
    which the store tidies), or a per-store temporary directory if the store is read-only."""
    d = Path(store_dir) / "search"
    try:
        d.mkdir(parents=True, exist_ok=True)
        probe = d / ".probe"
        probe.touch()
        probe.unlink()
        return d
    except OSError:
        key = hashlib.sha256(str(Path(store_dir).resolve()).encode()).hexdigest()[:16]
        d = Path(tempfile.gettempdir()) / f"resgraph-search-{key}"
        d.mkdir(parents=True, exist_ok=True)
        return d


def index_path(store_dir: Path, generation: str) -> Path:
    return index_dir(store_dir) / f"{generation}.sqlite3"


def build_index(store: ox.Store, path: Path, generation: str) -> Path:
    """Read ``store`` and write its index to ``path`` (what :func:`ensure_index` runs once)."""
    rows = extract.entries(store)
    return index.build(rows, path, generation=generation, facet_labels=extract.facet_labels(store, rows))


def prune_indexes(store_dir: Path) -> None:
    """Remove the indexes of generations the store no longer keeps (an index lives as long as
    its generation: a backup that ``resgraph restore`` brings back keeps its index), and
    temporary files older than an hour (a build that was killed while writing one)."""
    directory = index_dir(store_dir)
    kept = {p.name for p in (Path(store_dir) / "generations").glob("*") if p.is_dir()}
    for old in directory.glob("*.sqlite3"):
        if old.stem not in kept:
            old.unlink(missing_ok=True)  # a server still reading it keeps its open file
    for tmp in directory.glob("*.sqlite3.tmp-*"):
        try:
            if time.time() - tmp.stat().st_mtime > 3600:
                tmp.unlink(missing_ok=True)
        except OSError:
            pass


def build_for_publish(store: ox.Store, store_dir: Path, generation: str) -> tuple[float, str | None]:
    """What ``resgraph build`` runs before it publishes ``generation``: its index, so the
    first search after a build is answered at once.  Returns (seconds, None) or (seconds,
    why it failed): a failure never fails the build, the server then builds it on first use."""
    started = time.perf_counter()
    try:
        build_index(store, index_path(store_dir, generation), generation)
    except Exception as e:
        return time.perf_counter() - started, f"{type(e).__name__}: {e}"
    return time.perf_counter() - started, None


def ensure_index(store_dir: Path, generation: str, store: ox.Store) -> Index:
    """The index of ``generation``: opened if it is on disk, else built now (once, however many
    requests ask at the same time).  Raises :class:`IndexUnavailable` if it cannot be had."""
    found = _opened.get(generation)
    if found is not None and found.path.is_file():
        return found
    with _locks_guard:
        lock = _locks.setdefault(generation, threading.Lock())
    with lock:
        failed = _failures.get(generation)
        if failed and time.monotonic() - failed[0] < RETRY_AFTER:
            raise IndexUnavailable(failed[1])
        try:
            path = index_path(store_dir, generation)
        except OSError as e:
            _failures[generation] = (time.monotonic(), f"no place to write the search index: {e}")
            raise IndexUnavailable(_failures[generation][1]) from None
        try:
            return _keep(Index.open(path, generation))
        except IndexUnavailable:
            pass
        started = time.perf_counter()
        try:
            build_index(store, path, generation)
            found = Index.open(path, generation)
        except Exception as e:  # any failure: search is unavailable, the rest of the server is not
            log.exception("search index for generation %s could not be built", generation)
            _failures[generation] = (time.monotonic(), f"the search index could not be built: {type(e).__name__}: {e}")
            raise IndexUnavailable(_failures[generation][1]) from None
        _failures.pop(generation, None)
        log.info("search index for %s built in %.2f s", generation, time.perf_counter() - started)
        prune_indexes(store_dir)
        return _keep(found)


def _keep(found: Index) -> Index:
    _opened[found.generation] = found
    while len(_opened) > 2:
        _opened.pop(next(iter(_opened)))
    return found


__all__ = ["ensure_index", "build_index", "build_for_publish", "prune_indexes", "index_path", "Index", "IndexUnavailable", "QueryError", "parse_query"]
