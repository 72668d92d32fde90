"""Real clients against the running server: SPARQLWrapper, rdflib's SPARQLStore, raptor's rapper."""
from __future__ import annotations

import subprocess

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from .conftest import require_tool

CITES_QUERY = """PREFIX cito: <http://purl.org/spar/cito/>
PREFIX rg: <https://w3id.org/resgraph/ontology#>
SELECT ?clause ?cited WHERE { ?clause a rg:Clause ; cito:cites ?cited } ORDER BY ?clause"""


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json_and_xml(server, method):
    sw = SPARQLWrapper(server.url + "sparql")
    sw.setMethod(method)
    sw.setQuery(CITES_QUERY)
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]
    assert [r["cited"]["value"] for r in rows] == [server.uri("id/un/A/RES/70/1"), server.uri("id/resolution/pp/71")]
    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    assert len(doc.getElementsByTagName("result")) == 2


def test_sparqlwrapper_construct_and_errors(server):
    sw = SPARQLWrapper(server.url + "sparql")
    sw.setQuery(f"CONSTRUCT WHERE {{ <{server.uri('id/resolution/pp/11')}> ?p ?o }}")
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(g) == 8  # 6 asserted + 2 inferred cito:cites (union default graph)
    sw.setQuery("SELECT ?s WHERE { ?s ")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_rdflib_sparqlstore(server):
    store = SPARQLStore(server.url + "sparql", returnFormat="json")
    g = Graph(store=store)
    rows = list(g.query(CITES_QUERY))
    assert len(rows) == 2
    assert (URIRef(server.uri("id/resolution/pp/11")), None, None) in g


@pytest.mark.server
def test_rapper_dereferences_a_resolution(server, http):
    rapper = require_tool("rapper")
    uri = server.uri("id/resolution/pp/11")
    out = subprocess.run([rapper, "-q", "-g", "-o", "ntriples", uri], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = Graph().parse(data=out.stdout, format="nt")
    want = Graph().parse(data=http.get("/doc/resolution/pp/11.nt").content, format="nt")
    assert len(got) == 8 and isomorphic(got, want)


@pytest.mark.server
@pytest.mark.parametrize("accept_parser", ["turtle", "rdfxml", "ntriples"])
def test_rapper_reads_each_negotiated_format(server, accept_parser):
    rapper = require_tool("rapper")
    uri = server.uri("id/resolution/pp/11/dubai-2018/considering/a")
    out = subprocess.run([rapper, "-q", "-i", accept_parser, "-o", "ntriples", uri], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert len(Graph().parse(data=out.stdout, format="nt")) >= 10
