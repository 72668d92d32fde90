"""The ontology at its namespace, over real HTTP: the pyLODE page for browsers, RDF for the rest."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_IRI = URIRef("https://w3id.org/resgraph/ontology")
CHROMIUM_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def title() -> str:
    g = Graph().parse(ROOT / "ontology" / "resgraph.ttl", format="turtle")
    return str(g.value(ONTOLOGY_IRI, DCTERMS.title))


def vary(r) -> set[str]:
    return {v.strip().lower() for v in r.headers.get("vary", "").split(",") if v.strip()}


@pytest.mark.parametrize("accept", ["text/html", CHROMIUM_ACCEPT])
def test_browser_gets_the_pylode_page(http, title, accept):
    r = http.get("/ontology", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "accept" in vary(r)
    assert title == "resgraph ontology" and f"<title>{title}</title>" in r.text
    # the checked-in page, as pyLODE wrote it (not the fallback template)
    assert r.text == (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    assert 'id="ResolutionVersion"' in r.text
    links = r.headers["link"]
    for suffix in (".ttl", ".nt", ".jsonld", ".rdf"):
        assert f"</ontology{suffix}>" in links
    assert "</ontology.html>" not in links  # the page is not its own alternate


def test_html_suffix_gets_the_page_whatever_accept_says(http, title):
    r = http.get("/ontology.html", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f"<title>{title}</title>" in r.text


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/rdf+xml", "xml"), ("application/n-triples", "nt"),
                                         ("*/*", "turtle")])
def test_rdf_clients_get_the_ontology(http, accept, fmt):
    r = http.get("/ontology", headers={"Accept": accept})
    assert r.status_code == 200
    assert not r.headers["content-type"].startswith("text/html")
    assert "accept" in vary(r)
    g = Graph().parse(data=r.content, format=fmt)
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    # concepts.ttl comes along: the controlled lists are part of what /ontology serves
    assert (URIRef("https://w3id.org/resgraph/concept/action/MOD"), None, None) in g


def test_home_page_link_lands_on_the_pylode_page(http, title):
    class Anchors(HTMLParser):
        hrefs: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.hrefs.append(dict(attrs).get("href") or "")

    home = Anchors()
    home.hrefs = []
    home.feed(http.get("/", headers={"Accept": CHROMIUM_ACCEPT}).text)
    assert "/ontology" in home.hrefs
    r = http.get("/ontology", headers={"Accept": CHROMIUM_ACCEPT})
    assert f"<title>{title}</title>" in r.text and "pyLODE" in r.text


def test_unsupported_type_is_406(http):
    r = http.get("/ontology", headers={"Accept": "image/png"})
    assert r.status_code == 406
