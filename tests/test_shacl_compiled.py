"""SHACL Core compiled to SPARQL (pipeline/checks/shacl_sparql.py) reports exactly what pyshacl reports.

pyshacl (:func:`pipeline.checks.shacl`) is the reference.  Each test validates the same
triples both ways and compares the result records as sets of
(focus, path, value, source shape, severity, message, constraint component); each also
asserts the results are non-empty where the graph violates a shape, so "equal" cannot
mean "both silent".  Graphs: the fixtures of tests/test_shapes.py, the seed document's
graph, the seed with defects put in by hand, and the published seed store.
"""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, SKOS, XSD

from pipeline.settings import Settings
from pipeline.checks.shacl_sparql import UnsupportedShape, compile_shapes
from pipeline.rdf.uris import URIs
from pipeline.checks import all_shapes, compiled_checks, shacl, shacl_store, shapes_graph
from pipeline.rdf.vocab import RG, ontology_graph
from test_shapes import EXPECTED, RGS, data, short
from pipeline.rdf.triples import graph_quads

BASE = "http://127.0.0.1:8000/"   # the seed fixtures' base (tests/conftest.py)

ELI = "http://data.europa.eu/eli/ontology#"
SETTINGS = Settings(base=BASE)
DOC, ONTO = "urn:x-test:doc", "urn:x-test:ontology"


@pytest.fixture(scope="module")
def env():
    core = shapes_graph(SETTINGS)
    return {"core": core, "onto": ontology_graph(), "checks": compile_shapes(core)}


def key(r) -> tuple:
    return (r.focus, r.path, r.value, r.shape, r.severity, r.message, r.component)


def both(g: Graph, env) -> tuple[set, set]:
    """(pyshacl's results, the compiled validator's results) on ``g`` + ontology."""
    theirs = {key(r) for r in shacl(g, settings=SETTINGS, shapes=env["core"], ontology=env["onto"]).results}
    st = ox.Store()
    st.extend(graph_quads(g, DOC))
    st.extend(graph_quads(env["onto"], ONTO))
    st.extend(graph_quads(Graph().parse(data=f"<urn:x:s> <{RDF.type}> <{RG.Clause}> .", format="nt"),
                                    "urn:x-test:elsewhere"))  # a defective node outside the validated graphs
    ours = {key(r) for r in shacl_store(st, graphs=[DOC, ONTO], checks=env["checks"]).results}
    return theirs, ours


SPARQL_SHAPES = {short(str(s), RGS) for s, _ in all_shapes(SETTINGS).subject_objects(SH.sparql)}


@pytest.mark.parametrize("name", [None] + sorted(EXPECTED))
def test_fixture_graphs(env, name):
    theirs, ours = both(data(name), env)
    assert ours == theirs
    # the SHACL Core rows tests/test_shapes.py expects, read by hand
    core_rows = sorted(r for r in EXPECTED.get(name, []) if r[1] not in SPARQL_SHAPES)
    assert sorted({(sev, short(shape, RGS), short(focus, "http://example.org/id/"), msg)
                   for focus, _p, _v, shape, sev, msg, _c in ours}) == core_rows


@pytest.fixture(scope="module")
def seed_graph(seed_doc):
    from pipeline.mapping import map_document
    return map_document(seed_doc, settings=SETTINGS)


def test_seed_graph(env, seed_graph):
    theirs, ours = both(seed_graph, env)
    assert ours == theirs
    # the seed's deleted-by-tracked-change clauses are notes (SEED_FACTS.md); nothing else fires
    assert ours and {r[3] for r in ours} == {RGS + "DeletedClause-labelChange"}


def test_mutated_seed(env, seed_graph):
    """Defects put into a copy of the seed: each fires in both validators, identically."""
    g = Graph()
    g += seed_graph
    doc = next(g.subjects(RDF.type, RG.SourceDocument))
    clauses = sorted(g.subjects(RDF.type, RG.Clause))
    res = sorted(g.subjects(RDF.type, RG.Resolution))[0]
    ver = sorted(g.subjects(RDF.type, RG.ResolutionVersion))[0]
    concept = URIRef(BASE + "id/test/concept")
    g.remove((doc, DCTERMS.title, None))                                    # required title removed
    g.add((clauses[0], URIRef(ELI + "number"), Literal("zz")))              # a second label
    g.add((concept, RDF.type, RG.Body))                                     # two English prefLabels
    g.add((concept, SKOS.prefLabel, Literal("a", lang="en")))
    g.add((concept, SKOS.prefLabel, Literal("b", lang="en")))
    g.set((clauses[1], RG.lineStart, Literal(str(g.value(clauses[1], RG.lineStart)))))   # string, not integer
    g.set((clauses[2], RG.lineStart, Literal("abc", datatype=XSD.integer)))             # ill-typed integer
    g.set((ver, RG.year, Literal(2018)))                                    # integer, not xsd:gYear
    g.set((res, RG.body, clauses[3]))                                       # wrong class
    finding = BNode()                                                       # a blank focus node
    g.add((finding, RDF.type, RG.Finding))
    g.add((finding, RG.about, Literal("some text")))
    theirs, ours = both(g, env)
    assert ours == theirs
    fired = {(r[0], short(r[3], RGS)) for r in ours}
    for focus, shape in [(doc, "SourceDocument-title"), (clauses[0], "Clause-number"),
                         (concept, "Concept-prefLabel"), (clauses[1], "Clause-lineStart"),
                         (clauses[2], "Clause-lineStart"), (ver, "ResolutionVersion-year"),
                         (res, "Resolution-body"), (finding, "Finding-about"), (finding, "Finding-kind")]:
        assert (str(focus), shape) in fired


def test_published_seed_store(env, seed_store, seed_graph, seed_build):
    """On the published store (document graph + the skolemised ontology graph, not the
    inferred graph) the compiled shapes give what pyshacl gives on the document graph."""
    u = URIs(seed_build[1].base)
    slug = seed_build[0].docs[0].slug
    rep = shacl_store(seed_store, graphs=[u.document_graph(slug), u.ontology_graph], checks=env["checks"])
    theirs = {key(r) for r in shacl(seed_graph, settings=SETTINGS, shapes=env["core"], ontology=env["onto"]).results}
    assert {key(r) for r in rep.results} == theirs
    assert all(r.line for r in rep.results)   # every result keeps its source line


def _shapes(extra: str) -> Graph:
    return Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .\n""" + extra, format="turtle")


@pytest.mark.parametrize("extra", [
    'ex:P sh:path ex:p ; sh:equals ex:q ; sh:message "m" .',                       # unknown component
    'ex:P sh:path ( ex:p ex:q ) ; sh:minCount 1 ; sh:message "m" .',               # sequence path
    'ex:P sh:path ex:p ; sh:minCount 1 .',                                         # no message
    'ex:P sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ; sh:message "m" .',
    'ex:P sh:path ex:p ; sh:or ( [ sh:path ex:q ; sh:lessThan ex:r ] ) ; sh:message "m" .',   # nested
    'ex:Q a sh:NodeShape ; sh:closed true .',                                      # a shape not reached
])
def test_unsupported_is_refused_at_compile_time(extra):
    with pytest.raises(UnsupportedShape):
        compile_shapes(_shapes(extra))


def test_every_core_shape_compiles(env):
    """Every property shape of shapes/ is compiled (none is skipped)."""
    compiled = {c.shape for c in env["checks"]}
    props = {str(s) for s in env["core"].subjects(RDF.type, SH.PropertyShape)}
    assert props <= compiled
    assert len(compiled_checks(SETTINGS)) == len(env["checks"])


def test_sparql_constraints_are_delegated_or_refused(env):
    """sh:sparql is graph_checks' job: compiled around by default, refused when asked."""
    shapes = all_shapes(SETTINGS)
    assert len(compile_shapes(shapes)) == len(env["checks"])
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes, sparql="raise")
