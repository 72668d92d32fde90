"""The embedded, on-disk pyoxigraph store, published atomically in generations.

Layout under ``settings.store_dir`` (default ``data/store/``)::

    CURRENT                      name of the published generation (replaced atomically)
    generations/<name>/          a pyoxigraph (RocksDB) store, never written after publishing
    generations/<name>.json      its metadata: base URI, counts, sources and checksums
    .lock                        held while a build publishes

A build writes a *new* generation (:func:`staged`; an incremental build starts it as a
checkpoint of the published one), flushes it, then swaps ``CURRENT`` with
``os.replace`` (atomic on POSIX).  Readers (``resgraph query``, ``resgraph serve``)
open the generation named by ``CURRENT`` read-only, so they see the old graph or the
new one, never a half-written one; a build that fails or is killed leaves ``CURRENT``
as it was.  The last few generations are kept as backups (:func:`generations`).
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .settings import Settings

KEEP_GENERATIONS = 3


class StoreError(Exception):
    """A user-facing problem with the store (one line, no traceback)."""


@dataclass(frozen=True)
class Generation:
    name: str
    path: Path
    meta: dict


# ------------------------------------------------------------------ terms ---

def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term → pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


def graph_quads(graph: Graph, graph_name: str) -> Iterator[ox.Quad]:
    """All triples of an rdflib graph as pyoxigraph quads in the named graph ``graph_name``."""
    g = ox.NamedNode(graph_name)
    cache: dict = {}

    def conv(t):
        o = cache.get(t)
        if o is None:
            o = cache[t] = to_ox(t)
        return o

    for s, p, o in graph:
        yield ox.Quad(conv(s), conv(p), conv(o), g)


# ------------------------------------------------------------ generations ---

def _root(settings: Settings) -> Path:
    return Path(settings.store_dir)


def current(settings: Settings) -> Generation | None:
    """The published generation, or ``None`` when nothing was published yet."""
    root = _root(settings)
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = root / "generations" / name
    if not name or not path.is_dir():
        raise StoreError(f"store at {root} names generation {name!r}, which is missing; run `resgraph restore` or `resgraph build`")
    try:
        meta = json.loads((root / "generations" / f"{name}.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        meta = {}
    return Generation(name, path, meta)


def generations(settings: Settings) -> list[Generation]:
    """All complete generations on disk, oldest first."""
    gdir = _root(settings) / "generations"
    out = []
    if gdir.is_dir():
        for meta_file in sorted(gdir.glob("*.json")):
            path = meta_file.with_suffix("")
            if path.is_dir():
                try:
                    meta = json.loads(meta_file.read_text(encoding="utf-8"))
                except ValueError:
                    continue
                out.append(Generation(path.name, path, meta))
    return out


def open_current(settings: Settings) -> tuple[ox.Store, Generation]:
    """Open the published store read-only. Raises :class:`StoreError` if there is none."""
    gen = current(settings)
    if gen is None:
        raise StoreError(f"no published graph in {_root(settings)}; run `resgraph build` first")
    try:
        return ox.Store.read_only(str(gen.path)), gen
    except OSError as e:
        raise StoreError(f"cannot open the store at {gen.path}: {e}") from None


@contextmanager
def _lock(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"another resgraph build is publishing to {root}; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Staged:
    """A generation being written (see :func:`staged`): invisible to readers until :meth:`commit`."""

    def __init__(self, root: Path, name: str, path: Path, store: ox.Store):
        self.root, self.name, self.path, self.store = root, name, path, store
        self.generation: Generation | None = None

    def commit(self, meta: dict) -> Generation:
        """Flush, write the metadata and swap ``CURRENT`` to this generation (atomic).

        The caller must hold no other reference to :attr:`store` (RocksDB closes when the
        last one goes).
        """
        self.store.flush()
        quads = len(self.store)
        self.store = None  # close the database before readers open it
        meta = dict(meta, generation=self.name, quads=quads,
                    published_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        gdir = self.root / "generations"
        _write_atomic(gdir / f"{self.name}.json", json.dumps(meta, indent=2, sort_keys=True))
        _write_atomic(self.root / "CURRENT", self.name + "\n")
        self.generation = Generation(self.name, self.path, meta)
        return self.generation


@contextmanager
def staged(settings: Settings, *, base_on: Generation | None = None) -> Iterator[Staged]:
    """A new generation to write into, published only by :meth:`Staged.commit`.

    ``base_on``: start from a RocksDB checkpoint of that generation (hard-linked files:
    milliseconds, whatever its size) instead of an empty store — what an incremental
    build does before dropping and rewriting the graphs that changed.  If the block
    raises or does not commit, the partial generation is removed and the previous one
    stays published.  Holds the store lock throughout.
    """
    root = _root(settings)
    with _lock(root):
        gdir = root / "generations"
        gdir.mkdir(parents=True, exist_ok=True)
        name = time.strftime("g%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}"
        path = gdir / name
        stage = None
        try:
            if base_on is not None:
                src = ox.Store.read_only(str(base_on.path))
                src.backup(str(path))
                del src
            stage = Staged(root, name, path, ox.Store(str(path)))
            yield stage
        except BaseException:
            if stage is not None:
                stage.store = None
            shutil.rmtree(path, ignore_errors=True)
            (gdir / f"{name}.json").unlink(missing_ok=True)
            raise
        if stage.generation is None:
            stage.store = None
            shutil.rmtree(path, ignore_errors=True)
            return
        _prune(settings, keep=KEEP_GENERATIONS)


def publish(quads: Iterable[ox.Quad], meta: dict, *, settings: Settings) -> Generation:
    """Write ``quads`` to a new generation and make it the published one, atomically.

    ``meta`` is stored beside it (counts, sources, base).  If anything fails before the
    swap, the previous generation stays published and the partial one is removed.
    """
    with staged(settings) as stage:
        stage.store.bulk_extend(quads)
        return stage.commit(meta)


def restore(name: str | None, *, settings: Settings) -> Generation:
    """Make an earlier generation the published one (default: the one before the current)."""
    root = _root(settings)
    with _lock(root):
        gens = generations(settings)
        cur = current(settings)
        if name is None:
            older = [g for g in gens if cur is None or g.name < cur.name]
            if not older:
                raise StoreError("no earlier generation to restore")
            target = older[-1]
        else:
            matches = [g for g in gens if g.name == name]
            if not matches:
                raise StoreError(f"no generation {name!r}; known: {', '.join(g.name for g in gens) or 'none'}")
            target = matches[0]
        _write_atomic(root / "CURRENT", target.name + "\n")
        return target


def _prune(settings: Settings, keep: int) -> None:
    root = _root(settings)
    gdir = root / "generations"
    cur = current(settings)
    complete = {g.name for g in generations(settings)}
    # remove leftovers of interrupted builds (a directory without metadata)
    for p in gdir.iterdir():
        if p.is_dir() and p.name not in complete and (cur is None or p.name != cur.name):
            shutil.rmtree(p, ignore_errors=True)
    gens = generations(settings)
    for g in gens[:-keep]:
        if cur is not None and g.name == cur.name:
            continue
        shutil.rmtree(g.path, ignore_errors=True)
        (gdir / f"{g.name}.json").unlink(missing_ok=True)
