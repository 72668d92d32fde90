"""/sparql over real HTTP: the three ways to send a query, formats, limits, refusals.

The shared server runs with ``--row-limit 50 --timeout 2`` (conftest.py).
"""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph

CITES = "SELECT ?s ?o WHERE { ?s <http://purl.org/spar/cito/cites> ?o } ORDER BY ?s ?o"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def bindings(resp) -> list[dict]:
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]["bindings"]


def test_get_post_form_and_post_direct_agree(http):
    a = http.get("/sparql", params={"query": CITES})
    b = http.post("/sparql", data={"query": CITES})
    c = http.post("/sparql", content=CITES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert a.headers["content-type"].startswith("application/sparql-results+json")
    assert bindings(a) == bindings(b) == bindings(c)
    assert len(bindings(a)) == 6  # 2 clause-level + 4 rolled up, found without GRAPH (union default graph)


def test_union_default_graph_and_graph_still_separate(http, server):
    rows = bindings(http.get("/sparql", params={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://purl.org/spar/cito/cites> ?o } } GROUP BY ?g ORDER BY ?g"}))
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == {
        server.uri("graph/document/pp18-res11"): 2, server.uri("graph/inferred"): 4}


def test_from_in_the_query_is_honoured(http, server):
    q = f"SELECT (COUNT(*) AS ?n) FROM <{server.uri('graph/inferred')}> WHERE {{ ?s <http://purl.org/spar/cito/cites> ?o }}"
    assert bindings(http.get("/sparql", params={"query": q}))[0]["n"]["value"] == "4"


def test_protocol_dataset_overrides_from(http, server):
    q = f"SELECT (COUNT(*) AS ?n) FROM <{server.uri('graph/inferred')}> WHERE {{ ?s <http://purl.org/spar/cito/cites> ?o }}"
    r = http.get("/sparql", params={"query": q, "default-graph-uri": server.uri("graph/document/pp18-res11")})
    assert bindings(r)[0]["n"]["value"] == "2"


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_select_result_formats_parse_and_agree(http, accept, fmt):
    q = "SELECT ?clause ?text ?line WHERE { ?clause <https://w3id.org/resgraph/ontology#text> ?text ; <https://w3id.org/resgraph/ontology#lineStart> ?line } ORDER BY ?line"
    r = http.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    assert r.headers["vary"] in ("Accept", "Accept, Accept-Encoding")  # the second when gzipped
    if fmt == ox.QueryResultsFormat.CSV:  # lossy by design: read it as CSV
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
        texts = [row["text"] for row in rows]
    else:
        rows = list(ox.parse_query_results(r.content, format=fmt))
        texts = [row["text"].value for row in rows]
    assert len(rows) == 3
    assert "café « quotes » & <markup> survive" in texts[1]


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml")])
def test_construct_formats_are_isomorphic(http, server, accept, rdflib_format):
    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{server.uri('graph/document/pp18-res11')}> {{ ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }} }} LIMIT 40"
    ref = http.get("/sparql", params={"query": q}, headers={"Accept": "application/n-triples"})
    r = http.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=rdflib_format)
    want = Graph().parse(data=ref.content, format="nt")
    assert len(g) == len(want) == 40
    assert set(g) == set(want)


def test_ask_and_describe(http, server):
    r = http.get("/sparql", params={"query": "ASK { ?s a <https://w3id.org/resgraph/ontology#Finding> }"},
                 headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(r.content).find(f"{SRX}boolean").text == "true"
    r = http.get("/sparql", params={"query": f"DESCRIBE <{server.uri('id/resolution/pp/11')}>"})
    g = Graph().parse(data=r.content, format="turtle")
    assert len(g) >= 6


def test_service_description(http, server):
    r = http.get("/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.content, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rows = list(g.query(f"SELECT ?s WHERE {{ ?s <{sd}endpoint> <{server.url}sparql> }}"))
    assert rows, r.text
    assert list(g.query(f"ASK {{ ?s <{sd}feature> <{sd}UnionDefaultGraph> }}")).pop() is True
    # every sd:NamedGraph has an sd:name (W3C service-description test conforms-to-schema)
    assert not list(g.query(f"SELECT ?n WHERE {{ ?n a <{sd}NamedGraph> FILTER NOT EXISTS {{ ?n <{sd}name> ?x }} }}"))
    r = http.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 200 and len(Graph().parse(data=r.content, format="xml")) == len(g)
    assert http.get("/sparql", headers={"Accept": "text/html"}).status_code == 303


# ----------------------------------------------------------- refusals ---

@pytest.mark.parametrize("send", [
    lambda h: h.get("/sparql", params={"update": "CLEAR ALL"}),
    lambda h: h.post("/sparql", data={"update": "DROP ALL"}),
    lambda h: h.post("/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
    lambda h: h.get("/sparql", params={"query": "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"}),
    lambda h: h.post("/sparql", content=b"LOAD <http://127.0.0.1:9/x.ttl>", headers={"Content-Type": "application/sparql-query"}),
    lambda h: h.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}),
])
def test_updates_are_refused_with_403(http, send):
    r = send(http)
    assert r.status_code == 403, r.text
    assert "read-only" in r.text
    assert bindings(http.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}))[0]["n"]["value"] != "0"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c FILTER(?a<?b) SERVICE ?v #>\n { ?s ?p ?o } VALUES ?v { <http://127.0.0.1:9/> } }",
])
def test_service_is_refused(http, query):
    r = http.get("/sparql", params={"query": query})
    assert r.status_code == 400 and "SERVICE" in r.text


def test_words_service_and_from_in_strings_are_fine(http):
    r = http.get("/sparql", params={"query": 'SELECT ("service from" AS ?x) WHERE {}'})
    assert bindings(r)[0]["x"]["value"] == "service from"


def test_syntax_error_is_400_with_the_parser_message(http):
    r = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p "})
    assert r.status_code == 400
    assert r.text.startswith("SPARQL syntax error: error at 1:")


@pytest.mark.parametrize("request_kwargs,status", [
    ({"method": "PUT", "url": "/sparql", "params": {"query": "ASK {}"}}, 405),
    ({"method": "DELETE", "url": "/sparql"}, 405),
    ({"method": "POST", "url": "/sparql", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ({"method": "POST", "url": "/sparql", "content": b"ASK {}", "headers": {"Content-Type": "application/sparql-query; charset=latin-1"}}, 415),
    ({"method": "GET", "url": "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"}, 400),
    ({"method": "GET", "url": "/sparql?query=%FF%FE"}, 400),
    ({"method": "GET", "url": "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri"}, 400),
    ({"method": "GET", "url": "/sparql?default-graph-uri=http://x/"}, 400),
    ({"method": "GET", "url": "/sparql", "params": {"query": "ASK {}"}, "headers": {"Accept": "garbage"}}, 400),
    ({"method": "GET", "url": "/sparql", "params": {"query": "ASK {}"}, "headers": {"Accept": "text/csv"}}, 406),
    ({"method": "GET", "url": "/sparql", "params": {"query": "SELECT * {}"}, "headers": {"Accept": "image/png"}}, 406),
    ({"method": "POST", "url": "/sparql", "content": b"query=" + b"A" * 1_100_000,
      "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 413),
    ({"method": "POST", "url": "/sparql", "content": ("ASK {} #" + "x" * 200_000).encode(),
      "headers": {"Content-Type": "application/sparql-query"}}, 413),
])
def test_bad_requests_get_4xx_never_500(http, request_kwargs, status):
    r = http.request(**request_kwargs)
    assert r.status_code == status, r.text
    assert r.text.strip()


def test_406_names_the_supported_types(http):
    r = http.get("/sparql", params={"query": "SELECT * {}"}, headers={"Accept": "image/png"})
    assert "application/sparql-results+json" in r.text and "text/csv" in r.text


# ------------------------------------------------------------- limits ---

ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def test_row_limit_json_is_labelled_truncation(http):
    r = http.get("/sparql", params={"query": ALL})
    assert r.status_code == 200
    assert r.headers["x-resgraph-truncated"] == "true"
    doc = r.json()
    assert len(doc["results"]["bindings"]) == 50
    assert doc["head"]["link"] and doc["resgraph:truncated"] is True


def test_row_limit_xml_is_labelled_truncation(http):
    r = http.get("/sparql", params={"query": ALL}, headers={"Accept": "application/sparql-results+xml"})
    root = ET.fromstring(r.content)
    assert r.headers["x-resgraph-truncated"] == "true"
    assert root.find(f"{SRX}head/{SRX}link") is not None
    assert len(root.findall(f"{SRX}results/{SRX}result")) == 50
    assert len(list(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML))) == 50


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_row_limit_csv_tsv_is_an_explicit_error(http, accept):
    r = http.get("/sparql", params={"query": ALL}, headers={"Accept": accept})
    assert r.status_code == 422 and "LIMIT" in r.text


def test_row_limit_construct_turtle_carries_a_comment(http):
    r = http.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert r.headers["x-resgraph-truncated"] == "true" and r.text.startswith("# truncated")
    assert len(Graph().parse(data=r.content, format="turtle")) == 50


def test_results_under_the_limit_are_not_labelled(http):
    r = http.get("/sparql", params={"query": CITES}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and "x-resgraph-truncated" not in r.headers
    assert len(list(csv.reader(io.StringIO(r.text)))) == 7


def test_time_limit_stops_the_query_and_the_endpoint_recovers(http, server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o2 . ?x ?y ?z }"
    r = http.get("/sparql", params={"query": slow})
    assert r.status_code == 503 and "time limit" in r.text   # how long it ran: bench/limits.py
    # the killed worker is replaced: queries keep working, on every worker
    for _ in range(4):
        assert bindings(http.get("/sparql", params={"query": "SELECT (1 AS ?one) {}"}))[0]["one"]["value"] == "1"


def test_cors_on_responses_and_preflight(http):
    r = http.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    p = http.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "content-type"})
    assert p.status_code == 204
    assert p.headers["access-control-allow-origin"] == "*"
    assert "POST" in p.headers["access-control-allow-methods"]
    assert "Content-Type" in p.headers["access-control-allow-headers"]


def test_concurrent_queries_all_succeed(server):
    import concurrent.futures as cf

    def one(i):
        with httpx.Client(timeout=20) as c:
            return c.get(server.url + "sparql", params={"query": CITES}).status_code

    with cf.ThreadPoolExecutor(16) as ex:
        assert set(ex.map(one, range(64))) == {200}


def test_json_results_are_valid_json_for_unicode(http):
    r = http.get("/sparql", params={"query": 'SELECT ("é\\n\\"x\\"" AS ?v) {}'})
    assert json.loads(r.content)["results"]["bindings"][0]["v"]["value"] == 'é\n"x"'


def test_large_reply_from_the_worker_arrives_whole(http):
    """Regression: under uvloop a reply bigger than the socket buffer failed half-read (EAGAIN)."""
    q = ('SELECT ?s (REPLACE(STR(?s), ".", "' + "x" * 100 + '") AS ?big) WHERE { ?s ?p ?o } LIMIT 50')
    r = http.get("/sparql", params={"query": q})
    assert r.status_code == 200, r.text[:300]
    assert len(r.content) > 250_000
    assert len(r.json()["results"]["bindings"]) == 50
