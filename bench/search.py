"""SQLite FTS5 against Tantivy for /search, on the published corpus: build time, size, query time.

    .venv/bin/python bench/search.py [--store data/store] [--reps 7]

Tantivy is not a dependency of resgraph: install it beside the venv to compare, e.g.
``pip install --target /tmp/tantivy tantivy`` and run with ``PYTHONPATH=/tmp/tantivy``
(without it the Tantivy rows say "not installed").

Both engines index the same entries (:func:`pipeline.search.extract.entries`: every clause
text and every text's title, with body, kind, verb, year) with an English stemmer.  Printed:

* reading the entries from the store (shared by both engines);
* index build time (CPU, median of ``--reps``) and size on disk;
* for each query, the median wall time of (a) the engine alone: the 20 best hits and the
  number of matches, and (b) what a /search page needs: (a) plus the facet counts over all
  matches and the 20 snippets (FTS5: :meth:`pipeline.search.index.Index.search`; Tantivy:
  a terms aggregation over fast fields and its SnippetGenerator);
* each time also as a RATIO against the reference run in the same process: a SPARQL scan
  ``FILTER(CONTAINS(LCASE(?text), "gender"))`` over every ``rg:text`` in the store, which is
  what answering the same question without an index costs (so the figures mean the same on a
  busy or an idle machine).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from pipeline import store as store_mod  # noqa: E402
from pipeline.search import extract, index as fts  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.rdf.vocab import RG  # noqa: E402

# (what a user types in the box, the same question in Tantivy's query language; Tantivy's
# parser has no single-word prefix ("cyber*" is refused), so those run as fuzzy-prefix
# queries of distance 0, marked with a leading "~")
QUERIES = [
    ("gender", "gender"),
    ('"2030 Agenda"', '"2030 Agenda"'),
    ("developing countries", "developing countries"),
    ("cybersecurity", "cybersecurity"),
    ('"digital divide"', '"digital divide"'),
    ("cyber*", "~cyber"),
    ("telecommunication* development", "~telecommunication development"),
    ("women OR girls", "women OR girls"),
    ("climate change", "climate change"),
    ('"information and communication technologies"', '"information and communication technologies"'),
    ("Member States", "Member States"),
    ("the", "the"),
]
REFERENCE = ("SELECT ?c WHERE { ?c <%s> ?t FILTER(CONTAINS(LCASE(STR(?t)), \"gender\")) }" % RG.text)


def median(fn, reps: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(reps):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def fts5_engine(entries, tmp: Path, reps: int, labels):
    path = tmp / "fts.sqlite3"

    def build():
        path.unlink(missing_ok=True)
        fts.build(entries, path, generation="bench", facet_labels=labels)

    t_build = median(build, reps, time.process_time)
    ix = fts.Index.open(path, "bench")

    def plain(q):
        parsed = fts.parse_query(q)
        con = ix._con()
        con.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 20", [parsed.expression]).fetchall()
        return con.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", [parsed.expression]).fetchone()[0]

    def page(q):
        return ix.search(fts.parse_query(q), {}).total

    return {"build": t_build, "size": path.stat().st_size, "plain": plain, "page": page}


def tantivy_engine(entries, tmp: Path, reps: int):
    try:
        import tantivy
    except ImportError:
        return None
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("content", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("label", stored=True, index_option="basic")
    sb.add_text_field("uri", stored=True, index_option="basic")
    for name in ("kind", "body", "verb", "year"):
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    schema = sb.build()
    path = tmp / "tantivy"

    def build():
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir()
        idx = tantivy.Index(schema, path=str(path))
        w = idx.writer(heap_size=50_000_000, num_threads=1)
        for e in entries:
            content = e.content if e.field == "text" else f"{e.label}. {e.content}"
            w.add_document(tantivy.Document(content=content, label=e.label, uri=e.uri, kind=e.kind, body=e.body,
                                            verb=e.verb or "-", year=e.year or "-"))
        w.commit()
        w.wait_merging_threads()

    t_build = median(build, reps, time.process_time)
    idx = tantivy.Index(schema, path=str(path))
    idx.reload()
    searcher = idx.searcher()
    aggs = {n: {"terms": {"field": n, "size": 100}} for n in ("kind", "body", "verb", "year")}

    def parse(q):
        if q.startswith("~"):
            return idx.parse_query(q[1:], ["content"], conjunction_by_default=True,
                                   fuzzy_fields={"content": (True, 0, False)})
        return idx.parse_query(q, ["content"], conjunction_by_default=True)

    def plain(q):
        return searcher.search(parse(q), 20, count=True).count

    def page(q):
        query = parse(q)
        res = searcher.search(query, 20, count=True)
        searcher.aggregate(query, aggs)
        gen = tantivy.SnippetGenerator.create(searcher, query, schema, "content")
        for _, addr in res.hits:
            gen.snippet_from_doc(searcher.doc(addr)).to_html()
        return res.count

    return {"build": t_build, "size": dir_size(path), "plain": plain, "page": page}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=None, help="store directory (default: the project's data/store)")
    ap.add_argument("--reps", type=int, default=7, help="repetitions per figure (median)")
    args = ap.parse_args(argv)
    settings = Settings(store_dir=args.store) if args.store else Settings()
    st, gen = store_mod.open_current(settings)
    print(f"generation {gen.name} ({gen.meta.get('quads', '?')} quads)")
    t = time.process_time()
    entries = extract.entries(st)
    labels = extract.facet_labels(st, entries)
    print(f"read {len(entries)} entries from the store in {time.process_time() - t:.2f} s CPU (both engines)")
    ref = median(lambda: list(st.query(REFERENCE)), args.reps)
    n_ref = len(list(st.query(REFERENCE)))
    print(f"reference: SPARQL CONTAINS scan over rg:text for 'gender': {ref * 1000:.1f} ms ({n_ref} rows)")
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"fts5": fts5_engine(entries, Path(tmp), args.reps, labels),
                   "tantivy": tantivy_engine(entries, Path(tmp), args.reps)}
        print()
        print(f"{'engine':8} {'build s CPU':>11} {'size KB':>8}")
        for name, e in engines.items():
            if e is None:
                print(f"{name:8} not installed")
                continue
            print(f"{name:8} {e['build']:11.2f} {e['size'] / 1024:8.0f}")
        print()
        print(f"{'query':48} {'engine':8} {'hits':>5} {'top20 ms':>9} {'×ref':>6} {'page ms':>8} {'×ref':>6}")
        sums: dict[str, list[float]] = {}
        for fq, tq in QUERIES:
            for name, e in engines.items():
                if e is None:
                    continue
                q = fq if name == "fts5" else tq
                try:
                    hits = e["plain"](q)
                    plain = median(lambda: e["plain"](q), args.reps)
                    page = median(lambda: e["page"](q), args.reps)
                except Exception as ex:  # an engine that cannot read the query: say so
                    print(f"{fq[:48]:48} {name:8} error: {ex}")
                    continue
                sums.setdefault(name + " top20", []).append(plain)
                sums.setdefault(name + " page", []).append(page)
                print(f"{fq[:48]:48} {name:8} {hits:5d} {plain * 1000:9.2f} {plain / ref:6.3f} {page * 1000:8.2f} {page / ref:6.3f}")
        print()
        for k, v in sums.items():
            print(f"p50 over the queries, {k:14}: {statistics.median(v) * 1000:7.2f} ms ({statistics.median(v) / ref:.3f} × reference)")


if __name__ == "__main__":
    main()
