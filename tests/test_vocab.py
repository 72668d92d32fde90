"""Terms are defined once, in ontology/; code, shapes and queries may use only declared terms."""
import re

from rdflib import Graph
from rdflib.namespace import OWL, RDF

from pipeline.settings import PROJECT_ROOT
from pipeline.vocab import RG, ontology_graph

NS = str(RG._NS)


def declared() -> set[str]:
    g = ontology_graph()
    out = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        out |= {str(s) for s in g.subjects(RDF.type, kind) if str(s).startswith(NS)}
    return out


def test_namespace_module_matches_ontology():
    in_code = {NS + name for name in RG.__annotations__}
    assert in_code == declared()


def test_every_class_and_property_is_documented():
    g = ontology_graph()
    from rdflib.namespace import RDFS
    for term in declared():
        assert g.value(term_ref(term), RDFS.label) is not None, term


def term_ref(t):
    from rdflib import URIRef
    return URIRef(t)


def used_terms(text: str) -> set[str]:
    terms = set(re.findall(r"\brg:([A-Za-z][A-Za-z0-9_]*)", text))
    terms |= set(re.findall(re.escape(NS) + r"([A-Za-z][A-Za-z0-9_]*)", text))
    return {NS + t for t in terms}


def test_shapes_and_queries_use_only_declared_terms():
    files = list((PROJECT_ROOT / "shapes").glob("*.ttl")) + list((PROJECT_ROOT / "queries").glob("*.rq"))
    assert files
    for f in files:
        undeclared = used_terms(f.read_text(encoding="utf-8")) - declared()
        assert not undeclared, f"{f.name}: {sorted(undeclared)}"


def test_python_never_types_our_iris():
    for f in (PROJECT_ROOT / "pipeline").rglob("*.py"):
        if f.name == "vocab.py":
            continue
        assert NS not in f.read_text(encoding="utf-8"), f"{f} types an ontology IRI; use pipeline.vocab"


def test_ontology_and_shapes_parse():
    Graph().parse(PROJECT_ROOT / "shapes" / "resgraph.ttl")
    assert len(ontology_graph()) > 300
