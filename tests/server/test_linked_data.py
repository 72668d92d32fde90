"""Linked data over real HTTP: 303s, negotiation, suffixes, every format the same triples, pages."""
from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

RES = "resolution/pp/11"
CLAUSE = "resolution/pp/11/dubai-2018/considering/a"
FORMATS = [  # media type, suffix, rdflib parser
    ("text/turtle", ".ttl", "turtle"),
    ("application/n-triples", ".nt", "nt"),
    ("application/ld+json", ".jsonld", "json-ld"),
    ("application/rdf+xml", ".rdf", "xml"),
]


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        raise AssertionError("graphs differ:\nonly in first:\n" + only_a.serialize(format="nt")
                             + "\nonly in second:\n" + only_b.serialize(format="nt"))


def test_id_redirects_303_to_doc(http, server):
    r = http.get(f"/id/{RES}", headers={"Accept": "text/turtle"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/doc/{RES}"
    r = http.get(f"/id/{RES}", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert (URIRef(server.uri(f"id/{RES}")), None, None) in Graph().parse(data=r.content, format="turtle")


@pytest.mark.parametrize("path", [RES, CLAUSE, "un/A/RES/70/1", "proposal/ACP/64A1/7"])
def test_every_format_holds_the_same_triples(http, path):
    """Negotiated and suffixed, each of the four RDF formats parses with rdflib to one graph."""
    graphs = []
    for media, suffix, parser in FORMATS:
        neg = http.get(f"/doc/{path}", headers={"Accept": media})
        assert neg.status_code == 200, neg.text
        assert neg.headers["content-type"].split(";")[0] == media
        assert neg.headers["vary"] in ("Accept", "Accept, Accept-Encoding")  # the second when gzipped
        assert neg.headers["content-location"] == f"/doc/{path}{suffix}"
        fixed = http.get(f"/doc/{path}{suffix}")
        assert fixed.headers["content-type"].split(";")[0] == media
        assert fixed.content == neg.content or parser in ("turtle", "xml", "json-ld")
        g = Graph().parse(data=neg.content, format=parser)
        assert len(g) > 0
        graphs.append(g)
        assert_isomorphic(g, Graph().parse(data=fixed.content, format=parser))
    for g in graphs[1:]:
        assert_isomorphic(graphs[0], g)


def test_description_includes_blank_nodes_and_hash_records(http, server):
    g = Graph().parse(data=http.get(f"/doc/{CLAUSE}.nt").content, format="nt")
    subjects = {str(s) for s in g.subjects()}
    assert server.uri(f"id/{CLAUSE}#citation-1") in subjects
    assert any(s.startswith("N") or not s.startswith("http") for s in subjects)  # the PROV derivation bnode


def test_resource_known_only_as_object_dereferences(http, server):
    g = Graph().parse(data=http.get("/doc/un/A/RES/70/1.ttl").content, format="turtle")
    cited = URIRef(server.uri("id/un/A/RES/70/1"))
    assert (URIRef(server.uri(f"id/{CLAUSE}")), URIRef("http://purl.org/spar/cito/cites"), cited) in g


def test_link_alternates_and_canonical(http, server):
    r = http.get(f"/doc/{RES}", headers={"Accept": "text/turtle"})
    link = r.headers["link"]
    for media, suffix, _ in FORMATS[1:]:
        assert f'</doc/{RES}{suffix}>; rel="alternate"; type="{media}"' in link
    assert f'</doc/{RES}.html>; rel="alternate"; type="text/html"' in link
    assert f'<{server.uri("id/" + RES)}>; rel="canonical"' in link


def test_jsonld_uses_the_published_context(http, server):
    r = http.get(f"/doc/{RES}.jsonld")
    assert r.json()["@context"] == server.url + "context.jsonld"
    ctx = http.get("/context.jsonld")
    assert ctx.headers["content-type"].startswith("application/ld+json")
    assert ctx.json()["@context"]["cito"] == "http://purl.org/spar/cito/"


@pytest.mark.parametrize("path", ["resolution/pp/999", "resolution/pp/11/nope", "../../etc/passwd",
                                  "%2e%2e/%2e%2e/etc/passwd", "..%2F..%2Fsettings.py", "", "resolution/pp/11%00"])
def test_unknown_resources_are_404(http, path):
    assert http.get(f"/doc/{path}").status_code == 404
    assert http.get(f"/id/{path}").status_code in (404, 307, 308)


def test_406_lists_supported_types_and_bad_accept_is_400(http):
    r = http.get(f"/doc/{RES}", headers={"Accept": "image/png"})
    assert r.status_code == 406
    for media, _, _ in FORMATS:
        assert media in r.text
    assert "text/html" in r.text
    assert http.get(f"/doc/{RES}", headers={"Accept": "garbage"}).status_code == 400


def test_q_values_are_honoured(http):
    r = http.get(f"/doc/{RES}", headers={"Accept": "text/turtle;q=0.3, application/ld+json;q=0.9, text/html;q=0.5"})
    assert r.headers["content-type"].startswith("application/ld+json")


def test_browser_accept_gets_html(http):
    r = http.get(f"/id/{CLAUSE}", follow_redirects=True,
                 headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "Clause a" in html
    assert "that Resolution 70/1 of the United Nations General Assembly" in html
    assert 'id="source-line">42<' in html
    assert 'href="/id/un/A/RES/70/1"' in html
    assert 'href="/doc/resolution/pp/11/dubai-2018/considering/a.ttl"' in html


def test_resolution_page_shows_versions_proposal_and_citations(http):
    html = http.get(f"/doc/{RES}.html").text
    assert "<h1 id=\"title\">ITU Telecom World events</h1>" in html
    assert "Resolution 11 (Rev. Dubai, 2018)" in html          # version, labelled
    assert "Proposals concerning this" in html and 'href="/id/proposal/ACP/64A1/7"' in html
    cited = http.get("/doc/un/A/RES/70/1.html").text
    assert "Cited by" in cited and 'href="/id/resolution/pp/11/dubai-2018/considering/a"' in cited


def test_html_escapes_text_from_the_data(http):
    html = http.get("/doc/resolution/pp/11/dubai-2018/resolves/1.html").text
    assert "&lt;markup&gt;" in html and "<markup>" not in html


def test_home_validation_ontology_void_dump(http, server):
    home = http.get("/").text
    assert 'id="count-resolutions">2<' in home
    assert 'href="/query?query=' in home

    val = http.get("/validation").text
    assert "matches no known resolution" in val and "in accordance with Resolution 999" in val
    assert "<td class=\"line\">61</td>" in val

    onto = http.get("/ontology", headers={"Accept": "text/turtle"})
    assert onto.headers["vary"] in ("Accept", "Accept, Accept-Encoding")  # the second when gzipped
    og = Graph().parse(data=onto.content, format="turtle")
    assert (URIRef("https://w3id.org/resgraph/ontology#Clause"), None, None) in og
    assert "Resolution version" in http.get("/ontology", headers={"Accept": "text/html"}).text
    assert len(Graph().parse(data=http.get("/ontology.jsonld").content, format="json-ld")) == len(og)

    void = Graph().parse(data=http.get("/.well-known/void").content, format="turtle")
    VOID = "http://rdfs.org/ns/void#"
    assert list(void.query(f"ASK {{ ?d <{VOID}sparqlEndpoint> <{server.url}sparql> ; <{VOID}dataDump> ?dump ; <{VOID}triples> ?n }}")).pop()
    subsets = {str(g): int(n) for g, n in void.query(
        f"SELECT ?g ?n WHERE {{ ?d <{VOID}subset> ?s . ?s <http://www.w3.org/ns/sparql-service-description#name> ?g ; <{VOID}triples> ?n }}")}
    assert subsets[server.uri("graph/inferred")] == 4

    r = http.get("/dumps/resgraph.nq.gz")
    assert r.status_code == 200 and r.headers["content-type"] == "application/gzip"
    quads = list(ox.parse(gzip.decompress(r.content), format=ox.RdfFormat.N_QUADS))
    total = sum(subsets.values())
    assert len(quads) == total
    assert http.get("/dumps/resgraph.nq.gz").content == r.content  # cached on disk, same bytes


def test_head_and_cors_on_linked_data(http):
    r = http.head(f"/doc/{RES}.ttl")
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    p = http.options(f"/doc/{RES}", headers={"Origin": "https://x.example", "Access-Control-Request-Method": "GET"})
    assert p.status_code == 204 and p.headers["access-control-allow-origin"] == "*"


def test_static_assets_for_the_query_page(http):
    js = http.get("/static/yasgui/yasgui.min.js")
    assert js.status_code == 200 and len(js.content) > 500_000
    assert http.get("/static/yasgui/yasgui.min.css").status_code == 200
    assert "MIT" in http.get("/static/yasgui/LICENSE").text
    page = http.get("/query").text
    assert '/static/yasgui/yasgui.min.js' in page and "sparql" in page
    assert http.get("/static/../app.py").status_code == 404


# ------------------------------------------------------------- Akoma Ntoso (issue 17) ---

AKN = "application/akn+xml"
AKN_NS = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


@pytest.mark.parametrize("path", ["resolution/pp/11/dubai-2018", "proposal/ACP/64A1/13/text", "un/A/RES/80/16"])
def test_a_text_is_served_as_akoma_ntoso(corpus_http, path):
    from lxml import etree
    neg = corpus_http.get(f"/doc/{path}", headers={"Accept": AKN})
    assert neg.status_code == 200, neg.text
    assert neg.headers["content-type"].split(";")[0] == AKN
    assert neg.headers["content-location"] == f"/doc/{path}.akn.xml"
    root = etree.fromstring(neg.content)
    assert root.tag == AKN_NS + "akomaNtoso"
    alias = root.find(f".//{AKN_NS}FRBRExpression/{AKN_NS}FRBRalias[@name='resgraph']").get("value")
    assert alias.endswith("/id/" + path)
    fixed = corpus_http.get(f"/doc/{path}.akn.xml")
    assert fixed.status_code == 200 and fixed.headers["content-type"].split(";")[0] == AKN
    assert f'</doc/{path}.akn.xml>; rel="alternate"; type="{AKN}"' in corpus_http.get(f"/doc/{path}.ttl").headers["link"]
    # the default stays Turtle
    assert corpus_http.get(f"/doc/{path}", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")


def test_what_is_not_a_text_has_no_akoma_ntoso(corpus_http):
    assert corpus_http.get("/doc/resolution/pp/11", headers={"Accept": AKN}).status_code == 406
    assert corpus_http.get("/doc/resolution/pp/11.akn.xml").status_code == 404
    assert "akn" not in corpus_http.get("/doc/resolution/pp/11.ttl").headers["link"]
