"""Validation: SHACL shapes (pyshacl, per document) plus graph-wide checks (pyoxigraph).

pyshacl runs on each document's asserted rdflib graph with the ontology mixed in
(so ``sh:class`` sees concept types), SHACL Core constraints only, no inference: small
graphs, a few seconds at most (MEASUREMENTS.md).

Checks that span the whole graph are SHACL-SPARQL constraints (``sh:sparql``, SHACL §5)
in ``shapes/*.ttl``.  pyshacl would run each of them once per focus node (34 s for 10k
triples); :func:`graph_checks` instead runs each ``SELECT`` once over the whole store in
pyoxigraph with ``$this`` unbound, then keeps the solutions whose ``$this`` is a focus
node of the shape.  That equals pre-binding (SHACL §5.2.1) for queries in which ``$this``
occurs in the top-level group pattern (the convention of ``shapes/graph-checks.ttl``);
``tests/test_shapes.py`` checks that pyshacl reports the same results on the fixtures.

SHACL Core also runs without pyshacl: :func:`shacl_store` runs the shapes compiled to one
SPARQL query per constraint (``pipeline/shacl_sparql.py``) over a pyoxigraph store — the
same result records as :func:`shacl` (``tests/test_shacl_compiled.py`` compares them on the
seed, the shape fixtures and mutated seeds), ~15× faster on the seed and linear in the size
of the graph (bench/reasoning.py).  pyshacl stays the reference.

The report is published as linked data (issue 4, item 7): :func:`report_graph` turns one
document's results — SHACL, graph checks (:func:`results_by_document`), findings
(:func:`finding_results`) — into a ``sh:ValidationReport`` named ``…/id/report/{slug}``,
linked to the document (``prov:wasDerivedFrom``) and to the resources and finding records
the results are about (``sh:focusNode``); :func:`report_quads` puts each in its own graph.

Severity is used on purpose: ``sh:Violation`` is a defect of our own output and
blocks publishing; ``sh:Warning``/``sh:Info`` are findings about the sources.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH

from .settings import Settings
from .shacl_sparql import SEVERITY  # one table for both validators
from .vocab import RG, ontology_graph


@dataclass
class Result:
    severity: str            # violation | warning | info
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    line: int | None = None
    quote: str | None = None
    source: str = "shacl"    # shacl | check | finding
    component: str | None = None  # sh:sourceConstraintComponent, where known

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)


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


# ------------------------------------------------------------------------------------------
# SHACL-SPARQL constraints, run once per store


@dataclass(frozen=True)
class SparqlCheck:
    """One ``sh:SPARQLConstraint`` of a node shape, ready to run in pyoxigraph."""

    shape: str
    constraint: str
    severity: str
    message: str | None
    query: str                      # the SELECT, ``$this`` renamed ``?this``, prefixes prepended
    targets: tuple                  # (("class"|"node"|"subjectsOf"|"objectsOf", iri), …)


def _prefix_lines(shapes: Graph, constraint) -> str:
    lines = []
    for decl_owner in shapes.objects(constraint, SH.prefixes):
        for d in shapes.objects(decl_owner, SH.declare):
            lines.append(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>")
    return "\n".join(sorted(set(lines)))


def sparql_checks(shapes: Graph) -> list[SparqlCheck]:
    """The SHACL-SPARQL constraints of the node shapes in ``shapes``.

    Supported: node shapes with ``sh:targetClass``/``sh:targetNode``/``sh:targetSubjectsOf``/
    ``sh:targetObjectsOf``, ``sh:select``, ``sh:prefixes``/``sh:declare``, ``sh:message``
    (``{?var}``/``{$this}`` filled in), ``sh:severity`` of the shape, ``sh:deactivated``.
    Property shapes with ``sh:sparql`` ($PATH) are refused: none of ours needs one.
    """
    out = []
    for shape, c in sorted(shapes.subject_objects(SH.sparql)):
        if shapes.value(shape, SH.path) is not None:
            raise ValueError(f"{shape}: sh:sparql on a property shape is not supported by graph_checks")
        if shapes.value(c, SH.deactivated) is not None and shapes.value(c, SH.deactivated).toPython() is True:
            continue
        if shapes.value(shape, SH.deactivated) is not None and shapes.value(shape, SH.deactivated).toPython() is True:
            continue
        select = str(shapes.value(c, SH.select))
        if not re.search(r"SELECT\s+(DISTINCT\s+)?[^{]*\$this\b", select, re.I):
            raise ValueError(f"{c}: the SELECT must project $this to run once over the whole graph")
        targets = tuple(sorted(
            [("class", str(o)) for o in shapes.objects(shape, SH.targetClass)]
            + [("node", str(o)) for o in shapes.objects(shape, SH.targetNode)]
            + [("subjectsOf", str(o)) for o in shapes.objects(shape, SH.targetSubjectsOf)]
            + [("objectsOf", str(o)) for o in shapes.objects(shape, SH.targetObjectsOf)]))
        msg = shapes.value(c, SH.message) or shapes.value(shape, SH.message)
        sev = SEVERITY.get(shapes.value(shape, SH.severity), "violation")
        query = _prefix_lines(shapes, c) + "\n" + re.sub(r"\$this\b", "?this", select)
        out.append(SparqlCheck(str(shape), str(c), sev, str(msg) if msg is not None else None, query, targets))
    return out


_TARGET_ASK = {
    # SHACL §2.1.3.3: an instance of the class or of any of its subclasses
    "class": "ASK { ?this <%s>/<%s>* ?t }" % (RDF.type, RDFS.subClassOf),
    "subjectsOf": "ASK { ?this ?p ?o }",
    "objectsOf": "ASK { ?s ?p ?this }",
}


def _is_focus(store: ox.Store, node, targets: tuple, cache: dict) -> bool:
    """Is ``node`` a focus node of a shape with ``targets``?  Asked per solution (checks
    return few), not by listing every instance of a target class (100k clauses at scale)."""
    for kind, iri in targets:
        key = (kind, iri, node)
        if key not in cache:
            if kind == "node":
                cache[key] = node == ox.NamedNode(iri)
            else:
                var = {"class": "t", "subjectsOf": "p", "objectsOf": "p"}[kind]
                cache[key] = bool(store.query(_TARGET_ASK[kind], substitutions={
                    ox.Variable("this"): node, ox.Variable(var): ox.NamedNode(iri)}, use_default_graph_as_union=True))
        if cache[key]:
            return True
    return False


def _fill(template: str, row, names: list[str]) -> str:
    """``{?value}``/``{$this}`` in a SHACL message, from one solution (SHACL §5.3.2)."""
    def sub(m):
        name = "this" if m.group(1) == "$this" else m.group(1)[1:]
        term = row[name] if name in names else None
        return term.value if term is not None else m.group(0)
    return re.sub(r"\{([?$][A-Za-z_][A-Za-z0-9_]*)\}", sub, template)


def graph_checks(store: ox.Store, *, settings: Settings | None = None, shapes: Graph | None = None) -> Report:
    """Run the SHACL-SPARQL constraints of ``shapes/`` once over ``store`` (named graphs as union).

    >>> st = ox.Store()
    >>> graph_checks(st).conforms
    True
    """
    shapes = shapes if shapes is not None else all_shapes(settings)
    report = Report()
    cache: dict = {}
    for chk in sparql_checks(shapes):
        if not chk.targets:
            continue
        res = store.query(chk.query, use_default_graph_as_union=True)
        names = [v.value for v in res.variables]
        for row in res:
            this = row["this"]
            if this is None or not _is_focus(store, this, chk.targets, cache):
                continue
            value = row["value"] if "value" in names else None
            msg = chk.message or (row["message"].value if "message" in names and row["message"] is not None
                                  else "constraint not met")
            report.results.append(Result(chk.severity, this.value, _fill(msg, row, names),
                                         row["path"].value if "path" in names and row["path"] is not None else None,
                                         value.value if value is not None else None, chk.shape, source="check",
                                         component=str(SH.SPARQLConstraintComponent)))
    report.results.sort(key=lambda r: (r.severity != "violation", r.shape or "", r.focus, r.value or ""))
    return report


# ------------------------------------------------------------------------------------------
# SHACL Core compiled to SPARQL, run in pyoxigraph (pipeline/shacl_sparql.py)


_COMPILED: dict = {}


def compiled_checks(settings: Settings | None = None, shapes: Graph | None = None) -> list:
    """The SHACL Core shapes of ``shapes/`` compiled to SPARQL (cached per shapes directory).

    Raises :class:`pipeline.shacl_sparql.UnsupportedShape` if a shape uses a component the
    compiler does not know: then keep using :func:`shacl` (pyshacl).
    """
    from .shacl_sparql import compile_shapes
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
    from .shacl_sparql import run
    checks = checks if checks is not None else compiled_checks(settings, shapes)
    report = run(store, checks, graphs=graphs)
    _add_lines(store, report, graphs)
    report.results.sort(key=lambda r: (r.severity != "violation", r.line or 0, r.focus))
    return report


def _add_lines(store: ox.Store, report: Report, graphs) -> None:
    from .shacl_sparql import _graphs_arg
    iris = sorted({r.focus for r in report.results if r.focus.startswith(("http://", "https://", "urn:"))})
    lines: dict[str, int] = {}
    for i in range(0, len(iris), 500):
        values = " ".join(f"<{x}>" for x in iris[i:i + 500])
        q = f"SELECT ?this ?line WHERE {{ VALUES ?this {{ {values} }} ?this <{RG.lineStart}> ?line }}"
        for row in store.query(q, **_graphs_arg(graphs)):
            try:
                lines.setdefault(row["this"].value, int(row["line"].value))
            except ValueError:
                pass
    for r in report.results:
        r.line = lines.get(r.focus)


# ------------------------------------------------------------------------------------------
# The report as linked data (issue 4, item 7)

#: finding kinds that are about a reference the reader cannot follow
REFERENCE_FINDINGS = ("unresolved-reference", "ambiguous-reference", "dangling-reference", "unknown-sdg")

_SEVERITY_IRI = {v: k for k, v in SEVERITY.items()}


def finding_results(graph: Graph, doc=None, *, settings: Settings) -> list[Result]:
    """The finding records (``rg:Finding``) of one document graph as report results.

    ``focus`` is the finding record's URI, so the published report links to it.  The graph
    does not say a finding's severity; it is taken from ``doc`` (the parsed
    :class:`~pipeline.model.SourceDocument`), whose findings the mapping numbers first and
    in order (``URIs.finding(slug, n)``); findings the mapping adds and records whose
    ``doc`` is not given are warnings.

    ``graph`` may also be the :class:`pipeline.mapping.Mapper` that mapped the document (the
    build): then only the triples about the finding records become rdflib terms.
    """
    from .uris import URIs
    from .vocab import concept
    if not isinstance(graph, Graph):
        # every triple read below is about a finding record: rg:Finding, or numbered after doc's findings
        about = set(graph.subjects_of_type(str(RG.Finding)))
        if doc is not None:
            about.update(URIs(settings.base).finding(doc.slug, n) for n in range(1, len(doc.findings) + 1))
        graph = graph.graph(about)
    sev: dict[str, str] = {}
    if doc is not None:
        u = URIs(settings.base)
        for n, f in enumerate(doc.findings, start=1):
            fu = URIRef(u.finding(doc.slug, n))
            if graph.value(fu, RG.findingKind) == concept("finding-kind", f.kind):
                sev[str(fu)] = f.severity
    out = []
    for f in graph.subjects(RDF.type, RG.Finding):
        kind = graph.value(f, RG.findingKind)
        msg = graph.value(f, RG.message)
        quote = graph.value(f, RG.quote)
        kind_code = str(kind).rsplit("/", 1)[-1] if kind is not None else "finding"
        out.append(Result(sev.get(str(f), "warning"), str(f), f"{kind_code}: {msg}" if msg is not None else kind_code,
                          line=_line(graph, f), quote=str(quote) if quote is not None else None, source="finding"))
    out.sort(key=lambda r: (r.line or 0, r.focus))
    return out


def results_by_document(results, store: ox.Store, *, settings: Settings) -> dict[str, list[Result]]:
    """Whole-dataset results (the graph checks) given to each document whose graph describes
    their focus node (a UN document cited by two documents: both)."""
    from .uris import URIs
    prefix = URIs(settings.base).document_graph("")
    results = list(results)
    focus = sorted({r.focus for r in results if r.focus.startswith(("http://", "https://", "urn:"))})
    where: dict[str, set[str]] = {}
    for i in range(0, len(focus), 500):
        values = " ".join(str(ox.NamedNode(x)) for x in focus[i:i + 500])   # pyoxigraph writes the IRIs
        q = f"SELECT DISTINCT ?this ?g WHERE {{ VALUES ?this {{ {values} }} GRAPH ?g {{ ?this ?p ?o }} }}"
        for row in store.query(q):
            g = row["g"].value
            if g.startswith(prefix):
                where.setdefault(row["this"].value, set()).add(g[len(prefix):])
    out: dict[str, list[Result]] = {}
    for r in results:
        for slug in sorted(where.get(r.focus, ())):
            out.setdefault(slug, []).append(r)
    return out


def _result_key(r: Result) -> str:
    import hashlib
    parts = (r.source, r.focus, r.path or "", r.value or "", r.shape or "", r.component or "", r.severity, r.message)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _is_iri(text: str) -> bool:
    return text.startswith(("http://", "https://", "urn:"))


def _node(text: str):
    return URIRef(text) if _is_iri(text) else Literal(text)


def report_graph(slug: str, results, *, settings: Settings) -> Graph:
    """One document's validation report as RDF: a ``sh:ValidationReport`` (SHACL §3.6).

    ``<…/id/report/{slug}>`` is a ``sh:ValidationReport`` with ``sh:conforms`` (no
    violation among ``results``), ``prov:wasDerivedFrom`` the source document and one
    ``sh:result`` per distinct result: a ``sh:ValidationResult`` with ``sh:focusNode`` (the
    resource the result is about — a clause, a citation record, or, for findings, our
    ``rg:Finding`` record), ``sh:resultSeverity``, ``sh:resultMessage``, and where known
    ``sh:resultPath``, ``sh:value``, ``sh:sourceShape``, ``sh:sourceConstraintComponent``.
    Source lines and quotes stay on the focus nodes (``rg:lineStart``, ``rg:quote``).

    No blank nodes: the report and each result are named by :meth:`URIs.report`, a result
    by a digest of its content, so the same results give the same graph in every build.
    ``sh:value`` is an IRI when it reads as one (``Result`` keeps terms as text).
    """
    from .uris import URIs
    u = URIs(settings.base)
    doc = URIRef(u.document(slug))
    rep = URIRef(u.report(slug))
    results = list(results)
    g = Graph()
    g.bind("sh", SH)
    g.add((rep, RDF.type, SH.ValidationReport))
    g.add((rep, SH.conforms, Literal(not any(r.severity == "violation" for r in results))))
    g.add((rep, PROV.wasDerivedFrom, doc))
    g.add((rep, RDFS.label, Literal(f"Validation report of {slug}", lang="en")))
    for r in results:
        node = URIRef(u.report(slug, _result_key(r)))
        g.add((rep, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        focus = r.focus if _is_iri(r.focus) else str(doc)
        g.add((node, SH.focusNode, URIRef(focus)))
        g.add((node, SH.resultSeverity, _SEVERITY_IRI[r.severity]))
        g.add((node, SH.resultMessage, Literal(r.message, lang="en")))
        if r.path and _is_iri(r.path):
            g.add((node, SH.resultPath, URIRef(r.path)))
        if r.value is not None:
            g.add((node, SH.value, _node(r.value)))
        if r.shape and _is_iri(r.shape):     # a blank-node shape has no name to publish
            g.add((node, SH.sourceShape, URIRef(r.shape)))
        if r.component and _is_iri(r.component):
            g.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
    return g


def report_quads(per_document: dict[str, list[Result]], *, settings: Settings):
    """The report of each document as quads in its own named graph, ``<…/id/report/{slug}>``
    (drop and rewrite it whenever the document or the graph checks change)."""
    from . import store as store_mod
    from .uris import URIs
    u = URIs(settings.base)
    for slug in sorted(per_document):
        yield from store_mod.graph_quads(report_graph(slug, per_document[slug], settings=settings), u.report(slug))
