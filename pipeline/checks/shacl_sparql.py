"""SHACL Core shapes compiled to SPARQL ``SELECT`` queries and run in pyoxigraph.

pyshacl is the reference validator (``pipeline.validate.shacl``); it needs an rdflib
Graph and walks it focus node by focus node (≈1.2 s per seed-sized document, minutes at
1M triples).  This module turns each constraint component of each shape of
``shapes/*.ttl`` into one SPARQL query that finds *all* its violations at once, and runs
them over a pyoxigraph store: the whole dataset or a chosen set of named graphs (give the
ontology graph too: ``sh:class`` and ``sh:targetClass`` follow ``rdfs:subClassOf*``, as
pyshacl does when the ontology is mixed into the data graph).

Results are :class:`pipeline.validate.Result` records with the same (focus, path, value,
source shape, severity, message) as pyshacl reports them; ``tests/test_shacl_compiled.py``
compares the two on the seed, on every fixture of ``tests/test_shapes.py`` and on
mutated copies of the seed.

Supported (SHACL §4, Core):

* targets: ``sh:targetClass`` (instances of the class or a subclass), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets (a shape that is
  also an ``rdfs:Class``/``owl:Class``);
* paths: predicate paths (an IRI) — any other path raises :class:`UnsupportedShape`;
* value type: ``sh:class``, ``sh:datatype`` (lexical form checked for the XSD types
  pyoxigraph can cast), ``sh:nodeKind``; string: ``sh:pattern`` (+ ``sh:flags``),
  ``sh:minLength``, ``sh:maxLength``; ``sh:languageIn``, ``sh:uniqueLang``;
  cardinality: ``sh:minCount``, ``sh:maxCount``; logical: ``sh:not``, ``sh:and``,
  ``sh:or``, ``sh:xone``; shape-based: ``sh:node``, ``sh:property``; other: ``sh:in``,
  ``sh:hasValue``; ``sh:severity``, ``sh:message``, ``sh:deactivated``.
* ``sh:sparql`` is left to :func:`pipeline.validate.graph_checks` (skipped here on purpose,
  not silently: that function runs those constraints; ``compile_shapes(…, sparql="raise")``
  refuses them instead).

Speed: one query per constraint component, except ``sh:minCount`` with ``sh:maxCount`` on
one path (one ``GROUP BY`` for both); instance-of tests use the subclasses read once from
the store (``VALUES``) instead of a property path per node.  pyoxigraph evaluates the
union default graph about twice as fast as a list of named graphs, so validate before
inference, over the union, when the store holds only what pyshacl would see.

Anything else in the SHACL namespace on a shape (``sh:equals``, ``sh:closed``,
``sh:qualifiedValueShape``, a sequence path …) raises :class:`UnsupportedShape` when
the shapes are compiled, never at run time and never by skipping.  A shape that reports
results must carry ``sh:message``: pyshacl's generated default messages are not
reproduced (all of ours have one).

Blank nodes: our document graphs have none (the build skolemises the ontology); a blank
focus node or value is reported by its label (``BlankNode.value``), which is the rdflib
``BNode`` id when the graph was loaded with :func:`pipeline.rdf.triples.graph_quads`, so the
records compare equal to pyshacl's.  Nested shapes (``[ sh:class … ]`` inside ``sh:or``)
may be blank nodes: they are inlined into the query and never reported.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from ..store import query_options
from .report import SEVERITY  # noqa: F401  (one table for every validator)

TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
#: stands in a compiled query for "node is an instance of class", filled in by
#: :func:`instantiate` from the validated graphs: ``?x a ?t VALUES ?t {subclasses}`` is much
#: faster in pyoxigraph than the path ``rdf:type/rdfs:subClassOf*`` evaluated per node, and
#: means the same (the path is kept when a subclass is a blank node, which VALUES cannot hold)
ISA = "%%ISA {node} {var} <{cls}>%%"
ISA_RE = re.compile(r"%%ISA (\S+) (\S+) <([^>]*)>%%")


class UnsupportedShape(ValueError):
    """A shape uses something the compiler cannot translate (raised at compile time)."""


#: SHACL predicates on a shape that are not constraints (or are handled elsewhere)
NOT_CONSTRAINTS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property,
                   SH.path, SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order,
                   SH.group, SH.defaultValue, SH.flags, SH.sparql, SH.declare, SH.prefixes}
#: constraint components whose condition is a test of one value node
VALUE_COMPONENTS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.minLength, SH.maxLength,
                    SH.languageIn, SH["in"], SH["not"], SH["and"], SH["or"], SH.xone, SH.node}
#: every component the compiler knows
COMPONENTS = VALUE_COMPONENTS | {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang}

#: XSD datatypes whose lexical form pyoxigraph checks with a cast (ill-typed → error)
CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime, XSD.date,
            XSD.time, XSD.gYear, XSD.gYearMonth, XSD.duration}

COMPONENT_IRI = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH["not"]: SH.NotConstraintComponent, SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH.xone: SH.XoneConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
}


@dataclass(frozen=True)
class CoreCheck:
    """One constraint component of one shape, as one SPARQL ``SELECT ?this [?value]``."""

    shape: str                  # the source shape (sh:sourceShape)
    component: str              # sh:sourceConstraintComponent
    severity: str               # violation | warning | info
    message: str
    path: str | None            # sh:resultPath (a predicate path), None for node shapes
    value: bool                 # whether the query projects ?value (sh:value)
    query: str
    counts: tuple | None = None  # (sh:minCount, sh:maxCount) checked together: ``component`` unused,
                                 # the query projects ?_n, the number of values


# ------------------------------------------------------------- terms ---

def _str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _term(t) -> str:
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        if t.language:
            return f"{_str(str(t))}@{t.language}"
        return f"{_str(str(t))}^^<{t.datatype or XSD.string}>"
    raise UnsupportedShape(f"cannot write {t!r} in a query (blank node as a constraint value)")


def _true(g: Graph, node, pred) -> bool:
    v = g.value(node, pred)
    return v is not None and bool(v.toPython()) is True


# ----------------------------------------------------------- compiler ---

class Compiler:
    def __init__(self, shapes: Graph, sparql: str = "delegate"):
        self.g = shapes
        self.sparql = sparql
        self._n = itertools.count()

    def var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._n)}"

    def list_of(self, node) -> list:
        return list(Collection(self.g, node))

    # -- what a shape says -------------------------------------------------
    def components(self, shape) -> list[tuple]:
        """(component predicate, object) pairs of ``shape``; raises on anything unknown."""
        out = []
        for p, o in self.g.predicate_objects(shape):
            if not str(p).startswith(str(SH)):
                continue
            if p == SH.sparql and self.sparql != "delegate":
                raise UnsupportedShape(f"{shape}: sh:sparql is run by validate.graph_checks, not compiled here")
            if p in NOT_CONSTRAINTS:
                if p == SH.flags and self.g.value(shape, SH.pattern) is None:
                    raise UnsupportedShape(f"{shape}: sh:flags without sh:pattern")
                continue
            if p not in COMPONENTS:
                raise UnsupportedShape(f"{shape}: constraint component {p} is not supported by the SPARQL compiler")
            out.append((p, o))
        return sorted(out, key=lambda po: (str(po[0]), str(po[1])))

    def path(self, shape) -> str | None:
        p = self.g.value(shape, SH.path)
        if p is None:
            return None
        if not isinstance(p, URIRef):
            raise UnsupportedShape(f"{shape}: only predicate paths (an IRI) are supported, not {p!r}")
        return str(p)

    # -- conditions on one value node ---------------------------------------
    def value_cond(self, shape, comp, obj, v: str) -> str:
        """A SPARQL expression, true when value node ``v`` meets ``comp obj`` (never an error)."""
        g = self.g
        if comp == SH["class"]:
            if not isinstance(obj, URIRef):
                raise UnsupportedShape(f"{shape}: sh:class needs an IRI, not {obj!r}")
            return f"EXISTS {{ {ISA.format(node=v, var=self.var('t'), cls=obj)} }}"
        if comp == SH.datatype:
            if obj == RDF.langString:
                return f"(isLiteral({v}) && langMatches(lang({v}), \"*\"))"
            cond = f"isLiteral({v}) && sameTerm(datatype({v}), {_term(obj)}) && lang({v}) = \"\""
            if obj in CASTABLE:
                cond += f" && COALESCE(STRLEN(STR(<{obj}>({v}))) >= 0, false)"
            return f"({cond})"
        if comp == SH.nodeKind:
            kinds = {SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})", SH.Literal: f"isLiteral({v})",
                     SH.BlankNodeOrIRI: f"(isIRI({v}) || isBlank({v}))",
                     SH.BlankNodeOrLiteral: f"(isBlank({v}) || isLiteral({v}))",
                     SH.IRIOrLiteral: f"(isIRI({v}) || isLiteral({v}))"}
            if obj not in kinds:
                raise UnsupportedShape(f"{shape}: unknown sh:nodeKind {obj}")
            return kinds[obj]
        if comp == SH.pattern:
            flags = g.value(shape, SH.flags)
            args = f"STR({v}), {_str(str(obj))}" + (f", {_str(str(flags))}" if flags is not None else "")
            return f"(!isBlank({v}) && COALESCE(REGEX({args}), false))"
        if comp == SH.minLength:
            return f"(!isBlank({v}) && STRLEN(STR({v})) >= {int(obj)})"
        if comp == SH.maxLength:
            return f"(!isBlank({v}) && STRLEN(STR({v})) <= {int(obj)})"
        if comp == SH.languageIn:
            tags = [str(t) for t in self.list_of(obj)]
            ors = " || ".join(f"langMatches(lang({v}), {_str(t)})" for t in tags) or "false"
            return f"(isLiteral({v}) && ({ors}))"
        if comp == SH["in"]:
            items = self.list_of(obj)
            return "(" + (" || ".join(f"sameTerm({v}, {_term(i)})" for i in items) or "false") + ")"
        if comp == SH["not"]:
            return f"!({self.conforms(obj, v)})"
        if comp == SH["and"]:
            return "(" + " && ".join(self.conforms(s, v) for s in self.list_of(obj)) + ")"
        if comp == SH["or"]:
            return "(" + " || ".join(self.conforms(s, v) for s in self.list_of(obj)) + ")"
        if comp == SH.xone:
            conds = [self.conforms(s, v) for s in self.list_of(obj)]
            alts = [" && ".join(c if i == j else f"!({c})" for j, c in enumerate(conds)) for i in range(len(conds))]
            return "(" + " || ".join(f"({a})" for a in alts) + ")"
        if comp == SH.node:
            return self.conforms(obj, v)
        raise UnsupportedShape(f"{shape}: {comp} is not a value constraint")  # pragma: no cover

    def distinct(self, x: str, path: str, n: int) -> tuple[str, list[str]]:
        """A pattern binding ``n`` pairwise distinct values of ``x path``."""
        vs = [self.var() for _ in range(n)]
        pat = " . ".join(f"{x} <{path}> {w}" for w in vs)
        diff = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2))
        return pat + (f" FILTER ({diff})" if diff else ""), vs

    def conforms(self, shape, x: str) -> str:
        """A SPARQL expression, true when node ``x`` conforms to ``shape`` (nested shapes)."""
        if _true(self.g, shape, SH.deactivated):
            return "true"
        conds = []
        path = self.path(shape)
        for comp, obj in self.components(shape):
            if path is None:
                if comp in VALUE_COMPONENTS:
                    conds.append(self.value_cond(shape, comp, obj, x))
                elif comp == SH.hasValue:
                    conds.append(f"sameTerm({x}, {_term(obj)})")
                else:
                    raise UnsupportedShape(f"{shape}: {comp} needs sh:path")
                continue
            if comp in VALUE_COMPONENTS:
                w = self.var()
                conds.append(f"NOT EXISTS {{ {x} <{path}> {w} FILTER (!({self.value_cond(shape, comp, obj, w)})) }}")
            elif comp == SH.minCount:
                n = int(obj)
                if n > 0:
                    pat, _ = self.distinct(x, path, n)
                    conds.append(f"EXISTS {{ {pat} }}")
            elif comp == SH.maxCount:
                pat, _ = self.distinct(x, path, int(obj) + 1)
                conds.append(f"NOT EXISTS {{ {pat} }}")
            elif comp == SH.hasValue:
                conds.append(f"EXISTS {{ {x} <{path}> {_term(obj)} }}")
            elif comp == SH.uniqueLang:
                if _true(self.g, shape, SH.uniqueLang):
                    a, b = self.var(), self.var()
                    conds.append(f"NOT EXISTS {{ {x} <{path}> {a}, {b} FILTER (!sameTerm({a}, {b}) && "
                                 f"lang({a}) != \"\" && lang({a}) = lang({b})) }}")
        for ps in self.g.objects(shape, SH.property):
            conds.append(self.conforms(ps, x))
        return "(" + " && ".join(conds) + ")" if conds else "true"

    # -- reporting shapes ----------------------------------------------------
    def targets(self, shape) -> list[tuple[str, str]]:
        g = self.g
        out = [("class", str(o)) for o in g.objects(shape, SH.targetClass)]
        if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
            out.append(("class", str(shape)))
        out += [("node", _term(o)) for o in g.objects(shape, SH.targetNode)]
        out += [("subjectsOf", str(o)) for o in g.objects(shape, SH.targetSubjectsOf)]
        out += [("objectsOf", str(o)) for o in g.objects(shape, SH.targetObjectsOf)]
        return sorted(set(out))

    @staticmethod
    def focus_pattern(targets: Iterable[tuple[str, str]]) -> str:
        alts = []
        for kind, t in targets:
            if kind == "class":
                alts.append(f"{{ {ISA.format(node='?this', var='?_tc', cls=t)} }}")
            elif kind == "node":
                alts.append(f"{{ VALUES ?this {{ {t} }} }}")
            elif kind == "subjectsOf":
                alts.append(f"{{ ?this <{t}> ?_o }}")
            else:
                alts.append(f"{{ ?_s <{t}> ?this }}")
        # no DISTINCT sub-select: every query below is written so that a focus node met twice
        # (an instance of two target classes) gives the same results, and :func:`run` drops
        # repeated rows; a sub-select would make pyoxigraph materialise the focus set per query
        return "{ " + " UNION ".join(alts) + " }"

    def report_checks(self, shape, focus: str) -> list[CoreCheck]:
        """The queries that report the results of ``shape`` on the focus nodes of ``focus``."""
        g = self.g
        if _true(g, shape, SH.deactivated):
            return []
        comps = self.components(shape)
        out: list[CoreCheck] = []
        path = self.path(shape)
        sev = SEVERITY.get(g.value(shape, SH.severity), "violation")
        if g.value(shape, SH.severity) is not None and g.value(shape, SH.severity) not in SEVERITY:
            raise UnsupportedShape(f"{shape}: unknown severity {g.value(shape, SH.severity)}")
        msgs = list(g.objects(shape, SH.message))
        if comps and not msgs:
            raise UnsupportedShape(f"{shape}: a shape that reports results needs sh:message "
                                   "(pyshacl's generated messages are not reproduced)")
        if len(msgs) > 1:
            raise UnsupportedShape(f"{shape}: more than one sh:message")
        msg = str(msgs[0]) if msgs else ""

        def add(comp, query, value, counts=None):
            out.append(CoreCheck(str(shape), str(COMPONENT_IRI[comp]), sev, msg, path, value, query, counts))

        # sh:minCount and sh:maxCount of one path: one GROUP BY query for both (one pass over
        # the values instead of two)
        cards = {c: int(o) for c, o in comps if c in (SH.minCount, SH.maxCount)}
        together = path is not None and SH.minCount in cards and SH.maxCount in cards
        if together:
            mn, mx = cards[SH.minCount], cards[SH.maxCount]
            add(SH.maxCount, f"SELECT ?this (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ {focus} "
                             f"OPTIONAL {{ ?this <{path}> ?_v }} }} GROUP BY ?this "
                             f"HAVING (COUNT(DISTINCT ?_v) < {mn} || COUNT(DISTINCT ?_v) > {mx})",
                False, counts=(mn, mx))

        for comp, obj in comps:
            if path is None:
                if comp in VALUE_COMPONENTS:
                    cond = self.value_cond(shape, comp, obj, "?this")
                elif comp == SH.hasValue:
                    cond = f"sameTerm(?this, {_term(obj)})"
                else:
                    raise UnsupportedShape(f"{shape}: {comp} on a node shape (needs sh:path)")
                add(comp, f"SELECT DISTINCT ?this (?this AS ?value) WHERE {{ {focus} FILTER (!({cond})) }}", True)
                continue
            p = f"<{path}>"
            if comp in VALUE_COMPONENTS:
                cond = self.value_cond(shape, comp, obj, "?value")
                add(comp, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {p} ?value . "
                          f"FILTER (!({cond})) }}", True)
            elif comp in (SH.minCount, SH.maxCount) and together:
                continue
            elif comp == SH.minCount:
                n = int(obj)
                if n == 1:
                    add(comp, f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?_v }} }}", False)
                elif n > 1:
                    add(comp, f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?_v }} }} "
                              f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {n})", False)
            elif comp == SH.maxCount:
                m = int(obj)
                if m == 0:
                    add(comp, f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {p} ?_v }}", False)
                else:
                    add(comp, f"SELECT ?this WHERE {{ {focus} ?this {p} ?_v }} "
                              f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {m})", False)
            elif comp == SH.hasValue:
                add(comp, f"SELECT DISTINCT ?this WHERE {{ {focus} "
                          f"FILTER NOT EXISTS {{ ?this {p} {_term(obj)} }} }}", False)
            elif comp == SH.uniqueLang:
                if _true(g, shape, SH.uniqueLang):
                    # one result per focus node and duplicated language (SHACL §4.5.4)
                    add(comp, f"SELECT DISTINCT ?this ?_lang WHERE {{ {focus} ?this {p} ?_a, ?_b . "
                              f"FILTER (!sameTerm(?_a, ?_b) && lang(?_a) != \"\" && lang(?_a) = lang(?_b)) "
                              f"BIND (lang(?_a) AS ?_lang) }}", False)
        for ps in g.objects(shape, SH.property):
            out.extend(self.report_checks(ps, focus))
        return out


def compile_shapes(shapes: Graph, *, sparql: str = "delegate") -> list[CoreCheck]:
    """Every SHACL Core constraint of the shapes that have targets, as SPARQL queries.

    Raises :class:`UnsupportedShape` for anything the compiler cannot translate.
    ``sparql="delegate"`` (default) leaves ``sh:sparql`` constraints to
    :func:`pipeline.validate.graph_checks`, which must then run too; ``sparql="raise"``
    refuses them, for callers that run nothing else.
    Constraints reached from several node shapes (a shared property shape) are compiled
    once per node shape; :func:`run` removes the duplicate results.
    """
    if sparql not in ("delegate", "raise"):
        raise ValueError(f"sparql must be 'delegate' or 'raise', not {sparql!r}")
    c = Compiler(shapes, sparql)
    tgt_preds = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    roots = {s for p in tgt_preds for s in shapes.subjects(p, None)}
    roots |= {s for s in shapes.subjects(RDF.type, SH.NodeShape)
              if (s, RDF.type, RDFS.Class) in shapes or (s, RDF.type, OWL.Class) in shapes}
    out = []
    for shape in sorted(roots, key=str):
        if isinstance(shape, BNode):
            raise UnsupportedShape(f"a shape with targets must be named (got blank node {shape})")
        targets = c.targets(shape)
        out.extend(c.report_checks(shape, c.focus_pattern(targets)))
    # every shape in the graph must be reachable or raise: compile the unreachable ones too,
    # so that an unsupported component anywhere is reported at compile time
    for s in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(RDF.type, SH.NodeShape)):
        c.components(s)
        c.path(s)
    return out


def _graphs_arg(graphs, store: ox.Store | None = None) -> dict:
    if graphs is None:
        return query_options(store) if store is not None else {"use_default_graph_as_union": True}
    return {"default_graph": [g if isinstance(g, (ox.NamedNode, ox.BlankNode, ox.DefaultGraph)) else ox.NamedNode(g)
                              for g in graphs]}


def instantiate(store: ox.Store, checks: list[CoreCheck], *, graphs=None) -> list[tuple[CoreCheck, str]]:
    """Each check with its query ready to run: the subclasses of each class it names, read
    from the validated graphs (``rdfs:subClassOf*``), written in place of each :data:`ISA`."""
    kw = _graphs_arg(graphs, store)
    subclasses: dict[str, str | None] = {}

    def isa(m: re.Match) -> str:
        node, var, iri = m.groups()
        if iri not in subclasses:
            q = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{iri}> }}"
            rows = [r["c"] for r in store.query(q, **kw)]
            subclasses[iri] = (None if any(not isinstance(c, ox.NamedNode) for c in rows)
                               else " ".join(sorted({f"<{c.value}>" for c in rows} | {f"<{iri}>"})))
        if subclasses[iri] is None:
            return f"{node} {TYPE_PATH} <{iri}>"
        return f"{node} <{RDF.type}> {var} VALUES {var} {{ {subclasses[iri]} }}"

    def fill(query: str) -> str:
        return ISA_RE.sub(isa, query)

    return [(c, fill(c.query)) for c in checks]


def run(store: ox.Store, checks: list[CoreCheck], *, graphs=None):
    """Run compiled checks over ``store``; ``graphs``: the named graphs to validate (their
    union; include the ontology graph), default every graph of the store.

    Returns a :class:`pipeline.validate.Report` (results with ``source="shacl"``).
    """
    from .report import Report, Result

    kw = _graphs_arg(graphs, store)
    seen = set()
    report = Report()
    for chk, query in instantiate(store, checks, graphs=graphs):
        for row in store.query(query, **kw):
            this = row["this"]
            if chk.counts is not None:
                n, (mn, mx) = int(row["_n"].value), chk.counts
                for comp, broken in ((SH.MinCountConstraintComponent, n < mn),
                                     (SH.MaxCountConstraintComponent, n > mx)):
                    key = (chk.shape, str(comp), this.value, None, chk.path)
                    if broken and key not in seen:
                        seen.add(key)
                        report.results.append(Result(chk.severity, this.value, chk.message, chk.path, None, chk.shape,
                                                     source="shacl", component=str(comp)))
                continue
            value = row["value"].value if chk.value else None
            key = (chk.shape, chk.component, this.value, value, chk.path)
            if key in seen and chk.component != str(SH.UniqueLangConstraintComponent):
                continue
            seen.add(key)
            report.results.append(Result(chk.severity, this.value, chk.message, chk.path, value, chk.shape,
                                         source="shacl", component=chk.component))
    report.results.sort(key=lambda r: (r.severity != "violation", r.shape or "", r.focus, r.value or ""))
    return report
