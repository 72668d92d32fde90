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


class StoreError(Exception):
    """A user-facing problem with the store (one line, no traceback)."""


@dataclass(frozen=True)
class Generation:
    name: str
    path: Path
    meta: dict


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
        return ox.Store.read_only(str(gen.path)), gen
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
        quads = len(self.store)
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
        return stage.commit(meta)


def _check_generation(gen: Generation) -> None:
    """Open ``gen`` read-only and compare its quad count with its metadata (a damaged or
    half-deleted backup is refused rather than published)."""
    try:
        st = ox.Store.read_only(str(gen.path))
        n = len(st)
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
