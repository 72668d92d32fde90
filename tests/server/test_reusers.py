"""For reusers (issue 18 item 7), over real HTTP: JSON-LD compacted against a published context,
``application/json``, validators and 304, gzip, the dataset licence, HTML error pages, canonical
links, schema.org ``Legislation``, local links for ontology terms and concepts.

Expected values come from the sources: the Final Acts (``pp18_final_acts_akn.xml``) for
Resolution 70 (Rev. Dubai, 2018); the corpus itself (over ``/sparql``) for which properties
and classes the context must name.
"""
from __future__ import annotations

import gzip
import json
import re
import time
from email.utils import format_datetime, parsedate_to_datetime
from datetime import timedelta
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF

from pipeline import store as store_mod

from .conftest import fixture_quads, free_port, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
FINAL_ACTS = ROOT / "data" / "sources" / "pp18-final-acts" / "pp18_final_acts_akn.xml"
V70 = "resolution/pp/70/dubai-2018"
CLAUSE70 = V70 + "/resolves/1"
DRAFT = "proposal/ACP/64A1/3/text"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def final_acts_resolution(number: str) -> dict:
    """What the Final Acts print about one resolution: its number as shown, adoption date, title."""
    tree = etree.parse(str(FINAL_ACTS), etree.XMLParser(resolve_entities=False, no_network=True))
    comp = tree.find(f".//{AKN}component[@eId='cmp_res_{number}']")
    work = comp.find(f".//{AKN}FRBRWork")
    title = " ".join(comp.find(f".//{AKN}container[@name='title']").itertext()).split()
    return {"shown": work.find(f"{AKN}FRBRnumber").get("showAs"),
            "date": work.find(f"{AKN}FRBRdate").get("date"),
            "title": " ".join(title)}


def jsonld_graph(client: httpx.Client, path: str) -> tuple[dict, Graph]:
    """The JSON-LD at ``path``, read with rdflib against the context the server publishes."""
    doc = client.get(path).json()
    ctx = client.get("/context.jsonld").json()
    assert doc["@context"].endswith("/context.jsonld")
    g = Graph().parse(data=json.dumps({**doc, "@context": ctx["@context"]}), format="json-ld")
    return doc, g


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        raise AssertionError("graphs differ:\nonly in JSON-LD:\n" + only_a.serialize(format="nt")[:3000]
                             + "\nonly in Turtle:\n" + only_b.serialize(format="nt")[:3000])


def node(doc: dict, suffix: str) -> dict:
    return next(n for n in doc["@graph"] if n["@id"].endswith(suffix))


# ------------------------------------------------------------------ JSON-LD ---

def test_context_names_every_property_and_class_of_the_corpus(corpus_http):
    """A term for each predicate and class the published corpus uses: no prefixed keys left."""
    ctx = corpus_http.get("/context.jsonld").json()["@context"]
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def iri(v) -> str:
        v = v["@id"] if isinstance(v, dict) else v
        p, _, local = v.partition(":")
        return prefixes[p] + local if p in prefixes else v

    named = {iri(v) for k, v in ctx.items() if not k.startswith("@") and k not in prefixes}

    def select(q: str) -> set[str]:
        r = corpus_http.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
        return {b["x"]["value"] for b in r.json()["results"]["bindings"]}

    predicates = select("SELECT DISTINCT ?x WHERE { ?s ?x ?o }") - {str(RDF.type)}
    classes = select("SELECT DISTINCT ?x WHERE { ?s a ?x FILTER isIRI(?x) }")
    assert len(predicates) > 100 and len(classes) > 40
    assert predicates - named == set()
    assert classes - named == set()


def test_jsonld_of_a_version_reads_back_as_its_turtle(corpus_http):
    doc, g = jsonld_graph(corpus_http, f"/doc/{V70}.jsonld")
    turtle = Graph().parse(data=corpus_http.get(f"/doc/{V70}.ttl").content, format="turtle")
    assert len(turtle) > 100
    assert_isomorphic(g, turtle)
    # compact: plain keys, single values alone, dates and IRIs coerced by the context
    assert all(":" not in k for n in doc["@graph"] for k in n)
    fa = final_acts_resolution("70")
    v = node(doc, V70)
    assert v["identifier"].casefold() == fa["shown"].casefold()     # RESOLUTION 70 (REV. DUBAI, 2018)
    assert v["date_document"] == fa["date"]                          # 2018-11-15, a plain string
    assert v["title"].startswith(fa["title"])                        # English text, no value object
    assert v["isVersionOf"].endswith("/id/resolution/pp/70")         # an IRI, a plain string
    assert isinstance(v["has_part"], list) and "ResolutionVersion" in v["@type"]


def test_jsonld_of_a_clause_has_typed_numbers_and_reads_back(corpus_http):
    doc, g = jsonld_graph(corpus_http, f"/doc/{CLAUSE70}.jsonld")
    assert_isomorphic(g, Graph().parse(data=corpus_http.get(f"/doc/{CLAUSE70}.ttl").content, format="turtle"))
    c = node(doc, CLAUSE70)
    assert c["position"] == 1 and type(c["position"]) is int        # resolves 1: the first clause
    assert type(c["lineStart"]) is int and c["lineStart"] > 0
    assert c["text"].startswith("to continue the work being done at ITU")
    # the same literals as in Turtle: "1"^^xsd:integer, not a string
    subject = URIRef(c["@id"])
    assert g.value(subject, URIRef("https://w3id.org/resgraph/ontology#position")) == Literal(1)


@pytest.mark.parametrize("path", [DRAFT, "un/A/RES/70/1", "ontology"])
def test_other_jsonld_documents_read_back(corpus_http, path):
    """A proposed text, a UN resolution known mostly by citations, the ontology (lists, many
    vocabularies): each the same graph as its Turtle."""
    prefix = "/" if path == "ontology" else "/doc/"
    _, g = jsonld_graph(corpus_http, f"{prefix}{path}.jsonld")
    assert_isomorphic(g, Graph().parse(data=corpus_http.get(f"{prefix}{path}.ttl").content, format="turtle"))


def test_application_json_is_the_jsonld(corpus_http):
    r = corpus_http.get(f"/doc/{V70}", headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["content-location"] == f"/doc/{V70}.json"
    assert r.json() == corpus_http.get(f"/doc/{V70}.jsonld").json()
    fixed = corpus_http.get(f"/doc/{V70}.json")
    assert fixed.headers["content-type"].startswith("application/json") and fixed.json() == r.json()
    # SPARQL results keep their own JSON
    s = corpus_http.get("/sparql", params={"query": "SELECT ?x WHERE { VALUES ?x { 1 } }"},
                        headers={"Accept": "application/json"})
    assert s.headers["content-type"].startswith("application/sparql-results+json")
    assert s.json()["results"]["bindings"][0]["x"]["value"] == "1"


# ------------------------------------------------------------- validators ---

@pytest.mark.parametrize("path,accept", [
    (f"/doc/{V70}.ttl", None), (f"/doc/{V70}", "application/ld+json"), (f"/doc/{V70}", BROWSER),
    (f"/doc/{V70}.akn.xml", None), ("/ontology.ttl", None), ("/ontology", BROWSER), ("/context.jsonld", None),
    ("/static/style.css", None),
])
def test_etag_and_last_modified_round_trip_to_304(corpus_http, path, accept):
    for encoding in ("identity", "gzip"):
        headers = {"Accept-Encoding": encoding, **({"Accept": accept} if accept else {})}
        first = corpus_http.get(path, headers=headers)
        assert first.status_code == 200
        tag, modified = first.headers["etag"], first.headers["last-modified"]
        assert tag.startswith('"') or (encoding == "gzip" and tag.startswith('W/"'))
        again = corpus_http.get(path, headers={**headers, "If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"].removeprefix("W/") == tag.removeprefix("W/")
        assert corpus_http.get(path, headers={**headers, "If-Modified-Since": modified}).status_code == 304
        older = format_datetime(parsedate_to_datetime(modified) - timedelta(days=1), usegmt=True)
        assert corpus_http.get(path, headers={**headers, "If-Modified-Since": older}).status_code == 200
        other = corpus_http.get(path, headers={**headers, "If-None-Match": '"not-this-one"', "If-Modified-Since": modified})
        assert other.status_code == 200 and other.content == first.content  # If-None-Match wins


def test_formats_and_hosts_have_their_own_tags(corpus_http):
    tags = {corpus_http.get(f"/doc/{V70}{s}").headers["etag"] for s in (".ttl", ".nt", ".jsonld", ".json", ".rdf", ".html")}
    assert len(tags) == 6
    a = corpus_http.get(f"/doc/{V70}.jsonld", headers={"Host": "a.example:8001"}).headers["etag"]
    assert a not in tags  # the @context URL differs with the host


@pytest.mark.parametrize("header,value", [
    ("If-None-Match", "garbage"), ("If-None-Match", '"' + "x" * 5000 + '"'), ("If-None-Match", ", , W/"),
    ("If-Modified-Since", "yesterday"), ("If-Modified-Since", "Mon, 99 Foo 2024 99:99:99 GMT"),
    ("If-Modified-Since", "2026-12-01"),
])
def test_odd_validators_get_the_full_answer(corpus_http, header, value):
    r = corpus_http.get(f"/doc/{V70}.ttl", headers={header: value})
    assert r.status_code == 200 and r.content.startswith(b"@prefix")


def test_a_rebuild_changes_the_tags(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    srv = start_server(tmp_path, port=port)
    try:
        with httpx.Client(base_url=base.rstrip("/"), timeout=20) as c:
            path = "/doc/resolution/pp/11.ttl"
            before = c.get(path)
            tag = before.headers["etag"]
            assert c.get(path, headers={"If-None-Match": tag}).status_code == 304
            extra = ox.Quad(ox.NamedNode(base + "id/resolution/pp/11"), ox.NamedNode(str(DCTERMS.description)),
                            ox.Literal("rebuilt", language="en"), ox.NamedNode(base + "graph/document/new"))
            time.sleep(1.1)  # a new publication second, so that Last-Modified moves too
            store_mod.publish([*fixture_quads(base), extra], {"base": base}, settings=srv.settings)
            after = c.get(path, headers={"If-None-Match": tag})
            assert after.status_code == 200 and b"rebuilt" in after.content
            assert after.headers["etag"] != tag
            assert parsedate_to_datetime(after.headers["last-modified"]) > parsedate_to_datetime(before.headers["last-modified"])
    finally:
        stop_server(srv)


# ------------------------------------------------------------ compression ---

def raw_get(client: httpx.Client, path: str, **headers) -> tuple[httpx.Response, bytes]:
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip", **headers}) as r:
        return r, b"".join(r.iter_raw())


@pytest.mark.parametrize("path,accept,at_most", [
    (f"/doc/{V70}", BROWSER, 0.35), (f"/doc/{V70}.ttl", None, 0.35), (f"/doc/{V70}.jsonld", None, 0.35),
    ("/static/yasgui/yasgui.min.js", None, 0.35), ("/static/style.css", None, 0.6),
])
def test_pages_documents_and_assets_are_gzipped(corpus_http, path, accept, at_most):
    r, raw = raw_get(corpus_http, path, **({"Accept": accept} if accept else {}))
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in r.headers["vary"].lower()
    plain = gzip.decompress(raw)
    assert plain == corpus_http.get(path, headers={"Accept-Encoding": "identity", **({"Accept": accept} if accept else {})}).content
    assert len(raw) <= at_most * len(plain), (len(raw), len(plain))


def test_small_answers_and_identity_clients_are_not_gzipped(corpus_http):
    r, raw = raw_get(corpus_http, "/doc/nothing-here.ttl")  # a one-line 404
    assert r.status_code == 404 and "content-encoding" not in r.headers and raw.startswith(b"no resource")
    r = corpus_http.get(f"/doc/{V70}.ttl", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers


def test_dump_is_not_gzipped_twice(http):
    r, raw = raw_get(http, "/dumps/resgraph.nq.gz")
    assert r.status_code == 200 and r.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in r.headers
    nquads = gzip.decompress(raw)
    assert not nquads.startswith(b"\x1f\x8b")
    assert nquads.split(b"\n", 1)[0].rstrip().endswith(b" .")


@pytest.mark.parametrize("accept,limit,truncated", [
    ("application/sparql-results+json", "", "true"),   # past the fixture server's row limit of 50: labelled
    ("text/csv", "LIMIT 40", None),
    ("text/turtle", "LIMIT 40", None),
])
def test_sparql_answers_are_gzipped_and_unchanged(http, accept, limit, truncated):
    verb = "CONSTRUCT { ?s ?p ?o }" if accept == "text/turtle" else "SELECT ?s ?p ?o"
    q = f"{verb} WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o {limit}"
    r, raw = raw_get(http, "/sparql?" + str(httpx.QueryParams({"query": q})), Accept=accept)
    assert r.status_code == 200, raw[:300]
    assert r.headers["content-encoding"] == "gzip"
    plain = http.get("/sparql", params={"query": q}, headers={"Accept": accept, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(raw) == plain.content
    assert r.headers.get("x-resgraph-truncated") == plain.headers.get("x-resgraph-truncated") == truncated


# ----------------------------------------------------------------- licence ---

def test_void_names_the_licence(corpus_http):
    g = Graph().parse(data=corpus_http.get("/.well-known/void", headers={"Accept": "text/turtle"}).content, format="turtle")
    ds = next(g.subjects(RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))
    datasets = set(g.subjects(DCTERMS.license, URIRef(CC_BY)))
    assert datasets and all((d, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in g for d in datasets)
    rights = " ".join(str(o) for d in datasets for o in g.objects(d, DCTERMS.rights))
    assert "ITU" in rights and "United Nations" in rights and ds is not None


@pytest.mark.parametrize("path", ["/", "/query", "/validation", f"/doc/{V70}", f"/doc/{CLAUSE70}", "/doc/nothing-here"])
def test_every_page_carries_the_licence(corpus_http, path):
    r = corpus_http.get(path, headers={"Accept": BROWSER})
    assert r.headers["content-type"].startswith("text/html")
    footer = r.text[r.text.index('<footer class="site">'):]
    assert f'<a rel="license" href="{CC_BY}">CC BY 4.0</a>' in footer
    assert f'<link rel="license" href="{CC_BY}">' in r.text


# ------------------------------------------------------------- error pages ---

@pytest.mark.parametrize("path,status,says", [
    ("/doc/resolution/pp/999", 404, "no resource"),
    ("/no/such/page", 404, "There is no page at /no/such/page."),
    ("/sparql?query=SELEKT", 400, "SPARQL syntax error"),
    (f"/doc/{CLAUSE70}.akn.xml", 404, "is not a text"),
])
def test_browsers_get_html_error_pages(corpus_http, path, status, says):
    r = corpus_http.get(path, headers={"Accept": BROWSER})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert "Accept" in r.headers["vary"]
    assert f"<h1>{status} · " in r.text and says in r.text
    for href in ('href="/"', 'href="/search"', 'href="/id/resolution"'):
        assert href in r.text
    assert 'nav aria-label="Where to go from here"' in r.text


def test_a_406_for_a_browser_is_a_page_too(corpus_http):
    r = corpus_http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/html, image/png;q=0.5"})
    assert r.status_code == 406 and r.headers["content-type"].startswith("text/html")
    assert "application/sparql-results+json" in r.text


@pytest.mark.parametrize("accept", [None, "*/*", "text/plain", "text/turtle", ";;;", "text/html;q=0.5, text/plain"])
def test_other_clients_keep_the_plain_line(corpus_http, accept):
    headers = {"Accept": accept} if accept is not None else {}
    r = corpus_http.get("/doc/resolution/pp/999", headers=headers)
    assert r.status_code in (404, 400)
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text.count("\n") == 1 and "<" not in r.text


def test_head_of_an_error_page_has_no_body(corpus_http):
    r = corpus_http.head("/doc/resolution/pp/999", headers={"Accept": BROWSER})
    assert r.status_code == 404 and r.content == b"" and r.headers["content-type"].startswith("text/html")


# ------------------------------------------------ canonical and schema.org ---

def page_head(client: httpx.Client, path: str) -> str:
    r = client.get(path, headers={"Accept": BROWSER}, follow_redirects=True)
    assert r.status_code == 200
    return r.text[: r.text.index("</head>")]


@pytest.mark.parametrize("path", [f"/doc/{V70}", f"/id/{V70}", f"/doc/{V70}.html", f"/doc/{CLAUSE70}"])
def test_canonical_link_names_the_doc_page(corpus_server, corpus_http, path):
    stem = CLAUSE70 if "resolves" in path else V70
    head = page_head(corpus_http, path)
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', head) == [f"{corpus_server.url}doc/{stem}"]


def schema_org(head: str) -> list[dict]:
    return [json.loads(s) for s in re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)]


def test_schema_org_legislation_of_an_adopted_text(corpus_server, corpus_http):
    [s] = schema_org(page_head(corpus_http, f"/doc/{V70}"))
    fa = final_acts_resolution("70")
    assert s["@context"] == "https://schema.org" and s["@type"] == "Legislation"
    assert s["legislationIdentifier"].casefold() == fa["shown"].casefold()
    assert s["legislationIdentifier"] == "Resolution 70 (Rev. Dubai, 2018)"  # as the Final Acts' text cites it
    assert s["legislationDate"] == fa["date"]
    assert s["name"].startswith(fa["title"])
    assert s["inLanguage"] == "en"
    assert s["legislationPassedBy"]["name"] == "Plenipotentiary Conference"
    assert s["legislationLegalForce"] == "https://schema.org/InForce"
    assert s["exampleOfWork"]["url"] == f"{corpus_server.url}doc/resolution/pp/70"
    assert [p["name"] for p in s["isPartOf"]] == ["FINAL ACTS of the Plenipotentiary Conference (Dubai, 2018)"]
    # the parts in the order of the text: the preamble's "recalling" first, "resolves" before "instructs"
    names = [p["name"] for p in s["hasPart"]]
    assert names[0] == "recalling" and names.index("resolves") < names.index("instructs the Secretary-General")
    assert s["url"] == f"{corpus_server.url}doc/{V70}"


def test_schema_org_of_a_proposed_and_a_un_text_and_none_for_a_clause(corpus_http):
    [draft] = schema_org(page_head(corpus_http, f"/doc/{DRAFT}"))
    assert "legislationLegalForce" not in draft and draft["creativeWorkStatus"]
    assert draft["legislationIdentifier"] == "Resolution 11 (Rev. Dubai, 2018) as proposed in ACP/64A1/3"
    [un] = schema_org(page_head(corpus_http, "/doc/un/A/RES/80/16"))
    front = (ROOT / "data" / "sources" / "un-ga-80" / "A_RES_80_16.md").read_text(encoding="utf-8")
    assert un["legislationIdentifier"] == "A/RES/80/16" and "A/RES/80/16" in front
    assert un["sameAs"] == ["https://undocs.org/A/RES/80/16"]
    assert schema_org(page_head(corpus_http, f"/doc/{CLAUSE70}")) == []


# -------------------------------------------------------------- local links ---

def test_terms_and_concepts_link_to_local_pages(corpus_http):
    r = corpus_http.get(f"/doc/{CLAUSE70}", headers={"Accept": BROWSER})
    assert 'href="/ontology#text"' in r.text and 'href="/ontology#Clause"' in r.text
    assert 'href="https://w3id.org/resgraph' not in r.text
    concept = re.search(r'href="(/doc/concept/label-change/[a-z-]+)"', r.text).group(1)
    page = corpus_http.get(concept, headers={"Accept": BROWSER})
    assert page.status_code == 200 and "skos" not in page.headers["content-type"]
    ttl = Graph().parse(data=corpus_http.get(concept + ".ttl").content, format="turtle")
    iri = URIRef("https://w3id.org/resgraph/concept/" + concept[len("/doc/concept/"):])
    assert (iri, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in ttl
    see = corpus_http.get("/id/concept/label-change/unchanged")
    assert see.status_code == 303 and see.headers["location"] == "/doc/concept/label-change/unchanged"
    assert corpus_http.get("/doc/concept/label-change/no-such-thing").status_code == 404
