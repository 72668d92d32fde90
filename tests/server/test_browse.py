"""Browse at hackable URLs (issue 18, item 1) and the home page's example questions, on a real
server over the default corpus (``corpus_http``).

Expected values come from the sources, not from the pages: Resolution 123 is in PP-18's Final
Acts (``<FRBRnumber value="res-123" …>``), Resolution 70 too (``res-70``) and the APT's seed
proposes its revision in ACP/64A1/7 (``MOD\tACP/64A1/7`` then ``RESOLUTION 70 (Rev. Busan,
2014dubai, 2018)``); ACP/64A1/1 is ``NOC`` (the Constitution), ACP/64A1/20 ``SUP`` (Resolution 185);
the General Assembly resolutions are the files of ``data/sources/un-ga-80``.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from pipeline.rdf.vocab import RG, concept

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "data" / "sources"
FINAL_ACTS = SOURCES / "pp18-final-acts" / "pp18_final_acts_akn.xml"
SEED = SOURCES / "000_e6762f12f0311554.txt"
HTML = {"Accept": "text/html"}
DCMITYPE_COLLECTION = URIRef("http://purl.org/dc/dcmitype/Collection")


def _final_acts_resolutions() -> set[str]:
    return set(re.findall(r'<FRBRnumber value="res-(\d+)"', FINAL_ACTS.read_text(encoding="utf-8")))


def _ga_80_numbers() -> list[str]:
    return [m.group(1) for p in (SOURCES / "un-ga-80").glob("A_RES_80_*.md")
            if (m := re.fullmatch(r"A_RES_80_(\d+)\.md", p.name))]


def _row_order(page: str) -> list[str]:
    """The resolution numbers of a list page, in the order shown."""
    return re.findall(r'<tr id="r-([^"]+)" class="resolution">', page)


def _row(page: str, number: str) -> str:
    m = re.search(rf'<tr id="r-{re.escape(number)}" class="resolution">(.*?)</tr>', page, re.S)
    assert m, f"no row for Resolution {number}"
    return m.group(1)


# ------------------------------------------------------------ resolutions ---

def test_resolution_list_redirects_and_orders_numbers_as_numbers(corpus_http):
    assert {"25", "101", "123", "70"} <= _final_acts_resolutions()   # the sources hold them
    r = corpus_http.get("/id/resolution/pp", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/doc/resolution/pp"
    page = corpus_http.get("/doc/resolution/pp", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    order = _row_order(page.text)
    assert "123" in order
    assert order.index("25") < order.index("101") < order.index("123")
    numeric = [int(n) for n in order if n.isdigit()]
    assert numeric == sorted(numeric)
    # every resolution PP-18 adopted is listed, with an adopted text
    for n in _final_acts_resolutions():
        assert "status-adopted" in _row(page.text, n), n


def test_resolution_70_shows_adopted_dubai_text_and_the_apt_draft_as_proposed(corpus_http):
    page = corpus_http.get("/doc/resolution/pp", headers=HTML).text
    row = _row(page, "70")
    adopted = re.search(r'<li class="version status-adopted"><a href="([^"]+)"[^>]*>([^<]+)</a>', row)
    assert adopted and adopted.group(1) == "/id/resolution/pp/70/dubai-2018" and adopted.group(2) == "Dubai, 2018"
    proposed = re.search(r'<li class="version status-proposed"><a href="([^"]+)"[^>]*>([^<]+)</a>', row)
    assert proposed and proposed.group(1) == "/id/proposal/ACP/64A1/7/text"
    assert "ACP/64A1/7" in proposed.group(2)
    # Busan 2014 is cited (the seed's heading), not held as a text
    assert re.search(r'status-referenced"><a href="/id/resolution/pp/70/busan-2014"', row)
    # clause counts are shown for the texts (Resolution 70 has numbered "resolves" clauses)
    assert re.search(r"adopted text</span> <small>\d+ clauses</small>", row)


def test_bodies_list_links_each_body_list(corpus_http):
    page = corpus_http.get("/doc/resolution", headers=HTML)
    assert page.status_code == 200
    assert 'href="/id/resolution/pp"' in page.text
    # the seed cites WTDC resolutions (e.g. Resolution 37 of WTDC): WTDC has a list too
    assert 'href="/id/resolution/wtdc"' in page.text
    assert corpus_http.get("/doc/resolution/wtdc", headers=HTML).status_code == 200
    # the GA's resolutions are listed by UN symbol
    assert 'href="/id/un/A/RES"' in page.text


def test_breadcrumbs_lead_up_the_hierarchy(corpus_http):
    page = corpus_http.get("/doc/resolution/pp", headers=HTML).text
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', crumbs) == ["/", "/id/resolution"]
    un = corpus_http.get("/doc/un/A/RES/80", headers=HTML).text
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', un, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', crumbs) == ["/", "/id/un", "/id/un/A/RES"]


def test_unknown_body_is_404_with_a_clear_message(corpus_http):
    for path in ("/id/resolution/xyz", "/doc/resolution/xyz", "/doc/resolution/xyz.ttl"):
        r = corpus_http.get(path, headers=HTML)
        assert r.status_code == 404, path
        # a browser gets the HTML error page (the quotes escaped), other clients the plain line
        assert ("'xyz'" in r.text or "&#39;xyz&#39;" in r.text) and "pp" in r.text, r.text


# ----------------------------------------------------------------- RDF ---

def test_resolution_list_in_turtle_names_resolution_70(corpus_http, corpus_server):
    r = corpus_http.get("/doc/resolution/pp.ttl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    me = URIRef(corpus_server.uri("id/resolution/pp"))
    res70 = URIRef(corpus_server.uri("id/resolution/pp/70"))
    assert (me, RDF.type, DCMITYPE_COLLECTION) in g
    assert (me, DCTERMS.hasPart, res70) in g
    assert (me, DCTERMS.hasPart, URIRef(corpus_server.uri("id/resolution/pp/123"))) in g
    assert (me, DCTERMS.isPartOf, URIRef(corpus_server.uri("id/resolution"))) in g
    adopted = URIRef(corpus_server.uri("id/resolution/pp/70/dubai-2018"))
    assert (res70, DCTERMS.hasVersion, adopted) in g
    assert (adopted, URIRef(str(RG.status)), concept("text-status", "adopted-text")) in g


def test_resolution_list_negotiates_json_ld_and_n_triples(corpus_http, corpus_server):
    r = corpus_http.get("/doc/resolution/pp", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert r.headers["content-location"] == "/doc/resolution/pp.jsonld" and "Accept" in r.headers["vary"]
    json.loads(r.text)
    g = Graph().parse(data=r.text, format="json-ld", base=corpus_server.url)
    assert (URIRef(corpus_server.uri("id/resolution/pp")), DCTERMS.hasPart, URIRef(corpus_server.uri("id/resolution/pp/70"))) in g
    nt = corpus_http.get("/doc/resolution/pp", headers={"Accept": "application/n-triples"})
    assert nt.status_code == 200 and nt.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=nt.text, format="nt")) == len(Graph().parse(data=corpus_http.get("/doc/resolution/pp.ttl").text, format="turtle"))
    assert corpus_http.get("/doc/resolution/pp", headers={"Accept": "image/png"}).status_code == 406
    # a list is not a text: no Akoma Ntoso form
    assert corpus_http.get("/doc/resolution/pp.akn.xml").status_code == 404


# ------------------------------------------------------------------ UN ---

def test_un_session_lists_the_41_general_assembly_resolutions(corpus_http):
    numbers = _ga_80_numbers()
    assert len(numbers) == 41
    r = corpus_http.get("/id/un/A/RES/80", headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == "/doc/un/A/RES/80"
    page = corpus_http.get("/doc/un/A/RES/80", headers=HTML).text
    listed = re.findall(r'<th scope="row"><a href="/id/un/A/RES/80/(\d+)">A/RES/80/\1</a>', page)
    assert sorted(listed, key=int) == sorted(numbers, key=int)
    assert listed == sorted(listed, key=int)          # 80/9 before 80/10
    assert page.count('<span class="status status-adopted">adopted text</span>') == 41   # each read in full


def test_un_series_and_their_sessions(corpus_http):
    page = corpus_http.get("/doc/un", headers=HTML).text
    for series in ("A/RES", "S/RES", "A/DEC"):       # A/RES/70/1, S/RES/2282(2016), A/DEC/77/512 are cited in the corpus
        assert f'href="/id/un/{series}"' in page, series
    ares = corpus_http.get("/doc/un/A/RES", headers=HTML).text
    assert 'href="/id/un/A/RES/80"' in ares and 'href="/id/un/A/RES/70"' in ares


def test_list_paths_never_shadow_resources(corpus_http):
    # a UN resolution and its parts stay linked-data resources
    r = corpus_http.get("/doc/un/A/RES/80/16", headers=HTML)
    assert r.status_code == 200 and 'class="browse"' not in r.text
    assert corpus_http.get("/id/resolution/pp/70", headers=HTML).status_code == 303
    # a series or session that does not exist is linked data's 404, not an empty list
    assert corpus_http.get("/id/un/A/RES/99", headers=HTML).status_code == 404
    assert corpus_http.get("/id/un/ZZZ", headers=HTML).status_code == 404


# ----------------------------------------------------------- proposals ---

def test_proposals_grouped_by_document_with_their_actions(corpus_http):
    seed = SEED.read_text(encoding="utf-8")
    assert re.search(r"^NOC\s+ACP/64A1/1\s*$", seed, re.M) and re.search(r"^SUP\s+ACP/64A1/20\s*$", seed, re.M)
    assert re.search(r"^MOD\s+ACP/64A1/7\s*$", seed, re.M)
    r = corpus_http.get("/id/proposal", headers=HTML)
    assert r.status_code == 303
    page = corpus_http.get("/doc/proposal", headers=HTML).text
    assert 'href="/id/document/pp18-64-add1"' in page

    def action(symbol: str) -> str:
        m = re.search(rf'<a href="/id/proposal/{re.escape(symbol)}">{re.escape(symbol)}</a>.*?<abbr class="action[^"]*"[^>]*>(\w+)</abbr>',
                      page, re.S)
        assert m, symbol
        return m.group(1)

    assert action("ACP/64A1/1") == "NOC"
    assert action("ACP/64A1/20") == "SUP"
    assert action("ACP/64A1/7") == "MOD"
    row7 = re.search(r'<a href="/id/proposal/ACP/64A1/7">.*?</tr>', page, re.S).group(0)
    assert 'href="/id/resolution/pp/70"' in row7
    symbols = re.findall(r'<th scope="row"><a href="/id/proposal/ACP/64A1/(\d+)">', page)
    assert len(symbols) == 25 and symbols == sorted(symbols, key=int)


def test_documents_list(corpus_http):
    page = corpus_http.get("/doc/document", headers=HTML).text
    assert 'href="/id/document/pp18-64-add1"' in page and "000_e6762f12f0311554.txt" in page
    assert 'href="/id/document/pp18-final-acts-akn"' in page
    assert len(re.findall(r'<th scope="row"><a href="/id/document/', page)) == 1 + 1 + len(_ga_80_numbers())


# ---------------------------------------------------------- home page ---

def test_home_links_browse_and_nav_has_browse(corpus_http):
    page = corpus_http.get("/", headers=HTML).text
    for path in ("/id/resolution", "/id/resolution/pp", "/id/un", "/id/proposal", "/id/document"):
        assert f'href="{path}"' in page, path
    assert re.search(r'<header class="site">.*?<a href="/id/resolution">Browse</a>', page, re.S)


def _home_example(corpus_http, starts: str) -> str:
    page = corpus_http.get("/", headers=HTML).text
    for href, question in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', page):
        if html.unescape(question).startswith(starts):
            return parse_qs(urlsplit(html.unescape(href)).query)["query"][0]
    raise AssertionError(f"no example question starting {starts!r}")


def test_home_example_citing_2030_agenda_finds_123_and_orders_numerically(corpus_http, corpus_server):
    query = _home_example(corpus_http, "Which clauses cite UN General Assembly resolution A/RES/70/1")
    r = corpus_http.get("/sparql?" + urlencode({"query": query}), headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    rows = r.json()["results"]["bindings"]
    pp = corpus_server.uri("id/resolution/pp/")
    adopted = [int(b["number"]["value"]) for b in rows
               if b["resolution"]["value"].startswith(pp) and b.get("textStatus", {}).get("value") == "adopted-text"]
    # Resolution 123 (Rev. Dubai, 2018), "recognizing further": "...the 2030 Agenda for Sustainable
    # Development," in an unnumbered paragraph (Final Acts, res-123)
    assert 123 in adopted
    assert adopted == sorted(adopted) and adopted.index(25) < adopted.index(101)


def test_home_example_resolutions_orders_numerically_and_keeps_123(corpus_http, corpus_server):
    query = _home_example(corpus_http, "Resolutions and their texts")
    rows = corpus_http.get("/sparql?" + urlencode({"query": query}),
                           headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    pp = [b for b in rows if b["body"]["value"] == "pp" and b.get("number", {}).get("value", "").isdigit()]
    numbers = [int(b["number"]["value"]) for b in pp]
    assert numbers == sorted(numbers)
    statuses = {b.get("textStatus", {}).get("value") for b in pp if b["number"]["value"] == "123"}
    assert {"adopted-text", "proposed-text"} <= statuses
