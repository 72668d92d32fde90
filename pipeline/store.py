"""The embedded, on-disk pyoxigraph store, published atomically in generations.

Layout under ``settings.store_dir`` (default ``data/store/``)::

    CURRENT                      name of the published generation (replaced atomically)
    generations/<name>/          a pyoxigraph (RocksDB) store, never written after publishing
    generations/<name>.json      its metadata: base URI, counts, sources and checksums,
                                 ``published`` (false until ``CURRENT`` was swapped to it)
    .lock                        held while a build publishes or a restore swaps

A build writes a *new* generation (:func:`staged`; an incremental build starts it as a
checkpoint of the published one), flushes and closes it, writes its metadata, then swaps
``CURRENT`` with ``os.replace`` (atomic on POSIX).  Readers (``resgraph query``,
``resgraph serve``) open the generation named by ``CURRENT`` read-only, so they see the
old graph or the new one, never a half-written one; a build that fails or is killed
(SIGKILL, power cut after the fsyncs) leaves ``CURRENT`` as it was, and what it left
behind is removed by the next build or restore (:func:`_settle`).  The last few published
generations are kept as backups (:func:`generations`, ``resgraph restore``).
``tests/test_crash_safety.py`` kills builds at random moments of this step to show it.

**The default graph is the merge.**  Every published generation holds, besides its named
graphs (one per document, the inferred graph, reports …), a default graph that is the RDF
merge of them all — each triple once, however many graphs state it (:func:`merge_default`).
Queries run on that default graph (:func:`query_options`), not on pyoxigraph's
``use_default_graph_as_union``, which yields a triple once *per graph* holding it: a
resolution described by 30 documents matched 30 times, so joins grew with the square of
the corpus (``cited-itu-resolutions`` exhausted 24 GB at 10×) and ``/sparql`` counted
duplicates (319 resolutions for 235).  Named graphs stay as they were: ``GRAPH ?g``,
the Graph Store routes and ``resgraph publish`` see only them.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from .settings import Settings

KEEP_GENERATIONS = 3
DEFAULT = ox.DefaultGraph()
_NT = ox.RdfFormat.N_TRIPLES


class StoreError(Exception):
    """A user-facing problem with the store (one line, no traceback)."""


@dataclass(frozen=True)
class Generation:
    name: str
    path: Path
    meta: dict


# ------------------------------------------------------- the merged default graph ---

def merged(store: ox.Store) -> bool:
    """Whether ``store``'s default graph holds the merge of its named graphs (resgraph
    writes nothing else there; a store from before the merge has an empty one)."""
    return next(iter(store.quads_for_pattern(None, None, None, DEFAULT)), None) is not None


def query_options(store: ox.Store) -> dict:
    """The ``store.query`` keywords that make the default graph the merge of the named
    graphs: the materialised one where it exists, pyoxigraph's union otherwise (a store
    being assembled, or a generation published before the merge)."""
    return {"use_default_graph_as_union": not merged(store)}


def merge_default(store: ox.Store, graphs: Iterable[ox.NamedNode], *, old: ox.Store | None = None,
                  add: bool = True) -> None:
    """Bring the default graph up to date after ``graphs`` were written or dropped.

    ``old``: the generation the store was checkpointed from — the triples those graphs held
    there leave the default graph unless another named graph still states them (a lookup
    per triple: proportional to what changed).  Then each graph's triples are added, dumped
    and bulk-loaded inside pyoxigraph (no Python object per triple).  A full build passes
    every named graph and no ``old``.  ``add=False``: the graphs' triples are in the default
    graph already (:func:`add_to_default` as they were loaded); only remove what left.
    """
    graphs = list(dict.fromkeys(graphs))
    if old is not None:
        for G in graphs:
            for q in old.quads_for_pattern(None, None, None, G):
                # (s, p, ?o) and compare: pyoxigraph 0.5.13 answered the fully bound (s, p, o, ?g)
                # with a quad of a graph just dropped and bulk-loaded again (tests/test_incremental.py)
                if not any(h.graph_name != DEFAULT and h.object == q.object
                           for h in store.quads_for_pattern(q.subject, q.predicate, None, None)):
                    store.remove(ox.Quad(q.subject, q.predicate, q.object, DEFAULT))
    if not add:
        return
    # few bulk loads (each call has a fixed cost: ~0.1 s, 12 s over 130 graphs), in chunks
    # of at most ~256 MB of N-Triples so that a large dataset is not held in memory twice
    chunk: list[bytes] = []
    size = 0
    for G in graphs:
        data = store.dump(format=_NT, from_graph=G)
        chunk.append(data)
        size += len(data)
        if size >= _CHUNK:
            add_to_default(store, b"".join(chunk))
            chunk, size = [], 0
    if size:
        add_to_default(store, b"".join(chunk))


_CHUNK = 256 << 20


def add_to_default(store: ox.Store, data: bytes) -> None:
    """Load N-Triples ``data`` into the default graph (blank nodes keep their labels)."""
    if b"_:" in data:
        # bulk_load renames blank nodes; lines that may hold one keep theirs through parse()
        lines = data.splitlines(keepends=True)
        blank = b"".join(line for line in lines if b"_:" in line)
        data = b"".join(line for line in lines if b"_:" not in line)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, DEFAULT)
                          for t in ox.parse(blank, format=_NT, rename_blank_nodes=False))
    store.bulk_load(data, format=_NT, to_graph=DEFAULT)


class Merged:
    """A store read as the merge of its named graphs — what every reader wants: a pattern
    with no graph (``quads_for_pattern(s, p, o)``) reads the merged default graph, so each
    triple comes once, not once per graph stating it (plus once more for the merge), and
    ``query`` never asks pyoxigraph for its per-graph union on top of the merge.  Everything
    else (``GRAPH`` patterns, ``named_graphs``, iteration over all quads, ``dump``) is the
    store's own.  A store without the merge is read as before (pyoxigraph's union)."""

    __slots__ = ("store", "is_merged")

    def __init__(self, store):
        self.store = store.store if isinstance(store, Merged) else store
        self.is_merged = merged(self.store)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None):  # noqa: A002
        if graph_name is None and self.is_merged:
            graph_name = DEFAULT
        return self.store.quads_for_pattern(subject, predicate, object, graph_name)

    def query(self, query, **kw):
        if self.is_merged and kw.get("use_default_graph_as_union"):
            kw["use_default_graph_as_union"] = False
        return self.store.query(query, **kw)

    def __iter__(self):
        return iter(self.store)

    def __len__(self):
        return len(self.store)

    def __contains__(self, quad):
        return quad in self.store

    def __getattr__(self, name):
        return getattr(self.store, name)


def dump_named(store: ox.Store, out, fmt: ox.RdfFormat, *, prefixes: dict | None = None) -> None:
    """Write the named graphs of ``store`` (a dataset format: N-Quads, TriG) to ``out``,
    without the merged default graph, which is derived from them.  N-Quads is written graph
    by graph from pyoxigraph's own N-Triples dump (no Python object per quad)."""
    if not merged(store):
        store.dump(out, format=fmt, prefixes=prefixes)
    elif fmt == ox.RdfFormat.N_QUADS:
        for G in store.named_graphs():
            tail = b" " + str(G).encode() + b" .\n"
            for line in store.dump(format=_NT, from_graph=G).splitlines():
                if line:
                    out.write(line.rstrip()[:-1].rstrip() + tail)
    else:
        raw = store.store if isinstance(store, Merged) else store
        ox.serialize((q for q in raw.quads_for_pattern(None, None, None, None) if q.graph_name != DEFAULT),
                     out, format=fmt, prefixes=prefixes)


def dump_merge(store: ox.Store, out, fmt: ox.RdfFormat, *, prefixes: dict | None = None) -> None:
    """Write the merge of the named graphs (each triple once) in a graph format."""
    if merged(store):
        store.dump(out, format=fmt, from_graph=DEFAULT, prefixes=prefixes)
        return
    triples = {}
    for q in store.quads_for_pattern(None, None, None, None):
        t = ox.Triple(q.subject, q.predicate, q.object)
        triples[str(t)] = t
    ox.serialize(triples.values(), out, format=fmt, prefixes=prefixes)


def named_quads(store: ox.Store) -> int:
    """Quads in named graphs (what a generation's ``quads`` count means), without the merge."""
    total = len(store)
    if not merged(store):
        return total
    n = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]
    return total - int(n.value)


# ------------------------------------------------------------ generations ---

def _root(settings: Settings) -> Path:
    return Path(settings.store_dir)


def _fault(point: str) -> None:
    """Test-only fault injection (``tests/test_crash_safety.py``); does nothing unless the
    environment sets ``RESGRAPH_FAULT_PAUSE``.

    ``RESGRAPH_FAULT_PAUSE=SECONDS``: each named point of publishing prints
    ``fault-point POINT`` on stderr and sleeps that long, so that a SIGKILL sent at a random
    moment lands between any two steps (flush, metadata, swap, pruning…) rather than almost
    always in the slowest one, and the test can tell which step the kill followed.
    ``SECONDS@POINT``: every point prints, only ``POINT`` sleeps.  It changes no step and no order.
    """
    pause = os.environ.get("RESGRAPH_FAULT_PAUSE")
    if pause:
        sys.stderr.write(f"fault-point {point}\n")
        sys.stderr.flush()
        seconds, _, only = pause.partition("@")
        if not only or only == point:
            time.sleep(float(seconds))


def _current_name(root: Path) -> str | None:
    try:
        text = (root / "CURRENT").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    lines = text.split()
    return lines[0] if lines else ""


def _read_meta(meta_file: Path) -> dict | None:
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _published(meta: dict) -> bool:
    # "published": False is written before the swap and turned True after it (or by
    # _settle); metadata without the key comes from stores older than the flag.
    return meta.get("published", True) is not False


def current(settings: Settings) -> Generation | None:
    """The published generation, or ``None`` when nothing was published yet."""
    root = _root(settings)
    name = _current_name(root)
    if name is None:
        return None
    path = root / "generations" / name
    if not name or not path.is_dir():
        raise StoreError(f"store at {root} names generation {name!r}, which is missing; run `resgraph restore` or `resgraph build`")
    meta = _read_meta(root / "generations" / f"{name}.json") or {}
    return Generation(name, path, meta)


def generations(settings: Settings) -> list[Generation]:
    """All complete generations that were published (the backups and the current one), oldest first.

    Not listed: a generation a killed build wrote completely but never swapped in (it is
    removed by the next build or restore, see :func:`_settle`), and directories without
    metadata (partial ones).
    """
    root = _root(settings)
    gdir = root / "generations"
    cur = _current_name(root)
    out = []
    if gdir.is_dir():
        for meta_file in sorted(gdir.glob("*.json")):
            path = meta_file.with_suffix("")
            if path.is_dir():
                meta = _read_meta(meta_file)
                if meta is None or not (_published(meta) or path.name == cur):
                    continue
                out.append(Generation(path.name, path, meta))
    return out


def open_current(settings: Settings) -> tuple[ox.Store, Generation]:
    """Open the published store read-only. Raises :class:`StoreError` if there is none."""
    gen = current(settings)
    if gen is None:
        raise StoreError(f"no published graph in {_root(settings)}; run `resgraph build` first")
    try:
        return Merged(ox.Store.read_only(str(gen.path))), gen
    except (OSError, RuntimeError) as e:  # RocksDB reports damaged files as RuntimeError("Corruption: …")
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


def _write_meta(gdir: Path, name: str, meta: dict) -> None:
    _write_atomic(gdir / f"{name}.json", json.dumps(meta, indent=2, sort_keys=True))


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _remove_generation(gdir: Path, name: str) -> None:
    """Delete a generation: first its metadata (from then on it is not a complete generation,
    so nothing lists or restores it), then its directory.  A kill in between leaves a
    directory without metadata, which :func:`_settle` removes."""
    (gdir / f"{name}.json").unlink(missing_ok=True)
    _fsync_dir(gdir)
    _fault("unlinked-meta")
    shutil.rmtree(gdir / name, ignore_errors=True)


def _settle(root: Path) -> None:
    """Tidy what a killed build or restore left behind; run holding the lock.

    * the generation ``CURRENT`` names is marked published (a build killed right after
      the swap had no time to);
    * complete generations that were never published (killed between writing their
      metadata and the swap), directories without metadata (killed while writing, or
      while deleting) and temporary files are removed.

    The current generation is never touched.
    """
    gdir = root / "generations"
    if not gdir.is_dir():
        return
    cur = _current_name(root)
    if cur:
        meta = _read_meta(gdir / f"{cur}.json")
        if meta is not None and not _published(meta):
            _write_meta(gdir, cur, dict(meta, published=True, published_at=meta.get("built_at") or _now()))
    for tmp in [*root.glob("*.tmp-*"), *gdir.glob("*.tmp-*")]:
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
    for meta_file in gdir.glob("*.json"):
        name = meta_file.stem
        if name == cur:
            continue
        meta = _read_meta(meta_file)
        if meta is None or not _published(meta) or not (gdir / name).is_dir():
            _remove_generation(gdir, name)
    for p in gdir.iterdir():
        if p.is_dir() and p.name != cur and not (gdir / f"{p.name}.json").exists():
            shutil.rmtree(p, ignore_errors=True)


class Staged:
    """A generation being written (see :func:`staged`): invisible to readers until :meth:`commit`."""

    def __init__(self, root: Path, name: str, path: Path, store: ox.Store):
        self.root, self.name, self.path, self.store = root, name, path, store
        self.generation: Generation | None = None

    def commit(self, meta: dict) -> Generation:
        """Flush, write the metadata and swap ``CURRENT`` to this generation (atomic).

        The caller must hold no other reference to :attr:`store` (RocksDB closes when the
        last one goes).  The order makes every crash point safe: until the swap, the new
        generation is unpublished (``"published": false`` in its metadata, removed by the
        next build); the swap (``os.replace``) publishes it whole; the flag is set after it.
        """
        self.store.flush()
        _fault("flushed")
        quads = named_quads(self.store)
        self.store = None  # close the database before readers open it
        _fault("closed")
        built = _now()
        # the generation this one replaces: what `resgraph restore` goes back to
        meta = dict(meta, generation=self.name, quads=quads, built_at=built, published=False,
                    replaces=_current_name(self.root) or None)
        gdir = self.root / "generations"
        _write_meta(gdir, self.name, meta)
        _fault("meta-written")
        _write_atomic(self.root / "CURRENT", self.name + "\n")
        _fault("swapped")
        meta = dict(meta, published=True, published_at=_now())
        _write_meta(gdir, self.name, meta)
        _fault("marked")
        self.generation = Generation(self.name, self.path, meta)
        return self.generation


@contextmanager
def staged(settings: Settings, *, base_on: Generation | None = None) -> Iterator[Staged]:
    """A new generation to write into, published only by :meth:`Staged.commit`.

    ``base_on``: start from a RocksDB checkpoint of that generation (hard-linked files:
    milliseconds, whatever its size) instead of an empty store — what an incremental
    build does before dropping and rewriting the graphs that changed.  If the block
    raises or does not commit, the partial generation is removed and the previous one
    stays published (if the process is killed instead, the next build or restore removes
    it).  Holds the store lock throughout.
    """
    root = _root(settings)
    with _lock(root):
        gdir = root / "generations"
        gdir.mkdir(parents=True, exist_ok=True)
        _settle(root)
        _fault("locked")
        name = time.strftime("g%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}"
        path = gdir / name
        stage = None
        try:
            if base_on is not None:
                src = ox.Store.read_only(str(base_on.path))
                src.backup(str(path))
                del src
                _fault("checkpointed")
            stage = Staged(root, name, path, ox.Store(str(path)))
            _fault("opened")
            yield stage
        except BaseException:
            if stage is not None:
                stage.store = None
            if _current_name(root) != name:
                _remove_generation(gdir, name)
            raise
        if stage.generation is None:
            stage.store = None
            _remove_generation(gdir, name)
            return
        _prune(root, keep=KEEP_GENERATIONS)
        _fault("pruned")


def publish(quads: Iterable[ox.Quad], meta: dict, *, settings: Settings) -> Generation:
    """Write ``quads`` to a new generation and make it the published one, atomically.

    ``meta`` is stored beside it (counts, sources, base).  If anything fails before the
    swap, the previous generation stays published and the partial one is removed.
    """
    with staged(settings) as stage:
        stage.store.bulk_extend(quads)
        merge_default(stage.store, stage.store.named_graphs())
        return stage.commit(meta)


def _check_generation(gen: Generation) -> None:
    """Open ``gen`` read-only and compare its quad count with its metadata (a damaged or
    half-deleted backup is refused rather than published)."""
    try:
        st = ox.Store.read_only(str(gen.path))
        n = named_quads(st)
        del st
    except (OSError, RuntimeError) as e:
        raise StoreError(f"generation {gen.name} cannot be opened ({e}); not restored") from None
    want = gen.meta.get("quads")
    if want is not None and n != want:
        raise StoreError(f"generation {gen.name} holds {n} quads, its metadata says {want}; not restored")


def _history(cur: Generation, by_name: dict[str, Generation]) -> list[str]:
    """``cur`` and the generations it replaced, newest first, while they are kept."""
    out, g = [cur.name], cur
    while True:
        prev = g.meta.get("replaces")
        if not prev or prev in out or prev not in by_name:
            return out
        out.append(prev)
        g = by_name[prev]


def restore(name: str | None, *, settings: Settings) -> Generation:
    """Make an earlier generation the published one (default: the one the current one
    replaced when it was published, i.e. undo the last publish; again: the one before that).

    Only generations that were published once are candidates (not what a killed build
    left); the target is opened and its quad count checked against its metadata before
    ``CURRENT`` is swapped to it.
    """
    root = _root(settings)
    with _lock(root):
        _settle(root)
        gens = generations(settings)
        try:
            cur = current(settings)
        except StoreError:  # CURRENT names a generation that is gone: publish the newest kept
            cur = None
        if name is None:
            by_name = {g.name: g for g in gens}
            back = _history(cur, by_name)[1:2] if cur is not None else []
            if back:
                target = by_name[back[0]]
            elif cur is not None and cur.meta.get("replaces"):
                raise StoreError(f"generation {cur.meta['replaces']}, which {cur.name} replaced, is no longer kept; "
                                 "name one (see `resgraph restore --list`)")
            else:  # no "replaces" (first build, or a store older than it): the newest one before the current
                older = [g for g in gens if cur is None or g.name < cur.name]
                if not older:
                    raise StoreError("no earlier generation to restore")
                target = older[-1]
        else:
            matches = [g for g in gens if g.name == name]
            if not matches:
                raise StoreError(f"no generation {name!r}; known: {', '.join(g.name for g in gens) or 'none'}")
            target = matches[0]
        if cur is not None and target.name == cur.name:
            return target
        _check_generation(target)
        _write_atomic(root / "CURRENT", target.name + "\n")
        return target


def _prune(root: Path, keep: int) -> None:
    """Keep ``keep`` generations: the current one, those it replaced (what ``resgraph
    restore`` goes back to, in order), then the newest others; remove the rest and whatever
    killed builds left (see :func:`_settle`).  Run holding the lock."""
    _settle(root)
    gdir = root / "generations"
    cur = _current_name(root)
    gens = {}
    for meta_file in sorted(gdir.glob("*.json")):
        meta = _read_meta(meta_file)
        if meta is not None and (gdir / meta_file.stem).is_dir():
            gens[meta_file.stem] = Generation(meta_file.stem, gdir / meta_file.stem, meta)
    kept = _history(gens[cur], gens)[:max(keep, 1)] if cur in gens else []
    for name in sorted(gens, reverse=True):
        if len(kept) >= keep:
            break
        if name not in kept:
            kept.append(name)
    for name in gens:
        if name not in kept and name != cur:
            _remove_generation(gdir, name)
