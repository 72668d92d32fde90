"""The build maps without rdflib (pipeline.mapping.Mapper records light terms and writes
N-Triples itself); these tests hold it to the rdflib graph :func:`map_document` gives.

Our document graphs have no blank nodes, so "the same graph" is "the same set of
pyoxigraph triples", with terms converted as :func:`pipeline.rdf.terms.to_ox` converts them.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Literal, URIRef
from rdflib import namespace as rdflib_ns
from rdflib.namespace import DCTERMS

from pipeline import build
from pipeline.checks import finding_results, findings_of
from pipeline.mapping import Mapper, map_document, mapped
from pipeline.rdf import vocab
from pipeline.rdf.terms import _ox_term, _rdflib_term, lit, to_ox
from pipeline.rdf.triples import graph_quads
from pipeline.rdf.uris import URIs
from pipeline.rdf.vocab import CITO, ELI, RG
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.sources import read_source

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"   # as in tests/conftest.py
FACTS = Path(__file__).parent / "fixtures" / "seed_facts.json"
SETTINGS = Settings(base="http://127.0.0.1:8000/")
U = URIs(SETTINGS.base)


def ox_set(g) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in graph_quads(g, "urn:x-test:unused")}


def nt_set(data: bytes) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


@pytest.fixture(scope="module")
def seed_built():
    text, sha = read_source(SEED)
    return build.build_document(str(SEED), text, sha, SETTINGS, keep=True)


@pytest.fixture(scope="module")
def seed_graph(seed_built):
    return map_document(seed_built.doc, settings=SETTINGS)


def test_build_ntriples_are_map_documents_graph(seed_built, seed_graph):
    triples = nt_set(seed_built.ntriples)
    assert len(triples) == len(seed_graph) > 30000
    assert triples == ox_set(seed_graph)
    assert len(seed_built.ntriples.splitlines()) == len(triples)      # each triple written once
    assert not any(isinstance(t, ox.BlankNode) for tr in triples for t in (tr.subject, tr.object))


def test_ntriples_are_what_pyoxigraph_serialises(seed_built):
    m = mapped(seed_built.doc, settings=SETTINGS)
    assert m.ntriples() == ox.serialize(m.ox_triples(), format=ox.RdfFormat.N_TRIPLES) == seed_built.ntriples
    assert build.ntriples_of(m) == m.ntriples()


def test_kept_graph_is_map_documents_graph(seed_built, seed_graph):
    assert set(seed_built.graph) == set(seed_graph)
    assert dict(seed_built.graph.namespaces())["rg"] == dict(seed_graph.namespaces())["rg"]


def test_findings_and_counts_same_from_mapper_and_graph(seed_built, seed_graph):
    doc = seed_built.doc
    m = mapped(doc, settings=SETTINGS)
    fast = finding_results(m, doc, settings=SETTINGS)
    slow = finding_results(seed_graph, doc, settings=SETTINGS)
    assert fast and [r.as_dict() for r in fast] == [r.as_dict() for r in slow]
    assert {r.severity for r in fast} >= {"warning"}
    assert [r.as_dict() for r in finding_results(m, settings=SETTINGS)] == \
           [r.as_dict() for r in finding_results(seed_graph, settings=SETTINGS)]
    assert build._doc_counts(doc, m) == build._doc_counts(doc, seed_graph) == seed_built.counts
    assert seed_built.counts["findings"] == len(m.findings)
    # the report the build made holds the findings straight from the model: the same records,
    # each with the severity the model gave it (the graph does not say a finding's severity)
    model = findings_of(m)
    assert [r.as_dict() for r in seed_built.report.results if r.source == "finding"] == [r.as_dict() for r in model]
    assert [(r.focus, r.message, r.line, r.quote) for r in model] == [(r.focus, r.message, r.line, r.quote) for r in fast]
    assert {r.focus: r.severity for r in model} == {r.focus: r.severity for r in fast} | {
        f"{SETTINGS.base}id/finding/{doc.slug}/{n}": f.severity for n, f in enumerate(m.findings, 1)}


def test_map_document_states_the_hand_readings(seed_graph):
    """map_document's graph says what the seed says, read by hand (tests/fixtures/seed_facts.json),
    not what another mapping of the same model says: each proposal with its symbol and action,
    each hand-read clause label with its printed, former and new label, and, on Res 30
    considering l.287, the inserted half of the glued ``68/19872/200`` cited, the deleted not."""
    facts = json.loads(FACTS.read_text(encoding="utf-8"))
    g = seed_graph
    for p in facts["proposals"]:
        pu = URIRef(U.proposal(p["symbol"]))
        assert (pu, DCTERMS.identifier, Literal(p["symbol"])) in g, p["symbol"]
        assert (pu, RG.action, URIRef(vocab.concept("action", p["action"]))) in g, p["symbol"]
    # clauses by (resolution version, line): their labels as read by hand
    line_of = {s: int(o) for s, o in g.subject_objects(RG.lineStart)}
    clauses = {}
    for c in g.subjects(RDF.type, RG.Clause):
        clauses.setdefault(line_of.get(c), []).append(c)
    checked = 0
    for e in facts["clause_labels"]:
        (c,) = clauses[e["line"]]
        number = g.value(c, ELI.number)
        assert (str(number) if number is not None else None) == e["new"], e
        if e["old"] is not None and e["old"] != e["new"]:
            assert str(g.value(c, RG.formerLabel)) == e["old"], e
        printed = g.value(c, RG.printedLabel)   # null: a section's one unnumbered paragraph
        assert (None if printed is None else str(printed).rstrip(")").strip()) == \
               (None if e["printed"] is None else e["printed"].rstrip(")").strip()), e
        # the draft of the proposal setting out the resolution (the last heading of it before the line)
        heading = max((r for r in facts["resolutions"] if r["number"] == e["resolution"] and r["heading_line"] <= e["line"]),
                      key=lambda r: r["heading_line"], default=None)
        version = U.proposal_text(heading["proposal"] if heading else "ACP/64A1/25")
        assert str(c).startswith(version + "/"), (e, c)
        checked += 1
    assert checked == 229
    (c287,) = clauses[287]
    cited = set(g.objects(c287, CITO.cites))
    assert URIRef(U.un("A/RES/72/200")) in cited and URIRef(U.un("A/RES/68/198")) not in cited


@pytest.mark.parametrize("args", [
    ("text",), ("", ), ("text", "en"), ("ça \"va\"\n\\ \u2028", "en"), (0,), (5,), (-12,), (10 ** 30,),
    (True,), (False,), (2.5,), ("2018", None, str(rdflib_ns.XSD.gYear)), (2018, None, str(rdflib_ns.XSD.gYear)),
    ("5", None, str(rdflib_ns.XSD.integer)), ("x", None, str(rdflib_ns.XSD.string)), ("Text", "EN"),
])
def test_literals_are_rdflibs(args):
    """A recorded literal is the rdflib literal the mapper used to add, converted as to_ox does."""
    value, lang, datatype = (args + (None, None))[:3]
    ref = Literal(value, lang=lang, datatype=datatype)
    mine = lit(value, lang, datatype)
    assert _rdflib_term(mine) == ref
    assert _ox_term(mine) == to_ox(ref)
    assert str(_ox_term(mine)) == ox.serialize([ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"),
                                                          to_ox(ref))],
                                               format=ox.RdfFormat.N_TRIPLES).decode().split(" ", 2)[2][:-3]


def test_distinct_literals_stay_distinct():
    """rdflib keeps 1 and true, "5" and 5 apart; so must the mapper's de-duplication."""
    values = [lit(1), lit(True), lit("1"), lit(1.0), lit("5"), lit(5), lit("5", "en")]
    assert len(set(values)) == len({Literal(1), Literal(True), Literal("1"), Literal(1.0), Literal("5"), Literal(5),
                                     Literal("5", lang="en")}) == 7
