"""/search on the default corpus (issue 18 item 2), its bad input, and the index per generation.

Expected hits come from reading the sources, not from the index:

* ``data/sources/pp18-final-acts/pp18_final_acts_akn.xml`` line 11139: Resolution 169
  (Rev. Dubai, 2018), *considering* d) "that the Kaleidoscope event, held annually since
  2008, is an ITU initiative to strengthen cooperation with academia …"; line 16483,
  Resolution 207, *noting* a) "that the Kaleidoscope event, held annually since 2008, has
  increased dialogue …" (the only two places with those words);
* ``data/sources/un-ga-80/A_RES_80_10.md``: operative paragraph 1 "Decides to proclaim
  5 September of each year as the International Day of the World’s Indigenous Women and
  Girls", and the resolution's title "International Day of the World’s Indigenous Women and Girls";
* the seed (``000_e6762f12f0311554.txt``) proposes Resolution 70 with "the results achieved
  by the Working Group on Gender ITU’s internal Gender Task Force" (flattened change), the
  Final Acts adopted "the results achieved by ITU's internal Gender Task Force" (line 3555).
"""
from __future__ import annotations

import re
import sqlite3
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline import search as search_mod
from pipeline import store as store_mod
from pipeline.search.index import parse_query
from pipeline.settings import Settings

from .conftest import fixture_quads, start_server, stop_server

JSON = {"Accept": "application/json"}


def search(http, **params):
    r = http.get("/search", params=params, headers=JSON)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


# ------------------------------------------------------------------ finding ---

def test_final_acts_phrase_finds_its_clause(corpus_http, corpus_server):
    both = search(corpus_http, q='"Kaleidoscope event, held annually since 2008"')
    assert sorted(h["uri"] for h in both["results"]) == [
        corpus_server.base + "id/resolution/pp/169/dubai-2018/considering/d",
        corpus_server.base + "id/resolution/pp/207/dubai-2018/noting/a"]
    body = search(corpus_http, q='"Kaleidoscope event, held annually since 2008, is an ITU initiative"')
    want = corpus_server.base + "id/resolution/pp/169/dubai-2018/considering/d"
    assert body["total"] == 1, body
    top = body["results"][0]
    assert top["uri"] == want
    assert top["href"] == "/doc/resolution/pp/169/dubai-2018/considering/d"
    assert top["text"] == corpus_server.base + "id/resolution/pp/169/dubai-2018"
    assert top["label"] == "Resolution 169 (Rev. Dubai, 2018), considering d"
    assert (top["kind"], top["body"], top["year"], top["verb"]) == ("adopted", "pp", "2018", "considering")
    assert "Kaleidoscope" in top["snippet"]
    # the link opens the clause's own page, which shows the same words
    page = corpus_http.get(top["href"], headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "held annually since 2008" in page.text


def test_un_resolution_phrase_and_title(corpus_http, corpus_server):
    body = search(corpus_http, q='"proclaim 5 September"')
    uris = [h["uri"] for h in body["results"]]
    assert corpus_server.base + "id/un/A/RES/80/10/operative/1" in uris
    hit = body["results"][uris.index(corpus_server.base + "id/un/A/RES/80/10/operative/1")]
    assert (hit["kind"], hit["body"], hit["year"], hit["verb"]) == ("un", "unga", "2025", "decides")
    titles = search(corpus_http, q="Indigenous Women and Girls", kind="un")
    title_hits = [h for h in titles["results"] if h["field"] == "title"]
    assert [h["uri"] for h in title_hits] == [corpus_server.base + "id/un/A/RES/80/10"]


def test_words_in_any_form_prefix_or_and_exclusion(corpus_http):
    kaleidoscope = search(corpus_http, q="kaleidoscope")["total"]
    assert kaleidoscope >= 3  # Res 169 considering d, instructs TSB, the Res 71 annex (read in the XML)
    assert search(corpus_http, q="kaleidoscop*")["total"] >= kaleidoscope
    assert search(corpus_http, q="Kaleidoscopes")["total"] == kaleidoscope  # stemmed: the same word
    either = search(corpus_http, q="kaleidoscope OR EQUALS")["total"]
    assert either > kaleidoscope
    without = search(corpus_http, q="kaleidoscope -academia")
    assert without["total"] < kaleidoscope
    assert all("academia" not in h["snippet"].lower() for h in without["results"])


def test_kind_facet_proposed_returns_only_drafts(corpus_http, corpus_server):
    everything = search(corpus_http, q="Gender Task Force")
    kinds = {f["value"]: f["count"] for f in everything["facets"]["kind"]}
    assert kinds.get("proposed") and kinds.get("adopted")
    drafts = search(corpus_http, q="Gender Task Force", kind="proposed")
    assert drafts["total"] == kinds["proposed"]
    assert drafts["filters"] == {"kind": "proposed"}
    assert drafts["results"]
    for h in drafts["results"]:
        assert h["kind"] == "proposed"
        assert h["uri"].startswith(corpus_server.base + "id/proposal/"), h["uri"]
    assert any(h["uri"] == corpus_server.base + "id/proposal/ACP/64A1/7/text/considering/b" for h in drafts["results"])
    adopted = search(corpus_http, q="Gender Task Force", kind="adopted")
    assert all("/id/proposal/" not in h["uri"] for h in adopted["results"])


def test_body_verb_addressee_year_facets(corpus_http, corpus_server):
    un = search(corpus_http, q="gender", body="unga")
    assert un["total"] > 0
    assert all(h["uri"].startswith(corpus_server.base + "id/un/") and h["body"] == "unga" for h in un["results"])
    assert [f["value"] for f in un["facets"]["year"]] == ["2025"]
    # counts of one facet add up to the total (every hit has one kind)
    allg = search(corpus_http, q="gender")
    assert sum(f["count"] for f in allg["facets"]["kind"]) == allg["total"]
    bodies = {f["value"]: f for f in allg["facets"]["body"]}
    assert bodies["unga"]["count"] == un["total"]
    assert bodies["pp"]["label"] == "Plenipotentiary Conference"
    decides = search(corpus_http, q="proclaim", verb="decides")
    assert decides["total"] > 0 and all(h["verb"] == "decides" for h in decides["results"])
    ms = search(corpus_http, q="gender", addressee="member-states")
    assert ms["total"] > 0 and all("member-states" in h["addressees"] for h in ms["results"])
    labels = {f["value"]: f["label"] for f in allg["facets"]["addressee"]}
    assert labels["director-bdt"] == "Director of the Telecommunication Development Bureau"
    y = search(corpus_http, q="gender", year="2018")
    assert y["total"] == allg["total"] - un["total"]


def test_json_shape_and_paging(corpus_http):
    body = search(corpus_http, q="developing countries", format="json")
    assert set(body) >= {"query", "understood", "filters", "total", "page", "page_size", "pages", "results", "facets",
                         "generation"}
    assert body["understood"] == ["developing", "countries"]
    assert body["page"] == 1 and body["page_size"] == 20 and len(body["results"]) == 20
    assert body["pages"] == -(-body["total"] // 20)
    assert set(body["facets"]) == {"kind", "body", "year", "verb", "addressee"}
    for f in body["facets"]["kind"]:
        assert set(f) == {"value", "label", "count", "selected"}
    h = body["results"][0]
    assert set(h) >= {"uri", "label", "href", "text", "text_label", "text_href", "resolution", "kind", "body", "year",
                      "verb", "addressees", "snippet", "field"}
    second = search(corpus_http, q="developing countries", page=2)
    assert second["page"] == 2
    assert not {r["uri"] for r in second["results"]} & {r["uri"] for r in body["results"]}
    # format=json wins over a browser's Accept
    r = corpus_http.get("/search", params={"q": "gender", "format": "json"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("application/json")


def test_html_page(corpus_http):
    r = corpus_http.get("/search", params={"q": "Kaleidoscope", "kind": "adopted"}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<form class="search-form" role="search"' in html
    assert re.search(r'id="result-count"><strong>\d+</strong> results? for', html)
    assert "<mark>Kaleidoscope</mark>" in html
    assert 'href="/doc/resolution/pp/169/dubai-2018/considering/d"' in html
    # the kind filter is shown with a link that removes it (keeping the words)
    assert 'href="/search?q=Kaleidoscope"' in html
    # facet links add a filter to the current ones
    assert re.search(r'href="/search\?q=Kaleidoscope&amp;kind=adopted&amp;verb=\w', html)
    assert '<aside class="search-facets" aria-labelledby="facets-heading">' in html


def test_search_box_on_every_page(corpus_http):
    for path in ("/", "/validation", "/doc/resolution/pp/70/dubai-2018", "/search"):
        html = corpus_http.get(path, headers={"Accept": "text/html"}).text
        assert re.search(r'<form class="site-search" role="search" action="/search"', html), path
        assert '<label for="site-search-q"' in html, path


# ---------------------------------------------------------------- bad input ---

@pytest.mark.parametrize("q", ['"unbalanced', "NEAR(", "*", "a AND", "AND", "OR", "NOT", '""', "()", "gender^2",
                               "title:gender", '"2030 Agenda" NEAR/3 gender', "-", "--gender", "\u00e9galit\u00e9",
                               "'; DROP TABLE entry; --", "SELECT * WHERE { ?s ?p ?o }", "\x00", "a" * 500])
def test_odd_queries_answer(corpus_http, q):
    for headers in (JSON, {"Accept": "text/html"}):
        r = corpus_http.get("/search", params={"q": q}, headers=headers)
        assert r.status_code in (200, 400), (q, r.status_code, r.text[:300])
        if r.status_code == 400:
            assert "error" in r.text
        elif headers is JSON:
            assert isinstance(r.json()["total"], int)


def test_operator_words_are_words(corpus_http):
    # "a AND" is the word a (AND alone joins nothing); NEAR( is the word near
    assert search(corpus_http, q="NEAR(")["understood"] == ["near"]
    assert search(corpus_http, q="a AND")["total"] == search(corpus_http, q="a")["total"]


@pytest.mark.parametrize("params,needle", [
    ({"q": "x" * 10_000}, "limit is 500"),
    ({"q": "gender", "colour": "red"}, "unknown parameter 'colour'"),
    ({"q": "gender", "kind": "adopted", "kind2": "x"}, "kind, body, year, verb, addressee"),
    ({"q": "gender", "page": "-1"}, "page must be a whole number"),
    ({"q": "gender", "page": "abc"}, "page must be a whole number"),
    ({"q": "gender", "page": "0"}, "page must be a whole number"),
    ({"q": "gender", "page": "99999999999999999999"}, "page must be a whole number"),
    ({"q": "-gender"}, "at least one word"),
    ({"q": "gender", "format": "xml"}, "unknown format"),
    ({"q": "gender", "body": "b" * 200}, "longer than"),
])
def test_bad_requests_are_400_with_a_message(corpus_http, params, needle):
    r = corpus_http.get("/search", params=params, headers=JSON)
    assert r.status_code == 400
    assert needle in r.json()["error"]
    page = corpus_http.get("/search", params=params, headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert needle in unescape(page.text)
    assert 'role="search"' in page.text  # the box is there to try again


def test_repeated_facet_and_unknown_value(corpus_http):
    r = corpus_http.get("/search?q=gender&kind=adopted&kind=un", headers=JSON)
    assert r.status_code == 400 and "more than once" in r.json()["error"]
    none = search(corpus_http, q="gender", kind="treaty")
    assert none["total"] == 0 and none["results"] == []


def test_empty_query_shows_the_box(corpus_http):
    for url in ("/search", "/search?q=", "/search?q=%20%20"):
        r = corpus_http.get(url, headers={"Accept": "text/html"})
        assert r.status_code == 200
        assert 'id="search-q"' in r.text and "Type a few words" in r.text
        assert "search-error" not in r.text
    assert search(corpus_http, q="")["total"] == 0


def test_filters_without_words_list_in_document_order(corpus_http):
    body = search(corpus_http, kind="un", verb="decides")
    assert body["total"] > 0
    assert all(h["kind"] == "un" and h["verb"] == "decides" for h in body["results"])


def test_page_past_the_end_is_empty(corpus_http):
    body = search(corpus_http, q="Kaleidoscope", page=50)
    assert body["total"] > 0 and body["results"] == []
    html = corpus_http.get("/search", params={"q": "Kaleidoscope", "page": 50}, headers={"Accept": "text/html"}).text
    assert "past the last page" in html


def test_bytes_that_are_not_utf8(corpus_http):
    r = corpus_http.get("/search?q=%ff%fe", headers=JSON)
    assert r.status_code == 400


# ------------------------------------------------------ the index and its store ---

def test_parse_query_quotes_every_word():
    assert parse_query("gender").expression == '"gender"'
    assert parse_query('"2030 Agenda" cyber*').expression == '"2030 agenda" AND "cyber"*'
    assert parse_query("ICTs/telecommunications").expression == '"icts telecommunications"'
    assert parse_query("a OR b c").expression == '("a" OR "b") AND "c"'
    assert parse_query("NEAR(x, y)").expression == '"near" AND "x" AND "y"'
    assert parse_query('x "unclosed phrase').expression == '"x" AND "unclosed phrase"'
    assert parse_query("*").expression == ""
    # every expression parse_query writes is one FTS5 accepts
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    for q in ['"', '""*', "a OR", "OR a", "NOT a b", "a -b -c", "x*y*", "^a", "a:b", "(a OR b) AND NOT c"]:
        e = parse_query(q).expression
        if e:
            con.execute("SELECT * FROM t WHERE t MATCH ?", [e]).fetchall()


CLAUSE_TRIG = """
@prefix rg: <https://w3id.org/resgraph/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://t/g> {
  <http://t/id/resolution/pp/1> rg:body <https://w3id.org/resgraph/concept/body/pp> .
  <http://t/id/resolution/pp/1/x-2018> a rg:ResolutionText ; rg:textOf <http://t/id/resolution/pp/1> ;
      rg:year "2018" ; rdfs:label "Resolution 1 (Rev. X, 2018)"@en ; dcterms:title "On %(word)s" ;
      rg:status <https://w3id.org/resgraph/concept/text-status/adopted-text> .
  <http://t/id/resolution/pp/1/x-2018/resolves> a rg:Section ; eli:is_part_of <http://t/id/resolution/pp/1/x-2018> ;
      rg:verb <https://w3id.org/resgraph/concept/verb/resolves> .
  <http://t/id/resolution/pp/1/x-2018/resolves/1> a rg:Clause ; rdfs:label "resolves 1"@en ;
      eli:is_part_of <http://t/id/resolution/pp/1/x-2018/resolves> ; rg:text "to study %(word)s carefully" .
}
"""


def _publish(settings: Settings, word: str) -> store_mod.Generation:
    quads = ox.parse(CLAUSE_TRIG % {"word": word}, format=ox.RdfFormat.TRIG)
    return store_mod.publish(quads, {"base": "http://t/"}, settings=settings)


def test_the_build_writes_the_index_before_it_publishes(corpus_server):
    gen = store_mod.current(corpus_server.settings)
    path = search_mod.index_path(corpus_server.settings.store_dir, gen.name)
    assert path.is_file()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    meta = dict(con.execute("SELECT key, value FROM meta"))
    n_clauses = con.execute("SELECT count(*) FROM entry WHERE field = 'text'").fetchone()[0]
    con.close()
    assert meta["generation"] == gen.name
    assert meta["built_at"] <= gen.meta["published_at"]
    assert n_clauses == gen.meta["counts"]["clauses"]  # every clause of the build (5,552), none twice


def test_a_new_generation_gets_its_own_index(tmp_path):
    settings = Settings(base="http://t/", store_dir=tmp_path / "store", data_dir=tmp_path / "data")
    gen1 = _publish(settings, "alpha")
    st, _ = store_mod.open_current(settings)
    ix1 = search_mod.ensure_index(settings.store_dir, gen1.name, st)
    found = ix1.search(parse_query("alpha"), {})
    assert [h.uri for h in found.hits] == ["http://t/id/resolution/pp/1/x-2018/resolves/1", "http://t/id/resolution/pp/1/x-2018"]
    clause = found.hits[0]
    assert (clause.label, clause.kind, clause.body, clause.verb, clause.year) == (
        "Resolution 1 (Rev. X, 2018), resolves 1", "adopted", "pp", "resolves", "2018")
    del st
    gen2 = _publish(settings, "beta")
    assert gen2.name != gen1.name
    st, _ = store_mod.open_current(settings)
    ix2 = search_mod.ensure_index(settings.store_dir, gen2.name, st)
    assert ix2.path != ix1.path
    assert ix2.search(parse_query("alpha"), {}).total == 0
    assert ix2.search(parse_query("beta"), {}).total == 2
    # an index lives as long as its generation: kept while generation 1 is a backup …
    search_mod.prune_indexes(settings.store_dir)
    assert ix1.path.exists()
    del st
    for word in ("gamma", "delta"):  # … and removed with it (the store keeps 3 generations)
        _publish(settings, word)
    assert gen1.name not in {g.name for g in store_mod.generations(settings)}
    search_mod.prune_indexes(settings.store_dir)
    assert not ix1.path.exists() and ix2.path.exists()
    # an index file is never taken for another generation's
    with pytest.raises(search_mod.IndexUnavailable):
        search_mod.Index.open(ix2.path, gen1.name)


def test_a_failed_build_is_503_and_sparql_still_answers(tmp_path):
    """The index path is taken by a directory, so the index cannot be written: search says
    so (503), the SPARQL endpoint and the pages keep answering."""
    server = start_server(tmp_path)
    try:
        gen = store_mod.current(server.settings)
        blocker = search_mod.index_path(server.settings.store_dir, gen.name)
        blocker.mkdir(parents=True)
        import httpx
        with httpx.Client(base_url=server.url.rstrip("/"), timeout=30) as http:
            r = http.get("/search", params={"q": "events"})
            assert r.status_code == 503
            assert r.text.startswith("search index unavailable")
            assert http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"}).json()["boolean"] is True
            assert http.get("/", headers={"Accept": "text/html"}).status_code == 200
    finally:
        stop_server(server)


def test_fixture_texts_are_escaped(http):
    """fixture.trig has a clause with « quotes » & <markup>: shown as text, never as markup."""
    r = http.get("/search", params={"q": "markup survive"}, headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "&lt;<mark>markup</mark>&gt;" in r.text or "&lt;markup&gt;" in r.text
    assert "<markup>" not in r.text
    body = http.get("/search", params={"q": "markup"}, headers=JSON).json()
    assert body["total"] == 1 and "<markup>" in body["results"][0]["snippet"]
