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

Severity is used on purpose: ``sh:Violation`` is a defect of our own output and
blocks publishing; ``sh:Warning``/``sh:Info`` are findings about the sources.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from .settings import Settings
from .vocab import RG, ontology_graph

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


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
        line = data.value(focus, RG.lineStart) if focus is not None else None
        report.results.append(Result(sev, str(focus), str(msg) if msg else "constraint not met",
                                     str(path) if path else None, str(val) if val is not None else None,
                                     str(rg.value(r, SH.sourceShape)), int(line) if line is not None else None))
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


_TARGET_QUERIES = {
    # SHACL §2.1.3.3: instances of the class or of any of its subclasses
    # (pyoxigraph binds substituted variables only when they are projected)
    "class": "SELECT DISTINCT ?this ?t WHERE { ?this <%s>/<%s>* ?t }" % (RDF.type, RDFS.subClassOf),
    "subjectsOf": "SELECT DISTINCT ?this ?p WHERE { ?this ?p ?o }",
    "objectsOf": "SELECT DISTINCT ?this ?p WHERE { ?s ?p ?this }",
}


def _focus_nodes(store: ox.Store, targets: tuple, cache: dict) -> set:
    out = set()
    for kind, iri in targets:
        key = (kind, iri)
        if key not in cache:
            if kind == "node":
                cache[key] = {ox.NamedNode(iri)}
            else:
                var = {"class": "t", "subjectsOf": "p", "objectsOf": "p"}[kind]
                cache[key] = {row["this"] for row in store.query(
                    _TARGET_QUERIES[kind], substitutions={ox.Variable(var): ox.NamedNode(iri)},
                    use_default_graph_as_union=True)}
        out |= cache[key]
    return out


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
        focus = _focus_nodes(store, chk.targets, cache)
        if not focus:
            continue
        res = store.query(chk.query, use_default_graph_as_union=True)
        names = [v.value for v in res.variables]
        for row in res:
            this = row["this"]
            if this not in focus:
                continue
            value = row["value"] if "value" in names else None
            msg = chk.message or (row["message"].value if "message" in names and row["message"] is not None
                                  else "constraint not met")
            report.results.append(Result(chk.severity, this.value, _fill(msg, row, names),
                                         row["path"].value if "path" in names and row["path"] is not None else None,
                                         value.value if value is not None else None, chk.shape, source="check"))
    report.results.sort(key=lambda r: (r.severity != "violation", r.shape or "", r.focus, r.value or ""))
    return report
