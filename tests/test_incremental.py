"""Incremental builds (issue 7, part 4): only changed sources are parsed again, a removed
source's graph goes, and the published dataset equals a full build of the same sources.

The corpus is ``bench/corpus.py`` applied to the first proposals of the seed (small
documents keep this file fast); equality is by sorted N-Quads of the published store.
"""
from __future__ import annotations

import importlib.util
import re

import pyoxigraph as ox
import pytest

from pipeline.build import build
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.store import current, open_current
from pipeline.rdf.uris import URIs

BASE = "http://127.0.0.1:8000/"
SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", PROJECT_ROOT / "bench" / "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def small_seed(tmp_path, proposals: int = 5):
    """The seed cut after its first ``proposals`` proposals (same shape, a fifth of the time)."""
    text = SEED.read_text(encoding="utf-8")
    seps = [m.start() for m in re.finditer(r"(?m)^\s*\*(?:\s+\*){3,}\s*$", text)]
    p = tmp_path / "small-seed.txt"
    p.write_text(text[:seps[proposals - 1]], encoding="utf-8")
    return p


def corpus(tmp_path, n: int):
    out = tmp_path / "sources"
    return load_corpus_module().write(n, out, seed=small_seed(tmp_path)), out


def nquads(settings: Settings) -> list[str]:
    st, _gen = open_current(settings)
    return sorted(st.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines())


def slug_of(res, path) -> str:
    return next(r.slug for r in res.docs if r.path == str(path))


def settings_for(path) -> Settings:
    return Settings(base=BASE, store_dir=path)


@pytest.fixture
def built(tmp_path):
    paths, src = corpus(tmp_path, 2)
    s = settings_for(tmp_path / "store")
    res = build([src], settings=s, jobs=1)
    return paths, src, s, res


def test_unchanged_sources_are_up_to_date(built):
    _paths, src, s, first = built
    assert sorted(first.built) == sorted(r.slug for r in first.docs) and len(first.built) == 2
    again = build([src], settings=s, jobs=1)
    assert again.up_to_date and again.generation == first.generation == current(s).name
    assert again.counts == first.counts
    assert again.report.count("info") == first.report.count("info")


def test_changed_source_is_rebuilt_alone_and_equals_a_full_build(built, tmp_path):
    paths, src, s, first = built
    text = paths[1].read_text(encoding="utf-8")
    paths[1].write_text(text.replace("Summary:", "Summary: (revised)", 1), encoding="utf-8")
    res = build([src], settings=s, jobs=1)
    changed = slug_of(res, paths[1])
    assert res.built == [changed]
    assert sorted(res.reused) == sorted(r.slug for r in first.docs if r.slug != changed)
    assert res.generation != first.generation
    full = settings_for(tmp_path / "full")
    build([src], settings=full, jobs=1, incremental=False)
    assert nquads(s) == nquads(full)


def test_removed_source_loses_its_graph(built, tmp_path):
    paths, src, s, first = built
    gone = slug_of(first, paths[1])
    paths[1].unlink()
    res = build([src], settings=s, jobs=1)
    assert res.removed == [gone] and res.built == []
    st, _gen = open_current(s)
    assert ox.NamedNode(URIs(BASE).document_graph(gone)) not in set(st.named_graphs())
    full = settings_for(tmp_path / "full")
    build([src], settings=full, jobs=1, incremental=False)
    assert nquads(s) == nquads(full)       # inferred graph included: nothing of the removed source is left


def test_changed_shapes_force_a_full_build(built, tmp_path):
    import shutil
    _paths, src, s, _first = built
    shapes = tmp_path / "shapes"
    shutil.copytree(PROJECT_ROOT / "shapes", shapes)
    (shapes / "extra.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x:S> a sh:NodeShape .\n",
                                      encoding="utf-8")
    res = build([src], settings=s.with_(shapes_dir=shapes), jobs=1)
    assert len(res.built) == 2 and not res.reused


def test_fingerprint_hashes_code_in_sub_packages(tmp_path, monkeypatch):
    """Moving code into sub-packages must never reuse a stale build: a change in
    ``pipeline/<sub>/<module>.py`` changes the fingerprint, and so does moving a module."""
    from pipeline.build import static as build_mod
    from pipeline.settings import Settings

    (tmp_path / "pipeline" / "sub").mkdir(parents=True)
    (tmp_path / "pipeline" / "a.py").write_text("A = 1\n")
    deep = tmp_path / "pipeline" / "sub" / "b.py"
    deep.write_text("B = 1\n")
    monkeypatch.setattr(build_mod, "PROJECT_ROOT", tmp_path)
    settings = Settings(store_dir=tmp_path / "store")
    first = build_mod.fingerprint(settings)
    deep.write_text("B = 2\n")
    second = build_mod.fingerprint(settings)
    assert second != first
    deep.rename(tmp_path / "pipeline" / "b.py")
    assert build_mod.fingerprint(settings) != second
