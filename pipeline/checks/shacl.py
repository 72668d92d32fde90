"""SHACL Core validation of one document: pyshacl (the reference) or the shapes compiled to
SPARQL and run in pyoxigraph (:mod:`pipeline.checks.shacl_sparql`).

pyshacl runs on each document's asserted rdflib graph with the ontology mixed in (so
``sh:class`` sees concept types), SHACL Core constraints only, no inference.  :func:`shacl_store`
runs the same shapes as one SPARQL query per constraint — the same result records
(``tests/test_shacl_compiled.py`` compares them on the seed, the shape fixtures and mutated
seeds), ~15x faster on the seed and linear in the size of the graph (bench/reasoning.py).
"""
from __future__ import annotations

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from ..rdf.vocab import RG, ontology_graph
from ..settings import Settings
from .report import SEVERITY, Report, Result
from .shacl_sparql import _graphs_arg, compile_shapes, run


def all_shapes(settings: Settings | None = None) -> Graph:
    """Every shape in ``shapes/*.ttl``, SHACL-SPARQL constraints included."""
    settings = settings or Settings()
    g = Graph()
    for f in sorted(settings.shapes_dir.glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


def shapes_graph(settings: Settings) -> Graph:
    """The shapes for the per-document pyshacl run: ``sh:sparql`` constraints left out.

    They run once over the whole store in :func:`graph_checks` instead.
    """
    g = all_shapes(settings)
    for s, o in list(g.subject_objects(SH.sparql)):
        g.remove((s, SH.sparql, o))
    return g


def _line(data: Graph, focus) -> int | None:
    """The source line of a focus node, if it has a well-formed one (an ill-typed
    ``rg:lineStart`` is itself a SHACL result, never a crash)."""
    if focus is None:
        return None
    for v in data.objects(focus, RG.lineStart):
        try:
            return int(str(v))
        except ValueError:
            continue
    return None


def shacl(data: Graph, *, settings: Settings, shapes: Graph | None = None, ontology: Graph | None = None,
          inplace: bool = False) -> Report:
    """Validate one asserted graph with the SHACL shapes in ``shapes/``.

    With ``inplace=True`` the ontology triples ``data`` lacks are added to ``data`` for the
    run and removed afterwards, and pyshacl validates without cloning: the same verdict,
    half the time (the two copies cost ~0.9 s on the seed's 32k triples).  ``data`` must
    not be read by another thread meanwhile.
    """
    shapes = shapes if shapes is not None else shapes_graph(settings)
    ontology = ontology if ontology is not None else ontology_graph(settings.ontology_dir)
    # the ontology is mixed in by hand so that sh:class sees the types of our concepts
    if inplace:
        added = [t for t in ontology if t not in data]
        for t in added:
            data.add(t)
        try:
            _conforms, rg, _text = shacl_validate(data, shacl_graph=shapes, inference="none", inplace=True,
                                                  advanced=True, allow_warnings=True, abort_on_first=False)
        finally:
            for t in added:
                data.remove(t)
    else:
        mixed = Graph()
        for t in data:
            mixed.add(t)
        for t in ontology:
            mixed.add(t)
        _conforms, rg, _text = shacl_validate(mixed, shacl_graph=shapes, inference="none",
                                              advanced=True, allow_warnings=True, abort_on_first=False)
    report = Report()
    for r in rg.subjects(SH.resultSeverity, None):
        sev = SEVERITY.get(rg.value(r, SH.resultSeverity), "violation")
        focus = rg.value(r, SH.focusNode)
        msg = rg.value(r, SH.resultMessage)
        path = rg.value(r, SH.resultPath)
        val = rg.value(r, SH.value)
        comp = rg.value(r, SH.sourceConstraintComponent)
        report.results.append(Result(sev, str(focus), str(msg) if msg else "constraint not met",
                                     str(path) if path else None, str(val) if val is not None else None,
                                     str(rg.value(r, SH.sourceShape)), _line(data, focus),
                                     component=str(comp) if comp is not None else None))
    report.results.sort(key=lambda r: (r.severity != "violation", r.line or 0, r.focus))
    return report


_COMPILED: dict = {}


def compiled_checks(settings: Settings | None = None, shapes: Graph | None = None) -> list:
    """The SHACL Core shapes of ``shapes/`` compiled to SPARQL (cached per shapes directory).

    Raises :class:`pipeline.shacl_sparql.UnsupportedShape` if a shape uses a component the
    compiler does not know: then keep using :func:`shacl` (pyshacl).
    """
    if shapes is not None:
        return compile_shapes(shapes)
    settings = settings or Settings()
    key = str(settings.shapes_dir)
    if key not in _COMPILED:
        _COMPILED[key] = compile_shapes(shapes_graph(settings))
    return _COMPILED[key]


def shacl_store(store: ox.Store, *, graphs=None, settings: Settings | None = None, shapes: Graph | None = None,
                checks: list | None = None) -> Report:
    """SHACL Core validation of ``store`` with the compiled shapes: the results :func:`shacl`
    (pyshacl) gives on the same triples, in one SPARQL query per constraint.

    ``graphs``: IRIs (or ``ox.NamedNode``) of the named graphs whose union is validated —
    the document graphs *and the ontology graph* (``sh:class`` follows ``rdfs:subClassOf``
    there); leave out the inferred graph, which pyshacl never sees.  ``None``: every graph.
    Results carry the focus node's ``rg:lineStart`` as pyshacl's do.
    """
    checks = checks if checks is not None else compiled_checks(settings, shapes)
    report = run(store, checks, graphs=graphs)
    _add_lines(store, report, graphs)
    report.results.sort(key=lambda r: (r.severity != "violation", r.line or 0, r.focus))
    return report


def _add_lines(store: ox.Store, report: Report, graphs) -> None:
    iris = sorted({r.focus for r in report.results if r.focus.startswith(("http://", "https://", "urn:"))})
    lines: dict[str, int] = {}
    for i in range(0, len(iris), 500):
        values = " ".join(f"<{x}>" for x in iris[i:i + 500])
        q = f"SELECT ?this ?line WHERE {{ VALUES ?this {{ {values} }} ?this <{RG.lineStart}> ?line }}"
        for row in store.query(q, **_graphs_arg(graphs, store)):
            try:
                lines.setdefault(row["this"].value, int(row["line"].value))
            except ValueError:
                pass
    for r in report.results:
        r.line = lines.get(r.focus)
