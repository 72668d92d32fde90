"""W3C SPARQL 1.1 Protocol tests, driven from ``protocol/protocol-cases.json`` against the real server.

Every case runs: the query cases as written (we support protocol datasets, so the
"conditional" dataset cases run too, with the W3C graphs loaded — see conftest.py), the
negative cases expecting 4xx, and the update cases *inverted* for a read-only endpoint:
the update gets a 4xx, the store is unchanged, a follow-up ASK answers false.

Requests go out through ``http.client`` with the manifest's exact bytes and headers: the
"no Content-Type" and UTF-16 cases need a client that adds nothing of its own.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph

from pipeline import store as store_mod

CASES = json.loads((Path(__file__).parent / "protocol" / "protocol-cases.json").read_text(encoding="utf-8"))["cases"]
SRX = "{http://www.w3.org/2005/sparql-results#}"


def send(server, req: dict) -> tuple[int, dict, bytes]:
    parts = urlsplit(server.url)
    path = req["path"]
    assert path.startswith("/sparql/")
    path = "/sparql" + path[len("/sparql/"):]
    if req.get("raw_query_string"):
        path += "?" + req["raw_query_string"]
    body = req.get("body")
    data = body.encode(req.get("body_encoding") or "utf-8") if body is not None else None
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        # skip_accept_encoding and no default Content-Type: exactly the manifest's headers
        conn.putrequest(req["method"], path, skip_accept_encoding=True)
        for k, v in (req.get("headers") or {}).items():
            conn.putheader(k, v)
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        elif req["method"] in ("POST", "PUT"):
            conn.putheader("Content-Length", "0")
        conn.endheaders(data)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def status_ok(status: int, classes: list[str]) -> bool:
    return any(str(status)[0] == c[0] for c in classes)


def parse_boolean(headers: dict, body: bytes) -> bool:
    ctype = headers.get("content-type", "").split(";")[0]
    if ctype == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    if ctype == "application/sparql-results+xml":
        return ET.fromstring(body).find(f"{SRX}boolean").text == "true"
    raise AssertionError(f"not a boolean result format: {ctype}")


def check_body(expect: dict, headers: dict, body: bytes) -> None:
    kind = expect.get("result_format")
    ctype = headers.get("content-type", "").split(";")[0]
    if kind == "boolean":
        value = parse_boolean(headers, body)
        if "boolean" in expect:
            assert value is expect["boolean"]
    elif kind == "tabular":
        fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML,
               "text/tab-separated-values": ox.QueryResultsFormat.TSV}.get(ctype)
        if ctype == "text/csv":
            assert body.splitlines()
        else:
            assert fmt is not None, ctype
            list(ox.parse_query_results(body, format=fmt))
    elif kind == "RDF":
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml"}[ctype]
        Graph().parse(data=body, format=fmt)


def fingerprint(server) -> tuple[str, str]:
    gen = store_mod.current(server.settings)
    st = ox.Store.read_only(str(gen.path))
    lines = sorted(str(q) for q in st)
    return gen.name, hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.mark.parametrize("case", [c for c in CASES if c["read_only_endpoint"] in ("applies", "conditional")],
                         ids=lambda c: c["id"])
def test_w3c_protocol_case(server, case):
    for req in case["requests"]:
        status, headers, body = send(server, req)
        expect = req["expect"]
        assert status_ok(status, expect["status_classes"]), (status, body[:300])
        if 200 <= status < 300:
            check_body(expect, headers, body)


@pytest.mark.parametrize("case", [c for c in CASES if c["read_only_endpoint"] == "not-applicable"],
                         ids=lambda c: c["id"])
def test_w3c_update_case_is_refused_and_changes_nothing(server, case):
    before = fingerprint(server)
    first, *rest = case["requests"]
    status, _, body = send(server, first)
    assert 400 <= status < 500, (status, body[:300])
    for req in rest:
        status, headers, body = send(server, req)
        assert 200 <= status < 300, (status, body[:300])
        if req["expect"].get("result_format") == "boolean":
            assert parse_boolean(headers, body) is False
    assert fingerprint(server) == before


def test_every_case_is_run():
    """34 cases: none silently dropped by the filters above."""
    assert len(CASES) == 34
    assert {c["read_only_endpoint"] for c in CASES} <= {"applies", "conditional", "not-applicable"}


def test_service_description_w3c_tests(server):
    """service-description/manifest.ttl: returns-rdf, has-endpoint-triple, conforms-to-schema."""
    status, headers, body = send(server, {"method": "GET", "path": "/sparql/", "headers": {"Accept": "text/turtle"}})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert list(g.query(f"ASK {{ ?s <{sd}endpoint> <{server.url}sparql> }}")).pop() is True
    assert not list(g.query(f"SELECT ?n WHERE {{ ?n a <{sd}NamedGraph> FILTER NOT EXISTS {{ ?n <{sd}name> ?x }} }}"))
