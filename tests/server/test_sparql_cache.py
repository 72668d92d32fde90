"""The /sparql answer cache (issue 6): kept per generation, keyed on what an answer depends on.

Against the real server (conftest.py: ``--row-limit 50 --timeout 2``).  Every test sends
query texts of its own (a comment with a fresh token), so that what other tests asked the
shared server does not decide hit or miss here.  ``X-Cache`` says ``hit`` (answered from the
cache), ``miss`` (looked up, not found; the answer may be kept) or ``bypass`` (not looked
up: the query is not cacheable or the cache is off).
"""
from __future__ import annotations

import uuid

import httpx
import pyoxigraph as ox
import pytest

from pipeline import store as store_mod

from .conftest import fixture_quads, free_port, start_server, stop_server

CITES = "SELECT ?s ?o WHERE { ?s <http://purl.org/spar/cito/cites> ?o } ORDER BY ?s ?o"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def fresh(query: str) -> str:
    """The same query under a text no other test sends."""
    return f"# {uuid.uuid4()}\n{query}"


def _same(a: httpx.Response, b: httpx.Response) -> None:
    assert a.content == b.content
    drop = {"date", "x-cache"}
    assert {k: v for k, v in a.headers.items() if k not in drop} == {k: v for k, v in b.headers.items() if k not in drop}


def test_asked_again_is_a_hit_with_the_same_answer(http):
    q = fresh(CITES)
    first = http.get("/sparql", params={"query": q})
    second = http.get("/sparql", params={"query": q})
    assert first.status_code == second.status_code == 200
    assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
    assert len(second.json()["results"]["bindings"]) == 6
    _same(first, second)
    # the same query sent the other two ways, with white space around it, is the same entry
    form = http.post("/sparql", data={"query": "\n  " + q + "  \n"})
    direct = http.post("/sparql", content=q.encode(), headers={"Content-Type": "application/sparql-query"})
    assert form.headers["x-cache"] == direct.headers["x-cache"] == "hit"
    _same(first, form)
    # HEAD answers from the cache too, without a body
    head = http.head("/sparql", params={"query": q})
    assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == str(len(first.content))


def test_each_result_format_is_its_own_entry(http):
    q = fresh(CITES)
    as_json = http.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    as_xml = http.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+xml"})
    assert as_json.headers["x-cache"] == "miss" and as_xml.headers["x-cache"] == "miss"
    assert as_xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert len(list(ox.parse_query_results(as_xml.content, format=ox.QueryResultsFormat.XML))) == 6
    again_xml = http.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+xml"})
    again_json = http.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert again_xml.headers["x-cache"] == again_json.headers["x-cache"] == "hit"
    _same(as_xml, again_xml)
    _same(as_json, again_json)
    # an Accept header worded differently that chooses the same format shares the entry
    alias = http.get("/sparql", params={"query": q}, headers={"Accept": "application/json"})
    assert alias.headers["x-cache"] == "hit" and alias.content == as_json.content
    csv = http.get("/sparql", params={"query": q}, headers={"Accept": "text/csv"})
    assert csv.headers["x-cache"] == "miss" and csv.headers["content-type"].startswith("text/csv")


def test_dataset_parameters_and_base_iri_are_part_of_the_key(http, server):
    q = fresh("SELECT (COUNT(*) AS ?n) WHERE { ?s <http://purl.org/spar/cito/cites> ?o }")
    n = lambda r: r.json()["results"]["bindings"][0]["n"]["value"]  # noqa: E731
    union = http.get("/sparql", params={"query": q})
    one = http.get("/sparql", params={"query": q, "default-graph-uri": server.uri("graph/inferred")})
    assert (n(union), n(one)) == ("6", "4")
    assert one.headers["x-cache"] == "miss"
    assert n(http.get("/sparql", params={"query": q, "default-graph-uri": server.uri("graph/inferred")})) == "4"
    assert n(http.get("/sparql", params={"query": q})) == "6"
    # a relative IRI in the query resolves against the endpoint the client asked
    rel = fresh("SELECT (<thing> AS ?iri) {}")
    a = http.get("/sparql", params={"query": rel}, headers={"Host": "a.example:8001"})
    b = http.get("/sparql", params={"query": rel}, headers={"Host": "b.example:8002"})
    assert a.json()["results"]["bindings"][0]["iri"]["value"] == "http://a.example:8001/thing"
    assert b.json()["results"]["bindings"][0]["iri"]["value"] == "http://b.example:8002/thing"


@pytest.mark.parametrize("query", [
    "SELECT (RAND() AS ?r) (STR(?s) AS ?x) WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT (now() AS ?t) {}",
    "SELECT (STRUUID() AS ?u) (UUID() AS ?v) {}",
    "CONSTRUCT { <http://e/s> <http://e/p> ?b } WHERE { BIND(bNode() AS ?b) }",
])
def test_answers_that_change_between_runs_are_never_kept(http, query):
    q = fresh(query)
    answers = [http.get("/sparql", params={"query": q}) for _ in range(3)]
    assert [r.status_code for r in answers] == [200] * 3
    assert [r.headers["x-cache"] for r in answers] == ["bypass"] * 3
    if "RAND" in query or "UUID" in query:  # really computed each time
        assert len({r.content for r in answers}) == 3


def test_rand_from_many_clients_at_once_is_never_a_hit(server):
    import concurrent.futures as cf

    q = fresh("SELECT (RAND() AS ?r) {}")

    def one(_):
        with httpx.Client(timeout=20) as c:
            r = c.get(server.url + "sparql", params={"query": q})
            return r.headers["x-cache"], r.json()["results"]["bindings"][0]["r"]["value"]

    with cf.ThreadPoolExecutor(8) as ex:
        got = list(ex.map(one, range(16)))
    assert {c for c, _ in got} == {"bypass"}
    assert len({v for _, v in got}) == 16


def test_timeouts_errors_and_truncated_answers_are_not_kept(http):
    slow = fresh("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o2 . ?x ?y ?z }")
    for _ in range(2):
        r = http.get("/sparql", params={"query": slow})
        assert r.status_code == 503 and "time limit" in r.text  # the second one ran (and was stopped) again
        assert r.headers.get("x-cache") != "hit"
    bad = fresh("SELECT ?s WHERE { ?s ?p ")
    assert [http.get("/sparql", params={"query": bad}).status_code for _ in range(2)] == [400, 400]
    everything = fresh("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")  # more than the row limit of 50
    cut = [http.get("/sparql", params={"query": everything}) for _ in range(2)]
    assert [r.headers["x-resgraph-truncated"] for r in cut] == ["true", "true"]
    assert [r.headers["x-cache"] for r in cut] == ["miss", "miss"]
    too_many_csv = [http.get("/sparql", params={"query": everything}, headers={"Accept": "text/csv"}) for _ in range(2)]
    assert [r.status_code for r in too_many_csv] == [422, 422]


def test_a_new_generation_is_a_miss_with_the_new_answer_and_the_cache_is_bounded(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    srv = start_server(tmp_path, port=port, extra_args=("--sparql-cache", "2"))
    n = lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    try:
        with httpx.Client(base_url=base.rstrip("/"), timeout=20) as c:
            before = c.get("/sparql", params={"query": COUNT})
            assert before.headers["x-cache"] == "miss"
            assert c.get("/sparql", params={"query": COUNT}).headers["x-cache"] == "hit"
            extra = ox.Quad(ox.NamedNode(base + "id/resolution/pp/12"), ox.NamedNode("http://purl.org/dc/terms/title"),
                            ox.Literal("New resolution", language="en"), ox.NamedNode(base + "graph/document/new"))
            store_mod.publish([*fixture_quads(base), extra], {"base": base}, settings=srv.settings)
            after = c.get("/sparql", params={"query": COUNT})
            assert after.headers["x-cache"] == "miss"
            assert n(after) == n(before) + 1
            assert c.get("/sparql", params={"query": COUNT}).headers["x-cache"] == "hit"
            # at most two answers are kept: a third pushes out the least recently used
            for q in ("ASK { ?s ?p ?o }", "SELECT (1 AS ?one) {}"):
                assert c.get("/sparql", params={"query": q}).headers["x-cache"] == "miss"
            assert c.get("/sparql", params={"query": COUNT}).headers["x-cache"] == "miss"
            assert c.get("/sparql", params={"query": "SELECT (1 AS ?one) {}"}).headers["x-cache"] == "hit"
    finally:
        stop_server(srv)


def test_canned_questions_share_the_cache(http, server):
    params = {"name": "cites", "target": "A/RES/70/1", "format": "csv"}
    first, second = http.get("/query", params=params), http.get("/query", params=params)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and server.uri("id/resolution/pp/11") in first.text
    assert second.headers["x-cache"] == "hit"
    other = http.get("/query", params={**params, "format": "json"})
    assert other.headers["x-cache"] in ("miss", "hit") and other.json()["results"]["bindings"]
    assert http.get("/query", params={**params, "format": "json"}).headers["x-cache"] == "hit"


def test_the_cache_can_be_turned_off(tmp_path):
    srv = start_server(tmp_path, extra_args=("--sparql-cache", "0"))
    try:
        with httpx.Client(base_url=srv.url.rstrip("/"), timeout=20) as c:
            answers = [c.get("/sparql", params={"query": CITES}) for _ in range(3)]
            assert [r.headers["x-cache"] for r in answers] == ["bypass"] * 3
            assert len({r.content for r in answers}) == 1
    finally:
        stop_server(srv)
