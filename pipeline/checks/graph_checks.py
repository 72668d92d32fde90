"""Checks that span the whole graph: the SHACL-SPARQL constraints (``sh:sparql``, SHACL §5) of
``shapes/*.ttl``, run once per store.

pyshacl would run each of them once per focus node (34 s for 10k triples); :func:`graph_checks`
instead runs each ``SELECT`` once over the whole store in pyoxigraph with ``$this`` unbound, then
keeps the solutions whose ``$this`` is a focus node of the shape.  That equals pre-binding (SHACL
§5.2.1) for queries in which ``$this`` occurs in the top-level group pattern (the convention of
``shapes/graph-checks.ttl``); ``tests/test_shapes.py`` checks that pyshacl reports the same results
on the fixtures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from ..settings import Settings
from ..store import query_options
from .report import SEVERITY, Report, Result
from .shacl import all_shapes


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
                    ox.Variable("this"): node, ox.Variable(var): ox.NamedNode(iri)}, **query_options(store)))
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
        res = store.query(chk.query, **query_options(store))
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
