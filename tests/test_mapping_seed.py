"""The mapped graph of the seed (pipeline.mapping.mapped, no SHACL, no store) against the
hand readings and the names of the instruments the seed cites.

Fast enough to run for every mutant of scripts/mutation; tests/test_mapping_terms.py holds
the build's N-Triples to the rdflib graph on a real build.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from pipeline.mapping import mapped
from pipeline.rdf.triples import graph_of_ntriples
from pipeline.sources import parse
from pipeline.settings import Settings
from pipeline.rdf.uris import URIs
from pipeline.rdf.vocab import CITO, ELI, RG

SETTINGS = Settings(base="http://127.0.0.1:8000/")
U = URIs(SETTINGS.base)
PLAN_GOLD = json.loads((Path(__file__).parent / "fixtures" / "strategic_plan_gold.json").read_text(encoding="utf-8"))
GOLD = json.loads((Path(__file__).parent / "fixtures" / "citations_gold.json").read_text(encoding="utf-8"))

#: the names of the WSIS outcome documents (their own titles)
WSIS_NAMES = {
    "tunis-agenda": "Tunis Agenda for the Information Society",
    "geneva-plan-of-action": "Geneva Plan of Action",
    "geneva-declaration": "Geneva Declaration of Principles",
    "tunis-commitment": "Tunis Commitment",
    "wsis+10-statement": "WSIS+10 Statement on the Implementation of WSIS Outcomes",
    "wsis+10-vision": "WSIS+10 Vision for WSIS Beyond 2015",
}

#: a proposal header, as in the seed (tests/test_hostile_documents.py), for small documents
HDR = ("\tProposal ACP/64A1/3 - Summary: x\nMOD\tACP/64A1/3\nRESOLUTION 11 (Rev. Busan, 2014Dubai, 2018)\nTitle\n"
       "The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),\n")


@pytest.fixture(scope="module")
def m(seed_doc):
    return mapped(seed_doc, settings=SETTINGS)


@pytest.fixture(scope="module")
def g(m):
    return m.graph()


def small(text: str):
    doc = parse(Path("small.txt"), text=HDR + text)
    return doc, mapped(doc, settings=SETTINGS)


def clauses_at(g, line: int) -> list:
    return [c for c in g.subjects(RG.lineStart, Literal(line)) if (c, RDF.type, RG.Clause) in g]


def test_ntriples_are_the_triples_each_once(m, g):
    nt = m.ntriples()
    parsed = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
    assert len(parsed) == len(set(parsed)) == len(m.ox_triples()) > 30000
    assert set(parsed) == set(m.ox_triples())
    assert set(graph_of_ntriples(nt)) == set(g)


def test_wsis_documents_are_named_and_their_paragraphs_part_of_them(g):
    """Each WSIS outcome document cited by the gold carries its name; a cited paragraph
    (the gold's ``wsis/tunis-agenda/para-50``) is part of its document, and the clause that
    cites the paragraph cites the document too."""
    docs = {t.split("/")[1] for t in (c["target"] for c in GOLD["citations"] if c["kind"] == "wsis")
            if not t.startswith("wsis/action-line")}
    assert set(WSIS_NAMES) <= docs
    for key, name in WSIS_NAMES.items():
        doc = URIRef(U.instrument("instrument", "wsis", key.replace("+", "")))
        assert (doc, RDFS.label, Literal(name, lang="en")) in g, key
    paras = 0
    for c in GOLD["citations"]:
        parts = c["target"].split("/")
        if c["kind"] != "wsis" or len(parts) != 3 or not parts[2].startswith("para-") or c["status"] == "deleted":
            continue
        doc = URIRef(U.instrument("instrument", "wsis", parts[1].replace("+", "")))
        para = URIRef(f"{doc}/{parts[2]}")
        assert (para, ELI.is_part_of, doc) in g and (doc, ELI.has_part, para) in g, c["target"]
        citing = [x for x in clauses_at(g, c["line"]) if (x, CITO.cites, para) in g]
        assert citing and all((x, CITO.cites, doc) in g for x in citing), (c["line"], c["target"])
        paras += 1
    assert paras >= 15


def test_itr_articles_of_2012_are_part_of_the_dubai_itrs(g):
    """The gold's ``itrs/2012/art-6`` and ``art-7``: articles of the ITRs adopted at WCIT-12,
    Dubai 2012 (SEED_FACTS.md: 'Dubai, 2012' is WCIT-12)."""
    itrs = URIRef(U.instrument("instrument", "itu", "itr-2012"))
    assert (itrs, RDFS.label, Literal("International Telecommunication Regulations (Dubai, 2012)", lang="en")) in g
    for c in GOLD["citations"]:
        if c["target"].startswith("itrs/2012/"):
            art = URIRef(f"{itrs}/{c['target'].rsplit('/', 1)[1]}")
            assert (art, ELI.is_part_of, itrs) in g
            assert any((x, CITO.cites, art) in g for x in clauses_at(g, c["line"])), c


def test_itr_articles_of_1988_are_part_of_the_melbourne_itrs():
    _doc, m = small("resolves\n1\tArticle 6 of the International Telecommunication Regulations (Melbourne, 1988);\n")
    g = m.graph()
    itrs = URIRef(U.instrument("instrument", "itu", "itr-1988"))
    assert (itrs, RDFS.label, Literal("International Telecommunication Regulations (Melbourne, 1988)", lang="en")) in g
    assert (URIRef(f"{itrs}/art-6"), ELI.is_part_of, itrs) in g


def test_the_strategic_plans_cited_are_their_schemes(g, seed_doc):
    """The gold's ``strategic-plan/2016-2019`` and ``/2020-2023``: the clause cites the plan's
    concept scheme; ITU strategic goals (Res 200, ``strategic-goal/N``) are concepts of it."""
    n = 0
    for c in GOLD["citations"]:
        kind, _, rest = c["target"].partition("/")
        if c["kind"] != "strategic-plan" or c["status"] == "deleted" or kind != "strategic-plan" or rest == "unspecified":
            continue
        scheme = URIRef(U.strategic_plan_scheme(rest))
        assert any((x, CITO.cites, scheme) in g for x in clauses_at(g, c["line"])), c
        n += 1
    assert n >= 8


def test_the_strategic_plan_collections_hold_the_hand_read_items(g):
    """Annex 1 to Res 71 (strategic_plan_gold.json): 5 goals, 24 targets, 18 objectives,
    64 outcomes and 70 outputs, each a member of its collection."""
    period = PLAN_GOLD.get("period", "2020-2023")
    scheme = URIRef(U.strategic_plan_scheme(period))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    for kind, key in [("goal", "goals"), ("target", "targets"), ("objective", "objectives"),
                      ("outcome", "outcomes"), ("output", "outputs")]:
        coll = URIRef(f"{scheme}/{kind}")
        assert (coll, RDF.type, SKOS.Collection) in g, kind
        assert (coll, SKOS.prefLabel, Literal(f"{kind.capitalize()}s of the ITU Strategic Plan {period}", lang="en")) in g
        members = set(g.objects(coll, SKOS.member))
        assert len(members) == len(PLAN_GOLD[key]), kind
        codes = {str(g.value(x, SKOS.notation)) for x in members}
        assert codes == {x.get("code") or x.get("number") for x in PLAN_GOLD[key]}, kind


def test_a_reference_to_a_whole_section_refers_to_the_section(g):
    # SEED_FACTS.md, internal references: Res 130 l.1839 "bearing in mind above"
    section = URIRef(U.section(U.proposal_text("ACP/64A1/13"), "bearing in mind"))   # ACP/64A1/13 sets out Res 130
    assert (section, RDF.type, RG.Section) in g
    assert any((c, RG.refersTo, section) in g for c in clauses_at(g, 1839))


def test_generic_plans_are_notes_not_warnings(m):
    """"the strategic plan" (no period) and a Buenos Aires Action Plan without its year name no
    single resource: a note (info), not a warning; the seed has both (l.182, l.1544 …)."""
    _doc, small_m = small("resolves\n1\tthe strategic plan for the Union and the Buenos Aires Action Plan;\n")
    by_quote = {f.quote: f for f in small_m.findings if f.kind == "unresolved-reference"}
    assert by_quote["the strategic plan for the Union"].severity == "info"
    assert by_quote["the Buenos Aires Action Plan"].severity == "info"
    generic = [f for f in m.findings if f.kind == "unresolved-reference" and "plan" in f.quote.lower()]
    assert generic and {f.severity for f in generic} == {"info"}


def test_proposals_are_identified_by_their_symbol(g, facts):
    for p in facts["proposals"]:
        assert (URIRef(U.proposal(p["symbol"])), DCTERMS.identifier, Literal(p["symbol"])) in g
